"""What every store answers alike: the ``Store`` protocol.

A store keeps sources (articles' metadata and content hash) and their statements, and answers
queries. It knows nothing of extraction, speaker keys or quote groups: the indexer above it sets
``speaker_key`` and ``quote_group`` on each statement before it is written, and a store keeps them
as given. The contract tests (tests/store/test_contract.py) state what "alike" means.

Shapes: a query is a tree from ``store.query.parse`` (or None for every statement); a filter is a
frozen ``Filters``; ``sort`` is 'relevance' (best first; reading order when there is no query),
'reading' (by source id, then start offset), 'date' or '-date' (by the article's date, undated
last, ties in reading order); ``limit`` None means all.
"""
from __future__ import annotations

from typing import Iterable, Iterator, Optional, Protocol, runtime_checkable

from ..errors import QuerySyntaxError
from ..models import KINDS, Filters, SearchResults, Source, Statement
from .query import Node

SORTS = ("relevance", "reading", "date", "-date")


def check_kind(kind: str) -> None:
    """QuerySyntaxError unless ``kind`` is one of KINDS (the same line from every store)."""
    if kind not in KINDS:
        raise QuerySyntaxError(f"--kind {kind!r} is not one of {', '.join(KINDS)}")


def check_sort(sort: str) -> None:
    """QuerySyntaxError unless ``sort`` is one of SORTS."""
    if sort not in SORTS:
        raise QuerySyntaxError(f"--sort {sort!r} is not one of {', '.join(SORTS)}")


def no_words(option: str, value: str) -> QuerySyntaxError:
    """A filter whose value has nothing a store can search for (stop words, punctuation)."""
    return QuerySyntaxError(f"{option} {value!r} has no searchable words; try a more specific word")


def no_name(name: str) -> QuerySyntaxError:
    """A --speaker with no word of a name in it."""
    return QuerySyntaxError(f"--speaker {name!r} has no name in it; e.g. --speaker barros")


@runtime_checkable
class StoreWriter(Protocol):
    """One writing run, used as a context manager. The store's write lock is held from a batch's
    first write (or ``refresh``) to its ``commit``, so that runs at once take turns between batches;
    a rebuild holds it from the start to the end of the ``with`` block. What was ``commit``-ted stays
    whatever happens after, and a source is replaced whole within one commit; a block that ends
    without an exception commits what is pending. A rebuild's commits replace the old sources and
    statements (settings stay unless written again) only when the block ends without an exception;
    until then readers see the old store, and on an exception the old store stays as it was. Raises
    IndexLocked (another run writes), QuotesearchError (cannot write: no space, read-only …; what was
    committed is kept, nothing half written is left)."""

    def __enter__(self) -> "StoreWriter": ...

    def __exit__(self, *exc) -> None: ...

    def known_sources(self) -> dict[str, str]:
        """{source id: content hash} of every source committed, as this run last saw the store."""

    def refresh(self) -> bool:
        """Take the write lock for the next commit, if not held; True when another run committed
        since this one last looked (what ``statements_of_speaker`` said before may be out of date)."""

    def replace_source(self, source: Source, statements: list[Statement]) -> None:
        """Delete ``source.source``'s statements, if any, and write these (ids unique, else
        ``ValueError``). Readers see the old or the new source, never a mix, after ``commit``."""

    def delete_source(self, source_id: str) -> None: ...

    def statements_of_speaker(self, speaker_key: str) -> Iterator[Statement]:
        """Statements of one speaker key as committed, by this run and, up to its last ``refresh``,
        by others (quote groups are assigned against them), in reading order."""

    def statements_of_source(self, source_id: str) -> Optional[tuple[Source, list[Statement]]]:
        """A committed source and its statements in reading order (None when there is none): what
        ``replace_source`` needs to write a source again with other quote groups."""

    def write_setting(self, name: str, data: bytes) -> None:
        """Keep a small named file with the store (e.g. the aliases), replaced whole."""

    def commit(self) -> None: ...

    def totals(self) -> tuple[int, int]:
        """(sources, statements) in the store as this run leaves it."""


@runtime_checkable
class Store(Protocol):
    """A place where statements are kept: open with a location, close when done."""

    location: str

    def writer(self, rebuild: bool = False, lock_timeout: Optional[float] = None) -> StoreWriter:
        """Start a writing run (rebuild: the run's commits replace everything). Raises IndexBusy."""

    def search(self, query: Optional[Node], filters: Filters = Filters(), sort: str = "relevance",
               limit: Optional[int] = 20, group: bool = False) -> SearchResults:
        """Matching statements (``limit`` of them, or one per quote group with ``group``) and the
        exact number that match."""

    def statements(self, query: Optional[Node] = None, filters: Filters = Filters(),
                   sort: str = "reading") -> Iterator[Statement]:
        """Every matching statement, one at a time, without a limit."""

    def statement(self, statement_id: str) -> Statement:
        """One statement by id. Raises NotFound."""

    def source(self, source_id: str) -> Source:
        """One source by id. Raises NotFound."""

    def sources(self, filters: Filters = Filters()) -> list[Source]:
        """Every source passing the date and outlet filters, by id."""

    def quote_group(self, group_id: str) -> list[Statement]:
        """Every statement of one quote group, in reading order."""

    def speaker_keys(self, name: str) -> list[tuple[str, str, int]]:
        """(speaker key, name as quoted, statements) of the speakers a name stands for, most
        statements first: a full name is that speaker (after the aliases), a surname the speakers
        whose name ends with it (identity.speakers.key_matches)."""

    def setting(self, name: str) -> Optional[bytes]:
        """A named file kept with ``StoreWriter.write_setting`` (None when there is none)."""

    def close(self) -> None: ...


def speakers_of(statements: Iterable[Statement]) -> list:
    """One ``Speaker`` per speaker key, most statements first (a store may answer faster)."""
    from collections import Counter

    from ..models import Speaker

    groups: dict[str, dict] = {}
    for st in statements:
        g = groups.setdefault(st.speaker_key or st.speaker, {
            "names": Counter(), "types": Counter(), "roles": Counter(), "orgs": Counter(), "count": 0,
            "sources": set(), "days": [], "shown": {}})
        g["names"][st.speaker] += 1
        g["types"][st.speaker_type or "unknown"] += 1
        for key, value in (("roles", st.role), ("orgs", st.organization)):
            if value:
                g[key][value.lower()] += 1
                g["shown"].setdefault(value.lower(), value)
        g["count"] += 1
        g["sources"].add(st.source)
        if st.date:
            g["days"].append(st.date[:10])
    rows = [Speaker(speaker=g["names"].most_common(1)[0][0], speaker_key=key,
                    speaker_type=g["types"].most_common(1)[0][0],
                    roles=[g["shown"][r] for r, _ in g["roles"].most_common()],
                    organizations=[g["shown"][o] for o, _ in g["orgs"].most_common()],
                    statements=g["count"], sources=len(g["sources"]),
                    first=min(g["days"], default=None), last=max(g["days"], default=None))
            for key, g in groups.items()]
    return sorted(rows, key=lambda r: (-r.statements, r.speaker.lower(), r.speaker_key))
