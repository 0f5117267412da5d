"""The command line's reads as dicts, over ``WhooshStore`` (store.py), until the CLI reads the API.

Every statement comes back as a dict with exactly the Statement fields, plus a few extras where
noted (``highlight``, ``highlight_spans``, ``score``, ``sources``). Queries are strings in the
syntax of ``store.query``, parsed here once.
"""
from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Iterator, Optional, Union

from ...errors import NotFound, QuerySyntaxError  # noqa: F401
from ...identity.speakers import fold
from ...models import Filters as StoreFilters
from ..base import speakers_of
from ..query import parse, shown as _shown
from .index import column_reader, docs_with_term
from .store import WhooshStore, _both, _reading

MARK = "**"  # matched words in ``highlight`` are wrapped in this
SORTS = ("relevance", "date", "-date")
STATEMENT_ID = re.compile(r"^\S+:\d+$")  # SOURCE:OFFSET


@dataclass
class Filters:
    """What every listing accepts. Dates are YYYY, YYYY-MM or YYYY-MM-DD (inclusive)."""

    speaker: Optional[str] = None
    role: Optional[str] = None
    org: Optional[str] = None
    source: Optional[str] = None
    kind: Optional[str] = None
    since: Optional[str] = None
    until: Optional[str] = None
    outlet: Optional[str] = None

    def frozen(self, **changes) -> StoreFilters:
        values = dict(dataclasses.asdict(self), **changes)
        values["organization"] = values.pop("org")
        return StoreFilters(**values)


@dataclass
class SearchResults:
    hits: list[dict]
    total: int  # every match, not only the ``limit`` returned


def marked(text: str, spans: list) -> str:
    """``text`` with each span wrapped in MARK (the ``highlight`` field of JSON output)."""
    out, at = [], 0
    for start, end in spans:
        out += [text[at:start], MARK, text[start:end], MARK]
        at = end
    return "".join(out) + text[at:]


def _record(st) -> dict:
    """A statement's fields as a dict (``to_dict`` without its deep copy: the statement is ours)."""
    return dict(vars(st))


def _quoted(word: str) -> str:
    return word if re.fullmatch(r"[\w.-]+", word) else "'" + word.replace("'", "'\\''") + "'"


class QuoteSearcher:
    """All read access to one index, as dicts. Use as a context manager."""

    def __init__(self, index_dir: Union[str, os.PathLike]):
        self.index_dir = index_dir
        self.store = WhooshStore(index_dir)
        self.store._fresh()  # NoIndex, SchemaMismatch now
        self.path = self.store.path

    def __enter__(self) -> "QuoteSearcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    @property
    def s(self):
        """The whoosh searcher of the latest state."""
        return self.store._fresh().s

    @property
    def ix(self):
        return self.store._ix

    # -- queries -------------------------------------------------------------------

    @staticmethod
    def _query(query: str):
        return parse(query)

    def _filters(self, f: Optional[Filters], kw: dict) -> StoreFilters:
        """The store's filters; a file name given as the source is its id (the stem)."""
        f = f or Filters(**kw)
        source = f.source
        if source is not None:
            source = self._require_source(source)
        return f.frozen(source=source)

    def speaker_matches(self, speaker: str) -> list[dict]:
        """The speakers a --speaker name stands for, most statements first: ``key``, ``name`` (as
        first quoted) and ``count``."""
        return [{"key": k, "name": n, "count": c} for k, n, c in self.store.speaker_keys(speaker)]

    def speaker_note(self, speaker: str, shown: int = 6) -> Optional[str]:
        """One line naming the speakers a --speaker name matched, when it matched several."""
        rows = self.speaker_matches(speaker)
        if len(rows) < 2:
            return None
        names = ", ".join(r["name"] for r in rows[:shown]) + (f" and {len(rows) - shown} more" if len(rows) > shown else "")
        return (f"speaker {speaker!r} matched {len(rows)} speakers: {names}; "
                f"list them with `quotesearch speakers --speaker {_quoted(speaker)}`")

    def search(self, query: str = "", filters: Optional[Filters] = None, limit: Optional[int] = 20,
               sort: str = "relevance", group: bool = False, **kw) -> SearchResults:
        """Statements matching ``query`` and every filter (see WhooshStore.search)."""
        if sort not in SORTS:
            raise QuerySyntaxError(f"--sort {sort!r} is not one of {', '.join(SORTS)}")
        results = self.store.search(self._query(query), self._filters(filters, kw), sort=sort, limit=limit, group=group)
        return SearchResults([self._hit(h) for h in results.hits], results.total)

    @staticmethod
    def _hit(hit) -> dict:
        rec = _record(hit.statement)
        spans = [list(s) for s in hit.highlights]
        rec.update(highlight=marked(rec["text"], spans), highlight_spans=spans, score=hit.score)
        if hit.sources is not None:
            rec["sources"] = hit.sources
        return rec

    # -- what the index lacks -------------------------------------------------------

    def _has_any(self, fieldname: str) -> bool:
        """Whether any live document has a word in ``fieldname``."""
        s = self.s
        return any(docs_with_term(s, fieldname, term) for term in s.reader().lexicon(fieldname))

    @property
    def has_dates(self) -> bool:
        """Whether any article in the index has a date."""
        return self._has_any("day")

    @property
    def has_outlets(self) -> bool:
        """Whether any article in the index has an outlet."""
        return self._has_any("outlet")

    @_reading
    def missing_metadata(self, filters: Optional[Filters] = None, sort: str = "relevance",
                         query: str = "") -> Optional[str]:
        """Why date or outlet filters (or a sort by date) cannot work: no article in the index has
        a date (an outlet), or none of the statements matching ``query`` and the other filters
        has; None when they can."""
        f = filters or Filters()
        on_dates = f.since is not None or f.until is not None or sort in ("date", "-date")
        on_outlets = f.outlet is not None
        if on_dates and not self.has_dates:
            return ("no article in the index has a date; dates come from archives (a date field), web pages "
                    "or a metadata sidecar beside the texts: index those")
        if on_outlets and not self.has_outlets:
            return ("no article in the index has an outlet; outlets come from archives, web pages "
                    "or a metadata sidecar beside the texts: index those")
        if not (on_dates or on_outlets):
            return None
        view = self.store._fresh()
        others = self._filters(dataclasses.replace(f, since=None, until=None, outlet=None), {})
        docnums = view.matching(_both(view.compile(self._query(query)), view.filters(others, self.store.aliases)))
        if not docnums:
            return None
        if on_dates:
            days = column_reader(view.s.reader(), "day")
            if not any(days[d] for d in docnums):
                return f"no statement matching the other filters has a date ({len(docnums)} match them)"
        if on_outlets:
            sources = column_reader(view.s.reader(), "source")
            if not any(view.marker(src).get("outlet") for src in {sources[d] for d in docnums}):
                return f"no statement matching the other filters has an outlet ({len(docnums)} match them)"
        return None

    # -- listings ------------------------------------------------------------------

    def statements(self, filters: Optional[Filters] = None, sort: str = "relevance", query: str = "",
                   **kw) -> Iterator[dict]:
        """Every statement passing the filters (and matching ``query``), one at a time, in reading
        order ('relevance': there is no limit to rank for) or by date ('date', '-date')."""
        for st in self.store.statements(self._query(query), self._filters(filters, kw), sort):
            yield _record(st)

    def speakers(self, filters: Optional[Filters] = None, **kw) -> list[dict]:
        """One row per speaker key: the most used name, type, roles and organizations (most used
        first), number of statements and of articles, first and last date (most statements first)."""
        rows = speakers_of(self.store.statements(None, self._filters(filters, kw)))
        return [{"speaker": r.speaker, "key": r.speaker_key, "type": r.speaker_type, "roles": r.roles,
                 "organizations": r.organizations, "count": r.statements, "articles": r.sources,
                 "first": r.first, "last": r.last} for r in rows]

    def sources(self, filters: Optional[Filters] = None, **kw) -> list[dict]:
        """Every indexed source passing the date and outlet filters, with its title, date, outlet,
        url, path and number of statements, by id."""
        return [{"source": s.source, "title": s.title, "date": s.date, "outlet": s.outlet, "count": s.statements,
                 "url": s.url, "path": s.path} for s in self.store.sources(self._filters(filters, kw))]

    def _require_source(self, source: str) -> str:
        """The id of a source given by id or file name; NotFound when there is none."""
        try:
            return self.store.source(source).source
        except NotFound:
            if not source.lower().endswith((".txt", ".md", ".html", ".htm")):  # a file name: its id is the stem
                raise
            try:
                return self.store.source(PurePath(source).stem).source
            except NotFound:
                raise NotFound(f"no source {source!r} in the index at {self.index_dir}; "
                               "list them with `quotesearch sources`") from None

    def source(self, source: str, filters: Optional[Filters] = None, **kw) -> list[dict]:
        """All statements of one source in reading order; NotFound if the source is unknown."""
        f = filters or Filters(**kw)
        return list(self.statements(dataclasses.replace(f, source=source)))

    def show(self, statement_id: str) -> dict:
        """One statement (with its paragraph as ``context``) and its article's metadata."""
        try:
            return _record(self.store.statement(statement_id))
        except NotFound:
            raise self._no_statement(statement_id) from None

    def _no_statement(self, statement_id: str) -> NotFound:
        return NotFound(f"no statement {_shown(statement_id)} in the index at {self.index_dir}; "
                        "ids look like SOURCE:OFFSET, find them with `quotesearch search`")

    # -- tracing -------------------------------------------------------------------

    def trace(self, text_or_id: str) -> list[dict]:
        """Every appearance of one quote (its quote group), earliest first (undated last), each
        with ``same_wording``: whether its words are those of the earliest appearance.

        ``text_or_id`` is a statement id, a quote group id, or words of the quote.
        """
        group = self._group_of(text_or_id.strip())
        members = self.store.quote_group(group) if group else []
        dated = sorted((st for st in members if st.date), key=lambda st: st.date[:10])  # stable: reading order
        rows = [_record(st) for st in dated + [st for st in members if not st.date]]
        first = fold(rows[0]["text"]) if rows else ""
        for rec in rows:
            rec["same_wording"] = fold(rec["text"]) == first
        return rows

    def _group_of(self, text_or_id: str) -> str:
        from ..query import Or, Word

        if not text_or_id:
            raise QuerySyntaxError("trace needs a statement id or words of a quote; e.g. quotesearch trace kursk:1234")
        try:
            return self.store.statement(text_or_id).quote_group or ""
        except NotFound:
            pass
        if self.store.quote_group(text_or_id):
            return text_or_id
        if STATEMENT_ID.match(text_or_id):  # an id that is not in the index: never words of a quote
            raise self._no_statement(text_or_id)
        words = list(dict.fromkeys(re.findall(r"\w+", text_or_id)))
        # the statement sharing most of the words (most of them, not all: wordings differ)
        try:
            hits = self.store.search(Or(tuple(Word("text", w) for w in words)), limit=1) if words else None
        except QuerySyntaxError:  # nothing but very common words
            hits = None
        if hits is None:
            raise NotFound(f"no statement or quote {_shown(text_or_id)} in the index at {self.index_dir}")
        if not hits.hits:
            raise NotFound(f"no statement like {_shown(text_or_id)} in the index at {self.index_dir}; "
                           "try fewer words, or a statement id from `quotesearch search`")
        return hits.hits[0].statement.quote_group or ""
