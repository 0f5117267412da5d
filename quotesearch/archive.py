"""Archives: many articles in one file, one article per record.

JSON Lines (.jsonl, .ndjson, and "-": standard input), JSON (.json: a list of records, one
record, or an object whose only list is the records) and CSV (.csv, with a header row), each
also compressed (.gz, .bz2). Fields are found by the names in ``FIELDS`` (any case; the first
non-empty value wins). JSON Lines and CSV records are yielded one at a time (a .csv or .json
file is decoded whole, a .jsonl one never). A record without an article is a ``Skipped``;
a file that cannot be read at all raises ``ReadError`` (while iterating).
"""
from __future__ import annotations

import bz2
import csv
import gzip
import hashlib
import io
import json
import re
import sys
import zlib
from contextlib import nullcontext
from pathlib import Path
from typing import BinaryIO, Iterator, Optional, Union

from .dates import MISSING, parse_date
from .read import ReadError, article_from_parts, decode_with_encoding, max_file_bytes, url_host
from .records import Article, Skipped

ARCHIVE_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv")
COMPRESSIONS = {".gz": gzip.open, ".bz2": bz2.open}
FIELDS = {  # field -> the names it goes by, in order of preference
    "text": ("text", "maintext", "body", "content", "raw_text"),
    "title": ("title", "headline", "title_page"),
    "date": ("date", "date_publish", "published", "publishedAt", "pubdate"),
    "url": ("url", "link", "source_url"),
    "outlet": ("outlet", "publication", "source_domain", "hostname", "sitename"),
    "id": ("id", "article_id", "guid"),
}
MAX_WHOLE_BYTES = 2_000_000_000  # a .csv or .json file is read whole, up to this size
CSV_FIELD_LIMIT = 2**31 - 1
STDIN = "-"
STDIN_NAME = "<stdin>"

_KEYS = {field: tuple(name.lower() for name in names) for field, names in FIELDS.items()}
_SPACE = re.compile(r"\s+")
_SURROGATE = re.compile("[\ud800-\udfff]")  # from "\ud800" escapes without their pair

Record = Union[dict, str, Skipped]  # a record, why a record is unusable, or the whole file skipped


def _split_name(name: str) -> tuple[str, str, str]:
    """(stem, archive suffix, compression suffix): "news.JSONL.gz" -> ("news", ".jsonl", ".gz")."""
    lower = name.lower()
    comp = next((c for c in COMPRESSIONS if lower.endswith(c)), "")
    base = lower[:len(lower) - len(comp)]
    kind = next((s for s in ARCHIVE_SUFFIXES if base.endswith(s)), "")
    return name[:len(base) - len(kind)], kind, comp


def is_archive(path: Union[str, Path]) -> bool:
    """Whether the file name ends in an archive suffix (maybe followed by .gz or .bz2)."""
    return bool(_split_name(Path(path).name)[1])


def read_archive(path: Union[str, Path], stream: Optional[BinaryIO] = None) -> Iterator[Union[Article, Skipped]]:
    """The articles of an archive, and a Skipped for each record without one.

    ``path`` "-" is JSON Lines read from ``stream`` (default: sys.stdin.buffer), named "<stdin>";
    with another path, a given ``stream`` is read in place of the file (decompressed when the
    name says so). Records are numbered from 1, skipped ones included, blank lines not.
    """
    stdin = str(path) == STDIN
    if stdin and stream is None:
        stream = sys.stdin.buffer
    name = STDIN_NAME if stdin else str(path)
    stem, kind, comp = ("stdin", ".jsonl", "") if stdin else _split_name(Path(path).name)
    records = {".csv": _csv_records, ".json": _json_records}.get(kind, _jsonl_records)
    try:
        with _open(path, comp, stream) as f:
            for n, (record, encoding) in enumerate(records(f, name), 1):
                if isinstance(record, Skipped):
                    yield record
                elif isinstance(record, str):
                    yield Skipped(f"{name} record {n}", record)
                else:
                    yield _article(record, name, stem or "record", n, encoding)
    except (OSError, EOFError, zlib.error) as e:
        what = getattr(e, "strerror", None) or str(e)
        raise ReadError(f"{name}: corrupt or truncated {comp} file: {what}" if comp else f"{name}: {what}") from None


def _open(path, comp: str, stream: Optional[BinaryIO]):
    if stream is not None:
        return COMPRESSIONS[comp](stream) if comp else nullcontext(stream)
    try:
        return COMPRESSIONS.get(comp, open)(path, "rb")
    except OSError as e:
        raise ReadError(f"{path}: {e.strerror or e}") from None


def _jsonl_records(f: BinaryIO, name: str) -> Iterator[tuple[Record, Optional[str]]]:
    cap = 8 * max_file_bytes() + (1 << 20)  # a line longer than this is not read into memory
    first = True
    while line := f.readline(cap + 1):
        if first:
            if line.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise ReadError(f"{name}: UTF-16 text; save it as UTF-8")
            line, first = line.removeprefix(b"\xef\xbb\xbf"), False
        if len(line) > cap and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = f.readline(1 << 20)
            yield f"record of more than {cap / 1e6:.3g} MB", None
        elif line.strip():
            try:
                text, encoding = line.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                try:
                    text, encoding = decode_with_encoding(line, name)
                except ReadError as e:
                    yield str(e).removeprefix(f"{name}: "), None
                    continue
            yield _loads(text.rstrip("\r\n")), encoding


def _loads(text: str) -> Union[dict, str]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        return f"not valid JSON ({e.msg}: column {e.colno})"
    except (ValueError, RecursionError) as e:
        return f"not valid JSON: {e}"
    return value if isinstance(value, dict) else f"not a JSON object but {_json_type(value)}"


def _json_type(value) -> str:
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    return {str: "a string", list: "an array", dict: "an object"}.get(type(value), "a number")


def _read_whole(f: BinaryIO, name: str) -> tuple[str, str]:
    data = f.read(MAX_WHOLE_BYTES + 1)
    if len(data) > MAX_WHOLE_BYTES:
        raise ReadError(f"{name}: more than {MAX_WHOLE_BYTES / 1e9:g} GB; split it, or make it JSON Lines")
    return decode_with_encoding(data, name)


def _json_records(f: BinaryIO, name: str) -> Iterator[tuple[Record, Optional[str]]]:
    text, encoding = _read_whole(f, name)
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as e:
        yield Skipped(name, f"not valid JSON: {e}"), None
        return
    del text
    if isinstance(value, dict):
        lists = [v for v in value.values() if isinstance(v, list)]
        if any(key.lower() in _KEYS["text"] for key in value):
            value = [value]
        elif len(lists) == 1:
            value = lists[0]
        else:
            yield Skipped(name, f"an object without text ({', '.join(FIELDS['text'])}) or a list of records"), None
            return
    if not isinstance(value, list):
        yield Skipped(name, f"not a list of records but {_json_type(value)}"), None
        return
    for item in value:
        yield (item if isinstance(item, dict) else f"not a JSON object but {_json_type(item)}"), encoding


def _csv_records(f: BinaryIO, name: str) -> Iterator[tuple[Record, Optional[str]]]:
    text, encoding = _read_whole(f, name)
    header = text[:1 << 16].split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)  # spreadsheets in some locales write ";"
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    del text
    columns = [c.strip() for c in reader.fieldnames or () if c and c.strip()]
    if not any(c.lower() in _KEYS["text"] for c in columns):
        raise ReadError(f"{name}: no text column; found {', '.join(columns) or 'none'}, "
                        f"expected one of {', '.join(FIELDS['text'])}")
    for row in reader:  # completely empty rows are left out by the reader
        yield {k: v for k, v in row.items() if isinstance(k, str)}, encoding


def _value(value):
    """A usable field value (a string, or a number) or None for an empty or missing one."""
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        value = "\n\n".join(v.strip() for v in value if v.strip())  # paragraphs as a list
    if isinstance(value, str):
        if value.strip().lower() in MISSING:
            return None
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
        return value
    return None


def _article(record: dict, name: str, stem: str, n: int, encoding: Optional[str]) -> Union[Article, Skipped]:
    values: dict = {}
    for key, value in record.items():
        value = _value(value)
        if value is not None:
            values.setdefault(key.strip().lower(), value)

    def get(field: str, kind: type = object):
        return next((values[k] for k in _KEYS[field] if k in values and isinstance(values[k], kind)), None)

    text = get("text", str)
    if text is None:
        return Skipped(f"{name} record {n}", f"no text (looked for {', '.join(FIELDS['text'])})")
    size, limit = len(text.encode("utf-8")), max_file_bytes()
    if size > limit:
        return Skipped(f"{name} record {n}", f"text of {size / 1e6:.3g} MB is more than the {limit / 1e6:g} MB "
                                             "one article may have (QUOTESEARCH_MAX_FILE_MB)")
    url = (get("url", str) or "").strip() or None
    host = url_host(url) if url else None
    outlet = (get("outlet", str) or "").strip() or host
    record_id = get("id")
    if record_id is not None:
        ident = str(record_id).strip()
    elif url:
        digest = hashlib.sha1(url.encode("utf-8")).hexdigest()[:12]
        ident = f"{host}-{digest}" if host else digest
    else:
        ident = f"{stem}-{n}"
    return article_from_parts(text, _SPACE.sub("-", ident), path=f"{name}#{n}", title=get("title", str) or "",
                              date=parse_date(get("date")), url=url, outlet=outlet, encoding=encoding)
