"""The index's write side under failure: full disks, bad inputs to a rebuild, interrupted rebuilds,
statements sharing an id, two runs at once.

A full disk is a real one for the process: RLIMIT_FSIZE (``ulimit -f``) with SIGXFSZ ignored, so
that every write past the limit fails with EFBIG, as writes on a full disk fail with ENOSPC.
"""
from __future__ import annotations

import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ALPHA, fake_statements
from quotesearch.identity.groups import group_id, words
from quotesearch.store.whoosh.index import open_index
from quotesearch.store.whoosh.writer import open_writer
from quotesearch.ingest.article import read_article
from quotesearch.ingest.read import article_from_text
from quotesearch.models import Statement
from quotesearch.identity.speakers import Aliases, speaker_key as folded_speaker_key
from quotesearch.indexer import article_source, extractor_fingerprint, index_articles, source_hash
from test_robustness import TOY_CLI, expected_ids, generation, ids, make_corpus, toy_index

FULL = "File too large"  # strerror(EFBIG): what a write past RLIMIT_FSIZE gets


def toy_index_limited(index_dir: Path, limit: int, *args) -> subprocess.CompletedProcess:
    """The toy ``index`` command in a process that may write no file past ``limit`` bytes."""
    def limit_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, str(TOY_CLI), "index", "--index", str(index_dir), "--jobs", "1",
                           *map(str, args)], preexec_fn=limit_files, capture_output=True, text=True, timeout=120)


def one_error(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.startswith("Error: ")]
    assert len(lines) == 1, stderr
    return lines[0]


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def full_disk_line(index_dir: Path) -> str:
    return (f"Error: could not write the index at {index_dir}: {FULL}; free space and run again "
            "(what was indexed before is kept)")


# -- item 4: a full disk ----------------------------------------------------------------

def test_full_disk_is_one_line_and_leaves_nothing_half_written(fake_extract, tmp_path, index_dir):
    first = make_corpus(tmp_path / "first", 10)
    index_articles(index_dir, first)
    before, files_before = ids(index_dir), listing(index_dir)
    # one committed segment and nothing else of whoosh's (no empty generation, no stray segment files)
    assert [n for n in files_before if not n.endswith(".seg")] == ["MAIN_WRITELOCK", "_MAIN_1.toc",
                                                                   "quotesearch-order.bin", "quotesearch.json"]
    more = make_corpus(tmp_path / "more", 60, lambda i: ALPHA.replace("north", f"north and south {i}"))
    for path in more:
        path.rename(path.with_name("m" + path.name))

    done = toy_index_limited(index_dir, 4096, tmp_path / "more")
    assert done.returncode == 1
    assert one_error(done.stderr) == full_disk_line(index_dir)
    assert listing(index_dir) == files_before  # no segment, temporary folder or file of the failed run
    assert ids(index_dir) == before

    again = subprocess.run([sys.executable, str(TOY_CLI), "index", "--index", str(index_dir), tmp_path / "more"],
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert ids(index_dir) == expected_ids(first + list((tmp_path / "more").iterdir()))


def test_full_disk_during_a_rebuild_keeps_the_old_index(fake_extract, tmp_path, index_dir):
    paths = make_corpus(tmp_path / "articles", 30)
    index_articles(index_dir, paths)
    before, files_before = ids(index_dir), listing(index_dir)
    make_corpus(tmp_path / "articles", 30, lambda i: ALPHA.replace("north", f"north and south {i}"))

    done = toy_index_limited(index_dir, 4096, "--rebuild", tmp_path / "articles")
    assert done.returncode == 1
    assert one_error(done.stderr) == full_disk_line(index_dir)
    assert ids(index_dir) == before and listing(index_dir) == files_before
    assert listing(tmp_path) == ["articles", "idx"]  # no half-built index beside it


def test_aliases_that_cannot_be_written_are_one_line(fake_extract, tmp_path, corpus, index_dir):
    """The aliases file is copied into the index folder; a write that fails there (full disk, or a
    folder not writable) is one line and leaves the index as it was."""
    index_articles(index_dir, sorted(corpus.iterdir()))
    before, files_before = ids(index_dir), listing(index_dir)
    aliases = tmp_path / "aliases.tsv"
    aliases.write_text("".join(f"Alias Number{i}\tCanonical Person{i}\n" for i in range(200)), encoding="utf-8")

    done = toy_index_limited(index_dir, 1024, "--aliases", aliases, corpus)
    assert done.returncode == 1
    assert one_error(done.stderr) == full_disk_line(index_dir)
    assert listing(index_dir) == files_before and ids(index_dir) == before


# -- item 7: a rebuild never loses the old index ------------------------------------------

OLD = ["alpha:30", "alpha:108", "alpha:205", "beta:29", "beta:100"]


def test_rebuild_with_a_bad_aliases_file_keeps_the_index(run, indexed, corpus, tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("Zelenskyy Volodymyr Zelensky\n", encoding="utf-8")  # no tab
    result = run("index", "--rebuild", "--aliases", bad, corpus)
    assert result.exit_code == 1
    assert one_error(result.stderr) == (f"Error: {bad} line 1: expected 'alias<TAB>canonical name', "
                                        "got 'Zelenskyy Volodymyr Zelensky'; fix the aliases file")
    assert ids(indexed) == OLD
    assert listing(tmp_path) == ["articles", "bad.tsv", "idx"]


def test_rebuild_that_reads_nothing_keeps_the_index(run, indexed, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    result = run("index", "--rebuild", broken)
    assert result.exit_code == 1
    assert one_error(result.stderr) == "Error: nothing was indexed; check the files named above"
    assert ids(indexed) == OLD


def test_rebuild_keeps_the_aliases_and_other_files_of_the_folder(run, indexed, corpus, tmp_path):
    aliases = tmp_path / "aliases.tsv"
    aliases.write_text("Barros\tGeorge Barros\n", encoding="utf-8")
    assert run("index", "--aliases", aliases, corpus).exit_code == 0
    (indexed / "notes.md").write_text("mine\n", encoding="utf-8")
    result = run("index", "--rebuild", corpus / "beta.txt")
    assert result.exit_code == 0, result.stderr
    assert ids(indexed) == ["beta:29", "beta:100"]
    assert (indexed / "aliases.tsv").read_text(encoding="utf-8") == "Barros\tGeorge Barros\n"
    assert (indexed / "notes.md").read_text(encoding="utf-8") == "mine\n"
    assert listing(tmp_path) == ["aliases.tsv", "articles", "idx"]


def _rebuilding(tmp_path: Path) -> list[Path]:
    return [p for p in tmp_path.iterdir() if p.name.startswith(".idx.rebuild-")]


@pytest.mark.slow
def test_searches_during_a_rebuild_see_the_old_index_until_it_is_swapped(fake_extract, tmp_path, index_dir):
    paths = make_corpus(tmp_path / "articles", 120)
    index_articles(index_dir, paths)
    old = ids(index_dir)
    make_corpus(tmp_path / "articles", 120, lambda i: ALPHA.replace("north", f"north and south {i}"))
    new = expected_ids(paths)
    proc = toy_index(index_dir, "--rebuild", "--jobs", "1", tmp_path / "articles", batch=30, delay=0.004)
    seen, during = set(), 0
    while proc.poll() is None:
        found = ids(index_dir)
        assert found in (old, new)
        seen.add("old" if found == old else "new")
        during += bool(_rebuilding(tmp_path)) and found == old
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert "old" in seen and during > 0
    assert ids(index_dir) == new and not _rebuilding(tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill"])
def test_interrupted_rebuild_keeps_the_old_index(fake_extract, tmp_path, index_dir, sig):
    paths = make_corpus(tmp_path / "articles", 150)
    index_articles(index_dir, paths)
    old = ids(index_dir)
    make_corpus(tmp_path / "articles", 150, lambda i: ALPHA.replace("north", f"north and south {i}"))
    proc = toy_index(index_dir, "--rebuild", "--jobs", "1", tmp_path / "articles", batch=30, delay=0.01)
    deadline = time.monotonic() + 60
    while not any(generation(p) >= 2 for p in _rebuilding(tmp_path)) and time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.005)
    proc.send_signal(sig)
    out, err = proc.communicate()
    assert proc.returncode != 0 and "Traceback" not in err
    assert ids(index_dir) == old
    assert bool(_rebuilding(tmp_path)) == (sig == signal.SIGKILL)  # Ctrl-C cleans up; kill -9 cannot

    again = toy_index(index_dir, "--jobs", "1", tmp_path / "articles")  # the next run, of any kind
    out, err = again.communicate()
    assert again.returncode == 0, err
    assert ids(index_dir) == expected_ids(paths)
    assert listing(tmp_path) == ["articles", "idx"]


# -- item 6: a statement is never dropped quietly -------------------------------------------

def _with_a_repeated_id(text: str = ALPHA):
    alpha = article_from_text(text, "alpha", "alpha.txt")
    first, second, third = fake_statements(alpha)
    repeat = Statement(**{**first.to_dict(), "text": "a repeat"})
    return alpha, [first, second, repeat, third]


def test_statements_sharing_an_id_are_refused_loudly(index_dir, corpus, fake_extract):
    index_articles(index_dir, [corpus / "alpha.txt"])
    alpha, statements = _with_a_repeated_id(ALPHA + "\nA changed version.\n")
    summary = index_articles(index_dir, [(alpha, statements)])
    assert (summary.files, summary.statements) == (0, 0)
    assert summary.errors == ["alpha.txt: extraction failed: internal error: 1 statement id given to several "
                              "statements (alpha:30); not indexed, please report it"]
    assert ids(index_dir) == ["alpha:30", "alpha:108", "alpha:205"]  # the earlier version stays whole


def test_statements_sharing_an_id_are_refused_through_the_extract_hook(index_dir, corpus):
    alpha, statements = _with_a_repeated_id()
    summary = index_articles(index_dir, [corpus / "alpha.txt", corpus / "beta.txt"],
                             extract=lambda a: statements if a.id == "alpha" else fake_statements(a))
    assert summary.errors == [f"{corpus / 'alpha.txt'}: extraction failed: internal error: 1 statement id given "
                              "to several statements (alpha:30); not indexed, please report it"]
    assert ids(index_dir) == ["beta:29", "beta:100"]


def test_writing_a_source_never_drops_a_statement(index_dir):
    alpha, statements = _with_a_repeated_id()
    index_articles(index_dir, [])
    with open_writer(index_dir) as writer:
        with pytest.raises(ValueError, match="statement ids alpha:30 given to several statements of alpha"):
            writer.replace_source(article_source(alpha, "digest"), statements)
    assert ids(index_dir) == []


# -- item 12: quote groups are assigned under the write lock ----------------------------------

def quote_groups(index_dir: Path) -> dict[str, set]:
    """{statement text: its quote groups} over the index."""
    out: dict[str, set] = {}
    with open_index(index_dir).searcher() as s:
        for doc in s.documents(doctype="statement"):
            out.setdefault(doc["text"], set()).add(doc["quote_group"])
    return out


@pytest.mark.slow
def test_two_index_runs_at_once_keep_wire_copies_in_one_group(fake_extract, tmp_path, index_dir):
    paths = make_corpus(tmp_path / "all", 160)  # every article carries the same two quotes
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, part in ((first, paths[::2]), (second, paths[1::2])):
        folder.mkdir()
        for p in part:
            (folder / p.name).write_bytes(p.read_bytes())
    single = tmp_path / "single"
    index_articles(single, paths)
    expected = quote_groups(single)

    # long enough per article that both runs have started before either commits its first batch
    runs = [toy_index(index_dir, "--jobs", "1", folder, batch=12, delay=0.03) for folder in (first, second)]
    for proc in runs:
        out, err = proc.communicate()
        assert proc.returncode == 0, err
    assert ids(index_dir) == expected_ids(paths)
    found = quote_groups(index_dir)
    assert {t: len(g) for t, g in found.items()} == {t: len(g) for t, g in expected.items()}
    assert len(set().union(*found.values())) == len(set().union(*expected.values()))


def test_a_reindex_mends_groups_split_by_runs_that_did_not_see_each_other(fake_extract, tmp_path, index_dir):
    """What two runs at once used to leave: a wire copy founding a group of its own. The next run that
    writes a statement of that speaker puts the copies back in one group, unchanged sources included."""
    paths = make_corpus(tmp_path / "articles", 3)  # George Barros: 'move troops north 0/1/2', one group
    index_articles(index_dir, paths)
    north = {t: g for t, g in quote_groups(index_dir).items() if "troops north" in t}
    assert len(set().union(*north.values())) == 1

    article = read_article(paths[1])  # written again as a run that saw no other article would write it
    statements = fake_statements(article)
    for st in statements:
        st.speaker_key = folded_speaker_key(st.speaker, st.speaker_type, article.id, Aliases())
        st.quote_group = group_id(st.speaker_key, words(st.text))
    with open_writer(index_dir) as writer:
        writer.replace_source(article_source(article, source_hash(article, extractor_fingerprint(Aliases()))),
                              statements)
        writer.commit()
    split = {t: g for t, g in quote_groups(index_dir).items() if "troops north" in t}
    assert len(set().union(*split.values())) == 2
    before = ids(index_dir)

    paths[2].write_text(paths[2].read_text(encoding="utf-8") + "\nMore news.\n", encoding="utf-8")
    summary = index_articles(index_dir, paths)
    assert (summary.files, summary.skipped, summary.regrouped) == (1, 2, 1)
    assert quote_groups(index_dir) == quote_groups_of_one_run(tmp_path, paths)
    assert ids(index_dir) == before


def quote_groups_of_one_run(tmp_path: Path, paths) -> dict[str, set]:
    single = tmp_path / "single"
    index_articles(single, paths)
    return quote_groups(single)


def test_rebuild_through_a_link_keeps_the_link(fake_extract, corpus, indexed, tmp_path):
    link = tmp_path / "link"
    link.symlink_to(indexed.name)
    index_articles(link, [corpus / "beta.txt"], rebuild=True)
    assert link.is_symlink() and ids(link) == ids(indexed) == ["beta:29", "beta:100"]
    assert listing(tmp_path) == ["articles", "idx", "link"]


def test_a_rebuild_killed_between_its_two_renames_is_undone_by_the_next_run(run, indexed, corpus, tmp_path):
    """Where the file system cannot exchange two folders in one step, a rebuild renames the old index
    aside, then the new one in: killed in between, the old index is beside its folder."""
    aside = tmp_path / ".idx.old-k1ll3d"
    indexed.rename(aside)
    (tmp_path / ".idx.rebuild-k1ll3d").mkdir()  # the new index, not swapped in
    result = run("search", "troops")
    assert result.exit_code == 1  # no index at idx, until an index run
    result = run("index", corpus)
    assert result.exit_code == 0, result.stderr
    assert ids(indexed) == OLD
    assert listing(tmp_path) == ["articles", "idx"]
