"""Segmentation: sentences come from NLTK's own Punkt, and give what plain NLTK Punkt gives with our
parameters; tokens, and the per-article Segmentation that keeps them."""
from __future__ import annotations

import importlib.util
import random
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from nltk.tokenize import punkt as nltk_punkt

from quotesearch.extraction import lexicon
from quotesearch.extraction.pipeline import extract
from quotesearch.ingest.article import read_article
from quotesearch.ingest.read import article_from_text
from quotesearch.extraction.segment import (LanguageVars, PunktWord, Segmentation, Token, punkt_parameters, punkt_view,
                                 sentence_spans, sentence_tokenizer, tokenize)

SEED = Path(__file__).parents[2] / "seeds" / "kursk-incursion.txt"
POLNEAR = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "polnear-train" / "text"

TRICKY = [
    "Mr. Smith went to Washington. He said so. The U.S. Army agreed, e.g. on Monday at 3 p.m. Then J. S. Bach"
    " played.\n\nNo. 5 was next... and it rained! Did it? “Yes.” he said. (It did.) Sen. Jones, 54, left.",
    "1. First item. 2. Second item.\n3. Third.\n\n‘Fine.’ ‘Not fine.’ --- done .. ok ... Ok. St. Louis. st. louis.",
    "A. B. C. Dee told me. told me. Told Me. U.S.-based firms. the co. said. The Co. said. iii. IV. 2016. Then.",
    "He said ``no more.'' Then he left. ``We won,'' she said. ``Yes.''\n\nIt is 9 a.m. Etc. and so on.",
]


def _vocabulary_text(rng: random.Random) -> str:
    vocab = ["Mr.", "mr.", "U.S.", "J.", "1.", "12.5", "No.", "e.g.", "etc.", "Inc.", "the", "The", "said", "he",
             "He", "...", ".", "?", "!", ",", ";", ":", "--", "“", "”", "‘", "’", '"', "(", ")", "a.m.", "St.",
             "Smith", "well-known", "Co.", "X.", "Über", "2016.", "Dr.", "Bach", "Gen.", "‘Yes.’", "“No.”", "``", "''"]
    seps = [" ", " ", " ", "  ", "\n", "\n\n", "\t", "\u00a0", ""]
    return "".join(rng.choice(vocab) + rng.choice(seps) for _ in range(rng.randint(1, 80)))


def _plain_nltk_parameters(text: str):
    """What NLTK's Punkt learns from the article with its defaults, with our abbreviation rule applied."""
    trainer = nltk_punkt.PunktTrainer()
    trainer.train(punkt_view(text), finalize=True)
    params = trainer.get_params()
    params.abbrev_types = {a for a in params.abbrev_types if "." in a} | lexicon.abbreviations()
    return params


def test_there_is_no_punkt_port_sentences_come_from_nltk():
    assert importlib.util.find_spec("quotesearch.punkt") is None
    assert isinstance(sentence_tokenizer(SEED.read_text(encoding="utf-8")), nltk_punkt.PunktSentenceTokenizer)
    assert isinstance(punkt_parameters("One. Two."), nltk_punkt.PunktParameters)


def test_sentences_equal_plain_nltk_punkt_with_our_parameters():
    rng = random.Random(4)
    texts = [SEED.read_text(encoding="utf-8")] + TRICKY + [_vocabulary_text(rng) for _ in range(150)]
    texts += [p.read_text(encoding="utf-8") for p in sorted(POLNEAR.glob("*.txt"))[::40]]  # when the corpus is there
    for text in texts:
        ours = punkt_parameters(text)
        theirs = _plain_nltk_parameters(text)
        assert ours.abbrev_types == theirs.abbrev_types
        assert ours.collocations == theirs.collocations
        assert ours.sent_starters == theirs.sent_starters
        assert {k: v for k, v in ours.ortho_context.items() if v} == {k: v for k, v in theirs.ortho_context.items() if v}
        plain = nltk_punkt.PunktSentenceTokenizer(theirs)
        seg = Segmentation(text)
        article = article_from_text(text, "t")
        for ps, pe in [(0, len(text))] + list(article.paragraphs):
            assert seg.sentences(ps, pe) == sentence_spans(plain, text, ps, pe), (text, ps, pe)


def test_stdlib_patterns_split_words_like_nltks():
    rng = random.Random(9)
    chars = "ab .,-\t!?\"'()[]{}*:;@&#`‘’“”«»\u00a01"
    lines = [SEED.read_text(encoding="utf-8")] + TRICKY
    lines += [line for p in sorted(POLNEAR.glob("*.txt")) for line in p.read_text(encoding="utf-8").split("\n")]
    lines += ["a.b,c-d e..f g--h i, j,k l.,m ,n. o- -p q...r s. . . t", "x,--y z,.. ,", ",a", "a,", "a-"]
    lines += ["".join(rng.choice(chars) for _ in range(rng.randint(0, 14))) for _ in range(20000)]
    ours, theirs = LanguageVars(), nltk_punkt.PunktLanguageVars()
    for line in lines:
        assert ours.word_tokenize(line) == theirs.word_tokenize(line), line
        assert [(m.span(), m.group("after_tok")) for m in ours.period_context_re().finditer(line)] == \
            [(m.span(), m.group("after_tok")) for m in theirs.period_context_re().finditer(line)], line
    for word in ["...", "..", "12.5", "-3,000.", "J.", "Über", "U.S.", "x2", "Ab.", ".5", "2016."]:
        mine, nltks = PunktWord(word), nltk_punkt.PunktToken(word)
        assert mine.type == nltks.type
        assert [bool(getattr(mine, p)) for p in ("is_ellipsis", "is_initial", "is_alpha", "is_number")] == \
            [bool(getattr(nltks, p)) for p in ("is_ellipsis", "is_initial", "is_alpha", "is_number")], word


def test_word_pattern_takes_plain_characters_as_a_run_and_falls_back_to_nltks():
    """Our word pattern is NLTK's restated (a run of characters at which no word end can start is
    taken at once); lang vars whose non-word characters are not one character set get NLTK's own
    pattern, and split as NLTK does with the same variables."""
    assert LanguageVars()._word_pattern() is not None
    assert LanguageVars()._word_tokenizer_re().pattern != nltk_punkt.PunktLanguageVars()._word_tokenizer_re().pattern

    class Odd(nltk_punkt.PunktLanguageVars):
        _re_non_word_chars = r"(?:[)\";}\]\*:@\'\({\[?!]|xx)"

    class OurOdd(LanguageVars, Odd):
        pass

    assert OurOdd()._word_pattern() is None
    rng = random.Random(2)
    for line in TRICKY + ["".join(rng.choice("ax .,-!?\"'()") for _ in range(12)) for _ in range(3000)]:
        assert OurOdd().word_tokenize(line) == Odd().word_tokenize(line), line


def test_punkt_words_read_like_nltks_tokens():
    """PunktWord fills NLTK's token properties from a cache of NLTK's own readings: every one of them,
    for every word Punkt's word splitter makes of varied text, as plain NLTK reads it."""
    rng = random.Random(11)
    chars = "aZ .,-!?\"'()*:;&`‘’“”…01É "
    lines = [SEED.read_text(encoding="utf-8")] + TRICKY + [_vocabulary_text(rng) for _ in range(50)]
    lines += ["".join(rng.choice(chars) for _ in range(rng.randint(1, 14))) for _ in range(5000)]
    words = {w for line in lines for w in nltk_punkt.PunktLanguageVars().word_tokenize(line)}
    fields = ("type", "period_final", "first_upper", "first_lower", "first_case", "type_no_period",
              "is_ellipsis", "is_number", "is_initial", "is_alpha", "is_non_punct")
    assert len(words) > 2000
    for word in words:
        for token in (PunktWord(word), PunktWord(word, parastart=True, linestart=True)):
            nltks = nltk_punkt.PunktToken(word, parastart=token.parastart, linestart=token.linestart)
            for f in fields:
                mine, theirs = getattr(token, f), getattr(nltks, f)
                assert (mine == theirs if isinstance(theirs, (str, bool)) else mine == (theirs is not None)), (word, f)
            assert repr(token).replace("PunktWord", "PunktToken") == repr(nltks)
            token.sentbreak = nltks.sentbreak = True
            assert token.type_no_sentperiod == nltks.type_no_sentperiod


def test_punkt_reads_each_distinct_word_once():
    """Training reads a word's shape once however often the word occurs (it read it at every
    occurrence, through regular expressions: a fifth of segmentation time), and keeps no more than
    its limit of words."""
    from quotesearch.extraction.segment import _shape
    text = "The vote was close. The count went on. " * 50 + "Mr. Smith said so."
    _shape.clear()
    punkt_parameters(text)
    assert set(_shape) == set(nltk_punkt.PunktLanguageVars().word_tokenize(text))
    for n in range(_shape.LIMIT + 5):
        PunktWord(f"w{n}")
    assert 5 <= len(_shape) <= _shape.LIMIT


def test_seed_sentences_keep_abbreviations_and_split_at_breaks():
    article = read_article(SEED)
    tok = sentence_tokenizer(article.text)
    ps, pe = article.paragraphs[1]
    spans = sentence_spans(tok, article.text, ps, pe)
    assert spans[0][0] == ps and spans[-1][1] <= pe
    assert all(s < e for s, e in spans)


def test_learned_abbreviations_without_a_period_are_dropped():
    text = "He told me. The rest followed. She told me. They told me. It was late."
    assert "me" not in punkt_parameters(text).abbrev_types
    assert len(Segmentation(text).sentences(0, len(text))) == 5


def test_our_abbreviations_keep_a_sentence_together():
    text = "Sen. Jones left. Gov. Smith stayed."
    assert Segmentation(text).sentences(0, len(text)) == [(0, 16), (17, 35)]


def test_degenerate_text_gets_a_tokenizer():
    for text in ["", ".", "...", "\n\n", "?!"]:
        tok = sentence_tokenizer(text)
        assert isinstance(sentence_spans(tok, text, 0, len(text)), list)


def test_tokens_carry_lower_and_is_word():
    toks = tokenize("Barros’ view, U.S. troops", 0)
    assert [t.text for t in toks] == ["Barros", "’", "view", ",", "U.S", ".", "troops"]
    assert toks[0] == Token("Barros", 0, 6)
    assert (toks[0].lower, toks[0].is_word, toks[1].is_word) == ("barros", True, False)
    assert repr(toks[0]) == "Token(text='Barros', start=0, end=6)"
    with pytest.raises(AttributeError):
        toks[0].text = "x"  # tokens are immutable: a Segmentation hands out the same ones


def test_segmentation_gives_fresh_lists_with_the_same_tokens():
    text = "First paragraph here.\n\nSecond one."
    seg = Segmentation(text)
    first = seg.tokens(0, 21)
    first.pop()
    again = seg.tokens(0, 21)
    assert [t.text for t in again] == ["First", "paragraph", "here", "."]
    assert again[0] is seg.tokens(0, 21)[0]  # computed once per article
    assert seg.tokens(23) == [Token("Second", 23, 29), Token("one", 30, 33), Token(".", 33, 34)]


def test_segmentations_of_different_articles_do_not_share_tokens():
    a, b = Segmentation("Alpha beta."), Segmentation("Gamma delta.")
    assert [t.text for t in a.tokens(0, 6)] == ["Alpha"]
    assert [t.text for t in b.tokens(0, 6)] == ["Gamma"]
    assert [t.text for t in a.tokens(0, 6)] == ["Alpha"]


def test_extraction_from_threads_equals_extraction_in_turn():
    """No state is kept between articles, so articles extracted at the same time in threads give
    what they give one after the other."""
    texts = [SEED.read_text(encoding="utf-8")] + [p.read_text(encoding="utf-8") for p in sorted(POLNEAR.glob("*.txt"))[:11]]
    articles = [article_from_text(t, f"a{i}") for i, t in enumerate(texts)]
    expected = [[s.to_dict() for s in extract(a)] for a in articles]
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        with ThreadPoolExecutor(4) as pool:
            got = list(pool.map(lambda a: [s.to_dict() for s in extract(a)], articles * 3))
    finally:
        sys.setswitchinterval(old)
    assert got == expected * 3


def test_punkt_view_keeps_length():
    text = "He said ``no.'' Then left."
    assert len(punkt_view(text)) == len(text)


def test_token_pattern_matches_the_pattern_as_first_written():
    """The token pattern puts the plain word first and the word with an elision mark in front second;
    as first written the mark was an optional group in front of every word, its lookbehind tried at
    every character. Both find the same tokens, on the seed article and on random texts of the
    characters that matter (marks, letters, digits, joiners, spaces)."""
    import re
    from quotesearch.extraction.segment import _TOKEN
    as_written = re.compile(r"(?:(?<!\w)’(?=[^\W\d_]))?[^\W_]+(?:[’'.&\-][^\W_]+)*|[^\w\s]", re.UNICODE)
    rng = random.Random(5)
    chars = "’’'‘aZé1_ .&-\n(,’"
    texts = [SEED.read_text(encoding="utf-8"), "’Manteboheng and ’90s, Barros’ view, x’y ’’a _’b 1’c"] + TRICKY
    texts += ["".join(rng.choice(chars) for _ in range(rng.randint(0, 16))) for _ in range(50000)]
    for text in texts:
        assert [m.span() for m in _TOKEN.finditer(text)] == [m.span() for m in as_written.finditer(text)], text


def test_trainer_counts_word_types_as_nltks_freqdist_does():
    """The trainer's type counts (stored without ``FreqDist``'s per-count bookkeeping) give NLTK's
    totals and parameters, over one training and over two in a row."""
    from quotesearch.extraction.segment import Trainer, _LANG
    texts = [SEED.read_text(encoding="utf-8")] + TRICKY
    ours, theirs = Trainer(lang_vars=_LANG, token_cls=PunktWord), nltk_punkt.PunktTrainer()
    for text in texts:
        for trainer in (ours, theirs):
            trainer.train(punkt_view(text), finalize=False)
        assert ours._type_fdist.N() == theirs._type_fdist.N() == sum(theirs._type_fdist.values())
        assert dict(ours._type_fdist) == dict(theirs._type_fdist)
    ours_params, theirs_params = ours.get_params(), theirs.get_params()
    missing = "never-seen-type."
    assert ours._type_fdist[missing] == theirs._type_fdist[missing] == 0 and type(ours._type_fdist[missing]) is int
    assert missing not in ours._type_fdist and dict(ours._type_fdist) == dict(theirs._type_fdist)
    assert ours_params.abbrev_types == theirs_params.abbrev_types
    assert ours_params.collocations == theirs_params.collocations
    assert ours_params.sent_starters == theirs_params.sent_starters
