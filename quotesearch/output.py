"""Rendering records (lists of dicts) as table, json, jsonl or csv text. Nothing here prints.

In table output, text between ``**`` markers (search highlights) is shown in bold.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
from typing import Optional, Sequence

FORMATS = ("table", "json", "jsonl", "csv")
MARK = "**"
BOLD, NORMAL = "\x1b[1m", "\x1b[22m"
GAP = "  "

Columns = Sequence[tuple[str, str]]  # (key, header)


def render(rows: list[dict], fmt: str, columns: Optional[Columns] = None,
           width: Optional[int] = None, vertical: bool = False) -> str:
    """``rows`` as text in ``fmt``; ``columns`` picks and names the table columns.

    ``vertical`` prints a table as one ``field: value`` block per row (for single records).
    """
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False)
    if fmt == "jsonl":
        return "\n".join(json_line(r) for r in rows)
    if fmt == "csv":
        return _csv(rows)
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}")
    width = width or shutil.get_terminal_size((100, 24)).columns
    columns = list(columns or [(k, k) for k in (rows[0] if rows else {})])
    if vertical:
        return "\n\n".join(_vertical(r, columns, width) for r in rows)
    return _table(rows, columns, width)


def cell(value) -> str:
    """One value as flat text: None -> '', lists of strings joined by '; ', other lists as JSON."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, str) for v in value):
            return "; ".join(value)
        return json.dumps(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def json_line(row: dict) -> str:
    return json.dumps(row, ensure_ascii=False)


def csv_writer(out, columns: Sequence[str]):
    """Write the header line to ``out`` now; returns a function that writes one row (a dict)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)

    def write(row: dict) -> None:
        writer.writerow([cell(row.get(k)) for k in columns])
    return write


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    keys = list(dict.fromkeys(k for r in rows for k in r))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(keys)
    for r in rows:
        writer.writerow([cell(r.get(k)) for k in keys])
    return out.getvalue().rstrip("\n")


def visible_len(text: str) -> int:
    return len(text.replace(MARK, ""))


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap by visible width (markers take no room); words too long are split."""
    width = max(width, 1)
    lines, line = [], ""
    for word in text.split():
        while visible_len(word) > width:
            if line:
                lines.append(line)
                line = ""
            head, word = _split_visible(word, width)
            lines.append(head)
        if line and visible_len(line) + 1 + visible_len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line or not lines:
        lines.append(line)
    return lines


def _split_visible(word: str, room: int) -> tuple[str, str]:
    """Split ``word`` after ``room`` (>= 1) visible characters."""
    i = seen = 0
    while i < len(word) and seen < room:
        if word.startswith(MARK, i):
            i += len(MARK)
            continue
        i += 1
        seen += 1
    return word[:i], word[i:]


def _style(lines: list[str]) -> list[str]:
    """Turn ``**`` markers into ANSI bold, closing and reopening it across line breaks."""
    out, bold = [], False
    for line in lines:
        parts = line.split(MARK)
        text = BOLD if bold else ""
        for i, part in enumerate(parts):
            if i:
                bold = not bold
                text += BOLD if bold else NORMAL
            text += part
        out.append(text + (NORMAL if bold else ""))
    return out


def _widths(natural: list[int], wrappable: list[bool], headers: list[str], available: int) -> list[int]:
    """Column widths: single-word columns (ids, counts) never wrap; the widest text column
    gets whatever the others, capped at a fifth of the line, leave."""
    if sum(natural) <= available:
        return natural
    flexible = [i for i, w in enumerate(wrappable) if w]
    if not flexible:
        return natural
    main = max(flexible, key=lambda i: natural[i])
    widths = list(natural)
    for i in flexible:
        if i != main:
            widths[i] = min(natural[i], max(len(headers[i]), available // 5, 8))
    room = available - sum(w for i, w in enumerate(widths) if i != main)
    if room >= min(natural[main], 20):
        widths[main] = min(natural[main], room)
        return widths
    room = available - sum(natural[i] for i in range(len(natural)) if not wrappable[i])
    cap = max(natural[i] for i in flexible)  # too narrow: shrink the widest text columns first
    while cap > 8 and sum(min(natural[i], cap) for i in flexible) > room:
        cap -= 1
    return [min(n, cap) if wrappable[i] else n for i, n in enumerate(natural)]


def _table(rows: list[dict], columns: Columns, width: int) -> str:
    if not rows:
        return ""
    # a column no row has a value for (dates and outlets of plain text files) takes no room
    columns = [c for i, c in enumerate(columns) if i == 0 or any(cell(r.get(c[0])) for r in rows)]
    cells = [[cell(r.get(k)) for k, _ in columns] for r in rows]
    headers = [h for _, h in columns]
    natural = [max([len(h)] + [visible_len(row[i]) for row in cells]) for i, h in enumerate(headers)]
    wrappable = [any(len(row[i].split()) > 1 for row in cells) for i in range(len(columns))]
    widths = _widths(natural, wrappable, headers, width - len(GAP) * (len(columns) - 1))
    wrapped = [[wrap(c, w) for c, w in zip(row, widths)] for row in cells]
    multiline = any(len(c) > 1 for row in wrapped for c in row)
    lines = [_line(headers, widths), _line(["-" * w for w in widths], widths)]
    for n, row in enumerate(wrapped):
        if multiline and n:
            lines.append("")
        styled = [_style(c) for c in row]
        for i in range(max(len(c) for c in row)):
            parts = [c[i] if i < len(c) else "" for c in styled]
            visible = [c[i] if i < len(c) else "" for c in row]
            lines.append(_line(parts, widths, visible))
    return "\n".join(lines)


def _line(parts: list[str], widths: list[int], visible: Optional[list[str]] = None) -> str:
    visible = visible or parts
    padded = [p + " " * (w - visible_len(v)) for p, v, w in zip(parts, visible, widths)]
    return GAP.join(padded).rstrip()


def _vertical(row: dict, columns: Columns, width: int) -> str:
    label = max(len(h) for _, h in columns)
    lines = []
    for key, header in columns:
        wrapped = _style(wrap(cell(row.get(key)), width - label - 2))
        lines.append(f"{header.rjust(label)}  {wrapped[0]}".rstrip())
        lines += [" " * (label + 2) + w for w in wrapped[1:]]
    return "\n".join(lines)
