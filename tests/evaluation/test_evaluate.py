"""Scoring against brat and JSONL gold, with a fake extractor returning chosen statements.

Fixtures (tests/fixtures/evaluate/, written by hand for these tests):
- brat/text/alpha.txt + alpha_aaaa.ann: a direct quote (Sen. Jane Doe), "The Conservatives’
  plan …" told by Doe (indirect: the apostrophe is no quote mark), a belief ("He believes",
  out of scope), "Officials said …", "According to the mayor, …".
- brat/text/beta.txt + beta_bbbb.ann: a discontinuous mixed quote (The minister), "She
  added: …" (pronoun source), an attribution without source ("It was reported that …").
  beta_cccc.ann is a second annotator holding one attribution; bbbb sorts first and wins.
- jsonl/gold.jsonl + jsonl/gamma.txt: our own gold format, two statements by Ann Lee; the
  direct quote's span leaves the quote marks out, as the seed gold does.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from quotesearch.evaluation.evaluate import evaluate_path, render_report, speaker_agrees
from quotesearch.evaluation.gold import EvaluateError, has_quote_marks, is_direct, is_speech_cue
from quotesearch.models import Statement

FIX = Path(__file__).parents[1] / "fixtures" / "evaluate"
BRAT = FIX / "brat"
JSONL = FIX / "jsonl"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "polnear-train"


def span(text: str, phrase: str, nth: int = 0) -> list[int]:
    i = -1
    for _ in range(nth + 1):
        i = text.index(phrase, i + 1)
    return [i, i + len(phrase)]


def pred(text: str, *phrases, speaker: str = "", mention: str = "", kind: str = "indirect"):
    """A Statement whose spans are the given phrases (a phrase may be (phrase, nth))."""
    spans = [span(text, *p) if isinstance(p, tuple) else span(text, p) for p in phrases]
    return Statement(id="x", source="x", text=" ".join(text[s:e] for s, e in spans), kind=kind,
                     speaker=speaker, mention=mention, speaker_type="person", role=None,
                     organization=None, given_to=None, cue=None, paragraph=0, spans=spans,
                     context="")


def fake(**by_article):
    """An extractor: article id -> list of (phrases..., {speaker, mention}) specs."""
    def extractor(article):
        out = []
        for spec in by_article.get(article.id, []):
            phrases, kw = (spec[:-1], spec[-1]) if isinstance(spec[-1], dict) else (spec, {})
            out.append(pred(article.text, *phrases, **kw))
        return out
    return extractor


PERFECT = dict(
    alpha=[("“We will not cut the budget,”", dict(speaker="Jane Doe", mention="Sen. Jane Doe")),
           ("The Conservatives’ plan was rejected by voters", dict(speaker="Jane Doe", mention="Doe")),
           ("that taxes should rise", dict(speaker="Jane Doe", mention="He")),
           ("the vote would be delayed until March", dict(speaker="officials", mention="Officials")),
           ("the bridge is safe", dict(speaker="Bob Stone", mention="the mayor"))],
    beta=[("the plan was “a disaster for farmers”", "“too expensive.”",
           dict(speaker="Ann Smith", mention="The minister")),
          ("the costs will be passed on", dict(speaker="", mention="She")),
          ("the farm budget will shrink", {})],
)


def run(show_errors=0, gold=BRAT, **by_article):
    return evaluate_path(gold, show_errors=show_errors, extractor=fake(**by_article))


# ------------------------------------------------------------------ whole reports

def test_perfect_predictions_score_one_everywhere():
    r = run(**PERFECT)
    assert r["articles"] == 2 and r["gold"] == 8 and r["predicted"] == 8
    assert r["detection"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert r["recall_by_kind"] == {"direct": 1.0, "direct_speech": 1.0, "indirect_speech": 1.0, "indirect_all": 1.0}
    assert r["speaker_accuracy"] == {"direct": 1.0, "indirect_speech": 1.0, "all": 1.0}
    c = r["counts"]
    # direct: Doe's quote, the minister's mixed quote; the belief is indirect but not speech
    assert (c["gold_direct"], c["gold_indirect_speech"], c["gold_indirect_all"]) == (2, 5, 6)
    assert c["gold_direct_speech"] == 2
    # speaker checks skip the attribution without source: 7 of 8 found
    assert (c["speaker_checked_direct"], c["speaker_checked_indirect_speech"],
            c["speaker_checked_all"]) == (2, 4, 7)
    assert c["found_without_source"] == 1
    assert "errors" not in r
    json.dumps(r)  # a script can read it


def test_predictions_as_dicts():
    extractor = fake(**PERFECT)
    r = evaluate_path(BRAT, extractor=lambda a: [st.to_dict() for st in extractor(a)])
    assert r == run(**PERFECT)


def test_no_predictions():
    r = run()
    assert r["predicted"] == 0 and r["gold"] == 8
    assert r["detection"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert r["speaker_accuracy"] == {"direct": 0.0, "indirect_speech": 0.0, "all": 0.0}


def test_report_shape_is_flat_figures():
    r = run(**PERFECT)
    for key in ("detection", "recall_by_kind", "speaker_accuracy"):
        assert all(isinstance(v, float) for v in r[key].values())
    assert all(isinstance(v, int) for v in r["counts"].values())
    assert r["format"] == "brat"


# ------------------------------------------------------------------ thresholds

def test_gold_found_at_half_of_its_nonspace_characters():
    # "the bridge is safe" has 15 non-space characters: 8 cover half, 7 do not.
    r = run(alpha=[("the bridg",)])
    assert r["detection"]["recall"] == 0.125 and r["detection"]["precision"] == 1.0
    assert r["counts"]["found_indirect_speech"] == 1
    r = run(alpha=[("the brid",)])
    assert r["detection"]["recall"] == 0.0 and r["detection"]["precision"] == 1.0


def test_prediction_right_at_half_of_its_characters_inside_gold():
    # 15 characters inside the gold + 15 outside ("According to the m", spaces not counted)
    r = run(alpha=[("According to the m", "the bridge is safe")])
    assert r["detection"]["precision"] == 1.0 and r["detection"]["recall"] == 0.125
    # one more character outside: the prediction is wrong, the gold is still found
    r = run(alpha=[("According to the ma", "the bridge is safe")])
    assert r["detection"]["precision"] == 0.0 and r["detection"]["recall"] == 0.125
    assert r["counts"]["correct_predictions"] == 0


def test_predictions_on_out_of_scope_gold_are_right():
    r = run(alpha=[("that taxes should rise",)])
    assert r["detection"]["precision"] == 1.0
    assert r["recall_by_kind"]["indirect_all"] == round(1 / 6, 4)
    assert r["recall_by_kind"]["indirect_speech"] == 0.0


def test_discontinuous_gold_content():
    # pieces: "the plan was “a disaster for farmers”" (31 chars) + "“too expensive.”" (15)
    assert run(beta=[("the plan was “a disaster for farmers”",)])["counts"]["found_direct"] == 1
    assert run(beta=[("“too expensive.”",)])["counts"]["found_direct"] == 0
    # a discontinuous prediction: 15 + "the plan was" (10) = 25 of 46
    r = run(beta=[("“too expensive.”", "the plan was")])
    assert r["counts"]["found_direct"] == 1 and r["detection"]["precision"] == 1.0
    # one contiguous prediction over both pieces and the "and" between them
    r = run(beta=[("the plan was “a disaster for farmers” and “too expensive.”",)])
    assert r["counts"]["found_direct"] == 1 and r["detection"]["precision"] == 1.0


def test_found_by_several_predictions_together():
    # neither half alone reaches half of "the vote would be delayed until March" (31 chars)
    r = run(alpha=[("the vote would",), ("delayed until March",)])
    assert r["counts"]["found_indirect_speech"] == 1
    r = run(alpha=[("the vote would",)])
    assert r["counts"]["found_indirect_speech"] == 0


# ------------------------------------------------------------------ speakers

@pytest.mark.parametrize("speaker, mention, agreed", [
    ("", "she", True),            # the prediction's mention is the gold pronoun
    ("", "She", True),
    ("Ann Smith", "she", True),   # resolved to a named speaker
    ("Ann Smith", "", True),
    ("he", "he", False),          # another pronoun, unresolved
    ("", "", False),
    ("", "they", False),
])
def test_pronoun_source(speaker, mention, agreed):
    r = run(beta=[("the costs will be passed on", dict(speaker=speaker, mention=mention))])
    assert r["counts"]["speaker_checked_indirect_speech"] == 1
    assert r["speaker_accuracy"]["indirect_speech"] == (1.0 if agreed else 0.0)


@pytest.mark.parametrize("speaker, mention, agreed", [
    ("Jane Doe", "", True),
    ("", "Doe", True),
    ("John Smith", "Doe", True),        # the mention agrees
    ("Jane Doe Jr.", "", True),         # name suffixes are skipped
    ("Doe's office", "", False),        # head word "office"
    ("Jane", "", False),
    ("he", "he", False),
])
def test_named_source(speaker, mention, agreed):
    r = run(alpha=[("“We will not cut the budget,”", dict(speaker=speaker, mention=mention))])
    assert r["speaker_accuracy"]["direct"] == (1.0 if agreed else 0.0)
    assert r["speaker_accuracy"]["all"] == (1.0 if agreed else 0.0)


def test_speaker_from_best_overlapping_prediction():
    # two predictions overlap the gold; the larger overlap decides the speaker
    r = run(alpha=[("the vote would be delayed", dict(speaker="Officials")),
                   ("until March", dict(speaker="Bob Stone"))])
    assert r["speaker_accuracy"]["indirect_speech"] == 1.0
    r = run(alpha=[("the vote", dict(speaker="Officials")),
                   ("would be delayed until March", dict(speaker="Bob Stone"))])
    assert r["speaker_accuracy"]["indirect_speech"] == 0.0


def test_speaker_agrees_rules():
    assert speaker_agrees("the mayor", "Bob Stone", "the mayor")
    assert not speaker_agrees("the mayor", "Bob Stone", "Stone")
    assert speaker_agrees("Donald Trump, the Republican nominee", "", "the nominee")
    assert speaker_agrees("Secretary of State John Kerry", "John Kerry", "")
    assert speaker_agrees("a spokesman for the campaign", "", "the spokesman")
    assert not speaker_agrees("a spokesman for Hillary Clinton", "Hillary Clinton", "")
    assert speaker_agrees("Trump and Cruz", "Ted Cruz", "")
    assert speaker_agrees("Clinton's campaign", "", "the campaign")
    assert speaker_agrees("O’Malley", "Martin O'Malley", "")
    assert speaker_agrees("Sen. Ted Cruz (R-Texas)", "Cruz", "")
    assert speaker_agrees("who", "Ted Cruz", "")        # relative pronouns count as pronouns
    assert not speaker_agrees("who", "", "")


# ------------------------------------------------------------------ classification

def test_quote_marks_and_apostrophes():
    assert has_quote_marks("“We will not cut the budget,”")
    assert has_quote_marks('he said "no" twice')
    assert has_quote_marks("the ‘green deal’ failed")
    assert has_quote_marks("'Never underestimate Trump.'")
    assert has_quote_marks("''We finally may be seeing wage growth,''")
    assert not has_quote_marks("The Conservatives’ plan was rejected by voters")
    assert not has_quote_marks("O’Malley’s move, Jones' remarks and it's over")
    assert not has_quote_marks("back in the ’90s and the '90s")


@pytest.mark.parametrize("text, phrase, direct", [
    ("He said: “We stay, ” and left.", "We stay", True),          # marks outside the span
    ("“We stay,” he said.", "We stay", True),
    ("“We stay and we fight\n\n“More to come.”", "We stay and we fight", True),  # paragraph end
    ("He said we stay, and left.", "we stay", False),
    ("the ‘green deal’", "green deal", True),
    ("Jones’ green deal’s end", "green deal", False),
])
def test_direct_when_enclosed_by_quote_marks(text, phrase, direct):
    assert is_direct(text, [tuple(span(text, phrase))]) is direct


def test_speech_cues():
    for cue in ("said", "has said", "told", "According to", "added", "was reported", "wrote", ":"):
        assert is_speech_cue(cue), cue
    for cue in ("believes", "wants", "thinks", "show", ""):
        assert not is_speech_cue(cue), cue


# ------------------------------------------------------------------ brat and JSONL input

def test_first_annotator_file_is_used(tmp_path):
    # beta_bbbb.ann (3 attributions) sorts before beta_cccc.ann (1): 5 + 3 gold
    assert run()["gold"] == 8
    corpus = tmp_path / "corpus"
    shutil.copytree(BRAT, corpus)
    (corpus / "attributions" / "beta_bbbb.ann").rename(corpus / "attributions" / "beta_dddd.ann")
    assert run(gold=corpus)["gold"] == 6


def test_attributions_dir_and_text_dir(tmp_path):
    r = evaluate_path(BRAT / "attributions", extractor=fake(**PERFECT))
    assert r["gold"] == 8 and r["detection"]["f1"] == 1.0
    texts = tmp_path / "texts"
    shutil.copytree(BRAT / "text", texts)
    shutil.copytree(BRAT / "attributions", tmp_path / "gold" / "attributions")
    r = evaluate_path(tmp_path / "gold", text_dir=texts, extractor=fake(**PERFECT))
    assert r["gold"] == 8 and r["detection"]["f1"] == 1.0


GAMMA = dict(gamma=[("“The park stays open,”", dict(speaker="Ann Lee", mention="Mayor Ann Lee")),
                    ("the fees would not change", dict(speaker="", mention="She"))])


@pytest.mark.parametrize("gold", [JSONL, JSONL / "gold.jsonl"])
def test_jsonl_gold(gold):
    r = evaluate_path(gold, extractor=fake(**GAMMA))
    assert r["format"] == "jsonl" and r["articles"] == 1 and r["gold"] == 2
    assert r["detection"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert r["recall_by_kind"] == {"direct": 1.0, "direct_speech": 1.0, "indirect_speech": 1.0, "indirect_all": 1.0}
    # the JSONL gold names the speaker (Ann Lee): an unresolved "She" does not agree
    assert r["speaker_accuracy"] == {"direct": 1.0, "indirect_speech": 0.0, "all": 0.5}


def test_jsonl_gold_with_text_dir(tmp_path):
    text = (BRAT / "text" / "alpha.txt").read_text(encoding="utf-8")
    rec = {"source": "alpha", "text": "the bridge is safe", "kind": "indirect",
           "speaker": "Bob Stone", "mention": "the mayor", "spans": [span(text, "the bridge is safe")]}
    (tmp_path / "gold.jsonl").write_text(json.dumps(rec) + "\n\n", encoding="utf-8")
    r = evaluate_path(tmp_path / "gold.jsonl", text_dir=BRAT / "text",
                      extractor=fake(alpha=[("the bridg", dict(speaker="Bob Stone"))]))
    assert r["gold"] == 1 and r["detection"]["recall"] == 1.0
    assert r["speaker_accuracy"]["indirect_speech"] == 1.0


# ------------------------------------------------------------------ errors and rendering

def test_error_listings():
    r = run(show_errors=10, alpha=[("Senator speaks on budget",),
                                   ("the bridge is safe", dict(speaker="Doe"))])
    e = r["errors"]
    # 8 gold - 1 found - 1 belief (out of scope, never listed as a miss)
    assert len(e["misses"]) == 6 == r["counts"]["misses"]
    assert r["counts"]["false_positives"] == 1 and r["counts"]["wrong_speakers"] == 1
    assert all(m["kind"] in ("direct", "indirect_speech") for m in e["misses"])
    first = e["misses"][0]
    assert first["article"] == "alpha" and first["gold_speaker"] == "Sen. Jane Doe"
    assert first["context"] == "“We will not cut the budget,” said Sen. Jane Doe."
    assert [f["text"] for f in e["false_positives"]] == ["Senator speaks on budget"]
    [w] = e["wrong_speakers"]
    assert (w["gold_speaker"], w["predicted_speaker"]) == ("the mayor", "Doe")
    assert w["context"] == "According to the mayor, the bridge is safe."
    assert len(run(show_errors=2)["errors"]["misses"]) == 2
    json.dumps(r)


def test_render_report():
    r = run(show_errors=1, alpha=[("the bridge is safe", dict(speaker="Doe"))])
    out = render_report(r)
    assert "articles 2" in out and "gold statements 8" in out
    assert "precision" in out and "1.000   1/1" in out
    assert "indirect_speech" in out and "0.200   1/5" in out
    assert "misses (first 1 of 6)" in out and "We will not cut the budget" in out
    assert "wrong speakers (first 1 of 1)" in out and "predicted: Doe" in out
    assert "misses" not in render_report(run())


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("setup", ["missing", "empty", "bad_json", "no_spans", "no_text",
                                   "ann_without_text", "out_of_range", "no_ann"])
def test_bad_gold_raises_one_line_error(tmp_path, setup):
    gold = tmp_path / "gold"
    if setup == "empty":
        gold.mkdir()
    elif setup == "bad_json":
        _write(gold / "a.jsonl", "{not json\n")
    elif setup == "no_spans":
        _write(gold / "a.jsonl", '{"source": "a", "text": "x"}\n')
    elif setup == "no_text":
        _write(gold / "a.jsonl", '{"source": "nowhere", "spans": [[0, 1]]}\n')
    elif setup == "ann_without_text":
        _write(gold / "attributions" / "zeta_aaaa.ann", "")
        (gold / "text").mkdir()
    elif setup == "out_of_range":
        _write(gold / "text" / "a.txt", "Short.\n")
        _write(gold / "attributions" / "a_x.ann",
               "T1\tContent 2 400\tx\nT2\tCue 0 1\tS\nE1\tAttribution:T2 Content:T1 Cue:T2\n")
    elif setup == "no_ann":
        (gold / "attributions").mkdir(parents=True)
        (gold / "text").mkdir()
    with pytest.raises(EvaluateError) as info:
        evaluate_path(gold, extractor=fake())
    assert isinstance(info.value, ValueError)
    assert str(info.value) and "\n" not in str(info.value)


# ------------------------------------------------------------------ CLI

def _cli():
    cli = pytest.importorskip("quotesearch.cli")
    if "evaluate" not in getattr(cli.main, "commands", {}):
        pytest.skip("the CLI has no evaluate command yet")
    from click.testing import CliRunner
    return cli.main, CliRunner()


def test_cli_evaluate_json_and_table():
    main, runner = _cli()
    res = runner.invoke(main, ["evaluate", str(BRAT), "--format", "json", "--show-errors", "2"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert report["gold"] == 8 and report["articles"] == 2
    assert set(report["errors"]) == {"misses", "false_positives", "wrong_speakers"}
    res = runner.invoke(main, ["evaluate", str(JSONL)])
    assert res.exit_code == 0, res.output
    assert "gold statements 2" in res.output and "speaker accuracy" in res.output


def test_cli_evaluate_bad_dir(tmp_path):
    main, runner = _cli()
    res = runner.invoke(main, ["evaluate", str(tmp_path)])
    assert res.exit_code != 0
    assert "Traceback" not in res.output


# ------------------------------------------------------------------ the PolNeAR corpus

@pytest.mark.corpus
def test_polnear_gold_statistics():
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} is absent")
    r = evaluate_path(CORPUS, show_errors=1, extractor=lambda article: [])
    assert r["articles"] == 840 and r["gold"] > 0
    c = r["counts"]
    assert c["gold_direct"] > 0 and c["gold_indirect_speech"] > 0
    assert c["gold_direct"] + c["gold_indirect_all"] == r["gold"]
    assert set(r["errors"]) == {"misses", "false_positives", "wrong_speakers"}


@pytest.mark.corpus
@pytest.mark.slow
def test_polnear_with_the_extractor():
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} is absent")
    r = evaluate_path(CORPUS)
    assert {"articles", "gold", "predicted", "detection", "recall_by_kind",
            "speaker_accuracy", "counts"} <= set(r)
    assert r["gold"] > 0
    assert set(r["detection"]) == {"precision", "recall", "f1"}
    assert set(r["recall_by_kind"]) == {"direct", "direct_speech", "indirect_speech", "indirect_all"}
    assert set(r["speaker_accuracy"]) == {"direct", "indirect_speech", "all"}
