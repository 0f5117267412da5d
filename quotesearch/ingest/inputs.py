"""What the command line is given, as a stream of things to index.

Text, Markdown and web pages are one article per file (read later, maybe in a worker
process, by ``article.read_article``); archives (JSON Lines, JSON, CSV, also gzip/bzip2)
are read here, record by record. ``-`` is a JSON Lines archive on standard input.

Source ids of files (``input_files``), unique by construction within a run:

* a file found in a folder given is its path relative to that folder without the extension
  (``index crawl/`` gives ``2024/story`` and ``2025/story``; ``index seeds/`` gives ``kursk-incursion``);
  a file given by name is its name without the extension;
* when two inputs of one run would still get one id, those in one folder (``story.txt`` and
  ``story.md``) keep their extension, and those in different folders start one folder higher, and
  again until they differ (``index a/story.txt b/story.txt`` gives ``a/story`` and ``b/story``);
* one file named twice (or through a folder and by name) is read once.

Records of an archive get ``<archive's id>/<record id>`` unless ``global_ids`` says record ids are
unique across archives (ids made from a record's URL are never scoped: one URL is one article).

README, LICENSE, CHANGELOG ... files (.md/.txt) found in a folder are not news articles: they are
skipped (a file named explicitly is read). A metadata sidecar (metadata.py) in a folder given, or
beside it, gives the files' dates, outlets, URLs and titles; it is not an article itself.
"""
from __future__ import annotations

import collections
import os
from pathlib import Path
from typing import BinaryIO, Iterator, Optional, Union

from .archive import ARCHIVE_SUFFIXES, COMPRESSIONS, STDIN, _split_name, is_archive, read_archive
from .metadata import SIDECARS, Sidecar, find_sidecar, read_sidecar
from .read import HTML_SUFFIXES, TEXT_SUFFIXES, ArticleFile, ReadError, find_files
from ..errors import NoInput
from ..models import Article, Skipped

SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + ARCHIVE_SUFFIXES + tuple(
    s + c for s in ARCHIVE_SUFFIXES for c in COMPRESSIONS)
# names (without extension, any case) of the files of a software project, not news articles
NOT_ARTICLES = frozenset({"readme", "license", "licence", "copying", "changelog", "contributing", "authors",
                          "notice", "code_of_conduct", "citation"})
NOT_AN_ARTICLE = "not-an-article"
READS = ".txt/.md files, .html/.htm pages, or .jsonl/.ndjson/.json/.csv archives (also .gz/.bz2)"

Item = Union[ArticleFile, Article, Skipped]


def not_an_article(path: Path) -> bool:
    """A README, LICENSE, CHANGELOG ... (.md or .txt): the files of a project, not news."""
    return path.suffix.lower() in TEXT_SUFFIXES and path.name.split(".", 1)[0].lower() in NOT_ARTICLES


class _Input:
    def __init__(self, path: Path, root: Path, walked: bool):
        self.path, self.root, self.walked, self.keep_suffix = path, root, walked, False
        self.given_root = root  # the folder given, or the folder of a file given
        self.abspath = Path(os.path.abspath(path))

    def id(self) -> str:
        name = self.abspath.name
        if not self.keep_suffix:
            name = _split_name(name)[0] if is_archive(name) else self.abspath.stem
        return "/".join(self.abspath.parent.relative_to(self.root).parts + (name,))


def _unique_ids(inputs: list[_Input]) -> list[str]:
    """The ids of ``inputs``, made unique by the rule in the module's doc."""
    while True:
        ids = [i.id() for i in inputs]
        by_id = collections.defaultdict(list)
        for i, ident in zip(inputs, ids):
            by_id[ident].append(i)
        changed = False
        for clash in (c for c in by_id.values() if len(c) > 1):
            folders = collections.Counter(i.abspath.parent for i in clash)
            for i in clash:
                if folders[i.abspath.parent] > 1 and not i.keep_suffix:
                    i.keep_suffix = changed = True
                elif i.root.parent != i.root:
                    i.root, changed = i.root.parent, True
        if not changed:  # unique (or, which cannot happen for files read once, as unique as paths go)
            return ids


def input_files(paths: list[Union[str, os.PathLike]], metadata: Union[str, os.PathLike, None] = None
                ) -> list[ArticleFile]:
    """The files named or found (recursively) under ``paths``, standard input left out, each with its
    source id and the metadata a sidecar (``metadata``, else one found) gives it. Raises ReadError
    for a sidecar that cannot be read."""
    inputs, seen = [], set()

    def add(path: Path, root: Path, walked: bool):
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            inputs.append(_Input(path, root, walked))

    for p in paths:
        if str(p) == STDIN:
            continue
        p = Path(p)
        if p.is_dir():
            root = Path(os.path.abspath(p))
            for f in find_files([p], SUFFIXES):
                if f.name.lower() not in SIDECARS:
                    add(f, root, True)
        else:
            add(p, Path(os.path.abspath(p)).parent, False)
    ids = _unique_ids(inputs)
    given = read_sidecar(metadata) if metadata else None
    found: dict[Path, Optional[Sidecar]] = {}
    out = []
    for i, ident in zip(inputs, ids):
        skip = None
        if i.walked and not_an_article(i.path):
            skip = (NOT_AN_ARTICLE, "not a news article (README, LICENSE … files in a folder are left out; "
                                    "name the file to index it)")
        meta = () if is_archive(i.path) else _metadata(i, given, found)
        out.append(ArticleFile(i.path, ident, meta, skip))
    return out


def _metadata(i: _Input, given: Optional[Sidecar], found: dict) -> tuple:
    """The row of ``i`` in the sidecar given, else in the nearest one in its folder, or a folder above
    it up to the one beside the folder given (``news/metadata.tsv`` for ``index news/text/``)."""
    if given is not None and (row := given.lookup(i.abspath)) is not None:
        return row
    top, folder = i.given_root.parent, i.abspath.parent
    while True:
        if folder not in found:
            path = find_sidecar(folder)
            found[folder] = read_sidecar(path) if path else None
        if found[folder] is not None and (row := found[folder].lookup(i.abspath)) is not None:
            return row
        if folder == top or folder.parent == folder:
            return ()
        folder = folder.parent


def items(files: list, stdin: Optional[BinaryIO] = None, global_ids: bool = False) -> Iterator[Item]:
    """Each article file as itself (one left out as its Skipped), each archive record as an Article
    or a Skipped, an archive that cannot be opened as a Skipped with its reason; then standard input's
    records."""
    for f in files:
        if not isinstance(f, ArticleFile):
            f = ArticleFile(Path(f), Path(f).stem)
        if f.skip:
            yield Skipped(str(f.path), f.skip[1], f.skip[0])
        elif is_archive(f.path):
            try:
                yield from read_archive(f.path, scope=None if global_ids else f.id)
            except ReadError as e:
                yield Skipped.from_error(str(f.path), e)
        else:
            yield f
    if stdin is not None:
        try:
            yield from read_archive(STDIN, stream=stdin, scope=None if global_ids else "stdin")
        except ReadError as e:
            yield Skipped.from_error(STDIN, e)


class Inputs:
    """The articles that ``paths`` name — files, folders (searched recursively), archives, and ``-``
    for a JSON Lines archive on standard input (``stdin``, default the process's) — read lazily.

    ``total`` is the number of inputs when it is known before reading (no archive, no standard
    input), else None. Iterating yields, in order, what the indexer takes: an ArticleFile per
    article file, an Article per archive record, a Skipped per input left out (with its reason
    code: an archive that cannot be opened too). Raises NoInput when the paths name no
    input, ReadError for a metadata sidecar that cannot be read."""

    def __init__(self, paths: list[Union[str, os.PathLike]], metadata: Union[str, os.PathLike, None] = None,
                 global_ids: bool = False, stdin: Optional[BinaryIO] = None):
        self.paths = [os.fspath(p) for p in paths]
        self.global_ids = global_ids
        if not self.paths:
            raise NoInput(f"no inputs given; quotesearch reads {READS}")
        missing = [p for p in self.paths if p != STDIN and not os.path.lexists(p)]
        if missing:
            raise NoInput(f"no such file or folder: {missing[0]}")
        self.files = input_files(self.paths, metadata)
        reads_stdin = STDIN in self.paths
        if not self.files and not reads_stdin:
            raise NoInput(f"no articles in {', '.join(self.paths)}; quotesearch reads {READS}")
        if reads_stdin and stdin is None:
            import sys

            stdin = sys.stdin.buffer
        self.stdin = stdin if reads_stdin else None
        streaming = reads_stdin or any(is_archive(f) for f in self.files)
        self.total: Optional[int] = None if streaming else len(self.files)

    def __iter__(self) -> Iterator[Item]:
        return items(self.files, self.stdin, self.global_ids)
