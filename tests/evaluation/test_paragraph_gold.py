"""Scoring against paragraph gold (the news sample's format: gold/NAME.jsonl beside text/NAME.txt).

Fixture tests/fixtures/evaluate/paragraph/ (written by hand for these tests):
- delta: an optional headline record, a quote split by its attribution (Mayor Ann Lee; one
  record, the pieces joined by a space), "City engineer Tom Reyes said …", "…, a council report
  says." and an optional belief.
- epsilon: one direct quote by "the club", annotated with its full name Northfield United.

``PREDICTED`` is what a fake extractor returns; the expected figures are worked out by hand
in the comments.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotesearch.cli import main
from quotesearch.evaluation.evaluate import (evaluate_path, match_records, render_report,
                                             same_speaker, token_f1, words)
from quotesearch.evaluation.gold import EvaluateError, load_gold

PARA = Path(__file__).parents[1] / "fixtures" / "evaluate" / "paragraph"
NEWS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "news-sample"


def _pred(text, speaker, kind, role=None, organization=None):
    return {"text": text, "speaker": speaker, "mention": speaker, "kind": kind, "role": role,
            "organization": organization, "spans": []}


PREDICTED = {"delta": [
    # 10 of the gold's 14 words: F1 20/24; speaker right after the title; role right (case)
    _pred("The bridge is safe and it will reopen on Monday,", "Mayor Ann Lee", "direct", role="mayor"),
    # speaker right, role wrong ("engineer" is not "City engineer")
    _pred("the repairs cost less than expected", "Tom Reyes", "indirect", role="engineer"),
    # found, wrong speaker, wrong kind; no role on either side: not checked
    _pred("Residents doubt the repairs will last", "Residents", "mixed"),
    # matched to an optional record: counts neither way
    _pred("the city can afford it", "Ann Lee", "indirect"),
    # F1 0.8 with the council report's record, which the exact prediction takes first;
    # 0.4 with Reyes's record: a false positive
    _pred("the repairs will last", "Residents", "indirect"),
]}


def fake(article):
    out = []
    for p in PREDICTED.get(article.id, []):
        i = article.text.index(p["text"])
        out.append(dict(p, spans=[[i, i + len(p["text"])]]))
    return out


def test_paragraph_gold_figures():
    r = evaluate_path(PARA, extractor=fake)
    assert r["format"] == "paragraph" and r["articles"] == 2
    assert (r["gold"], r["gold_optional"], r["predicted"]) == (4, 2, 5)
    # 5 predictions - 1 on optional gold = 4 scored; 3 matched of 4 required
    assert r["detection"] == {"precision": 0.75, "recall": 0.75, "f1": 0.75}
    # 2 matches with the right speaker (Lee, Reyes)
    assert r["end_to_end"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert r["speaker_accuracy"] == {"all": 0.6667}
    assert r["roles"] == {"accuracy": 0.5}
    assert r["kinds"] == {"accuracy": 0.6667}
    assert "organizations" not in r                 # not annotated in this gold
    assert r["counts"] == {"gold": 4, "gold_optional": 2, "predicted": 5, "predicted_on_optional": 1,
                           "matched": 3, "misses": 1, "false_positives": 1, "speaker_right": 2,
                           "kind_right": 2, "role_checked": 2, "role_right": 1}
    delta, epsilon = r["per_article"]["delta"], r["per_article"]["epsilon"]
    assert list(r["per_article"]) == ["delta", "epsilon"]
    assert delta["detection"] == {"precision": 0.75, "recall": 1.0, "f1": 0.8571}
    assert delta["end_to_end"] == {"precision": 0.5, "recall": 0.6667, "f1": 0.5714}
    assert epsilon["detection"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert (epsilon["gold"], epsilon["counts"]["misses"]) == (1, 1)
    assert "errors" not in r
    json.dumps(r)


def test_paragraph_gold_error_listings():
    r = evaluate_path(PARA, extractor=fake, show_errors=5)
    e = r["errors"]
    assert set(e) == {"misses", "false_positives", "wrong_speakers", "wrong_roles"}
    [miss] = e["misses"]
    assert (miss["article"], miss["text"], miss["gold_speaker"]) == (
        "epsilon", "We accept the decision,", "Northfield United")
    assert miss["context"] == "“We accept the decision,” the club said."
    [fp] = e["false_positives"]
    assert fp["text"] == "the repairs will last" and fp["predicted_speaker"] == "Residents"
    [wrong] = e["wrong_speakers"]
    assert (wrong["gold_speaker"], wrong["predicted_speaker"]) == ("a council report", "Residents")
    assert wrong["context"] == "Residents doubt the repairs will last, a council report says."
    [role] = e["wrong_roles"]
    assert (role["gold_role"], role["predicted_role"]) == ("City engineer", "engineer")
    out = render_report(r)
    assert "gold statements 4 (+2 optional)" in out and "1 on optional gold" in out
    assert "end to end        precision          0.500   2/4" in out
    assert "roles             accuracy           0.500   1/2" in out
    assert "wrong roles (first 1 of 1)" in out and "gold City engineer   predicted engineer" in out
    assert "misses (first 1 of 1)" in out and "false positives (first 1 of 1)" in out
    assert len(evaluate_path(PARA, extractor=fake, show_errors=1)["errors"]["misses"]) == 1


def test_split_quote_gets_two_spans():
    fmt, articles = load_gold(PARA)
    assert fmt == "paragraph"
    delta = next(golds for article, golds in articles if article.id == "delta")
    quote = next(g for g in delta if g.label == "direct")
    text = (PARA / "text" / "delta.txt").read_text(encoding="utf-8")
    assert [text[s:e] for s, e in quote.spans] == ["The bridge is safe and it will reopen on Monday,",
                                                   "We checked every bolt."]
    assert quote.role == "Mayor" and not quote.optional and quote.direct
    assert [g.optional for g in delta] == [True, False, False, False, True]


@pytest.mark.parametrize("path", [PARA, PARA / "gold", PARA / "gold" / "epsilon.jsonl"])
def test_paragraph_gold_paths(path):
    fmt, articles = load_gold(path)
    assert fmt == "paragraph"
    assert [a.id for a, _ in articles][-1] == "epsilon"


def test_matching_rules():
    assert words("It’s the “Bridge”, 6.2km") == ["it's", "the", "bridge", "6", "2km"]
    assert token_f1(["a", "b"], ["a", "b", "c", "d"]) == pytest.approx(2 / 3)
    # best pairs first, one to one; below 0.5 no match
    assert match_records(["the repairs will last", "the cost"], ["the repairs will last now", "the repairs will last"]) == {0: 1}
    assert match_records(["a b c d"], ["a x y z"]) == {}
    assert same_speaker("Idris Kavaleh", "Foreign Minister Idris Kavaleh")
    assert same_speaker("the indictment", "indictment")
    assert same_speaker("O’Neil", "Mr O'Neil")
    assert not same_speaker("Idris Kavaleh", "Kavaleh")
    assert not same_speaker("Jane Doe", "Jane Doe on Monday")
    assert not same_speaker("Jane Doe", "")


@pytest.mark.parametrize("line, message", [
    ('{"paragraph": 9, "kind": "direct", "text": "x", "speaker": "A"}', "paragraph 9 is not one of the 2"),
    ('{"paragraph": 1, "kind": "quote", "text": "x", "speaker": "A"}', "kind 'quote' is not one of"),
    ('{"paragraph": 1, "kind": "direct", "text": "", "speaker": "A"}', "'text' must be a non-empty string"),
    ('{"paragraph": 1, "kind": "direct", "text": "x"}', "'speaker' must be a non-empty string"),
    ('{"paragraph": 1, "kind": "direct", "text": "x", "speaker": "A"}\n{oops', "epsilon.jsonl:2: not JSON"),
])
def test_bad_paragraph_gold(tmp_path, line, message):
    shutil.copytree(PARA / "text", tmp_path / "text")
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "epsilon.jsonl").write_text(line + "\n", encoding="utf-8")
    with pytest.raises(EvaluateError) as info:
        evaluate_path(tmp_path, extractor=fake)
    assert message in str(info.value) and "\n" not in str(info.value)
    res = CliRunner().invoke(main, ["evaluate", str(tmp_path)])
    assert res.exit_code == 1 and "Error:" in res.output and message in res.output
    assert "Traceback" not in res.output


def test_paragraph_gold_without_text(tmp_path):
    shutil.copytree(PARA / "gold", tmp_path / "gold")
    (tmp_path / "text").mkdir()
    with pytest.raises(EvaluateError, match="no text file"):
        evaluate_path(tmp_path, extractor=fake)


def test_cli_evaluate_paragraph_gold():
    runner = CliRunner()
    res = runner.invoke(main, ["evaluate", str(PARA), "--format", "json", "--show-errors", "3"])
    assert res.exit_code == 0, res.output
    r = json.loads(res.output)
    assert r["format"] == "paragraph" and (r["gold"], r["gold_optional"]) == (4, 2)
    assert {"detection", "end_to_end", "speaker_accuracy", "roles", "kinds", "per_article"} <= set(r)
    assert set(r["end_to_end"]) == {"precision", "recall", "f1"}
    res = runner.invoke(main, ["evaluate", str(PARA)])
    assert res.exit_code == 0, res.output
    assert "end to end" in res.output and "delta" in res.output and "epsilon" in res.output


@pytest.mark.corpus
def test_news_sample_figures():
    if not (NEWS / "gold").is_dir():
        pytest.skip(f"{NEWS} is absent")
    r = evaluate_path(NEWS, show_errors=3)
    assert r["format"] == "paragraph" and r["articles"] == 5
    # the gold README: 111 required statements (27 + 33 + 27 + 13 + 11)
    assert r["gold"] == 111
    assert sorted(f["gold"] for f in r["per_article"].values()) == [11, 13, 27, 27, 33]
    assert sum(f["counts"]["matched"] for f in r["per_article"].values()) == r["counts"]["matched"]
    for key in ("detection", "end_to_end"):
        assert set(r[key]) == {"precision", "recall", "f1"}
        assert all(0.0 <= v <= 1.0 for v in r[key].values())
    assert r["end_to_end"]["f1"] <= r["detection"]["f1"]
    assert 0.0 <= r["roles"]["accuracy"] <= 1.0 and r["counts"]["role_checked"] > 0
    print("news-sample:", {k: r[k] for k in ("detection", "end_to_end", "speaker_accuracy", "roles", "kinds")})
