"""Writing the PostgreSQL store: one ``PostgresWriter`` per run (the ``StoreWriter`` of store/base.py).

A batch is one transaction: it starts by taking the schema's advisory write lock
(``pg_advisory_xact_lock``, held until the transaction ends), and at ``commit`` deletes the rows of
every source replaced in it, copies the new rows in with ``COPY``, raises the commit counter in
qs_meta and commits. A rebuild also holds the lock as a session lock from start to end, writes into
``*_rebuild`` tables (its batches copied by two more connections at once: ``_Copier``) and swaps them
in in one transaction at a clean end (see __init__.py).
"""
from __future__ import annotations

import collections
import contextlib
from typing import Iterator, Optional

import psycopg

from ...models import Source, Statement
from . import schema
from .schema import (REBUILD, SELECT_STATEMENT, SOURCE_COLUMNS, WRITTEN_COLUMNS, Names, check_version, connect,
                     failed, locked, source_from_row, source_row, statement_from_row, statement_row)


class _Copier:
    """A rebuild's batches, copied by COPIERS connections of their own at once, each in its own
    transaction: the server computes the tsvector of each row, the slowest part of a load, on as
    many cores. The order of a rebuild's commits does not matter (nothing is seen until the swap),
    except for a source written again: its batch waits for those before it. Reads wait for all."""

    COPIERS = 2
    AHEAD = 2  # batches waiting per copier, at most (memory)

    def __init__(self, writer: "PostgresWriter"):
        import concurrent.futures
        import queue

        self.writer = writer
        self.pool = concurrent.futures.ThreadPoolExecutor(self.COPIERS, thread_name_prefix="qs-copy")
        self.idle: "queue.SimpleQueue" = queue.SimpleQueue()
        self.conns: list = []
        self.flying: list = []  # (future, source ids)

    def submit(self, pending: dict) -> None:
        sources = set(pending)
        if any(sources & ids for _, ids in self.flying):
            self.wait()
        while len(self.flying) >= self.COPIERS * self.AHEAD:
            self.flying.pop(0)[0].result()
        self.flying.append((self.pool.submit(self._copy, dict(pending)), sources))

    def _copy(self, pending: dict) -> None:
        self._job([lambda cur: self.writer._write(cur.connection, pending)])

    def run(self, jobs: list) -> None:
        """Run jobs (lists of steps: functions of a cursor) at once, each in a transaction; wait for all."""
        for job in jobs:
            self.flying.append((self.pool.submit(self._job, job), set()))
        self.wait()

    def _job(self, steps: list) -> None:
        try:
            conn = self.idle.get_nowait()
        except Exception:  # noqa: BLE001 - queue.Empty: one more connection
            conn = connect(self.writer.store.conninfo, self.writer.location)
            # a batch's commit does not wait for its WAL to reach the disk: nothing of a rebuild is
            # seen before the swap, whose commit waits for it, and for all written before it
            conn.execute("SET synchronous_commit = off")
            conn.commit()
            self.conns.append(conn)
        try:
            cur = conn.cursor()
            for step in steps:
                step(cur)
            conn.commit()
        except BaseException:
            with contextlib.suppress(Exception):
                conn.rollback()
            raise
        finally:
            self.idle.put(conn)

    def wait(self) -> None:
        """Every batch submitted, copied and committed (the first error raised)."""
        flying, self.flying = self.flying, []
        for future, _ in flying:
            future.result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        for conn in self.conns:
            with contextlib.suppress(Exception):
                conn.close()


class PostgresWriter:
    """One run's writes to one schema; see store.base.StoreWriter for the contract."""

    def __init__(self, store, rebuild: bool = False, lock_timeout: Optional[float] = None):
        self.store, self.rebuild, self.lock_timeout = store, rebuild, lock_timeout
        self.location = store.location
        self.live = Names(store.schema)
        self.target = Names(store.schema, REBUILD) if rebuild else self.live
        self.conn: Optional[psycopg.Connection] = None
        self._batch = False  # a transaction holding the write lock is open
        self._pending: dict[str, Optional[tuple[Source, list[Statement]]]] = {}
        self._settings: dict[str, bytes] = {}  # a rebuild's, written when it is swapped in
        self._generation: Optional[int] = None  # the commit counter as this run last knew it
        self._copier: Optional[_Copier] = None  # a rebuild's

    # -- the run ----------------------------------------------------------------------

    def __enter__(self) -> "PostgresWriter":
        if self.lock_timeout is None:
            self.lock_timeout = schema.LOCK_TIMEOUT
        self.conn = connect(self.store.conninfo, self.location)
        try:
            with self._failing():
                self._prepare()
        except BaseException:
            self._close()
            raise
        return self

    def _prepare(self) -> None:
        cur = self.conn.cursor()
        live = self.live
        if self.rebuild:
            self._set_timeout(cur)
            self._lock(cur, "SELECT pg_advisory_lock(%s, hashtext(%s))")  # until the end of the run
            schema.create_base(cur, live)
            schema.drop_rebuild_tables(cur, live)
            schema.create_tables(cur, self.target, all_indexes=False)
            self.conn.commit()
            self._copier = _Copier(self)
        else:
            found = schema.version(cur, live)
            has_tables = cur.execute("SELECT to_regclass(%s)", (live.statements,)).fetchone()[0] is not None
            self.conn.commit()
            if found is None or not has_tables:  # a new store: created under the lock
                self._open_batch()
                schema.create_base(cur, live)
                found = schema.version(cur, live)
                if found is None or not cur.execute("SELECT to_regclass(%s)", (live.statements,)).fetchone()[0]:
                    schema.create_tables(cur, live)
                    schema.write_meta(cur, live)
                    found = str(schema.SCHEMA_VERSION)
                self.conn.commit()
                self._batch = False
            check_version(found, self.location)
        self._generation = self._read_generation(cur)
        self.conn.commit()

    def __exit__(self, kind, value, traceback) -> None:
        """A clean end commits what is pending (and swaps a rebuild in); an exception drops what
        was not committed, and a rebuild's tables."""
        try:
            if kind is None:
                with self._failing():
                    self.commit()
                    if self.rebuild:
                        self._copier.wait()
                        self._swap()
        except BaseException:
            kind = kind or Exception
            raise
        finally:
            if self._copier is not None:
                self._copier.close()  # (their transactions end before the tables are dropped)
            if kind is not None and self.rebuild and self.conn is not None and not self.conn.closed:
                with contextlib.suppress(Exception):
                    self.conn.rollback()
                    schema.drop_rebuild_tables(self.conn.cursor(), self.live)
                    self.conn.commit()
            self._close()

    def _swap(self) -> None:
        cur = self.conn.cursor()
        # indexes built once over every row (faster than row by row), at once on the copiers' connections
        self._copier.run(schema.finish_jobs(self.target))
        self._set_timeout(cur, None)  # readers of the old tables finish first, however long
        schema.create_base(cur, self.live)
        schema.swap_in(cur, self.live, self.target)
        schema.write_meta(cur, self.live)
        for name, data in self._settings.items():
            self._put_setting(cur, name, data)
        self._bump(cur)
        self.conn.commit()
        # planner statistics and the visibility map (index-only scans) of the new tables, now
        # rather than when autovacuum gets to them; still under the run's lock
        self.conn.autocommit = True
        try:
            for table in (self.live.statements, self.live.sources, self.live.speakers):
                cur.execute(f"VACUUM (ANALYZE) {table}")
        finally:
            self.conn.autocommit = False

    # -- reading under the lock ----------------------------------------------------------

    def _query(self, sql: str, params=()) -> list:
        """Rows of a read: inside the open batch, else in a transaction of its own."""
        with self._failing():
            if self._copier is not None:
                self._copier.wait()  # a rebuild's batches first
            rows = self.conn.execute(sql, params).fetchall()
            if not self._batch:
                self.conn.commit()
        return rows

    def known_sources(self) -> dict[str, str]:
        return dict(self._query(f"SELECT source, source_hash FROM {self.target.sources}"))

    def refresh(self) -> bool:
        self._open_batch()
        generation = self._read_generation(self.conn.cursor())
        changed, self._generation = generation != self._generation, generation
        return changed

    def statements_of_speaker(self, speaker_key: str) -> Iterator[Statement]:
        t = self.target
        rows = self._query(f"SELECT {SELECT_STATEMENT} FROM {t.statements} st LEFT JOIN {t.sources} so "
                           "ON so.source = st.source WHERE st.speaker_key = %s ORDER BY st.source, st.start, st.id",
                           (speaker_key,))
        return iter([statement_from_row(r) for r in rows])

    def statements_of_source(self, source_id: str) -> Optional[tuple[Source, list[Statement]]]:
        t = self.target
        found = self._query(f"SELECT {', '.join(SOURCE_COLUMNS)} FROM {t.sources} WHERE source = %s", (source_id,))
        if not found:
            return None
        rows = self._query(f"SELECT {SELECT_STATEMENT} FROM {t.statements} st LEFT JOIN {t.sources} so "
                           "ON so.source = st.source WHERE st.source = %s ORDER BY st.start, st.id", (source_id,))
        return source_from_row(found[0]), [statement_from_row(r) for r in rows]

    def totals(self) -> tuple[int, int]:
        t = self.target
        return tuple(int(x) for x in self._query(f"SELECT count(*), coalesce(sum(statements), 0) FROM {t.sources}")[0])

    # -- writing ---------------------------------------------------------------------------

    def replace_source(self, source: Source, statements: list[Statement]) -> None:
        repeated = [i for i, n in collections.Counter(st.id for st in statements).items() if n > 1]
        if repeated:
            raise ValueError(f"statement ids {', '.join(repeated)} given to several statements of {source.source}")
        self._open_batch()
        self._pending[source.source] = (source, list(statements))

    def delete_source(self, source_id: str) -> None:
        self._open_batch()
        self._pending[source_id] = None

    def write_setting(self, name: str, data: bytes) -> None:
        if self.rebuild:
            self._settings[name] = data
            return
        with self._failing():
            self._put_setting(self.conn.cursor(), name, data)
            if not self._batch:
                self.conn.commit()

    def commit(self) -> None:
        """Write the batch in its transaction and commit it (releasing the lock); without writes,
        end the transaction (the counter stays)."""
        if not self._batch:
            return
        with self._failing():
            if self._pending and self.rebuild:  # copied by another connection while this run goes on
                self._copier.submit(self._pending)
            elif self._pending:
                self._write(self.conn, self._pending)
                self._generation = self._bump(self.conn.cursor())
            self.conn.commit()
        self._batch, self._pending = False, {}

    # -- inside ---------------------------------------------------------------------------

    def _write(self, conn, pending: dict) -> None:
        """Replace the sources of ``pending`` in ``conn``'s open transaction."""
        t = self.target
        cur = conn.cursor()
        ids = list(pending)
        keys = {k for (k,) in cur.execute(f"WITH d AS (DELETE FROM {t.statements} WHERE source = ANY(%s) "
                                          "RETURNING speaker_key) SELECT DISTINCT speaker_key FROM d", (ids,))}
        cur.execute(f"DELETE FROM {t.sources} WHERE source = ANY(%s)", (ids,))
        written = [v for v in pending.values() if v is not None]
        keys.update(st.speaker_key for _, sts in written for st in sts)
        try:
            with conn.transaction():  # a savepoint: text PostgreSQL cannot hold is cleaned, and written again
                self._copy(cur, written, cleaned=False)
        except (psycopg.errors.CharacterNotInRepertoire, psycopg.errors.UntranslatableCharacter,
                psycopg.DataError, UnicodeEncodeError):
            self._copy(cur, written, cleaned=True)
        if not self.rebuild:  # a rebuild counts them all at its end
            schema.count_speakers(cur, t, sorted(keys - {""}))

    def _copy(self, cur, written: list, cleaned: bool) -> None:
        t = self.target
        with cur.copy(f"COPY {t.statements} ({', '.join(WRITTEN_COLUMNS)}) FROM STDIN") as copy:
            for source, sts in written:
                day = (source.date or "")[:10] or None
                for st in sts:
                    copy.write_row(statement_row(st, day, cleaned))
        with cur.copy(f"COPY {t.sources} ({', '.join(SOURCE_COLUMNS)}) FROM STDIN") as copy:
            for source, sts in written:
                copy.write_row(source_row(source, len(sts)))

    def _put_setting(self, cur, name: str, data: bytes) -> None:
        cur.execute(f"INSERT INTO {self.live.settings} VALUES (%s, %s) "
                    "ON CONFLICT (name) DO UPDATE SET data = excluded.data", (name, data))

    def _read_generation(self, cur) -> int:
        row = cur.execute(f"SELECT value FROM {self.live.meta} WHERE name = 'generation'").fetchone()
        return int(row[0]) if row else 0

    def _bump(self, cur) -> int:
        return int(cur.execute(f"UPDATE {self.live.meta} SET value = (value::bigint + 1)::text "
                               "WHERE name = 'generation' RETURNING value").fetchone()[0])

    def _open_batch(self) -> None:
        """Start the batch's transaction, taking the write lock (IndexLocked after lock_timeout)."""
        if self._batch:
            return
        with self._failing():
            self.conn.commit()  # a fresh transaction: the lock's, and nothing read before it
            cur = self.conn.cursor()
            self._set_timeout(cur)
            self._lock(cur, "SELECT pg_advisory_xact_lock(%s, hashtext(%s))")
        self._batch = True

    def _set_timeout(self, cur, seconds: Optional[float] = -1.0) -> None:
        seconds = self.lock_timeout if seconds == -1.0 else seconds
        value = "0" if seconds is None else f"{max(1, int(seconds * 1000))}ms"  # 0 is "wait for ever" to PostgreSQL
        cur.execute("SELECT set_config('lock_timeout', %s, false)", (value,))

    def _lock(self, cur, sql: str) -> None:
        try:
            cur.execute(sql, (schema.LOCK_CLASS, self.live.schema))
        except psycopg.errors.LockNotAvailable:
            self.conn.rollback()
            raise locked(self.location) from None

    @contextlib.contextmanager
    def _failing(self):
        """What the server refuses (no space, no permission, a lost connection …) as one line."""
        try:
            yield
        except psycopg.errors.LockNotAvailable:
            raise locked(self.location) from None
        except psycopg.Error as e:
            with contextlib.suppress(Exception):
                self.conn.rollback()
            self._batch, self._pending = False, {}
            raise failed(self.location, e) from None

    def _close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.rollback()
            with contextlib.suppress(Exception):
                self.conn.close()  # also releases a rebuild's session lock
            self.conn = None
        self._batch = False
