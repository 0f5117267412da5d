"""Turning inputs into stored statements: one ``index_articles`` run, in this process or with a pool
of workers, into any store (store/base.py).

The indexer reads inputs into Articles, skips those whose content hash is unchanged (the hash
covers the article, its metadata and the extractor's code and aliases: ``source_hash``), extracts
the others, gives each statement its speaker key (after the aliases) and quote group, and hands
each source to the store whole. Which store it is makes no difference: everything above the store
(change detection, speaker keys, aliases, quote groups, batching, workers) lives here.
"""
from __future__ import annotations

import collections
import contextlib
import dataclasses
import hashlib
import os
import signal
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Union

from .errors import QuotesearchError
from .identity.groups import QuoteGroups, regroup
from .identity.speakers import ALIASES_FILE, Aliases, speaker_key as folded_speaker_key
from .models import Article, Skipped, Source, Statement
from .store import open_store

Item = Union[str, os.PathLike, Article, tuple, Skipped, Exception]


@dataclass
class IndexSummary:
    files: int = 0            # sources (re)written by this run
    statements: int = 0       # statements written by this run
    speakers: int = 0         # distinct speakers among them
    seconds: float = 0.0
    skipped: int = 0          # unchanged sources left as they were
    skipped_inputs: list[Skipped] = field(default_factory=list)  # inputs left out, each with its reason code
    encodings: list[str] = field(default_factory=list)  # 'NAME: read as cp1252' for text not in UTF-8
    total_sources: int = 0    # in the whole index after this run
    total_statements: int = 0
    regrouped: int = 0        # statements moved into the quote group of their wire copies (see mend_groups)

    @property
    def errors(self) -> list[str]:
        """One line per input left out: 'NAME: reason'."""
        return [str(s) for s in self.skipped_inputs]


Progress = Callable[[str, str], None]  # (name, status: indexed|unchanged|error)


def _item_name(item: Item) -> str:
    if isinstance(item, tuple):
        item = item[0]
    if isinstance(item, Skipped):
        return item.name
    if isinstance(item, Article):
        return item.path or item.id
    return str(item)


# Documents (statements and sources) per commit. A store may write each commit as a unit it merges
# later at a cost (a third of indexing time in batches of 5,000 in the default store): larger batches
# write fewer; a store keeps its memory flat within a batch.
BATCH_SIZE = 50_000


def index_articles(
    store,
    items: Iterable[Item],
    rebuild: bool = False,
    progress: Optional[Progress] = None,
    extract: Optional[Callable[[Article], list[Statement]]] = None,
    lock_timeout: Optional[float] = None,
    batch_size: int = BATCH_SIZE,
    jobs: int = 1,
    aliases: Union[str, os.PathLike, None] = None,
    dask=None,
    task_progress=None,
) -> IndexSummary:
    """Add files, Articles or (Article, statements) pairs to ``store``: a ``Store``, or the
    location of one (an index folder: store.open_store).

    Unchanged sources are skipped (before extraction), changed ones replaced.
    Unreadable files, Skipped records, exceptions given as items and extractor failures are
    listed in ``summary.skipped_inputs`` (with reason codes) and skipped. ``aliases`` is a tab-separated aliases file, checked
    before the store is touched and kept with the store (whose copy is used when none is given).
    With ``jobs`` > 1, files are read and extracted in that many processes while this one
    writes, in the order given: the store is the same as with one job. With ``dask`` (a scheduler's
    address, ``local[:N]`` or a distributed.Client), the workers of a Dask cluster read and extract
    instead, and ``task_progress(done, total, statements, seconds)`` follows its tasks (cluster.py).
    The store is committed
    every ``batch_size`` documents (statements and sources); ``lock_timeout`` is how long to wait
    for another run's batch (seconds; None: the store's default).

    ``rebuild`` replaces the store's contents with what this run writes, once it ends well:
    until then, and whatever goes wrong (a bad input, a full disk, Ctrl-C), the old contents stay
    as they were; a rebuild that could read nothing leaves them too.
    Raises SchemaMismatch, IndexLocked or QuotesearchError.
    """
    given = _read_aliases(aliases) if aliases is not None else None  # checked before the store is touched
    store = open_store(store)
    t0 = time.monotonic()
    try:
        with store.writer(rebuild=rebuild, lock_timeout=lock_timeout) as writer:
            run = _Run(writer, extract or default_extract, batch_size, _aliases(store, writer, given))
            if dask is not None:
                from .cluster import run_on_dask

                for name, status in run_on_dask(run, items, dask, progress=task_progress):
                    _report(progress, name, status)
            elif jobs > 1:
                for name, status in _parallel(run, items, jobs):
                    _report(progress, name, status)
            else:
                for item in items:
                    _report(progress, _item_name(item), run.add(item))
            run.commit()
            run.mend_groups()
            summary = run.finish()
            if rebuild and not summary.files:  # nothing could be read: an empty store is not worth the old one
                raise _NothingWritten(summary)
    except _NothingWritten as nothing:
        summary = nothing.summary
        with store.writer(lock_timeout=lock_timeout) as writer:
            summary.total_sources, summary.total_statements = writer.totals()
    summary.seconds = time.monotonic() - t0  # with the end of the run (a rebuild's swap)
    return summary


class _NothingWritten(Exception):
    """Ends a rebuild that wrote nothing, so that the store keeps its old contents."""

    def __init__(self, summary: IndexSummary):
        super().__init__()
        self.summary = summary


def _read_aliases(path: Union[str, os.PathLike]) -> tuple:
    """(Aliases, the file's bytes) of an aliases file; a QuotesearchError naming the line when it is wrong."""
    try:
        return Aliases.read(path), Path(path).read_bytes()
    except (OSError, UnicodeDecodeError) as e:
        raise QuotesearchError(f"cannot read the aliases file {path}: {getattr(e, 'strerror', None) or e}") from None
    except ValueError as e:
        raise QuotesearchError(f"{e}; fix the aliases file") from None


def _aliases(store, writer, given: Optional[tuple]) -> Aliases:
    """The aliases of this run: the file given (then kept with the store), else the one kept there."""
    if given is not None:
        aliases, data = given
        writer.write_setting(ALIASES_FILE, data)
        return aliases
    name = os.path.join(store.location, ALIASES_FILE)
    try:
        data = store.setting(ALIASES_FILE)
        return Aliases.parse(data.decode("utf-8-sig"), name) if data is not None else Aliases()
    except (OSError, UnicodeDecodeError) as e:
        raise QuotesearchError(f"cannot read the aliases file {name}: {getattr(e, 'strerror', None) or e}") from None
    except ValueError as e:
        raise QuotesearchError(f"{e}; fix the aliases file") from None


# -- change detection ---------------------------------------------------------------

FRONT_DOORS = ("cli", "web", "evaluation", "api.py", "cluster.py", "__main__.py")  # what cannot change a statement


def extractor_fingerprint(aliases: Optional[Aliases] = None) -> str:
    """A hash of the package's code (every module, in every subpackage, but the front doors and
    evaluation), its word lists and the aliases: when one changes, unchanged files are indexed
    again. Paths are part of the hash, so moving code re-indexes too."""
    h = hashlib.sha256((aliases.fingerprint() if aliases else "").encode())
    for name, path in fingerprint_files():
        h.update(name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def fingerprint_files() -> list[tuple[str, Path]]:
    """(path inside the package, path) of every file the extractor fingerprint covers, sorted."""
    root = Path(__file__).resolve().parent
    files = [(p.relative_to(root).as_posix(), p) for p in root.rglob("*")
             if p.suffix in (".py", ".txt") and p.is_file() and "__pycache__" not in p.parts
             and p.relative_to(root).parts[0] not in FRONT_DOORS]
    return sorted(files)


def source_hash(article: Article, fingerprint: str = "") -> str:
    """The content hash of an article (its text and metadata) as extracted by the extractor of
    ``fingerprint``: 32 hex digits."""
    h = hashlib.sha256(fingerprint.encode())
    for value in (article.id, article.title, article.date, article.url, article.outlet):  # metadata too
        h.update(f"{value or ''}\0".encode("utf-8", errors="surrogatepass"))
    h.update(article.text.encode("utf-8", errors="surrogatepass"))
    return h.hexdigest()[:32]


def article_source(article: Article, digest: str = "", statements: int = 0) -> Source:
    """The ``Source`` record of an article: its id, metadata and content hash."""
    return Source(source=article.id, title=article.title, date=article.date, url=article.url,
                  outlet=article.outlet, path=article.path, statements=statements, source_hash=digest)


def default_extract(article: Article) -> list[Statement]:
    from .extraction import pipeline as extract_module  # looked up at call time, so tests can replace it

    return extract_module.extract(article)


# One item read, hashed and extracted: (name, source id or None, kind, data) where kind is
# read-error (data: message), duplicate, unchanged, failed (data: message) or ok (data: (article,
# digest, statements)). Made by _prepare, in a worker process or not; used by _Run.accept.
Prepared = tuple


def _prepare(item: Item, extract: Callable, known: dict, fingerprint: str, seen=()) -> Prepared:
    from .ingest.article import read_article
    from .ingest.read import ReadError

    name = _item_name(item)
    if isinstance(item, Skipped):
        return name, None, "read-error", item
    if isinstance(item, Exception):
        return name, None, "read-error", Skipped.from_error(name, item)
    try:
        article = item[0] if isinstance(item, tuple) else item
        article = article if isinstance(article, Article) else read_article(article)
    except ReadError as e:
        return name, None, "read-error", Skipped.from_error(name, e)
    if article.id in seen:
        return name, article.id, "duplicate", None
    digest = source_hash(article, fingerprint)
    if known.get(article.id) == digest:
        return name, article.id, "unchanged", None
    try:
        statements = list(item[1]) if isinstance(item, tuple) else list(extract(article))
    except Exception as e:  # an extractor bug must not lose the rest of the run
        return name, article.id, "failed", Skipped(name, f"extraction failed: {type(e).__name__}: {e}",
                                                   EXTRACTION_FAILED)
    repeated = _repeated_ids(statements)
    if repeated:  # the index keeps one document per id: refuse to lose a statement quietly
        return name, article.id, "failed", Skipped(
            name, f"extraction failed: internal error: {len(repeated)} statement id{'s' if len(repeated) > 1 else ''} "
                  f"given to several statements ({', '.join(repeated[:3])}); not indexed, please report it",
            EXTRACTION_FAILED)
    return name, article.id, "ok", (article, digest, statements)


EXTRACTION_FAILED = "extraction-failed"
SAME_ID = "same-id"


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
    from .extraction.pipeline import settle

    settle()  # a worker only extracts: NLTK's and the lexicons' long-lived objects out of the collector's way


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
    """The state of one index_articles call: what the store held, the aliases, quote groups, and
    the open batch, committed every ``batch_size`` documents."""

    def __init__(self, writer, extract: Callable, batch_size: int, aliases: Aliases):
        self.writer, self.extract, self.batch_size, self.aliases = writer, extract, batch_size, aliases
        self.known = writer.known_sources()  # the store as it was: what is unchanged
        self.groups = QuoteGroups(self._earlier_statements if self.known else None)
        self.fingerprint = extractor_fingerprint(aliases)
        self.summary, self.seen, self.speakers = IndexSummary(), {}, set()
        self.touched, self.written = set(), set()  # speaker keys and sources this run wrote
        self.shared = set()  # speaker keys seen with statements of sources this run had not written (yet)
        self.others = False  # another run committed during this one
        self.pending, self.batch = 0, False

    def _begin_batch(self) -> None:
        """Take the write lock; if another run committed since this one last looked, read quote groups
        from the store as committed now: a group looked up before the lock, in a store another run
        has changed since, splits wire copies."""
        if self.writer.refresh():
            self.groups = QuoteGroups(self._earlier_statements)
            self.others = True
        self.batch = True

    def _earlier_statements(self, key: str) -> Iterator[tuple[str, str]]:
        """(text, quote_group) of the committed statements of one speaker key, in reading order."""
        for st in self.writer.statements_of_speaker(key):
            if st.source not in self.written:
                self.shared.add(key)
            yield st.text, st.quote_group

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
            return self._error(Skipped(name, f"same source id {source!r} as {self.seen[source]}; skipped", SAME_ID))
        self.seen[source] = name
        if kind == "unchanged":
            self.summary.skipped += 1
            return "unchanged"
        if kind == "failed":
            return self._error(data)
        article, digest, statements = data
        if article.encoding and not article.encoding.startswith(("utf-8", "ascii")):
            self.summary.encodings.append(f"{name}: read as {article.encoding}")
        if not self.batch:
            self._begin_batch()
        for st in statements:
            st.speaker_key = folded_speaker_key(st.speaker, st.speaker_type, article.id, self.aliases)
            st.quote_group = self.groups.assign(st.speaker_key, st.text, article.id)
        self.writer.replace_source(article_source(article, digest, len(statements)), statements)
        self.pending += len(statements) + 1
        self.summary.files += 1
        self.summary.statements += len(statements)
        self.speakers.update(st.speaker_key for st in statements)
        self.touched.update(st.speaker_key for st in statements if st.speaker_key)
        self.written.add(article.id)
        if self.pending >= self.batch_size:
            self.commit()
        return "indexed"

    def mend_groups(self) -> None:
        """Regroup the statements of the speaker keys this run wrote, over the whole committed store in
        reading order (groups.regroup), and rewrite the sources whose groups change: quote groups split
        by runs that did not see each other (older versions looked groups up before taking the lock)
        become one again. A no-op when nothing is split.

        Only keys that also have statements of sources stored before this run and not written again
        can be split, as what this run wrote was grouped under the lock (so in a fresh store, or
        when every source was written again, there are none). Unless another run committed
        meanwhile, those keys were seen with such statements when their groups were loaded."""
        if not self.touched or not self.known.keys() - self.written:
            return
        self._begin_batch()
        regrouped: dict[str, str] = {}  # statement id -> its new group
        sources = set()
        for key in sorted(self.touched if self.others else self.touched & self.shared):
            statements = list(self.writer.statements_of_speaker(key))
            if all(st.source in self.written for st in statements):
                continue
            for st, group in zip(statements, regroup(key, [(st.text, st.quote_group) for st in statements])):
                if group != st.quote_group:
                    regrouped[st.id] = group
                    sources.add(st.source)
        for source_id in sorted(sources):  # none: the commit only releases the lock
            found = self.writer.statements_of_source(source_id)
            if found is None:
                continue
            source, statements = found
            for st in statements:
                st.quote_group = regrouped.get(st.id, st.quote_group)
            self.writer.replace_source(source, statements)
        self.commit()
        self.summary.regrouped = len(regrouped)

    def _error(self, skipped: Skipped) -> str:
        self.summary.skipped_inputs.append(skipped)
        return "error"

    def commit(self) -> None:
        self.writer.commit()
        self.pending, self.batch = 0, False

    def finish(self) -> IndexSummary:
        summary = self.summary
        summary.speakers = len(self.speakers - {""})
        summary.total_sources, summary.total_statements = self.writer.totals()
        return summary


def _report(progress: Optional[Progress], name: str, status: str) -> None:
    if progress is not None:
        progress(name, status)
