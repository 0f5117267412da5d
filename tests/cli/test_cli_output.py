"""What the command line prints and how it ends (issue 11, items 5, 17-20): closed pipes,
Ctrl-C, control characters, table layout, empty results, exit statuses, formats."""
from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from quotesearch.cli import output

QUOTESEARCH = [sys.executable, "-m", "quotesearch"]
ARTICLE = ("Troops advance in the north\n\n"
           "“Russia now has to decide whether to move troops north,” said George Barros.\n\n"
           "“We will not back down,” said Maria Lopez.\n")
LONG = "2024-08-14-ukraine-territory-gains-in-russia-kursk-incursion"


def env(**extra) -> dict:
    return dict(os.environ, PYTHONUNBUFFERED="", **extra)


@pytest.fixture
def many(tmp_path) -> Path:
    """400 small articles, then a binary .txt (read last) whose skip would be reported on stderr."""
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(400):
        (folder / f"a{i:03d}.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "zzz.txt").write_bytes(b"x\0\0\0y")
    return folder


# -- item 5: a closed pipe -------------------------------------------------------------

def read_one_line_then_close(args, **kw) -> tuple[bytes, int, bytes]:
    proc = subprocess.Popen(QUOTESEARCH + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env(), **kw)
    line = proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read()
    return line, proc.wait(timeout=120), stderr


def test_extract_into_a_closed_pipe_stops_at_once_and_quietly(many):
    line, status, stderr = read_one_line_then_close(["extract", str(many)])
    assert json.loads(line)["source"] == "a000"
    # no "BrokenPipeError" line per file, and no "skipped …/zzz.txt": it stopped before the last file
    assert (status, stderr) == (141, b"")


def test_export_and_search_into_a_closed_pipe_end_quietly(many, tmp_path):
    index = tmp_path / "idx"
    subprocess.run(QUOTESEARCH + ["index", "--index", str(index), str(many)], check=True, capture_output=True)
    for args in (["export"], ["search", "--limit", "0"], ["export", "--format", "csv"]):
        line, status, stderr = read_one_line_then_close(args + ["--index", str(index)])
        assert line and status in (0, 141) and stderr == b"", args  # 0: all was written before the close


# -- item 20: Ctrl-C -------------------------------------------------------------------

def test_ctrl_c_exits_130_without_aborted(many):
    proc = subprocess.Popen(QUOTESEARCH + ["extract", str(many)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env())
    assert proc.stdout.readline()  # running, and blocked on the full pipe soon
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert (proc.returncode, stderr) == (130, b"")


# -- item 17: control characters and asterisks ----------------------------------------------

def test_table_makes_control_characters_visible():
    text = "We will not\x08\x08\x08 raise\x1b[2J taxes\x1b]0;owned\x07\r\n\x9b31m \u202eevil\u202c ok\x00"
    rows = [{"quote": text, "id": "a:1"}]
    assert output.render(rows, "table", width=100).splitlines()[2] == (
        "We will not␈␈␈ raise␛[2J taxes␛]0;owned␇ �31m evil ok␀  a:1")
    shown = output.render([{"id": "a:1", "text": text}], "table", width=100, vertical=True)
    assert shown.splitlines()[1] == "text  We will not␈␈␈ raise␛[2J taxes␛]0;owned␇ �31m evil ok␀"


def test_json_escapes_what_json_dumps_leaves_raw_and_csv_is_exact_unless_for_a_terminal():
    rows = [{"text": "a\x1b[2Jb\x9bc\u202ed\u2028e"}]
    assert output.render(rows, "jsonl") == '{"text": "a\\u001b[2Jb\\u009bc\\u202ed\\u2028e"}'
    assert json.loads(output.render(rows, "json")) == rows  # the same values
    assert output.render(rows, "csv") == "text\na\x1b[2Jb\x9bc\u202ed\u2028e"  # data for a file stays exact
    assert output.render(rows, "csv", safe=True) == "text\na␛[2Jb�cd e"


def test_highlights_come_from_offsets_and_keep_asterisks():
    quote = output.Marked("The f****** grifters lied about **everything**", [(12, 20)])
    rows = [{"quote": quote, "id": "a:1"}]
    assert output.render(rows, "table", width=100).splitlines()[2] == (
        "The f****** \x1b[1mgrifters\x1b[22m lied about **everything**  a:1")
    assert output.render(rows, "table", width=100, style=False).splitlines()[2] == (
        "The f****** grifters lied about **everything**  a:1")


def test_search_table_shows_the_quotes_own_characters(run, fake_extract, tmp_path, index_dir):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "swear.txt").write_text(
        "Angry words\n\n“The f****** grifters lied,” said John Smith.\n", encoding="utf-8")
    assert run("index", tmp_path / "a").exit_code == 0
    colored = run("search", "grifters", color=True)
    assert colored.stdout.splitlines()[2] == "The f****** \x1b[1mgrifters\x1b[22m lied  John Smith  swear:14"
    plain = run("search", "grifters")
    assert plain.stdout.splitlines()[2] == "The f****** grifters lied  John Smith  swear:14"


# -- item 18: fitting the terminal ------------------------------------------------------------

@pytest.fixture
def long_ids(run, fake_extract, tmp_path, index_dir):
    folder = tmp_path / "long"
    folder.mkdir()
    (folder / f"{LONG}.txt").write_text(
        "Troops advance in the north\n\n“Russia now has to decide whether to move troops north and hold the "
        "line near the border for as long as it takes,” said George Barros.\n\n"
        "“The front is collapsing faster than anyone expected,” said Maria Lopez.\n", encoding="utf-8")
    (folder / f"{LONG}-talks.txt").write_text(
        "Talks stall\n\n“We will not negotiate under pressure from anyone,” said Maria Lopez.\n", encoding="utf-8")
    assert run("index", folder).exit_code == 0
    return folder


def test_search_table_at_80_columns(run, long_ids, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    assert run("search", "anyone OR troops").stdout.splitlines() == [
        "quote                                       speaker          id",
        "------------------------------------------  ---------------  -------------------",
        "We will not negotiate under pressure from   Maria Lopez,     2024-08-…n-talks:14",
        "anyone                                      foreign",
        "                                            ministry",
        "                                            spokeswoman",
        "",
        "The front is collapsing faster than anyone  Maria Lopez,     2024-08…cursion:166",
        "expected                                    foreign",
        "                                            ministry",
        "                                            spokeswoman",
        "",
        "Russia now has to decide whether to move    George Barros,   2024-08-…cursion:30",
        "troops north and hold the line near the     the ISW's",
        "border for as long as it takes              Russia team",
        "                                            lead"]


def test_search_table_at_120_columns(run, long_ids, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    lines = run("search", "anyone OR troops").stdout.splitlines()
    assert lines[0].split() == ["quote", "speaker", "id"]
    assert max(map(len, lines)) <= 120
    assert lines[8:10] == [
        "Russia now has to decide whether to move troops north and hold    George Barros, the       "
        "2024-08-14-uk…sk-incursion:30",
        "the line near the border for as long as it takes                  ISW's Russia team lead"]


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("command", [["search", "--limit", "0"], ["source", f"{LONG}-talks"], ["sources"],
                                     ["speakers"], ["trace", "anyone pressure"], ["show", f"{LONG}:30"]])
def test_tables_fit_and_split_no_word(run, long_ids, monkeypatch, command, columns):
    monkeypatch.setenv("COLUMNS", str(columns))
    out = run(*command).stdout
    assert max(len(l) for l in out.splitlines()) <= columns
    words = set(out.split())
    for word in "Russia now has to decide whether to move troops north and hold the line".split():
        if command[0] in ("search", "show"):
            assert word in words
    if command[0] == "show":
        assert f"{LONG}:30" in out  # show gives the full id


def test_trace_table_shows_the_quote_and_the_source(run, long_ids, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    assert run("trace", "anyone pressure").stdout.splitlines() == [
        "quote                                       speaker          source",
        "------------------------------------------  ---------------  -------------------",
        "We will not negotiate under pressure from   Maria Lopez,     2024-08-1…ion-talks",
        "anyone                                      foreign",
        "                                            ministry",
        "                                            spokeswoman"]


def test_ids_are_shortened_in_the_middle_and_stay_distinct():
    ids = [f"{LONG}:30", f"{LONG}:166", f"{LONG}-talks:14"]
    assert output.shorten_ids(ids, 18) == ["2024-08…cursion:30", "2024-08…ursion:166", "2024-08…n-talks:14"]
    assert output.shorten_ids(["abcdefghij-one:1", "abcdefghij-two:1"], 14) == ["abcdef…j-one:1", "abcdef…j-two:1"]
    assert output.shorten_ids(["short:1"], 14) == ["short:1"]
    assert output.wrap("a-very-long-word-here and more", 10) == ["a-very-lon", "g-word-her", "e and more"]


# -- item 19: empty results say why --------------------------------------------------------------

def test_empty_results_say_why(run, indexed):
    result = run("speakers", "--speaker", "nobody")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "(no speaker matches --speaker nobody)\n")
    result = run("sources", "--outlet", "guardian")  # no article of this index has an outlet: that is why
    assert (result.exit_code, result.stderr) == (1, "(no article in the index has an outlet; outlets come from "
                                                    "archives, web pages or a metadata sidecar beside the texts: "
                                                    "index those)\n")
    result = run("sources", "--since", "2030")
    assert result.exit_code == 1 and result.stderr.startswith("(no article in the index has a date")
    result = run("source", "alpha", "--kind", "mixed")
    assert (result.exit_code, result.stderr) == (1, "(no statement in alpha matches --kind mixed)\n")


def test_a_speakers_name_searched_in_quote_text_suggests_speaker(run, indexed):
    result = run("search", "Lopez")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == ("(no statement matches 'Lopez' in quote text; 'Lopez' is a speaker (Maria Lopez): "
                             "try quotesearch search --speaker 'Lopez')\n")
    assert run("search", "zebras").stderr == "(no statement matches 'zebras')\n"


def test_since_after_until_is_a_usage_error(run, indexed):
    result = run("search", "--since", "2025", "--until", "2020")
    assert result.exit_code == 2
    assert "Error: --since 2025 is after --until 2020; nothing can be in between" in result.stderr
    assert run("search", "--since", "2024-08-10", "--until", "2024-08").exit_code == 1  # same month: no error


def test_missing_index_names_the_path_the_user_has(run, tmp_path, monkeypatch):
    monkeypatch.delenv("QUOTESEARCH_INDEX", raising=False)
    monkeypatch.chdir(tmp_path)
    result = run("search", "x")
    assert (result.exit_code, result.stderr) == (
        1, "Error: no index at ./index (or give --index DIR / QUOTESEARCH_INDEX); "
           "build one with `quotesearch index PATH…`\n")
    result = run("sources", "--index", "elsewhere")
    assert result.stderr == ("Error: no index at elsewhere (given by --index); "
                             "build one with `quotesearch index --index elsewhere PATH…`\n")


# -- item 20: limits, exit statuses, NO_COLOR, shortcuts, export json -------------------------------

def test_speakers_and_sources_take_limit(run, indexed):
    assert [r["speaker"] for r in json.loads(run("speakers", "--limit", "2", "--json").stdout)] == [
        "George Barros", "Maria Lopez"]
    result = run("sources", "--limit", "1")
    assert result.stdout.splitlines()[2].split() == ["Troops", "advance", "in", "the", "north", "3", "alpha"]
    assert len(result.stdout.splitlines()) == 3
    assert result.stderr == "(1 of 2 shown; use --limit to see more)\n"


def test_nothing_found_exits_1_like_grep(run, indexed):
    for args in (["search", "zebras"], ["speakers", "--speaker", "nobody"], ["sources", "--since", "2030"],
                 ["source", "beta", "--speaker", "barros", "--kind", "indirect"], ["export", "zebras"]):
        result = run(*args)
        assert result.exit_code == 1 and result.stderr.startswith("(no ") and "Error" not in result.stderr, args
    assert run("export", "zebras").stderr == "(no matching statements for 'zebras')\n"
    assert run("search", "troops").exit_code == 0


def test_no_color_is_honoured(run, indexed, monkeypatch):
    assert "\x1b[1mcollapsing\x1b[22m" in run("search", "collapsing", color=True).stdout
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run("search", "collapsing", color=True).stdout


@pytest.mark.parametrize("command", [["search", "troops"], ["speakers"], ["sources"], ["source", "alpha"],
                                     ["show", "alpha:30"], ["trace", "alpha:30"], ["export"]])
def test_json_and_csv_shortcuts(run, indexed, command):
    long_form = "jsonl" if command[0] == "export" else "json"
    assert run(*command, "--json").stdout == run(*command, "--format", "json").stdout
    if command[0] != "export":
        assert run(*command, "--json").stdout == run(*command, "--format", long_form).stdout
    assert run(*command, "--csv").stdout == run(*command, "--format", "csv").stdout
    assert run(*command, "--json", "--csv").exit_code == 2
    assert run(*command, "--json", "--format", "csv").exit_code == 2


def test_export_json_is_one_array(run, indexed, tmp_path):
    rows = json.loads(run("export", "--format", "json").stdout)
    lines = [json.loads(l) for l in run("export").stdout.splitlines()]
    assert rows == lines and [r["id"] for r in rows] == ["alpha:30", "alpha:108", "alpha:205", "beta:29", "beta:100"]
    out = tmp_path / "all.json"
    assert run("export", "--json", "-o", out).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == rows
    empty = run("export", "zebras", "--json")
    assert (empty.exit_code, empty.stdout) == (1, "[]\n")
    assert list(csv.DictReader(io.StringIO(run("export", "--csv").stdout)))[0]["id"] == "alpha:30"


def test_wide_characters_take_two_columns():
    rows = [{"quote": "東京で記者会見 した 首相は 「我々は 後退しない」 と述べた " * 3, "id": "tokyo:12"}]
    lines = output.render(rows, "table", width=30).splitlines()
    assert max(output.text_width(l) for l in lines) <= 30
    assert lines[2] == "東京で記者会見 した   tokyo:12"  # 19 columns of 20, then the gap


def test_skipped_file_names_are_shown_terminal_safe(run, tmp_path):
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "a\x1b]0;owned\x07.txt").write_bytes(b"x\0\0\0y")
    result = run("extract", folder)
    assert result.stderr.splitlines()[0] == f"skipped {folder}/a␛]0;owned␇.txt: looks like a binary file, not text"


def test_shortened_ids_can_be_pasted_into_show_trace_and_source(run, long_ids, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    short = run("search", "collapsing").stdout.splitlines()[2].split()[-1]
    assert short == "2024-08…cursion:166"
    shown = json.loads(run("show", short, "--json").stdout)[0]
    assert shown["id"] == f"{LONG}:166"
    assert [r["id"] for r in json.loads(run("trace", short, "--json").stdout)] == [f"{LONG}:166"]
    assert [r["id"] for r in json.loads(run("source", "2024-08…talks", "--json").stdout)] == [f"{LONG}-talks:14"]
    result = run("show", "2024…:14")  # fits both sources
    assert (result.exit_code, result.stderr) == (1, (
        f"Error: '2024…:14' is short for 2 sources ({LONG}, {LONG}-talks); give the whole id "
        "(--format json shows it)\n"))
