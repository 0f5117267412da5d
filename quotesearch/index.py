"""The whoosh index: schema, schema version, incremental writing and locking.

Every source (article) gets one marker document (``doctype=source``) holding its
title, path, content hash and statement count, plus one document per statement
(``doctype=statement``). Re-indexing a source whose hash is unchanged is skipped;
a changed source is deleted by its ``source`` term and written again in the same
commit, so readers never see it half replaced.
"""
from __future__ import annotations

import collections
import contextlib
import dataclasses
import hashlib
import json
import os
import re
import signal
import time
import warnings
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Union

from .groups import QuoteGroups
from .records import STATEMENT_FIELDS, Article, Skipped, Statement
from .speakers import ALIASES_FILE, Aliases, speaker_key as folded_speaker_key


@contextlib.contextmanager
def quiet_whoosh() -> Iterator[None]:
    """Hide the SyntaxWarning/DeprecationWarning whoosh emits when imported on new Pythons."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


with quiet_whoosh():
    from whoosh import index as whoosh_index
    from whoosh.filedb.filestore import FileStorage
    from whoosh.analysis import IDAnalyzer, StandardAnalyzer, StemmingAnalyzer
    from whoosh.columns import NumericColumn
    from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
    # modules whoosh imports lazily while writing and searching: load them here, quietly
    import whoosh.automata.lev, whoosh.classify, whoosh.codec.whoosh3, whoosh.collectors  # noqa: E401,F401
    import whoosh.externalsort, whoosh.filedb.compound, whoosh.scoring, whoosh.searching  # noqa: E401,F401
    import whoosh.sorting, whoosh.writing  # noqa: E401,F401
    from whoosh.codec import whoosh3


def _patch_whoosh_length_readers() -> None:
    """whoosh 2.7.5 caches a segment's field-length reader only when the field has one: for every
    other field (ID, KEYWORD …) each posting written at commit asks the file system again (an
    os.stat per posting, a seventh of indexing time). Segments never change once written, so
    remembering "no such column" is safe."""
    reader_class = whoosh3.W3PerDocReader
    if getattr(reader_class, "_quotesearch_patched", False):
        return
    original = reader_class._cached_reader

    def _cached_reader(self, fieldname, column):
        try:
            return self._readers[fieldname]
        except KeyError:
            reader = self._readers[fieldname] = original(self, fieldname, column)
            return reader

    reader_class._cached_reader = _cached_reader
    reader_class._quotesearch_patched = True


_patch_whoosh_length_readers()

SCHEMA_VERSION = 4
META_FILE = "quotesearch.json"
WRITELOCK = "MAIN_WRITELOCK"  # whoosh's lock file name for the default index name
LOCK_TIMEOUT = 10.0  # seconds to wait for another writer before giving up

Item = Union[str, os.PathLike, Article, tuple, Skipped, Exception]


class QuotesearchError(Exception):
    """A problem the user can fix; the message is one line and carries a hint."""


class NoIndex(QuotesearchError):
    pass


class SchemaMismatch(QuotesearchError):
    pass


class IndexLocked(QuotesearchError):
    pass


def make_schema() -> Schema:
    lower_id = IDAnalyzer(lowercase=True)
    return Schema(
        doctype=ID(stored=True),
        id=ID(unique=True, stored=True),
        source=ID(stored=True, sortable=True),
        title=TEXT(stored=True),
        path=STORED(),
        source_hash=ID(stored=True),
        count=STORED(),
        date=STORED(),   # the article's, ISO 8601: on source markers only, like url and title
        url=STORED(),
        day=ID(sortable=True),  # YYYY-MM-DD of the article's date, on every document: --since/--until
        text=TEXT(analyzer=StemmingAnalyzer(), stored=True),  # highlights re-read the stored text
        speaker=TEXT(analyzer=StandardAnalyzer(stoplist=None), stored=True),
        speaker_key=ID(stored=True, sortable=True),
        quote_group=ID(stored=True, sortable=True),  # a column: grouping hits reads no stored fields
        speaker_tokens=KEYWORD(lowercase=True),
        mention=TEXT(analyzer=StandardAnalyzer(stoplist=None), stored=True),
        speaker_type=ID(stored=True, analyzer=lower_id),
        role=TEXT(analyzer=StemmingAnalyzer(), stored=True),
        organization=TEXT(analyzer=StemmingAnalyzer(), stored=True),
        given_to=TEXT(analyzer=StandardAnalyzer(stoplist=None), stored=True),
        outlet=TEXT(analyzer=StandardAnalyzer(stoplist=None), stored=True),  # the article's
        kind=ID(stored=True, sortable=True, analyzer=lower_id),
        cue=ID(stored=True, analyzer=lower_id),
        paragraph=NUMERIC(stored=True, sortable=True, shift_step=0),  # one term, not eight: exact matches only
        start=COLUMN(NumericColumn("i")),  # for sorting only
        spans=STORED(),
        context=STORED(),
    )


# -- speaker names ------------------------------------------------------------------

def speaker_tokens(name: Optional[str]) -> list[str]:
    """The folded words of a name: 'Mr. Zoë Müller' -> ['mr', 'zoe', 'muller']."""
    from .speakers import fold

    return fold(name).split()


# -- opening ------------------------------------------------------------------------

def _read_meta(index_dir: Path) -> dict:
    try:
        return json.loads((index_dir / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_meta(index_dir: Path) -> None:
    from . import __version__

    meta = {"schema_version": SCHEMA_VERSION, "quotesearch": __version__}
    tmp = index_dir / f"{META_FILE}.{os.getpid()}.tmp"  # then renamed: never seen half written
    tmp.write_text(json.dumps(meta) + "\n", encoding="utf-8")
    os.replace(tmp, index_dir / META_FILE)


def index_exists(index_dir: Union[str, os.PathLike]) -> bool:
    """Whether ``index_dir`` has a whoosh table of contents (looked for, not read: whoosh's exists_in
    reads it, and fails when a concurrent commit deletes it in between)."""
    if not Path(index_dir).is_dir():
        return False
    storage = FileStorage(str(index_dir), readonly=True)
    return whoosh_index.TOC._latest_generation(storage, whoosh_index._DEF_INDEX_NAME) >= 0


def _check_version(index_dir: Path) -> None:
    found = _read_meta(index_dir).get("schema_version")
    if found != SCHEMA_VERSION:
        raise SchemaMismatch(
            f"the index at {index_dir} has schema version {'unknown' if found is None else found}, this quotesearch "
            f"needs {SCHEMA_VERSION}; run `quotesearch index --rebuild PATH...` to rebuild it"
        )


def open_index(index_dir: Union[str, os.PathLike]):
    """Open an existing index for reading; NoIndex / SchemaMismatch when it cannot be used."""
    index_dir = Path(index_dir)
    if not index_exists(index_dir):
        raise NoIndex(f"no index at {index_dir}; run `quotesearch index seeds/` first")
    _check_version(index_dir)
    return _open_dir(index_dir)


def _damaged(index_dir: Path, e: Exception) -> QuotesearchError:
    return QuotesearchError(f"the index at {index_dir} cannot be read ({type(e).__name__}: {e}); "
                            "run `quotesearch index --rebuild PATH...` to rebuild it")


def _open_dir(index_dir: Path, attempts: int = 20):
    """whoosh's open_dir, tried again when a concurrent commit removed the generation it was
    reading (whoosh deletes older table-of-contents files at every commit)."""
    for attempt in range(attempts):
        try:
            return whoosh_index.open_dir(str(index_dir))
        except FileNotFoundError as e:
            if attempt == attempts - 1:
                raise _damaged(index_dir, e) from None
            time.sleep(0.02)
        except Exception as e:  # a damaged table of contents
            raise _damaged(index_dir, e) from None


def open_searcher(ix, index_dir: Union[str, os.PathLike]):
    """``ix.searcher()`` (whoosh retries files deleted by a concurrent commit), damage as a QuotesearchError."""
    try:
        return ix.searcher()
    except Exception as e:
        raise _damaged(Path(index_dir), e) from None


def _unwritable(index_dir: Path, e: OSError) -> QuotesearchError:
    return QuotesearchError(f"cannot write to the index at {index_dir}: {e.strerror or e}; pick another --index")


def _acquire(lock, timeout: float, index_dir: Path) -> None:
    deadline = time.monotonic() + timeout
    while not _try_lock(lock, index_dir):
        if time.monotonic() >= deadline:
            raise _locked(index_dir)
        time.sleep(0.05)


def _try_lock(lock, index_dir: Path) -> bool:
    try:
        return lock.acquire(blocking=False)
    except OSError as e:  # the lock file cannot be created: a read-only folder
        raise _unwritable(index_dir, e) from None


def _locked(index_dir: Path) -> IndexLocked:
    return IndexLocked(f"another quotesearch index run is writing to {index_dir}; wait for it to finish")


def _create(index_dir: Path, lock_timeout: float, rebuild: bool = True):
    """A fresh empty index in ``index_dir`` (other files there are left alone). Without
    ``rebuild``, an index another run created while this one waited for the lock is opened.

    Safe to interrupt: a new index gets its version file first (no table of contents yet means
    no index); a rebuilt one gets a new empty generation in one step, so readers see the old
    index or the new one, never none, and the old files go once nothing needs them.
    """
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise _unwritable(index_dir, e) from None
    storage = FileStorage(str(index_dir))
    lock = storage.lock(WRITELOCK)
    _acquire(lock, lock_timeout, index_dir)
    try:
        name = whoosh_index._DEF_INDEX_NAME
        generation = whoosh_index.TOC._latest_generation(storage, name)
        if generation >= 0 and not rebuild:
            ix = None
        elif generation < 0:
            _write_meta(index_dir)
            ix = whoosh_index.create_in(str(index_dir), make_schema())
        else:
            whoosh_index.TOC(make_schema(), [], generation + 1).write(storage, name)
            whoosh_index.clean_files(storage, name, generation + 1, [])
            ix = whoosh_index.FileIndex(storage, indexname=name)
            _write_meta(index_dir)
        if ix is not None:
            with contextlib.suppress(FileNotFoundError):
                (index_dir / ORDER_FILE).unlink()
    finally:
        lock.release()
    if ix is None:
        _check_version(index_dir)
        return _open_dir(index_dir)
    return ix


def open_for_writing(index_dir: Union[str, os.PathLike], rebuild: bool = False, lock_timeout: Optional[float] = None):
    index_dir = Path(index_dir)
    lock_timeout = LOCK_TIMEOUT if lock_timeout is None else lock_timeout
    if index_dir.exists() and not index_dir.is_dir():
        raise QuotesearchError(f"{index_dir} is a file, not an index folder; pick another --index")
    if rebuild or not index_exists(index_dir):
        return _create(index_dir, lock_timeout, rebuild)
    _check_version(index_dir)
    return _open_dir(index_dir)


# -- documents ----------------------------------------------------------------------

NOT_EXTRACTION = {"cli.py", "output.py", "search.py", "index.py", "evaluate.py", "__main__.py"}


def extractor_fingerprint(aliases: Optional[Aliases] = None) -> str:
    """A hash of the extractor's code, word lists and the aliases: when one changes, unchanged
    files are indexed again."""
    root = Path(__file__).parent
    h = hashlib.sha256((aliases.fingerprint() if aliases else "").encode())
    files = [p for p in root.glob("*.py") if p.name not in NOT_EXTRACTION] + list(root.glob("lexicons/*.txt"))
    for p in sorted(files):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def source_hash(article: Article, fingerprint: str = "") -> str:
    h = hashlib.sha256(fingerprint.encode())
    for value in (article.id, article.title, article.date, article.url, article.outlet):  # metadata too
        h.update(f"{value or ''}\0".encode("utf-8", errors="surrogatepass"))
    h.update(article.text.encode("utf-8", errors="surrogatepass"))
    return h.hexdigest()[:32]


ARTICLE_FIELDS = ("title", "date", "url", "outlet")  # kept on the source marker, joined when read


def statement_doc(st: Statement, article: Article) -> dict:
    """A statement's document. The article's title, date, url, outlet, path and hash are stored on
    its source marker only (``title:`` queries are answered through the markers, see search.py);
    the date's day and the outlet's words are indexed here too, for filters."""
    doc = {k: v for k, v in st.to_dict().items() if v is not None and k not in ARTICLE_FIELDS}
    doc.update(
        doctype="statement",
        source=article.id,
        spans=json.dumps(st.spans),
        start=st.spans[0][0] if st.spans else 0,
        speaker_tokens=" ".join(dict.fromkeys(speaker_tokens(st.speaker) + st.speaker_key.split("@")[0].split())),
        day=(article.date or "")[:10],
        outlet=article.outlet,
    )
    return {k: v for k, v in doc.items() if v not in (None, "")}


def source_doc(article: Article, digest: str, count: int) -> dict:
    doc = dict(doctype="source", source=article.id, title=article.title, path=article.path,
               source_hash=digest, count=count, date=article.date, url=article.url, outlet=article.outlet,
               day=(article.date or "")[:10])
    return {k: v for k, v in doc.items() if v not in (None, "")}


def record_from_stored(stored: dict, marker: Optional[dict] = None) -> dict:
    """The Statement fields (exactly those) of a stored statement document; the article's
    title, date, url and outlet come from its source ``marker``."""
    rec = {k: stored.get(k) for k in STATEMENT_FIELDS}
    rec["spans"] = json.loads(stored.get("spans") or "[]")
    for k in ("text", "speaker", "mention", "context", "speaker_key"):
        rec[k] = rec[k] or ""
    for k in ARTICLE_FIELDS:
        rec[k] = (marker or {}).get(k, "" if k == "title" else None)
    return rec


# -- writing ------------------------------------------------------------------------

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
    lock_timeout = LOCK_TIMEOUT if lock_timeout is None else lock_timeout
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
    tmp = index_dir / f"{ALIASES_FILE}.{os.getpid()}.tmp"
    tmp.write_bytes(data)
    os.replace(tmp, index_dir / ALIASES_FILE)
    return aliases


# -- reading order ------------------------------------------------------------------

ORDER_FILE = "quotesearch-order.bin"


def _order_header(reader) -> array:
    generation = reader.generation()  # None for an index with no segment yet
    return array("q", [-1 if generation is None else generation, reader.doc_count_all()])


def write_reading_order(ix, index_dir: Path) -> None:
    """Save one sort key per document, (rank of its source id) << 32 | start, so that listings
    in reading order need no sorting through whoosh (a few microseconds per document). The
    file names the index generation it belongs to; search ignores it once the index moved on."""
    with ix.searcher() as s:
        reader = s.reader()
        header = _order_header(reader)
        sources = list(reader.column_reader("source"))
        starts = list(reader.column_reader("start"))
    rank = {source: i for i, source in enumerate(sorted(set(sources)))}
    keys = array("q", [rank[source] << 32 | start for source, start in zip(sources, starts)])
    tmp = index_dir / f"{ORDER_FILE}.{os.getpid()}.tmp"  # two runs ending at once write their own
    with open(tmp, "wb") as f:
        header.tofile(f)
        keys.tofile(f)
    os.replace(tmp, index_dir / ORDER_FILE)


def read_reading_order(reader, index_dir: Path) -> Optional[array]:
    """The keys saved by write_reading_order for exactly what ``reader`` reads, else None."""
    try:
        data = (Path(index_dir) / ORDER_FILE).read_bytes()
    except OSError:
        return None
    keys = array("q")
    keys.frombytes(data[:len(data) - len(data) % keys.itemsize])
    if keys[:2] != _order_header(reader) or len(keys) != 2 + reader.doc_count_all():
        return None
    return keys[2:]


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
        self.fingerprint = extractor_fingerprint(aliases)
        self.summary, self.seen, self.speakers = IndexSummary(), {}, set()
        self.writer, self.pending = None, 0

    def _earlier_statements(self, key: str) -> Iterator[tuple[str, str]]:
        """(text, quote_group) of the statements of one speaker key indexed before this run."""
        for docnum in self.searcher.document_numbers(speaker_key=key):
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
