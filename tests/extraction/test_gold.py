"""The extractor reproduces the hand-checked gold file for the seed article exactly."""
import json
from pathlib import Path

import pytest

from quotesearch.extraction.pipeline import extract
from quotesearch.ingest.article import read_article

ROOT = Path(__file__).resolve().parents[2]
GOLD = [json.loads(line) for line in (ROOT / "tests/gold/kursk-incursion.jsonl").read_text("utf-8").splitlines()]
FIELDS = ("kind", "speaker", "speaker_type", "mention", "role", "organization", "given_to", "cue", "paragraph",
          "spans", "text")


@pytest.fixture(scope="module")
def statements():
    return extract(read_article(ROOT / "seeds/kursk-incursion.txt"))


def test_same_number_of_statements(statements):
    assert len(statements) == len(GOLD)


@pytest.mark.parametrize("gold", GOLD, ids=[f"p{g['paragraph']}-{g['spans'][0][0]}" for g in GOLD])
def test_statement_matches_gold(statements, gold):
    found = [s for s in statements if s.spans == gold["spans"]]
    assert found, f"missing: {gold['text'][:60]}"
    got = found[0].to_dict()
    assert {k: got[k] for k in FIELDS} == {k: gold[k] for k in FIELDS}


def test_spans_point_at_the_text(statements):
    text = (ROOT / "seeds/kursk-incursion.txt").read_text("utf-8")
    for s in statements:
        assert s.text == " … ".join(" ".join(text[a:b].split()) for a, b in s.spans)


def test_every_direct_quote_has_a_full_name(statements):
    for s in statements:
        if s.kind == "direct" and s.speaker_type == "person":
            assert len(s.speaker.split()) >= 2, s.speaker
            assert s.speaker.lower() not in ("he", "she")
