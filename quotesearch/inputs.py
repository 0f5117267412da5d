"""What the command line is given, as a stream of things to index.

Text, Markdown and web pages are one article per file (read later, maybe in a worker
process, by ``read.read_article``); archives (JSON Lines, JSON, CSV, also gzip/bzip2)
are read here, record by record. ``-`` is a JSON Lines archive on standard input.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO, Iterator, Optional, Union

from .archive import ARCHIVE_SUFFIXES, COMPRESSIONS, STDIN, is_archive, read_archive
from .read import HTML_SUFFIXES, TEXT_SUFFIXES, ReadError, find_files
from .records import Article, Skipped

SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + ARCHIVE_SUFFIXES + tuple(
    s + c for s in ARCHIVE_SUFFIXES for c in COMPRESSIONS)

Item = Union[Path, Article, Skipped, ReadError]


def input_files(paths: list[Union[str, os.PathLike]]) -> list[Path]:
    """The files named or found (recursively) under ``paths``, standard input left out."""
    return list(find_files([p for p in paths if str(p) != STDIN], SUFFIXES))


def items(files: list[Path], stdin: Optional[BinaryIO] = None) -> Iterator[Item]:
    """Each article file as its path, each archive record as an Article or a Skipped, an
    archive that cannot be opened as its ReadError; then standard input's records."""
    for path in files:
        if is_archive(path):
            try:
                yield from read_archive(path)
            except ReadError as e:
                yield e
        else:
            yield path
    if stdin is not None:
        try:
            yield from read_archive(STDIN, stream=stdin)
        except ReadError as e:
            yield e
