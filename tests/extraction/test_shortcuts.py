"""Shortcuts taken for speed give the answers of the plain path they replace."""
from __future__ import annotations

import re
from pathlib import Path

from quotesearch.extraction import cues, lexicon
from quotesearch.extraction.segment import tokenize

SEED = Path(__file__).parents[2] / "seeds" / "kursk-incursion.txt"
POLNEAR = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "polnear-train" / "text"


def _paragraphs():
    texts = [SEED.read_text(encoding="utf-8")]
    if POLNEAR.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(POLNEAR.glob("*.txt"))[:40]]
    texts.append("According to aides, he pointed out that Clinton Says No. “Fine,” she said, according to him.")
    return [p for t in texts for p in t.split("\n\n") if p.strip()]


def test_cue_finders_given_lowercase_forms_find_what_they_find_alone():
    """find_cues reads the tokens' lowercase forms, and which of them may open a cue, once and hands
    them to its three finders; each finder given them finds exactly what it finds reading them itself,
    and the words that may open a cue are where a phrase's first word or a speech verb is."""
    found = 0
    phrase_firsts = {words[0] for words in lexicon.speech_phrases()} | {p.split()[0] for p in lexicon.cue_phrases()}
    for paragraph in _paragraphs():
        toks = tokenize(paragraph)
        lowers = [t.lower for t in toks]
        at = cues.cue_openers(lowers)
        assert at == [i for i, w in enumerate(lowers) if w in phrase_firsts or w in lexicon.speech_verbs()]
        assert cues.phrase_cues(toks, lowers, at) == cues.phrase_cues(toks, lowers) == cues.phrase_cues(toks)
        assert cues.verb_phrase_cues(toks, lowers, at) == cues.verb_phrase_cues(toks)
        for title_case in (False, True):
            assert cues.verb_cues(toks, title_case, lowers, at) == cues.verb_cues(toks, title_case)
        found += len(cues.find_cues(toks))
    assert found > 50


def test_word_list_helpers_are_their_lexicon_files():
    """titles(), stop_words(), … are ``words(name)`` with the name bound: the same lists."""
    helpers = {"titles": "titles", "abbreviations": "abbreviations", "determiners": "determiners",
               "stop_words": "stop_words", "outlet_words": "outlets", "prepositions": "prepositions",
               "name_connectors": "name_connectors", "organization_words": "organization_words"}
    for helper, name in helpers.items():
        got = getattr(lexicon, helper)()
        assert got is lexicon.words(name) and len(got) > 5, helper
    assert "president" in lexicon.titles() and "the" in lexicon.determiners()


def test_capital_flags_by_maps_are_capitalized_token_by_token():
    """capital_flags reads every token by C-level maps; the flags are those of capitalized() asked
    token by token, on real paragraphs and on words with elision marks, digits and a lone mark."""
    from quotesearch.extraction.mentions import capital_flags, capitalized
    from quotesearch.extraction.segment import Token
    extra = "’Manteboheng ’90s ’ ’a Über éclair 3M x-Ray A. ’’B ’É ǅemal ﬁne"
    for paragraph in _paragraphs() + [extra]:
        toks = tokenize(paragraph)
        assert capital_flags(toks) == [capitalized(t) for t in toks]
        assert all(type(flag) is bool for flag in capital_flags(toks))
    assert [capitalized(t) for t in tokenize(extra)][:3] == [True, False, False]
    odd = [Token(text, 0, len(text)) for text in ["’", "’’", "’A", "A’", "’1", "Ab’", "’’B"]]
    assert capital_flags(odd) == [capitalized(t) for t in odd]


def test_word_flags_are_bounded():
    from quotesearch.extraction.mentions import WordFlags
    flags = WordFlags.of_token(lambda t: t.is_word)
    for n in range(WordFlags.LIMIT + 5):
        assert flags[f"w{n}"] is True
    assert 5 <= len(flags) <= WordFlags.LIMIT and flags["-"] is False


def test_role_words_before_a_name_by_word_are_the_plain_test():
    """_introduced asks, word by word, whether the words before a name are lowercase role words; a
    cache by text answers as the plain test on each token, and _introduced finds the introductions."""
    from quotesearch.extraction import coreference as C
    count = 0
    for paragraph in _paragraphs():
        for t in tokenize(paragraph):
            assert C._ROLE_LEAD[t.text] == bool(C._role_lead(t)), t.text
        count += 1
    toks = tokenize("Council engineer Samuel Otieno stood up. The first witness was Hawks head Major-Gen Gopaul Govender.")
    at = [i for i, t in enumerate(toks) if t.text in ("Samuel", "Hawks")]
    assert [C._introduced(toks, i) for i in at] == [True, True]
    assert not C._introduced(toks, [i for i, t in enumerate(toks) if t.text == "Gopaul"][0] + 1)


def test_double_mark_pattern_matches_the_pattern_as_first_written():
    """The double-mark pattern lists each mark as a literal alternative (so re skips to the next
    possible mark); it finds what the pattern as first written, with a character set, found."""
    import random
    import re
    from quotesearch.extraction.quotes import _DOUBLE_MARK
    as_written = re.compile(r"'''|''|``|[\"“”„«»]")
    rng = random.Random(7)
    chars = "'`\"“”„«»‘’ a\n"
    texts = [p for p in _paragraphs()] + ["He said ``no more.'' Then 'a special case,''' he said «oui» „ja“"]
    texts += ["".join(rng.choice(chars) for _ in range(rng.randint(0, 14))) for _ in range(30000)]
    for text in texts:
        assert [m.span() for m in _DOUBLE_MARK.finditer(text)] == [m.span() for m in as_written.finditer(text)]


def _words():
    extra = "we'll he’s who’s o'neill ’90s rock'n’roll '' ’ ' it's’ Jones’ Jones's Khan’s X’s\n a’\n s"
    return [w for paragraph in _paragraphs() for w in paragraph.split()] + extra.split(" ") + ["", "’s", "'s"]


def test_the_word_before_an_apostrophe_is_the_split_at_the_first_one():
    """before_apostrophe (two partitions) is the first part of ``re.split("[’']", word, maxsplit=1)``."""
    import re
    from quotesearch.extraction.mentions import before_apostrophe
    words = _words()
    assert all(before_apostrophe(w) == re.split("[’']", w, maxsplit=1)[0] for w in words)
    assert before_apostrophe("rock'n’roll") == "rock" and before_apostrophe("he’s") == "he"


def test_a_possessive_is_stripped_as_the_pattern_strips_it():
    """_strip_possessive runs its pattern only on names whose last character could end a possessive;
    every other name is what the pattern leaves."""
    from quotesearch.extraction.coreference import _POSSESSIVE, _strip_possessive
    names = _words() + [" ".join(p.split()[:3]) for p in _paragraphs()]
    assert all(_strip_possessive(n) == _POSSESSIVE.sub("", n) for n in names)
    assert _strip_possessive("Jones’") == "Jones" and _strip_possessive("Khan’s") == "Khan"


def test_names_fold_as_character_by_character():
    """fold drops combining marks character by character only where a name has a character outside
    ASCII; an ASCII name has none to drop."""
    import unicodedata
    from quotesearch.identity.speakers import fold
    for name in _words() + ["Zoë  Müller-Lüdenscheidt", "Erdoğan", "São Paulo", "ＡＢＣ", "ﬁne", "plain Name"]:
        decomposed = unicodedata.normalize("NFKD", name)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c))
        assert fold(name) == " ".join(re.findall(r"\w+", plain.casefold())), name
    assert fold("Zoë  Müller-Lüdenscheidt") == "zoe muller ludenscheidt"


def _single_quotes_char_by_char(text, start, end):
    """single_quotes as first written: every offset asked whether it opens or closes."""
    from quotesearch.extraction.quotes import _closer_is_strong, _is_single_closer, _is_single_opener, _make
    quotes = []
    i = start
    while i < end:
        if not _is_single_opener(text, i, start, end):
            i += 1
            continue
        nxt_open = next((k for k in range(i + 1, end) if _is_single_opener(text, k, start, end)
                         and text[k] == "‘"), end)
        closers = [j for j in range(i + 2, nxt_open) if _is_single_closer(text, j, end)]
        strong = [j for j in closers if _closer_is_strong(text, j, end)]
        if strong or closers:
            j = (strong or closers)[0] if strong else closers[-1]
            quotes.append(_make(text, i, j, j, text[i]))
            i = j + 1
        elif i == start or text[i - 1] in ":,":
            quotes.append(_make(text, i, None, nxt_open, text[i]))
            i = nxt_open
        else:
            i += 1
    return [q for q in quotes if q.end - q.start >= 2]


def test_single_quotes_read_only_the_marks():
    """single_quotes visits only the offsets of ‘ ’ and ' (no other character opens or closes a single
    quote) and finds what asking every offset finds, on real paragraphs and on every slice of tricky ones."""
    from quotesearch.extraction.quotes import single_quotes
    found = 0
    for paragraph in _paragraphs():
        got = single_quotes(paragraph, 0, len(paragraph))
        assert got == _single_quotes_char_by_char(paragraph, 0, len(paragraph))
        found += len(got)
    for text in ["'a' b ‘c’ d 'e", "‘x ‘y’ z’", "He said: 'it's fine' and ‘no’.", "''''", "'a'b'c'd' e'",
                 "x ‘ab’s cd’ 'ef'", ", ‘unclosed one", "(‘in brackets’) ‘90s ’til"]:
        for s in range(len(text)):
            for e in range(s, len(text) + 1):
                assert single_quotes(text, s, e) == _single_quotes_char_by_char(text, s, e), (text, s, e)
    assert found > 0 or not POLNEAR.is_dir()


def test_quote_token_ranges_are_worked_out_once_as_token_at_gives_them():
    """A paragraph's quote token ranges, worked out while it is built, are ``token_at`` of each quote's
    opening mark and of its outer end (minus one), as the rules once asked each time."""
    from quotesearch.extraction.document import Document
    from quotesearch.ingest.read import article_from_text
    texts = [SEED.read_text(encoding="utf-8")]
    if POLNEAR.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(POLNEAR.glob("*.txt"))[:40]]
    texts.append("“Unclosed and on, he said. ‘Single,’ she said “and ''ascii'' too.”\n\n“Next.”")
    checked = 0
    for n, text in enumerate(texts):
        for p in Document.build(article_from_text(text, f"t{n}")).paragraphs:
            for qi, q in enumerate(p.quotes):
                assert p.quote_tokens(qi) == (p.token_at(q.open), p.token_at(q.outer_end) - 1)
                checked += 1
    assert checked > 20


def _acronym_definitions_whole_text(text):
    """Acronym definitions as first read: runs of names from the start of the text to its end."""
    from quotesearch.extraction.coreference import _ACRONYM, _NAME_RUN
    out, pos = [], 0
    while (m := _NAME_RUN.search(text, pos)) is not None:
        acr = _ACRONYM.match(text, m.end())
        pos = acr.end() if acr else m.end()
        if acr:
            out.append((" ".join(m.group(1).split()), acr.group(1)))
    return out


def test_acronyms_are_defined_as_reading_the_whole_text_defines_them():
    """Runs of names are read only around bracketed acronyms, between two characters no run or acronym
    holds; the definitions are those of reading the whole text, on real articles and random ones."""
    import random
    from quotesearch.extraction.coreference import _acronym_definitions
    texts = [SEED.read_text(encoding="utf-8")]
    if POLNEAR.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(POLNEAR.glob("*.txt"))]
    rng = random.Random(7)
    words = ["Institute", "for", "the", "Study", "of", "War", "(ISW)", "(UN)", "(A.B)", "(x)", "(AB", "AB)", "and",
             "&", "on", "Mr.", "U.S.", "al-Qaeda", "eBay", "Ab", "ab", ",", ":", "“", "”", "’s", "-", ".", "(", ")",
             "\n", "(N&P)"]
    texts += ["".join(rng.choice(words) + rng.choice([" ", "", "\n"]) for _ in range(rng.randint(0, 14)))
              for _ in range(20000)]
    defined = 0
    for text in texts:
        found = list(_acronym_definitions(text))
        assert found == _acronym_definitions_whole_text(text), text
        defined += len(found)
    assert list(_acronym_definitions("The Institute for the Study of War (ISW), said: Big Corp (BC)")) == \
        [("The Institute for the Study of War", "ISW"), ("Big Corp", "BC")]
    assert defined > 100


def test_paragraph_built_from_token_columns_is_the_one_built_from_tokens():
    """token_columns hands the texts, starts, lowercase forms and word flags it built the tokens from;
    they are what reading the tokens gives, and a paragraph built with them (cues, capital flags,
    token starts) equals the one built from the tokens alone."""
    from quotesearch.extraction.mentions import capital_flags, capital_flags_of
    from quotesearch.extraction.paragraph import build_paragraph
    from quotesearch.extraction.quotes import find_quotes
    from quotesearch.extraction.segment import Segmentation, token_columns
    for paragraph in _paragraphs() + ["’Manteboheng ’90s ’ ’a Über, said éclair 3M x-Ray A. ’’B ’É", ""]:
        columns = token_columns(paragraph)
        toks = columns.tokens
        assert toks == tokenize(paragraph)
        assert columns.texts == [t.text for t in toks] and columns.starts == [t.start for t in toks]
        assert columns.lowers == [t.lower for t in toks] and columns.is_word == [t.is_word for t in toks]
        assert capital_flags_of(columns.texts, columns.is_word) == capital_flags(toks)
        assert cues.find_cues(toks, True, columns.lowers) == cues.find_cues(toks, True)
        seg = Segmentation(paragraph)
        n = len(paragraph)
        for index in (0, 1):
            quotes = find_quotes(paragraph, 0, n, False)
            plain = build_paragraph(paragraph, index, 0, n, seg.tokens(0, n), seg.sentences(0, n), quotes)
            given = build_paragraph(paragraph, index, 0, n, seg.tokens(0, n), seg.sentences(0, n), quotes,
                                    seg.columns(0, n))
            assert given == plain


def test_one_word_name_split_is_the_run_split():
    """split_name answers a phrase whose name part is one capitalized word at once; the answer is what
    the scan of a run (``_split_run``) gives, on every phrase of up to four tokens of real paragraphs
    (parentheses after the word included) and on titles, determiners and acronyms."""
    from quotesearch.extraction import mentions as M
    extra = "The President said. Gen. Smith (R-Texas) and Mr. Jones, NATO, CEO Ann, Her The UN (AP) Lt-Col X."
    one_word = 0
    for paragraph in _paragraphs() + [extra]:
        toks = tokenize(paragraph)
        for first in range(len(toks)):
            for last in range(first, min(first + 4, len(toks))):
                name_end = last
                while name_end >= first and toks[name_end].text in ")":
                    name_end = M._paren_open(toks, name_end, first) - 1
                if name_end < first or not M.capitalized(toks[name_end]) or M._pronoun(toks[name_end].lower):
                    continue
                assert M.split_name(toks, first, last) == M._split_run(toks, first, last, name_end)
                one_word += name_end == first
    assert one_word > 1000


def test_glued_role_needs_three_words():
    """collect_names asks _glued_role only of runs of three words or more: of one or two words it finds
    no role (a role word and a two-word name after it), whatever the words."""
    from quotesearch.extraction import coreference as C
    words = ["Frenchman", "DL", "MP", "London", "President", "Corentin", "Moutet", "U.S.", "Dr.", "NATO", "Mrs"]
    for a in words:
        assert C._glued_role(a)[0] == ""
        for b in words:
            assert C._glued_role(f"{a} {b}")[0] == ""
    assert C._glued_role("Frenchman Corentin Moutet") == ("Frenchman", "Corentin Moutet")


def test_reported_statements_are_new_objects_given_their_quotes():
    """reported_rule sets the quotes of each statement a cue reports on the statement itself (no copy):
    each call of _reported_one makes a new one, shared with nothing, and the quotes set are those of the
    paragraph opening inside its spans."""
    from quotesearch.extraction import rules
    from quotesearch.extraction.document import Document
    from quotesearch.extraction.rules.attribute import _reported_one, reported_rule
    from quotesearch.ingest.read import article_from_text
    count = 0
    for text in {paragraph.split("\n\n")[0] for paragraph in _paragraphs()} | {SEED.read_text(encoding="utf-8")}:
        for p in Document.build(article_from_text(text, "t")).paragraphs:
            for cue in p.cues:
                first, again = _reported_one(p, cue), _reported_one(p, cue)
                assert first is None and again is None or first is not again and first == again
            for a in reported_rule(p, rules.Taken()).attributions:
                assert a.quotes == [q for q in p.quotes if any(s <= q.open < e for s, e in a.spans)]
                count += 1
    assert count > 20


def _documents():
    from quotesearch.extraction.document import Document
    from quotesearch.ingest.read import article_from_text
    texts = [SEED.read_text(encoding="utf-8")]
    if POLNEAR.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(POLNEAR.glob("*.txt"))[:40]]
    texts.append("“Unclosed and on, he said. ‘Single,’ she said “and ''ascii'' too.”\n\n“Next.” Then: “A” and “B.”")
    return [Document.build(article_from_text(text, f"t{n}")) for n, text in enumerate(texts)]


def test_clause_extended_over_quotes_as_token_by_token_reading_extends_it():
    """extend_over_quotes reads which quotes tokens lo..hi are in at C level (a set of the slice); the end
    is the one reading the tokens one by one gives, for every token range of quote paragraphs."""
    from quotesearch.extraction.paragraph import extend_over_quotes

    def plain(p, lo, hi):
        for i in range(lo, hi + 1):
            qi = p.quote_of[i]
            if qi is not None:
                hi = max(hi, p.quote_tokens(qi)[1])
        return hi

    checked = 0
    for doc in _documents():
        for p in doc.paragraphs:
            n = len(p.tokens)
            for lo in range(0, n, 3):
                for hi in range(lo - 1, n, 5):
                    assert extend_over_quotes(p, lo, hi) == plain(p, lo, hi)
                    checked += bool(p.quotes)
    assert checked > 1000


def test_a_colon_token_is_where_the_text_has_a_colon():
    """colon_headline looks for a ":" in the text of a paragraph's first eight tokens before it reads
    them: there is a colon token among them exactly where that text holds a ":"."""
    from quotesearch.extraction.rules.direct import colon_headline
    colons = 0
    for doc in _documents():
        for p in doc.paragraphs:
            first = p.tokens[:8]
            has_token = any(t.text == ":" for t in first)
            assert has_token == (bool(first) and ":" in p.source[first[0].start:first[-1].end])
            colons += has_token
            if not has_token:
                assert colon_headline(p) is None
    assert colons > 5


def test_words_between_counts_the_word_tokens():
    """Paragraph.words_between sums the paragraph's word flags (the tokenizer's column) instead of
    reading the tokens: the count of word tokens among tokens a..b, for any range, as the tokens say."""
    checked = 0
    for doc in _documents()[:12]:
        for p in doc.paragraphs:
            assert p.is_word == [t.is_word for t in p.tokens]
            n = len(p.tokens)
            for a in range(0, n, 2):
                for b in range(a - 2, n + 1, 3):
                    assert p.words_between(a, b) == sum(t.is_word for t in p.tokens[a:b + 1])
                    checked += 1
    assert checked > 1000


def test_adjunct_words_are_the_time_words_and_one_word_markers():
    """skip_adjuncts asks one set for the words it steps over one by one; a word is in it exactly when
    it is a time word and no preposition, or a discourse marker of one word."""
    from quotesearch.extraction.rules.frames import _PREPOSITIONS, _adjunct_words
    candidates = set(lexicon.time_words()) | {w for m in lexicon.discourse_markers() for w in m} | _PREPOSITIONS
    candidates |= {t.lower for paragraph in _paragraphs()[:200] for t in tokenize(paragraph)}
    for word in candidates:
        plain = word in lexicon.time_words() and word not in _PREPOSITIONS or (word,) in lexicon.discourse_markers()
        assert (word in _adjunct_words()) == plain, word
    assert "tuesday" in _adjunct_words() and "however" in _adjunct_words() and "in" not in _adjunct_words()


def test_cues_without_phrases_are_the_verb_cues_unsorted():
    """find_cues returns the verb cues as found when no phrase cue is there (they come in token order);
    with phrases, phrases and the verbs outside them sorted by first token: always what taking the
    phrases out of the verb cues and sorting gives."""
    phrases_seen = 0
    for paragraph in _paragraphs():
        toks = tokenize(paragraph)
        for headline in (False, True):
            phrases = cues.phrase_cues(toks) + cues.verb_phrase_cues(toks)
            taken = {i for c in phrases for i in range(c.first, c.last + 1)}
            verbs = cues.verb_cues(toks, headline and cues.is_title_case(toks))
            plain = sorted(phrases + [c for c in verbs if c.first not in taken], key=lambda c: c.first)
            assert cues.find_cues(toks, headline) == plain
            phrases_seen += bool(phrases)
    assert phrases_seen > 5


def test_words_outside_quotes_as_read_token_by_token():
    """Whether a paragraph has a word outside its quotes, read from its word flags and quote column
    at C level, is what reading its tokens one by one says."""
    from quotesearch.extraction.rules.direct import _words_outside_quotes
    quote_only = 0
    for doc in _documents():
        for p in doc.paragraphs:
            plain = any(p.quote_of[i] is None and t.is_word for i, t in enumerate(p.tokens))
            assert _words_outside_quotes(p) == plain
            quote_only += bool(p.quotes) and not plain
    assert quote_only > 3


def test_unattributed_quotes_ask_the_cheap_question_first():
    """unattributed_quotes asks whether a statement with a cue comes before a quote before it reads the
    quote's words and whether it opens a sentence: the quotes it gives are those of the plain reading,
    for every paragraph with what the rules before it found."""
    from quotesearch.extraction import rules
    from quotesearch.extraction.paragraph import MIN_CONTENT_WORDS, Attribution
    from quotesearch.extraction.rules.direct import _heading, _opens_sentence, unattributed_quotes

    def plain(p, done, found):
        toks = p.tokens
        outside_words = any(p.quote_of[i] is None and t.is_word for i, t in enumerate(toks))
        out = []
        for qi, q in enumerate(p.quotes):
            if qi in done or any(s <= q.start < e for a in found for s, e in a.spans):
                continue
            first, last = p.quote_tokens(qi)
            words = p.words_between(first, last)
            if not outside_words and _heading(p.source[q.start:q.end]):
                continue
            said_before = any(a.cue and a.spans[0][0] < q.open for a in found)
            opens = _opens_sentence(p, first) or (first > 0 and toks[first - 1].text in ".!?")
            if not outside_words or (said_before and opens and words >= MIN_CONTENT_WORDS):
                out.append(Attribution(kind="direct", spans=[(q.start, q.end)], paragraph=p.index,
                                       inherit=True, quotes=[q], open_end=not q.closed))
        return out

    given = 0
    for doc in _documents():
        for p in doc.paragraphs:
            taken = rules.Taken()
            for name, rule in rules.RULES[:-1]:
                taken = taken.plus(rule(p, taken))
            for done, found in ((taken.quotes, list(taken.attributions)), (frozenset(), [])):
                assert unattributed_quotes(p, done, found) == plain(p, done, found)
                given += len(plain(p, done, found))
    assert given > 50
