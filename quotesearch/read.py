"""Finding input files and turning them into ``Article`` records.

Paragraphs are separated by blank lines, or by single newlines when the file
has no blank line. The first paragraph is the headline. All offsets refer to
the decoded text exactly as read (line endings included).
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterator

from .records import Article

TEXT_SUFFIXES = (".txt", ".md")

_BLANK_LINE = re.compile(r"\r?\n[ \t]*\r?\n")
_LINE = re.compile(r"[^\r\n]+")


class ReadError(Exception):
    """A file that cannot be read as text; the message names the file."""


def find_files(paths: list[str | os.PathLike]) -> Iterator[Path]:
    """Yield article files under ``paths`` (files as given, folders recursively), sorted."""
    for p in map(Path, paths):
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for name in sorted(files):
                    if name.lower().endswith(TEXT_SUFFIXES) and not name.startswith("."):
                        yield Path(root) / name
        else:
            yield p


def decode(data: bytes, name: str = "") -> str:
    """Decode bytes: UTF-8 (with or without BOM), UTF-16 with a BOM, else cp1252/Latin-1.

    Raises ReadError for binary data (NUL bytes outside UTF-16).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:8192]:
        raise ReadError(f"{name}: looks like a binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the paragraphs, whitespace trimmed, empty ones dropped."""
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
        if e > s:
            out.append((s, e))
    return out


def article_from_text(text: str, id: str, path: str = "", **meta) -> Article:
    paras = paragraph_spans(text)
    title = " ".join(text[paras[0][0]:paras[0][1]].split()) if paras else ""
    return Article(id=id, text=text, path=path, title=title, paragraphs=paras, **meta)


def article_id(path: Path) -> str:
    return path.stem


def read_article(path: str | os.PathLike) -> Article:
    """Read one file. Raises ReadError with a one-line reason when it cannot."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise ReadError(f"{path}: is a directory")
    except OSError as e:
        raise ReadError(f"{path}: {e.strerror or e}")
    text = decode(data, str(path))
    return article_from_text(text, article_id(path), str(path))
