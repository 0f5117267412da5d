"""Shortcuts taken for speed give the answers of the plain path they replace."""
from __future__ import annotations

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
    """find_cues reads the tokens' lowercase forms once and hands them to its three finders; each
    finder given them finds exactly what it finds reading them itself."""
    found = 0
    for paragraph in _paragraphs():
        toks = tokenize(paragraph)
        lowers = [t.lower for t in toks]
        assert cues.phrase_cues(toks, lowers) == cues.phrase_cues(toks)
        assert cues.verb_phrase_cues(toks, lowers) == cues.verb_phrase_cues(toks)
        for title_case in (False, True):
            assert cues.verb_cues(toks, title_case, lowers) == cues.verb_cues(toks, title_case)
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
