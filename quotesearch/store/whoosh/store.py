"""The whoosh store's read side: ``WhooshStore`` answers the ``Store`` protocol (store/base.py).

Every source (article) is one marker document (``doctype=source``, its metadata) and one document
per statement; reads join the two, so what comes back is the ``Statement`` that was written. Each
call reads the latest committed state: the whoosh searcher is opened again when the index changed
(a directory listing per call tells), with what is cached about it (markers, reading order,
speaker matches). One store is for one thread at a time, like the whoosh searcher under it.
"""
from __future__ import annotations

import functools
import heapq
import itertools
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Collection, Iterator, Optional, Union

from ...errors import NotFound, QuerySyntaxError
from ...models import Filters, Hit, SearchResults, Source, Statement
from ..base import check_kind, check_sort, no_name, no_words
from ..query import EXAMPLE, Node, day_bound
from .index import (DAMAGE, SortedDocs, _damaged, column_reader, docs_with_term, intersection, open_index, open_searcher,
                    posting_set, quiet_whoosh, read_reading_order, record_from_stored, speaker_tokens)
from . import ranking
from .query import compile_query

if TYPE_CHECKING:
    from ...identity.speakers import Aliases

with quiet_whoosh():
    from whoosh import collectors, formats, highlight, searching
    from whoosh.query import And, AndMaybe, AndNot, DefaultOr, Every, Or, Term, TermRange

ALIASES_SETTING = "aliases.tsv"
MARKER_FIELDS = {"doctype", "source", "title", "path", "source_hash", "day", "outlet"}  # what a source marker has


class _Spans(highlight.Formatter):
    """Not text: the (start, end) character offsets of the matched words, adjacent ones joined
    (a highlighter with WholeFragmenter gives offsets into the whole text)."""

    def format(self, fragments, replace=False):
        spans: list[list[int]] = []
        for fragment in fragments:
            for token in fragment.matches:
                start, end = token.startchar, token.endchar
                if spans and not fragment.text[spans[-1][1]:start].strip():
                    spans[-1][1] = max(spans[-1][1], end)
                else:
                    spans.append([start, end])
        return [tuple(s) for s in spans]


class _CountingTop(collectors.TopCollector):
    """whoosh's top-N collector that also counts every matching document, in the same pass.

    Once its top N is full, whoosh's collector raises the score a document must reach and hands it
    to the matcher, which then skips blocks of postings, and drops parts of the query, that cannot
    reach it: those documents are never seen, so its count falls short. Kept at 0, nothing is
    skipped; every match is scored once (the top N kept in whoosh's heap) and counted."""

    def __init__(self, limit: int, extra: float = 0.0):
        super().__init__(limit, usequality=False)
        self.extra = extra  # a constant each match's score gets (see _View.ranked)

    def _collect(self, global_docnum, score):
        key = super()._collect(global_docnum, score + self.extra if self.extra else score)
        self.minscore = 0  # never prune: see above
        return key

    def computes_count(self) -> bool:
        return True


class _AllScored(collectors.UnlimitedCollector):
    """whoosh's collector of every match, each match's score given a constant ``extra``."""

    def __init__(self, extra: float = 0.0):
        super().__init__()
        self.extra = extra

    def _collect(self, global_docnum, score):
        return super()._collect(global_docnum, score + self.extra if self.extra else score)


def _zero(fieldname: str, text: str):
    """A term that weighs nothing: a filter does not change scores."""
    return Term(fieldname, text, boost=0.0)


_FEW_TO_SORT_BY_DATE = 2000      # matches whose days are read one by one (8 µs each at 139,849 statements)


def _may_match_markers(q) -> bool:
    """Whether ``q`` could match a source marker. Most queries cannot (they ask for words of a
    statement), and leaving out markers costs a check per matching document."""
    if isinstance(q, (And, Or, AndNot, AndMaybe)):
        children = list(q.children())
        if isinstance(q, (AndNot, AndMaybe)):
            children = children[:1]
        matches = [_may_match_markers(c) for c in children]
        return all(matches) if isinstance(q, And) else any(matches)
    if q.is_leaf() and getattr(q, "fieldname", None) is not None and not isinstance(q, Every):
        return q.fieldname in MARKER_FIELDS
    return True  # Not, Every and anything unknown: assume so


def _statements_only(q):
    """``q`` without the source markers (everything but them when ``q`` is None)."""
    if q is not None and not _may_match_markers(q):
        return q
    return AndNot(q if q is not None else Every(), Term("doctype", "source"))


def _both(*parts):
    parts = [p for p in parts if p is not None]
    return And(parts) if len(parts) > 1 else (parts[0] if parts else None)


def _docnum(item) -> int:
    """The document number of a whoosh hit, or of a document number."""
    return item if isinstance(item, int) else item.docnum


def _reading(method):
    """A method whose reading of a damaged segment file ends in one line with the rebuild hint."""
    @functools.wraps(method)
    def read(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except DAMAGE as e:
            raise _damaged(self.path, e) from None
    return read


class _View:
    """One committed state of the index: a whoosh searcher and what is cached about it."""

    def __init__(self, ix, path: Path):
        self.path = path
        self.s = open_searcher(ix, path)
        self.schema = self.s.schema  # not ix.schema: that reads the table of contents again
        self.generation = self.s.reader().generation()
        self.markers: dict[str, dict] = {}
        self.speakers: dict[str, list] = {}
        self._order = None  # the saved reading order (an array), False when there is none
        self._marker_docs: Optional[set[int]] = None  # document numbers of the source markers
        self.users = 0  # statements() streams reading this view
        self.retired = False

    def close(self) -> None:
        self.s.close()

    # -- records ---------------------------------------------------------------------

    def marker(self, source: str) -> dict:
        """The stored source marker of ``source`` (empty when there is none), read from its posting
        list (the writer adds it after the statements)."""
        if source not in self.markers:
            found = {}
            for docnum in reversed(docs_with_term(self.s, "source", source)):
                stored = self.s.stored_fields(docnum)
                if stored.get("doctype") == "source":
                    found = stored
                    break
            self.markers[source] = found
        return self.markers[source]

    def statement(self, docnum: int) -> Statement:
        stored = self.s.stored_fields(docnum)
        return Statement(**record_from_stored(stored, self.marker(stored.get("source", ""))))

    # -- order -----------------------------------------------------------------------

    def reading_order(self):
        if self._order is None:
            self._order = read_reading_order(self.s.reader(), self.path) or False
        return self._order or None

    def in_reading_order(self, docnums: Collection[int], limit: Optional[int] = None) -> list[int]:
        """``docnums`` in reading order (source id, then offset), the first ``limit`` of them."""
        order = self.reading_order()
        if order is None:  # no saved order for this state of the index: (source, start) columns
            sources, starts = column_reader(self.s.reader(), "source"), column_reader(self.s.reader(), "start")
            key = lambda d: (sources[d], starts[d])  # noqa: E731
        else:
            keys, ranked = order
            if limit and ranked is not None and len(docnums) * len(docnums) > limit * len(ranked):
                # many: walking the documents in reading order meets the first ``limit`` soon
                wanted = docnums if isinstance(docnums, (set, frozenset, SortedDocs)) else set(docnums)
                return list(itertools.islice(filter(wanted.__contains__, ranked), limit))
            key = keys.__getitem__
        return heapq.nsmallest(limit, docnums, key=key) if limit else sorted(docnums, key=key)

    def by_date(self, docnums: Collection[int], sort: str, limit: Optional[int]) -> list[int]:
        """``docnums`` in the order ``sort`` says ('reading', 'date', '-date': undated last, ties
        in reading order), the first ``limit`` of them."""
        if sort not in ("date", "-date"):
            return self.in_reading_order(docnums, limit)
        if limit and len(docnums) > _FEW_TO_SORT_BY_DATE:
            first = self._first_by_day(docnums, sort, limit)
            if first is not None:
                return first
        ranked = self.in_reading_order(docnums)
        days = column_reader(self.s.reader(), "day")
        dated = [d for d in ranked if days[d]]
        dated.sort(key=lambda d: days[d], reverse=sort == "-date")  # stable: ties stay in reading order
        return (dated + [d for d in ranked if not days[d]])[:limit or None]

    def _first_by_day(self, docnums: Collection[int], sort: str, limit: int) -> Optional[list[int]]:
        """The first ``limit`` of many ``docnums`` by date, read from the days' posting lists from the
        first (or last) day on until there are enough: about limit / matches of the days, a look-up
        per day and segment, after listing the days (some ms). None where reading each match's day
        from the column costs less, or where fewer than ``limit`` have a date (the undated follow)."""
        day_terms = [self.schema["day"].from_bytes(day) for day in self.s.reader().lexicon("day")]
        if len(docnums) ** 2 <= 4 * limit * len(day_terms) * len(self.s.reader().leaf_readers()):
            return None
        wanted = docnums if isinstance(docnums, (set, frozenset, SortedDocs)) else set(docnums)
        found: list[int] = []
        for day in (reversed(day_terms) if sort == "-date" else day_terms):
            on_day = [d for d in docs_with_term(self.s, "day", day) if d in wanted]
            if on_day:
                found += self.in_reading_order(on_day)
                if len(found) >= limit:
                    return found[:limit]
        return None

    def matching(self, q) -> Collection[int]:
        """The statements matching ``q`` (None: all): a set of document numbers, or SortedDocs.
        Terms, ranges of terms and their ANDs and ORs (every filter) are answered from posting lists:
        whoosh's matchers spend microseconds of Python on each match."""
        if q is None:  # every statement document says so
            return SortedDocs(docs_with_term(self.s, "doctype", "statement"))
        docs = self._posting_set(q)
        if docs is None:
            return set(self.s.docs_for_query(_statements_only(q)))
        return self._without_markers(docs) if _may_match_markers(q) else docs

    def marker_docs(self) -> set[int]:
        if self._marker_docs is None:
            self._marker_docs = posting_set(self.s, "doctype", "source")
        return self._marker_docs

    def _without_markers(self, docs: Collection[int]) -> set[int]:
        markers = self.marker_docs()
        return docs - markers if isinstance(docs, set) else {d for d in docs if d not in markers}

    def _posting_set(self, q) -> Optional[Collection[int]]:
        """The live documents matching ``q``, when it is a term of a text or keyword field (SortedDocs),
        a range of such terms (a set: ``--since``/``--until``'s days), or an AND or OR of such (a set);
        None for anything else."""
        if type(q) in (Term, TermRange):
            field = self.schema[q.fieldname] if q.fieldname in self.schema else None
            if field is None or field.self_parsing():
                return None
        if type(q) is Term:
            return SortedDocs(docs_with_term(self.s, q.fieldname, q.text)) if isinstance(q.text, str) else None
        if type(q) is TermRange:
            # the terms whoosh's own range expands to (a day each), their posting lists joined: whoosh
            # would step through them all as an OR, match by match (2 s for a year at 139,849 statements)
            docs: set[int] = set()
            for _, text in q.expanded_terms(self.s.reader()):
                docs.update(docs_with_term(self.s, q.fieldname, field.from_bytes(text)))
            return docs
        if isinstance(q, (And, Or)) and type(q) in (And, Or, DefaultOr):
            sets = []
            for child in q.children():
                docs = self._posting_set(child)
                if docs is None:
                    return None
                sets.append(docs)
            if not sets:
                return None
            if len(sets) == 1:
                return sets[0]
            if isinstance(q, And):
                return intersection(sets)
            return set().union(*sets)
        return None

    # -- queries ---------------------------------------------------------------------

    def compile(self, node: Optional[Node]):
        """The whoosh query for ``node``: words analysed as each field is indexed, ``title:`` parts
        answered through the source markers (statements carry no title)."""
        if node is None:
            return None
        q = compile_query(node, self.schema)
        if q is None:
            raise QuerySyntaxError(f"the query has no searchable words (very common words are not indexed); {EXAMPLE}")
        return q.accept(self._title_to_sources).normalize()

    def _title_to_sources(self, part):
        if part.is_leaf() and getattr(part, "fieldname", None) == "title":
            markers = self.s.search(And([Term("doctype", "source"), part]), limit=None)
            # no article has that title: a term no document has (whoosh would fold NOT NullQuery away too)
            return DefaultOr([Term("source", hit["source"]) for hit in markers]) if len(markers) else Term("source", "")
        return part

    def words(self, fieldname: str, value: str, option: str) -> list[str]:
        words = list(self.schema[fieldname].process_text(value, mode="query"))
        if not words:
            raise no_words(option, value)
        return words

    def filters(self, f: Filters, aliases: Callable[[], Aliases]):
        """One whoosh query of zero-weight terms combining the filters, or None when there is none.
        ``aliases`` gives the index's aliases; only a speaker filter asks for them (a search without
        one reads no aliases file and loads no name rules)."""
        parts = []
        if f.speaker is not None:
            from ...identity.speakers import name_key

            keys = [k for k, _, _ in self.speaker_keys(f.speaker, aliases())] or [name_key(f.speaker)]
            parts.append(DefaultOr([_zero("speaker_key", k) for k in keys]) if len(keys) > 1 else _zero("speaker_key", keys[0]))
        for name, option in (("role", "--role"), ("organization", "--org"), ("outlet", "--outlet")):
            value = getattr(f, name)
            if value is not None:
                parts.append(And([_zero(name, w) for w in self.words(name, value, option)]))
        if f.source is not None:
            parts.append(_zero("source", f.source))
        if f.kind is not None:
            check_kind(f.kind.lower())
            parts.append(_zero("kind", f.kind.lower()))
        if f.since is not None or f.until is not None:
            parts.append(TermRange("day", day_bound(f.since, "--since"), day_bound(f.until, "--until", end=True), boost=0.0))
        return And(parts) if parts else None

    def speaker_keys(self, name: str, aliases: Aliases) -> list[tuple[str, str, int]]:
        from ...identity.speakers import key_matches, name_key, wanted_keys

        if not speaker_tokens(name):
            raise no_name(name)
        if name not in self.speakers:
            key = name_key(name)
            wanted = wanted_keys(name, aliases)
            # candidates: the keys of statements whose speaker has the name's last word (a posting list)
            keys_of = column_reader(self.s.reader(), "speaker_key")
            candidates = {keys_of[d] for d in docs_with_term(self.s, "speaker_tokens", key.split()[-1])} if key else set()
            rows = []
            for k in sorted(k for k in candidates | wanted if k and any(key_matches(k, w) for w in wanted)):
                docs = docs_with_term(self.s, "speaker_key", k)
                if docs:
                    rows.append((k, self.s.stored_fields(docs[0]).get("speaker") or k, len(docs)))
            self.speakers[name] = sorted(rows, key=lambda r: (-r[2], r[0]))
        return self.speakers[name]

    def ranked(self, q, flt, limit: Optional[int]) -> tuple[list, int]:
        """whoosh hits for ``q`` and the filters, best first, the first ``limit``, and how many match."""
        # Filters of terms are document numbers read from their posting lists, that the query's
        # matches are checked against; other filters (dates) are a part of the query whose terms
        # score nothing (whoosh's filter= runs them as a query first). Scores are the query's alone
        # either way, and the total is counted while ranking (one pass).
        allowed = self._posting_set(flt) if flt is not None else None
        query_alone = allowed is not None or flt is None  # what is ranked is the query, without filter parts
        extra, term = 0.0, None
        if query_alone:
            q, term, extra = self._constant_part(q)
            if term is not None:  # a term of an ID field ANDed with the rest: a set, like a filter
                docs = SortedDocs(docs_with_term(self.s, term.fieldname, term.text))
                allowed = docs if allowed is None else intersection([allowed, docs])
        if allowed is not None:
            if all(_may_match_markers(part) for part in (flt, term) if part is not None):
                allowed = self._without_markers(allowed)
            if not allowed:  # (whoosh reads an empty set as no filter)
                return [], 0
        read = None
        if query_alone:  # words, phrases, ANDs of two: from whole posting lists (else None)
            read = ranking.rank(self.s, q, limit, allowed, self.marker_docs() if _may_match_markers(q) else None, extra)
        if read is not None:
            items, total = read
            results = searching.Results(self.s, q, items)
            results._total = total  # (whoosh's asks its collector)
        else:
            top = _CountingTop(limit, extra) if limit else _AllScored(extra)
            if allowed is None:
                query, collector = _statements_only(_both(q, flt)), top
            else:
                query, collector = _statements_only(q), collectors.FilterCollector(top, allow=set(allowed))
            self.s.search_with_collector(query, collector)
            results, total = collector.results(), top.total if limit else len(top.items)
        results.fragmenter = highlight.WholeFragmenter()
        results.formatter = _Spans()
        return list(results), total

    def _constant_part(self, q):
        """``q`` as (rest, term, score): when ``q`` is an AND of two parts, one of them a term of a
        field that stores no weights or lengths (ID: kind, source, speaker_key ...), that term
        scores the same (its field boost) in every match, and the AND's score is the rest's plus
        it (whoosh's intersection adds its two scores; one addition, so the sum is the same to the
        bit whichever side comes first). Matching the rest and checking the term's documents as a
        set answers the same, without whoosh stepping through the term's long posting list one
        posting at a time. Otherwise (q, None, 0.0)."""
        if type(q) is not And or len(q.subqueries) != 2 or q.boost != 1.0:
            return q, None, 0.0
        best = None
        for i, part in enumerate(q.subqueries):
            if type(part) is Term and part.boost == 1.0 and isinstance(part.text, str) and part.fieldname in self.schema:
                field = self.schema[part.fieldname]
                if (not field.scorable and type(field.format) is formats.Existence
                        and field.format.field_boost == 1.0 and not field.self_parsing()):
                    size = self.s.doc_frequency(part.fieldname, part.text)
                    if best is None or size > best[0]:
                        best = (size, i)
        if best is None:
            return q, None, 0.0
        i = best[1]
        return q.subqueries[1 - i], q.subqueries[i], 1.0

    def hit(self, item) -> Hit:
        """A Hit from a whoosh hit (highlighted, scored) or a document number."""
        if isinstance(item, int):
            return Hit(self.statement(item))
        statement = self.statement(item.docnum)
        return Hit(statement, round(item.score, 3) if item.score is not None else None,
                   list(item.highlights("text", text=statement.text, top=1) or []))  # (text: not read twice)

    def first_of_groups(self, found: list, limit: Optional[int]) -> tuple[list, int, dict[int, int]]:
        """The first of ``found`` (hits or document numbers) in each quote group, the first
        ``limit`` of them, the number of groups, and for each one kept how many sources carry it."""
        groups = column_reader(self.s.reader(), "quote_group")
        source_of = column_reader(self.s.reader(), "source")
        firsts, seen = [], set()
        for item in found:
            docnum = _docnum(item)
            group = groups[docnum] or f"#{docnum}"
            if group not in seen:
                seen.add(group)
                firsts.append(item)
        kept = firsts[:limit] if limit else firsts
        sources = {}
        for item in kept:
            docnum = _docnum(item)
            group = groups[docnum]
            members = docs_with_term(self.s, "quote_group", group) if group else [docnum]
            sources[docnum] = len({source_of[d] for d in members})
        return kept, len(firsts), sources


def _source(marker: dict) -> Source:
    return Source(source=marker["source"], title=marker.get("title", ""), date=marker.get("date"),
                  url=marker.get("url"), outlet=marker.get("outlet"), path=marker.get("path", ""),
                  statements=marker.get("count", 0), source_hash=marker.get("source_hash", ""))


class WhooshStore:
    """The ``Store`` of an index folder. The index is opened at the first read, which raises NoIndex
    (no index there) or SchemaMismatch (written by another version), and QuotesearchError with the
    rebuild hint when a file is damaged; ``writer()`` creates the index when there is none."""

    def __init__(self, path: Union[str, os.PathLike]):
        self.path = Path(path)
        self.location = str(path)
        self._ix = self._folder = self._view = None  # opened by the first read
        self._aliases: Optional[tuple] = None  # (the file's bytes, Aliases)
        self._lock = threading.Lock()

    def __enter__(self) -> "WhooshStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _identity(self):
        st = os.stat(self.path)
        return st.st_dev, st.st_ino

    def _fresh(self) -> _View:
        """The view of the latest committed state (a rebuild swaps the folder: opened again)."""
        with self._lock:
            if self._view is None:
                self._ix = open_index(self.path)
                self._folder = self._identity()
                self._view = _View(self._ix, self.path)
                return self._view
            view = self._view
            try:
                folder = self._identity()
            except OSError:
                return view
            if folder != self._folder:
                self._ix, self._folder = open_index(self.path), folder
            elif self._ix.latest_generation() == view.generation:
                return view
            # whoosh's own Searcher.refresh(reuse=…) keeps merged-away segments in 2.7.5: open anew
            self._view = _View(self._ix, self.path)
            view.retired = True
            if not view.users:
                view.close()
            return self._view

    def writer(self, rebuild: bool = False, lock_timeout: Optional[float] = None):
        from .writer import open_writer

        return open_writer(self.path, rebuild, lock_timeout)

    @property
    def aliases(self) -> Aliases:
        """The aliases kept with the index (none when unreadable: indexing reports that)."""
        data = self.setting(ALIASES_SETTING)
        if self._aliases is None or self._aliases[0] != data:
            from ...identity.speakers import Aliases

            try:
                aliases = Aliases.in_index(self.path) if data is not None else Aliases()
            except (OSError, ValueError):
                aliases = Aliases()
            self._aliases = (data, aliases)
        return self._aliases[1]

    # -- the protocol -----------------------------------------------------------------

    @_reading
    def search(self, query: Optional[Node], filters: Filters = Filters(), sort: str = "relevance",
               limit: Optional[int] = 20, group: bool = False) -> SearchResults:
        """Matching statements, best first ('relevance'; reading order without a query), in reading
        order, or by date; ``limit`` of them (None or 0: all), or with ``group`` one per quote group
        (the first of each in that order) with ``Hit.sources``; ``total``: how many match (groups
        with ``group``). Hits of a query carry a score and ``highlights``, (start, end) offsets of
        the matched words in ``statement.text``. Raises QuerySyntaxError (a filter or a query
        without searchable words), NotFound never (an unknown source matches nothing)."""
        check_sort(sort)
        view = self._fresh()
        q, flt = view.compile(query), view.filters(filters, lambda: self.aliases)
        want = None if group else (limit or None)  # grouping looks at every match, then keeps ``limit`` groups
        if q is None:
            matching = view.matching(flt)
            found, total = view.by_date(matching, sort, want), len(matching)
        elif sort == "relevance":
            found, total = view.ranked(q, flt, want)
        else:
            hits, total = view.ranked(q, flt, None)
            by_doc = {h.docnum: h for h in hits}
            found = [by_doc[d] for d in view.by_date(list(by_doc), sort, want)]
        sources: dict[int, int] = {}
        if group:
            found, total, sources = view.first_of_groups(found, limit or None)
        hits = [view.hit(item) for item in found]
        for item, hit in zip(found, hits):
            if group:
                hit.sources = sources[_docnum(item)]
        return SearchResults(hits, total)

    def statements(self, query: Optional[Node] = None, filters: Filters = Filters(),
                   sort: str = "reading") -> Iterator[Statement]:
        """Every matching statement, one at a time, in reading order ('reading' or 'relevance':
        there is no limit to rank for) or by date; all from the state of the index at the call."""
        try:
            view = self._fresh()
            q, flt = view.compile(query), view.filters(filters, lambda: self.aliases)
            check_sort(sort)
            docnums = view.by_date(view.matching(_both(q, flt)), "reading" if sort == "relevance" else sort, None)
        except DAMAGE as e:
            raise _damaged(self.path, e) from None
        return self._stream(view, docnums)

    def _stream(self, view: _View, docnums: list[int]) -> Iterator[Statement]:
        view.users += 1
        try:
            for d in docnums:
                yield view.statement(d)
        except DAMAGE as e:
            raise _damaged(self.path, e) from None
        finally:
            view.users -= 1
            if view.retired and not view.users:
                view.close()

    @_reading
    def statement(self, statement_id: str) -> Statement:
        view = self._fresh()
        docnum = next(iter(docs_with_term(view.s, "id", statement_id)), None)  # only statements have ids
        if docnum is None:
            raise NotFound(f"no statement {statement_id!r} in the index at {self.location}; "
                           "ids look like SOURCE:OFFSET, find them with `quotesearch search`")
        return view.statement(docnum)

    @_reading
    def source(self, source_id: str) -> Source:
        marker = self._fresh().marker(source_id)
        if not marker:
            raise NotFound(f"no source {source_id!r} in the index at {self.location}; "
                           "list them with `quotesearch sources`")
        return _source(marker)

    @_reading
    def sources(self, filters: Filters = Filters()) -> list[Source]:
        """Every source passing the date and outlet filters (the others are not asked), by id."""
        view = self._fresh()
        # markers carry the day and the outlet's words too: the statements' filters select them
        flt = view.filters(Filters(since=filters.since, until=filters.until, outlet=filters.outlet),
                           lambda: self.aliases)
        markers = view.marker_docs()
        allowed = None if flt is None else view._posting_set(flt)
        if flt is None:
            docs = markers
        elif allowed is not None:
            docs = intersection([markers, allowed])
        else:                   # (every filter there is reads from posting lists; whoosh's search else)
            docs = [hit.docnum for hit in view.s.search(And([Term("doctype", "source"), flt]), limit=None)]
        return sorted((_source(view.s.stored_fields(d)) for d in docs), key=lambda s: s.source)

    @_reading
    def quote_group(self, group_id: str) -> list[Statement]:
        view = self._fresh()
        return [view.statement(d) for d in view.in_reading_order(docs_with_term(view.s, "quote_group", group_id))]

    @_reading
    def speaker_keys(self, name: str) -> list[tuple[str, str, int]]:
        """(speaker key, name as first quoted, statements) of the speakers ``name`` stands for, most
        statements first. Raises QuerySyntaxError when ``name`` has no name in it ('...')."""
        return self._fresh().speaker_keys(name, self.aliases)

    def setting(self, name: str) -> Optional[bytes]:
        try:
            return (self.path / name).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None

    def close(self) -> None:
        with self._lock:
            if self._view is None:
                return
            if not self._view.users:
                self._view.close()
            self._view.retired = True
