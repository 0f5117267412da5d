"""Writing the index: one ``index_articles`` run, in this process or with a pool of workers.

Re-indexing a source whose hash is unchanged is skipped; a changed source is deleted by its
``source`` term and written again in the same commit, so readers never see it half replaced.
"""
from __future__ import annotations

import collections
import contextlib
import dataclasses
import errno
import functools
import json
import os
import shutil
import signal
import stat
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Union

from .store.whoosh import index  # LOCK_TIMEOUT and extractor_fingerprint are looked up there at call time (tests patch them)
from .identity.groups import QuoteGroups, regroup
from .store.whoosh.index import (QuotesearchError, _locked, _unwritable, open_for_writing, open_index, open_searcher, quiet_whoosh,
                    record_from_stored, source_doc, source_hash, statement_doc, write_reading_order)
from .models import Article, Skipped, Statement
from .identity.speakers import ALIASES_FILE, Aliases, speaker_key as folded_speaker_key

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
    regrouped: int = 0        # statements moved into the quote group of their wire copies (see mend_groups)


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

    ``rebuild`` builds a new index beside the old one, swapped in once complete: until then,
    and whatever goes wrong (a bad input, a full disk, Ctrl-C), the old index stays as it was.
    Raises SchemaMismatch, IndexLocked or QuotesearchError.
    """
    index_dir = Path(index_dir)
    lock_timeout = index.LOCK_TIMEOUT if lock_timeout is None else lock_timeout
    given = _read_aliases(aliases) if aliases is not None else None  # checked before the index is touched
    _restore_interrupted_swap(index_dir)
    args = (items, progress, extract or default_extract, lock_timeout, batch_size, jobs)
    if not (rebuild and index_dir.is_dir() and index.index_exists(index_dir)):
        return _index_into(index_dir, index_dir, rebuild, given, *args)
    if given is None and (index_dir / ALIASES_FILE).is_file():  # the aliases kept stay with the new index
        given = _read_aliases(index_dir / ALIASES_FILE)
    beside = _Beside(Path(os.path.realpath(index_dir)), lock_timeout)  # a link to it stays a link
    try:
        beside.open()
    except _NoRoomBeside:  # a folder beside it cannot be made (a parent folder not writable): in place
        return _index_into(index_dir, index_dir, rebuild, given, *args)
    with beside:
        summary = _index_into(beside.path, index_dir, False, given, *args)
        if not summary.files:  # nothing could be read: an empty index is not worth the old one
            beside.keep_old = True
            with open_index(index_dir).searcher() as s:
                summary.total_sources, summary.total_statements = _totals(s)
    return summary


def _index_into(index_dir: Path, shown: Path, rebuild: bool, given: Optional[tuple], items: Iterable[Item],
                progress: Optional[Progress], extract: Callable, lock_timeout: float, batch_size: int,
                jobs: int) -> IndexSummary:
    """One run into the index folder ``index_dir``, named ``shown`` in messages."""
    t0 = time.monotonic()
    try:
        ix = open_for_writing(index_dir, rebuild, lock_timeout)
        run = _Run(ix, index_dir, extract, lock_timeout, batch_size, _aliases(index_dir, given))
    except OSError as e:
        raise _write_failed(shown, e) from None
    try:
        if jobs > 1:
            for name, status in _parallel(run, items, jobs):
                _report(progress, name, status)
        else:
            for item in items:
                _report(progress, _item_name(item), run.add(item))
        run.commit()
        run.mend_groups()
        if not run.cleaned:
            run.clean_leftovers()
        if run.summary.files:
            write_reading_order(run.ix, index_dir)
        return run.finish(time.monotonic() - t0)
    except OSError as e:
        if e.errno not in WRITE_ERRORS:
            raise
        raise _write_failed(shown, e) from None
    finally:
        run.cancel()


# what a full disk, a file size limit (ulimit -f) or a folder made read-only gives while writing
WRITE_ERRORS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}


def _write_failed(index_dir: Path, e: OSError) -> QuotesearchError:
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _unwritable(index_dir, e)
    return QuotesearchError(f"could not write the index at {index_dir}: {e.strerror or e}; "
                            "free space and run again (what was indexed before is kept)")


def _read_aliases(path: Union[str, os.PathLike]) -> tuple:
    """(Aliases, the file's bytes) of an aliases file; a QuotesearchError naming the line when it is wrong."""
    try:
        return Aliases.read(path), Path(path).read_bytes()
    except (OSError, UnicodeDecodeError) as e:
        raise QuotesearchError(f"cannot read the aliases file {path}: {getattr(e, 'strerror', None) or e}") from None
    except ValueError as e:
        raise QuotesearchError(f"{e}; fix the aliases file") from None


def _aliases(index_dir: Path, given: Optional[tuple]) -> Aliases:
    """The aliases of this run: the file given (then kept in the index folder), else the one kept there."""
    if given is None:
        try:
            return Aliases.in_index(index_dir)
        except (OSError, UnicodeDecodeError) as e:
            raise QuotesearchError(f"cannot read the aliases file {index_dir / ALIASES_FILE}: "
                                   f"{getattr(e, 'strerror', None) or e}") from None
        except ValueError as e:
            raise QuotesearchError(f"{e}; fix the aliases file") from None
    aliases, data = given
    index.replace_file(index_dir, ALIASES_FILE, data)  # never through a link planted in the folder
    return aliases


# -- rebuilding beside the old index --------------------------------------------------

def _sibling(index_dir: Path, kind: str) -> str:
    """The name prefix of the folders a rebuild of ``index_dir`` makes beside it: 'rebuild' or 'old'."""
    return f".{index_dir.name}.{kind}-"


def _leftovers(index_dir: Path, kind: str) -> list[Path]:
    with contextlib.suppress(OSError):
        return sorted(p for p in index_dir.parent.iterdir() if p.name.startswith(_sibling(index_dir, kind)))
    return []


def _remove_leftovers(index_dir: Path) -> None:
    """Delete the folders of rebuilds killed before they ended (call with the index's lock held)."""
    real = Path(os.path.realpath(index_dir))
    for leftover in _leftovers(real, "rebuild") + _leftovers(real, "old"):
        shutil.rmtree(leftover, ignore_errors=True)


def _restore_interrupted_swap(index_dir: Path) -> None:
    """A rebuild killed between its two renames (where the system has no atomic exchange) left the
    old index beside the folder: put it back."""
    index_dir = Path(os.path.realpath(index_dir))
    if not os.path.lexists(index_dir):
        for old in _leftovers(index_dir, "old")[:1]:
            with contextlib.suppress(OSError):
                os.rename(old, index_dir)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); False where that is not available."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):  # the file system cannot: rename twice
        return False
    raise OSError(err, os.strerror(err), str(a))


class _NoRoomBeside(Exception):
    pass


class _Beside:
    """A new index built in a sibling folder created exclusively, swapped in by renames when the
    build succeeded; on any failure (or ``keep_old``) it is deleted and the old index is untouched.
    The old index's write lock is held throughout, so no other run writes what the swap would drop;
    leftovers of a killed rebuild are deleted under that lock."""

    def __init__(self, index_dir: Path, lock_timeout: float):
        self.index_dir, self.lock_timeout, self.keep_old = index_dir, lock_timeout, False
        self.lock = None
        self.path: Optional[Path] = None

    def __enter__(self) -> "_Beside":
        return self

    def open(self) -> None:
        """Lock the old index, remove leftovers, make the new folder; _NoRoomBeside if it cannot be made."""
        self.lock = index.lock_index(self.index_dir, self.lock_timeout)
        try:
            _remove_leftovers(self.index_dir)
            try:
                prefix, parent = _sibling(self.index_dir, "rebuild"), self.index_dir.parent
                self.path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
            except PermissionError:
                raise _NoRoomBeside() from None
            os.chmod(self.path, stat.S_IMODE(os.stat(self.index_dir).st_mode))
        except OSError as e:
            self.lock.release()
            raise _write_failed(self.index_dir, e) from None
        except BaseException:  # _NoRoomBeside, Ctrl-C
            self.lock.release()
            raise

    def __exit__(self, kind, value, traceback) -> None:
        try:
            if kind is None and not self.keep_old:
                # the new index's own lock too: a run waiting for the folder's lock gets it once all is done
                new_lock = index.lock_index(self.path, self.lock_timeout)
                try:
                    self._carry_over_other_files()
                    self._swap()
                except OSError as e:
                    raise _write_failed(self.index_dir, e) from None
                finally:
                    self.lock, old_lock = new_lock, self.lock
                    old_lock.release()
        finally:
            if self.path is not None:
                shutil.rmtree(self.path, ignore_errors=True)  # the new index that failed, or the old one
            self.lock.release()

    def _carry_over_other_files(self) -> None:
        """Files of the user's in the index folder (not the index's own) go on living there."""
        new = {p.name for p in self.path.iterdir()}
        for entry in os.scandir(self.index_dir):
            if entry.name in new or _index_file(entry.name):
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.copytree(entry.path, self.path / entry.name, symlinks=True)
            else:
                shutil.copy2(entry.path, self.path / entry.name, follow_symlinks=False)

    def _swap(self) -> None:
        if _exchange(self.path, self.index_dir):
            return  # self.path now holds the old index, deleted on exit
        old = Path(tempfile.mkdtemp(prefix=_sibling(self.index_dir, "old"), dir=self.index_dir.parent))
        os.rename(self.index_dir, old)  # onto the empty folder just made: one step
        os.rename(self.path, self.index_dir)  # killed in between: the next run puts the old one back
        self.path = old


def _index_file(name: str) -> bool:
    """Whether a file in an index folder is the index's own (whoosh's, quotesearch's, temporary)."""
    return (name.startswith(("_MAIN_", "MAIN_", "MAIN.", ".")) or name.endswith(".tmp")
            or name in (index.META_FILE, index.ORDER_FILE, index.WRITELOCK, ALIASES_FILE))


def default_extract(article: Article) -> list[Statement]:
    from .extraction import pipeline as extract_module  # looked up at call time, so tests can replace it

    return extract_module.extract(article)


# One item read, hashed and extracted: (name, source id or None, kind, data) where kind is
# read-error (data: message), duplicate, unchanged, failed (data: message) or ok (data: (article,
# digest, statements)). Made by _prepare, in a worker process or not; used by _Run.accept.
Prepared = tuple


def _prepare(item: Item, extract: Callable, known: dict, fingerprint: str, seen=()) -> Prepared:
    from .ingest.read import ReadError, read_article

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
    repeated = _repeated_ids(statements)
    if repeated:  # the index keeps one document per id: refuse to lose a statement quietly
        return name, article.id, "failed", (f"{name}: extraction failed: internal error: {len(repeated)} statement "
                                            f"id{'s' if len(repeated) > 1 else ''} given to several statements "
                                            f"({', '.join(repeated[:3])}); not indexed, please report it")
    return name, article.id, "ok", (article, digest, statements)


def _repeated_ids(statements: list[Statement]) -> list[str]:
    counts = collections.Counter(st.id for st in statements)
    return [i for i, n in counts.items() if n > 1]


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
        self.searcher = open_searcher(ix, index_dir)  # the index as it was: what is unchanged
        self.known = {d["source"]: d.get("source_hash") for d in self.searcher.documents(doctype="source")}
        self.groups = QuoteGroups(self._earlier_statements if self.known else None)
        self.generation = self.searcher.reader().generation()  # what self.groups knows: the index then
        self.fingerprint = index.extractor_fingerprint(aliases)
        self.summary, self.seen, self.speakers = IndexSummary(), {}, set()
        self.touched, self.written = set(), set()  # speaker keys and sources this run wrote
        self.writer, self.pending, self.cleaned = None, 0, False

    def _open_writer(self, fresh: bool = False) -> None:
        """Take the write lock, then read quote groups from the index as committed now if another
        run committed since this one last looked (or ``fresh``): a group looked up before the lock,
        in an index another run has changed since, splits wire copies."""
        self.writer = _writer(self.ix, self.index_dir, self.lock_timeout)
        if not self.cleaned:  # holding the lock, no rebuild of this index is running: its leftovers go
            self.cleaned = True
            _remove_leftovers(self.index_dir)
        if not fresh and self.writer.generation == (-1 if self.generation is None else self.generation) + 1:
            return  # nobody else committed: what this run assigned so far is all there is to know
        self.searcher.close()
        self.searcher = open_searcher(self.ix, self.index_dir)
        self.generation = self.searcher.reader().generation()
        self.groups = QuoteGroups(self._earlier_statements if self.searcher.doc_count_all() else None)

    def _earlier_statements(self, key: str) -> Iterator[tuple[str, str]]:
        """(text, quote_group) of the committed statements of one speaker key, oldest first."""
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
            self._open_writer()
        for st in statements:
            st.speaker_key = folded_speaker_key(st.speaker, st.speaker_type, article.id, self.aliases)
            st.quote_group = self.groups.assign(st.speaker_key, st.text, article.id)
        written = _write_source(self.writer, article, statements, digest)
        self.pending += len(written) + 1
        self.summary.files += 1
        self.summary.statements += len(written)
        self.speakers.update(st.speaker_key for st in written)
        self.touched.update(st.speaker_key for st in written if st.speaker_key)
        self.written.add(article.id)
        if self.pending >= self.batch_size:
            self.commit()
        return "indexed"

    def mend_groups(self) -> None:
        """Regroup the statements of the speaker keys this run wrote, over the whole committed index in
        reading order (groups.regroup), and rewrite the sources whose groups change: quote groups split
        by runs that did not see each other (older versions looked groups up before taking the lock)
        become one again. A no-op when nothing is split."""
        keys = self._shared_keys()
        if not keys:
            return
        self._open_writer(fresh=True)
        regrouped: dict[str, str] = {}  # statement id -> its new group
        sources = set()
        for key in keys:
            docs = [self.searcher.stored_fields(n) for n in index.docs_with_term(self.searcher, "speaker_key", key)]
            docs.sort(key=lambda d: (d.get("source", ""), _start(d), d.get("id", "")))
            for doc, group in zip(docs, regroup(key, [(d.get("text", ""), d.get("quote_group")) for d in docs])):
                if group != doc.get("quote_group"):
                    regrouped[doc["id"]] = group
                    sources.add(doc["source"])
        if not sources:  # nothing split: no commit, no new generation
            self._drop_writer()
            return
        for source in sorted(sources):
            self._rewrite_stored(source, regrouped)
        self.commit()
        self.summary.regrouped = len(regrouped)

    def clean_leftovers(self) -> None:
        """Remove what a killed rebuild left beside the index, if the lock is free at once (else a
        rebuild may be running, or another run will)."""
        real = Path(os.path.realpath(self.index_dir))
        if not (_leftovers(real, "rebuild") or _leftovers(real, "old")):
            return
        lock = self.ix.storage.lock(index.WRITELOCK)
        with contextlib.suppress(OSError):
            if lock.acquire(blocking=False):
                try:
                    _remove_leftovers(self.index_dir)
                finally:
                    lock.release()

    def _shared_keys(self) -> list[str]:
        """The speaker keys this run wrote that also have statements of sources indexed before it and
        not written again: only those can be split, as what this run wrote was grouped under the lock
        (so in a fresh index, or when every source was written again, there are none)."""
        if not self.known.keys() - self.written:
            return []
        source_of = self.searcher.reader().column_reader("source")
        docs_of = functools.partial(index.docs_with_term, self.searcher, "speaker_key")
        return [key for key in sorted(self.touched) if any(source_of[n] not in self.written for n in docs_of(key))]

    def _rewrite_stored(self, source: str, regrouped: dict[str, str]) -> None:
        """Write one source again from its stored documents, with new quote groups."""
        marker, statements = None, []
        for docnum in index.docs_with_term(self.searcher, "source", source):
            stored = self.searcher.stored_fields(docnum)
            if stored.get("doctype") == "source":
                marker = stored
            else:
                statements.append(stored)
        if marker is None:
            return
        article = Article(id=source, text="", path=marker.get("path", ""), title=marker.get("title", ""),
                          date=marker.get("date"), url=marker.get("url"), outlet=marker.get("outlet"))
        rebuilt = []
        for stored in sorted(statements, key=_start):
            st = Statement(**record_from_stored(stored, marker))
            st.quote_group = regrouped.get(st.id, st.quote_group)
            rebuilt.append(st)
        _write_source(self.writer, article, rebuilt, marker.get("source_hash", ""))

    def _error(self, message: str) -> str:
        self.summary.errors.append(message)
        return "error"

    def commit(self) -> None:
        if self.writer is not None:
            self.writer.commit()
            self.generation = self.writer.generation  # the one just written, with what self.groups knows
            self.writer, self.pending = None, 0

    def cancel(self) -> None:
        """Drop what was not committed: whoosh's temporary folder and the files of segments no table
        of contents names (a failed write leaves them half written), while the lock is still held."""
        with contextlib.suppress(Exception):  # closed already
            self.searcher.close()
        self._drop_writer()

    def _drop_writer(self) -> None:
        if self.writer is not None:
            writer, self.writer = self.writer, None
            lock = writer.writelock
            if lock is not None and getattr(lock, "fd", None) is not None:  # still ours: nobody else writes
                with contextlib.suppress(Exception):
                    writer._close_segment()  # closing creates some of the segment's files: then delete them
                with contextlib.suppress(Exception):
                    toc = self.ix._read_toc()
                    whoosh_index.clean_files(self.ix.storage, self.ix.indexname, toc.generation, toc.segments)
                with contextlib.suppress(Exception):
                    writer.temp_storage().destroy()
            # after a commit interrupted (Ctrl-C) once whoosh released the lock, cancel fails: keep
            # the interruption, not that failure, as what the user sees
            with contextlib.suppress(Exception):
                writer.cancel()
            if lock is not None and getattr(lock, "fd", None) is not None:
                with contextlib.suppress(Exception):
                    lock.release()

    def finish(self, seconds: float) -> IndexSummary:
        summary = self.summary
        summary.speakers = len(self.speakers - {""})
        with self.ix.searcher() as s:
            summary.total_sources, summary.total_statements = _totals(s)
        summary.seconds = seconds
        return summary


def _totals(searcher) -> tuple[int, int]:
    """(sources, statements) in the index."""
    markers = list(searcher.documents(doctype="source"))
    return len(markers), sum(d.get("count", 0) for d in markers)


def _start(stored: dict) -> int:
    """Where a stored statement starts in its article."""
    spans = json.loads(stored.get("spans") or "[]")
    return spans[0][0] if spans else 0


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
    """Replace one source's documents; returns the statements written.

    Always deletes first: another run may have added this source since ``known`` was read.
    Two statements with one id would be one document: that is refused, never dropped quietly.
    """
    repeated = _repeated_ids(statements)
    if repeated:
        raise ValueError(f"statement ids {', '.join(repeated)} given to several statements of {article.id}")
    writer.delete_by_term("source", article.id)
    for st in statements:
        writer.add_document(**statement_doc(st, article))
    writer.add_document(**source_doc(article, digest, len(statements)))
    return statements
