"""What the pages show, as plain data: highlighted pieces of text, an article's text with its
statements in place, a speaker's summary and timeline, a quote's wording against its first
appearance. Nothing here knows about HTTP or templates; every text stays text (the templates
escape it).
"""
from __future__ import annotations

import dataclasses
import difflib
import os
import re
from collections import Counter
from typing import Iterable, Optional, Sequence

from ..models import Statement

PAGE_SIZE = 20


@dataclasses.dataclass
class Piece:
    """A run of text; ``marks``: what covers it (highlight, or statements with the span's number)."""

    text: str
    marks: tuple = ()
    starts: tuple = ()  # on an article page: the statements whose first span starts here


def pieces(text: str, spans: Iterable[tuple[int, int, object]]) -> list[Piece]:
    """``text`` cut at every start and end of ``spans`` ((start, end, mark), end exclusive, offsets
    into ``text``; they may overlap or nest): each piece with the marks of the spans covering it."""
    spans = [(max(0, int(s)), min(len(text), int(e)), m) for s, e, m in spans if int(e) > int(s)]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        if a < b:
            out.append(Piece(text[a:b], tuple(m for s, e, m in spans if s <= a and b <= e)))
    return out


def highlighted(text: str, highlights: Sequence[Sequence[int]]) -> list[Piece]:
    """A hit's quote with its matched words marked (``highlights``: offsets into ``text``)."""
    return pieces(text, [(s, e, True) for s, e in highlights])


# -- an article with its statements in place --------------------------------------------------

@dataclasses.dataclass
class ArticleText:
    """An article's text as indexed, or None with the reason it is not shown."""

    text: Optional[str]
    reason: str = ""


def spans_text(text: str, statement: Statement) -> str:
    """A statement's words as its spans give them in ``text`` (how extraction joins a split quote)."""
    return " … ".join(" ".join(text[s:e].split()) for s, e in statement.spans)


def article_text(path: str, statements: list[Statement]) -> ArticleText:
    """The text of the article at ``path`` as the indexer read it, when the file is still there
    and every statement's spans still give that statement's words (the index keeps statements
    and their paragraphs, not whole articles). Otherwise None, with why."""
    from ..errors import QuotesearchError
    from ..ingest.article import read_article

    if not path or not os.path.isfile(path):
        where = "an archive record" if "#" in os.path.basename(path or "") else "no file"
        return ArticleText(None, f"the index keeps statements, not whole articles, and the article "
                                 f"came from {where if not path else path + ' (' + where + ' there now)'}")
    try:
        text = read_article(path).text
    except (QuotesearchError, OSError, ValueError) as e:
        return ArticleText(None, f"{path} cannot be read now: {e}")
    if any(spans_text(text, st) != st.text for st in statements):
        return ArticleText(None, f"{path} has changed since it was indexed; index it again to see it whole")
    return ArticleText(text)


def statement_pieces(text: str, statements: list[Statement]) -> list[Piece]:
    """The article's text cut where statements start and end; a piece's marks are (statement
    number in ``statements``, span number) of every statement span covering it."""
    out = pieces(text, [(s, e, (n, k)) for n, st in enumerate(statements) for k, (s, e) in enumerate(st.spans)])
    seen: set[int] = set()
    for piece in out:
        piece.starts = tuple(n for n, k in piece.marks if k == 0 and n not in seen)
        seen.update(piece.starts)
    return out


def paragraphs_of(statements: list[Statement]) -> list[tuple[int, str, list[int]]]:
    """(paragraph, its text, numbers of the statements in it) in reading order: what an article
    page shows when the article's text is not at hand."""
    seen: dict[int, tuple[str, list[int]]] = {}
    for n, st in enumerate(statements):
        seen.setdefault(st.paragraph, (st.context, []))[1].append(n)
    return [(p, context, numbers) for p, (context, numbers) in sorted(seen.items())]


# -- a speaker ----------------------------------------------------------------------------------

@dataclasses.dataclass
class SpeakerPage:
    name: str
    speaker_key: str
    speaker_type: str
    statements: list[Statement]
    roles: list[tuple[str, int]]
    organizations: list[tuple[str, int]]
    names: list[str]
    articles: list[dict]  # source, title, date, outlet, statements
    outlets: list[tuple[str, int]]
    months: list[tuple[str, int]]  # every month from the first to the last, with its statements
    undated: int
    first: Optional[str]
    last: Optional[str]


def speaker_page(key: str, statements: list[Statement]) -> SpeakerPage:
    """The summary of one speaker key's statements (in reading order)."""
    def ranked(values) -> list[tuple[str, int]]:
        return Counter(v for v in values if v).most_common()

    articles: dict[str, dict] = {}
    for st in statements:
        a = articles.setdefault(st.source, {"source": st.source, "title": st.title, "date": st.date,
                                            "outlet": st.outlet, "statements": 0})
        a["statements"] += 1
    days = sorted(st.date[:10] for st in statements if st.date)
    per_month = Counter(day[:7] for day in days)
    names = ranked(st.speaker for st in statements)
    return SpeakerPage(
        name=names[0][0] if names else key, speaker_key=key,
        speaker_type=ranked(st.speaker_type for st in statements)[0][0] if statements else "",
        statements=statements, roles=ranked(st.role for st in statements),
        organizations=ranked(st.organization for st in statements), names=[n for n, _ in names],
        articles=sorted(articles.values(), key=lambda a: (a["date"] or "9999", a["source"])),
        outlets=ranked(st.outlet for st in statements), months=months_between(per_month),
        undated=len(statements) - len(days), first=days[0] if days else None, last=days[-1] if days else None)


def months_between(counts: Counter) -> list[tuple[str, int]]:
    """Every month (YYYY-MM) from the first to the last of ``counts``, with its count (0 between)."""
    if not counts:
        return []
    first, last = min(counts), max(counts)
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        month = f"{y:04d}-{m:02d}"
        out.append((month, counts.get(month, 0)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@dataclasses.dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    month: str
    count: int


def timeline(months: list[tuple[str, int]], width: int = 720, height: int = 120) -> dict:
    """Bars of an SVG chart of statements per month (``width`` x ``height`` user units, the
    bottom 20 for the years): bars, year labels and the tallest count."""
    top = max((c for _, c in months), default=0)
    if not months or not top:
        return {"bars": [], "years": [], "top": 0, "width": width, "height": height}
    plot = height - 20
    step = width / len(months)
    bars = [Bar(round(i * step + step * 0.1, 2), round(plot - c / top * (plot - 12), 2), round(max(step * 0.8, 1), 2),
                round(c / top * (plot - 12), 2), month, c) for i, (month, c) in enumerate(months)]
    # a year's label under its first month (every year, or every few when there are many)
    starts = [(i, month[:4]) for i, (month, _) in enumerate(months) if i == 0 or month.endswith("-01")]
    every = max(1, -(-len(starts) // 12))
    years: list[tuple[float, str]] = []
    for i, year in starts[::every]:
        x = round(i * step, 2)
        if years and x - years[-1][0] < 36:  # too close to the label before (a first year's last months)
            if len(years) == 1 and i:
                years[-1] = (x, year)
            continue
        years.append((x, year))
    return {"bars": bars, "years": years, "top": top, "width": width, "height": height}


# -- a quote's appearances -------------------------------------------------------------------------

_TOKEN = re.compile(r"\S+")


def word_diff(first: str, other: str) -> list[tuple[str, str]]:
    """``other`` against ``first`` word by word: (op, text) with op 'same', 'added' (in ``other``
    only) or 'removed' (in ``first`` only). Words compare without case and punctuation."""
    from ..identity.speakers import fold

    a, b = _TOKEN.findall(first), _TOKEN.findall(other)
    matcher = difflib.SequenceMatcher(None, [fold(w) for w in a], [fold(w) for w in b], autojunk=False)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(("same", " ".join(b[j1:j2])))
            continue
        if i2 > i1:
            out.append(("removed", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(("added", " ".join(b[j1:j2])))
    return out


def trace_timeline(statements: list[Statement], width: int = 720) -> dict:
    """Points of an SVG timeline of dated appearances (x by day), in order, with their outlets."""
    from datetime import date

    dated = [(n, date.fromisoformat(st.date[:10])) for n, st in enumerate(statements) if _iso_day(st.date)]
    if not dated:
        return {"points": [], "width": width, "first": None, "last": None}
    first, last = dated[0][1], dated[-1][1]
    days = max((last - first).days, 1)
    margin = 60
    points = [{"x": round(margin + (d - first).days / days * (width - 2 * margin), 2) if last != first else width / 2,
               "n": n + 1, "day": d.isoformat(), "outlet": statements[n].outlet or statements[n].source}
              for n, d in dated]
    for p in points:  # labels stay inside the picture: from a point near the left, up to one near the right
        p["anchor"] = "start" if p["x"] < width / 4 else "end" if p["x"] > width * 3 / 4 else "middle"
    return {"points": points, "width": width, "first": first.isoformat(), "last": last.isoformat()}


def _iso_day(value: Optional[str]) -> bool:
    return bool(value) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value[:10]) is not None
