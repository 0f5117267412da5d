"""The public API: what ``import quotesearch as qs`` offers, and the README's example run as written."""
from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import quotesearch as qs

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = "Alpha\n\n“We will not back down,” said John Smith.\n"


def test_the_readme_python_example_runs_and_prints_what_it_says(tmp_path, monkeypatch):
    code = re.search(r"## Python API.*?```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"),
                     re.S).group(1)
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    lines = out.getvalue().splitlines()
    assert lines[0] == "John Smith [[11, 32]]"  # the comment in the README says the same
    assert lines[1].split(" ", 1)[1] == "George Barros ['border']"
    assert (tmp_path / "index").is_dir()


def test_extract_gives_statements_with_offsets_into_the_text():
    [st] = qs.extract(ARTICLE, id="a")
    assert (st.id, st.source, st.speaker, st.kind) == ("a:8", "a", "John Smith", "direct")
    assert [ARTICLE[s:e] for s, e in st.spans] == ["We will not back down"]


def test_index_add_search_and_every_read(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text("Beta\n\nIn the capital, “We will not back down,” said John Smith.\n",
                                           encoding="utf-8")
    with qs.Index(tmp_path / "ix") as ix:
        summary = ix.add([tmp_path / "in"])
        assert (summary.files, summary.statements) == (2, 2)
        results = ix.search("back down", speaker="smith")
        assert results.total == 2 and {h.statement.source for h in results} == {"a", "b"}
        assert all(h.statement.text[s:e].lower() in ("back", "down", "back down")
                   for h in results for s, e in h.highlights)
        assert [sp.speaker for sp in ix.speakers()] == ["John Smith"]
        assert [src.source for src in ix.sources()] == ["a", "b"]
        assert [st.id for st in ix.source("a.txt")] == ["a:8"]  # a file name stands for its id
        assert ix.show("a:8").speaker == "John Smith"
        assert [st.source for st in ix.trace("a:8")] == ["a", "b"]  # wire copies: one quote group
        out = io.StringIO()
        assert ix.export(out, "jsonl") == 2 and out.getvalue().count("\n") == 2


def test_filters_are_immutable_and_a_source_listing_leaves_them_as_given(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    f = qs.Filters(kind="direct")
    with qs.Index(tmp_path / "ix") as ix:
        ix.add([tmp_path / "a.txt"])
        ix.source("a", filters=f)
        assert f == qs.Filters(kind="direct")
        assert ix.search(filters=f).total == 1
        with pytest.raises(Exception):
            f.source = "a"  # frozen


def test_errors_are_one_hierarchy(tmp_path):
    with pytest.raises(qs.NoIndex):
        qs.Index(tmp_path / "nowhere").search("x")
    with pytest.raises(qs.NoInput):
        qs.Index(tmp_path / "ix").add([tmp_path])  # an empty folder
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    with qs.Index(tmp_path / "ix") as ix:
        ix.add([tmp_path / "a.txt"])
        with pytest.raises(qs.QuerySyntaxError):
            ix.search('"unclosed')
        with pytest.raises(qs.NotFound):
            ix.show("a:999")
        with pytest.raises(qs.QuerySyntaxError):
            ix.search(since="2025", until="2020")
    for kind in (qs.NoIndex, qs.NoInput, qs.QuerySyntaxError, qs.IndexLocked, qs.SchemaMismatch, qs.NotFound,
                 qs.ReadError):
        assert issubclass(kind, qs.QuotesearchError)


def test_python_dash_m_quotesearch_is_the_command_line():
    result = subprocess.run([sys.executable, "-m", "quotesearch", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("Usage: quotesearch ")


def test_add_takes_one_path_or_a_generator_and_names_a_missing_one(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    with qs.Index(tmp_path / "ix") as ix:
        assert ix.add(str(tmp_path / "in")).files == 1                    # one path, not its letters
        assert ix.add(p for p in [tmp_path / "in" / "a.txt"]).skipped == 1  # a generator of paths: unchanged
        with pytest.raises(qs.NoInput, match="no such file or folder: .*nofile.txt"):
            ix.add([tmp_path / "nofile.txt"])
        with pytest.raises(qs.NoInput, match="no inputs given"):
            ix.add([])


def test_export_to_a_path_and_a_negative_limit(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    with qs.Index(tmp_path / "ix") as ix:
        ix.add([tmp_path / "a.txt"])
        assert ix.export(tmp_path / "out.csv", "csv") == 1
        assert (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()[1].startswith("John Smith,")
        with pytest.raises(qs.QuotesearchError, match="cannot write"):
            ix.export(tmp_path / "no" / "out.csv", "csv")
        with pytest.raises(qs.QuerySyntaxError, match="limit -1"):
            ix.search("down", limit=-1)


def test_add_reads_an_iterator_of_articles_lazily(tmp_path):
    """An archive's records come as an iterator that may hold millions: add() must not gather it."""
    pulled = []

    def articles():
        for n in range(3):
            pulled.append(n)
            yield qs.Article(id=f"r{n}", text=ARTICLE, paragraphs=[(0, 5), (7, len(ARTICLE) - 1)])

    seen_when_done = []
    with qs.Index(tmp_path / "ix") as ix:
        summary = ix.add(articles(), jobs=1, progress=lambda name, status: seen_when_done.append(len(pulled)))
    assert summary.files == 3
    assert seen_when_done == [1, 2, 3]  # each written before the next is read
