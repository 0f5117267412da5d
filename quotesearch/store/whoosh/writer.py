"""Writing the whoosh index: one ``WhooshWriter`` per run (the ``StoreWriter`` of store/base.py).

A source is one marker document (``doctype=source``: the article's metadata, content hash and
statement count) plus one document per statement; replacing it deletes every document of its
``source`` term and adds the new ones in the same commit, so readers never see it half replaced.

The write lock is whoosh's: taken when a batch starts (the first write, or ``refresh``) and
released by ``commit``, so that two runs at once take turns between batches. A rebuild is built in
a folder beside the index, whose lock is held throughout, and swapped in when the run ends well.
"""
from __future__ import annotations

import collections
import contextlib
import errno
import itertools
import json
import marshal
import os
import shutil
import stat
import struct
import tempfile
from pathlib import Path
from typing import Iterator, Optional, Union

from ...errors import QuotesearchError
from ...models import Source, Statement
from . import index  # LOCK_TIMEOUT is looked up there at call time (tests patch it)
from .index import (_locked, _unwritable, docs_with_term, open_for_writing, open_searcher, quiet_whoosh,
                    record_from_stored, source_doc, statement_doc, write_reading_order)

with quiet_whoosh():
    from whoosh import index as whoosh_index
    # modules whoosh imports lazily while writing (a search loads none of them): load them here, quietly
    import whoosh.externalsort, whoosh.writing  # noqa: E401,F401

# -- sorting postings: runs written in chunks ---------------------------------------------
#
# whoosh sorts a segment's postings in memory up to the writer's limitmb, and beyond that in runs
# on disk, which it writes and reads back one pickle per posting (a sixth of writing a large
# segment). Here a run is marshalled in chunks of postings (tuples of str, bytes, int, float and
# bytes or None), each after its length in bytes: ``marshal.load`` from a file reads it a few bytes
# at a time (6 ms a chunk), ``marshal.loads`` of the chunk's bytes takes 0.4 ms. These temporary
# files are this process's own, deleted once read. Only our writers' pools are ChunkedRuns:
# whoosh's own PostingPool is left as it is for any other user of whoosh in the process.

RUN_CHUNK = 4096
_CHUNK_LENGTH = struct.Struct("<I")


class ChunkedRuns(whoosh.writing.PostingPool):
    """whoosh's pool of postings, with its runs on disk written and read in marshalled chunks."""

    def _write_run(self, f, items):
        items = iter(items)
        while chunk := list(itertools.islice(items, RUN_CHUNK)):
            data = marshal.dumps(chunk)
            f.write(_CHUNK_LENGTH.pack(len(data)))
            f.write(data)
        f.close()

    def _read_run(self, path):
        f = self._open_run(path)
        try:
            while head := f.read(_CHUNK_LENGTH.size):
                (length,) = _CHUNK_LENGTH.unpack(head)
                data = f.read(length)
                if len(data) != length:
                    raise EOFError(f"a run of postings ends inside a chunk ({len(data)} of {length} bytes)")
                yield from marshal.loads(data)
        finally:
            f.close()
            self._remove_run(path)


# whoosh buffers postings up to limitmb before sorting them to disk: its 128 MB default took peak
# memory past 500 MB on 10,000 articles (48 MB gave 544-565 MB once quote groups came, 32 MB
# 527 MB, at the same speed)
WRITER_MB = 32

# what a full disk, a file size limit (ulimit -f) or a folder made read-only gives while writing
WRITE_ERRORS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}


def open_writer(path: Union[str, os.PathLike], rebuild: bool = False,
                lock_timeout: Optional[float] = None) -> "WhooshWriter":
    """A writing run on the index folder ``path``, to use as a context manager (nothing is opened
    before ``__enter__``). ``rebuild``: the run's commits replace the whole index when the run ends
    without an exception. ``lock_timeout``: seconds to wait for another run's lock (None:
    ``index.LOCK_TIMEOUT``). Raises, on entering, IndexLocked, SchemaMismatch or QuotesearchError."""
    return WhooshWriter(Path(path), rebuild, lock_timeout)


class WhooshWriter:
    """One run's writes to one index folder; see store.base.StoreWriter for the contract."""

    def __init__(self, path: Path, rebuild: bool = False, lock_timeout: Optional[float] = None):
        self.path, self.rebuild, self.lock_timeout = path, rebuild, lock_timeout
        self.folder = path  # where this run writes: the index folder, or the rebuild beside it
        self.ix = None
        self._beside: Optional[_Beside] = None
        self._searcher = None  # the index as committed when this run last looked
        self._seen = None      # the generation self._searcher reads
        self._generation: Optional[int] = None  # the latest this run knows all of (its own commits included)
        self._writer = None    # whoosh's writer while a batch is open (it holds the lock)
        self._written = False  # something was added or deleted since the batch opened
        self._committed = False  # this run committed something
        self._cleaned = False  # leftovers of killed rebuilds were removed under the lock

    # -- the run -------------------------------------------------------------------------

    def __enter__(self) -> "WhooshWriter":
        if self.lock_timeout is None:
            self.lock_timeout = index.LOCK_TIMEOUT
        _restore_interrupted_swap(self.path)
        if self.rebuild and self.path.is_dir() and index.index_exists(self.path):
            beside = _Beside(Path(os.path.realpath(self.path)), self.lock_timeout)  # a link to it stays a link
            try:
                beside.open()
            except _NoRoomBeside:  # a folder beside it cannot be made (a parent not writable): in place
                pass
            else:  # leftovers of killed rebuilds went under the old index's lock
                self._beside, self.folder, self._cleaned = beside, beside.path, True
        try:
            try:
                self.ix = open_for_writing(self.folder, self.rebuild and self._beside is None, self.lock_timeout)
                self._look()
            except OSError as e:
                raise _write_failed(self.path, e) from None
        except BaseException:
            self._close()
            if self._beside is not None:
                self._beside.__exit__(QuotesearchError, None, None)
            raise
        self._generation = self._seen
        return self

    def __exit__(self, kind, value, traceback) -> None:
        """A clean end commits what is pending, records the reading order and the segment files'
        checksums (when this run committed) and swaps a rebuild in; an exception drops what was not
        committed (no half-written file stays) and a rebuild with it."""
        failed = kind is not None
        try:
            if not failed:
                with self._failing():
                    self.commit()
                    if not self._cleaned:
                        self._clean_leftovers()
                    if self._committed:
                        write_reading_order(self.ix, self.folder)
        except BaseException:
            failed = True
            raise
        finally:
            self._close()
            if self._beside is not None:
                self._beside.__exit__(QuotesearchError if failed else None, None, None)

    # -- reading under the lock --------------------------------------------------------------

    def known_sources(self) -> dict[str, str]:
        """{source id: content hash} of the sources committed when this run last looked."""
        return {d["source"]: d.get("source_hash", "") for d in self._current().documents(doctype="source")}

    def refresh(self) -> bool:
        """Take the write lock for the next commit, if not held; True when another run committed
        since this one last looked (what ``statements_of_speaker`` said before may be out of date)."""
        self._open_batch()
        if self._writer.generation == (-1 if self._generation is None else self._generation) + 1:
            return False  # nobody else committed: what this run assigned so far is all there is to know
        self._look()
        self._generation = self._seen
        return True

    def statements_of_speaker(self, speaker_key: str) -> Iterator[Statement]:
        """The committed statements of one speaker key, in reading order (by source id, then start)."""
        searcher = self._current()
        docs = [searcher.stored_fields(n) for n in docs_with_term(searcher, "speaker_key", speaker_key)]
        docs.sort(key=lambda d: (d.get("source", ""), _start(d), d.get("id", "")))
        markers = self._markers
        for doc in docs:
            source = doc.get("source", "")
            if source not in markers:
                markers[source] = self._marker(searcher, source) or {}
            yield Statement(**record_from_stored(doc, markers[source]))

    def statements_of_source(self, source_id: str) -> Optional[tuple[Source, list[Statement]]]:
        """A committed source and its statements in reading order (None when there is no such source)."""
        searcher = self._current()
        marker, docs = None, []
        for n in docs_with_term(searcher, "source", source_id):
            stored = searcher.stored_fields(n)
            if stored.get("doctype") == "source":
                marker = stored
            else:
                docs.append(stored)
        if marker is None:
            return None
        docs.sort(key=lambda d: (_start(d), d.get("id", "")))
        source = Source(source=source_id, title=marker.get("title", ""), date=marker.get("date"),
                        url=marker.get("url"), outlet=marker.get("outlet"), path=marker.get("path", ""),
                        statements=marker.get("count", 0), source_hash=marker.get("source_hash", ""))
        return source, [Statement(**record_from_stored(d, marker)) for d in docs]

    def totals(self) -> tuple[int, int]:
        """(sources, statements) in the index as committed now."""
        with self._failing():
            with open_searcher(self.ix, self.path) as s:
                markers = list(s.documents(doctype="source"))
        return len(markers), sum(d.get("count", 0) for d in markers)

    # -- writing ---------------------------------------------------------------------------

    def replace_source(self, source: Source, statements: list[Statement]) -> None:
        """Delete the documents of ``source.source`` and add these (always deleting first: another
        run may have added the source since). Two statements with one id would be one document:
        that is refused (ValueError), never dropped quietly."""
        repeated = [i for i, n in collections.Counter(st.id for st in statements).items() if n > 1]
        if repeated:
            raise ValueError(f"statement ids {', '.join(repeated)} given to several statements of {source.source}")
        writer = self._open_batch()
        with self._failing():
            self._written = True
            writer.delete_by_term("source", source.source)
            for st in statements:
                writer.add_document(**statement_doc(st, source))
            writer.add_document(**source_doc(source, len(statements)))

    def delete_source(self, source_id: str) -> None:
        writer = self._open_batch()
        with self._failing():
            self._written = True
            writer.delete_by_term("source", source_id)

    def write_setting(self, name: str, data: bytes) -> None:
        """``name`` in the index folder (of a rebuild: swapped in with it), replaced in one step."""
        with self._failing():
            index.replace_file(self.folder, name, data)  # never through a link planted in the folder

    def commit(self) -> None:
        """Commit the open batch and release the lock; without writes, only release it (no new
        generation)."""
        if self._writer is None:
            return
        if not self._written:
            self._drop_writer()
            return
        writer = self._writer
        with self._failing():
            writer.commit()
        self._generation = writer.generation  # the one just written, with what this run knows
        self._writer, self._written, self._committed = None, False, True

    # -- inside ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _failing(self):
        """A full disk, a file size limit or a folder made read-only as one QuotesearchError."""
        try:
            yield
        except OSError as e:
            if e.errno not in WRITE_ERRORS:
                raise
            raise _write_failed(self.path, e) from None

    def _open_batch(self):
        """whoosh's writer for the next commit (taking the lock); the first time, leftovers of rebuilds
        killed before they ended are removed (holding the lock, no rebuild of this index runs)."""
        if self._writer is None:
            try:
                # whoosh buffers postings up to limitmb before sorting them to disk
                self._writer = self.ix.writer(timeout=self.lock_timeout, limitmb=WRITER_MB, codec=index.writer_codec())
                # this writer's pool only (whoosh-reloaded ignores the writer's poolclass argument)
                self._writer.pool.__class__ = ChunkedRuns
            except whoosh_index.LockError:
                raise _locked(self.path) from None
            except OSError as e:
                raise _unwritable(self.path, e) from None
            self._written = False
            if not self._cleaned:
                self._cleaned = True
                _remove_leftovers(self.path)
        return self._writer

    def _look(self) -> None:
        """Read the index as committed now."""
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = open_searcher(self.ix, self.path)
        self._seen = self._searcher.reader().generation()
        self._markers: dict[str, dict] = {}  # source id -> its marker, as self._searcher reads it

    def _current(self):
        """The searcher, first brought up to what this run knows (its own commits)."""
        if self._seen != self._generation:
            self._look()
        return self._searcher

    @staticmethod
    def _marker(searcher, source: str) -> Optional[dict]:
        for n in reversed(docs_with_term(searcher, "source", source)):  # written after its statements
            stored = searcher.stored_fields(n)
            if stored.get("doctype") == "source":
                return stored
        return None

    def _clean_leftovers(self) -> None:
        """Remove what a killed rebuild left beside the index, if the lock is free at once (else a
        rebuild may be running, or another run will)."""
        real = Path(os.path.realpath(self.path))
        if not (_leftovers(real, "rebuild") or _leftovers(real, "old")):
            return
        lock = self.ix.storage.lock(index.WRITELOCK)
        with contextlib.suppress(OSError):
            if lock.acquire(blocking=False):
                try:
                    _remove_leftovers(self.path)
                finally:
                    lock.release()

    def _close(self) -> None:
        """Drop what was not committed, while the lock is still held."""
        if self._searcher is not None:
            with contextlib.suppress(Exception):  # closed already
                self._searcher.close()
            self._searcher = None
        self._drop_writer()

    def _drop_writer(self) -> None:
        """Cancel the open batch: whoosh's temporary folder and the files of segments no table of
        contents names (a failed write leaves them half written) go, then the lock is released."""
        if self._writer is None:
            return
        writer, self._writer, self._written = self._writer, None, False
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


def _start(stored: dict) -> int:
    """Where a stored statement starts in its article."""
    spans = json.loads(stored.get("spans") or "[]")
    return spans[0][0] if spans else 0


def _write_failed(index_dir: Path, e: OSError) -> QuotesearchError:
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _unwritable(index_dir, e)
    return QuotesearchError(f"could not write the index at {index_dir}: {e.strerror or e}; "
                            "free space and run again (what was indexed before is kept)")


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
    build succeeded; on any failure it is deleted and the old index is untouched. The old index's
    write lock is held throughout, so no other run writes what the swap would drop; leftovers of a
    killed rebuild are deleted under that lock."""

    def __init__(self, index_dir: Path, lock_timeout: float):
        self.index_dir, self.lock_timeout = index_dir, lock_timeout
        self.lock = None
        self.path: Optional[Path] = None

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
            if kind is None:
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
        """Files in the index folder that are not the index's own (the user's, and settings this run
        did not write again) go on living there."""
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
            or name in (index.META_FILE, index.ORDER_FILE, index.WRITELOCK))
