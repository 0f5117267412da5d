"""The PostgreSQL store's tables, their version, connections and errors (see __init__.py)."""
from __future__ import annotations

import re
from typing import Optional

import psycopg

from ...errors import IndexLocked, NoIndex, QuotesearchError, SchemaMismatch, StoreUnavailable
from ...models import KINDS, Source, Statement

SCHEMA_VERSION = 2  # 2: a GIN index per kind, GIN indexes without a pending list
LOCK_TIMEOUT = 60.0  # seconds to wait for another writer before giving up (as the whoosh store: a batch of 50,000)
LOCK_CLASS = 0x5153  # 'QS': the first key of quotesearch's advisory locks; the second is hashtext(schema)
REBUILD = "_rebuild"  # the suffix of the tables a rebuild fills

# Statement columns in the order they are written and read (the article's title, date, url and
# outlet are the source's, joined when read); ``start`` (reading order) and ``day`` (date filters and
# sorts) are derived; ``tsv`` is generated.
STATEMENT_COLUMNS = ("id", "source", "text", "kind", "speaker", "mention", "speaker_type", "role", "organization",
                     "given_to", "cue", "paragraph", "spans", "context", "speaker_key", "quote_group")
WRITTEN_COLUMNS = STATEMENT_COLUMNS + ("start", "day")
SOURCE_COLUMNS = ("source", "title", "date", "url", "outlet", "path", "statements", "source_hash", "day")


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Names:
    """The qualified names of one schema's objects; ``suffix`` '' for the live tables, REBUILD for a rebuild's."""

    def __init__(self, schema: str, suffix: str = ""):
        self.schema, self.suffix = schema, suffix
        s = ident(schema)
        self.meta, self.settings = f"{s}.qs_meta", f"{s}.qs_settings"
        self.statements, self.sources = f"{s}.qs_statements{suffix}", f"{s}.qs_sources{suffix}"
        self.speakers = f"{s}.qs_speakers{suffix}"  # one row per speaker key: its name and statements
        self.config = f"{s}.qs_english"
        # the configuration as a constant in SQL (expression indexes match constants, not parameters)
        self.english = f"'{self.config}'::regconfig"


def _indexes(n: Names) -> list[tuple[str, str]]:
    """(name, definition) of the statements' and sources' indexes; the first WRITE_INDEXES are needed
    while writing (a rebuild makes the others at its end: ``finish_jobs``)."""
    x = n.suffix
    return [
        (f"qs_statements_reading{x}", f"ON {n.statements} (source, start, id)"),
        (f"qs_sources_pkey{x}", f"ON {n.sources} (source)"),
        (f"qs_statements_pkey{x}", f"ON {n.statements} (id)"),
        (f"qs_statements_speaker{x}", f"ON {n.statements} (speaker_key, source, start)"),
        (f"qs_statements_group{x}", f"ON {n.statements} (quote_group) WHERE quote_group IS NOT NULL"),
        (f"qs_statements_day{x}", f"ON {n.statements} (day, source, start)"),
        (f"qs_statements_tsv{x}", f"ON {n.statements} USING gin (tsv)"),
    ] + [  # words and --kind: the matches of that kind only (the kind inlined in the query: KIND_SQL)
        (f"qs_statements_tsv_{kind}{x}", f"ON {n.statements} USING gin (tsv) WHERE {KIND_SQL.format(kind=kind)}")
        for kind in KINDS
    ] + [
        (f"qs_speakers_pkey{x}", f"ON {n.speakers} (speaker_key)"),
        (f"qs_speakers_last{x}", f"ON {n.speakers} (last_word)"),
        (f"qs_statements_role{x}", f"ON {n.statements} USING gin (to_tsvector({n.english}, coalesce(role, '')))"),
        (f"qs_statements_org{x}",
         f"ON {n.statements} USING gin (to_tsvector({n.english}, coalesce(organization, '')))"),
        (f"qs_statements_speakerwords{x}",
         f"ON {n.statements} USING gin (to_tsvector('simple', coalesce(speaker, '')))"),
    ]


WRITE_INDEXES = 2
KIND_SQL = "kind = '{kind}'"  # a kind (one of KINDS) as the partial indexes' condition, and --kind's
UNIQUE = ("qs_statements_pkey", "qs_sources_pkey", "qs_speakers_pkey")
TABLES = ("qs_statements", "qs_sources", "qs_speakers")  # what a rebuild replaces
# the last word of a speaker key's name ('donald trump' -> 'trump'; 'an official@src' -> 'official'):
# every key a --speaker name stands for ends with the last word of one of the names it asks for
LAST_WORD = "regexp_replace(split_part({key}, '@', 1), '^.* ', '')"


def create_index_sql(n: Names, name: str, definition: str) -> str:
    unique = "UNIQUE " if name.removesuffix(n.suffix) in UNIQUE else ""
    if "USING gin" in definition:
        # no pending list: a row written later goes into the index at once, rather than into a list
        # every search reads through until a vacuum (after an update of 12,500 statements, a word of
        # 1,600 matches took 41 ms instead of 16 ms; with a list of 256 kB, terms p50 14 ms against 9-12 ms);
        # the price is paid by updates (about 3,200 statements/s instead of 4,300-8,200 at 250,000)
        storage = "WITH (fastupdate = off)"
        definition = definition.replace(" WHERE ", f" {storage} WHERE ", 1) if " WHERE " in definition \
            else f"{definition} {storage}"
    return f"CREATE {unique}INDEX IF NOT EXISTS {ident(name)} {definition}"


def create_base(cur, n: Names) -> None:
    """The schema, the text search configuration, qs_meta and qs_settings, when missing."""
    cur.execute(f"CREATE SCHEMA IF NOT EXISTS {ident(n.schema)}")
    exists = cur.execute("SELECT 1 FROM pg_ts_config c JOIN pg_namespace s ON s.oid = c.cfgnamespace "
                         "WHERE s.nspname = %s AND c.cfgname = 'qs_english'", (n.schema,)).fetchone()
    if not exists:
        stem = f"{ident(n.schema)}.qs_english_stem"
        cur.execute(f"CREATE TEXT SEARCH DICTIONARY {stem} (TEMPLATE = snowball, Language = english)")
        cur.execute(f"CREATE TEXT SEARCH CONFIGURATION {n.config} (COPY = pg_catalog.english)")
        cur.execute(f"ALTER TEXT SEARCH CONFIGURATION {n.config} ALTER MAPPING FOR asciiword, asciihword, "
                    f"hword_asciipart, word, hword, hword_part WITH {stem}")
    cur.execute(f"CREATE TABLE IF NOT EXISTS {n.meta} (name text PRIMARY KEY, value text NOT NULL)")
    cur.execute(f"CREATE TABLE IF NOT EXISTS {n.settings} (name text PRIMARY KEY, data bytea NOT NULL)")


def create_tables(cur, n: Names, all_indexes: bool = True) -> None:
    """The statements and sources tables of ``n`` (with every index, or only the one writes need)."""
    c = 'COLLATE "C"'  # ids sort as Python sorts them, whatever the database's locale
    cur.execute(f"""CREATE TABLE IF NOT EXISTS {n.sources} (
        source text {c} NOT NULL, title text NOT NULL DEFAULT '', date text, url text, outlet text,
        path text NOT NULL DEFAULT '', statements integer NOT NULL DEFAULT 0,
        source_hash text NOT NULL DEFAULT '', day text {c})""")
    cur.execute(f"""CREATE TABLE IF NOT EXISTS {n.statements} (
        id text {c} NOT NULL, source text {c} NOT NULL, text text NOT NULL, kind text NOT NULL,
        speaker text NOT NULL, mention text NOT NULL, speaker_type text, role text, organization text,
        given_to text, cue text, paragraph integer NOT NULL, spans integer[] NOT NULL, context text NOT NULL,
        speaker_key text {c} NOT NULL, quote_group text {c}, start integer NOT NULL, day text {c},
        tsv tsvector GENERATED ALWAYS AS (to_tsvector({n.english}, text)) STORED)
        WITH (toast_tuple_target = 512)""")
    # searches read the row of every match (its tsvector ranks it): a row long enough to be
    # toasted (over 2 kB: a long paragraph) moves its paragraph and text out of line, not its tsvector
    # (PostgreSQL toasts no shorter row, whatever toast_tuple_target says)
    cur.execute(f"ALTER TABLE {n.statements} ALTER COLUMN text SET STORAGE EXTERNAL, "
                "ALTER COLUMN context SET STORAGE EXTERNAL, ALTER COLUMN tsv SET STORAGE MAIN")
    cur.execute(f"""CREATE TABLE IF NOT EXISTS {n.speakers} (
        speaker_key text {c} NOT NULL, last_word text {c} NOT NULL, speaker text NOT NULL,
        statements integer NOT NULL)""")
    if n.suffix == REBUILD:  # no autovacuum while a rebuild fills them (the rebuild vacuums them once, at its end)
        for table in TABLES:
            cur.execute(f"ALTER TABLE {ident(n.schema)}.{ident(table + n.suffix)} SET (autovacuum_enabled = false)")
    for name, definition in _indexes(n)[:None if all_indexes else WRITE_INDEXES]:
        cur.execute(create_index_sql(n, name, definition))


def finish_jobs(n: Names) -> list:
    """What a rebuild does over its loaded tables before the swap: jobs (each a list of steps, each
    a function of a cursor) that may run at once on connections of their own, the longest first."""
    sql = {name.removesuffix(n.suffix): create_index_sql(n, name, d) for name, d in _indexes(n)[WRITE_INDEXES:]}
    run = lambda name: lambda cur: cur.execute(sql[name])  # noqa: E731
    return [
        [run("qs_statements_tsv")],
        [run(f"qs_statements_tsv_{kind}") for kind in KINDS],
        [run(name) for name in ("qs_statements_pkey", "qs_statements_speaker", "qs_statements_day",
                                "qs_statements_group")],
        [run(name) for name in ("qs_statements_role", "qs_statements_org", "qs_statements_speakerwords")],
        [lambda cur: count_speakers(cur, n), run("qs_speakers_pkey"), run("qs_speakers_last")],
    ]


def swap_in(cur, live: Names, new: Names) -> None:
    """Replace the live tables by ``new``'s (in the caller's transaction): drop the old ones, rename."""
    cur.execute(f"DROP TABLE IF EXISTS {live.statements}, {live.sources}, {live.speakers}")
    for table in TABLES:
        cur.execute(f"ALTER TABLE {ident(live.schema)}.{ident(table + new.suffix)} RENAME TO {ident(table)}")
        cur.execute(f"ALTER TABLE {ident(live.schema)}.{ident(table)} RESET (autovacuum_enabled)")
    for name, _ in _indexes(new):
        cur.execute(f"ALTER INDEX {ident(live.schema)}.{ident(name)} RENAME TO {ident(name.removesuffix(new.suffix))}")


def drop_rebuild_tables(cur, n: Names) -> None:
    """The tables of a rebuild that did not end (quotesearch's own: their names say so)."""
    cur.execute(f"DROP TABLE IF EXISTS {', '.join(ident(n.schema) + '.' + ident(t + REBUILD) for t in TABLES)}")


def count_speakers(cur, n: Names, keys: Optional[list] = None) -> None:
    """Count the statements of the speaker keys ``keys`` again (all when None), and their names
    as first quoted (in reading order), into the speakers table (under the write lock)."""
    last = LAST_WORD.format(key="k")
    if keys is None:
        cur.execute(f"DELETE FROM {n.speakers}")
        cur.execute(f"""INSERT INTO {n.speakers}
            SELECT c.k, {last}, f.speaker, c.n FROM
              (SELECT speaker_key AS k, count(*) AS n FROM {n.statements} WHERE speaker_key <> '' GROUP BY 1) c
              JOIN (SELECT DISTINCT ON (speaker_key) speaker_key AS k, speaker FROM {n.statements}
                    WHERE speaker_key <> '' ORDER BY speaker_key, source, start, id) f USING (k)""")
        return
    cur.execute(f"DELETE FROM {n.speakers} WHERE speaker_key = ANY(%s)", (keys,))
    cur.execute(f"""INSERT INTO {n.speakers}
        SELECT k, {last}, f.speaker, c.n FROM unnest(%s::text[]) k
          CROSS JOIN LATERAL (SELECT count(*) AS n FROM {n.statements} WHERE speaker_key = k) c
          CROSS JOIN LATERAL (SELECT speaker FROM {n.statements} WHERE speaker_key = k
                              ORDER BY source, start, id LIMIT 1) f
        WHERE k <> ''""", (keys,))


def version(cur, n: Names) -> Optional[str]:
    """The schema version written in qs_meta; None when there is no store in the schema."""
    if cur.execute("SELECT to_regclass(%s)", (n.meta,)).fetchone()[0] is None:
        return None
    row = cur.execute(f"SELECT value FROM {n.meta} WHERE name = 'schema_version'").fetchone()
    return row[0] if row else None


def check_version(found: Optional[str], location: str) -> None:
    if found != str(SCHEMA_VERSION):
        raise SchemaMismatch(
            f"the index at {location} has schema version {'unknown' if found is None else found}, this quotesearch "
            f"needs {SCHEMA_VERSION}; run `quotesearch index --rebuild --index URL PATH...` to rebuild it")


def write_meta(cur, n: Names) -> None:
    from ... import __version__

    for name, value in (("schema_version", str(SCHEMA_VERSION)), ("quotesearch", __version__)):
        cur.execute(f"INSERT INTO {n.meta} VALUES (%s, %s) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    (name, value))
    cur.execute(f"INSERT INTO {n.meta} VALUES ('generation', '0') ON CONFLICT (name) DO NOTHING")


def no_index(location: str) -> NoIndex:
    return NoIndex(f"no index at {location}; run `quotesearch index --index URL PATH...` first")


# -- connections and errors -------------------------------------------------------------

def connect(conninfo: str, location: str, **kw) -> psycopg.Connection:
    """A connection; StoreUnavailable in one line when the server cannot be reached or refuses."""
    try:
        return psycopg.connect(conninfo, **kw)
    except psycopg.Error as e:
        why = _without_secrets(reason(e), conninfo)
        raise StoreUnavailable(f"cannot connect to {location}: {why}; {connect_hint(why)}") from None


def _without_secrets(text: str, conninfo: str) -> str:
    """``text`` without the password of ``conninfo`` (libpq quotes a URL's token it cannot read:
    a password with a bad %-escape or a space in it)."""
    from urllib.parse import parse_qsl, unquote, urlsplit

    parts = urlsplit(conninfo)
    userinfo = parts.netloc.rsplit("@", 1)[0] if "@" in parts.netloc else ""
    secrets = [userinfo.split(":", 1)[1]] if ":" in userinfo else []
    secrets += [v for k, v in parse_qsl(parts.query, keep_blank_values=True) if k == "password"]
    for secret in sorted({s for raw in secrets for s in (raw, unquote(raw)) if s}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def connect_hint(why: str) -> str:
    """What to try when a connection failed for ``why`` (libpq's reason, as ``reason`` gives it)."""
    if "password" in why.lower():
        return "give the password in PGPASSWORD or ~/.pgpass (or in the URL)"
    if "does not exist" in why:
        return "check the URL's user and database names (createdb makes a database)"
    return "check the URL and that the server is running"


def reason(e: Exception) -> str:
    """The useful part of a psycopg error message, on one line (its first: libpq's hints follow)."""
    lines = [line.strip() for line in str(e).splitlines() if line.strip()]
    text = " ".join((lines[0] if lines else "").split())
    text = re.sub(r"^connection failed: ", "", text)
    text = re.sub(r"connection to server (at|on) .*? failed: ", "", text)
    text = re.sub(r"\bFATAL: +", "", text)
    return text.rstrip(".") or type(e).__name__


def locked(location: str) -> IndexLocked:
    return IndexLocked(f"another quotesearch index run is writing to {location}; wait for it to finish")


def failed(location: str, e: Exception) -> QuotesearchError:
    return QuotesearchError(f"could not write to the index at {location}: {reason(e)}; "
                            "fix that and run again (what was committed before is kept)")


# -- rows -------------------------------------------------------------------------------

_BAD = re.compile("[\x00\ud800-\udfff]")  # what PostgreSQL text cannot hold: one replacement character each


def clean(value):
    if isinstance(value, str):
        return _BAD.sub("\ufffd", value)
    return value


def statement_row(st: Statement, day: Optional[str], cleaned: bool = False) -> tuple:
    """The row of WRITTEN_COLUMNS of a statement (``cleaned``: text PostgreSQL cannot hold replaced);
    spans as an array literal (quicker to send than a list)."""
    spans = st.spans
    row = (st.id, st.source, st.text, st.kind, st.speaker or "", st.mention or "", st.speaker_type or None,
           st.role or None, st.organization or None, st.given_to or None, st.cue or None, st.paragraph,
           "{" + ",".join(f"{{{int(a)},{int(b)}}}" for a, b in spans) + "}",
           st.context or "", st.speaker_key or "", st.quote_group or None, spans[0][0] if spans else 0, day)
    return tuple(clean(v) for v in row) if cleaned else row


def source_row(source: Source, count: int) -> tuple:
    return tuple(clean(v) for v in (source.source, source.title or "", source.date or None, source.url or None,
                                    source.outlet or None, source.path or "", count, source.source_hash or "",
                                    (source.date or "")[:10] or None))


SELECT_STATEMENT = ", ".join([f"st.{c}" for c in STATEMENT_COLUMNS] + ["so.title", "so.date", "so.url", "so.outlet"])


def statement_from_row(row) -> Statement:
    rec = dict(zip(STATEMENT_COLUMNS + ("title", "date", "url", "outlet"), row))
    rec["spans"] = [list(span) for span in rec["spans"] or []]
    rec["title"] = rec["title"] or ""
    return Statement(**rec)


def source_from_row(row) -> Source:
    rec = dict(zip(SOURCE_COLUMNS, row))
    rec.pop("day")
    return Source(**rec)
