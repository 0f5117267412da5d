"""Over the 73 articles of the news sample (issue 13 §8, §9): no statement with an empty or bare-pronoun
speaker, no role holding a clause, an age, a date or a quote. Skips when the corpus is absent."""
import re
from pathlib import Path

import pytest

from quotesearch.extraction import lexicon
from quotesearch.extraction.pipeline import extract_text

_HERE = Path(__file__).resolve()
TEXT = next((p / "shared" / "corpora" / "news-sample" / "text" for p in _HERE.parents
             if (p / "shared" / "corpora" / "news-sample" / "text").is_dir()),
            _HERE.parent / "news-sample-absent")

_DATE = re.compile(r"\b(?:in|on|since)\s+(?:\d{4}|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
                   r"january|february|march|april|may|june|july|august|september|october|november|december)\b", re.I)


def _bad_role(role: str) -> str | None:
    if re.search(r"^\s*\d+\s*$", role) or re.search(r"(?:^|,\s*)\d+\s*(?:,|$)", role):
        return "age or number"
    if re.search(r"\b(?:19|20)\d\d\b", role) or _DATE.search(role):
        return "date"
    if re.search("[“”\"]", role):
        return "quote"
    if re.search(r"\b(?:who|which|whose)\b|(?:^|,\s*)(?:noting|saying|adding)\b", role, re.I):
        return "clause"
    return None


@pytest.mark.skipif(not TEXT.is_dir(), reason="news-sample corpus not present")
def test_no_junk_speakers_or_roles_on_the_news_sample():
    files = sorted(TEXT.glob("*.txt"))
    assert len(files) == 73
    bad = []
    for f in files:
        for s in extract_text(f.read_text(encoding="utf-8"), id=f.stem):
            if not (s.speaker or "").strip() or s.speaker.lower() in lexicon.pronouns():
                bad.append((f.stem, "speaker", s.speaker, s.text[:50]))
            why = _bad_role(s.role or "")
            if why:
                bad.append((f.stem, why, s.role))
    assert bad == []


def test_a_pronoun_with_no_antecedent_keeps_its_mention_and_an_unknown_speaker():
    found = extract_text("Rain fell all week.\n\nThey said the dam would hold.\n")
    assert [(s.speaker, s.speaker_type, s.mention, s.text) for s in found] == [
        ("unknown", "unknown", "They", "the dam would hold")]
