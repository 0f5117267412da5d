"""Reading the index: keyword search with filters, highlighting, speaker and source listings.

Open one ``QuoteSearcher`` per command and ask it everything; it holds one whoosh searcher.
Every statement comes back as a dict with exactly the Statement fields (the article's title,
date, url and outlet joined from its source marker), plus a few extras where noted
(``highlight``, ``score``, ``sources``).
"""
from __future__ import annotations

import dataclasses
import functools
import heapq
import os
import re
from pathlib import Path, PurePath
from collections import Counter
from dataclasses import dataclass
from typing import Iterator, Optional, Union

from .index import (DAMAGE, QuotesearchError, _damaged, column_reader, docs_with_term, open_index, open_searcher, quiet_whoosh, read_reading_order,
                    record_from_stored, speaker_tokens)
from ...errors import NotFound, QuerySyntaxError  # noqa: F401
from ...models import KINDS
from ...identity.speakers import Aliases, fold, key_matches, name_key

with quiet_whoosh():
    from whoosh import collectors, highlight, qparser
    from whoosh.query import And, AndMaybe, AndNot, Every, NullQuery, Or, Term, TermRange

MARK = "**"  # matched words in ``highlight`` are wrapped in this

# Field names accepted in ``field:value`` query syntax, with their aliases.
QUERY_FIELDS = ("text", "speaker", "mention", "speaker_type", "role", "organization", "given_to", "outlet",
                "kind", "cue", "source", "title", "paragraph", "id", "speaker_key", "quote_group")
ALIASES = {"organization": ["org"], "speaker_type": ["type"], "given_to": ["told"]}
SORTS = ("relevance", "date", "-date")
_BINARY_OPS = {"AND", "OR", "ANDNOT", "ANDMAYBE"}
_FIELD_PREFIX = re.compile(r"(?:^|(?<=[\s(]))([A-Za-z_]\w*):(\S?)")
STATEMENT_ID = re.compile(r"^\S+:\d+$")  # SOURCE:OFFSET
_EXAMPLE = "e.g. 'troops', '\"pressure on the aggressor\"', 'speaker:barros AND russia'"


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


@dataclass
class SearchResults:
    hits: list[dict]
    total: int  # every match, not only the ``limit`` returned


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
        return spans


def marked(text: str, spans: list) -> str:
    """``text`` with each span wrapped in MARK (the ``highlight`` field of JSON output)."""
    out, at = [], 0
    for start, end in spans:
        out += [text[at:start], MARK, text[start:end], MARK]
        at = end
    return "".join(out) + text[at:]


MAX_DEPTH = 50  # parentheses nested deeper than this are refused (whoosh's parser recurses)


def _shown(query: str, width: int = 80) -> str:
    """The query as error messages quote it: cut short when long, so the message stays one short line."""
    return repr(query if len(query) <= width else query[:width] + "…")


def _quoted(word: str) -> str:
    return word if re.fullmatch(r"[\w.-]+", word) else "'" + word.replace("'", "'\\''") + "'"


def check_syntax(query: str) -> None:
    """Raise QuerySyntaxError for what whoosh would silently misread or fail on."""
    def bad(problem: str) -> QuerySyntaxError:
        return QuerySyntaxError(f"bad query {_shown(query)}: {problem}; {_EXAMPLE}")

    if query.count('"') % 2:
        raise bad('a phrase quote (") is not closed')
    outside = re.sub(r'"[^"]*"', "x", query)
    depth = 0
    for ch in outside:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            raise bad("a ')' has no matching '('")
        if depth > MAX_DEPTH:
            raise bad(f"parentheses are nested more than {MAX_DEPTH} deep")
    if depth:
        raise bad("a '(' is not closed")
    if outside.count("[") + outside.count("{") != outside.count("]") + outside.count("}"):
        raise bad("a range [a TO b] is not closed")
    known = set(QUERY_FIELDS) | {a for names in ALIASES.values() for a in names}
    for m in _FIELD_PREFIX.finditer(outside):
        if m.group(1) not in known:
            raise bad(f"unknown field {m.group(1)!r} (fields: {', '.join(QUERY_FIELDS)}, org, type)")
        if not m.group(2):
            raise bad(f"field {m.group(1)!r} has no value after ':'")
    tokens = re.findall(r"[()]|[^\s()]+", outside)
    for i, tok in enumerate(tokens):
        if tok not in _BINARY_OPS | {"NOT"}:
            continue
        before = tokens[i - 1] if i else "("
        after = tokens[i + 1] if i + 1 < len(tokens) else ")"
        if (after == ")" or after in _BINARY_OPS or (tok == "NOT" and after == "NOT")
                or (tok != "NOT" and (before == "(" or before in _BINARY_OPS | {"NOT"}))):
            raise bad(f"{tok} needs a word on {'both sides' if tok != 'NOT' else 'its right'}")


def _errors(q) -> list[str]:
    found = [str(q.error)] if getattr(q, "error", None) else []
    for child in q.children() if hasattr(q, "children") else ():
        found += _errors(child)
    return found


def _ZeroTerm(fieldname: str, text: str):  # noqa: N802
    return Term(fieldname, text, boost=0.0)


MARKER_FIELDS = {"doctype", "source", "title", "path", "source_hash", "day", "outlet"}  # what a source marker has


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


def _reading(method):
    """A QuoteSearcher method whose reading of a damaged segment file ends in one line with the
    rebuild hint, not in whoosh's zlib/struct/unpickling error."""
    @functools.wraps(method)
    def read(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except DAMAGE as e:
            raise _damaged(Path(self.index_dir), e) from None
    return read


def _docnum(item) -> int:
    """The document number of a whoosh hit, or of a document number."""
    return item if isinstance(item, int) else item.docnum


class QuoteSearcher:
    """All read access to one index. Use as a context manager."""

    def __init__(self, index_dir: Union[str, os.PathLike]):
        self.index_dir = index_dir
        self.ix = open_index(index_dir)
        self.s = open_searcher(self.ix, index_dir)
        self.schema = self.s.schema  # not ix.schema: that reads the table of contents again
        self._order = None  # the saved reading order (an array), False when there is none
        self._markers: dict[str, dict] = {}
        self._aliases: Optional[Aliases] = None
        self._speaker_matches: dict[str, list[dict]] = {}
        self._has_dates: Optional[bool] = None
        self._has_outlets: Optional[bool] = None

    def __enter__(self) -> "QuoteSearcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.s.close()

    # -- queries -------------------------------------------------------------------

    def parse(self, query: str):
        """The whoosh query for ``query`` (None when it is blank)."""
        if not query or not query.strip():
            return None
        check_syntax(query)
        parser = qparser.QueryParser("text", self.schema)
        parser.add_plugin(qparser.FieldAliasPlugin(ALIASES))
        q = parser.parse(query, normalize=False)
        errors = _errors(q)
        if errors:
            raise QuerySyntaxError(f"bad query {_shown(query)}: {errors[0]}; {_EXAMPLE}")
        q = self._titles_to_sources(q).normalize()
        if q is NullQuery:
            raise QuerySyntaxError(
                f"query {_shown(query)} has no searchable words (very common words are not indexed); {_EXAMPLE}")
        return q

    def _titles_to_sources(self, q):
        """Statement documents carry no title: a ``title:…`` part becomes the sources whose marker matches."""
        def resolve(part):
            if part.is_leaf() and getattr(part, "fieldname", None) == "title":
                markers = self.s.search(And([Term("doctype", "source"), part]), limit=None)
                return Or([Term("source", hit["source"]) for hit in markers]) if len(markers) else NullQuery
            return part
        return q.accept(resolve)

    def _words(self, fieldname: str, value: str, option: str) -> list[str]:
        words = list(self.schema[fieldname].process_text(value, mode="query"))
        if not words:
            raise QuerySyntaxError(f"{option} {value!r} has no searchable words; try a more specific word")
        return words

    @property
    def aliases(self) -> Aliases:
        if self._aliases is None:
            try:
                self._aliases = Aliases.in_index(self.index_dir)
            except (OSError, ValueError):  # reported when indexing; searching goes on without them
                self._aliases = Aliases()
        return self._aliases

    @_reading
    def speaker_matches(self, speaker: str) -> list[dict]:
        """The speakers a --speaker name stands for, most statements first: ``key``, ``name`` (as
        first quoted) and ``count``. A full name is that speaker (after the aliases); a surname, or
        any last words of names, the speakers whose name ends with it ('trump': Donald Trump, Eric
        Trump …, not 'Trump Tower' or 'a top Donald Trump adviser')."""
        if not speaker_tokens(speaker):
            raise QuerySyntaxError(f"--speaker {speaker!r} has no name in it; e.g. --speaker barros")
        if speaker not in self._speaker_matches:
            self._speaker_matches[speaker] = self._find_speakers(speaker)
        return self._speaker_matches[speaker]

    def _find_speakers(self, speaker: str) -> list[dict]:
        key = name_key(speaker)
        wanted = {key, self.aliases.get(key, key)}
        # alias names that end with the words stand for their canonical name too
        wanted |= {canonical for alias, canonical in self.aliases.items() if key_matches(alias, key)}
        # candidates: the keys of statements whose speaker has the name's last word (a posting list)
        keys_of = column_reader(self.s.reader(), "speaker_key")
        candidates = {keys_of[d] for d in docs_with_term(self.s, "speaker_tokens", key.split()[-1])} if key else set()
        candidates |= {k for k in wanted if k}
        matched = sorted(k for k in candidates if k and any(key_matches(k, w) for w in wanted))
        rows = []
        for k in matched:
            docs = docs_with_term(self.s, "speaker_key", k)
            if docs:
                rows.append({"key": k, "name": self.s.stored_fields(docs[0]).get("speaker") or k,
                             "count": len(docs)})
        return sorted(rows, key=lambda r: (-r["count"], r["key"]))

    def speaker_note(self, speaker: str, shown: int = 6) -> Optional[str]:
        """One line naming the speakers a --speaker name matched, when it matched several."""
        rows = self.speaker_matches(speaker)
        if len(rows) < 2:
            return None
        names = ", ".join(r["name"] for r in rows[:shown]) + (f" and {len(rows) - shown} more" if len(rows) > shown else "")
        return (f"speaker {speaker!r} matched {len(rows)} speakers: {names}; "
                f"list them with `quotesearch speakers --speaker {_quoted(speaker)}`")

    def _speaker_filter(self, speaker: str):
        """Statements of the speakers ``speaker_matches`` finds (none when it finds none)."""
        keys = [row["key"] for row in self.speaker_matches(speaker)] or [name_key(speaker)]
        return Or([_ZeroTerm("speaker_key", k) for k in keys]) if len(keys) > 1 else _ZeroTerm("speaker_key", keys[0])

    def filters(self, f: Optional[Filters] = None, **kw):
        """One whoosh query combining the filters (a Filters, or its fields as keywords), or None
        when there is none. Its terms weigh nothing: a filter does not change scores."""
        f = f or Filters(**kw)
        Term = _ZeroTerm  # noqa: N806
        parts = []
        if f.speaker is not None:
            parts.append(self._speaker_filter(f.speaker))
        if f.role is not None:
            parts.append(And([Term("role", w) for w in self._words("role", f.role, "--role")]))
        if f.org is not None:
            parts.append(And([Term("organization", w) for w in self._words("organization", f.org, "--org")]))
        if f.outlet is not None:
            parts.append(And([Term("outlet", w) for w in self._words("outlet", f.outlet, "--outlet")]))
        if f.source is not None:
            parts.append(Term("source", self._require_source(f.source)["source"]))
        if f.kind is not None:
            if f.kind.lower() not in KINDS:
                raise QuerySyntaxError(f"--kind {f.kind!r} is not one of {', '.join(KINDS)}")
            parts.append(Term("kind", f.kind.lower()))
        if f.since is not None or f.until is not None:
            since, until = self._bound(f.since, "--since"), self._bound(f.until, "--until", end=True)
            parts.append(TermRange("day", since, until, boost=0.0))
        return And(parts) if parts else None

    @staticmethod
    def _bound(value: Optional[str], option: str, end: bool = False) -> Optional[str]:
        from ...ingest.dates import parse_bound

        if value is None:
            return None
        try:
            return parse_bound(value, end=end)
        except ValueError as e:
            raise QuerySyntaxError(f"{option}: {e}") from None

    @_reading
    def search(self, query: str = "", filters: Optional[Filters] = None, limit: Optional[int] = 20,
               sort: str = "relevance", group: bool = False, **kw) -> SearchResults:
        """Statements matching ``query`` (whoosh syntax over the quote text) and every filter.

        Best matches first (``sort`` 'date' or '-date': by the article's date); with a blank
        query, every statement passing the filters in reading order (or by date). With ``group``,
        one hit per quote group, with the number of sources carrying it as ``sources``.
        """
        if sort not in SORTS:
            raise QuerySyntaxError(f"--sort {sort!r} is not one of {', '.join(SORTS)}")
        q = self.parse(query)
        flt = self.filters(filters, **kw)
        want = None if group else limit  # grouping looks at every match, then keeps ``limit`` groups
        if q is None:
            found, total = self._ordered(_statements_only(flt), want, sort)
        else:
            found, total = self._matches(q, flt, want, sort)
        sources: dict[int, int] = {}
        if group:
            found, total, sources = self._first_of_groups(found, limit)
        hits = [self._hit(item) for item in found]
        if group:
            for item, rec in zip(found, hits):
                rec["sources"] = sources[_docnum(item)]
        return SearchResults(hits, total)

    def _matches(self, q, flt, limit: Optional[int], sort: str) -> tuple[list, int]:
        """whoosh hits for ``q`` and the filters, best first (or by date), and how many match."""
        # The filters as a part of the query whose terms score nothing (whoosh's filter= first
        # builds a set of every document passing them), source markers left out the same way.
        # Zero-weight terms would confuse whoosh's skipping of low-scoring blocks: not with filters.
        top = limit if sort == "relevance" else None
        collector = collectors.TopCollector(top, usequality=flt is None) if top else collectors.UnlimitedCollector()
        query = _statements_only(q if flt is None else And([q, flt]))
        self.s.search_with_collector(query, collector)
        results = collector.results()
        results.fragmenter = highlight.WholeFragmenter()
        results.formatter = _Spans()
        found = list(results)
        # whoosh's count of a top-N search leaves out the documents its matcher pruned once they
        # could no longer reach the top N: count them without scoring (a fraction of the search)
        total = sum(1 for _ in self.s.docs_for_query(query)) if top and len(found) == top else len(found)
        if sort != "relevance":
            found = self._by_date([hit.docnum for hit in found], sort, limit, hits=found)
        return found, total

    def _hit(self, item) -> dict:
        """A search hit's record: from a whoosh hit (highlighted, scored) or a document number."""
        if isinstance(item, int):
            rec = self.record(item)
            return dict(rec, highlight=rec["text"], highlight_spans=[], score=None)
        rec = self.record(item.docnum)
        spans = item.highlights("text", top=1) or []
        rec["highlight"], rec["highlight_spans"] = marked(rec["text"], spans), spans
        rec["score"] = round(item.score, 3) if item.score is not None else None
        return rec

    def _first_of_groups(self, found: list, limit: Optional[int]) -> tuple[list, int, dict[int, int]]:
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

    # -- what the index lacks -------------------------------------------------------

    def _has_any(self, fieldname: str) -> bool:
        """Whether any live document has a word in ``fieldname``."""
        return any(docs_with_term(self.s, fieldname, term) for term in self.s.reader().lexicon(fieldname))

    @property
    def has_dates(self) -> bool:
        """Whether any article in the index has a date."""
        if self._has_dates is None:
            self._has_dates = self._has_any("day")
        return self._has_dates

    @property
    def has_outlets(self) -> bool:
        """Whether any article in the index has an outlet."""
        if self._has_outlets is None:
            self._has_outlets = self._has_any("outlet")
        return self._has_outlets

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
        q, flt = self.parse(query), self.filters(dataclasses.replace(f, since=None, until=None, outlet=None))
        both = [part for part in (q, flt) if part is not None]
        docnums = list(self.s.docs_for_query(_statements_only(And(both) if len(both) > 1 else (both or [None])[0])))
        if not docnums:
            return None
        if on_dates:
            days = self._days()
            if not any(days[d] for d in docnums):
                return f"no statement matching the other filters has a date ({len(docnums)} match them)"
        if on_outlets:
            sources = column_reader(self.s.reader(), "source")
            if not any(self.marker(src).get("outlet") for src in {sources[d] for d in docnums}):
                return f"no statement matching the other filters has an outlet ({len(docnums)} match them)"
        return None

    # -- records -------------------------------------------------------------------

    def marker(self, source: str) -> dict:
        """The stored source marker of ``source`` (empty when there is none)."""
        if source not in self._markers:
            self._markers[source] = self._find_marker(source)
        return self._markers[source]

    def _find_marker(self, source: str) -> dict:
        """The marker among the documents of ``source``, read from its posting list (a search per
        statement shown took half of a query's time); the writer adds it after the statements."""
        for docnum in reversed(docs_with_term(self.s, "source", source)):
            stored = self.s.stored_fields(docnum)
            if stored.get("doctype") == "source":
                return stored
        return {}

    def record(self, docnum: int) -> dict:
        stored = self.s.stored_fields(docnum)
        return record_from_stored(stored, self.marker(stored.get("source", "")))

    def _days(self):
        return column_reader(self.s.reader(), "day")

    def _by_date(self, docnums: list[int], sort: str, limit: Optional[int], hits: Optional[list] = None) -> list:
        """``docnums`` (or the ``hits`` they belong to) by the article's date, newest first for
        '-date'; undated ones last; ties in reading order."""
        days, order = self._days(), self._reading_order()
        ranked = sorted(range(len(docnums)), key=lambda i: order[docnums[i]] if order else docnums[i])
        dated = [i for i in ranked if days[docnums[i]]]
        dated.sort(key=lambda i: days[docnums[i]], reverse=sort == "-date")  # stable: ties stay in reading order
        ranked = (dated + [i for i in ranked if not days[docnums[i]]])[:limit or None]
        items = hits if hits is not None else docnums
        return [items[i] for i in ranked]

    def _reading_order(self):
        if self._order is None:
            self._order = read_reading_order(self.s.reader(), self.index_dir) or False
        return self._order or None

    # -- listings ------------------------------------------------------------------

    def _ordered(self, q, limit: Optional[int], sort: str = "relevance") -> tuple[list[int], int]:
        """The first ``limit`` (all if None or 0) documents matching ``q`` in reading order (by
        source and start) or by date, and how many match."""
        order = self._reading_order()
        if sort != "relevance":
            matching = list(self.s.docs_for_query(q))
            return self._by_date(matching, sort, limit), len(matching)
        if order is None:  # no saved order for this state of the index: whoosh sorts
            results = self.s.search(q, limit=limit or None, sortedby=["source", "start"])
            docnums = [hit.docnum for hit in results]
            total = len(results) if limit and len(docnums) == limit else len(docnums)
            return docnums, total
        matching = list(self.s.docs_for_query(q))
        key = order.__getitem__
        docnums = heapq.nsmallest(limit, matching, key=key) if limit else sorted(matching, key=key)
        return docnums, len(matching)

    def statements(self, filters: Optional[Filters] = None, sort: str = "relevance", query: str = "",
                   **kw) -> Iterator[dict]:
        """Every statement passing the filters (and matching ``query``), one at a time, in reading
        order ('relevance': there is no limit to rank for) or by date ('date', '-date')."""
        q, flt = self.parse(query), self.filters(filters, **kw)
        both = [part for part in (q, flt) if part is not None]
        try:
            docnums, _ = self._ordered(_statements_only(And(both) if len(both) > 1 else (both or [None])[0]), None, sort)
            for d in docnums:
                yield self.record(d)
        except DAMAGE as e:
            raise _damaged(Path(self.index_dir), e) from None

    @_reading
    def speakers(self, filters: Optional[Filters] = None, **kw) -> list[dict]:
        """One row per speaker key: the most used name, type, roles and organizations (most used
        first), number of statements and of articles, first and last date (most statements first)."""
        groups: dict[str, dict] = {}
        for rec in self.statements(filters, **kw):
            g = groups.setdefault(rec["speaker_key"] or fold(rec["speaker"]), {
                "names": Counter(), "types": Counter(), "roles": Counter(), "orgs": Counter(), "count": 0,
                "sources": set(), "days": [], "shown": {}})
            g["names"][rec["speaker"]] += 1
            g["types"][rec["speaker_type"] or "unknown"] += 1
            for key, value in (("roles", rec["role"]), ("orgs", rec["organization"])):
                if value:
                    g[key][value.lower()] += 1
                    g["shown"].setdefault(value.lower(), value)
            g["count"] += 1
            g["sources"].add(rec["source"])
            if rec["date"]:
                g["days"].append(rec["date"][:10])
        rows = [{"speaker": g["names"].most_common(1)[0][0], "key": key, "type": g["types"].most_common(1)[0][0],
                 "roles": [g["shown"][r] for r, _ in g["roles"].most_common()],
                 "organizations": [g["shown"][o] for o, _ in g["orgs"].most_common()],
                 "count": g["count"], "articles": len(g["sources"]),
                 "first": min(g["days"], default=None), "last": max(g["days"], default=None)}
                for key, g in groups.items()]
        return sorted(rows, key=lambda r: (-r["count"], r["speaker"].lower(), r["key"]))

    @_reading
    def sources(self, filters: Optional[Filters] = None, **kw) -> list[dict]:
        """Every indexed source passing the date and outlet filters, with its title, date, outlet,
        url, path and number of statements, by id."""
        f = filters or Filters(**kw)
        # markers carry the day and the outlet's words too: the statements' filters select them
        flt = self.filters(Filters(since=f.since, until=f.until, outlet=f.outlet))
        q = Term("doctype", "source") if flt is None else And([Term("doctype", "source"), flt])
        rows = [{"source": d["source"], "title": d.get("title", ""), "date": d.get("date"),
                 "outlet": d.get("outlet"), "count": d.get("count", 0), "url": d.get("url"),
                 "path": d.get("path", "")} for d in self.s.search(q, limit=None)]
        return sorted(rows, key=lambda r: r["source"])

    def _require_source(self, source: str) -> dict:
        marker = self.marker(source) or None
        if marker is None and source.lower().endswith((".txt", ".md", ".html", ".htm")):  # a file name: its id is the stem
            marker = self.marker(PurePath(source).stem) or None
        if marker is None:
            raise NotFound(f"no source {source!r} in the index at {self.index_dir}; "
                           "list them with `quotesearch sources`")
        return marker

    @_reading
    def source(self, source: str, filters: Optional[Filters] = None, **kw) -> list[dict]:
        """All statements of one source in reading order; NotFound if the source is unknown."""
        f = filters or Filters(**kw)
        f.source = self._require_source(source)["source"]
        return list(self.statements(f))

    @_reading
    def show(self, statement_id: str) -> dict:
        """One statement (with its paragraph as ``context``) and its article's metadata."""
        docnum = self._statement_docnum(statement_id)
        if docnum is None:
            raise self._no_statement(statement_id)
        return self.record(docnum)

    def _no_statement(self, statement_id: str) -> NotFound:
        return NotFound(f"no statement {_shown(statement_id)} in the index at {self.index_dir}; "
                        "ids look like SOURCE:OFFSET, find them with `quotesearch search`")

    def _statement_docnum(self, statement_id: str) -> Optional[int]:
        return next(iter(docs_with_term(self.s, "id", statement_id)), None)  # only statements have ids

    # -- tracing -------------------------------------------------------------------

    @_reading
    def trace(self, text_or_id: str) -> list[dict]:
        """Every appearance of one quote (its quote group), earliest first (undated last), each
        with ``same_wording``: whether its words are those of the earliest appearance.

        ``text_or_id`` is a statement id, a quote group id, or words of the quote.
        """
        group = self._group_of(text_or_id.strip())
        members = docs_with_term(self.s, "quote_group", group)
        rows = [self.record(d) for d in self._by_date(members, "date", None)]
        first = fold(rows[0]["text"]) if rows else ""
        for rec in rows:
            rec["same_wording"] = fold(rec["text"]) == first
        return rows

    def _group_of(self, text_or_id: str) -> str:
        if not text_or_id:
            raise QuerySyntaxError("trace needs a statement id or words of a quote; e.g. quotesearch trace kursk:1234")
        docnum = self._statement_docnum(text_or_id)
        if docnum is not None:
            return self.s.stored_fields(docnum).get("quote_group") or ""
        if docs_with_term(self.s, "quote_group", text_or_id):
            return text_or_id
        if STATEMENT_ID.match(text_or_id):  # an id that is not in the index: never words of a quote
            raise self._no_statement(text_or_id)
        words = [w for w in self.schema["text"].process_text(text_or_id, mode="query")]
        if not words:
            raise NotFound(f"no statement or quote {_shown(text_or_id)} in the index at {self.index_dir}")
        # the statement sharing most of the words (most of them, not all: wordings differ)
        q = Or([Term("text", w) for w in dict.fromkeys(words)], scale=0.9)
        hits = self.s.search(_statements_only(q), limit=1)
        if not len(hits):
            raise NotFound(f"no statement like {_shown(text_or_id)} in the index at {self.index_dir}; "
                           "try fewer words, or a statement id from `quotesearch search`")
        return hits[0].get("quote_group") or ""
