"""Rendering records (lists of dicts) as table, json, jsonl or csv text. Nothing here prints.

Tables are for a terminal: control characters from article text are made visible or dropped
(never sent raw), and a ``Marked`` value (a quote with the offsets of its search highlights)
is shown in bold where its highlights are. JSON escapes every control and format character;
CSV keeps the text exact unless asked to make it safe for a terminal.
"""
from __future__ import annotations

import functools
import io
import json
import re
import shutil
import unicodedata
from typing import Optional, Sequence

from ..formats import cell, csv_writer, escape_json, json_array, json_line  # noqa: F401

FORMATS = ("table", "json", "jsonl", "csv")
BOLD, NORMAL = "\x1b[1m", "\x1b[22m"
GAP = "  "

Columns = Sequence[tuple[str, str]]  # (key, header)


def render(rows: list[dict], fmt: str, columns: Optional[Columns] = None,
           width: Optional[int] = None, vertical: bool = False, style: bool = True,
           safe: bool = False) -> str:
    """``rows`` as text in ``fmt``; ``columns`` picks and names the table columns.

    ``vertical`` prints a table as one ``field: value`` block per row (for single records).
    ``style``: bold highlights in tables (ANSI); ``safe``: CSV with control characters made
    visible (for a terminal). ``width`` defaults to the terminal's (COLUMNS honoured).
    """
    if fmt == "json":
        return escape_json(json.dumps(rows, indent=2, ensure_ascii=False))
    if fmt == "jsonl":
        return "\n".join(json_line(r) for r in rows)
    if fmt == "csv":
        return _csv(rows, safe)
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}")
    width = width or terminal_width()
    columns = list(columns or [(k, k) for k in (rows[0] if rows else {})])
    if vertical:
        return "\n\n".join(_vertical(r, columns, width, style) for r in rows)
    return _table(rows, columns, width, style)


def terminal_width() -> int:
    """The terminal's width: COLUMNS when set, else the terminal's, else 100 (not a terminal)."""
    return max(shutil.get_terminal_size((100, 24)).columns, 20)


class Marked(str):
    """A text with highlighted spans: ``spans`` are (start, end) character offsets into it."""

    spans: list[tuple[int, int]]

    def __new__(cls, text: str, spans=()):
        obj = super().__new__(cls, text)
        obj.spans = [(int(s), int(e)) for s, e in spans]
        return obj


def _csv(rows: list[dict], safe: bool = False) -> str:
    out = io.StringIO()
    keys = list(dict.fromkeys(k for r in rows for k in r))
    write = csv_writer(out, keys, visible if safe else str)
    for r in rows:
        write(r)
    return out.getvalue().rstrip("\n")



# -- terminal text ---------------------------------------------------------------------

_C1_AND_SURROGATES = "\ufffd"
ELLIPSIS = "…"


def _visible_char(ch: str) -> str:
    """What a table shows for one character: whitespace as a space; a C0 control or DEL as its
    symbol (␛ ␇ ␈ …), another control or a lone surrogate as �; format characters (bidi
    overrides, zero-width characters, soft hyphens) not at all."""
    if ch.isspace():
        return " "
    if ch.isprintable():
        return ch
    category = unicodedata.category(ch)
    if category == "Cc":
        code = ord(ch)
        return chr(0x2400 + code) if code < 0x20 else "\u2421" if code == 0x7f else _C1_AND_SURROGATES
    if category == "Cf":
        return ""
    return _C1_AND_SURROGATES if category == "Cs" else ch


def visible(text: str) -> str:
    """``text`` safe for a terminal: no character that moves the cursor, rings, erases, changes
    the title or reorders text; see _visible_char."""
    if text.isprintable() and text.isascii():
        return text
    return "".join(_visible_char(ch) for ch in text)


def _glyphs(value) -> tuple[str, list[bool]]:
    """A cell as terminal-safe text and, for each of its characters, whether it is highlighted."""
    text = value if isinstance(value, str) else cell(value)
    spans = getattr(value, "spans", ())
    marks = [False] * len(text)
    for start, end in spans:
        marks[start:end] = [True] * (min(end, len(text)) - start)
    if text.isprintable():  # nothing to replace (the usual case): offsets are unchanged
        return text, marks
    chars, bold = [], []
    for ch, mark in zip(text, marks):
        for c in _visible_char(ch):
            chars.append(c)
            bold.append(mark)
    return "".join(chars), bold


@functools.lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    """Columns one character takes in a terminal: 0 combining, 2 wide (CJK, emoji), else 1."""
    if ch.isascii():
        return 1
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def text_width(text: str) -> int:
    return len(text) if text.isascii() else sum(char_width(c) for c in text)


_WORD = re.compile(r"[^ ]+")


def _wrap(text: str, width: int) -> list[list[tuple[int, int]]]:
    """Greedy word wrap of terminal-safe ``text`` (spaces separate words): each line as the
    (start, end) offsets of its words. A word is split only when it is longer than a line."""
    width = max(width, 1)
    lines, line, used = [], [], 0
    for m in _WORD.finditer(text):
        start, end = m.span()
        w = text_width(text[start:end])
        while w > width:
            if line:
                lines.append(line)
                line, used = [], 0
            cut, room = start, width
            while cut < end and (char_width(text[cut]) <= room or cut == start):
                room -= char_width(text[cut])
                cut += 1
            lines.append([(start, cut)])
            start, w = cut, text_width(text[cut:end])
        if start == end:
            continue
        if line and used + 1 + w > width:
            lines.append(line)
            line, used = [], 0
        used += w + (1 if line else 0)
        line.append((start, end))
    if line or not lines:
        lines.append(line)
    return lines


def wrap(text: str, width: int) -> list[str]:
    """``text`` made terminal-safe and wrapped at word boundaries to ``width`` columns."""
    text, _ = _glyphs(text)
    return [" ".join(text[s:e] for s, e in line) for line in _wrap(text, width)]


def _bold(text: str, bold: list[bool], start: int, end: int) -> str:
    out, on = [], False
    for i in range(start, end):
        if bold[i] != on:
            on = bold[i]
            out.append(BOLD if on else NORMAL)
        out.append(text[i])
    return "".join(out) + (NORMAL if on else "")


def _render_line(text: str, bold: list[bool], words: list[tuple[int, int]], style: bool) -> str:
    """One wrapped line; with ``style`` highlighted characters in bold, and the space between two
    highlighted words too."""
    if not style or not any(bold):
        return " ".join(text[s:e] for s, e in words)
    out = []
    for n, (s, e) in enumerate(words):
        if n:
            joined = bold[words[n - 1][1] - 1] and bold[s]
            out.append(f"{BOLD} {NORMAL}" if joined else " ")
        out.append(_bold(text, bold, s, e))
    return "".join(out).replace(f"{NORMAL}{BOLD}", "")


# -- tables ------------------------------------------------------------------------------

SHORTENED = ("id", "source")  # columns of ids: shortened in the middle when the table is too wide
MIN_ID = 14


def shorten_ids(ids: list[str], width: int) -> list[str]:
    """Ids cut to about ``width`` characters by eliding the middle of their source part (the
    offset after the last ':' is kept whole), as long as the shortened ids stay distinct;
    the full ids are in --format json/jsonl/csv and `show`."""
    full = list(ids)
    longest = max((len(i) for i in full), default=0)
    for room in range(max(width, MIN_ID), longest + 1):
        short = [_elide(i, room) for i in full]
        if len(set(short)) == len(set(full)):
            return short
    return full


def _elide(text: str, room: int) -> str:
    if len(text) <= room:
        return text
    source, colon, offset = text.rpartition(":")
    if not colon or not offset.isdigit():
        source, offset = text, ""
    keep = room - len(offset) - len(colon) - 1
    if keep < 4:
        return text
    head = (keep + 1) // 2
    return source[:head] + ELLIPSIS + source[len(source) - (keep - head):] + colon + offset


def _widths(natural: list[int], words: list[int], floors: list[int], main: int, available: int) -> list[int]:
    """Column widths: what the cells need when that fits. Else, in turn until it fits: the columns
    other than ``main`` (the quote) shrink to a fifth of the line but not below their longest
    word; the quote to 24 columns; the others to their longest word; then everything to its
    floor (a word longer than the floor is split)."""
    widths = list(natural)

    def shrink(i: int, target: int) -> None:
        over = sum(widths) - available
        if over > 0:
            widths[i] = min(widths[i], max(target, widths[i] - over, floors[i]))

    others = sorted((i for i in range(len(widths)) if i != main), key=lambda i: -natural[i])
    for i in others:
        shrink(i, max(available // 5, words[i]))
    shrink(main, min(natural[main], max(floors[main], 24)))
    for i in others:
        shrink(i, words[i])
    for i in others:
        shrink(i, floors[i])
    shrink(main, floors[main])
    return widths


def _table(rows: list[dict], columns: Columns, width: int, style: bool = True) -> str:
    if not rows:
        return ""
    # a column no row has a value for (dates and outlets of plain text files) takes no room
    columns = [c for i, c in enumerate(columns) if i == 0 or any(cell(r.get(c[0])) for r in rows)]
    cells = [[_glyphs(r.get(k)) for k, _ in columns] for r in rows]
    headers = [h for _, h in columns]
    available = width - len(GAP) * (len(columns) - 1)

    def measure():
        natural = [max([len(h)] + [text_width(" ".join(row[i][0].split())) for row in cells])
                   for i, h in enumerate(headers)]
        words = [max([len(h)] + [text_width(w) for row in cells for w in row[i][0].split(" ")])
                 for i, h in enumerate(headers)]
        return natural, words

    natural, words = measure()
    # ids are shortened when they would leave the quote (the first column) less than half the line
    if sum(natural[1:]) > available - min(natural[0], max(30, available // 2)):
        for i, (key, _) in enumerate(columns):
            if key in SHORTENED:
                room = max(MIN_ID, available // 4)
                short = shorten_ids([row[i][0] for row in cells], room)
                for row, text in zip(cells, short):
                    row[i] = (text, [False] * len(text))
        natural, words = measure()
    # a word longer than a third of the line may be split rather than squeeze the other columns
    floors = [min(w, max(available // 3, len(h))) for w, h in zip(words, headers)]
    widths = _widths(natural, words, floors, 0, available)
    wrapped = [[_wrap(text, w) for (text, _), w in zip(row, widths)] for row in cells]
    multiline = any(len(c) > 1 for row in wrapped for c in row)
    lines = [_line([(h, len(h)) for h in headers], widths),
             _line([("-" * w, w) for w in widths], widths)]
    for n, (row, wrapped_row) in enumerate(zip(cells, wrapped)):
        if multiline and n:
            lines.append("")
        for i in range(max(len(c) for c in wrapped_row)):
            parts = []
            for (text, bold), c in zip(row, wrapped_row):
                words_of_line = c[i] if i < len(c) else []
                shown = " ".join(text[s:e] for s, e in words_of_line)
                parts.append((_render_line(text, bold, words_of_line, style), text_width(shown)))
            lines.append(_line(parts, widths))
    return "\n".join(lines)


def _line(parts: list[tuple[str, int]], widths: list[int]) -> str:
    """Cells (text, columns it takes) padded to their column widths."""
    return GAP.join(text + " " * max(w - seen, 0) for (text, seen), w in zip(parts, widths)).rstrip()


def _vertical(row: dict, columns: Columns, width: int, style: bool = True) -> str:
    label = max(len(h) for _, h in columns)
    lines = []
    for key, header in columns:
        text, bold = _glyphs(row.get(key))
        wrapped = [_render_line(text, bold, line, style) for line in _wrap(text, max(width - label - 2, 10))]
        lines.append(f"{header.rjust(label)}  {wrapped[0]}".rstrip())
        lines += [" " * (label + 2) + w for w in wrapped[1:]]
    return "\n".join(lines)
