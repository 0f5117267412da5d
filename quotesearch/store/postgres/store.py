"""The PostgreSQL store's read side: ``PostgresStore`` answers the ``Store`` protocol (store/base.py).

One connection, opened at the first read, runs every call in one read-only REPEATABLE READ
transaction (one snapshot: a total and its hits agree, a source is seen old or new); a lock keeps
calls from several threads apart. ``statements()`` streams from a server-side cursor on a
connection of its own, which is kept for the next stream when it ends.
"""
from __future__ import annotations

import contextlib
import threading
import time
from typing import Iterator, Optional

import psycopg

from ...errors import NoIndex, NotFound, QuerySyntaxError, QuotesearchError
from ...identity.speakers import ALIASES_FILE, Aliases, key_matches, name_key, wanted_keys
from ...models import Filters, Hit, SearchResults, Source, Statement
from ..base import check_kind, check_sort, no_name, no_words
from ..query import EXAMPLE, Node, day_bound
from . import shown, split_url
from .query import Compiled, Compiler
from .schema import (KIND_SQL, SELECT_STATEMENT, SOURCE_COLUMNS, Names, check_version, connect, no_index, reason,
                     source_from_row, statement_from_row, version)

WORK_MEM = "32MB"  # a reading session's work_mem
STREAM_ROWS = 2000  # rows fetched at a time by statements()
IDLE_PING = 5.0  # seconds: a connection idle longer is asked whether it is alive before a read
START, STOP = "\x01", "\x02"  # highlight markers (a statement holding them gets no highlights)


def _tokens(name: Optional[str]) -> list[str]:
    from ...identity.speakers import fold

    return fold(name).split()


class PostgresStore:
    """The ``Store`` of one schema of a PostgreSQL database, at a postgresql:// URL (see __init__.py).
    Reading a schema without quotesearch's tables raises NoIndex; one written by another schema
    version SchemaMismatch; an unreachable server StoreUnavailable. ``writer()`` creates the tables."""

    def __init__(self, url: str):
        self.url = url
        self.conninfo, self.schema = split_url(url)
        self.location = shown(url)
        self.names = Names(self.schema)
        self._conn: Optional[psycopg.Connection] = None
        self._spare: list = []  # connections of finished streams
        self._checked = False
        self._lock = threading.RLock()
        self._aliases: Optional[tuple] = None
        self._used = 0.0  # time.monotonic() of the last read
        self.idle_ping = IDLE_PING

    def __enter__(self) -> "PostgresStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PostgresStore({self.location!r})"

    def __del__(self) -> None:
        """A store nobody closed (one opened from a URL inside index_articles) closes its connections."""
        with contextlib.suppress(Exception):
            self.close()

    # -- connections ------------------------------------------------------------------

    def _connect(self) -> psycopg.Connection:
        conn = connect(self.conninfo, self.location)
        # for this session only: no JIT (compiling a search's scan of many matches cost more than the
        # scan: 309 ms against 187 ms for "people --kind mixed" at a million statements), and room for
        # a search's matches (their ids and scores) in memory rather than in a temporary file
        conn.execute("SELECT set_config('jit', 'off', false), set_config('work_mem', %s, false)", (WORK_MEM,))
        conn.commit()
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        return conn

    @contextlib.contextmanager
    def _reading(self, check: bool = True):
        """A cursor in a read transaction of its own (the schema version checked); errors as one line."""
        with self._lock:
            if self._conn is not None and time.monotonic() - self._used > self.idle_ping:
                self._ping()
            if self._conn is None or self._conn.closed:
                self._conn = self._connect()
            self._used = time.monotonic()
            try:
                with self._conn.transaction(), self._conn.cursor() as cur:
                    if check:
                        self._check(cur)
                    yield cur
            except psycopg.errors.UndefinedTable:
                self._checked = False
                raise no_index(self.location) from None
            except psycopg.OperationalError as e:
                self._drop()
                raise QuotesearchError(f"lost the connection to {self.location}: {reason(e)}; run again") from None
            except psycopg.errors.QueryCanceled as e:
                raise QuotesearchError(f"the query was cancelled by {self.location}: {reason(e)}") from None

    def _check(self, cur) -> None:
        if not self._checked:
            found = version(cur, self.names)
            if found is None:
                raise no_index(self.location)
            check_version(found, self.location)
            self._checked = True

    def _ping(self) -> None:
        """Drop the connection when the server has ended it since its last use (a restart, an
        administrator's pg_terminate_backend, an idle timeout), so that a long-lived reader (``serve``)
        reconnects instead of failing its next read."""
        try:
            self._conn.execute("SELECT 1")
            self._conn.rollback()
        except psycopg.Error:
            self._drop()

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None

    def writer(self, rebuild: bool = False, lock_timeout: Optional[float] = None):
        from .writer import PostgresWriter

        self._checked = False  # the writer may create or rebuild the tables
        return PostgresWriter(self, rebuild, lock_timeout)

    # -- conditions ----------------------------------------------------------------------

    def _compile(self, cur, query: Optional[Node]) -> Optional[Compiled]:
        if query is None:
            return None
        compiled = Compiler(cur, self.names).compile(query)
        if compiled is None:
            raise QuerySyntaxError(f"the query has no searchable words; {EXAMPLE}")
        return compiled

    def _words(self, cur, config: str, value: str, option: str) -> str:
        query = cur.execute("SELECT plainto_tsquery(%s::regconfig, %s)::text", (config, value)).fetchone()[0]
        if not query:
            raise no_words(option, value)
        return query

    def _filters(self, cur, f: Filters) -> Compiled:
        """The filters as one SQL condition ('TRUE' when there are none)."""
        parts, params = [], []
        n = self.names
        if f.speaker is not None:
            keys = [k for k, _, _ in self._speaker_keys(cur, f.speaker, self.aliases_in(cur))] or [name_key(f.speaker)]
            parts.append("st.speaker_key = ANY(%s)")
            params.append(keys)
        for name, option in (("role", "--role"), ("organization", "--org")):
            value = getattr(f, name)
            if value is not None:
                parts.append(f"to_tsvector({n.english}, coalesce(st.{name}, '')) @@ %s::tsquery")
                params.append(self._words(cur, n.config, value, option))
        if f.outlet is not None:
            parts.append(f"st.source IN (SELECT so.source FROM {n.sources} so "
                         "WHERE to_tsvector('simple', coalesce(so.outlet, '')) @@ %s::tsquery)")
            params.append(self._words(cur, "simple", f.outlet, "--outlet"))
        if f.source is not None:
            parts.append("st.source = %s")
            params.append(f.source)
        if f.kind is not None:
            check_kind(f.kind.lower())
            parts.append("st." + KIND_SQL.format(kind=f.kind.lower()))  # a constant: its own index
        day = self._days(f)
        if day is not None:
            parts.append(day.sql)
            params += day.params
        return Compiled(" AND ".join(parts) or "TRUE", params)

    @staticmethod
    def _days(f: Filters, column: str = "st.day") -> Optional[Compiled]:
        if f.since is None and f.until is None:
            return None
        parts, params = [f"{column} IS NOT NULL"], []
        if f.since is not None:
            parts.append(f"{column} >= %s")
            params.append(day_bound(f.since, "--since"))
        if f.until is not None:
            parts.append(f"{column} <= %s")
            params.append(day_bound(f.until, "--until", end=True))
        return Compiled(" AND ".join(parts), params)

    def _speaker_keys(self, cur, name: str, aliases: Aliases) -> list[tuple[str, str, int]]:
        if not _tokens(name):
            raise no_name(name)
        wanted = wanted_keys(name, aliases)
        # every key a name stands for ends with the last word of one of the names it asks for
        rows = cur.execute(f"SELECT speaker_key, speaker, statements FROM {self.names.speakers} "
                           "WHERE last_word = ANY(%s)", (sorted({w.split()[-1] for w in wanted}),)).fetchall()
        found = [(k, speaker or k, count) for k, speaker, count in rows if any(key_matches(k, w) for w in wanted)]
        return sorted(found, key=lambda r: (-r[2], r[0]))

    # -- the protocol -----------------------------------------------------------------

    def search(self, query: Optional[Node], filters: Filters = Filters(), sort: str = "relevance",
               limit: Optional[int] = 20, group: bool = False) -> SearchResults:
        """As the whoosh store's (see WhooshStore.search): best first by ts_rank, in reading order,
        or by date; ``total`` exact; with ``group`` one hit per quote group; ``highlights`` as
        (start, end) offsets of the matched words in the statement's text."""
        check_sort(sort)
        with self._reading() as cur:
            q, flt = self._compile(cur, query), self._filters(cur, filters)
            where = f"({q.sql}) AND {flt.sql}" if q else flt.sql
            params = (q.params if q else []) + flt.params
            ranking = " | ".join(f"({r})" for r in q.ranking) if q and q.ranking else None
            score = "ts_rank(st.tsv, %s::tsquery)" if ranking else ("1.0" if q else "NULL")
            score_params = [ranking] if ranking else []
            order = _order(sort if q or sort != "relevance" else "reading")
            n = self.names
            if group:
                rows, total = self._grouped(cur, where, params, score, score_params, order, limit)
            elif q is None:  # the filters' indexes (and their order) answer the total and the page apart
                total = cur.execute(f"SELECT count(*) FROM {n.statements} st WHERE {where}", params).fetchone()[0]
                rows = cur.execute(
                    f"SELECT {SELECT_STATEMENT}, NULL, NULL FROM {n.statements} st "
                    f"LEFT JOIN {n.sources} so ON so.source = st.source WHERE {where} ORDER BY {order}"
                    + (" LIMIT %s" if limit else ""), params + ([limit] if limit else [])).fetchall() if total else []
            else:  # one pass over the matches: the total, and the first ``limit`` read whole
                rows = cur.execute(
                    f"WITH m AS MATERIALIZED (SELECT st.id, st.source, st.start, st.day, {score} AS score "
                    f"FROM {n.statements} st WHERE {where}), "
                    f"top AS (SELECT * FROM m st ORDER BY {order}" + (" LIMIT %s" if limit else "") + ") "
                    f"SELECT {SELECT_STATEMENT}, top.score, (SELECT count(*) FROM m) FROM top "
                    f"JOIN {n.statements} st ON st.id = top.id LEFT JOIN {n.sources} so ON so.source = st.source "
                    f"ORDER BY {order.replace('st.', 'top.')}",
                    score_params + params + ([limit] if limit else [])).fetchall()
                total = rows[0][-1] if rows else 0
            hits = [Hit(statement_from_row(r[:-2]), None if r[-2] is None else round(float(r[-2]), 3)) for r in rows]
            if group:
                self._sources_of_groups(cur, hits)
            if ranking and hits:
                for hit, spans in zip(hits, self._highlights(cur, [h.statement.text for h in hits], ranking)):
                    hit.highlights = spans
        return SearchResults(hits, total)

    def _grouped(self, cur, where, params, score, score_params, order, limit):
        """The first matching statement of each quote group (in ``order``), the first ``limit`` of
        them, with the number of groups."""
        n = self.names
        sql = (f"WITH m0 AS (SELECT st.id, st.source, st.start, st.day, "
               f"coalesce(st.quote_group, '#' || st.id) AS g, {score} AS score FROM {n.statements} st WHERE {where}), "
               f"m AS (SELECT id, g, row_number() OVER (ORDER BY {order}) AS rank FROM m0 st), "
               "f AS (SELECT DISTINCT ON (g) id, rank FROM m ORDER BY g, rank), "
               "t AS (SELECT id, rank, count(*) OVER () AS total FROM f ORDER BY rank"
               + (" LIMIT %s" if limit else "") + ") "
               f"SELECT {SELECT_STATEMENT}, {score} AS score, t.total FROM t "
               f"JOIN {n.statements} st ON st.id = t.id LEFT JOIN {n.sources} so ON so.source = st.source "
               "ORDER BY t.rank")
        rows = cur.execute(sql, score_params + params + ([limit] if limit else []) + score_params).fetchall()
        total = rows[0][-1] if rows else 0
        return rows, total

    def _sources_of_groups(self, cur, hits: list[Hit]) -> None:
        groups = sorted({h.statement.quote_group for h in hits if h.statement.quote_group})
        counts = dict(cur.execute(
            f"SELECT quote_group, count(DISTINCT source) FROM {self.names.statements} "
            "WHERE quote_group = ANY(%s) GROUP BY quote_group", (groups,)).fetchall()) if groups else {}
        for hit in hits:
            hit.sources = counts.get(hit.statement.quote_group, 1) if hit.statement.quote_group else 1

    def _highlights(self, cur, texts: list[str], ranking: str) -> list[list[tuple[int, int]]]:
        """The (start, end) offsets of the words of ``ranking`` in each text, adjacent ones joined (as
        the whoosh store's highlights), found by ts_headline with markers around every match."""
        options = f"HighlightAll=true, StartSel={START}, StopSel={STOP}"
        marked = [r[0] for r in cur.execute(
            f"SELECT ts_headline({self.names.english}, t, %s::tsquery, %s) "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS x(t, n) ORDER BY n", (ranking, options, texts)).fetchall()]
        return [_spans(text, m) for text, m in zip(texts, marked)]

    def aliases_in(self, cur) -> Aliases:
        row = cur.execute(f"SELECT data FROM {self.names.settings} WHERE name = %s", (ALIASES_FILE,)).fetchone()
        data = bytes(row[0]) if row else None
        if self._aliases is None or self._aliases[0] != data:
            try:
                aliases = Aliases.parse(data.decode("utf-8-sig")) if data is not None else Aliases()
            except (UnicodeDecodeError, ValueError):
                aliases = Aliases()
            self._aliases = (data, aliases)
        return self._aliases[1]

    def statements(self, query: Optional[Node] = None, filters: Filters = Filters(),
                   sort: str = "reading") -> Iterator[Statement]:
        """Every matching statement, one at a time, in reading order or by date, all from the state
        of the store at the call (a server-side cursor in one transaction)."""
        check_sort(sort)
        with self._reading() as cur:  # compiled (and errors raised) now, with the version checked
            q, flt = self._compile(cur, query), self._filters(cur, filters)
        where = f"({q.sql}) AND {flt.sql}" if q else flt.sql
        params = (q.params if q else []) + flt.params
        n = self.names
        sql = (f"SELECT {SELECT_STATEMENT} FROM {n.statements} st LEFT JOIN {n.sources} so ON so.source = st.source "
               f"WHERE {where} ORDER BY {_order('reading' if sort == 'relevance' else sort)}")
        conn = self._spare.pop() if self._spare else self._connect()
        try:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor = conn.cursor(name="qs_statements_stream")
            cursor.itersize = STREAM_ROWS
            cursor.execute(sql, params)  # the snapshot is taken here, at the call
        except psycopg.Error as e:
            with contextlib.suppress(Exception):
                conn.close()
            if isinstance(e, psycopg.errors.UndefinedTable):
                raise no_index(self.location) from None
            raise QuotesearchError(f"cannot read the index at {self.location}: {reason(e)}") from None
        return self._stream(conn, cursor)

    def _stream(self, conn, cursor) -> Iterator[Statement]:
        done = False
        try:
            for row in cursor:
                yield statement_from_row(row)
            done = True
        except psycopg.Error as e:
            raise QuotesearchError(f"cannot read the index at {self.location}: {reason(e)}") from None
        finally:
            try:
                cursor.close()
                conn.rollback()
                if done or not conn.broken:
                    self._spare.append(conn)
            except Exception:  # noqa: BLE001 - a broken connection is not kept
                with contextlib.suppress(Exception):
                    conn.close()

    def statement(self, statement_id: str) -> Statement:
        n = self.names
        with self._reading() as cur:
            row = cur.execute(f"SELECT {SELECT_STATEMENT} FROM {n.statements} st "
                              f"LEFT JOIN {n.sources} so ON so.source = st.source WHERE st.id = %s",
                              (statement_id,)).fetchone()
        if row is None:
            raise NotFound(f"no statement {statement_id!r} in the index at {self.location}; "
                           "ids look like SOURCE:OFFSET, find them with `quotesearch search`")
        return statement_from_row(row)

    def source(self, source_id: str) -> Source:
        with self._reading() as cur:
            row = cur.execute(f"SELECT {', '.join(SOURCE_COLUMNS)} FROM {self.names.sources} WHERE source = %s",
                              (source_id,)).fetchone()
        if row is None:
            raise NotFound(f"no source {source_id!r} in the index at {self.location}; "
                           "list them with `quotesearch sources`")
        return source_from_row(row)

    def sources(self, filters: Filters = Filters()) -> list[Source]:
        """Every source passing the date and outlet filters (the others are not asked), by id."""
        parts, params = [], []
        day = self._days(filters, "day")
        if day is not None:
            parts.append(day.sql)
            params += day.params
        with self._reading() as cur:
            if filters.outlet is not None:
                parts.append("to_tsvector('simple', coalesce(outlet, '')) @@ %s::tsquery")
                params.append(self._words(cur, "simple", filters.outlet, "--outlet"))
            rows = cur.execute(f"SELECT {', '.join(SOURCE_COLUMNS)} FROM {self.names.sources} "
                               f"WHERE {' AND '.join(parts) or 'TRUE'} ORDER BY source", params).fetchall()
        return [source_from_row(r) for r in rows]

    def quote_group(self, group_id: str) -> list[Statement]:
        n = self.names
        with self._reading() as cur:
            rows = cur.execute(f"SELECT {SELECT_STATEMENT} FROM {n.statements} st "
                               f"LEFT JOIN {n.sources} so ON so.source = st.source WHERE st.quote_group = %s "
                               "ORDER BY st.source, st.start, st.id", (group_id,)).fetchall()
        return [statement_from_row(r) for r in rows]

    def speaker_keys(self, name: str) -> list[tuple[str, str, int]]:
        with self._reading() as cur:
            return self._speaker_keys(cur, name, self.aliases_in(cur))

    def setting(self, name: str) -> Optional[bytes]:
        try:
            with self._reading(check=False) as cur:  # a store of another version too (what a rebuild reads)
                if cur.execute("SELECT to_regclass(%s)", (self.names.settings,)).fetchone()[0] is None:
                    return None
                row = cur.execute(f"SELECT data FROM {self.names.settings} WHERE name = %s", (name,)).fetchone()
        except NoIndex:
            return None
        return bytes(row[0]) if row else None

    def close(self) -> None:
        with self._lock:
            self._drop()
            while self._spare:
                with contextlib.suppress(Exception):
                    self._spare.pop().close()


def _order(sort: str) -> str:
    reading = "st.source, st.start, st.id"
    return {"relevance": f"st.score DESC, {reading}", "reading": reading,
            "date": f"st.day ASC NULLS LAST, {reading}", "-date": f"st.day DESC NULLS LAST, {reading}"}[sort]


def _spans(text: str, marked: str) -> list[tuple[int, int]]:
    """The offsets in ``text`` of the words between markers in ``marked`` (``text`` with markers
    added), adjacent ones (only white space between) joined; none when the two do not agree."""
    if START in text or STOP in text:
        return []
    spans: list[list[int]] = []
    plain, start = 0, None
    for ch in marked:
        if ch == START:
            start = plain
        elif ch == STOP and start is not None:
            if spans and not text[spans[-1][1]:start].strip():
                spans[-1][1] = plain
            else:
                spans.append([start, plain])
            start = None
        else:
            plain += 1
    if marked.replace(START, "").replace(STOP, "") != text:
        return []
    return [tuple(s) for s in spans]
