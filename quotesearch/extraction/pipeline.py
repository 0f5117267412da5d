"""The extraction pipeline: Article -> list[Statement], in reading order.

1. ``Document.build``: the article's paragraphs, sentences (NLTK's Punkt), tokens, quote marks and
   cues, with offsets, once.
2. ``rules.RULES``, in order, on each paragraph; then, across paragraphs, one statement per start
   offset and quotes that run on into the next paragraph joined.
3. ``coreference.resolve``: each statement's speaker resolved inside the article, and the final
   ``Statement`` built once.

Nothing is kept between calls, so ``extract`` may run in several threads or processes at once.
A process that does little but extract calls ``settle`` once first.
"""
from __future__ import annotations

import gc
from dataclasses import replace
from typing import Iterable

from .coreference import resolve
from .document import Document
from .paragraph import Attribution
from .quotes import starts_with_quote
from .rules.direct import about_someone, intro_statement
from . import rules as _rules
from ..ingest.read import article_from_text
from ..models import Article, Statement


def _one_per_start(found: list[Attribution], claimed: set[int]) -> list[Attribution]:
    """A statement's id is its source and the offset where it starts: the content starting at an
    offset is one statement's only, so no two statements share an id. Of two that start together in
    one paragraph (two rules reading one clause from there), the one that reads further. Returns the
    statements kept and adds their starts to ``claimed``."""
    kept: list[Attribution] = []
    for a in found:
        start = a.spans[0][0]
        if start not in claimed:
            claimed.add(start)
            kept.append(a)
        elif kept and kept[-1].spans[0][0] == start and a.spans[-1][1] > kept[-1].spans[-1][1]:
            kept[-1] = a
    return kept


def _continues(doc: Document, index: int, open_quote: Attribution | None, found: list[Attribution]) -> bool:
    """Whether paragraph ``index`` continues the open multi-paragraph quote: it opens with a quote
    mark and its first statement is that quote, borrowing its speaker."""
    p = doc.paragraphs[index]
    return (open_quote is not None and bool(found) and found[0].inherit
            and starts_with_quote(doc.text, p.start, p.end) and bool(p.quotes)
            and found[0].spans[0][0] == p.quotes[0].start)


def attributions(doc: Document, rules: Iterable[tuple[str, _rules.Rule]] = _rules.RULES) -> list[Attribution]:
    """Paragraph by paragraph attribution by ``rules``, joining quotes that run across paragraphs."""
    rules = tuple(rules)
    out: list[Attribution] = []
    open_at: int | None = None          # index in ``out`` of a direct quote left open at its paragraph's end
    claimed: set[int] = set()
    for index, p in enumerate(doc.paragraphs):
        found = _one_per_start(_rules.run(p, rules), claimed)
        intro = intro_statement(doc.paragraphs[index - 1], p) if index > 0 else None
        if intro is not None:           # "And from Chairwoman Y:" / "Senator X replied:" before this paragraph
            claimed.add(intro.spans[0][0])
            found = [intro]
        elif found and found[0].inherit and index > 1 and not (out and out[-1].paragraph == index - 1):
            found[0] = about_someone(doc.paragraphs[index - 1], found[0]) or found[0]   # not the last speaker blindly
        if _continues(doc, index, out[open_at] if open_at is not None else None, found):
            cont = found.pop(0)         # a multi-paragraph quote: one statement over both paragraphs
            out[open_at] = replace(out[open_at], spans=out[open_at].spans + cont.spans, open_end=cont.open_end)
            if not cont.open_end:
                open_at = None
            out.extend(found)
            continue
        out.extend(found)
        last = found[-1] if found else None
        open_at = len(out) - 1 if last is not None and last.kind == "direct" and last.open_end \
            and last.spans[-1][1] >= p.end - 1 else None
    return out


def extract(article: Article, disabled: Iterable[str] = ()) -> list[Statement]:
    """All attributed statements of one article, in reading order. ``disabled`` names rules of
    ``rules.RULES`` to leave out (to measure what one contributes); an unknown name is a ValueError."""
    doc = Document.build(article)
    return resolve(doc, attributions(doc, _rules.select(disabled)))


def extract_text(text: str, id: str = "text", disabled: Iterable[str] = ()) -> list[Statement]:
    """Convenience for tests and callers holding a string."""
    return extract(article_from_text(text, id), disabled)


_WARM_UP = ("Senators back the plan\n\n"
            "“We will vote for it,” Sen. Jane Doe (D-N.Y.) said on Monday. Her aide, John Roe, told reporters that "
            "it would pass.\n\n"
            "The U.S. plan is sound, according to the Associated Press. ‘It is a start,’ analysts said.")


def settle() -> None:
    """Ready this process to extract many articles: load NLTK's Punkt and the lexicons now (by
    extracting a short text), then take every object alive out of the cyclic garbage collector's
    sight (``gc.freeze``).

    Those objects -- some 40,000, most of them NLTK's -- live as long as the process, yet every full
    collection walked them all: 20-35 ms a time, a dozen times over the 840 PolNeAR texts, 7-10 % of
    extraction time. Call it once at the start of a process that does little but extract (an index
    worker, ``quotesearch extract``). ``extract`` never calls it: whatever else the caller holds at
    that moment is frozen too, and would never be collected if it later became cyclic garbage.

    It also lets the youngest generation grow to ``YOUNG_GENERATION`` objects before a collection
    (Python's default is 700): extracting one article makes tens of thousands of short-lived objects,
    nearly all freed by their reference counts, and each collection walked the ones still alive."""
    doc = Document.build(article_from_text(_WARM_UP, "warm-up"))
    resolve(doc, attributions(doc))
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION, *gc.get_threshold()[1:])


# objects the youngest generation holds before a collection, after ``settle`` (the 840 PolNeAR texts,
# fresh processes in turn: 0.966 -> 0.991 MB/s median of 6; one process, three rounds in turn: 2-4 %)
YOUNG_GENERATION = 20_000
