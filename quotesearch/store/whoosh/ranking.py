"""Ranked queries read from posting lists: words, phrases and ANDs of two of them.

whoosh ranks a query by stepping a tree of matchers one matching document at a time, several Python
calls for each (nine in ten of a phrase query's time went there). Here the same answer is worked out
from whole posting lists: each word's postings are read block by block (index.read_postings), its
BM25F scores worked out in one pass over the list (index.LengthBytesScorer.scores), a phrase's word
positions decoded for the documents holding all its words only, and the top ``limit`` taken with
one heap. The answer is whoosh's to the bit: the same documents, the same scores (the same
operations in the same order: a phrase's word scores are added in the binary tree whoosh's
SpanNear2 adds them in, an AND's two scores once), ties broken as whoosh's collectors break them
(the lower document number first) and the same total.

``rank`` answers None for any other query (ORs, NOTs, wildcards, ranges, boosts, ANDs of three or
more parts, fields whoosh scores otherwise): store.py hands those to whoosh.
"""
from __future__ import annotations

import heapq
import operator
from typing import Collection, NamedTuple, Optional

from .index import LengthBytesScorer, SortedDocs, quiet_whoosh, read_postings, word_positions

with quiet_whoosh():
    from whoosh.query import And, Phrase, Term
    from whoosh.util import make_binary_tree


class _Unsupported(Exception):
    """A part of the query this module does not read (found in a segment): whoosh ranks it."""


def supported(q) -> bool:
    """Whether ``rank`` reads ``q``: a word, a phrase, or an AND of two of them, unboosted."""
    if getattr(q, "boost", None) != 1.0:
        return False
    if type(q) is Term:
        return isinstance(q.text, str)
    if type(q) is Phrase:
        return q.slop == 1 and all(isinstance(w, str) for w in q.words) and len(q.words) > 1
    if type(q) is And:
        return len(q.subqueries) == 2 and all(type(p) is not And and supported(p) for p in q.subqueries)
    return False


def rank(searcher, q, limit: Optional[int], allowed: Optional[Collection[int]] = None, excluded: Optional[set] = None,
         extra: float = 0.0) -> Optional[tuple[list[tuple[float, int]], int]]:
    """The matches of ``q`` as whoosh's collectors give them: ``(score + extra, document number)``
    best first (ties: lower number first), the first ``limit`` (None: all), and how many match.
    Only documents in ``allowed`` (when given) and not in ``excluded`` count. None when ``q`` is
    not something this module reads (``supported``), or a segment scores it otherwise."""
    if not supported(q):
        return None
    scores: list[float] = []
    docnums: list[int] = []
    try:
        for leaf, offset in searcher.leaf_searchers():
            found = _matches(q, leaf, offset, allowed)
            if excluded:
                found = {d: s for d, s in found.items() if d + offset not in excluded}
            docnums.extend(d + offset for d in found)
            scores.extend(found.values())
    except _Unsupported:
        return None
    if extra:
        scores = [s + extra for s in scores]
    total = len(docnums)
    if limit:
        top = heapq.nlargest(limit, zip(scores, [-d for d in docnums]))
        return [(s, -negated) for s, negated in top], total
    items = sorted(zip(scores, docnums), key=lambda item: (-item[0], item[1]))
    return items, total


def _matches(q, leaf, offset: int, allowed: Optional[Collection[int]]) -> dict[int, float]:
    """{document number in the segment: score} of ``q`` in the segment of ``leaf`` (a searcher)."""
    if type(q) is Term:
        postings = _postings(leaf, q.fieldname, q.text, offset, allowed, positions=False)
        return dict(zip(postings.ids, postings.scorer.scores(postings.ids, postings.tfs))) if postings else {}
    if type(q) is Phrase:
        return _phrase(leaf, q, offset, allowed)
    a, b = (_matches(part, leaf, offset, allowed) for part in q.subqueries)
    if len(b) < len(a):
        a, b = b, a
    return {d: s + b[d] for d, s in a.items() if d in b}  # (whoosh's IntersectionMatcher adds its two scores)


class _Postings(NamedTuple):
    ids: list  # document numbers in the segment, in order
    tfs: list  # how many times the word is in each
    values: list  # its encoded positions in each (when asked for)
    scorer: LengthBytesScorer


def _postings(leaf, fieldname: str, text: str, offset: int, allowed: Optional[Collection[int]], positions: bool):
    """One word's postings in the segment, only the ``allowed`` documents (``_Postings``); None when
    the segment does not have the word."""
    schema = leaf.schema
    if fieldname not in schema:
        return None
    field = schema[fieldname]
    try:
        btext = field.to_bytes(text)
    except ValueError:
        return None
    reader = leaf.reader()
    if (fieldname, btext) not in reader:
        return None
    scorer = leaf.weighting.scorer(leaf, fieldname, btext)
    if type(scorer) is not LengthBytesScorer:
        raise _Unsupported(fieldname)
    ids, tfs, values = read_postings(reader.postings(fieldname, btext), weights=True, values=positions)
    if allowed is not None:
        if isinstance(allowed, SortedDocs):  # (asked for each, a bisection each: this at once)
            allowed = allowed.common(set(map(offset.__add__, ids)))
        keep = [k for k, d in enumerate(ids) if d + offset in allowed]
        ids, tfs = [ids[k] for k in keep], [tfs[k] for k in keep]
        values = [values[k] for k in keep] if positions else values
    return _Postings(ids, tfs, values, scorer)


def _phrase(leaf, q, offset: int, allowed: Optional[Collection[int]]) -> dict[int, float]:
    """The documents of the segment holding the phrase's words one after the other (whoosh's
    Phrase with slop 1: SpanNear2, ordered, distance 1), scored as the sum of its words' scores."""
    field = leaf.schema[q.fieldname] if q.fieldname in leaf.schema else None
    if field is None or not field.format or not field.format.supports("positions"):
        raise _Unsupported(q.fieldname)
    words = []
    for word in q.words:
        postings = _postings(leaf, q.fieldname, word, offset, allowed, positions=True)
        if postings is None:
            return {}  # (whoosh's Phrase matches nothing in a segment without one of its words)
        words.append(postings)
    common = set(min((w.ids for w in words), key=len)).intersection(*(w.ids for w in words))
    if not common:
        return {}
    at = [dict(zip(w.ids, range(len(w.ids)))) for w in words]  # where each document is in each list
    found = sorted(common)
    starts = [set(p) for p in word_positions(field.format, [words[0].values[at[0][d]] for d in found])]
    for i in range(1, len(words)):  # the starts whose i-th next position holds the i-th word
        following = word_positions(field.format, [words[i].values[at[i][d]] for d in found])
        starts = [{p - i for p in positions if p - i in st} for st, positions in zip(starts, following)]
        found, starts = [d for d, st in zip(found, starts) if st], [st for st in starts if st]
    scores = [w.scorer.scores(found, [w.tfs[where[d]] for d in found]) for w, where in zip(words, at)]
    if len(scores) == 2:  # (make_binary_tree's sum of two, without a call per document)
        return dict(zip(found, [a + b for a, b in zip(*scores)]))
    return dict(zip(found, [make_binary_tree(operator.add, list(each)) for each in zip(*scores)]))
