"""Reading the index: keyword search with filters, highlighting, speaker and source listings.

Open one ``QuoteSearcher`` per command and ask it everything; it holds one whoosh searcher.
Every statement comes back as a dict with exactly the Statement fields, plus a few
extras where noted (``highlight``, ``score``, ``title``).
"""
from __future__ import annotations

import heapq
import os
import re
from pathlib import PurePath
from collections import Counter
from dataclasses import dataclass
from typing import Optional, Union

from .index import (QuotesearchError, open_index, open_searcher, quiet_whoosh, read_reading_order, record_from_stored,
                    speaker_key, speaker_tokens)
from .records import KINDS

with quiet_whoosh():
    from whoosh import collectors, highlight, qparser
    from whoosh.query import And, AndMaybe, AndNot, Every, NullQuery, Or, Term

MARK = "**"  # matched words in ``highlight`` are wrapped in this

# Field names accepted in ``field:value`` query syntax, with their aliases.
QUERY_FIELDS = ("text", "speaker", "mention", "speaker_type", "role", "organization", "outlet",
                "kind", "cue", "source", "title", "paragraph", "id")
ALIASES = {"organization": ["org"], "speaker_type": ["type"]}
_BINARY_OPS = {"AND", "OR", "ANDNOT", "ANDMAYBE"}
_FIELD_PREFIX = re.compile(r"(?:^|(?<=[\s(]))([A-Za-z_]\w*):(\S?)")
_EXAMPLE = "e.g. 'troops', '\"pressure on the aggressor\"', 'speaker:barros AND russia'"


class QuerySyntaxError(QuotesearchError):
    pass


class NotFound(QuotesearchError):
    pass


@dataclass
class SearchResults:
    hits: list[dict]
    total: int  # every match, not only the ``limit`` returned


class _Mark(highlight.Formatter):
    between = " … "

    def format_token(self, text, token, replace=False):
        return MARK + highlight.get_text(text, token, replace) + MARK


MAX_DEPTH = 50  # parentheses nested deeper than this are refused (whoosh's parser recurses)


def _shown(query: str, width: int = 80) -> str:
    """The query as error messages quote it: cut short when long, so the message stays one short line."""
    return repr(query if len(query) <= width else query[:width] + "…")


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


MARKER_FIELDS = {"doctype", "source", "title", "path", "source_hash"}  # what a source marker has


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


class QuoteSearcher:
    """All read access to one index. Use as a context manager."""

    def __init__(self, index_dir: Union[str, os.PathLike]):
        self.index_dir = index_dir
        self.ix = open_index(index_dir)
        self.s = open_searcher(self.ix, index_dir)
        self.schema = self.s.schema  # not ix.schema: that reads the table of contents again
        self._order = None  # the saved reading order (an array), False when there is none

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

    def filters(self, speaker=None, role=None, org=None, source=None, kind=None):
        """One whoosh query combining the filters, or None when there is none. Its terms weigh
        nothing: a filter does not change scores."""
        Term = _ZeroTerm  # noqa: N806
        parts = []
        if speaker is not None:
            tokens = speaker_tokens(speaker)
            if not tokens:
                raise QuerySyntaxError(f"--speaker {speaker!r} has no name in it; e.g. --speaker barros")
            # every word of the name (a statement whose speaker_key equals the name has them all)
            parts.append(And([Term("speaker_tokens", t) for t in tokens]))
        if role is not None:
            parts.append(And([Term("role", w) for w in self._words("role", role, "--role")]))
        if org is not None:
            parts.append(And([Term("organization", w) for w in self._words("organization", org, "--org")]))
        if source is not None:
            parts.append(Term("source", self._require_source(source)["source"]))
        if kind is not None:
            if kind.lower() not in KINDS:
                raise QuerySyntaxError(f"--kind {kind!r} is not one of {', '.join(KINDS)}")
            parts.append(Term("kind", kind.lower()))
        return And(parts) if parts else None

    def search(self, query: str = "", speaker: Optional[str] = None, role: Optional[str] = None,
               org: Optional[str] = None, source: Optional[str] = None, kind: Optional[str] = None,
               limit: Optional[int] = 20) -> SearchResults:
        """Statements matching ``query`` (whoosh syntax over the quote text) and every filter.

        Best matches first; with a blank query, every statement passing the filters in reading order.
        """
        q = self.parse(query)
        flt = self.filters(speaker, role, org, source, kind)
        if q is None:
            hits, total = self._in_reading_order(_statements_only(flt), limit)
            return SearchResults([dict(rec, highlight=rec["text"], score=None) for rec in hits], total)
        # The filters as a part of the query whose terms score nothing (whoosh's filter= first
        # builds a set of every document passing them), source markers left out the same way.
        # Zero-weight terms would confuse whoosh's skipping of low-scoring blocks: not with filters.
        collector = collectors.TopCollector(limit, usequality=flt is None) if limit else collectors.UnlimitedCollector()
        self.s.search_with_collector(_statements_only(q if flt is None else And([q, flt])), collector)
        results = collector.results()
        results.fragmenter = highlight.WholeFragmenter()
        results.formatter = _Mark()
        hits = []
        for hit in results:
            rec = record_from_stored(hit.fields())
            marked = hit.highlights("text", top=1)
            rec["highlight"] = marked.replace(f"{MARK} {MARK}", " ") or rec["text"]
            rec["score"] = round(hit.score, 3) if hit.score is not None else None
            hits.append(rec)
        if not limit or len(hits) < limit:
            return SearchResults(hits, len(hits))
        return SearchResults(hits, len(results))

    # -- listings ------------------------------------------------------------------

    def _in_reading_order(self, q, limit: Optional[int]) -> tuple[list[dict], int]:
        """The first ``limit`` (all if None or 0) statements matching ``q`` by source and start,
        and how many match."""
        if self._order is None:
            self._order = read_reading_order(self.s.reader(), self.index_dir) or False
        if self._order is False:  # no saved order for this state of the index: whoosh sorts
            results = self.s.search(q, limit=limit or None, sortedby=["source", "start"])
            docnums = [hit.docnum for hit in results]
            total = len(results) if limit and len(docnums) == limit else len(docnums)
        else:
            matching = list(self.s.docs_for_query(q))
            total = len(matching)
            key = self._order.__getitem__
            docnums = heapq.nsmallest(limit, matching, key=key) if limit else sorted(matching, key=key)
        return [record_from_stored(self.s.stored_fields(d)) for d in docnums], total

    def _statements(self, q) -> list[dict]:
        return self._in_reading_order(_statements_only(q), None)[0]

    def speakers(self) -> list[dict]:
        """Every speaker: name, type, roles, organizations, number of statements (most first)."""
        groups: dict[str, dict] = {}
        for rec in self._statements(None):
            g = groups.setdefault(speaker_key(rec["speaker"]), {
                "names": Counter(), "types": Counter(), "roles": {}, "orgs": {}, "count": 0})
            g["names"][rec["speaker"]] += 1
            g["types"][rec["speaker_type"] or "unknown"] += 1
            for key, value in (("roles", rec["role"]), ("orgs", rec["organization"])):
                if value:
                    g[key].setdefault(value.lower(), value)
            g["count"] += 1
        rows = [{"speaker": g["names"].most_common(1)[0][0], "type": g["types"].most_common(1)[0][0],
                 "roles": list(g["roles"].values()), "organizations": list(g["orgs"].values()),
                 "count": g["count"]} for g in groups.values()]
        return sorted(rows, key=lambda r: (-r["count"], r["speaker"].lower()))

    def sources(self) -> list[dict]:
        """Every indexed source with its title, path and number of statements."""
        rows = [{"source": d["source"], "title": d.get("title", ""), "count": d.get("count", 0),
                 "path": d.get("path", "")} for d in self.s.documents(doctype="source")]
        return sorted(rows, key=lambda r: r["source"])

    def _require_source(self, source: str) -> dict:
        marker = self.s.document(doctype="source", source=source)
        if marker is None and source.lower().endswith((".txt", ".md")):  # a file name: its id is the stem
            marker = self.s.document(doctype="source", source=PurePath(source).stem)
        if marker is None:
            raise NotFound(f"no source {source!r} in the index at {self.index_dir}; "
                           "list them with `quotesearch sources`")
        return marker

    def source(self, source: str) -> list[dict]:
        """All statements of one source in reading order; NotFound if the source is unknown."""
        return self._statements(Term("source", self._require_source(source)["source"]))

    def show(self, statement_id: str) -> dict:
        """One statement (with its paragraph as ``context``) plus the source ``title``."""
        stored = self.s.document(doctype="statement", id=statement_id)
        if stored is None:
            raise NotFound(f"no statement {statement_id!r} in the index at {self.index_dir}; "
                           "ids look like SOURCE:OFFSET, find them with `quotesearch search`")
        rec = record_from_stored(stored)
        marker = self.s.document(doctype="source", source=stored["source"]) or {}
        rec["title"] = marker.get("title", "")
        return rec
