"""What `index` and `extract` are given: compressed archives read in flat memory with their skips
counted in one line, source ids unique per input path, record ids scoped to their archive, project
files left out of folders, and metadata sidecars (issue 11, items 3, 11, 13, 14)."""
from __future__ import annotations

import bz2
import gzip
import json
import shutil
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotesearch.cli import main
from quotesearch.ingest.inputs import input_files, items
from quotesearch.models import Article, Skipped

SIDECAR = Path(__file__).parents[1] / "fixtures" / "sidecar"
SEEDS = Path(__file__).parents[2] / "seeds"
CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"
QUOTE = "“We will not back down,” said John Smith, the union leader."


def run(*args, input=None, ok=True):
    result = CliRunner().invoke(main, [str(a) for a in args], input=input)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def sources(index) -> dict[str, dict]:
    return {r["source"]: r for r in json.loads(run("sources", "--index", index, "--format", "json").stdout)}


def article(title: str) -> str:
    return f"{title}\n\n{QUOTE}\n"


# --- item 3: compressed archives stream, skips are counted, caps are named ---

def _empty_records(path: Path, n: int) -> Path:
    good = json.dumps({"id": "good", "text": article("Strike ends")})
    with gzip.open(path, "wt") as f:
        f.write(good + "\n" + "{}\n" * n + "\n" * n)
    return path


def _peak(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_many_records_without_text_are_one_line_in_flat_memory(tmp_path):
    small, large = _empty_records(tmp_path / "small.jsonl.gz", 20_000), _empty_records(tmp_path / "crawl.jsonl.gz", 200_000)
    results = {}

    def extract(path):
        results[path.name] = run("extract", path)
    peaks = [_peak(lambda: extract(small)), _peak(lambda: extract(large))]
    result = results["crawl.jsonl.gz"]
    assert result.stderr.splitlines() == [
        f"skipped {large}: 200,000 records skipped: no text (looked for text, maintext, body, content, raw_text) "
        "(records 2, 3, 4, 5, 6, …)"]
    assert [json.loads(line)["source"] for line in result.stdout.splitlines()] == ["crawl/good"]
    # ten times the records, about the same peak (it grew with the records before: 9x)
    assert peaks[1] < 2 * peaks[0], peaks


def test_a_few_skipped_records_are_named_one_by_one(tmp_path):
    path = tmp_path / "few.jsonl.bz2"
    path.write_bytes(bz2.compress(b'{"text": "Headline"}\n{}\n\n\n[1]\n{}\n'))
    items_ = list(items(input_files([path])))
    assert [i.path if isinstance(i, Article) else str(i) for i in items_] == [
        f"{path}#1", f"{path} record 2: no text (looked for text, maintext, body, content, raw_text)",
        f"{path} record 4: no text (looked for text, maintext, body, content, raw_text)",
        f"{path} record 3: not a JSON object but an array"]
    assert [i.code for i in items_ if isinstance(i, Skipped)] == ["no-text", "no-text", "not-object"]


def test_json_over_its_cap_is_skipped_and_the_other_files_are_indexed(tmp_path, monkeypatch):
    monkeypatch.setenv("QUOTESEARCH_MAX_JSON_MB", "1")
    folder = tmp_path / "in"
    folder.mkdir()
    records = [{"id": str(n), "text": article(f"Story {n}") + "x" * 1000} for n in range(2000)]  # 2 MB of JSON
    with gzip.open(folder / "big.json.gz", "wt") as f:
        json.dump(records, f)
    (folder / "strike.txt").write_text(article("Strike ends"), encoding="utf-8")
    (folder / "small.json").write_text(json.dumps(records[:1]), encoding="utf-8")
    result = run("index", "--index", tmp_path / "idx", folder)
    assert result.stderr.splitlines()[-1] == (
        f"skipped {folder / 'big.json.gz'}: holds more than 1 MB of JSON, the most a .json file may hold (it is read "
        "whole); make it JSON Lines, or set QUOTESEARCH_MAX_JSON_MB")
    assert sorted(sources(tmp_path / "idx")) == ["small/0", "strike"]


def test_an_archive_stops_at_its_cap_and_keeps_what_came_before(tmp_path, monkeypatch):
    monkeypatch.setenv("QUOTESEARCH_MAX_ARCHIVE_MB", "1")
    path = tmp_path / "bomb.jsonl.bz2"
    first = json.dumps({"id": "first", "text": article("First")}) + "\n"
    path.write_bytes(bz2.compress(first.encode() + b"\n" * 3_000_000 + first.replace("first", "last").encode()))
    result = run("extract", path)
    assert [json.loads(line)["source"] for line in result.stdout.splitlines()] == ["bomb/first"]
    assert result.stderr == (f"skipped {path}: expands to more than 1 MB, the most one archive may hold; the rest of it "
                             "was not read (QUOTESEARCH_MAX_ARCHIVE_MB raises the limit)\n")


def test_csv_archive_is_streamed_from_gzip(tmp_path):
    path = tmp_path / "export.csv.gz"
    with gzip.open(path, "wt", encoding="cp1252", newline="") as f:
        f.write("id;title;text\r\n1;Zoë speaks;\"“Fine,” said Zoë Müller.\"\r\n2;Empty;\r\n")
    found = list(items(input_files([path])))
    assert [(i.id, i.title, i.encoding) for i in found if isinstance(i, Article)] == [("export/1", "Zoë speaks", "cp1252")]
    assert [str(i) for i in found if isinstance(i, Skipped)] == [
        f"{path} record 2: no text (looked for text, maintext, body, content, raw_text)"]


# --- item 11: one id per input path; project files are not articles ---

def test_files_of_one_name_in_two_folders_are_two_sources(tmp_path):
    crawl = tmp_path / "crawl"
    for folder, title in (("a", "Alpha"), ("b", "Beta")):
        (crawl / folder).mkdir(parents=True)
        (crawl / folder / "story.txt").write_text(article(title), encoding="utf-8")
    (crawl / "README.md").write_text("# My crawl\n\nTwo folders.\n", encoding="utf-8")
    result = run("index", "--index", tmp_path / "idx", crawl)
    assert sorted(sources(tmp_path / "idx")) == ["a/story", "b/story"]
    assert result.stderr == (f"skipped {crawl / 'README.md'}: not a news article (README, LICENSE … files in a folder "
                             "are left out; name the file to index it)\n")
    # named one by one: the folders they are in tell them apart
    run("index", "--index", tmp_path / "idx2", crawl / "a" / "story.txt", crawl / "b" / "story.txt")
    assert sorted(sources(tmp_path / "idx2")) == ["a/story", "b/story"]
    # a README named explicitly is read
    run("index", "--index", tmp_path / "idx3", crawl / "README.md")
    assert sorted(sources(tmp_path / "idx3")) == ["README"]


def test_ids_are_unique_by_construction(tmp_path):
    for name in ("x/a/story.txt", "x/a/story.md", "y/a/story.txt", "x/news.jsonl", "x/sub/news.jsonl", "y/news.csv"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("", encoding="utf-8")
    files = input_files([tmp_path / "x", tmp_path / "y", tmp_path / "x" / "a" / "story.txt"])
    # one name in one folder: the extension kept; in two folders given: the folder's name first;
    # the story.txt named again is read once
    assert [(f.path.relative_to(tmp_path).as_posix(), f.id) for f in files] == [
        ("x/news.jsonl", "x/news"), ("x/a/story.md", "a/story.md"), ("x/a/story.txt", "a/story.txt"),
        ("x/sub/news.jsonl", "sub/news"), ("y/news.csv", "y/news"), ("y/a/story.txt", "y/a/story")]
    assert [f.id for f in input_files([SEEDS])] == ["kursk-incursion"]
    assert [f.id for f in input_files([SEEDS / "kursk-incursion.txt"])] == ["kursk-incursion"]


# --- item 13: record ids belong to their archive ---

def test_archives_reusing_record_ids_do_not_replace_each_other(tmp_path):
    for name in ("monday", "tuesday"):
        (tmp_path / f"{name}.jsonl").write_text("".join(
            json.dumps({"id": n, "text": article(f"{name} story {n}")}) + "\n" for n in (1, 2)), encoding="utf-8")
    run("index", "--index", tmp_path / "idx", tmp_path / "monday.jsonl")
    run("index", "--index", tmp_path / "idx", tmp_path / "tuesday.jsonl")
    found = sources(tmp_path / "idx")
    assert sorted(found) == ["monday/1", "monday/2", "tuesday/1", "tuesday/2"]
    assert found["monday/1"]["title"] == "monday story 1"
    # the user says the ids are global: one article per id, the later replacing the earlier
    run("index", "--index", tmp_path / "global", "--global-ids", tmp_path / "monday.jsonl")
    run("index", "--index", tmp_path / "global", "--global-ids", tmp_path / "tuesday.jsonl")
    found = sources(tmp_path / "global")
    assert sorted(found) == ["1", "2"] and found["1"]["title"] == "tuesday story 1"
    assert "--global-ids" in run("index", "--help").stdout


# --- item 14: metadata sidecars ---

EXPECTED = {
    "library-budget": ("2024-03-05", "Eastbrook Herald", "https://herald.example/library-budget"),
    "port-strike": ("2023-11-02", "Valley Gazette", None),
}


def _meta(index) -> dict:
    return {s: (r["date"], r["outlet"], r["url"]) for s, r in sources(index).items()}


@pytest.mark.parametrize("given", ["text", "."])
def test_a_sidecar_beside_the_texts_or_in_the_folder_gives_their_metadata(tmp_path, given):
    folder = tmp_path / "sample"
    shutil.copytree(SIDECAR, folder)
    result = run("index", "--index", tmp_path / "idx", folder / given)
    ids = {"text": EXPECTED, ".": {f"text/{k}": v for k, v in EXPECTED.items()}}[given]
    assert _meta(tmp_path / "idx") == ids
    if given == ".":  # the sidecar is not an article, the README neither
        assert result.stderr == (f"skipped {folder / 'README.md'}: not a news article (README, LICENSE … files in a "
                                 "folder are left out; name the file to index it)\n")
    # a changed row re-indexes that article, and only that one
    tsv = folder / "metadata.tsv"
    tsv.write_text(tsv.read_text(encoding="utf-8").replace("2023-11-02", "2023-11-03"), encoding="utf-8")
    result = run("index", "--index", tmp_path / "idx", folder / given)
    assert "Indexed 1 article" in result.stdout and "1 unchanged" in result.stdout
    assert _meta(tmp_path / "idx")[next(k for k in ids if k.endswith("port-strike"))][0] == "2023-11-03"


def test_metadata_option_names_a_sidecar_kept_elsewhere(tmp_path):
    (tmp_path / "meta").mkdir()
    sidecar = tmp_path / "meta" / "dates.csv"
    sidecar.write_text("filename,date,outlet,title\nport-strike,2023-11-02,Gazette,Dockers win\n", encoding="utf-8")
    text = SIDECAR / "text" / "port-strike.txt"
    statements = [json.loads(line) for line in run("extract", "--metadata", sidecar, text).stdout.splitlines()]
    assert {(s["date"], s["outlet"], s["title"]) for s in statements} == {("2023-11-02", "Gazette", "Dockers win")}
    assert "--metadata" in run("index", "--help").stdout


def test_metadata_jsonl_in_a_folder_is_not_an_archive(tmp_path):
    (tmp_path / "port-strike.txt").write_text(article("Port strike ends"), encoding="utf-8")
    (tmp_path / "metadata.jsonl").write_text(json.dumps({"id": "port-strike", "publisher": "Gazette"}) + "\n",
                                             encoding="utf-8")
    assert [(f.id, f.meta) for f in input_files([tmp_path])] == [("port-strike", (("outlet", "Gazette"),))]


def test_a_sidecar_without_a_key_column_is_a_user_error(tmp_path):
    (tmp_path / "a.txt").write_text(article("A"), encoding="utf-8")
    (tmp_path / "metadata.tsv").write_text("file\tdate\na\t2024-01-01\n", encoding="utf-8")
    result = run("index", "--index", tmp_path / "idx", tmp_path, ok=False)
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {tmp_path / 'metadata.tsv'}: no column name, filename or id naming the article "
                             "files; found date, file\n")


@pytest.mark.skipif(not CORPORA.is_dir(), reason="the shared corpora are not here")
@pytest.mark.parametrize("corpus, texts", [("news-sample", 73), ("polnear-train", 840)])
def test_the_shared_corpora_get_their_dates_and_outlets(corpus, texts):
    files = input_files([CORPORA / corpus / "text"])
    assert len(files) == texts
    dated = [f for f in files if dict(f.meta).get("date") and dict(f.meta).get("outlet")]
    assert len(dated) == texts
    # the folder above: the README is left out, the sidecar is not an article
    whole = input_files([CORPORA / corpus])
    assert {f.path.name for f in whole if f.skip} <= {"README.md"}
    assert not any(f.path.name.startswith("metadata") for f in whole)


def test_files_skipped_for_one_reason_are_one_line(tmp_path):
    for n in range(5):
        (tmp_path / f"img{n}.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
        (tmp_path / f"d{n}").mkdir()
        (tmp_path / f"d{n}" / "README.md").write_text("# About\n", encoding="utf-8")
    (tmp_path / "strike.txt").write_text(article("Strike ends"), encoding="utf-8")
    result = run("index", "--index", tmp_path / "idx", tmp_path)
    assert result.stderr.splitlines()[-2:] == [  # after the progress bar
        f"skipped 5 inputs ({tmp_path / 'img0.txt'} …): looks like a binary file, not text",
        f"skipped 5 inputs ({tmp_path / 'd0' / 'README.md'} …): not a news article "
        "(README, LICENSE … files in a folder are left out; name the file to index it)"]
