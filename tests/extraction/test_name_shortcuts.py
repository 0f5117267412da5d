"""Shortcuts that collect_names takes for speed give the answers of the plain path they replace."""
from __future__ import annotations

from pathlib import Path

from quotesearch.extraction import coreference as C
from quotesearch.extraction.mentions import capital_flags, split_name
from quotesearch.extraction.segment import tokenize

SEED = Path(__file__).parents[2] / "seeds" / "kursk-incursion.txt"
POLNEAR = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "polnear-train" / "text"
# titles, determiners, pronouns, initials, abbreviations, connectors, elision marks, brackets, acronyms
EXTRA = ("The President said. Gen. Smith (R-Texas) and Mr. Jones, NATO, CEO Ann, Her The UN (AP) Lt-Col X. "
         "I think Kevin D. Williamson and He Who Waits met ’Manteboheng Lekhanya of the Bureau of Fisheries "
         "and Aquatic Resources. Prime Minister Shigeru Ishiba, U.S. Army Vice Chief, AT&T. They Said So")


def _paragraphs():
    texts = [SEED.read_text(encoding="utf-8"), EXTRA]
    if POLNEAR.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(POLNEAR.glob("*.txt"))[:60]]
    return [p for t in texts for p in t.split("\n\n") if p.strip()]


def test_runs_of_plain_capitalized_words_split_as_split_name_splits_them():
    """collect_names takes a run of capitalized words with none of ``_not_names()`` among them and no
    hyphen or apostrophe in it for a name, all of it, with no role words, and one word of
    ``_not_names()`` alone for no name: on every run of up to five tokens of real paragraphs (and of
    paragraphs with titles, determiners, pronouns, initials, hyphens and elision marks), that is what
    split_name finds."""
    not_names = C._not_names()
    assert {"the", "he", "president", "mr"} <= not_names
    plain = alone = 0
    for paragraph in _paragraphs():
        toks = tokenize(paragraph)
        caps = capital_flags(toks)
        for i in range(len(toks)):
            if toks[i].lower in not_names:
                assert split_name(toks, i, i)[1] is None, toks[i].text
                alone += 1
            for j in range(i, min(i + 5, len(toks))):
                if (all(caps[i:j + 1]) and not_names.isdisjoint(t.lower for t in toks[i:j + 1])
                        and C._NAME_MARKS.search(paragraph, toks[i].start, toks[j].end) is None):
                    assert split_name(toks, i, j) == (None, (i, j)), paragraph[toks[i].start:toks[j].end]
                    plain += 1
    assert plain > 100 and alone > 50 and (not POLNEAR.is_dir() or plain > 3000 and alone > 1000)
    toks = tokenize("Prime Minister Shigeru Ishiba and Lt-Col Ann Lee-Smith")
    assert split_name(toks, 0, 3) == ((0, 1), (2, 3)) and split_name(toks, 5, 7) == ((5, 5), (6, 7))


def test_a_title_then_plain_capitalized_words_split_as_split_name_splits_them():
    """One title (with its full stop) before plain capitalized words is the role, the words after it the
    name ("Sen. Ted Cruz", "President Obama"): on every run of up to six tokens of real paragraphs that
    ``_after_title`` splits, split_name splits it there; a name that would open with "of" is left to
    split_name, which reads on past it."""
    titled = 0
    extra = "Secretary Of State John Kerry met Sen. Ted Cruz, Gen . Ann Lee and Lt-Col Ann Lee-Smith."
    for paragraph in _paragraphs() + [extra]:
        toks = tokenize(paragraph)
        caps = capital_flags(toks)
        for i in range(len(toks)):
            for j in range(i + 1, min(i + 6, len(toks))):
                s = C._after_title(toks, caps, paragraph, i, j, C._not_names())
                if s:
                    assert split_name(toks, i, j) == ((i, s - 1), (s, j)), paragraph[toks[i].start:toks[j].end]
                    titled += 1
    assert titled > 20 and (not POLNEAR.is_dir() or titled > 300)
    toks = tokenize(extra)
    caps = capital_flags(toks)
    assert C._after_title(toks, caps, extra, 0, 4, C._not_names()) == 0 and split_name(toks, 0, 4) == ((0, 2), (3, 4))
    assert C._after_title(toks, caps, extra, 6, 9, C._not_names()) == 8


def test_word_tests_kept_by_text_are_the_tests_of_the_token():
    """_stated_role asks whether words are role words or noun modifiers through tables by text; they
    answer as the tests of the token, and a run looks like a person's name by its words' texts alone."""
    words = 0
    for paragraph in _paragraphs():
        toks = tokenize(paragraph)
        for t in toks:
            assert C._ROLE_WORD[t.text] == bool(C._role_word(t)), t.text
            assert C._NOUN_MODIFIER[t.text] == bool(C._noun_modifier(t)), t.text
            words += 1
        for i in range(len(toks) - 1):
            run = toks[i:i + 2]
            assert C._looks_like_person(run) == C._person_like((run[0].text, run[1].text))
    assert words > 500 and (not POLNEAR.is_dir() or words > 10000)
    assert [C._looks_like_person(tokenize(n)) for n in ("Donald Trump", "White House", "NATO Chief", "The Post")] \
        == [True, False, False, False]
