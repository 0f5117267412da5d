"""Robustness: bad input files, malformed queries, interrupted indexing, concurrent use, old indexes.

Every case asserts exactly what a user sees: the exit status, the lines on stderr, what the
index holds afterwards. The tests that run the command as a separate process use
tests/toy_cli.py (the command with the toy extractor of conftest.py).
"""
from __future__ import annotations

import collections
import errno
import gzip
import json
import os
import signal
import subprocess
import sys
import threading
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from conftest import ALPHA, BETA, fake_statements
from quotesearch.store.whoosh import index as qindex
from quotesearch.ingest import read as qread
from quotesearch.store.whoosh.index import IndexLocked, open_index
from quotesearch.ingest.article import read_article
from quotesearch.ingest.read import ReadError, article_from_text, decode
import quotesearch
from quotesearch.indexer import index_articles

TOY_CLI = Path(__file__).resolve().parent / "toy_cli.py"
# a PNG header, a JPEG header and random bytes: the start of real image files
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 8
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01" + bytes(range(256)) * 8
NO_QUOTES = ("Markets rise on new figures\n\nShares in London closed higher on Monday as investors weighed "
             "new figures on prices.\n\nThe pound was steady against the dollar and the euro.\n")
LATIN = 'Zoë Müller wins in Besançon\n\n"Nous avançons très vite," said Zoë Müller.\n'
RUSSIAN = ("Президент выступил в Москве\n\n«Мы идем вперед, и экономика растет», — сказал президент журналистам "
           "во вторник. Он добавил, что правительство продолжит реформы.\n") * 3


def ids(index_dir, query="", **filters) -> list[str]:
    with quotesearch.Index(index_dir) as qs:
        return [h.statement.id for h in qs.search(query, limit=0, **filters).hits]


def errors_of(result) -> list[str]:
    """The lines of stderr naming skipped files (the progress bar aside)."""
    assert "Traceback" not in result.output
    return [line for line in result.stderr.splitlines() if line.startswith("skipped ")]


def error_line(result) -> str:
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def summary_of(result) -> str:
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Indexed "), result.stdout
    return lines[0]


# -- reading files ------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252"])
def test_text_encodings_are_detected(tmp_path, encoding):
    path = tmp_path / "alpha.txt"
    path.write_bytes(ALPHA.encode(encoding))  # utf-16-le/-be: no byte order mark
    article = read_article(path)
    assert article.text == ALPHA
    assert article.title == "Troops advance in the north"


def test_latin1_text(tmp_path):
    path = tmp_path / "zoe.txt"
    path.write_bytes(LATIN.encode("latin-1"))
    assert read_article(path).text == LATIN


def test_cyrillic_legacy_encoding_is_detected(tmp_path):
    path = tmp_path / "ru.txt"
    path.write_bytes(RUSSIAN.encode("cp1251"))
    assert read_article(path).text == RUSSIAN


def test_utf8_with_a_broken_byte_stays_utf8():
    data = ALPHA.encode("utf-8")
    assert decode(data[:50] + b"\xff" + data[50:]) == ALPHA[:48] + "\ufffd" + ALPHA[48:]


def test_truncated_utf16_keeps_what_it_has():
    assert decode(ALPHA.encode("utf-16") + b"x") == ALPHA + "\ufffd"


@pytest.mark.parametrize("data", [
    PNG, JPEG, gzip.compress(ALPHA.encode() * 20),
    bytes(b for b in os.urandom(5000) if b),  # no NUL byte, but control bytes text never has
], ids=["png", "jpeg", "gzip", "random"])
def test_binary_data_is_refused(data):
    with pytest.raises(ReadError) as e:
        decode(data, "x.txt")
    assert str(e.value) == "x.txt: looks like a binary file, not text"


def test_zip_file_is_refused(tmp_path):
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("alpha.txt", ALPHA)
    with pytest.raises(ReadError, match=r"archive\.zip: looks like a binary file, not text$"):
        read_article(path)


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["windows", "old-mac"])
def test_line_endings_keep_offsets_into_the_decoded_text(fake_extract, tmp_path, newline):
    path = tmp_path / "alpha.txt"
    path.write_bytes(ALPHA.replace("\n", newline).encode("utf-8"))
    article = read_article(path)
    assert article.text == ALPHA.replace("\n", newline)
    plain = article_from_text(ALPHA, "alpha")
    assert [article.text[s:e] for s, e in article.paragraphs] == [ALPHA[s:e] for s, e in plain.paragraphs]
    statements = fake_statements(article)
    assert [st.text for st in statements] == [st.text for st in fake_statements(plain)]
    assert all(article.text[s:e] == st.text for st in statements for s, e in st.spans)


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["windows", "old-mac"])
def test_real_extractor_reads_other_line_endings_alike(newline):
    from quotesearch.extraction.pipeline import extract

    seed = (Path(__file__).resolve().parent.parent / "seeds" / "kursk-incursion.txt").read_text(encoding="utf-8")
    text = seed.replace("\n", newline)
    plain, other = extract(article_from_text(seed, "k")), extract(article_from_text(text, "k"))
    assert len(other) == len(plain) > 10
    assert [(st.kind, st.speaker, st.text) for st in other] == [(st.kind, st.speaker, st.text) for st in plain]
    for a, b in zip(plain, other):  # the same words at the offsets of each file
        assert [seed[s:e] for s, e in a.spans] == [text[s:e].replace(newline, "\n") for s, e in b.spans]


def test_long_paragraphs_are_cut_at_sentence_ends():
    sentence = "The council met again on Tuesday to discuss the budget. "
    text = "Budget\n\n" + sentence * 2000  # one paragraph of 112,000 characters
    article = article_from_text(text, "budget")
    assert len(article.paragraphs) == 7
    assert all(e - s <= qread.MAX_PARAGRAPH for s, e in article.paragraphs)
    assert all(text[s:e].startswith("The council") and text[s:e].endswith("budget.") for s, e in article.paragraphs[1:])
    assert article.paragraphs[-1][1] == len(text.rstrip())


def test_long_title_is_shortened():
    article = article_from_text("word " * 1000, "w")
    assert len(article.title) <= qread.MAX_TITLE + 2 and article.title.endswith(" …")


# -- indexing bad input through the command ----------------------------------------

@pytest.mark.parametrize("content", [b"", b"\n \r\n\t\n"], ids=["empty", "blank"])
def test_empty_file_is_indexed_with_no_statements(run, fake_extract, tmp_path, index_dir, content):
    (tmp_path / "empty.txt").write_bytes(content)
    result = run("index", tmp_path / "empty.txt")
    assert (result.exit_code, result.stderr) == (0, "")
    assert summary_of(result).startswith("Indexed 1 article: 0 statements, 0 speakers, ")
    sources = json.loads(run("sources", "--format", "json").stdout)
    assert [(s["source"], s["title"], s["statements"]) for s in sources] == [("empty", "", 0)]


def test_text_without_quotes(run, tmp_path, index_dir):
    (tmp_path / "markets.txt").write_text(NO_QUOTES, encoding="utf-8")
    result = run("index", tmp_path / "markets.txt")  # the real extractor
    assert (result.exit_code, result.stderr) == (0, "")
    assert summary_of(result).startswith("Indexed 1 article: 0 statements, 0 speakers, ")
    assert run("search", "pound").stderr == "(no statement matches 'pound')\n"


def test_hundreds_of_unbalanced_quote_marks(run, tmp_path, index_dir):
    marks = " ".join(f"{q}word{i} said John Smith." for i, q in enumerate(['“', '"', '”', "‘", "'"] * 100))
    text = "Quotes gone wrong\n\n" + marks + "\n\n“We are not done,” said Maria Lopez.\n\n" + "“ " * 300 + "\n"
    (tmp_path / "marks.txt").write_text(text, encoding="utf-8")
    result = run("index", tmp_path / "marks.txt")  # the real extractor
    assert (result.exit_code, result.stderr) == (0, "")
    assert summary_of(result).startswith("Indexed 1 article: ")
    hits = json.loads(run("source", "marks", "--format", "json").stdout)
    assert "We are not done" in [h["text"] for h in hits]
    assert all(0 <= s < e <= len(text) for h in hits for s, e in h["spans"])


@pytest.mark.parametrize("empty", ["“,” Smith said.", "Smith argued ``:", '",” Kh said'])
def test_a_quote_with_no_words_loses_nothing_else(run, tmp_path, index_dir, empty):
    """A cue whose quote holds no words ("“,” Smith said.") is no statement; the article's other
    statements are indexed (it used to fail the whole article: "extraction failed: IndexError")."""
    text = f"Council meets\n\n{empty}\n\n“We will rebuild the bridge,” said Maria Lopez.\n"
    (tmp_path / "council.txt").write_text(text, encoding="utf-8")
    result = run("index", tmp_path / "council.txt")  # the real extractor
    assert (result.exit_code, result.stderr) == (0, "")
    assert summary_of(result).startswith("Indexed 1 article: 1 statement, 1 speaker, ")
    hits = json.loads(run("source", "council", "--format", "json").stdout)
    assert [(h["text"], h["speaker"]) for h in hits] == [("We will rebuild the bridge", "Maria Lopez")]


def test_one_line_of_one_megabyte(run, tmp_path, index_dir):
    filler = "The council met again on Tuesday to discuss the budget for the coming year. " * 60
    quote = "“We will balance the books,” said Maria Lopez. "
    n = 1_000_000 // len(filler + quote)
    text = (filler + quote) * n  # no line break at all
    (tmp_path / "line.txt").write_text(text, encoding="utf-8")
    result = run("index", tmp_path / "line.txt")  # the real extractor
    assert (result.exit_code, result.stderr) == (0, "")
    assert summary_of(result).startswith(f"Indexed 1 article: {n} statements, 1 speaker, ")
    assert len(json.loads(run("sources", "--format", "json").stdout)[0]["title"]) <= qread.MAX_TITLE + 2


def test_fifty_megabyte_file_is_skipped_without_reading_it(run, fake_extract, corpus, index_dir):
    big = corpus / "big.txt"
    with open(big, "wb") as f:
        for _ in range(50):
            f.write(b"The council met again on Tuesday to discuss the budget. \n" * 17_544)  # 1 MB
    assert big.stat().st_size // 1_000_000 == 50
    tracemalloc.start()
    try:
        result = run("index", "--jobs", "1", corpus)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000  # the file is never read into memory
    assert result.exit_code == 0
    assert errors_of(result) == [f"skipped {big}: 50.0 MB is more than the 5 MB one article may have; "
                                 "split it into articles, or set QUOTESEARCH_MAX_FILE_MB"]
    assert summary_of(result).startswith("Indexed 2 articles: 5 statements, ")
    alone = run("index", big)
    assert alone.exit_code == 1
    assert error_line(alone) == "Error: nothing was indexed; check the files named above"


def test_size_limit_can_be_changed(run, fake_extract, tmp_path, index_dir, monkeypatch):
    path = tmp_path / "two.txt"
    path.write_bytes(ALPHA.encode() + b"More words in a long file. " * 80_000)  # 2.2 MB
    monkeypatch.setenv("QUOTESEARCH_MAX_FILE_MB", "1")
    result = run("index", path)
    assert result.exit_code == 1
    assert errors_of(result) == [f"skipped {path}: 2.2 MB is more than the 1 MB one article may have; "
                                 "split it into articles, or set QUOTESEARCH_MAX_FILE_MB"]
    monkeypatch.setenv("QUOTESEARCH_MAX_FILE_MB", "3")
    result = run("index", path)
    assert result.exit_code == 0
    assert summary_of(result).startswith("Indexed 1 article: 3 statements, ")


def test_binary_files_given_by_name(run, fake_extract, tmp_path, index_dir):
    (tmp_path / "photo.png").write_bytes(PNG)
    with zipfile.ZipFile(tmp_path / "archive.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("alpha.txt", ALPHA)
    result = run("index", tmp_path / "photo.png", tmp_path / "archive.zip")
    assert result.exit_code == 1
    assert errors_of(result) == [f"skipped {tmp_path / 'photo.png'}: looks like a binary file, not text",
                                 f"skipped {tmp_path / 'archive.zip'}: looks like a binary file, not text"]
    assert error_line(result) == "Error: nothing was indexed; check the files named above"


def test_every_encoding_in_one_folder(run, fake_extract, tmp_path, index_dir):
    folder = tmp_path / "mixed"
    folder.mkdir()
    for encoding in ("utf-8", "utf-8-sig", "utf-16", "cp1252"):
        (folder / f"alpha-{encoding}.txt").write_bytes(ALPHA.replace("\n", "\r\n").encode(encoding))
    (folder / "image.txt").write_bytes(JPEG)
    result = run("index", folder)
    assert result.exit_code == 0
    assert errors_of(result) == [f"skipped {folder / 'image.txt'}: looks like a binary file, not text"]
    assert summary_of(result).startswith("Indexed 4 articles: 12 statements, 2 speakers, ")
    with quotesearch.Index(index_dir) as qs:
        texts = {(h.statement.source, h.statement.text) for h in qs.search("troops").hits}
    assert texts == {(f"alpha-{e}", "Russia now has to decide whether to move troops north")
                     for e in ("utf-8", "utf-8-sig", "utf-16", "cp1252")}


def deny(monkeypatch, path: Path) -> None:
    """Make ``path`` unreadable: chmod 000, or, for root (whom permissions do not stop), make
    opening and listing it fail with EACCES as they would."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0)
        _RESTORE.append((path, mode))
        return
    denied = str(path)

    def refuse(original):
        def call(p, *args, **kwargs):
            if os.fspath(p) == denied:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), denied)
            return original(p, *args, **kwargs)
        return call

    for name in ("open", "scandir", "listdir"):
        monkeypatch.setattr(os, name, refuse(getattr(os, name)))


_RESTORE: list = []


@pytest.fixture(autouse=True)
def _restore_modes():
    yield
    while _RESTORE:
        path, mode = _RESTORE.pop()
        path.chmod(mode)


def test_folder_with_unreadable_files_and_broken_links(run, fake_extract, corpus, tmp_path, index_dir, monkeypatch):
    (corpus / "secret.txt").write_text(BETA, encoding="utf-8")
    (corpus / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (corpus / "loop.txt").symlink_to(corpus / "loop.txt")
    os.mkfifo(corpus / "pipe.txt")  # reading it would wait forever for a writer
    (corpus / "locked").mkdir()
    (corpus / "locked" / "inner.txt").write_text(BETA, encoding="utf-8")
    deny(monkeypatch, corpus / "secret.txt")
    deny(monkeypatch, corpus / "locked")
    result = run("index", corpus)
    assert result.exit_code == 0
    assert errors_of(result) == [
        f"skipped {corpus / 'gone.txt'}: broken symbolic link to {tmp_path / 'nowhere.txt'}",
        f"skipped {corpus / 'loop.txt'}: symbolic link loop",
        f"skipped {corpus / 'pipe.txt'}: not a regular file (a pipe, socket or device)",
        f"skipped {corpus / 'secret.txt'}: Permission denied",
        f"skipped {corpus / 'locked'}: folder cannot be read: Permission denied",
    ]
    assert summary_of(result).startswith("Indexed 2 articles: 5 statements, ")
    assert summary_of(result).endswith(f"(5 skipped with errors). The index in {index_dir} now has "
                                       "5 statements from 2 sources.")


def test_folder_with_nothing_readable(run, fake_extract, tmp_path, index_dir, monkeypatch):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (folder / "image.txt").write_bytes(PNG)
    (folder / "secret.txt").write_text(ALPHA, encoding="utf-8")
    deny(monkeypatch, folder / "secret.txt")
    result = run("index", folder)
    assert result.exit_code == 1
    assert errors_of(result) == [f"skipped {folder / 'gone.txt'}: broken symbolic link to {tmp_path / 'nowhere.txt'}",
                                 f"skipped {folder / 'image.txt'}: looks like a binary file, not text",
                                 f"skipped {folder / 'secret.txt'}: Permission denied"]
    assert error_line(result) == "Error: nothing was indexed; check the files named above"
    empty = run("search")  # the index exists, with nothing in it
    assert (empty.exit_code, empty.stdout, empty.stderr) == (1, "", "(no statements in the index)\n")


# -- queries ------------------------------------------------------------------------

@pytest.mark.parametrize("query, message", [
    ('"move troops', "bad query '\"move troops': a phrase quote (\") is not closed"),
    ("(troops OR front", "bad query '(troops OR front': a '(' is not closed"),
    ("troops)", "bad query 'troops)': a ')' has no matching '('"),
    ("nofield:troops", "bad query 'nofield:troops': unknown field 'nofield'"),
    ("speaker:", "bad query 'speaker:': field 'speaker' has no value after ':'"),
    ("[a TO", "bad query '[a TO': a range [a TO b] is not closed"),
    ("NOT NOT troops", "bad query 'NOT NOT troops': NOT needs a word on its right"),
    ("OR", "bad query 'OR': OR needs a word on both sides"),
    ("(" * 60 + "troops" + ")" * 60, "bad query '" + "(" * 60 + "troops" + ")" * 14 + "…': "
                                     "parentheses are nested more than 50 deep"),
    ("paragraph:x", "bad query 'paragraph:x': 'x' is not a valid number"),
    ("~", "query '~' has no searchable words"),
])
def test_malformed_queries_get_one_line(run, indexed, query, message):
    result = run("search", query)
    assert result.exit_code == 1
    assert error_line(result).startswith("Error: " + message)
    assert result.stdout == ""


def test_very_long_malformed_query_is_quoted_short(run, indexed):
    result = run("search", '"' + "x" * 100_000)
    assert result.exit_code == 1
    line = error_line(result)
    assert line.startswith("Error: bad query '\"" + "x" * 79 + "…': a phrase quote (\") is not closed")
    assert len(line) < 300


@pytest.mark.parametrize("args, expected", [
    ((), ["alpha:30", "alpha:108", "alpha:205", "beta:29", "beta:100"]),  # no query, no filter: everything in order
    (("",), ["alpha:30", "alpha:108", "alpha:205", "beta:29", "beta:100"]),
    (("   ",), ["alpha:30", "alpha:108", "alpha:205", "beta:29", "beta:100"]),
    (("*",), ["alpha:108", "alpha:205", "alpha:30", "beta:100", "beta:29"]),  # every statement (sorted here)
    (("troops " * 20_000,), ["alpha:30"]),
    ((" OR ".join(["troops"] * 5_000),), ["alpha:30"]),
    ((" ".join(f"w{i}" for i in range(3_000)),), []),
    (("((troops))",), ["alpha:30"]),
    (("?",), []),  # a one-letter wildcard
])
def test_odd_queries_get_a_sensible_result(run, indexed, args, expected):
    result = run("search", *args, "--limit", "0", "--format", "json")
    assert result.exit_code == (0 if expected else 1), result.stderr  # nothing found: 1, as grep
    found = [h["id"] for h in json.loads(result.stdout)]
    assert (sorted(found) if args == ("*",) else found) == expected


# -- interrupted indexing -----------------------------------------------------------

def article_text(i: int) -> str:
    return ALPHA.replace("move troops north", f"move troops north {i}")


def make_corpus(folder: Path, n: int, text=article_text) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"a{i:03}.txt" for i in range(n)]
    for i, path in enumerate(paths):
        path.write_text(text(i), encoding="utf-8")
    return paths


def expected_ids(paths) -> list[str]:
    return [st.id for p in sorted(paths, key=lambda p: p.stem) for st in fake_statements(read_article(p))]


def toy_index(index_dir: Path, *args, batch: int = 40, delay: float = 0.0) -> subprocess.Popen:
    env = dict(os.environ, QUOTESEARCH_TEST_BATCH=str(batch), QUOTESEARCH_TEST_DELAY=str(delay))
    env.pop("QUOTESEARCH_INDEX", None)
    return subprocess.Popen([sys.executable, str(TOY_CLI), "index", "--index", str(index_dir), *map(str, args)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def generation(index_dir: Path) -> int:
    return max((int(p.name[6:-4]) for p in index_dir.glob("_MAIN_*.toc")), default=-1)


def children_of(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def check_complete_sources(index_dir: Path) -> dict[str, int]:
    """Every source in the index has all its statements: {source: count}."""
    with quotesearch.Index(index_dir) as qs:
        markers = {s.source: s.statements for s in qs.sources()}
        found = collections.Counter(h.statement.source for h in qs.search("", limit=0).hits)
    assert dict(found) == {s: c for s, c in markers.items() if c}
    return markers


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_killed_index_run_keeps_what_it_committed(run, fake_extract, tmp_path, index_dir, monkeypatch, jobs):
    paths = make_corpus(tmp_path / "articles", 300)
    proc = toy_index(index_dir, "--jobs", jobs, tmp_path / "articles", batch=40, delay=0.005)
    deadline = time.monotonic() + 60
    while generation(index_dir) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)  # generation 0 is the new empty index, 1 the first commit
    with quotesearch.Index(index_dir) as qs:  # what was committed before the kill
        committed = [h.statement.id for h in qs.search("", limit=0).hits]
    workers = children_of(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    try:  # extraction workers notice their parent is gone and stop
        deadline = time.monotonic() + 15
        while any(Path(f"/proc/{w}").exists() for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [w for w in workers if Path(f"/proc/{w}").exists()]
    finally:
        for w in workers:
            if Path(f"/proc/{w}").exists():
                os.kill(w, signal.SIGKILL)

    markers = check_complete_sources(index_dir)
    assert 0 < len(markers) < 300, "the run was not interrupted in the middle"
    after_kill = ids(index_dir)
    assert set(committed) <= set(after_kill)
    assert after_kill == expected_ids(p for p in paths if p.stem in markers)

    monkeypatch.setattr(qindex, "LOCK_TIMEOUT", 0.0)  # no stale lock to wait for
    result = run("index", tmp_path / "articles")  # no clean-up in between
    assert (result.exit_code, errors_of(result)) == (0, [])
    assert summary_of(result).startswith(f"Indexed {300 - len(markers)} articles: ")
    assert f"({len(markers)} unchanged)" in summary_of(result)
    assert ids(index_dir) == expected_ids(paths)
    assert open_index(index_dir).doc_count() == 300 * 4


@pytest.mark.slow
def test_ctrl_c_stops_an_index_run_cleanly(run, fake_extract, tmp_path, index_dir, monkeypatch):
    paths = make_corpus(tmp_path / "articles", 300)
    env = dict(os.environ, QUOTESEARCH_TEST_BATCH="40", QUOTESEARCH_TEST_DELAY="0.005")
    env.pop("QUOTESEARCH_INDEX", None)
    proc = subprocess.Popen([sys.executable, str(TOY_CLI), "index", "--index", str(index_dir), "--jobs", "2",
                             str(tmp_path / "articles")], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while generation(index_dir) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal: the command and its workers
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130  # the shell's status for SIGINT, and no "Aborted!"
    assert out == "" and "Aborted!" not in err
    assert "Traceback" not in err and "Process" not in err
    markers = check_complete_sources(index_dir)
    assert 0 < len(markers) < 300
    monkeypatch.setattr(qindex, "LOCK_TIMEOUT", 0.0)
    result = run("index", tmp_path / "articles")
    assert (result.exit_code, errors_of(result)) == (0, [])
    assert ids(index_dir) == expected_ids(paths)


def test_leftovers_of_a_killed_commit_are_harmless(run, fake_extract, corpus, indexed, monkeypatch):
    # what a writer killed in the middle of a commit leaves behind: a half-written segment, a table
    # of contents not yet renamed into place, an unfinished version file
    (indexed / "MAIN_0123456789abcdef.seg").write_bytes(b"\x00\x01half a segment")
    (indexed / "_MAIN_99.toc.1732545.25").write_bytes(b"\x00\x01half a toc")
    (indexed / f"{qindex.META_FILE}.4242.tmp").write_text('{"schema_ver')
    assert ids(indexed) == ["alpha:30", "alpha:108", "alpha:205", "beta:29", "beta:100"]
    (corpus / "alpha.txt").write_text(ALPHA + "\n“One more,” said Maria Lopez.\n", encoding="utf-8")
    monkeypatch.setattr(qindex, "LOCK_TIMEOUT", 0.0)
    result = run("index", corpus)
    assert (result.exit_code, errors_of(result)) == (0, [])
    assert ids(indexed) == ["alpha:30", "alpha:108", "alpha:205", "alpha:256", "beta:29", "beta:100"]
    assert not (indexed / "MAIN_0123456789abcdef.seg").exists()  # whoosh removes unknown segments at a commit


def test_index_killed_while_being_created(run, fake_extract, corpus, index_dir):
    index_dir.mkdir()  # the version file is written first, the table of contents last
    (index_dir / qindex.META_FILE).write_text(json.dumps({"schema_version": qindex.SCHEMA_VERSION}))
    result = run("search", "troops")
    assert error_line(result) == (f"Error: no index at {index_dir} (given by QUOTESEARCH_INDEX); "
                                  "build one with `quotesearch index PATH…`")
    assert run("index", corpus).exit_code == 0
    assert ids(index_dir) == ["alpha:30", "alpha:108", "alpha:205", "beta:29", "beta:100"]


def test_damaged_index_asks_for_a_rebuild(run, fake_extract, corpus, indexed):
    for segment in indexed.glob("MAIN_*.seg"):
        segment.unlink()
    for args in (("search", "troops"), ("index", corpus)):
        result = run(*args)
        assert result.exit_code == 1
        line = error_line(result)
        assert line.startswith(f"Error: the index at {indexed} cannot be read (FileNotFoundError: ")
        assert line.endswith("run `quotesearch index --rebuild PATH...` to rebuild it")
    assert run("index", "--rebuild", corpus).exit_code == 0
    assert ids(indexed) == ["alpha:30", "alpha:108", "alpha:205", "beta:29", "beta:100"]


def test_index_folder_that_cannot_be_made(run, fake_extract, corpus, tmp_path):
    (tmp_path / "afile").write_text("x")
    result = run("index", "--index", tmp_path / "afile" / "idx", corpus)
    assert result.exit_code == 1
    assert error_line(result) == (f"Error: cannot write to the index at {tmp_path / 'afile' / 'idx'}: "
                                  "Not a directory; pick another --index")


def test_index_that_cannot_be_written_can_still_be_searched(run, fake_extract, corpus, indexed, monkeypatch):
    (corpus / "alpha.txt").write_text(ALPHA + "\n“One more,” said Maria Lopez.\n", encoding="utf-8")
    deny(monkeypatch, indexed / qindex.WRITELOCK)  # as in a read-only folder
    for args in (("index", corpus), ("index", "--rebuild", corpus)):
        result = run(*args)
        assert result.exit_code == 1
        assert error_line(result) == (f"Error: cannot write to the index at {indexed}: Permission denied; "
                                      "pick another --index")
    assert ids(indexed) == ["alpha:30", "alpha:108", "alpha:205", "beta:29", "beta:100"]


# -- concurrent use -----------------------------------------------------------------

def search_while(proc: subprocess.Popen, index_dir: Path, old: dict, new: dict) -> collections.Counter:
    """Search until ``proc`` ends; every search must see each source whole, in its old or new form."""
    seen: collections.Counter = collections.Counter()
    n = 0
    while proc.poll() is None or n < 3:
        with quotesearch.Index(index_dir) as qs:  # opening is part of the test
            if n % 3 == 0:
                hits = qs.search("", limit=0).hits
            else:
                hits = qs.search("troops OR quote", limit=0).hits + qs.search("", speaker="lopez", limit=0).hits
        by_source = collections.defaultdict(set)
        for h in hits:
            by_source[h.statement.source].add(h.statement.id)
        for source, found in by_source.items():
            if found <= old.get(source, set()):
                seen["old"] += 1
            elif found <= new[source]:
                seen["new"] += 1
            else:
                raise AssertionError(f"{source}: {sorted(found)} mixes old and new statements")
        if n % 3 == 0:
            seen["complete-lists"] += 1
            assert all(found in (old.get(s), new[s]) for s, found in by_source.items())
        n += 1
    return seen


def statement_sets(paths) -> dict[str, set]:
    return {p.stem: {st.id for st in fake_statements(read_article(p))} for p in paths}


@pytest.mark.slow
@pytest.mark.parametrize("rebuild", [False, True], ids=["update", "rebuild"])
def test_searches_during_an_index_run_see_whole_sources(fake_extract, tmp_path, index_dir, rebuild):
    paths = make_corpus(tmp_path / "articles", 200)
    index_articles(index_dir, paths)
    old = statement_sets(paths)
    make_corpus(tmp_path / "articles", 200, lambda i: article_text(i) + "\n“A new quote,” said Maria Lopez.\n")
    new = statement_sets(paths)
    proc = toy_index(index_dir, *(["--rebuild"] if rebuild else []), "--jobs", "1", tmp_path / "articles",
                     batch=30, delay=0.002)
    seen = search_while(proc, index_dir, old, new)
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    # an update is seen filling up; a rebuild, built beside, is the old index until it is swapped in whole
    assert seen["old"] and seen["complete-lists"] >= 3
    if not rebuild:
        assert seen["new"]
    assert {s: set(v) for s, v in _by_source(ids(index_dir)).items()} == new


def _by_source(found: list[str]) -> dict[str, list[str]]:
    out = collections.defaultdict(list)
    for i in found:
        out[i.split(":")[0]].append(i)
    return out


@pytest.mark.slow
def test_two_index_runs_at_once_lose_nothing(tmp_path, index_dir):
    paths = make_corpus(tmp_path / "all", 240)
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, part in ((first, paths[:160]), (second, paths[80:])):  # 80 files in both
        folder.mkdir()
        for p in part:
            (folder / p.name).write_bytes(p.read_bytes())
    runs = [toy_index(index_dir, "--jobs", "1", folder, batch=30, delay=0.002) for folder in (first, second)]
    results = [(p.wait(), *p.communicate()) for p in runs]
    for code, out, err in results:
        # the second waits for the lock between the first's commits
        assert code == 0, err
        assert out.startswith("Indexed ") and "Traceback" not in err
    assert ids(index_dir) == expected_ids(paths)
    assert open_index(index_dir).doc_count() == 240 * 4


def test_index_created_by_another_run_meanwhile_is_kept(fake_extract, corpus, index_dir, monkeypatch):
    """Two first runs at once: the second found no index, then waited for the lock while the first
    created one and committed; it must add to that index, not start another."""
    real_acquire = qindex._acquire

    def another_run_first(lock, timeout, folder):
        monkeypatch.setattr(qindex, "_acquire", real_acquire)
        index_articles(index_dir, [corpus / "alpha.txt"])
        real_acquire(lock, timeout, folder)

    monkeypatch.setattr(qindex, "_acquire", another_run_first)
    index_articles(index_dir, [corpus / "beta.txt"])
    assert ids(index_dir) == ["alpha:30", "alpha:108", "alpha:205", "beta:29", "beta:100"]


def test_second_writer_waits_for_the_first(fake_extract, corpus, indexed):
    (corpus / "alpha.txt").write_text(ALPHA + "\n“One more,” said Maria Lopez.\n", encoding="utf-8")
    writer = open_index(indexed).writer()  # another run, in the middle of a batch
    outcome = {}

    def second_run():
        try:
            outcome["summary"] = index_articles(indexed, sorted(corpus.iterdir()), lock_timeout=10)
        except Exception as e:  # pragma: no cover - reported below
            outcome["error"] = e

    thread = threading.Thread(target=second_run)
    thread.start()
    time.sleep(0.5)
    assert thread.is_alive() and not outcome  # waiting
    writer.commit()
    thread.join(15)
    assert "error" not in outcome
    assert (outcome["summary"].files, outcome["summary"].skipped) == (1, 1)
    assert ids(indexed) == ["alpha:30", "alpha:108", "alpha:205", "alpha:256", "beta:29", "beta:100"]


def test_second_writer_gives_up_with_a_clear_message(fake_extract, corpus, indexed):
    (corpus / "alpha.txt").write_text(ALPHA + "\n“One more,” said Maria Lopez.\n", encoding="utf-8")
    writer = open_index(indexed).writer()
    try:
        start = time.monotonic()
        with pytest.raises(IndexLocked) as e:
            index_articles(indexed, sorted(corpus.iterdir()), lock_timeout=0.3)
        assert time.monotonic() - start >= 0.3      # it waited for the lock before giving up
    finally:
        writer.cancel()
    assert str(e.value) == f"another quotesearch index run is writing to {indexed}; wait for it to finish"
    assert ids(indexed) == ["alpha:30", "alpha:108", "alpha:205", "beta:29", "beta:100"]  # nothing half done


# -- an index from an older quotesearch ---------------------------------------------

def make_old_index(index_dir: Path, meta) -> None:
    """An index as an older quotesearch left it: another schema, an older version file (or none)."""
    from whoosh.fields import ID, STORED, TEXT, Schema
    from whoosh.index import create_in

    index_dir.mkdir()
    ix = create_in(str(index_dir), Schema(id=ID(unique=True, stored=True), text=TEXT(stored=True), spans=STORED()))
    with ix.writer() as w:
        w.add_document(id="alpha:30", text="Russia now has to decide whether to move troops north", spans="[[30, 84]]")
    if meta is not None:
        (index_dir / qindex.META_FILE).write_text(meta)


@pytest.mark.parametrize("meta, shown", [
    (json.dumps({"schema_version": 1, "quotesearch": "0.0.1"}), "1"),
    (None, "unknown"),  # from before the version file
    ('{"schema_vers', "unknown"),  # a version file cut short
])
def test_older_index_asks_for_rebuild(run, fake_extract, corpus, index_dir, meta, shown):
    make_old_index(index_dir, meta)
    message = (f"Error: the index at {index_dir} has schema version {shown}, this quotesearch needs "
               f"{qindex.SCHEMA_VERSION}; run `quotesearch index --rebuild PATH...` to rebuild it")
    for args in (("index", corpus), ("search", "troops"), ("search",), ("speakers",), ("sources",),
                 ("source", "alpha"), ("show", "alpha:30")):
        result = run(*args)
        assert (result.exit_code, error_line(result)) == (1, message), args
    result = run("index", "--rebuild", corpus)
    assert result.exit_code == 0
    assert summary_of(result).endswith(f"The index in {index_dir} now has 5 statements from 2 sources.")
    assert ids(index_dir) == ["alpha:30", "alpha:108", "alpha:205", "beta:29", "beta:100"]
    assert json.loads((index_dir / qindex.META_FILE).read_text())["schema_version"] == qindex.SCHEMA_VERSION


def test_rebuild_is_never_without_an_index(fake_extract, corpus, indexed, monkeypatch):
    """A rebuild is built beside the old index: until it is swapped in, readers see the old index whole."""
    seen = []
    original = qindex.whoosh_index.TOC.write

    def write(toc, storage, indexname):
        seen.append(ids(indexed))  # while the new index gets its tables of contents
        original(toc, storage, indexname)
        seen.append(ids(indexed))

    monkeypatch.setattr(qindex.whoosh_index.TOC, "write", write)
    index_articles(indexed, [corpus / "beta.txt"], rebuild=True)
    assert seen and all(found == ["alpha:30", "alpha:108", "alpha:205", "beta:29", "beta:100"] for found in seen)
    assert ids(indexed) == ["beta:29", "beta:100"]


def test_read_errors_of_any_kind_are_read_errors(tmp_path, monkeypatch):
    """read_article raises ReadError, naming the file, for any OSError while reading."""
    path = tmp_path / "alpha.txt"
    path.write_text(ALPHA, encoding="utf-8")

    class Failing:
        def __init__(self, fd, *args, **kwargs):
            self.fd = fd

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            os.close(self.fd)

        def read(self, *args):
            raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fdopen", Failing)
    with pytest.raises(ReadError) as e:
        read_article(path)
    assert str(e.value) == f"{path}: {os.strerror(errno.EIO)}"
