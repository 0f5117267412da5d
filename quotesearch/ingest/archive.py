"""Archives: many articles in one file, one article per record.

JSON Lines (.jsonl, .ndjson, and "-": standard input), JSON (.json: a list of records, one
record, or an object whose only list is the records) and CSV (.csv, with a header row), each
also compressed (.gz, .bz2). Fields are found by the names in ``FIELDS`` (any case; the first
non-empty value wins). JSON Lines and CSV are streamed, record by record, and memory stays flat
however large the file; a .json file is read whole, up to ``max_json_bytes()``. No archive is read
past ``max_archive_bytes()`` (decompressed), no JSON Lines record past ``max_record_bytes()``.

A record without an article is a ``Skipped``; skips of one kind in one archive come as one
``Skipped`` (with their count) after the articles. A file that cannot be read at all raises
``ReadError`` (while iterating).
"""
from __future__ import annotations

import bz2
import csv
import gzip
import hashlib
import io
import itertools
import json
import os
import re
import sys
import zlib
from contextlib import nullcontext
from pathlib import Path
from typing import BinaryIO, Iterator, Optional, Union

from .dates import MISSING, parse_date
from .read import ReadError, article_from_parts, decode_with_encoding, max_file_bytes, url_host
from ..models import Article, Skipped

ARCHIVE_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv")
COMPRESSIONS = {".gz": gzip.open, ".bz2": bz2.open}
FIELDS = {  # field -> the names it goes by, in order of preference
    "text": ("text", "maintext", "body", "content", "raw_text"),
    "title": ("title", "headline", "title_page"),
    "date": ("date", "date_publish", "published", "publishedAt", "pubdate", "publication_date"),
    "url": ("url", "link", "source_url"),
    "outlet": ("outlet", "publication", "publisher", "source_domain", "hostname", "sitename"),
    "id": ("id", "article_id", "guid"),
}
MAX_ARCHIVE_MB = 2000.0  # the most one archive may expand to; QUOTESEARCH_MAX_ARCHIVE_MB changes it
MAX_JSON_MB = 100.0  # a .json file is read whole, up to this; QUOTESEARCH_MAX_JSON_MB changes it
CHUNK = 1 << 16  # bytes read at a time
EACH = 3  # skipped records of one kind named one by one; more are counted in one line
SHOWN = 5  # record numbers named in that line
CSV_FIELD_LIMIT = 2**31 - 1
STDIN = "-"
STDIN_NAME = "<stdin>"

_KEYS = {field: tuple(name.lower() for name in names) for field, names in FIELDS.items()}
NO_TEXT = f"no text (looked for {', '.join(FIELDS['text'])})"
# a JSON Lines record without one of these keys has no text: it is skipped without being parsed
_TEXT_KEY = re.compile(rb'"\s*(?:' + b"|".join(re.escape(k.encode()) for k in _KEYS["text"]) + rb')\s*"|\\u', re.I)
_SPACE = re.compile(r"\s+")
_GENERIC = re.compile(r" \(|:")  # the reason before its details: "not valid JSON (...)"
_SURROGATE = re.compile("[\ud800-\udfff]")  # from "\ud800" escapes without their pair

Record = Union[dict, tuple, Skipped]  # a record, (code, why) a record is unusable, or the whole file skipped


class TooBig(Exception):
    """An archive that expands past a cap; the message says which and how to raise it."""


def _megabytes(variable: str, default: float) -> int:
    try:
        mb = float(os.environ.get(variable) or default)
    except ValueError:
        mb = default
    return int(mb * 1_000_000)


def max_archive_bytes() -> int:
    """The most one archive may expand to: QUOTESEARCH_MAX_ARCHIVE_MB (megabytes) or MAX_ARCHIVE_MB."""
    return _megabytes("QUOTESEARCH_MAX_ARCHIVE_MB", MAX_ARCHIVE_MB)


def max_json_bytes() -> int:
    """The most a .json file (read whole) may hold: QUOTESEARCH_MAX_JSON_MB or MAX_JSON_MB."""
    return _megabytes("QUOTESEARCH_MAX_JSON_MB", MAX_JSON_MB)


def max_record_bytes() -> int:
    """The longest JSON Lines record read: eight times the size limit of one article's text."""
    return 8 * max_file_bytes() + (1 << 20)


class _Capped(io.RawIOBase):
    """The bytes of ``f`` (``head`` first: bytes already read from it); raises TooBig past ``cap``."""

    def __init__(self, f: BinaryIO, name: str, cap: int, head: bytes = b""):
        self.f, self.name, self.cap, self.head, self.total = f, name, cap, head, 0
        self.read_some = getattr(f, "read1", f.read)  # what is there: a pipe is read as it comes

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if self.head:
            data, self.head = self.head[:len(b)], self.head[len(b):]
        else:
            data = self.read_some(len(b))
        n = len(data)
        b[:n] = data
        self.total += n
        if self.total > self.cap:
            raise TooBig(f"{self.name}: expands to more than {self.cap / 1e6:g} MB, the most one archive may hold; "
                         "the rest of it was not read (QUOTESEARCH_MAX_ARCHIVE_MB raises the limit)")
        return n


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


def read_archive(path: Union[str, Path], stream: Optional[BinaryIO] = None,
                 scope: Optional[str] = None, first: int = 1, skips=None) -> Iterator[Union[Article, Skipped]]:
    """The articles of an archive, and a Skipped for each kind of record without one.

    ``path`` "-" is JSON Lines read from ``stream`` (default: sys.stdin.buffer), named "<stdin>";
    with another path, a given ``stream`` is read in place of the file (decompressed when the
    name says so). Records are numbered from 1, skipped ones included, blank lines not.
    With a ``scope``, the ids that records give are put in it: "scope/id" (ids made from a URL,
    the same for one article in any archive, are not). A part of an archive (a stream of whole
    records) is numbered from ``first``; ``skips`` (with ``add(n, code, message)``) then gathers its
    skipped records, to count with those of the other parts, in place of the Skipped given here.
    """
    stdin = str(path) == STDIN
    if stdin and stream is None:
        stream = sys.stdin.buffer
    name = STDIN_NAME if stdin else str(path)
    stem, kind, comp = ("stdin", ".jsonl", "") if stdin else _split_name(Path(path).name)
    records = {".csv": _csv_records, ".json": _json_records}.get(kind, _jsonl_records)
    skips = _Skips(name) if skips is None else skips
    try:
        with _open(path, comp, stream) as raw:
            f = _Capped(raw, name, max_archive_bytes())
            for n, (record, encoding) in enumerate(records(f, name), first):
                if isinstance(record, Skipped):
                    yield record
                elif isinstance(record, tuple):
                    skips.add(n, *record)
                else:
                    item = _article(record, name, stem or "record", n, encoding, scope)
                    if isinstance(item, Skipped):
                        skips.add(n, item.code, item.message)
                    else:
                        yield item
    except TooBig as e:
        yield from skips
        yield Skipped(name, str(e).removeprefix(f"{name}: "), "too-big")
        return
    except (OSError, EOFError, zlib.error) as e:
        yield from skips
        what = getattr(e, "strerror", None) or str(e)
        raise ReadError(f"{name}: corrupt or truncated {comp} file: {what}" if comp else f"{name}: {what}") from None
    except MemoryError:
        yield from skips
        raise ReadError(f"{name}: not enough memory to read it; split it, or make it JSON Lines") from None
    yield from skips


class _Skips:
    """The skipped records of one archive, by kind: up to EACH of a kind one by one, more as one
    Skipped that counts them, so that a million records without text are one line."""

    def __init__(self, name: str):
        self.name, self.kinds = name, {}

    def add(self, n: int, code: str, message: str) -> None:
        kind = self.kinds.get(code)
        if kind is None:
            kind = self.kinds[code] = [0, message, [], True, []]
        kind[0] += 1
        if kind[0] <= SHOWN + 1:
            kind[2].append(n)
            kind[4].append(message)
        if message is not kind[1] and message != kind[1]:
            kind[3] = False

    def __iter__(self) -> Iterator[Skipped]:
        kinds, self.kinds = self.kinds, {}
        for code, (count, message, numbers, same, messages) in kinds.items():
            if count <= EACH:
                for n, one in zip(numbers, messages[:EACH]):
                    yield Skipped(f"{self.name} record {n}", one, code)
                continue
            shown = ", ".join(map(str, numbers[:SHOWN])) + (", …" if count > SHOWN else "")
            if same:
                reason = f"{message} (records {shown})"
            else:  # "not valid JSON (records 4, 7; record 4: not valid JSON (Expecting value: column 1))"
                generic = _GENERIC.split(message, maxsplit=1)[0]
                reason = f"{generic} (records {shown}; record {numbers[0]}: {message})"
            yield Skipped(self.name, f"{count:,} records skipped: {reason}", code, count)


def _open(path, comp: str, stream: Optional[BinaryIO]):
    if stream is not None:
        return COMPRESSIONS[comp](stream) if comp else nullcontext(stream)
    try:
        return COMPRESSIONS.get(comp, open)(path, "rb")
    except OSError as e:
        raise ReadError(f"{path}: {e.strerror or e}") from None


def _lines(f: BinaryIO, cap: int) -> Iterator[Optional[bytes]]:
    """The lines of ``f`` that are not blank, read a chunk at a time (a chunk of blank lines costs
    next to nothing); None for a line longer than ``cap``, which is passed over unread."""
    buf, passing = bytearray(), False
    while chunk := f.read(CHUNK):
        if passing:  # the rest of a line too long
            end = chunk.find(b"\n")
            if end < 0:
                continue
            chunk, passing = chunk[end + 1:], False
        if not buf and chunk.isspace():
            continue
        buf += chunk
        end = buf.rfind(b"\n")
        if end < 0:
            if len(buf) > cap:
                buf.clear()
                passing = True
                yield None
            continue
        for line in bytes(buf[:end]).split(b"\n"):
            if len(line) > cap:
                yield None
            elif line and not line.isspace():
                yield line
        del buf[:end + 1]
        if len(buf) > cap:
            buf.clear()
            passing = True
            yield None
    if buf and not buf.isspace():
        yield bytes(buf)


def _jsonl_records(f: BinaryIO, name: str) -> Iterator[tuple[Record, Optional[str]]]:
    cap = max_record_bytes()  # a line longer than this is not read into memory
    first = True
    for line in _lines(f, cap):
        if line is None:
            yield ("too-big", f"record of more than {cap / 1e6:.3g} MB (QUOTESEARCH_MAX_FILE_MB raises the limit)"), None
            continue
        if first:
            if line.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise ReadError(f"{name}: UTF-16 text; save it as UTF-8")
            line, first = line.removeprefix(b"\xef\xbb\xbf"), False
        if not _TEXT_KEY.search(line) and line.strip().startswith(b"{") and line.rstrip().endswith(b"}"):
            yield ("no-text", NO_TEXT), None  # an object without text (e.g. millions of "{}" lines)
            continue
        try:
            text, encoding = line.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = decode_with_encoding(line, name)
            except ReadError as e:
                yield ("bad-encoding", str(e).removeprefix(f"{name}: ")), None
                continue
        yield _loads(text.rstrip("\r\n")), encoding


def _loads(text: str) -> Union[dict, tuple]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        return "bad-json", f"not valid JSON ({e.msg}: column {e.colno})"
    except (ValueError, RecursionError) as e:
        return "bad-json", f"not valid JSON: {e}"
    return value if isinstance(value, dict) else ("not-object", f"not a JSON object but {_json_type(value)}")


def _json_type(value) -> str:
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    return {str: "a string", list: "an array", dict: "an object"}.get(type(value), "a number")


def _json_records(f: BinaryIO, name: str) -> Iterator[tuple[Record, Optional[str]]]:
    cap, data = max_json_bytes(), bytearray()
    while len(data) <= cap and (chunk := f.read(CHUNK)):
        data += chunk
    if len(data) > cap:
        yield Skipped(name, f"holds more than {cap / 1e6:g} MB of JSON, the most a .json file may hold (it is read "
                            "whole); make it JSON Lines, or set QUOTESEARCH_MAX_JSON_MB", "too-big"), None
        return
    text, encoding = decode_with_encoding(data, name)
    del data
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as e:
        yield Skipped(name, f"not valid JSON: {e}", "bad-json"), None
        return
    del text
    if isinstance(value, dict):
        lists = [v for v in value.values() if isinstance(v, list)]
        if any(key.lower() in _KEYS["text"] for key in value):
            value = [value]
        elif len(lists) == 1:
            value = lists[0]
        else:
            yield Skipped(name, f"an object without text ({', '.join(FIELDS['text'])}) or a list of records",
                          "no-records"), None
            return
    if not isinstance(value, list):
        yield Skipped(name, f"not a list of records but {_json_type(value)}", "no-records"), None
        return
    for item in value:
        yield (item if isinstance(item, dict) else ("not-object", f"not a JSON object but {_json_type(item)}")), encoding


def text_stream(f: BinaryIO, name: str) -> tuple[io.TextIOWrapper, str]:
    """``f`` decoded as it is read, in the encoding its first 64 KB show (see read.decode_with_encoding;
    bytes that do not fit further on become U+FFFD); (text stream, encoding name)."""
    head = f.read(1 << 16)
    more = f.read(4)  # a UTF-8 character cut at the end of the sample is not a reason to doubt it
    sample = head + more
    try:
        _, encoding = decode_with_encoding(sample, name)
    except ReadError:
        if not more:
            raise
        _, encoding = decode_with_encoding(head, name)
    codec = {"utf-8 (broken bytes replaced)": "utf-8"}.get(encoding, encoding)
    if sample.startswith(b"\xef\xbb\xbf"):
        codec = "utf-8-sig"
    raw = _Capped(f, name, 1 << 62, sample)
    return io.TextIOWrapper(io.BufferedReader(raw, CHUNK), encoding=codec, errors="replace", newline=""), encoding


def _csv_records(f: BinaryIO, name: str) -> Iterator[tuple[Record, Optional[str]]]:
    text, encoding = text_stream(f, name)
    header = text.readline()
    delimiter = max(",;\t", key=header.count)  # spreadsheets in some locales write ";"
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.DictReader(itertools.chain([header], text), delimiter=delimiter)
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


def _article(record: dict, name: str, stem: str, n: int, encoding: Optional[str],
             scope: Optional[str] = None) -> Union[Article, Skipped]:
    values: dict = {}
    for key, value in record.items():
        value = _value(value)
        if value is not None:
            values.setdefault(key.strip().lower(), value)

    def get(field: str, kind: type = object):
        return next((values[k] for k in _KEYS[field] if k in values and isinstance(values[k], kind)), None)

    text = get("text", str)
    if text is None:
        return Skipped(f"{name} record {n}", NO_TEXT, "no-text")
    size, limit = len(text.encode("utf-8")), max_file_bytes()
    if size > limit:
        return Skipped(f"{name} record {n}", f"text of {size / 1e6:.3g} MB is more than the {limit / 1e6:g} MB "
                                             "one article may have (QUOTESEARCH_MAX_FILE_MB)", "too-big")
    url = (get("url", str) or "").strip() or None
    host = url_host(url) if url else None
    outlet = (get("outlet", str) or "").strip() or host
    record_id = get("id")
    if record_id is not None:
        ident = str(record_id).strip()
        ident = f"{scope}/{ident}" if scope else ident
    elif url:
        digest = hashlib.sha1(url.encode("utf-8")).hexdigest()[:12]
        ident = f"{host}-{digest}" if host else digest
    else:
        ident = f"{scope or stem}-{n}"
    return article_from_parts(text, _SPACE.sub("-", ident), path=f"{name}#{n}", title=get("title", str) or "",
                              date=parse_date(get("date")), url=url, outlet=outlet, encoding=encoding)
