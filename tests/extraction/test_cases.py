"""Each small case article of ../shared/cases is a test, checked as ../shared/tools/check-cases does:
every required expected statement matched one to one (word-token F1 >= 0.5, best pairs first) by a
record of the same kind whose speaker is the expected one or one of its `accept` names (same words
after lower-casing, a leading "the" and extra leading words on the record ignored); an `optional`
expected statement may be matched or not; no other record. The extractor runs through the CLI
(`quotesearch extract CASE.txt --format jsonl`). Skips cleanly when the cases are not there."""
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotesearch.cli import main

CASES = Path(__file__).resolve().parents[3] / "shared" / "cases"
NAMES = sorted(p.name[:-len(".expected.jsonl")] for p in CASES.glob("*.expected.jsonl")
               if (CASES / (p.name[:-len(".expected.jsonl")] + ".txt")).exists()) if CASES.is_dir() else []

# Cases that still fail (strict: a fix that makes one pass fails the suite until it leaves this set).
XFAIL: set[str] = set()  # every case passes today


def _words(s):
    s = unicodedata.normalize("NFKC", s or "").lower().replace("\u2019", "'").replace("\u2018", "'")
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", s)


def _overlap(a, b):
    common = sum((Counter(a) & Counter(b)).values())
    return 0.0 if not common else 2 * common / (len(a) + len(b))


def _same_speaker(gold, pred):
    g, p = _words(gold), _words(pred)
    if g[:1] == ["the"] and len(g) > 1:
        g = g[1:]
    return bool(g) and len(p) >= len(g) and p[-len(g):] == g


def problems(name: str) -> list[str]:
    gold = [json.loads(line) for line in (CASES / f"{name}.expected.jsonl").read_text("utf-8").splitlines()
            if line.strip()]
    res = CliRunner().invoke(main, ["extract", str(CASES / f"{name}.txt"), "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    pred = [json.loads(line) for line in res.stdout.splitlines() if line.strip()]
    pairs = sorted(((_overlap(_words(g["text"]), _words(p.get("text", ""))), gi, pi)
                    for gi, g in enumerate(gold) for pi, p in enumerate(pred)), reverse=True)
    gm, pm = {}, set()
    for score, gi, pi in pairs:
        if score >= 0.5 and gi not in gm and pi not in pm:
            gm[gi] = pi
            pm.add(pi)
    out = []
    for gi, g in enumerate(gold):
        if gi not in gm:
            if not g.get("optional"):
                out.append(f"missed: {g['text'][:70]!r} ({g['speaker']})")
            continue
        p = pred[gm[gi]]
        if not any(_same_speaker(n, p.get("speaker") or "") for n in [g["speaker"]] + g.get("accept", [])):
            out.append(f"speaker: {p.get('speaker')!r} for {g['text'][:50]!r}, expected {g['speaker']!r}")
        if p.get("kind") != g.get("kind"):
            out.append(f"kind: {p.get('kind')} for {g['text'][:50]!r}, expected {g.get('kind')}")
    out += [f"extra: {p.get('text', '')[:70]!r} ({p.get('speaker')})" for pi, p in enumerate(pred) if pi not in pm]
    return out


@pytest.mark.skipif(not NAMES, reason=f"no cases in {CASES}")
@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason="not fixed yet"))
                                  if n in XFAIL else n for n in NAMES] or ["none"])
def test_case(name):
    assert problems(name) == []


def test_xfail_names_are_cases():
    """A case renamed or removed must leave XFAIL too."""
    if NAMES:
        assert XFAIL <= set(NAMES)
