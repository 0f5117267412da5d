"""The command line through click's CliRunner: every command, every format, every error case."""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

from conftest import ALPHA, BETA
from quotesearch.store.whoosh import index as qindex
from quotesearch.cli.output import render, wrap
from quotesearch.models import STATEMENT_FIELDS

SEED = Path(__file__).resolve().parents[2] / "seeds" / "kursk-incursion.txt"
SEED_TITLE = "Ukraine’s territory gains in Russia in just a week nearly match Moscow’s advances — which took 8 months"
COMMANDS = ["evaluate", "export", "extract", "index", "search", "serve", "show", "source", "sources", "speakers", "trace"]
SUMMARY = re.compile(r"Indexed (\d+) articles?: (\d+) statements?, (\d+) speakers?, [\d.]+ seconds(?: \((.*)\))?\. "
                     r"The index in (.+) now has (\d+) statements? from (\d+) sources?\.")


def no_traceback(result):
    assert "Traceback" not in result.output
    return result


def one_error_line(result) -> str:
    no_traceback(result)
    lines = [l for l in result.stderr.splitlines() if l.startswith("Error: ")]
    assert len(lines) == 1, result.stderr
    return lines[0]


# -- help ---------------------------------------------------------------------------

def test_help_lists_every_command(run):
    result = run("--help")
    assert result.exit_code == 0
    listed = re.findall(r"^  (\w+)  ", result.output.split("Commands:")[1], re.M)
    assert listed == COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help_has_examples(run, command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "quotesearch " + command in result.output.split("Example")[1]


def test_cli_import_loads_no_whoosh_or_nltk():
    """``quotesearch --help`` stays instant because the CLI imports whoosh and nltk only inside
    the commands that need them (its speed is measured by benchmarks/bench.py, not here)."""
    code = "import sys; from quotesearch.cli import main; print('whoosh' in sys.modules, 'nltk' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]
    result = subprocess.run([sys.executable, "-m", "quotesearch", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "Commands:" in result.stdout


# what a search does not use: writing (whoosh's writer and its sorting pool, ours), the query
# parser (plain words need none), date rules (no --since/--until), name rules and aliases (no
# --speaker), PostgreSQL's store, the extractor
NOT_FOR_A_SEARCH = ("whoosh.writing", "whoosh.externalsort", "luqum", "ply",
                    "quotesearch.store.whoosh.writer", "quotesearch.ingest.dates", "quotesearch.identity.speakers",
                    "quotesearch.store.postgres", "quotesearch.extraction.pipeline", "nltk")


def _modules_after(*args) -> tuple[str, list[str]]:
    """The output of `quotesearch ARGS` in a fresh process, and which of NOT_FOR_A_SEARCH it loaded."""
    code = ("import sys; from quotesearch.cli import main\n"
            "try:\n    main(sys.argv[1:], prog_name='quotesearch')\n"
            "except SystemExit:\n    pass\n"
            f"print(sorted(m for m in sys.modules if m.startswith({NOT_FOR_A_SEARCH!r})), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, check=True)
    return done.stdout, eval(done.stderr.strip().splitlines()[-1])


def test_a_fresh_search_loads_only_what_it_uses(indexed):
    """A one-off `quotesearch search` pays for every module it imports (a fresh process's time is
    mostly imports): a search of plain words loads no writer, parser, date or name rules."""
    out, loaded = _modules_after("search", "troops", "--index", indexed, "--json")
    assert [hit["id"] for hit in json.loads(out)] == ["alpha:30"]
    assert loaded == []
    # and each comes when it is used: operators, dates, a speaker
    out, loaded = _modules_after("search", "troops OR sanctions", "--since", "2020", "--until", "2030",
                                 "--speaker", "barros", "--index", indexed, "--json")
    assert {"luqum", "quotesearch.ingest.dates", "quotesearch.identity.speakers"} <= set(loaded)
    assert "whoosh.writing" not in loaded and "quotesearch.store.whoosh.writer" not in loaded


def test_version(run):
    assert run("--version").output.strip().endswith("0.1.0")


# -- extract ------------------------------------------------------------------------

def test_extract_jsonl_has_exactly_the_record_fields(run, fake_extract, corpus):
    result = run("extract", corpus / "alpha.txt")
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["alpha:30", "alpha:108", "alpha:205"]
    assert all(tuple(r) == STATEMENT_FIELDS for r in records)
    assert records[2] == {
        "id": "alpha:205", "source": "alpha", "text": "the Kremlin was caught off guard by the advance",
        "kind": "indirect", "speaker": "George Barros", "mention": "George Barros", "speaker_type": "person",
        "role": "the ISW's Russia team lead", "organization": "Institute for the Study of War (ISW)",
        "given_to": "The Post", "cue": "said", "paragraph": 3, "spans": [[205, 252]],
        "context": "George Barros said that the Kremlin was caught off guard by the advance.",
        "title": "Troops advance in the north", "date": None, "url": None, "outlet": None,
        "speaker_key": "george barros", "quote_group": None}


def test_extract_folder_json_and_table(run, fake_extract, corpus):
    records = json.loads(run("extract", corpus, "--format", "json").stdout)
    assert [r["source"] for r in records] == ["alpha"] * 3 + ["beta"] * 2
    table = run("extract", corpus, "--format", "table").stdout
    assert table.splitlines()[0].split() == ["quote", "speaker", "kind", "id"]
    assert "\nSanctions are finally working                          Barros Hill               direct    beta:100\n" in table


def test_extract_never_touches_an_index(run, fake_extract, corpus, index_dir):
    run("extract", corpus)
    assert not index_dir.exists()


def test_extract_unreadable_file_is_named_and_skipped(run, fake_extract, corpus):
    (corpus / "zz-broken.txt").write_bytes(b"\x00\x00binary")
    result = run("extract", corpus)
    assert result.exit_code == 0
    assert result.stderr == f"skipped {corpus / 'zz-broken.txt'}: looks like a binary file, not text\n"
    assert len(result.stdout.splitlines()) == 5


def test_extract_only_unreadable_files_fails(run, tmp_path):
    (tmp_path / "broken.txt").write_bytes(b"\x00\x00binary")
    result = run("extract", tmp_path / "broken.txt")
    assert result.exit_code == 1
    assert one_error_line(result) == "Error: no file could be read"


def test_extract_usage_errors(run, tmp_path):
    assert run("extract").exit_code == 2
    result = run("extract", tmp_path / "missing.txt")
    assert result.exit_code == 2 and "does not exist" in result.stderr
    result = run("extract", tmp_path, "--format", "xml")
    assert result.exit_code == 2 and "'xml' is not one of" in result.stderr


def test_extract_empty_folder(run, tmp_path):
    result = run("extract", tmp_path)
    assert result.exit_code == 1
    assert one_error_line(result) == (f"Error: no articles in {tmp_path}; quotesearch reads .txt/.md files, "
                                      ".html/.htm pages, or .jsonl/.ndjson/.json/.csv archives (also .gz/.bz2)")


# -- index --------------------------------------------------------------------------

def test_index_prints_a_summary(run, fake_extract, corpus, index_dir):
    result = run("index", corpus)
    assert result.exit_code == 0
    m = SUMMARY.fullmatch(result.stdout.strip())
    assert m and m.groups() == ("2", "5", "3", None, str(index_dir), "5", "2")


def test_index_jobs_give_the_same_results(run, fake_extract, corpus, tmp_path):
    for i in range(6):
        (corpus / f"gamma{i}.txt").write_text(BETA.replace("Sanctions", f"Sanctions {i}"), encoding="utf-8")
    outputs = []
    for jobs in ("1", "2"):
        folder = tmp_path / f"idx{jobs}"
        result = run("index", corpus, "--jobs", jobs, "--index", folder)
        assert result.exit_code == 0
        summary = re.sub(r"[\d.]+ seconds|idx\d", "", result.stdout)
        outputs.append([summary] + [run(*args, "--index", folder, "--format", "json").stdout for args in (
            ("search", "sanctions"), ("search", "--speaker", "lopez"), ("speakers",), ("sources",))])
    assert outputs[0] == outputs[1]
    assert outputs[0][0].startswith("Indexed 8 articles: 17 statements")
    assert run("index", corpus, "--jobs", "0").exit_code == 2


def test_index_again_is_unchanged(run, fake_extract, corpus, index_dir):
    run("index", corpus)
    result = run("index", corpus)
    assert result.exit_code == 0
    assert SUMMARY.fullmatch(result.stdout.strip()).groups() == ("0", "0", "0", "2 unchanged", str(index_dir), "5", "2")
    assert len(json.loads(run("search", "--format", "json").stdout)) == 5


def test_index_rebuild(run, fake_extract, corpus, index_dir):
    run("index", corpus)
    result = run("index", "--rebuild", corpus / "beta.txt")
    assert result.exit_code == 0
    assert [s["source"] for s in json.loads(run("sources", "--format", "json").stdout)] == ["beta"]


def test_index_option_beats_the_environment(run, fake_extract, corpus, tmp_path, index_dir):
    result = run("index", corpus / "alpha.txt", "--index", tmp_path / "other")
    assert result.exit_code == 0
    assert not index_dir.exists()
    assert "alpha" in run("sources", "--index", tmp_path / "other").stdout


def test_index_reports_unreadable_files(run, fake_extract, corpus, index_dir):
    (corpus / "broken.txt").write_bytes(b"\x00\x00binary")
    result = run("index", corpus)
    assert result.exit_code == 0
    assert result.stderr == f"skipped {corpus / 'broken.txt'}: looks like a binary file, not text\n"
    assert SUMMARY.fullmatch(result.stdout.strip()).group(4) == "1 skipped with errors"


def test_index_nothing_readable_fails(run, tmp_path, index_dir):
    (tmp_path / "broken.txt").write_bytes(b"\x00\x00binary")
    result = run("index", tmp_path / "broken.txt")
    assert result.exit_code == 1
    assert one_error_line(result) == "Error: nothing was indexed; check the files named above"


def test_index_usage_errors(run, tmp_path):
    assert run("index").exit_code == 2
    assert run("index", tmp_path / "missing").exit_code == 2


def test_index_shows_progress_for_many_files(run, fake_extract, tmp_path, index_dir):
    for n in range(5):
        (tmp_path / f"a{n}.txt").write_text(ALPHA, encoding="utf-8")
    result = run("index", tmp_path)
    assert result.exit_code == 0
    assert "Indexing" in result.stderr
    assert SUMMARY.fullmatch(result.stdout.strip()).groups()[:3] == ("5", "15", "2")


def test_index_few_files_no_progress(run, fake_extract, corpus, index_dir):
    assert run("index", corpus).stderr == ""


def test_index_locked(run, fake_extract, corpus, indexed, monkeypatch):
    monkeypatch.setattr(qindex, "LOCK_TIMEOUT", 0.1)
    (corpus / "alpha.txt").write_text(ALPHA + "\nMore.\n", encoding="utf-8")
    writer = qindex.open_index(indexed).writer()
    try:
        result = run("index", corpus)
    finally:
        writer.cancel()
    assert result.exit_code == 1
    assert one_error_line(result) == (
        f"Error: another quotesearch index run is writing to {indexed}; wait for it to finish")


def test_index_schema_mismatch(run, fake_extract, corpus, indexed):
    (indexed / qindex.META_FILE).write_text('{"schema_version": 0}')
    for args in (("index", corpus), ("search", "troops"), ("sources",)):
        result = run(*args)
        assert result.exit_code == 1
        assert one_error_line(result).endswith("run `quotesearch index --rebuild PATH...` to rebuild it")
    assert run("index", "--rebuild", corpus).exit_code == 0
    assert run("search", "troops").exit_code == 0


# -- search -------------------------------------------------------------------------

def search_ids(run, *args) -> list[str]:
    result = run("search", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return [h["id"] for h in json.loads(result.stdout)]


def test_search_json_has_highlight(run, indexed):
    hits = json.loads(run("search", '"move troops"', "--format", "json").stdout)
    assert [h["text"] for h in hits] == ["Russia now has to decide whether to move troops north"]
    assert [h["highlights"] for h in hits] == [[[36, 47]]]  # character offsets into the text
    assert set(hits[0]) == set(STATEMENT_FIELDS) | {"highlights", "score"}


def test_search_words_without_quotes_are_joined(run, indexed):
    assert search_ids(run, "anyone", "front") == ["alpha:108"]


@pytest.mark.parametrize("name", ["Barros", "george barros", "George Barros"])
def test_search_speaker_forms(run, indexed, name):
    hits = json.loads(run("search", "--speaker", name, "--kind", "indirect", "--format", "json").stdout)
    assert [(h["id"], h["speaker"]) for h in hits] == [("alpha:205", "George Barros")]


def test_search_filters(run, indexed):
    assert search_ids(run, "--speaker", "george barros") == ["alpha:30", "alpha:205"]
    assert search_ids(run, "--role", "spokeswoman", "--source", "beta") == ["beta:29"]
    assert search_ids(run, "--org", "ISW", "kremlin") == ["alpha:205"]
    assert search_ids(run, "--kind", "direct", "--speaker", "hill") == ["beta:100"]
    assert search_ids(run, "speaker:lopez") == ["alpha:108", "beta:29"]


def test_search_table_highlights_in_bold(run, indexed):
    plain = run("search", "collapsing")
    assert plain.stdout.splitlines()[0].split() == ["quote", "speaker", "id"]
    assert "The front is collapsing faster than anyone expected" in plain.stdout
    assert "\x1b[" not in plain.stdout and "**" not in plain.stdout
    colored = run("search", "collapsing", color=True)
    assert "The front is \x1b[1mcollapsing\x1b[22m faster" in colored.stdout


def test_search_limit_footer(run, indexed):
    result = run("search", "--limit", "2")
    assert result.exit_code == 0
    assert result.stderr == "(2 of 5 shown; use --limit to see more)\n"
    assert search_ids(run, "--limit", "0") == ["alpha:30", "alpha:108", "alpha:205", "beta:29", "beta:100"]
    assert run("search", "--limit", "-1").exit_code == 2


def test_search_nothing_found(run, indexed):
    result = run("search", "zebras")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "(no statement matches 'zebras')\n")
    as_json = run("search", "zebras", "--format", "json")
    assert (as_json.exit_code, as_json.stdout) == (1, "[]\n")


@pytest.mark.parametrize("args, message", [
    (['"move troops'], "Error: bad query '\"move troops': a phrase quote (\") is not closed"),
    (["foo:bar"], "Error: bad query 'foo:bar': unknown field 'foo'"),
    (["troops", "AND"], "Error: bad query 'troops AND': AND needs a word on both sides"),
    (["--source", "gamma"], "Error: no source 'gamma' in the index at"),
    (["--role", "the"], "Error: --role 'the' has no searchable words"),
])
def test_search_user_errors(run, indexed, args, message):
    result = run("search", *args)
    assert result.exit_code == 1
    assert one_error_line(result).startswith(message)


def test_search_usage_errors(run, indexed):
    assert run("search", "--kind", "quoted").exit_code == 2
    assert run("search", "--format", "xml").exit_code == 2
    assert run("search", "--nope").exit_code == 2


@pytest.mark.parametrize("args", [("search", "x"), ("speakers",), ("sources",), ("source", "alpha"),
                                  ("show", "alpha:30")])
def test_missing_index(run, index_dir, args):
    result = run(*args)
    assert result.exit_code == 1
    assert one_error_line(result) == (f"Error: no index at {index_dir} (given by QUOTESEARCH_INDEX); "
                                      "build one with `quotesearch index PATH…`")


# -- speakers, sources, source, show -----------------------------------------------

def test_speakers_formats(run, indexed):
    table = run("speakers").stdout.splitlines()
    assert table[0].split() == ["speaker", "type", "roles", "count", "articles"]  # no dates: no first/last
    assert table[2].split() == ["George", "Barros", "person", "the", "ISW's", "Russia", "team", "lead", "2", "1"]
    rows = json.loads(run("speakers", "--format", "json").stdout)
    assert [(r["speaker"], r["statements"]) for r in rows] == [("George Barros", 2), ("Maria Lopez", 2), ("Barros Hill", 1)]
    lines = run("speakers", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(l) for l in lines] == rows
    parsed = list(csv.DictReader(io.StringIO(run("speakers", "--format", "csv").stdout)))
    assert parsed[0] == {"speaker": "George Barros", "speaker_key": "george barros", "speaker_type": "person",
                         "roles": "the ISW's Russia team lead", "organizations": "Institute for the Study of War (ISW)",
                         "statements": "2", "sources": "1", "first": "", "last": ""}


def test_sources_formats(run, indexed, corpus):
    table = run("sources").stdout.splitlines()
    assert table[0].split() == ["title", "count", "source"]
    assert table[2].split() == ["Troops", "advance", "in", "the", "north", "3", "alpha"]
    rows = list(csv.DictReader(io.StringIO(run("sources", "--format", "csv").stdout)))
    assert [{k: v for k, v in r.items() if k != "source_hash"} for r in rows] == [
        {"source": "alpha", "title": "Troops advance in the north", "date": "", "outlet": "", "statements": "3",
         "url": "", "path": str(corpus / "alpha.txt")},
        {"source": "beta", "title": "Talks stall in the capital", "date": "", "outlet": "", "statements": "2",
         "url": "", "path": str(corpus / "beta.txt")}]
    assert all(len(r["source_hash"]) == 32 for r in rows)  # what change detection compares


def test_source_lists_reading_order(run, indexed):
    records = json.loads(run("source", "alpha", "--format", "json").stdout)
    assert [r["id"] for r in records] == ["alpha:30", "alpha:108", "alpha:205"]
    assert all(tuple(r) == STATEMENT_FIELDS for r in records)
    assert run("source", "alpha").stdout.splitlines()[0].split() == ["quote", "speaker", "kind", "id"]


def test_source_unknown(run, indexed):
    result = run("source", "gamma")
    assert result.exit_code == 1
    assert one_error_line(result) == (f"Error: no source 'gamma' in the index at {indexed}; "
                                      "list them with `quotesearch sources`")


def test_show(run, indexed):
    table = run("show", "alpha:205").stdout
    assert "     context  George Barros said that the Kremlin was caught off guard by the advance." in table
    assert "       title  Troops advance in the north" in table
    rec = json.loads(run("show", "alpha:205", "--format", "json").stdout)[0]
    assert (rec["speaker"], rec["spans"], rec["title"]) == ("George Barros", [[205, 252]], "Troops advance in the north")


def test_show_unknown(run, indexed):
    result = run("show", "alpha:1")
    assert result.exit_code == 1
    assert one_error_line(result).startswith("Error: no statement 'alpha:1' in the index at")
    assert run("show").exit_code == 2


# -- evaluate -----------------------------------------------------------------------

def test_evaluate_wires_the_evaluator(run, tmp_path, monkeypatch):
    calls = []
    fake = types.ModuleType("quotesearch.evaluation.evaluate")
    fake.evaluate_path = lambda gold, text_dir=None, show_errors=0: calls.append((gold, text_dir, show_errors)) or {"f1": 0.5}
    fake.render_report = lambda report: f"F1 {report['f1']}"
    monkeypatch.setitem(sys.modules, "quotesearch.evaluation.evaluate", fake)
    assert run("evaluate", tmp_path).stdout == "F1 0.5\n"
    result = run("evaluate", tmp_path, "--format", "json", "--show-errors", "3", "--text-dir", tmp_path)
    assert json.loads(result.stdout) == {"f1": 0.5}
    assert calls == [(str(tmp_path), None, 0), (str(tmp_path), str(tmp_path), 3)]


def test_evaluate_errors(run, tmp_path, monkeypatch):
    assert run("evaluate", tmp_path / "missing").exit_code == 2
    assert run("evaluate", tmp_path, "--format", "csv").exit_code == 2
    fake = types.ModuleType("quotesearch.evaluation.evaluate")
    fake.render_report = str

    def broken(gold, text_dir=None, show_errors=0):
        raise ValueError("no gold files here")

    fake.evaluate_path = broken
    monkeypatch.setitem(sys.modules, "quotesearch.evaluation.evaluate", fake)
    result = run("evaluate", tmp_path)
    assert result.exit_code == 1
    assert one_error_line(result) == f"Error: cannot evaluate {tmp_path}: no gold files here"
    monkeypatch.setitem(sys.modules, "quotesearch.evaluation.evaluate", None)
    result = run("evaluate", tmp_path)
    assert result.exit_code == 1
    assert one_error_line(result).startswith("Error: evaluation is not available in this build")


# -- output rendering ---------------------------------------------------------------

def test_wrap_keeps_asterisks_and_splits_only_long_words():
    assert wrap("one **two three** four", 9) == ["one **two", "three**", "four"]
    assert wrap("abcdefghij", 4) == ["abcd", "efgh", "ij"]
    assert wrap("", 5) == [""]


def test_table_fits_width_and_keeps_ids_whole_when_they_fit():
    rows = [{"text": "word " * 60, "id": "some-long-source:12345"}]
    lines = render(rows, "table", width=60).splitlines()
    assert max(len(l) for l in lines) <= 60
    assert lines[2].startswith("word word") and lines[2].endswith("  some-long-source:12345")


def test_render_formats():
    rows = [{"a": 1, "b": ["x", "y"], "c": None, "d": [[1, 2]]}]
    assert render(rows, "json") == json.dumps(rows, indent=2)
    assert render(rows, "jsonl") == '{"a": 1, "b": ["x", "y"], "c": null, "d": [[1, 2]]}'
    assert render(rows, "csv") == 'a,b,c,d\n1,x; y,,"[[1, 2]]"'
    # a table leaves out a column without any value (here c)
    assert render(rows, "table").splitlines() == ["a  b     d", "-  ----  --------", "1  x; y  [[1, 2]]"]


# -- end to end on the seed article (real extractor) --------------------------------

@pytest.fixture
def seed_indexed(run, index_dir):
    result = run("index", SEED)
    assert result.exit_code == 0
    return json.loads(run("search", "--limit", "0", "--format", "json").stdout)


def needs_extractor(records):
    if not records:
        pytest.skip("the extractor finds nothing yet (stub)")


def test_seed_extract_records_have_the_contract_fields(run):
    result = run("extract", SEED)
    assert result.exit_code == 0
    for line in result.stdout.splitlines():
        record = json.loads(line)
        assert tuple(record) == STATEMENT_FIELDS
        assert record["source"] == "kursk-incursion"
        text = SEED.read_text(encoding="utf-8")
        start, end = record["spans"][0]
        assert text[start:end] and record["paragraph"] >= 0


def test_seed_sources(run, seed_indexed):
    rows = json.loads(run("sources", "--format", "json").stdout)
    assert [(r["source"], r["title"], r["statements"]) for r in rows] == [
        ("kursk-incursion", SEED_TITLE, len(seed_indexed))]


def test_seed_speaker_barros(run, seed_indexed):
    needs_extractor(seed_indexed)
    for name in ("barros", "Barros", "George Barros"):
        hits = json.loads(run("search", "--speaker", name, "--format", "json").stdout)
        assert hits and {h["speaker"] for h in hits} == {"George Barros"}


def test_seed_speakers_have_full_names(run, seed_indexed):
    needs_extractor(seed_indexed)
    names = {r["speaker"] for r in json.loads(run("speakers", "--format", "json").stdout)}
    assert {"George Barros", "Volodymyr Zelensky"} <= names
    assert not names & {"he", "Barros", "Zelensky"}


def test_seed_source_in_reading_order(run, seed_indexed):
    needs_extractor(seed_indexed)
    records = json.loads(run("source", "kursk-incursion", "--format", "json").stdout)
    starts = [r["spans"][0][0] for r in records]
    assert starts == sorted(starts) and len(records) == len(seed_indexed)
    shown = json.loads(run("show", records[0]["id"], "--format", "json").stdout)[0]
    assert shown["id"] == records[0]["id"] and shown["context"]


def test_seed_keyword_search(run, seed_indexed):
    needs_extractor(seed_indexed)
    hits = json.loads(run("search", "weakness", "--format", "json").stdout)
    assert hits and all(h["text"][s:e].lower() == "weakness" for h in hits for s, e in h["highlights"])
    assert all(h["highlights"] for h in hits)


def test_seed_evaluate_runs_end_to_end(run):
    pytest.importorskip("quotesearch.evaluation.evaluate")
    gold = SEED.parent.parent / "tests" / "gold"
    if not gold.is_dir():
        pytest.skip("no seed gold file yet")
    result = run("evaluate", gold, "--text-dir", SEED.parent, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["articles"] == 1
    table = run("evaluate", gold, "--text-dir", SEED.parent)
    assert table.exit_code == 0 and table.stdout.strip()


@pytest.mark.parametrize("location, hint", [
    ("postgresq://me:s3cret@127.0.0.1:5432/news", "did you mean postgresql://USER@HOST:PORT/DB?"),
    ("postgresql:/me:s3cret@127.0.0.1/news", "did you mean postgresql://USER@HOST:PORT/DB?"),
    ("http://me:s3cret@127.0.0.1/news?password=s3cret", "give a folder, or postgresql://USER@HOST:PORT/DB"),
])
def test_an_index_url_of_another_scheme_is_an_error_not_a_folder(run, fake_extract, corpus, tmp_path, monkeypatch,
                                                                  location, hint):
    """A typo in the scheme of a PostgreSQL URL made a folder tree named after the URL (its password
    too) and indexed into it; it is one line, no folder, the password never shown."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QUOTESEARCH_INDEX", raising=False)
    for args in (["index", corpus, "--index", location], ["search", "troops", "--index", location]):
        result = run(*args)
        assert result.exit_code == 1, result.output
        assert result.stdout == "" and len(result.stderr.splitlines()) == 1
        assert result.stderr.startswith("Error: ")
        assert "is neither an index folder nor a postgresql:// URL" in result.stderr
        assert hint in result.stderr and "s3cret" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [corpus.name]  # nothing made beside the inputs
