"""Metadata sidecars: the date, outlet, URL and title of articles kept as text files, in a table beside them.

A sidecar is ``metadata.tsv``, ``metadata.csv`` or ``metadata.jsonl`` (see ``SIDECARS``), one row per
article, keyed by the file name without extension in a column ``name``, ``filename`` or ``id`` (a
path relative to the sidecar's folder, ``a/story``, tells files of one name apart). The other
columns are found by the names archive records use (archive.FIELDS: date/publication_date,
outlet/publisher, url, title ...). A sidecar is never read as an article.
"""
from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Optional

from .archive import CSV_FIELD_LIMIT, FIELDS, _value
from .dates import parse_date
from .read import HTML_SUFFIXES, TEXT_SUFFIXES, ReadError, decode_with_encoding

SIDECARS = ("metadata.tsv", "metadata.csv", "metadata.jsonl")
KEY_COLUMNS = ("name", "filename", "id")
META_FIELDS = ("title", "date", "url", "outlet")  # what a sidecar may give an article
MAX_SIDECAR_BYTES = 200_000_000

_KEYS = {field: tuple(name.lower() for name in FIELDS[field]) for field in META_FIELDS}


class Sidecar:
    """One metadata file: its rows by key, and the folder its relative keys start from."""

    def __init__(self, path: Path, rows: dict[str, tuple]):
        self.path, self.folder, self.rows = path, Path(os.path.abspath(path)).parent, rows

    def lookup(self, file: Path) -> Optional[tuple]:
        """The ((field, value), ...) of ``file``'s row, or None when it has none."""
        file = Path(os.path.abspath(file))
        keys = []
        try:
            rel = file.relative_to(self.folder)
            keys += [rel.with_suffix("").as_posix(), rel.as_posix()]
        except ValueError:
            pass
        for key in keys + [file.stem, file.name]:
            if key in self.rows:
                return self.rows[key]
        return None


def _key(value: str) -> str:
    key = value.strip().replace("\\", "/").removeprefix("./")
    lower = key.lower()
    for suffix in TEXT_SUFFIXES + HTML_SUFFIXES:
        if lower.endswith(suffix):
            return key[:-len(suffix)]
    return key


def _records(path: Path, text: str) -> list[dict]:
    if path.name.lower().endswith(".jsonl"):
        rows = []
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    row = json.loads(line)
                except ValueError as e:
                    raise ReadError(f"{path}: line {n} is not valid JSON ({e}); fix the metadata file") from None
                if isinstance(row, dict):
                    rows.append(row)
        return rows
    header = text.split("\n", 1)[0]
    delimiter = "\t" if path.name.lower().endswith(".tsv") else max(",;\t", key=header.count)
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)
    return [{k: v for k, v in row.items() if isinstance(k, str)}
            for row in csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)]


def read_sidecar(path) -> Sidecar:
    """Read a metadata file; ReadError (naming it, with a hint) when it cannot be used."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_SIDECAR_BYTES + 1)
    except OSError as e:
        raise ReadError(f"cannot read the metadata file {path}: {e.strerror or e}") from None
    if len(data) > MAX_SIDECAR_BYTES:
        raise ReadError(f"{path}: a metadata file of more than {MAX_SIDECAR_BYTES / 1e6:g} MB; split it")
    text, _ = decode_with_encoding(data, str(path))
    records = _records(path, text.removeprefix("\ufeff"))
    columns = {k.strip().lower() for r in records[:1] for k in r}
    key_column = next((k for k in KEY_COLUMNS if k in columns), None)
    if records and key_column is None:
        raise ReadError(f"{path}: no column {', '.join(KEY_COLUMNS[:-1])} or {KEY_COLUMNS[-1]} naming the article "
                        f"files; found {', '.join(sorted(columns)) or 'none'}")
    rows: dict[str, tuple] = {}
    for record in records:
        values: dict = {}
        for k, v in record.items():
            v = _value(v)
            if v is not None:
                values.setdefault(k.strip().lower(), v)
        key = values.get(key_column)
        if key is None:
            continue
        meta = []
        for field in META_FIELDS:
            value = next((values[k] for k in _KEYS[field] if k in values), None)
            if field == "date":
                value = parse_date(value)
            elif value is not None:
                value = " ".join(str(value).split()) or None
            if value is not None:
                meta.append((field, value))
        rows.setdefault(_key(str(key)), tuple(meta))
    return Sidecar(path, rows)


def find_sidecar(folder: Path) -> Optional[Path]:
    """The metadata file in ``folder``, if it has one."""
    for name in SIDECARS:
        path = folder / name
        if path.is_file():
            return path
    return None
