"""Records as JSON Lines, one JSON array, or CSV: what ``export`` writes and the command line prints.

Strings are written as they are (JSON escapes only what json.dumps leaves raw and a terminal would
act on); lists become '; '-joined text in CSV.
"""
from __future__ import annotations

import csv
import json
import re
from typing import IO, Callable, Iterable, Sequence

FORMATS = ("jsonl", "json", "csv")
EXPORT_COLUMNS = ("speaker", "role", "organization", "text", "kind", "date", "outlet", "title", "url", "source",
                  "quote_group", "speaker_key", "id", "cue", "given_to")  # CSV; the JSON formats have every field


def trace_records(statements: Iterable) -> list[dict]:
    """The records of a trace (``Index.trace``) as ``trace --format json`` and /api/trace give them:
    each statement's fields, and ``same_wording``: whether it has the first appearance's words
    (compared case- and accent-folded)."""
    from .identity.speakers import fold

    rows = [st.to_dict() for st in statements]
    first = fold(rows[0]["text"]) if rows else ""
    for row in rows:
        row["same_wording"] = fold(row["text"]) == first
    return rows


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


# Control and format characters json.dumps leaves raw (C1 controls, bidi overrides, zero-width
# characters, line and paragraph separators): escaped as \\uXXXX, which changes no JSON value.
_JSON_UNSAFE = re.compile(
    "[\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")


def _json_escape(m: re.Match) -> str:
    return json.dumps(m.group(), ensure_ascii=True)[1:-1]


def escape_json(text: str) -> str:
    """JSON text with the control and format characters json.dumps leaves raw escaped."""
    return _JSON_UNSAFE.sub(_json_escape, text)


def json_line(row: dict) -> str:
    return escape_json(json.dumps(row, ensure_ascii=False))


def json_array(out, rows) -> int:
    """Write ``rows`` to ``out`` as one JSON array, a row at a time; returns how many."""
    n = 0
    for row in rows:
        out.write(("[\n  " if not n else ",\n  ") + json_line(row))
        n += 1
    out.write("\n]\n" if n else "[]\n")
    return n


def csv_writer(out, columns: Sequence[str], clean: Callable[[str], str] = str):
    """Write the header line to ``out`` now; returns a function that writes one row (a dict), each
    value flattened by ``cell`` and passed through ``clean`` (e.g. control characters made visible
    for a terminal)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)

    def write(row: dict) -> None:
        writer.writerow([clean(cell(row.get(k))) for k in columns])
    return write


def write_records(out: IO[str], rows: Iterable[dict], format: str, columns: Sequence[str],
                  clean: Callable[[str], str] = str) -> int:
    """Write ``rows`` to ``out`` one at a time as JSON Lines, one JSON array or CSV (``columns``);
    returns how many."""
    if format == "json":
        return json_array(out, rows)
    n = 0
    if format == "csv":
        write = csv_writer(out, columns, clean)
        for n, row in enumerate(rows, 1):
            write(row)
        return n
    for n, row in enumerate(rows, 1):
        out.write(json_line(row) + "\n")
    return n
