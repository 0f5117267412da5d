"""What is particular to the PostgreSQL store (the contract suite runs on it too): URLs and schemas,
versions, idempotent and concurrent writes, the command line against a real server."""
from __future__ import annotations

import json
import threading

import pytest

from quotesearch.errors import IndexLocked, NoIndex, QuotesearchError, SchemaMismatch, StoreUnavailable
from quotesearch.models import Article, Filters, Source, Statement
from quotesearch.store import open_store, shown_location
from quotesearch.store.postgres import shown, split_url
from quotesearch.store.query import parse

from test_contract import ARTICLES, article


# -- URLs (no server needed) ------------------------------------------------------------

def test_a_url_is_shown_without_its_password():
    assert shown("postgresql://bob:s3cret@db.example:5433/news?schema=x") == "postgresql://bob@db.example:5433/news?schema=x"
    assert shown("postgres://db.example/news?password=s3cret&sslmode=require") == (
        "postgres://db.example/news?password=***&sslmode=require")  # as shown_location shows other URLs
    assert shown_location("index/") == "index/"


def test_the_schema_comes_from_the_url_else_the_environment(monkeypatch):
    monkeypatch.delenv("QUOTESEARCH_PG_SCHEMA", raising=False)
    assert split_url("postgresql://h/db") == ("postgresql://h/db", "quotesearch")
    assert split_url("postgresql://h/db?schema=news&sslmode=disable") == ("postgresql://h/db?sslmode=disable", "news")
    monkeypatch.setenv("QUOTESEARCH_PG_SCHEMA", "archive")
    assert split_url("postgresql://h/db")[1] == "archive"
    assert split_url("postgresql://h/db?schema=news")[1] == "news"  # the URL wins
    with pytest.raises(QuotesearchError, match="schema name 'News; drop'"):
        split_url("postgresql://h/db?schema=News;%20drop")


def test_open_store_dispatches_urls(tmp_path, psycopg_installed):
    assert type(open_store("postgresql://h/db")).__name__ == "PostgresStore"
    assert type(open_store("postgres://h/db")).__name__ == "PostgresStore"
    assert type(open_store(tmp_path / "index")).__name__ == "WhooshStore"


# -- a real server ----------------------------------------------------------------------

def write(url_or_store, names, rebuild=False, **kw):
    from quotesearch.indexer import index_articles

    summary = index_articles(url_or_store, [article(n) for n in names], rebuild=rebuild, **kw)
    assert not summary.errors, summary.errors
    return summary


def sql(postgres_url, query, params=()):
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as conn:
        cur = conn.execute(query, params)
        return cur.fetchall() if cur.description else None


def schema_of(url: str) -> str:
    return url.rsplit("schema=", 1)[1]


def test_tables_go_in_the_schema_chosen_and_two_schemas_are_apart(postgres_url, pg_schema_url):
    from quotesearch.store.postgres.store import PostgresStore

    write(pg_schema_url, ["alpha"])
    other = pg_schema_url + "x"
    try:
        write(other, ["beta", "gamma"])
        tables = {r[0] for r in sql(postgres_url, "SELECT table_name FROM information_schema.tables "
                                                  "WHERE table_schema = %s", (schema_of(pg_schema_url),))}
        assert tables == {"qs_meta", "qs_settings", "qs_sources", "qs_statements", "qs_speakers"}
        with PostgresStore(pg_schema_url) as a, PostgresStore(other) as b:
            assert [s.source for s in a.sources()] == ["alpha"]
            assert [s.source for s in b.sources()] == ["beta", "gamma"]
    finally:
        sql(postgres_url, f'DROP SCHEMA IF EXISTS "{schema_of(other)}" CASCADE')


def test_the_schema_can_be_chosen_by_the_environment(postgres_url, pg_schema_url, monkeypatch):
    import quotesearch

    monkeypatch.setenv("QUOTESEARCH_PG_SCHEMA", schema_of(pg_schema_url))
    write(postgres_url, ["beta"])
    with quotesearch.Index(pg_schema_url) as ix:  # the same schema, named in the URL
        assert [s.source for s in ix.sources()] == ["beta"]


def test_no_index_yet_and_an_unreachable_server(postgres_url, pg_schema_url):
    import socket

    from quotesearch.store.postgres.store import PostgresStore

    with PostgresStore(pg_schema_url) as store:
        with pytest.raises(NoIndex, match=r"no index at postgresql://.*schema="):
            store.search(None)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once closed
    with PostgresStore(f"postgresql://someone:s3cret@127.0.0.1:{port}/db") as store:
        with pytest.raises(StoreUnavailable) as e:
            store.search(None)
    assert "s3cret" not in str(e.value) and "\n" not in str(e.value)
    assert str(e.value).startswith(f"cannot connect to postgresql://someone@127.0.0.1:{port}/db: ")


@pytest.mark.parametrize("url, why", [
    ("postgresql://me:se%zzcret@127.0.0.1:1/db", 'invalid percent-encoded token: "***"'),
    ("postgresql://me:se cret@127.0.0.1:1/db", 'unexpected spaces found in "***"'),
])
def test_a_password_libpq_cannot_read_is_not_repeated_in_the_error(url, why, psycopg_installed):
    """libpq quotes the token of a URL it cannot read: a password with a bad %-escape or a space
    was printed in full in "cannot connect to …"."""
    from quotesearch.store.postgres.store import PostgresStore

    with PostgresStore(url) as store:
        with pytest.raises(StoreUnavailable) as e:
            store.search(None)
    assert "cret" not in str(e.value) and "\n" not in str(e.value)
    assert why in str(e.value)


def test_another_schema_version_asks_for_a_rebuild_and_a_rebuild_keeps_what_is_not_ours(postgres_url, pg_schema_url):
    from quotesearch.store.postgres.store import PostgresStore

    write(pg_schema_url, ["alpha"])
    schema = schema_of(pg_schema_url)
    sql(postgres_url, f'CREATE TABLE "{schema}".user_notes (note text)')
    sql(postgres_url, f'INSERT INTO "{schema}".user_notes VALUES (%s)', ("mine",))
    sql(postgres_url, f"UPDATE \"{schema}\".qs_meta SET value = '0' WHERE name = 'schema_version'")
    with PostgresStore(pg_schema_url) as store:
        with pytest.raises(SchemaMismatch, match=r"schema version 0, .* --rebuild"):
            store.search(None)
        with pytest.raises(SchemaMismatch):
            write(pg_schema_url, ["beta"])
        sql(postgres_url, f'CREATE TABLE "{schema}".qs_sources_rebuild (source text)')  # as a killed rebuild leaves
        write(pg_schema_url, ["beta"], rebuild=True)
        assert [s.source for s in store.sources()] == ["beta"]
    assert sql(postgres_url, f'SELECT note FROM "{schema}".user_notes') == [("mine",)]
    assert not sql(postgres_url, "SELECT 1 FROM information_schema.tables WHERE table_schema = %s "
                                 "AND table_name LIKE %s", (schema, "%rebuild%"))


def test_writing_a_source_again_never_doubles_it(pg_schema_url):
    """A re-run, or a retried task writing the same source, replaces it."""
    from quotesearch.store.postgres.store import PostgresStore

    store = PostgresStore(pg_schema_url)
    write(store, ["alpha", "beta"])
    a, sts = article("beta")
    for _ in range(2):  # as a task run twice would
        with store.writer() as w:
            w.replace_source(Source("beta", "Smith again", "2023-01-05", source_hash="again"), sts)
    write(store, ["alpha", "beta"])  # unchanged: skipped
    assert [s.id for s in store.statements()] == ["alpha:10", "alpha:90", "beta:5", "beta:70"]
    assert store.search(None).total == 4 and [s.statements for s in store.sources()] == [2, 2]
    store.close()


def test_an_interrupted_batch_leaves_nothing(pg_schema_url):
    from quotesearch.store.postgres.store import PostgresStore

    store = PostgresStore(pg_schema_url)
    write(store, ["alpha"])
    with pytest.raises(RuntimeError):
        with store.writer() as w:
            w.replace_source(Source("beta", source_hash="h"), article("beta")[1])
            w.delete_source("alpha")
            raise RuntimeError("killed")
    assert [s.source for s in store.sources()] == ["alpha"] and store.search(None).total == 2
    store.close()


def test_a_second_writer_waits_for_the_lock_then_gives_up(pg_schema_url):
    from quotesearch.store.postgres.store import PostgresStore

    store = PostgresStore(pg_schema_url)
    write(store, ["alpha"])
    with store.writer() as first:
        first.refresh()  # holds the lock until its commit
        with store.writer(lock_timeout=0.2) as second:
            with pytest.raises(IndexLocked, match="another quotesearch index run is writing"):
                second.replace_source(Source("beta", source_hash="h"), article("beta")[1])
        first.commit()
        with store.writer(lock_timeout=0.2) as second:  # free again
            assert second.refresh() is False
    store.close()


def wire_articles(prefix: str, n: int) -> list:
    """n articles, each carrying the same quote of one speaker (wire copies) and one of its own."""
    out = []
    for i in range(n):
        source = f"{prefix}{i:02d}"
        quote, own = "We will not back down from the border", f"Statement number {i} of series {prefix}"
        text = f"Headline {i}\n\n“{quote},” said John Smith.\n\n“{own},” said Mary Jones."
        sts = []
        for words, speaker in ((quote, "John Smith"), (own, "Mary Jones")):
            start = text.index(words)
            sts.append(Statement(id=f"{source}:{start}", source=source, text=words, kind="direct", speaker=speaker,
                                 mention=speaker, speaker_type="person", role=None, organization=None,
                                 given_to=None, cue="said", paragraph=1, spans=[[start, start + len(words)]],
                                 context=words))
        out.append((Article(source, text, title=f"Headline {i}", path=f"{source}.txt"), sts))
    return out


def test_concurrent_writers_keep_quote_groups_and_speaker_keys_consistent(pg_schema_url):
    """Two runs at once, committing source by source, write every statement once; the quote they
    share is one quote group across both, as when they run one after the other."""
    from quotesearch.indexer import index_articles
    from quotesearch.store.postgres.store import PostgresStore

    index_articles(pg_schema_url, [])
    errors = []

    def run(prefix):
        try:
            index_articles(pg_schema_url, wire_articles(prefix, 12), batch_size=1, lock_timeout=60)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(p,)) for p in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with PostgresStore(pg_schema_url) as store:
        every = list(store.statements())
        assert len(every) == len({s.id for s in every}) == 48
        smith = [s for s in every if s.speaker == "John Smith"]
        assert {s.speaker_key for s in smith} == {"john smith"}
        assert len({s.quote_group for s in smith}) == 1 and smith[0].quote_group
        grouped = store.search(parse('"back down"'), group=True, limit=None)
        assert grouped.total == 1 and grouped.hits[0].sources == 24
        assert len({s.quote_group for s in every if s.speaker == "Mary Jones"}) == 24


def test_text_postgresql_cannot_hold_is_kept_as_a_replacement_character(pg_schema_url):
    from quotesearch.store.postgres.store import PostgresStore

    store = PostgresStore(pg_schema_url)
    _, sts = article("alpha")
    sts[1].text, sts[1].context = "The talks\x00were useful", "a lone surrogate \udcff from a bad byte"
    with store.writer() as w:
        w.replace_source(Source("alpha", source_hash="h"), sts)
    got = store.statement("alpha:90")  # one character for one: offsets hold
    assert (got.text, got.context) == ("The talks\ufffdwere useful", "a lone surrogate \ufffd from a bad byte")
    assert store.search(None).total == 2
    store.close()


# -- the command line ----------------------------------------------------------------------

def test_the_command_line_indexes_into_and_searches_postgresql(run, fake_extract, corpus, pg_schema_url, monkeypatch,
                                                               tmp_path):
    url = pg_schema_url.replace("postgresql://postgres@", "postgresql://postgres:s3cret@")  # trust: not checked
    monkeypatch.delenv("QUOTESEARCH_INDEX", raising=False)
    indexed = run("index", "--index", url, corpus, "--jobs", "1")
    assert indexed.exit_code == 0, indexed.output
    assert "s3cret" not in indexed.output
    assert indexed.output.rstrip().endswith(f"The index in {shown(url)} now has 5 statements from 2 sources.")
    found = run("search", "troops", "--index", url, "--json")
    assert found.exit_code == 0, found.output
    hits = json.loads(found.output)
    assert [(h["id"], h["speaker"]) for h in hits] == [("alpha:30", "George Barros")]
    assert [hits[0]["text"][a:b] for a, b in hits[0]["highlights"]] == ["troops"]
    monkeypatch.setenv("QUOTESEARCH_INDEX", url)  # the environment works as --index does
    speakers = run("speakers", "--json")
    assert speakers.exit_code == 0 and {s["speaker"] for s in json.loads(speakers.output)} == {
        "George Barros", "Maria Lopez", "Barros Hill"}
    shown_ = run("show", "alpha:30", "--json")
    assert shown_.exit_code == 0 and json.loads(shown_.output)[0]["source"] == "alpha"
    out = tmp_path / "all.jsonl"
    exported = run("export", "-o", out)
    assert exported.exit_code == 0 and len(out.read_text().splitlines()) == 5
    missing = run("search", "troops", "--index", url + "none")
    assert missing.exit_code == 1 and "s3cret" not in missing.output
    assert "Error: no index at postgresql://postgres@" in missing.output and "Traceback" not in missing.output
    assert "build one with `quotesearch index --index 'postgresql://postgres@" in missing.output  # quoted for a shell


def test_the_command_line_says_in_one_line_when_the_server_is_unreachable(run, psycopg_installed):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run("search", "troops", "--index", f"postgresql://me:s3cret@127.0.0.1:{port}/news")
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot connect to postgresql://me@127.0.0.1:{port}/news: ")
    assert len(result.output.strip().splitlines()) == 1 and "s3cret" not in result.output


def test_speaker_counts_follow_replaced_and_deleted_sources(pg_schema_url):
    """The speakers table (what --speaker names are matched on) is counted again at every commit."""
    from quotesearch.store.postgres.store import PostgresStore

    store = PostgresStore(pg_schema_url)
    write(store, ["alpha", "beta", "gamma"])
    assert store.speaker_keys("smith") == [("john smith", "John Smith", 3), ("eric smith", "Eric Smith", 1)]
    with store.writer() as w:
        w.delete_source("beta")
    assert store.speaker_keys("smith") == [("john smith", "John Smith", 2)]
    write(store, [])  # nothing: nothing changes
    with store.writer() as w:
        _, sts = article("gamma", ARTICLES["gamma"][1][1:])
        w.replace_source(Source("gamma", source_hash="h"), sts)
    assert store.speaker_keys("smith") == [("john smith", "John Smith", 1)]
    assert [s.id for s in store.statements(None, Filters(speaker="smith"))] == ["alpha:10"]
    store.close()


def test_the_command_line_and_the_api_load_without_psycopg():
    """--help stays instant: psycopg is imported by the PostgreSQL store alone."""
    import subprocess
    import sys

    code = "import sys; import quotesearch.cli, quotesearch.store, quotesearch.api; print('psycopg' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_a_rebuild_copies_batches_at_once_and_a_source_written_again_is_there_once(pg_schema_url):
    from quotesearch.store.postgres.store import PostgresStore

    store = PostgresStore(pg_schema_url)
    write(store, ["alpha"])
    pairs = wire_articles("w", 30)
    with store.writer(rebuild=True) as w:
        for a, sts in pairs:  # one batch each: several copied at once
            w.replace_source(Source(a.id, source_hash="h"), sts)
            w.commit()
        _, sts = pairs[3]
        w.replace_source(Source(pairs[3][0].id, source_hash="again"), sts[:1])  # a retried task, changed
        w.commit()
        assert w.totals() == (30, 59) and w.known_sources()["w03"] == "again"
        assert [s.source for s in store.sources()] == ["alpha"]  # not swapped in yet
    assert store.search(None).total == 59 and len({s.id for s in store.statements()}) == 59
    assert [s.id for s in store.statements(None, Filters(source="w03"))] == [sts[0].id]
    store.close()


# -- what keeps searches quick at a million statements (benchmarks/postgres.py) ----------

def test_a_rebuild_fills_its_tables_without_autovacuum_and_gives_it_back(postgres_url, pg_schema_url):
    """Autovacuum would vacuum a rebuild's tables again and again while they fill (the rebuild vacuums
    them once, at its end); the live tables get the server's autovacuum back. Its copiers commit
    without waiting for the disk."""
    from quotesearch.store.postgres.store import PostgresStore

    schema = schema_of(pg_schema_url)
    options = "SELECT c.relname, c.reloptions FROM pg_class c WHERE c.relnamespace = %s::regnamespace " \
              "AND c.relkind = 'r' AND c.relname NOT IN ('qs_meta', 'qs_settings') ORDER BY 1"
    with PostgresStore(pg_schema_url) as store, store.writer(rebuild=True) as w:
        w.replace_source(Source("alpha", source_hash="h"), article("alpha")[1])
        w.commit()
        assert sql(postgres_url, options, (schema,)) == [
            ("qs_sources_rebuild", ["autovacuum_enabled=false"]), ("qs_speakers_rebuild", ["autovacuum_enabled=false"]),
            ("qs_statements_rebuild", ["toast_tuple_target=512", "autovacuum_enabled=false"])]
        # and its batches' commits do not wait for the disk (the swap's does, for them too)
        w._copier.wait()
        assert [c.execute("SHOW synchronous_commit").fetchone()[0] for c in w._copier.conns] == ["off"]
    assert sql(postgres_url, options, (schema,)) == [
        ("qs_sources", None), ("qs_speakers", None), ("qs_statements", ["toast_tuple_target=512"])]
    with PostgresStore(pg_schema_url) as store:
        assert store.search(None).total == 2


def test_a_search_with_kind_reads_the_index_of_that_kind(postgres_url, pg_schema_url):
    """--kind with words is answered by a GIN index over the statements of that kind only (the
    others' rows are never read); its GIN indexes have no pending list (rows written later are
    searchable without a list every search reads through)."""
    import psycopg

    from quotesearch.store.postgres.store import PostgresStore

    write(pg_schema_url, ["alpha", "beta", "gamma"])
    with PostgresStore(pg_schema_url) as store:
        assert [h.statement.id for h in store.search(parse("talks"), Filters(kind="indirect")).hits] == ["alpha:90"]
        assert store.search(parse("talks"), Filters(kind="direct")).total == 0
    schema = schema_of(pg_schema_url)
    with psycopg.connect(postgres_url) as conn:
        conn.execute(f'SET search_path = "{schema}"')
        conn.execute("SET enable_seqscan = off")  # three articles: the planner would read them all
        plan = "\n".join(r[0] for r in conn.execute(
            "EXPLAIN SELECT id FROM qs_statements st WHERE st.tsv @@ 'talk'::tsquery AND st.kind = 'indirect'"))
    assert "qs_statements_tsv_indirect" in plan
    options = dict(sql(postgres_url, "SELECT c.relname, array_to_string(c.reloptions, ',') FROM pg_class c "
                                     "JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'gin' "
                                     "AND c.relnamespace = %s::regnamespace", (schema,)))
    assert len(options) == 7 and set(options.values()) == {"fastupdate=off"}


def test_a_reading_session_runs_without_jit(pg_schema_url):
    """JIT compiling a search's scan of many matches costs more than the scan (benchmarks/postgres.py)."""
    from quotesearch.store.postgres.store import PostgresStore

    write(pg_schema_url, ["alpha"])
    with PostgresStore(pg_schema_url) as store:
        store.search(None)
        assert store._conn.execute("SHOW jit").fetchone()[0] == "off"
        assert store._conn.execute("SHOW work_mem").fetchone()[0] == "32MB"


def test_a_reader_whose_connection_the_server_ended_reconnects(postgres_url, pg_schema_url):
    """A long-lived reader (serve) after a server restart or pg_terminate_backend: the next read
    answers instead of failing with 'lost the connection'."""
    from quotesearch.store.postgres.store import PostgresStore

    write(pg_schema_url, ["alpha", "beta"])
    with PostgresStore(pg_schema_url) as store:
        before = store.search(None).total
        pid = store._conn.info.backend_pid
        sql(postgres_url, "SELECT pg_terminate_backend(%s)", (pid,))
        store.idle_ping = 0.0  # as after five idle seconds
        assert store.search(None).total == before > 0
        assert store._conn.info.backend_pid != pid


@pytest.mark.parametrize("why, hint", [
    ('password authentication failed for user "me"', "PGPASSWORD or ~/.pgpass"),
    ("fe_sendauth: no password supplied", "PGPASSWORD or ~/.pgpass"),
    ('database "news" does not exist', "user and database names"),
    ("Connection refused", "that the server is running"),
])
def test_a_refused_connection_says_what_to_try(why, hint, psycopg_installed):
    from quotesearch.store.postgres.schema import connect_hint

    assert hint in connect_hint(why)
