"""Segmentation: our Punkt port gives NLTK's parameters and sentence spans; tokens and their cache."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from quotesearch import punkt
from quotesearch.read import read_article
from quotesearch.segment import Token, punkt_view, sentence_spans, sentence_tokenizer, tokenize

SEED = Path(__file__).parent.parent / "seeds" / "kursk-incursion.txt"

TRICKY = [
    "Mr. Smith went to Washington. He said so. The U.S. Army agreed, e.g. on Monday at 3 p.m. Then J. S. Bach"
    " played.\n\nNo. 5 was next... and it rained! Did it? “Yes.” he said. (It did.) Sen. Jones, 54, left.",
    "1. First item. 2. Second item.\n3. Third.\n\n‘Fine.’ ‘Not fine.’ --- done .. ok ... Ok. St. Louis. st. louis.",
    "A. B. C. Dee told me. told me. Told Me. U.S.-based firms. the co. said. The Co. said. iii. IV. 2016. Then.",
]


def _vocabulary_text(rng: random.Random) -> str:
    vocab = ["Mr.", "mr.", "U.S.", "J.", "1.", "12.5", "No.", "e.g.", "etc.", "Inc.", "the", "The", "said", "he",
             "He", "...", ".", "?", "!", ",", ";", ":", "--", "“", "”", "‘", "’", '"', "(", ")", "a.m.", "St.",
             "Smith", "well-known", "Co.", "X.", "Über", "2016.", "Dr.", "Bach", "Gen.", "‘Yes.’", "“No.”"]
    seps = [" ", " ", " ", "  ", "\n", "\n\n", "\t", "\u00a0", ""]
    return "".join(rng.choice(vocab) + rng.choice(seps) for _ in range(rng.randint(1, 80)))


def _nltk_matches_our_regexes(nltk_punkt) -> bool:
    lang = nltk_punkt.PunktLanguageVars()
    return (lang._word_tokenize_fmt == punkt.WORD_TOKENIZE_FMT and lang._period_context_fmt == punkt.PERIOD_CONTEXT_FMT
            and lang.re_boundary_realignment.pattern == punkt.BOUNDARY_REALIGNMENT)


def test_punkt_port_matches_nltk():
    nltk_punkt = pytest.importorskip("nltk.tokenize.punkt")
    if not _nltk_matches_our_regexes(nltk_punkt):
        pytest.skip("this NLTK version uses other regular expressions than the ones ported")
    rng = random.Random(4)
    texts = [SEED.read_text(encoding="utf-8")] + TRICKY + [_vocabulary_text(rng) for _ in range(150)]
    for text in texts:
        trainer = nltk_punkt.PunktTrainer()
        trainer.train(text, finalize=True)
        theirs = trainer.get_params()
        ours = punkt.train(text)
        assert ours.abbrev_types == theirs.abbrev_types
        assert ours.collocations == theirs.collocations
        assert ours.sent_starters == theirs.sent_starters
        assert ours.ortho_context == {k: v for k, v in theirs.ortho_context.items() if v}
        for params in (ours, theirs):
            params.abbrev_types = {a for a in params.abbrev_types if "." in a} | {"mr", "dr", "sen", "st"}
        expected = list(nltk_punkt.PunktSentenceTokenizer(theirs).span_tokenize(text))
        assert punkt.SentenceTokenizer(ours).span_tokenize(text) == expected


def test_seed_sentences_keep_abbreviations_and_split_at_breaks():
    article = read_article(SEED)
    tok = sentence_tokenizer(article.text)
    ps, pe = article.paragraphs[1]
    spans = sentence_spans(tok, article.text, ps, pe)
    assert spans[0][0] == ps and spans[-1][1] <= pe
    assert all(s < e for s, e in spans)


def test_learned_abbreviations_without_a_period_are_dropped():
    text = "He told me. The rest followed. She told me. They told me. It was late."
    tok = sentence_tokenizer(text)
    assert "me" not in tok.params.abbrev_types
    assert len(sentence_spans(tok, text, 0, len(text))) == 5


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
        toks[0].text = "x"  # tokens are immutable: the cache below hands out the same ones


def test_tokenize_cache_gives_fresh_lists_with_the_same_tokens():
    text = "First paragraph here.\n\nSecond one."
    first = tokenize(text, 0, 21)
    first.pop()
    again = tokenize(text, 0, 21)
    assert [t.text for t in again] == ["First", "paragraph", "here", "."]
    assert tokenize(text, 23) == [Token("Second", 23, 29), Token("one", 30, 33), Token(".", 33, 34)]
    other = "Other text."
    assert [t.text for t in tokenize(other)] == ["Other", "text", "."]


def test_punkt_view_keeps_length():
    text = "He said ``no.'' Then left."
    assert len(punkt_view(text)) == len(text)


def test_fast_word_regex_splits_like_nltks():
    rng = random.Random(9)
    chars = "ab .,-\t!?\"'()[]{}*:;@&#`‘’“”«»\u00a01"
    lines = [SEED.read_text(encoding="utf-8")] + TRICKY
    lines += ["".join(rng.choice(chars) for _ in range(rng.randint(0, 14))) for _ in range(20000)]
    for line in lines:
        assert punkt._WORD_RE.findall(line) == punkt._WORD_RE_NLTK.findall(line), line
