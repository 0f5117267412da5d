"""A store that keeps everything in a dict, for the contract tests: it proves the ``Store`` protocol
is complete (a second store needs nothing but the protocol) and is the simplest reading of what each
query and filter means. Words are lowercased runs of letters and digits; there is no stemming and
there are no stop words."""
from __future__ import annotations

import fnmatch
import re
import tempfile
import threading
from dataclasses import replace
from pathlib import Path
from typing import Iterator, Optional

from quotesearch.errors import IndexLocked, NotFound
from quotesearch.identity.speakers import ALIASES_FILE, Aliases, key_matches, wanted_keys
from quotesearch.ingest.dates import parse_bound
from quotesearch.models import Filters, Hit, SearchResults, Source, Statement
from quotesearch.store.base import SORTS
from quotesearch.store.query import And, Node, Not, Or, Phrase, Range, Word

_WORD = re.compile(r"\w+")


def words(text: Optional[str]) -> list[str]:
    return [w.lower() for w in _WORD.findall(text or "")]


Contents = dict  # source id -> (Source, [Statement]), replaced whole at each commit


class MemoryStore:
    location = "memory"

    def __init__(self):
        self._sources: Contents = {}
        self._settings: dict[str, bytes] = {}
        self._write_lock = threading.Lock()

    # -- writing ------------------------------------------------------------------

    def writer(self, rebuild: bool = False, lock_timeout: Optional[float] = None) -> "MemoryWriter":
        return MemoryWriter(self, rebuild, lock_timeout)

    # -- reading ------------------------------------------------------------------

    def _all(self) -> list[Statement]:
        snapshot = self._sources  # replaced whole by a commit, never changed in place
        return [st for _, (_, sts) in sorted(snapshot.items()) for st in sorted(sts, key=_start)]

    def search(self, query: Optional[Node], filters: Filters = Filters(), sort: str = "relevance",
               limit: Optional[int] = 20, group: bool = False) -> SearchResults:
        assert sort in SORTS
        every = self._all()
        found = [st for st in every if self._passes(st, filters) and (query is None or _matches(query, st))]
        if query is not None and sort == "relevance":
            found.sort(key=lambda st: -_score(query, st))  # stable: ties in reading order
        elif sort in ("date", "-date"):
            found = _by_date(found, sort)
        total = len(found)
        if group:
            firsts, seen = [], set()
            for st in found:
                g = st.quote_group or st.id
                if g not in seen:
                    seen.add(g)
                    firsts.append(st)
            found, total = firsts, len(firsts)
        kept = found[:limit] if limit else found
        hits = [Hit(st, score=None if query is None else float(_score(query, st)),
                    highlights=_highlights(query, st)) for st in kept]
        if group:
            for hit in hits:
                g = hit.statement.quote_group
                hit.sources = len({s.source for s in every if s.quote_group == g}) if g else 1
        return SearchResults(hits, total)

    def statements(self, query: Optional[Node] = None, filters: Filters = Filters(),
                   sort: str = "reading") -> Iterator[Statement]:
        results = self.search(query, filters, sort="reading" if sort == "relevance" else sort, limit=None)
        return iter([h.statement for h in results])

    def statement(self, statement_id: str) -> Statement:
        for st in self._all():
            if st.id == statement_id:
                return st
        raise NotFound(f"no statement {statement_id!r}")

    def source(self, source_id: str) -> Source:
        found = self._sources.get(source_id)
        if found is None:
            raise NotFound(f"no source {source_id!r}")
        return found[0]

    def sources(self, filters: Filters = Filters()) -> list[Source]:
        rows = [src for src, _ in self._sources.values()]
        return sorted((s for s in rows if _dated(s.date, filters) and _has_words(s.outlet, filters.outlet)),
                      key=lambda s: s.source)

    def quote_group(self, group_id: str) -> list[Statement]:
        return [st for st in self._all() if st.quote_group == group_id]

    def speaker_keys(self, name: str) -> list[tuple[str, str, int]]:
        wanted = wanted_keys(name, self._aliases())
        counts: dict[str, list] = {}
        for st in self._all():
            if st.speaker_key and any(key_matches(st.speaker_key, w) for w in wanted):
                counts.setdefault(st.speaker_key, [st.speaker, 0])[1] += 1
        return sorted(((k, n, c) for k, (n, c) in counts.items()), key=lambda r: (-r[2], r[0]))

    def _aliases(self) -> Aliases:
        data = self.setting(ALIASES_FILE)
        if data is None:
            return Aliases()
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / ALIASES_FILE).write_bytes(data)
            return Aliases.in_index(folder)

    def setting(self, name: str) -> Optional[bytes]:
        return self._settings.get(name)

    def close(self) -> None:
        pass

    def _passes(self, st: Statement, f: Filters) -> bool:
        if f.speaker is not None:
            keys = {k for k, _, _ in self.speaker_keys(f.speaker)}
            if st.speaker_key not in keys:
                return False
        return (_has_words(st.role, f.role) and _has_words(st.organization, f.organization)
                and _has_words(st.outlet, f.outlet) and (f.source is None or st.source == f.source)
                and (f.kind is None or st.kind == f.kind.lower()) and _dated(st.date, f))


class MemoryWriter:
    """Commits replace the store's contents whole (readers see one state or the next); a rebuild
    works on an empty copy that replaces the store's contents when the ``with`` block succeeds."""

    def __init__(self, store: MemoryStore, rebuild: bool, lock_timeout: Optional[float]):
        self.store, self.rebuild, self.lock_timeout = store, rebuild, lock_timeout
        self._pending: dict[str, Optional[tuple[Source, list[Statement]]]] = {}
        self._settings: dict[str, bytes] = {}
        self._held = False

    def __enter__(self) -> "MemoryWriter":
        if not self.store._write_lock.acquire(timeout=self.lock_timeout if self.lock_timeout is not None else -1):
            raise IndexLocked("another run is writing to the memory store")
        self._held = True
        self._contents: Contents = {} if self.rebuild else self.store._sources
        return self

    def __exit__(self, kind, value, traceback) -> None:
        try:
            if kind is None and self._pending:  # a clean end commits what is pending
                self.commit()
            if kind is None and self.rebuild:
                self.store._sources = self._contents
        finally:
            self._pending = {}
            self._held = False
            self.store._write_lock.release()

    def _check(self) -> None:
        if not self._held:
            raise RuntimeError("use the writer in a with block")

    def known_sources(self) -> dict[str, str]:
        self._check()
        return {k: src.source_hash for k, (src, _) in self._contents.items()}

    def replace_source(self, source: Source, statements: list[Statement]) -> None:
        self._check()
        ids = [st.id for st in statements]
        if len(ids) != len(set(ids)):
            raise ValueError(f"{source.source}: two statements share one id")
        self._pending[source.source] = (replace(source, statements=len(statements)), list(statements))

    def delete_source(self, source_id: str) -> None:
        self._check()
        self._pending[source_id] = None

    def refresh(self) -> bool:
        """The lock is held for the whole run: no other run can have committed."""
        self._check()
        return False

    def statements_of_source(self, source_id: str) -> Optional[tuple[Source, list[Statement]]]:
        self._check()
        if source_id not in self._contents:
            return None
        source, statements = self._contents[source_id]
        return source, sorted(statements, key=_start)

    def statements_of_speaker(self, speaker_key: str) -> Iterator[Statement]:
        self._check()
        return iter([st for _, (_, sts) in sorted(self._contents.items()) for st in sorted(sts, key=_start)
                     if st.speaker_key == speaker_key])

    def write_setting(self, name: str, data: bytes) -> None:
        self._check()
        self._settings[name] = data
        if not self.rebuild:
            self.store._settings[name] = data

    def commit(self) -> None:
        self._check()
        contents = dict(self._contents)
        for key, value in self._pending.items():
            if value is None:
                contents.pop(key, None)
            else:
                contents[key] = value
        self._contents, self._pending = contents, {}
        if not self.rebuild:
            self.store._sources = contents

    def totals(self) -> tuple[int, int]:
        return len(self._contents), sum(len(sts) for _, sts in self._contents.values())


def _start(st: Statement) -> int:
    return st.spans[0][0] if st.spans else 0


def _has_words(value: Optional[str], wanted: Optional[str]) -> bool:
    return wanted is None or set(words(wanted)) <= set(words(value))


def _dated(date: Optional[str], f: Filters) -> bool:
    if f.since is None and f.until is None:
        return True
    if not date:
        return False
    day = date[:10]
    return ((f.since is None or day >= parse_bound(f.since))
            and (f.until is None or day <= parse_bound(f.until, end=True)))


def _by_date(found: list[Statement], sort: str) -> list[Statement]:
    dated = sorted((st for st in found if st.date), key=lambda st: st.date[:10], reverse=sort == "-date")
    return dated + [st for st in found if not st.date]


def _field_words(st: Statement, field: str) -> list[str]:
    return words(str(getattr(st, field) or ""))


def _matches(node: Node, st: Statement) -> bool:
    if isinstance(node, And):
        return all(_matches(p, st) for p in node.parts)
    if isinstance(node, Or):
        return any(_matches(p, st) for p in node.parts)
    if isinstance(node, Not):
        return not _matches(node.part, st)
    if isinstance(node, Range):
        value = str(getattr(st, node.field) or "")
        if node.field == "paragraph":
            low, high, value = (int(v) if v is not None else None for v in (node.low, node.high, value))
        else:
            low, high, value = node.low and node.low.lower(), node.high and node.high.lower(), value.lower()
        return (low is None or value >= low) and (high is None or value <= high)
    have = _field_words(st, node.field)
    if isinstance(node, Word) and node.wildcard:
        return any(fnmatch.fnmatchcase(w, node.text.lower()) for w in have)
    want = words(node.text)
    if isinstance(node, Phrase):
        n = len(want)
        return any(have[i:i + n] == want for i in range(len(have) - n + 1))
    return set(want) <= set(have)


def _score(node: Node, st: Statement) -> int:
    return sum(words(st.text).count(w) for w in _query_words(node))


def _query_words(node: Optional[Node]) -> list[str]:
    if node is None:
        return []
    if isinstance(node, (And, Or)):
        return [w for p in node.parts for w in _query_words(p)]
    if isinstance(node, (Not, Range)) or node.field != "text" or (isinstance(node, Word) and node.wildcard):
        return []
    return words(node.text)


def _highlights(node: Optional[Node], st: Statement) -> list[tuple[int, int]]:
    wanted = set(_query_words(node))
    return [m.span() for m in _WORD.finditer(st.text) if m.group().lower() in wanted]
