"""Writing the index: incremental updates, rebuilds, schema version, locking, bad files."""
from __future__ import annotations

import json

import pytest

from conftest import ALPHA, BETA, fake_statements
from quotesearch.store.whoosh import index as qindex
from quotesearch.store.whoosh.index import (IndexLocked, NoIndex, QuotesearchError, SchemaMismatch, open_index, record_from_stored,
                               speaker_tokens)
from quotesearch.ingest.read import article_from_text
from quotesearch.models import Statement
import quotesearch
import quotesearch.indexer
from quotesearch.indexer import index_articles

ALPHA_IDS = ["alpha:30", "alpha:108", "alpha:205"]
BETA_IDS = ["beta:29", "beta:100"]


def all_ids(index_dir) -> list[str]:
    with quotesearch.Index(index_dir) as ix:
        return [h.statement.id for h in ix.search("", limit=0).hits]


def doc_count(index_dir) -> int:
    ix = open_index(index_dir)
    with ix.searcher() as s:
        return s.doc_count()


def test_index_summary_counts(fake_extract, corpus, index_dir):
    summary = index_articles(index_dir, sorted(corpus.iterdir()))
    assert (summary.files, summary.statements, summary.speakers, summary.skipped) == (2, 5, 3, 0)
    assert summary.errors == []
    assert (summary.total_sources, summary.total_statements) == (2, 5)
    assert summary.seconds > 0
    assert all_ids(index_dir) == ALPHA_IDS + BETA_IDS


def test_reindex_unchanged_adds_no_duplicates(indexed, corpus):
    before = doc_count(indexed)
    summary = index_articles(indexed, sorted(corpus.iterdir()))
    assert (summary.files, summary.statements, summary.skipped) == (0, 0, 2)
    assert doc_count(indexed) == before == 7  # 5 statements + 2 source markers
    assert all_ids(indexed) == ALPHA_IDS + BETA_IDS


def test_changed_file_replaces_its_records(indexed, corpus):
    changed = ALPHA.replace("“The front is collapsing faster than anyone expected,” said Maria Lopez.",
                            "“Nothing has changed at all,” said Maria Lopez.")
    (corpus / "alpha.txt").write_text(changed, encoding="utf-8")
    summary = index_articles(indexed, sorted(corpus.iterdir()))
    assert (summary.files, summary.statements, summary.skipped) == (1, 3, 1)
    with quotesearch.Index(indexed) as qs:
        texts = [st.text for st in qs.source("alpha")]
        assert texts == ["Russia now has to decide whether to move troops north",
                         "Nothing has changed at all",
                         "the Kremlin was caught off guard by the advance"]
        assert qs.search("collapsing").hits == []
        assert [st.id for st in qs.source("beta")] == BETA_IDS
    assert doc_count(indexed) == 7


def test_file_losing_all_statements_keeps_its_source(indexed, corpus):
    (corpus / "beta.txt").write_text("Talks stall in the capital\n\nNobody said anything.\n", encoding="utf-8")
    index_articles(indexed, [corpus / "beta.txt"])
    with quotesearch.Index(indexed) as qs:
        assert qs.source("beta") == []
        assert [(s.source, s.statements) for s in qs.sources()] == [("alpha", 3), ("beta", 0)]


def test_rebuild_drops_everything_else(indexed, corpus):
    summary = index_articles(indexed, [corpus / "beta.txt"], rebuild=True)
    assert (summary.files, summary.skipped, summary.total_sources) == (1, 0, 1)
    assert all_ids(indexed) == BETA_IDS


def test_rebuild_keeps_other_files_in_the_folder(fake_extract, corpus, tmp_path):
    folder = tmp_path / "index"
    folder.mkdir()
    (folder / "README.md").write_text("keep me")
    index_articles(folder, [corpus / "alpha.txt"])
    index_articles(folder, [corpus / "beta.txt"], rebuild=True)
    assert (folder / "README.md").read_text() == "keep me"
    assert all_ids(folder) == BETA_IDS


def test_small_batches_give_the_same_index(fake_extract, corpus, index_dir):
    index_articles(index_dir, sorted(corpus.iterdir()), batch_size=1)
    assert all_ids(index_dir) == ALPHA_IDS + BETA_IDS
    with quotesearch.Index(index_dir) as qs:
        assert [(s.source, s.statements) for s in qs.sources()] == [("alpha", 3), ("beta", 2)]


def test_pairs_and_articles_are_accepted(fake_extract, index_dir):
    alpha = article_from_text(ALPHA, "alpha", "alpha.txt")
    beta = article_from_text(BETA, "beta", "beta.txt")
    summary = index_articles(index_dir, [alpha, (beta, fake_statements(beta)[:1])])
    assert (summary.files, summary.statements) == (2, 4)
    assert all_ids(index_dir) == ALPHA_IDS + ["beta:29"]


def test_stored_record_round_trips_exactly(fake_extract, index_dir):
    alpha = article_from_text(ALPHA, "alpha", "alpha.txt")
    statements = fake_statements(alpha)
    index_articles(index_dir, [alpha])
    ix = open_index(index_dir)
    with ix.searcher() as s:
        marker = s.document(doctype="source", source="alpha")
        for st in statements:
            stored = record_from_stored(s.document(id=st.id), marker)
            assert stored.pop("quote_group").startswith("g")  # set by the indexer
            assert stored == {k: v for k, v in st.to_dict().items() if k != "quote_group"}


def test_unchanged_files_are_not_extracted_again(indexed, corpus):
    calls = []
    summary = index_articles(indexed, sorted(corpus.iterdir()), extract=lambda a: calls.append(a.id) or [])
    assert (summary.skipped, calls) == (2, [])


def test_unreadable_file_is_reported_and_skipped(fake_extract, corpus, index_dir):
    (corpus / "broken.txt").write_bytes(b"\x00\x01\x02binary")
    seen = []
    summary = index_articles(index_dir, sorted(corpus.iterdir()), progress=lambda n, s: seen.append(s))
    assert summary.errors == [f"{corpus / 'broken.txt'}: looks like a binary file, not text"]
    assert summary.files == 2
    assert seen == ["indexed", "indexed", "error"]


def test_extractor_failure_is_reported_and_skipped(corpus, index_dir):
    def explode(article):
        if article.id == "beta":
            raise RuntimeError("boom")
        return fake_statements(article)

    summary = index_articles(index_dir, sorted(corpus.iterdir()), extract=explode)
    assert summary.errors == [f"{corpus / 'beta.txt'}: extraction failed: RuntimeError: boom"]
    assert all_ids(index_dir) == ALPHA_IDS


def test_same_source_id_twice_in_one_run(fake_extract, tmp_path, index_dir):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "alpha.txt").write_text(ALPHA, encoding="utf-8")
    summary = index_articles(index_dir, [tmp_path / "a" / "alpha.txt", tmp_path / "b" / "alpha.txt"])
    assert summary.files == 1
    assert summary.errors == [f"{tmp_path / 'b' / 'alpha.txt'}: same source id 'alpha' as "
                              f"{tmp_path / 'a' / 'alpha.txt'}; skipped"]


def test_missing_index(tmp_path):
    with pytest.raises(NoIndex) as e:
        open_index(tmp_path / "nothing")
    assert str(e.value) == f"no index at {tmp_path / 'nothing'}; run `quotesearch index seeds/` first"


def test_folder_without_index_is_missing_too(tmp_path):
    (tmp_path / "README.md").write_text("x")
    with pytest.raises(NoIndex):
        open_index(tmp_path)


def test_schema_mismatch_asks_for_rebuild(indexed, corpus):
    (indexed / qindex.META_FILE).write_text(json.dumps({"schema_version": 0}))
    with pytest.raises(SchemaMismatch) as e:
        open_index(indexed)
    assert "schema version 0" in str(e.value)
    assert "run `quotesearch index --rebuild PATH...`" in str(e.value)
    with pytest.raises(SchemaMismatch):
        index_articles(indexed, [corpus / "alpha.txt"])
    index_articles(indexed, [corpus / "alpha.txt"], rebuild=True)
    assert all_ids(indexed) == ALPHA_IDS


def test_index_folder_is_a_file(fake_extract, corpus, tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(QuotesearchError, match="is a file, not an index folder"):
        index_articles(tmp_path / "afile", [corpus / "alpha.txt"])


def test_second_writer_gets_a_clear_error(indexed, corpus):
    (corpus / "alpha.txt").write_text(ALPHA + "\n“One more,” said Maria Lopez.\n", encoding="utf-8")
    writer = open_index(indexed).writer()
    try:
        with pytest.raises(IndexLocked) as e:
            index_articles(indexed, [corpus / "alpha.txt"], lock_timeout=0.1)
        assert str(e.value) == f"another quotesearch index run is writing to {indexed}; wait for it to finish"
        with pytest.raises(IndexLocked):
            index_articles(indexed, [corpus / "alpha.txt"], rebuild=True, lock_timeout=0.1)
    finally:
        writer.cancel()
    index_articles(indexed, [corpus / "alpha.txt"], lock_timeout=0.1)
    assert all_ids(indexed)[:4] == ALPHA_IDS + ["alpha:256"]


def test_source_added_by_a_concurrent_run_is_replaced_not_doubled(fake_extract, corpus, index_dir):
    index_articles(index_dir, [corpus / "alpha.txt"])

    def extract_while_another_run_adds_beta(article):
        if article.id == "alpha":  # runs before this run opens its writer
            index_articles(index_dir, [corpus / "beta.txt"])
        return fake_statements(article)

    (corpus / "alpha.txt").write_text(ALPHA + "\nMore.\n", encoding="utf-8")
    index_articles(index_dir, sorted(corpus.iterdir()), extract=extract_while_another_run_adds_beta)
    assert all_ids(index_dir) == ALPHA_IDS + BETA_IDS
    assert doc_count(index_dir) == 7


def test_new_extractor_reindexes_unchanged_files(indexed, corpus, monkeypatch):
    monkeypatch.setattr(quotesearch.indexer, "extractor_fingerprint", lambda aliases=None: "a newer extractor")
    summary = index_articles(indexed, sorted(corpus.iterdir()))
    assert (summary.files, summary.skipped) == (2, 0)
    assert all_ids(indexed) == ALPHA_IDS + BETA_IDS


@pytest.mark.parametrize("name, tokens", [
    ("George Barros", ["george", "barros"]),
    ("  george   BARROS ", ["george", "barros"]),
    ("Mr. O’Neil-Smith", ["mr", "o", "neil", "smith"]),
    ("Zoë Müller", ["zoe", "muller"]),
    ("", []),
    (None, []),
])
def test_speaker_tokens_are_folded(name, tokens):
    assert speaker_tokens(name) == tokens


# -- parallel extraction (--jobs) and incremental runs ---------------------------------

def stored_docs(index_dir) -> list[dict]:
    ix = open_index(index_dir)
    with ix.searcher() as s:
        return list(s.all_stored_fields())


def summary_fields(summary) -> tuple:
    return (summary.files, summary.statements, summary.speakers, summary.skipped, summary.errors,
            summary.total_sources, summary.total_statements)


def messy_corpus(corpus, tmp_path):
    """alpha, beta, a copy of alpha under the same id, an unreadable file and a few more articles."""
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "alpha.txt").write_text(ALPHA, encoding="utf-8")
    (corpus / "broken.txt").write_bytes(b"\x00\x01binary")
    for i in range(7):
        (corpus / f"gamma{i}.txt").write_text(BETA.replace("Sanctions", f"Sanctions {i}"), encoding="utf-8")
    return sorted(corpus.iterdir()) + [tmp_path / "copy" / "alpha.txt"]


@pytest.mark.parametrize("batch_size", [5000, 3])
def test_jobs_give_the_same_index_as_one_job(fake_extract, corpus, tmp_path, batch_size):
    files = messy_corpus(corpus, tmp_path)
    runs = {}
    for jobs in (1, 2, 3):
        seen = []
        summary = index_articles(tmp_path / f"idx{jobs}", files, jobs=jobs, batch_size=batch_size,
                                 progress=lambda name, status: seen.append((name, status)))
        runs[jobs] = (summary_fields(summary), seen, stored_docs(tmp_path / f"idx{jobs}"))
    assert runs[2] == runs[1] == runs[3]
    fields, seen, docs = runs[1]
    assert fields[0] == 9 and len(fields[4]) == 2  # 9 sources written; the binary file and the copy skipped
    assert [status for _, status in seen].count("error") == 2


def test_jobs_report_extractor_failures_like_one_job(corpus, tmp_path):
    def explode(article):
        if article.id == "beta":
            raise RuntimeError("boom")
        return fake_statements(article)

    results = [index_articles(tmp_path / f"idx{jobs}", sorted(corpus.iterdir()), extract=explode, jobs=jobs)
               for jobs in (1, 2)]
    assert summary_fields(results[0]) == summary_fields(results[1])
    assert results[1].errors == [f"{corpus / 'beta.txt'}: extraction failed: RuntimeError: boom"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_one_changed_file_is_the_only_one_extracted_again(corpus, tmp_path, jobs):
    log = tmp_path / "extracted.log"  # workers are other processes: they tell through a file

    def logging_extract(article):
        with open(log, "a", encoding="utf-8") as f:
            f.write(article.id + "\n")
        return fake_statements(article)

    for i in range(6):
        (corpus / f"gamma{i}.txt").write_text(BETA.replace("Sanctions", f"Sanctions {i}"), encoding="utf-8")
    index_dir = tmp_path / "idx"
    first = index_articles(index_dir, sorted(corpus.iterdir()), extract=logging_extract, jobs=jobs)
    assert (first.files, first.skipped) == (8, 0)
    assert sorted(log.read_text().split()) == sorted(p.stem for p in corpus.iterdir())

    log.write_text("")
    (corpus / "gamma3.txt").write_text(BETA.replace("Sanctions", "Tariffs"), encoding="utf-8")
    again = index_articles(index_dir, sorted(corpus.iterdir()), extract=logging_extract, jobs=jobs)
    assert log.read_text().split() == ["gamma3"]
    assert (again.files, again.statements, again.skipped) == (1, 2, 7)
    with quotesearch.Index(index_dir) as qs:
        assert [st.text for st in qs.source("gamma3")][1] == "Tariffs are finally working"
        assert qs.search("sanctions", source="gamma3").hits == []

    log.write_text("")
    unchanged = index_articles(index_dir, sorted(corpus.iterdir()), extract=logging_extract, jobs=jobs)
    assert (log.read_text(), unchanged.files, unchanged.skipped) == ("", 0, 8)


def test_statement_documents_carry_no_article_fields(indexed):
    for doc in stored_docs(indexed):
        if doc["doctype"] == "statement":
            assert not {"title", "path", "source_hash"} & set(doc)
        else:
            assert {"title", "path", "source_hash"} <= set(doc)


def test_the_extractor_fingerprint_covers_every_subpackage():
    """Moving code between subpackages cannot leave an old index unrebuilt: every module counts,
    by its path, whatever folder it sits in; only the front doors and evaluation do not."""
    from quotesearch.indexer import fingerprint_files

    names = [name for name, _ in fingerprint_files()]
    for expected in ("extraction/rules/direct.py", "extraction/coreference.py", "extraction/segment.py",
                     "identity/speakers.py", "ingest/read.py", "lexicons/speech_verbs.txt", "models.py",
                     "indexer.py"):
        assert expected in names
    assert not [n for n in names if n.startswith(("cli/", "evaluation/")) or n == "__main__.py"]


# -- issue 14: an opened index reads its segments through the memory map -----------------

def test_opening_an_index_copies_no_segment_into_memory(fake_extract, tmp_path, index_dir):
    """whoosh handed out each part of a memory-mapped segment file wrapped in an io.BytesIO, a copy
    of the whole part: an opened index sat in memory twice. Opening and searching now allocates a
    small fraction of the segment files' size (a ratio: the copy was about all of it)."""
    import tracemalloc

    from quotesearch.store.query import parse
    from quotesearch.store.whoosh.store import WhooshStore

    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(300):
        (folder / f"a{i:03d}.txt").write_text((ALPHA, BETA)[i % 2], encoding="utf-8")
    assert index_articles(index_dir, sorted(folder.iterdir())).errors == []
    segments = sum(p.stat().st_size for p in index_dir.glob("*.seg"))
    with WhooshStore(index_dir) as store:  # what a first search imports is not what is measured
        store.search(parse("russia"), limit=5)
    tracemalloc.start()
    try:
        with WhooshStore(index_dir) as store:
            found = store.search(parse("russia"), limit=5)
            allocated = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (len(found.hits), found.total) == (5, 150)
    assert allocated < segments / 3, (allocated, segments)


def test_mapped_segment_parts_read_pickles_of_any_length():
    """A part of a mapped segment reads a pickle from a short copy of what follows, and from the
    mapping itself when the pickle is longer than that copy; the position ends after each."""
    import pickle

    long_one, short_one = set(range(300)), {1, 2}
    data = pickle.dumps(long_one, 2) + pickle.dumps(short_one, 2) + b"tail"
    assert len(pickle.dumps(long_one, 2)) > 512
    part = qindex._MappedBufferFile(memoryview(data))
    assert part.read_pickle() == long_one
    assert part.read_pickle() == short_one
    assert (part.read(4), part.tell()) == (b"tail", len(data))


def _copies(n: int) -> list:
    """n articles: alpha and beta, round and round, each copy its own id, with their statements."""
    out = []
    for i in range(n):
        text, name = (ALPHA, "alpha") if i % 2 == 0 else (BETA, "beta")
        article = article_from_text(text, f"{name}-{i:02d}", f"{name}-{i:02d}.txt")
        out.append((article, fake_statements(article)))
    return out


def test_short_posting_lists_are_inlined_and_merge(index_dir):
    """A term with one or two postings (every statement id) is kept in the term table, not in a block
    of the postings file; whoosh merging such segments (one commit per article, 12 commits) loses
    nothing: ids, phrases, totals and highlights as in an index written in one commit."""
    index_articles(index_dir, _copies(12), batch_size=1)
    one_commit = index_dir.parent / "one"
    index_articles(one_commit, _copies(12))
    ix = open_index(index_dir)
    with ix.searcher() as s:
        leaves = [r for r, _ in s.reader().leaf_readers()]
        assert len(leaves) < 12  # segments were merged
        assert all(r.term_info("id", "alpha-00:30").is_inlined() for r in leaves if ("id", "alpha-00:30") in r)
        assert any(("id", "alpha-00:30") in r for r in leaves)
    answers = []
    for folder in (index_dir, one_commit):
        with quotesearch.Index(folder) as qs:
            answers.append([(r.total, sorted((h.statement.id, h.highlights) for h in r.hits))  # ties: any order
                            for r in (qs.search('"move troops north"'), qs.search("pressure"),
                                      qs.search('id:"beta-05:29"'), qs.search("speaker:lopez"))])
            assert qs.show("beta-05:29").text == "We will not negotiate under pressure from anyone"
    assert answers[0] == answers[1]
    assert answers[0][0][0] == 6 and answers[0][1][0] == 6 and answers[0][2][0] == 1


def test_a_run_of_some_thousand_documents_commits_once(index_dir):
    """Every commit is a whoosh segment, merged later by writing it again: 5,250 documents (1,500
    articles) are one commit, not two."""
    summary = index_articles(index_dir, _copies(1500))
    assert (summary.files, summary.statements) == (1500, 3750)
    assert open_index(index_dir).latest_generation() == 1  # the empty index, then one commit


def test_postings_sorted_on_disk_give_the_same_index(index_dir, monkeypatch):
    """Past the writer's buffer whoosh sorts postings in runs on disk (written here in marshalled
    chunks): the same answers as postings sorted in memory."""
    from quotesearch.store.whoosh import writer as qwriter

    in_memory = index_dir.parent / "in-memory"
    index_articles(in_memory, _copies(300))
    monkeypatch.setattr(qwriter, "WRITER_MB", 0.05)  # runs of ~300 postings
    index_articles(index_dir, _copies(300))
    answers = []
    for folder in (in_memory, index_dir):
        with quotesearch.Index(folder) as qs:
            answers.append([(r.total, [(h.statement.id, h.highlights, h.score) for h in r.hits])
                            for r in (qs.search('"move troops north"'), qs.search("pressure OR kremlin"),
                                      qs.search("speaker:lopez"), qs.search("", kind="direct", limit=0))])
    assert answers[0] == answers[1] and answers[0][1][0] == 300


def _segmented_index(index_dir):
    """300 articles in several segments, one of them with deleted documents (an article indexed
    again with other statements)."""
    copies = _copies(300)
    index_articles(index_dir, copies[:100], batch_size=40)
    index_articles(index_dir, copies[100:], batch_size=100)
    article, statements = copies[0]
    changed = article_from_text(BETA, article.id, article.path)
    index_articles(index_dir, [(changed, fake_statements(changed))])
    ix = open_index(index_dir)
    with ix.searcher() as s:
        leaves = [r for r, _ in s.reader().leaf_readers()]
        assert len(leaves) > 1 and any(r.has_deletions() for r in leaves)
    return ix


def test_scores_are_whooshs_bm25f_read_from_length_bytes(index_dir, monkeypatch):
    """Searches score with whoosh's BM25F, each segment's field lengths read once as bytes: the same
    scores to the last bit as whoosh's own scorer, which asks the segment for every match's length."""
    from whoosh.codec import whoosh3
    from whoosh.query import And, Phrase, Term

    ix = _segmented_index(index_dir)
    queries = [Term("text", "troop"), Term("text", "pressur"), Phrase("text", ["move", "troop", "north"]),
               And([Term("text", "front"), Term("speaker_tokens", "lopez")]), Term("kind", "direct")]
    with ix.searcher() as plain:
        expected = [[(h.docnum, h.score) for h in plain.search(q, limit=None)] for q in queries]
    asked = []
    original = whoosh3.W3PerDocReader.doc_field_length
    monkeypatch.setattr(whoosh3.W3PerDocReader, "doc_field_length",
                        lambda self, *a, **kw: asked.append(a) or original(self, *a, **kw))
    with qindex.open_searcher(ix, index_dir) as ours:
        got = [[(h.docnum, h.score) for h in ours.search(q, limit=None)] for q in queries]
    assert got == expected
    assert all(expected) and len(expected[0]) == 149  # 150 alphas, one of them now a beta
    assert asked == []


def test_documents_of_a_term_are_read_block_by_block(index_dir, monkeypatch):
    """docs_with_term gives the live documents of a term's posting lists, in order, across
    segments and past deleted documents, as whoosh's all_ids does, without its calls per posting."""
    from whoosh.codec import whoosh3

    ix = _segmented_index(index_dir)
    terms = [("kind", "direct"), ("kind", "indirect"), ("text", "troop"), ("speaker_tokens", "barros"),
             ("id", "alpha-02:30"), ("source", "alpha-00"), ("text", "nosuchword"), ("nosuchfield", "x")]
    with ix.searcher() as s:
        expected = []
        for field, text in terms:
            try:
                expected.append(list(s.reader().postings(field, text).all_ids()))
            except qindex.TermNotFound:
                expected.append([])
        per_posting = []
        original = whoosh3.W3LeafMatcher.all_ids
        monkeypatch.setattr(whoosh3.W3LeafMatcher, "all_ids", lambda self: per_posting.append(1) or original(self))
        assert [qindex.docs_with_term(s, field, text) for field, text in terms] == expected
    assert len(expected[0]) > 300 and expected[-2:] == [[], []]
    assert per_posting == []


def test_a_run_of_postings_reads_back_whole_chunks(tmp_path):
    """A run of sorted postings is written in chunks, each after its length, and read back a chunk
    at a time (``marshal.load`` from the file read a few bytes at a time: 15 times slower); a run
    cut short is an error, not postings lost quietly."""
    from quotesearch.store.whoosh import writer as qwriter

    class Pool:  # what _write_run and _read_run use of whoosh's PostingPool
        removed = []

        def _open_run(self, path):
            return open(path, "rb")

        def _remove_run(self, path):
            self.removed.append(path)

    postings = [("text", f"w{i % 97}".encode(), i, 1.0, bytes([i % 256]) if i % 3 else None)
                for i in range(2 * qwriter.RUN_CHUNK + 5)]
    path = tmp_path / "run"
    qwriter.ChunkedRuns._write_run(Pool(), open(path, "wb"), iter(postings))
    reads = []

    class CountingPool(Pool):
        def _open_run(self, path):
            f = open(path, "rb")
            read = f.read
            return type("Counted", (), {"read": lambda _, n=-1: reads.append(n) or read(n), "close": f.close})()

    assert list(qwriter.ChunkedRuns._read_run(CountingPool(), path)) == postings
    assert len(reads) == 2 * 3 + 1  # a length and a chunk for each of three chunks, then the end
    data = path.read_bytes()
    path.write_bytes(data[:-10])
    with pytest.raises(EOFError):
        list(qwriter.ChunkedRuns._read_run(Pool(), path))
    assert Pool.removed == [path, path]  # deleted once read, whole or not


def test_only_our_writers_sort_postings_in_chunks(tmp_path):
    """The chunked runs are our writers' pool; whoosh's PostingPool, which any other user of whoosh
    in the process gets, was patched for everyone when the writer module was imported."""
    import whoosh.writing

    from quotesearch.store.whoosh import writer as qwriter

    assert "_write_run" not in vars(whoosh.writing.PostingPool)
    assert "_read_run" not in vars(whoosh.writing.PostingPool)
    with qwriter.open_writer(tmp_path / "idx") as w:
        w._open_batch()
        assert type(w._writer.pool) is qwriter.ChunkedRuns


def test_an_id_term_anded_with_a_query_is_a_set_and_scores_the_same(index_dir):
    """`kind:indirect AND troops`: the term of an ID field (weight 1 in every match) is taken out
    of the ranked query and checked as a set of documents (store.py _constant_part), its weight
    added back to each match: the same documents, order, scores to the last bit and totals as
    whoosh running the whole AND, on several segments with deleted documents, filters or not."""
    from whoosh.query import And, Or, Phrase, Term

    from quotesearch.store.whoosh.store import WhooshStore

    ix = _segmented_index(index_dir)
    rests = [Term("text", "troop"), Term("text", "pressur"), Phrase("text", ["move", "troop", "north"]),
             Or([Term("text", "front"), Term("text", "troop")]), Term("kind", "direct"), Term("source", "alpha-00")]
    queries = [And([Term("kind", kind), rest]) for kind in ("direct", "indirect") for rest in rests]
    queries += [And([Term("text", "troop"), Term("source", "alpha-01")])]
    with qindex.open_searcher(ix, index_dir) as plain:
        expected = []
        for q in queries:
            for limit in (3, None):
                found = plain.search(q, limit=limit)
                expected.append(([(h.docnum, h.score) for h in found], len(found)))
    with WhooshStore(index_dir) as store:
        view = store._fresh()
        assert all(view._constant_part(q)[1] is not None for q in queries)
        got = []
        for q in queries:
            for limit in (3, None):
                found, total = view.ranked(q, None, limit)
                got.append(([(h.docnum, h.score) for h in found], total))
        flt = Term("kind", "direct", boost=0.0)
        filtered = view.ranked(And([Term("source", "alpha-02"), Term("text", "troop")]), flt, 5)
    assert got == expected
    assert sum(total for _, total in expected) > 0 and any(total > 3 for _, total in expected)
    with qindex.open_searcher(ix, index_dir) as plain:
        whole = plain.search(And([Term("source", "alpha-02"), Term("text", "troop"), flt]), limit=5)
        assert ([(h.docnum, h.score) for h in filtered[0]], filtered[1]) == ([(h.docnum, h.score) for h in whole], len(whole))


def test_long_listings_walk_the_saved_reading_order(index_dir):
    """A listing without a query matching most documents takes its first few by walking the
    document numbers saved in reading order; the same statements, in the same order, as sorting
    every match, and as an index whose order file holds the keys alone (an earlier version's:
    its keys are sorted)."""
    index_articles(index_dir, _copies(60)[::-1], batch_size=25)  # written out of reading order
    with quotesearch.Index(index_dir) as ix:
        every = [h.statement.id for h in ix.search("", kind="direct", limit=0).hits]
        first = [h.statement.id for h in ix.search("", kind="direct", limit=4).hits]
        dated = [h.statement.id for h in ix.search("", limit=5, sort="reading").hits]
    assert len(every) == 120 and first == every[:4] == ["alpha-00:30", "alpha-00:108", "alpha-02:30", "alpha-02:108"]
    ix = open_index(index_dir)
    with ix.searcher() as s:
        keys, ranked = qindex.read_reading_order(s.reader(), index_dir)
        assert len(ranked) == s.reader().doc_count_all() and sorted(ranked) == list(range(len(ranked)))
        assert [keys[d] for d in ranked] == sorted(keys)
    path = index_dir / qindex.ORDER_FILE
    data = path.read_bytes()
    path.write_bytes(data[:len(data) - 8 * len(ranked)])  # keys alone
    with ix.searcher() as s:
        assert qindex.read_reading_order(s.reader(), index_dir) == (keys, None)
    with quotesearch.Index(index_dir) as ix:
        assert [h.statement.id for h in ix.search("", kind="direct", limit=4).hits] == first
        assert [h.statement.id for h in ix.search("", limit=5, sort="reading").hits] == dated


def test_markers_never_come_out_of_a_date_filtered_search(index_dir):
    """A query that source markers could match (outlet:) with a date filter is answered by whoosh,
    statements taken as (query) AND NOT doctype:source. An article without statements (a marker
    alone) after another article's marker, first to match in its segment: whoosh's AND NOT kept it,
    a hit with no id and no text, counted in the total."""
    from whoosh.query import AndNot, Term

    texts = {"a-1": ("The Post", BETA), "a-2": ("Reuters", "Nothing said\n\nNo quote here at all.\n"),
             "a-3": ("Reuters", ALPHA)}
    articles = [article_from_text(text, i, f"{i}.txt", outlet=outlet, date="2024-05-01") for i, (outlet, text) in texts.items()]
    index_articles(index_dir, [(a, fake_statements(a)) for a in articles])
    expected = sorted(["a-3:30", "a-3:108", "a-3:205"])
    with quotesearch.Index(index_dir) as ix:
        for since in (None, "2024"):
            for sort in ("relevance", "date"):
                found = ix.search("outlet:reuters", limit=0, since=since, sort=sort)
                assert (sorted(str(h.statement.id) for h in found.hits), found.total) == (expected, 3)
    ix = open_index(index_dir)
    with ix.searcher() as s:
        markers = set(qindex.docs_with_term(s, "doctype", "source"))
        assert len(markers) == 3
        assert not markers & set(s.docs_for_query(AndNot(Term("outlet", "reuters"), Term("doctype", "source"))))


def test_a_date_filter_selects_the_statements_of_its_days_and_scores_nothing(index_dir):
    """--since/--until are read from the day terms' posting lists: the hits of a filtered search are
    the unfiltered search's hits dated inside the range, in the same order, with the same scores
    (whoosh's own range scored each match 1 more) and highlights; over several segments, an article
    re-dated (its old documents deleted) and undated articles."""
    days = ["2023-01-05", "2023-06-30", "2023-07-01", "2023-12-31", "2024-02-10", "2024-03-31", None, "2024-08-01"]
    articles = [article_from_text(ALPHA if n % 2 else BETA, f"a-{n}", f"a-{n}.txt", date=days[n % len(days)])
                for n in range(24)]
    for start in range(0, 24, 8):           # three runs: three segments
        index_articles(index_dir, [(a, fake_statements(a)) for a in articles[start:start + 8]])
    redated = article_from_text(ALPHA, "a-3", "a-3.txt", date="2024-03-01")
    index_articles(index_dir, [(redated, fake_statements(redated))])
    dated = {a.id: a.date for a in articles} | {"a-3": "2024-03-01"}
    ranges = [("2023-06", None), (None, "2023-12"), ("2024-02", "2024-03"), ("2023-07-01", "2023-07-01"), ("2030", None)]
    searches = [("troops", {}), ('"move troops"', {}), ("troops AND north", {}), ("", {}), ("", {"speaker": "barros"}),
                ("pressure", {"kind": "direct"})]
    with quotesearch.Index(index_dir) as ix:
        for query, filters in searches:
            every = ix.search(query, limit=0, **filters)
            assert every.total > 0
            for since, until in ranges:
                low = since + {4: "-01-01", 7: "-01", 10: ""}[len(since)] if since else "0000-00-00"
                high = until + {4: "-12-31", 7: "-31", 10: ""}[len(until)] if until else "9999-99-99"
                inside = [h for h in every.hits
                          if dated[h.statement.source] and low <= dated[h.statement.source] <= high]
                found = ix.search(query, limit=0, since=since, until=until, **filters)
                assert [(h.statement.id, h.score, h.highlights) for h in found.hits] == \
                    [(h.statement.id, h.score, h.highlights) for h in inside], (query, filters, since, until)
                assert found.total == len(inside)
                top = ix.search(query, limit=3, since=since, until=until, **filters)
                assert [h.statement.id for h in top.hits] == [h.statement.id for h in inside[:3]]
                assert top.total == len(inside)


@pytest.mark.parametrize("few", [0, 2000])
def test_the_first_statements_by_date_are_those_of_the_whole_date_order(index_dir, monkeypatch, few):
    """A date-sorted search with a limit and many matches (here: more than ``few``) reads the days'
    posting lists from the first (or last) day until it has enough; its hits are the first of the
    whole date order (ties in reading order, undated last), over several segments, a re-dated
    article and undated ones."""
    from quotesearch.store.whoosh import store as whoosh_store
    monkeypatch.setattr(whoosh_store, "_FEW_TO_SORT_BY_DATE", few)
    days = ["2023-01-05", None, "2023-07-01", "2023-01-05", "2024-02-10", None, "2022-12-31", "2024-02-10"]
    articles = [article_from_text(ALPHA if n % 2 else BETA, f"a-{n}", f"a-{n}.txt", date=days[n % len(days)])
                for n in range(16)]
    for start in range(0, 16, 6):
        index_articles(index_dir, [(a, fake_statements(a)) for a in articles[start:start + 6]])
    redated = article_from_text(BETA, "a-0", "a-0.txt", date="2025-01-01")
    index_articles(index_dir, [(redated, fake_statements(redated))])
    with quotesearch.Index(index_dir) as ix:
        for query, filters in [("", {}), ("troops", {}), ("", {"speaker": "maria lopez"}), ("", {"since": "2023"})]:
            for sort in ("date", "-date"):
                whole = [h.statement.id for h in ix.search(query, limit=0, sort=sort, **filters).hits]
                assert len(whole) > 5
                for limit in (1, 3, 5, len(whole) - 1, len(whole) + 10):
                    found = ix.search(query, limit=limit, sort=sort, **filters)
                    assert [h.statement.id for h in found.hits] == whole[:limit], (query, filters, sort, limit)
                    assert found.total == len(whole)
        newest = [h.statement for h in ix.search("", limit=3, sort="-date").hits]
        assert [(s.source, s.date) for s in newest] == [("a-0", "2025-01-01")] * 2 + [("a-12", "2024-02-10")]
