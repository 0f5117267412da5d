"""Finding input files and turning them into ``Article`` records.

Paragraphs are separated by blank lines, or by single newlines when the file
has no blank line (``\\n``, ``\\r\\n`` and ``\\r`` line endings alike). The first
paragraph is the headline. A paragraph longer than ``MAX_PARAGRAPH`` characters
(a file with its line breaks lost) is cut at sentence ends into shorter ones. All
offsets refer to the decoded text exactly as read (line endings included).

Files larger than ``max_file_bytes()`` are not read (an article is a few dozen KB;
extraction takes about a second and 60 MB of memory per MB of text).
"""
from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from ..errors import ReadError  # noqa: F401
from ..models import Article

TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")  # read through trafilatura (the html extra), see html.py
MAX_FILE_MB = 5.0  # default size limit of one file; QUOTESEARCH_MAX_FILE_MB changes it
MAX_PARAGRAPH = 20_000  # characters; the longest paragraph in the PolNeAR corpus has 16,172
MAX_TITLE = 300  # characters of the headline kept as the title

_BREAK = r"(?:\r\n|\r(?!\n)|\n)"
_BLANK_LINE = re.compile(_BREAK + r"[ \t]*" + _BREAK)
_LINE = re.compile(r"[^\r\n]+")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+")
_SPACE = re.compile(r"\s+")

# byte order marks, longest first (a UTF-32-LE mark starts like a UTF-16-LE one)
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xef\xbb\xbf", "utf-8-sig"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_SAMPLE = 1 << 16  # bytes looked at to tell text from binary
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\x0b\x0c\r") + b"\x7f"


def max_file_bytes() -> int:
    """The size limit of one file: QUOTESEARCH_MAX_FILE_MB (megabytes) or MAX_FILE_MB."""
    try:
        mb = float(os.environ.get("QUOTESEARCH_MAX_FILE_MB") or MAX_FILE_MB)
    except ValueError:
        mb = MAX_FILE_MB
    return int(mb * 1_000_000)


def find_files(paths: list[str | os.PathLike], suffixes: tuple[str, ...] = TEXT_SUFFIXES) -> Iterator[Path]:
    """Yield article files under ``paths`` (files as given, folders recursively: the names ending
    in one of ``suffixes``), sorted.

    A folder that cannot be listed is yielded itself, so that reading it reports why.
    """
    for p in map(Path, paths):
        if p.is_dir():
            unlisted: list[OSError] = []
            for root, dirs, files in os.walk(p, onerror=unlisted.append):
                for e in unlisted:
                    yield Path(e.filename)
                unlisted.clear()
                dirs.sort()
                for name in sorted(files):
                    if name.lower().endswith(suffixes) and not name.startswith("."):
                        yield Path(root) / name
            for e in unlisted:
                yield Path(e.filename)
        else:
            yield p


def _is_binary(sample: bytes) -> bool:
    """NUL bytes, or more than 1% control characters that text never has."""
    if b"\x00" in sample:
        return True
    return len(sample) - len(sample.translate(None, _CONTROL_BYTES)) > len(sample) // 100


def _utf16_without_bom(sample: bytes) -> Optional[str]:
    """'utf-16-le' / 'utf-16-be' when every other byte is NUL (mostly Latin text), else None."""
    even, odd = sample[0::2], sample[1::2]
    if len(odd) < 8:
        return None
    if odd.count(0) > len(odd) * 0.4 and even.count(0) < len(even) * 0.05:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.4 and odd.count(0) < len(odd) * 0.05:
        return "utf-16-be"
    return None


def _looks_western(text: str) -> bool:
    """Whether text read as cp1252 is plausible: few non-ASCII letters among its letters."""
    letters = sum(1 for c in text if c.isalpha())
    foreign = sum(1 for c in text if c > "\x7f" and c.isalpha())
    return foreign <= letters * 0.3


def decode(data: bytes, name: str = "") -> str:
    """The text of ``data``; see decode_with_encoding."""
    return decode_with_encoding(data, name)[0]


def decode_with_encoding(data: bytes, name: str = "") -> tuple[str, str]:
    """Decode the bytes of a text file; raises ReadError (naming ``name``) for anything else.

    In order: a byte order mark (UTF-8, UTF-16, UTF-32); UTF-16 without one (every other
    byte NUL); binary data (NUL or control bytes) is refused; UTF-8; UTF-8 with a few broken
    bytes (replaced by U+FFFD); cp1252/Latin-1 when that reads as Latin-script text; else
    the encoding charset-normalizer finds, when it finds one. Returns (text, encoding name).
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = data.decode(codec, errors="replace")
            break
    else:
        codec = _utf16_without_bom(data[:_SAMPLE])
        if codec:
            text = data.decode(codec, errors="replace")
        elif _is_binary(data[:_SAMPLE]):
            raise ReadError(f"{name}: looks like a binary file, not text")
        else:
            text, codec = _decode_8bit(data, name)
    if _is_binary(text[:_SAMPLE].encode("utf-8", errors="replace")):
        raise ReadError(f"{name}: looks like a binary file, not text")
    return text, codec


def _decode_8bit(data: bytes, name: str) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    if non_ascii - broken >= 4 * broken:  # UTF-8 with a few broken bytes
        return text, "utf-8 (broken bytes replaced)"
    codec = "cp1252"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:  # bytes cp1252 leaves undefined (0x81, 0x8d, 0x8f, 0x90, 0x9d)
        text, codec = data.decode("latin-1"), "latin-1"
    if _looks_western(text[:_SAMPLE * 4]):
        return text, codec
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a dependency, but reading goes on without it
        from_bytes = None
    best = from_bytes(data).best() if from_bytes else None
    if best is None:
        raise ReadError(f"{name}: not UTF-8 and its text encoding could not be told; save it as UTF-8")
    return str(best), best.encoding


def _split_long(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Cut the paragraph ``text[s:e]`` into pieces of at most MAX_PARAGRAPH characters, at the
    last sentence end (else space) in the second half of each piece."""
    out = []
    while e - s > MAX_PARAGRAPH:
        lo, hi = s + MAX_PARAGRAPH // 2, s + MAX_PARAGRAPH
        cut = None
        for m in _SENTENCE_END.finditer(text, lo, hi):
            cut = m.start() + len(m.group().rstrip())
        if cut is None:
            for m in _SPACE.finditer(text, lo, hi):
                cut = m.start()
        if cut is None:
            cut = hi
        out.append((s, cut))
        s = cut
        while s < e and text[s].isspace():
            s += 1
    out.append((s, e))
    return out


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the paragraphs, whitespace trimmed, empty ones dropped, long ones cut."""
    if _BLANK_LINE.search(text):
        spans, start = [], 0
        for m in _BLANK_LINE.finditer(text):
            spans.append((start, m.start()))
            start = m.end()
        spans.append((start, len(text)))
    else:
        spans = [m.span() for m in _LINE.finditer(text)]
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e - s > MAX_PARAGRAPH:
            out += _split_long(text, s, e)
        elif e > s:
            out.append((s, e))
    return out


def _title(headline: str) -> str:
    title = " ".join(headline.split())
    if len(title) > MAX_TITLE:
        title = title[:MAX_TITLE].rsplit(" ", 1)[0] + " …"
    return title


def article_from_text(text: str, id: str, path: str = "", **meta) -> Article:
    """An article whose first paragraph is its headline (and title)."""
    paras = paragraph_spans(text)
    title = _title(text[paras[0][0]:paras[0][1]]) if paras else ""
    return Article(id=id, text=text, path=path, title=title, paragraphs=paras, **meta)


def article_from_parts(body: str, id: str, path: str = "", title: Optional[str] = None, **meta) -> Article:
    """An article from a title and a body kept apart (archive records, web pages).

    The extractor reads the first paragraph as the headline, so the title is put before the body
    (a blank line between) unless the body already starts with it; offsets refer to that text.
    """
    title = " ".join((title or "").split())
    head = " ".join(body[:len(title) * 2 + 20].split())
    text = body if not title or head.startswith(title) else f"{title}\n\n{body}"
    article = article_from_text(text, id, path, **meta)
    if title:
        article.title = _title(title)
    return article


def url_host(url: str) -> Optional[str]:
    """The host name of ``url`` without "www." (an archive's or a page's outlet when it names none), or None."""
    from urllib.parse import urlsplit

    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    if not host or "." not in host or any(c.isspace() for c in host):
        return None
    return host.removeprefix("www.")


def article_id(path: Path) -> str:
    """The source id of a file read alone: its name without extension (see inputs.py for folders)."""
    return path.stem


@dataclass(frozen=True)
class ArticleFile:
    """A file to read as one article, with the source id it gets (see inputs.input_files) and the
    metadata a sidecar gives it: ((field, value), ...) for title, date, url and outlet. ``skip`` is
    why it is not read at all (e.g. a README found in a folder), with its code."""

    path: Path
    id: str
    meta: tuple = ()
    skip: Optional[tuple[str, str]] = None  # (code, reason)

    def __fspath__(self) -> str:
        return str(self.path)

    def __str__(self) -> str:
        return str(self.path)


def with_metadata(article: Article, meta: tuple) -> Article:
    """The article with a sidecar's values in place of its own (the user's metadata wins)."""
    for field_name, value in meta:
        setattr(article, field_name, _title(value) if field_name == "title" else value)
    if article.url and not article.outlet:
        article.outlet = url_host(article.url)
    return article


def _open_error(path: Path, e: OSError) -> ReadError:
    if e.errno == errno.ENOENT and path.is_symlink():
        return ReadError(f"{path}: broken symbolic link to {os.readlink(path)}")
    if e.errno == errno.ELOOP:
        return ReadError(f"{path}: symbolic link loop")
    if path.is_dir():
        return ReadError(f"{path}: folder cannot be read: {e.strerror}")
    return ReadError(f"{path}: {e.strerror or e}")


def read_bytes(path: str | os.PathLike) -> bytes:
    """The content of a regular file of at most ``max_file_bytes()``; ReadError otherwise.

    Opened without blocking, so a named pipe among the files cannot hang a run.
    """
    path = Path(path)
    limit = max_file_bytes()
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        raise _open_error(path, e) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            try:
                os.listdir(path)
            except OSError as e:
                raise ReadError(f"{path}: folder cannot be read: {e.strerror}") from None
            raise ReadError(f"{path}: is a directory")
        if not stat.S_ISREG(st.st_mode):
            raise ReadError(f"{path}: not a regular file (a pipe, socket or device)")
        size = st.st_size
        if size <= limit:
            with os.fdopen(os.dup(fd), "rb") as f:
                data = f.read(limit + 1)
            size = max(size, len(data))
    except OSError as e:
        raise _open_error(path, e) from None
    finally:
        os.close(fd)
    if size > limit:
        raise ReadError(f"{path}: {size / 1e6:.1f} MB is more than the {limit / 1e6:g} MB one article may have; "
                        "split it into articles, or set QUOTESEARCH_MAX_FILE_MB")
    return data
