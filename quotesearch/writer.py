"""Writing the index: one ``index_articles`` run, in this process or with a pool of workers.

Re-indexing a source whose hash is unchanged is skipped; a changed source is deleted by its
``source`` term and written again in the same commit, so readers never see it half replaced.
"""
from __future__ import annotations

import collections
import contextlib
import dataclasses
import os
import signal
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Union

from . import index  # LOCK_TIMEOUT and extractor_fingerprint are looked up there at call time (tests patch them)
from .groups import QuoteGroups
from .index import (QuotesearchError, _locked, _unwritable, open_for_writing, open_searcher, quiet_whoosh, source_doc,
                    source_hash, statement_doc, write_reading_order)
from .records import Article, Skipped, Statement
from .speakers import ALIASES_FILE, Aliases, speaker_key as folded_speaker_key

with quiet_whoosh():
    from whoosh import index as whoosh_index

Item = Union[str, os.PathLike, Article, tuple, Skipped, Exception]


@dataclass
class IndexSummary:
    files: int = 0            # sources (re)written by this run
    statements: int = 0       # statements written by this run
    speakers: int = 0         # distinct speakers among them
    seconds: float = 0.0
    skipped: int = 0          # unchanged sources left as they were
    errors: list[str] = field(default_factory=list)  # one line per unreadable file or record
    encodings: list[str] = field(default_factory=list)  # 'NAME: read as cp1252' for text not in UTF-8
    total_sources: int = 0    # in the whole index after this run
    total_statements: int = 0


Progress = Callable[[str, str], None]  # (name, status: indexed|unchanged|error)


def _item_name(item: Item) -> str:
    if isinstance(item, tuple):
        item = item[0]
    if isinstance(item, Skipped):
        return item.name
    if isinstance(item, Article):
        return item.path or item.id
    return str(item)


def index_articles(
    index_dir: Union[str, os.PathLike],
    items: Iterable[Item],
    rebuild: bool = False,
    progress: Optional[Progress] = None,
    extract: Optional[Callable[[Article], list[Statement]]] = None,
    lock_timeout: Optional[float] = None,
    batch_size: int = 5000,
    jobs: int = 1,
    aliases: Union[str, os.PathLike, None] = None,
) -> IndexSummary:
    """Add files, Articles or (Article, statements) pairs to the index at ``index_dir``.

    Unchanged sources are skipped (before extraction), changed ones replaced.
    Unreadable files, Skipped records, exceptions given as items and extractor failures are
    listed in ``summary.errors`` and skipped. ``aliases`` is a tab-separated aliases file,
    copied to INDEX/aliases.tsv (which is used when it is not given).
    With ``jobs`` > 1, files are read and extracted in that many processes while this one
    writes, in the order given: the index is the same as with one job.
    Raises SchemaMismatch, IndexLocked or QuotesearchError.
    """
    extract = extract or default_extract
    t0 = time.monotonic()
    lock_timeout = index.LOCK_TIMEOUT if lock_timeout is None else lock_timeout
    ix = open_for_writing(index_dir, rebuild, lock_timeout)
    run = _Run(ix, Path(index_dir), extract, lock_timeout, batch_size, _aliases(Path(index_dir), aliases))
    try:
        if jobs > 1:
            for name, status in _parallel(run, items, jobs):
                _report(progress, name, status)
        else:
            for item in items:
                _report(progress, _item_name(item), run.add(item))
        run.commit()
    finally:
        run.cancel()
    if run.summary.files:
        write_reading_order(run.ix, Path(index_dir))
    return run.finish(time.monotonic() - t0)


def _aliases(index_dir: Path, path: Union[str, os.PathLike, None]) -> Aliases:
    """The aliases of this run: the file given (then kept in the index folder), else the one kept there."""
    try:
        if path is None:
            return Aliases.in_index(index_dir)
        aliases = Aliases.read(path)
        data = Path(path).read_bytes()
    except (OSError, UnicodeDecodeError) as e:
        raise QuotesearchError(f"cannot read the aliases file {path or index_dir / ALIASES_FILE}: "
                               f"{getattr(e, 'strerror', None) or e}") from None
    except ValueError as e:
        raise QuotesearchError(f"{e}; fix the aliases file") from None
    index.replace_file(index_dir, ALIASES_FILE, data)  # never through a link planted in the folder
    return aliases


def default_extract(article: Article) -> list[Statement]:
    from . import extract as extract_module  # looked up at call time, so tests can replace it

    return extract_module.extract(article)


# One item read, hashed and extracted: (name, source id or None, kind, data) where kind is
# read-error (data: message), duplicate, unchanged, failed (data: message) or ok (data: (article,
# digest, statements)). Made by _prepare, in a worker process or not; used by _Run.accept.
Prepared = tuple


def _prepare(item: Item, extract: Callable, known: dict, fingerprint: str, seen=()) -> Prepared:
    from .read import ReadError, read_article

    name = _item_name(item)
    if isinstance(item, (Skipped, Exception)):
        return name, None, "read-error", str(item)
    try:
        article = item[0] if isinstance(item, tuple) else item
        article = article if isinstance(article, Article) else read_article(article)
    except ReadError as e:
        return name, None, "read-error", str(e)
    if article.id in seen:
        return name, article.id, "duplicate", None
    digest = source_hash(article, fingerprint)
    if known.get(article.id) == digest:
        return name, article.id, "unchanged", None
    try:
        statements = list(item[1]) if isinstance(item, tuple) else list(extract(article))
    except Exception as e:  # an extractor bug must not lose the rest of the run
        return name, article.id, "failed", f"{name}: extraction failed: {type(e).__name__}: {e}"
    return name, article.id, "ok", (article, digest, statements)


_WORKER: tuple = ()  # (extract, known, fingerprint) in a worker process


def _init_worker(extract: Callable, known: dict, fingerprint: str) -> None:
    global _WORKER
    _WORKER = (extract, known, fingerprint)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the writer, which stops the pool
    with contextlib.suppress(AttributeError, OSError):
        # The one writer is what a run waits for: when cores are short, it goes first.
        os.nice(10)


def _prepare_in_worker(items: list) -> list[Prepared]:
    out = []
    for item in items:
        name, source, kind, data = _prepare(item, *_WORKER)
        if kind == "ok":  # the writer needs no text: send less back
            article, digest, statements = data
            data = (dataclasses.replace(article, text="", paragraphs=[]), digest, statements)
        out.append((name, source, kind, data))
    return out


CHUNK = 4  # items per task sent to a worker


def _parallel(run: "_Run", items: Iterable[Item], jobs: int) -> Iterator[tuple[str, str]]:
    """(name, status) per item, in order: workers prepare, this process writes. At most a few
    chunks wait for the writer, so memory stays flat however long the run."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: forking a process with threads
        pool = context.Pool(jobs, _init_worker, (run.extract, run.known, run.fingerprint))
    with pool:
        pending: collections.deque = collections.deque()
        chunk: list = []
        for item in items:
            chunk.append(item)
            if len(chunk) == CHUNK:
                pending.append(pool.apply_async(_prepare_in_worker, (chunk,)))
                chunk = []
                while len(pending) > 2 * jobs:
                    yield from run.accept_all(pending.popleft().get())
        if chunk:
            pending.append(pool.apply_async(_prepare_in_worker, (chunk,)))
        while pending:
            yield from run.accept_all(pending.popleft().get())


class _Run:
    """The state of one index_articles call: one writer at a time, committed every batch."""

    def __init__(self, ix, index_dir: Path, extract: Callable, lock_timeout: float, batch_size: int,
                 aliases: Aliases):
        self.ix, self.index_dir, self.extract = ix, index_dir, extract
        self.lock_timeout, self.batch_size, self.aliases = lock_timeout, batch_size, aliases
        self.searcher = open_searcher(ix, index_dir)  # the index as it was: earlier quote groups
        self.known = {d["source"]: d.get("source_hash") for d in self.searcher.documents(doctype="source")}
        self.groups = QuoteGroups(self._earlier_statements if self.known else None)
        self.fingerprint = index.extractor_fingerprint(aliases)
        self.summary, self.seen, self.speakers = IndexSummary(), {}, set()
        self.writer, self.pending = None, 0

    def _earlier_statements(self, key: str) -> Iterator[tuple[str, str]]:
        """(text, quote_group) of the statements of one speaker key indexed before this run."""
        for docnum in index.docs_with_term(self.searcher, "speaker_key", key):
            stored = self.searcher.stored_fields(docnum)
            yield stored.get("text", ""), stored.get("quote_group")

    def add(self, item: Item) -> str:
        """Index one item; returns its status: indexed, unchanged or error."""
        return self.accept(_prepare(item, self.extract, self.known, self.fingerprint, self.seen))

    def accept_all(self, prepared: list[Prepared]) -> Iterator[tuple[str, str]]:
        for p in prepared:
            yield p[0], self.accept(p)

    def accept(self, prepared: Prepared) -> str:
        """Write one prepared item; returns its status: indexed, unchanged or error."""
        name, source, kind, data = prepared
        if kind == "read-error":
            return self._error(data)
        if source in self.seen:
            return self._error(f"{name}: same source id {source!r} as {self.seen[source]}; skipped")
        self.seen[source] = name
        if kind == "unchanged":
            self.summary.skipped += 1
            return "unchanged"
        if kind == "failed":
            return self._error(data)
        article, digest, statements = data
        if article.encoding and not article.encoding.startswith(("utf-8", "ascii")):
            self.summary.encodings.append(f"{name}: read as {article.encoding}")
        if self.writer is None:
            self.writer = _writer(self.ix, self.index_dir, self.lock_timeout)
        for st in statements:
            st.speaker_key = folded_speaker_key(st.speaker, st.speaker_type, article.id, self.aliases)
            st.quote_group = self.groups.assign(st.speaker_key, st.text, article.id)
        written = _write_source(self.writer, article, statements, digest)
        self.pending += len(written) + 1
        self.summary.files += 1
        self.summary.statements += len(written)
        self.speakers.update(st.speaker_key for st in written)
        if self.pending >= self.batch_size:
            self.commit()
        return "indexed"

    def _error(self, message: str) -> str:
        self.summary.errors.append(message)
        return "error"

    def commit(self) -> None:
        if self.writer is not None:
            self.writer.commit()
            self.writer, self.pending = None, 0

    def cancel(self) -> None:
        self.searcher.close()
        if self.writer is not None:
            writer, self.writer = self.writer, None
            # after a commit interrupted (Ctrl-C) once whoosh released the lock, cancel fails: keep
            # the interruption, not that failure, as what the user sees
            with contextlib.suppress(Exception):
                writer.cancel()

    def finish(self, seconds: float) -> IndexSummary:
        summary = self.summary
        summary.speakers = len(self.speakers - {""})
        with self.ix.searcher() as s:
            markers = list(s.documents(doctype="source"))
        summary.total_sources = len(markers)
        summary.total_statements = sum(d.get("count", 0) for d in markers)
        summary.seconds = seconds
        return summary


def _report(progress: Optional[Progress], name: str, status: str) -> None:
    if progress is not None:
        progress(name, status)


WRITER_MB = 32


def _writer(ix, index_dir: Path, lock_timeout: float):
    try:
        # whoosh buffers postings up to limitmb before sorting them to disk: its 128 MB default
        # took peak memory past 500 MB on 10,000 articles (48 MB gave 544-565 MB once quote groups
        # came, 32 MB 527 MB, at the same speed)
        return ix.writer(timeout=lock_timeout, limitmb=WRITER_MB)
    except whoosh_index.LockError:
        raise _locked(index_dir) from None
    except OSError as e:
        raise _unwritable(index_dir, e) from None


def _write_source(writer, article: Article, statements: list[Statement], digest: str) -> list[Statement]:
    """Replace one source's documents; returns the statements written (repeated ids once).

    Always deletes first: another run may have added this source since ``known`` was read.
    """
    writer.delete_by_term("source", article.id)
    written, ids = [], set()
    for st in statements:
        if st.id not in ids:
            ids.add(st.id)
            written.append(st)
    for st in written:
        writer.add_document(**statement_doc(st, article))
    writer.add_document(**source_doc(article, digest, len(written)))
    return written
