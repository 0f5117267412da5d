"""Extraction on a Dask cluster: ``index --dask tcp://HOST:8786`` (a running scheduler) or
``--dask local[:N]`` (a LocalCluster of N worker processes, one thread each, on this machine).

The inputs are cut into tasks: several article files to a task (about ``TASK_BYTES`` of them),
and plain JSON Lines archives into ranges of whole records (byte offsets found by one pass over
the lines here; a worker reads only its range). Archives that cannot be entered in the middle
(compressed, CSV, JSON, standard input) are read here and their articles sent to the workers in
tasks of the same size. Workers read, hash and extract (indexer._prepare, as a --jobs worker does);
this process writes what they send back through the one store writer, in input order, as
indexer._parallel does: statement ids, speaker keys and quote groups are those of ``--jobs 1``
whatever the number of workers or the order they finish in. At most ``window`` tasks are in flight
(a few per worker thread); a task's result is let go of once written. A task of files or articles
carries the content hashes the store holds for their ids (to skip the unchanged); ranges, whose ids
are known only once read, share one copy of them all, sent to the cluster once.

A worker that dies mid-task is replaced (by its nanny) and the scheduler runs its tasks again
elsewhere; as only the results this process takes are written, every statement is written once.
A task whose workers died ``distributed.scheduler.allowed-failures`` times (default 3) ends the
run with a one-line error.

Workers read the input files themselves: on several machines, the inputs must be at the same
path on each (a shared folder). They take this process's QUOTESEARCH_ environment variables (the
size limits of ingest) for a run's tasks, so that they read as it would. Dask is imported here only
when a run uses it.
"""
from __future__ import annotations

import collections
import contextlib
import dataclasses
import os
import time
import uuid
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from .errors import QuotesearchError

TASK_BYTES = 256 * 1024  # bytes of text (files' sizes, records' lines) per task: a second or less of extraction
TASK_ITEMS = 64  # articles per task at most
INSTALL = "pip install 'quotesearch[dask]'"
LOCAL = "local"

TaskProgress = Callable[[int, Optional[int], int, float], None]  # (done, total or None, statements, seconds)


def parse_spec(spec: str) -> tuple[Optional[int], Optional[str]]:
    """(local workers, None) for ``local`` / ``local:N``, (None, address) for a scheduler's address.
    Raises ValueError for ``local:`` with no whole number of one or more."""
    spec = spec.strip()
    if spec == LOCAL:
        return os.cpu_count() or 1, None
    if spec.startswith(LOCAL + ":"):
        n = spec[len(LOCAL) + 1:]
        if not n.isdigit() or int(n) < 1:
            raise ValueError(f"{spec!r}: local:N needs a number of worker processes of 1 or more (local:2)")
        return int(n), None
    if not spec:
        raise ValueError("no scheduler address (tcp://HOST:8786, or local[:N])")
    return None, spec


def _import():
    try:
        import distributed
    except ImportError:
        raise QuotesearchError(f"extraction on a Dask cluster needs Dask, which is not installed: {INSTALL}") from None
    return distributed


@contextlib.contextmanager
def connect(spec) -> Iterator:
    """A ``distributed.Client`` for ``spec``: a scheduler's address, ``local[:N]``, or a Client
    (used as it is, left open). A scheduler that cannot be reached, or has no workers, or whose
    workers run other quotesearch code, is a QuotesearchError."""
    if not isinstance(spec, str):  # a Client already
        _check_workers(spec, getattr(spec.scheduler, "address", None) or "the Dask cluster")
        yield spec
        return
    local, address = parse_spec(spec)
    distributed = _import()
    with contextlib.ExitStack() as stack:
        stack.enter_context(_quiet_client_log())
        stack.enter_context(_quiet_interrupted_cancel())
        if local:
            cluster = stack.enter_context(distributed.LocalCluster(
                n_workers=local, threads_per_worker=1, processes=True, dashboard_address=":0",
                preload=[__name__]))  # dask_setup below
            client = stack.enter_context(distributed.Client(cluster))
        else:
            try:
                _probe(address)
                client = distributed.Client(address)
            except (OSError, ValueError, TypeError) as e:
                raise QuotesearchError(
                    f"cannot reach the Dask scheduler at {address} ({_one_line(e)}); is `dask scheduler` running "
                    "there? Give its address as tcp://HOST:8786, or --dask local for workers on this machine"
                ) from None
            stack.enter_context(client)
        _check_workers(client, address or LOCAL)
        yield client


def dask_setup(worker) -> None:
    """Run by each worker process of a ``local`` cluster as it starts (Dask's preload): Ctrl-C in a
    terminal reaches these processes too, and is for the command, which stops the cluster (a worker
    that took it would print a traceback), as --jobs workers ignore it. The warning a worker logs for
    each task cut short by that stop (``… ended with CancelledError``, only ever logged while a worker
    closes) is left out too, and so is the error with a traceback a worker logs when its heartbeat
    finds the scheduler gone (a local cluster's scheduler lives in the command: it is stopping)."""
    import logging
    import signal

    with contextlib.suppress(ValueError):  # not the main thread: a worker of a threads-only cluster
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.getLogger("distributed.worker.state_machine").addFilter(
        lambda record: not record.getMessage().endswith("ended with CancelledError"))
    logging.getLogger("distributed.worker").addFilter(
        lambda record: not record.getMessage().startswith("Failed to communicate with scheduler during heartbeat"))


@contextlib.contextmanager
def _quiet_client_log():
    """The Dask client logs a traceback per failed attempt to reach a lost scheduler; what went wrong
    reaches the user as one QuotesearchError instead."""
    import logging

    log = logging.getLogger("distributed.client")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        log.setLevel(level)


@contextlib.contextmanager
def _quiet_interrupted_cancel():
    """Ctrl-C while the command waits on Dask: distributed's ``sync`` asks its event loop to cancel
    what it was waiting for, and when the key came before that existed, the cancelling fails itself
    (a NameError about ``future``), which tornado logs with a traceback on the command's terminal.
    The command is stopping anyway (exit 130): that one record is left out, no other."""
    import logging

    def keep(record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not (isinstance(error, NameError) and "sync.<locals>.cancel" in record.getMessage())

    log = logging.getLogger("tornado.application")
    log.addFilter(keep)
    try:
        yield
    finally:
        log.removeFilter(keep)


def _probe(address: str) -> None:
    """Raise OSError at once for a TCP address that refuses connections or names no host (Dask
    itself tries again until its connect timeout, 30 s by default)."""
    import socket

    from distributed.comm import parse_address
    from distributed.comm.addressing import parse_host_port

    scheme, location = parse_address(address)
    if scheme != "tcp":
        return
    host, port = parse_host_port(location, 8786)
    try:
        socket.create_connection((host, port), timeout=5).close()
    except (ConnectionRefusedError, socket.gaierror) as e:
        raise OSError(f"{host}:{port}: {getattr(e, 'strerror', None) or e}") from None
    except OSError:
        pass  # slow or filtered: Dask says more once it gives up


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return text or type(e).__name__


def _check_workers(client, address: str) -> None:
    """Wait a while for a worker; check that every worker runs this machine's extractor."""
    import dask

    if not client.scheduler_info().get("workers"):
        timeout = dask.config.get("distributed.comm.timeouts.connect")
        try:
            client.wait_for_workers(1, timeout=timeout)
        except (TimeoutError, OSError):
            raise QuotesearchError(f"the Dask scheduler at {address} has no workers; start some with "
                                   f"`dask worker {address}` on the machines that are to extract") from None
    try:
        theirs = client.run(code_fingerprint)
    except (ImportError, AttributeError) as e:
        raise QuotesearchError(f"the Dask workers cannot run quotesearch ({_one_line(e)}); "
                               f"{INSTALL} on every worker machine") from None
    ours = code_fingerprint()
    for worker, fingerprint in sorted(theirs.items()):
        if fingerprint != ours:
            raise QuotesearchError(f"the Dask worker {worker} runs other quotesearch code than this machine; "
                                   "install the same version of quotesearch on every worker machine")


def code_fingerprint() -> str:
    """The extractor's code as this process has it (indexer.extractor_fingerprint without aliases)."""
    from .indexer import extractor_fingerprint

    return extractor_fingerprint()


# -- the tasks ------------------------------------------------------------------------

@dataclasses.dataclass
class _Range:
    """Records ``first``... of the plain JSON Lines archive ``name``: bytes ``start`` to ``end``."""

    name: str       # as given (Skipped names, article paths)
    path: str       # absolute: what a worker opens
    scope: Optional[str]
    first: int
    start: int
    end: int
    last: bool      # the archive's last range


def plan(items, task_bytes: int) -> tuple[Iterator, Optional[int]]:
    """(the tasks of ``items`` in input order, their number when known before reading): a task is a
    list of items (files, Articles, Skipped ...) or a _Range. An ``Inputs`` is cut as the module's doc
    says; any other iterable of items into lists as it comes."""
    from .ingest.archive import is_archive
    from .ingest.inputs import Inputs, items as input_items

    if not isinstance(items, Inputs):
        return _chunks(items, task_bytes), None
    parts, streams = [], items.stdin is not None
    for f in items.files:
        ranges = None if f.skip else _ranges(f, items.global_ids, task_bytes)
        parts.append(ranges if ranges is not None else f)
        streams = streams or (ranges is None and not f.skip and is_archive(f.path))

    def each() -> Iterator:
        for part in parts:
            if isinstance(part, list):
                yield from part
            else:  # a file, or an archive read here
                yield from input_items([part], None, items.global_ids)
        if items.stdin is not None:
            yield from input_items([], items.stdin, items.global_ids)

    tasks = _chunks(each(), task_bytes)
    if streams:
        return tasks, None
    tasks = list(tasks)
    return iter(tasks), len(tasks)


def _ranges(f, global_ids: bool, task_bytes: int) -> Optional[list[_Range]]:
    """The ranges of a plain (uncompressed) JSON Lines archive not larger than an archive may be,
    each about ``task_bytes`` long and ending at a line's end; None for any other file."""
    from .ingest.archive import _split_name, max_archive_bytes

    _, kind, comp = _split_name(Path(f.path).name)
    if kind not in (".jsonl", ".ndjson") or comp:
        return None
    path = os.path.abspath(f.path)
    try:
        size = os.path.getsize(path)
        if size > max_archive_bytes():
            return None  # read here, where it stops at the limit as it does with --jobs
        with open(path, "rb") as data:
            if data.read(2) in (b"\xff\xfe", b"\xfe\xff"):
                return None  # UTF-16: refused as a whole, as with --jobs
            data.seek(0)
            cuts = _cuts(data, task_bytes)
    except OSError:
        return None  # read here, which says why
    scope = None if global_ids else f.id
    ranges = [_Range(str(f.path), path, scope, first, start, end, False) for first, start, end in cuts]
    if not ranges:
        return None
    ranges[-1].last = True
    return ranges


def _cuts(data, task_bytes: int) -> list[tuple[int, int, int]]:
    """(number of the first record, start, end) of each range of the lines of ``data``. Records are
    numbered as archive.read_archive numbers them: the lines that are not blank (one too long to read
    is counted there too, and skipped)."""
    cuts, records, first, start, pos = [], 0, 1, 0, 0
    content = False
    while piece := data.readline(1 << 20):
        pos += len(piece)
        content = content or not piece.isspace()
        if not piece.endswith(b"\n"):
            continue
        if content:
            records += 1
        content = False
        if pos - start >= task_bytes:
            cuts.append((first, start, pos))
            first, start = records + 1, pos
    if pos > start:
        cuts.append((first, start, pos))
    return cuts


def _size(item) -> int:
    from .models import Article

    if isinstance(item, tuple):
        item = item[0]
    if isinstance(item, Article):
        return len(item.text)
    if isinstance(item, (str, os.PathLike)):
        try:
            return os.path.getsize(item)
        except OSError:
            return 0
    return 0


def _chunks(items: Iterable, task_bytes: int) -> Iterator:
    """Items in lists of about ``task_bytes`` (TASK_ITEMS at most); a _Range alone."""
    chunk, size = [], 0
    for item in items:
        if isinstance(item, _Range):
            if chunk:
                yield chunk
                chunk, size = [], 0
            yield item
            continue
        chunk.append(item)
        size += _size(item)
        if size >= task_bytes or len(chunk) >= TASK_ITEMS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


# -- on a worker ----------------------------------------------------------------------

class _RawSkips:
    """The skipped records of a range, as (number, code, message), to count with the other ranges'."""

    def __init__(self):
        self.records: list[tuple] = []

    def add(self, n: int, code: str, message: str) -> None:
        self.records.append((n, code, message))

    def __iter__(self):
        return iter(())


class _Window:
    """The bytes of an open file from where it stands, ``size`` of them at most."""

    def __init__(self, f, size: int):
        self.f, self.left = f, size

    def read(self, n: int = -1) -> bytes:
        n = self.left if n is None or n < 0 else min(n, self.left)
        data = self.f.read(n) if n else b""
        self.left -= len(data)
        return data

    read1 = read


SETTINGS = "QUOTESEARCH_"  # environment variables that change what is read (QUOTESEARCH_MAX_FILE_MB ...)


def settings() -> dict:
    """This process's QUOTESEARCH_ environment variables, which the workers take for a run's tasks."""
    return {k: v for k, v in os.environ.items() if k.startswith(SETTINGS)}


def _take(given: dict) -> None:
    for k in [k for k in os.environ if k.startswith(SETTINGS) and k not in given]:
        del os.environ[k]
    os.environ.update(given)


def work(task, extract: Callable, known: dict, fingerprint: str, cwd: str, env: Optional[dict] = None) -> tuple:
    """Run on a worker: (prepared items, skipped records of a range, the Skipped of a range that
    could not be read, or None). ``cwd`` is the client's folder, against which relative paths are read;
    ``env`` its QUOTESEARCH_ settings (limits), which the worker takes as its own."""
    from .models import Skipped

    if env is not None:
        _take(env)
    if not isinstance(task, _Range):
        return [_prepare(item, extract, known, fingerprint, cwd) for item in task], [], None
    from .ingest.archive import read_archive
    from .ingest.read import ReadError

    out, skips = [], _RawSkips()
    try:
        try:
            f = open(task.path, "rb")
        except OSError as e:
            raise ReadError(f"{task.name}: {e.strerror or e}") from None
        with f:
            f.seek(task.start)
            for item in read_archive(task.name, stream=_Window(f, task.end - task.start), scope=task.scope,
                                     first=task.first, skips=skips):
                out.append(_prepare(item, extract, known, fingerprint, cwd))
    except ReadError as e:
        return out, skips.records, Skipped.from_error(task.name, e)
    return out, skips.records, None


def _prepare(item, extract: Callable, known: dict, fingerprint: str, cwd: str) -> tuple:
    """indexer._prepare on a worker, with a relative path read against ``cwd`` (and named as given),
    and without the article's text, which the writer does not need."""
    from .indexer import _item_name, _prepare as prepare
    from .ingest.read import ArticleFile
    from .models import Skipped

    shown = None  # a relative path as the reader shows it
    path = item.path if isinstance(item, ArticleFile) else item if isinstance(item, (str, os.PathLike)) else None
    if path is not None and not os.path.isabs(path):
        given, shown, absolute = _item_name(item), str(Path(path)), str(Path(cwd) / path)
        item = dataclasses.replace(item, path=Path(absolute)) if isinstance(item, ArticleFile) else absolute
    name, source, kind, data = prepare(item, extract, known, fingerprint)
    if shown is not None:
        name = given
        if isinstance(data, Skipped):
            data = dataclasses.replace(data, name=given if data.name == absolute else data.name,
                                       message=data.message.replace(absolute, shown))
    if kind == "ok":
        article, digest, statements = data
        data = (dataclasses.replace(article, text="", paragraphs=[], path=shown or article.path), digest, statements)
    return name, source, kind, data


# -- in this process ------------------------------------------------------------------

def run_on_dask(run, items, spec, task_bytes: Optional[int] = None,
                progress: Optional[TaskProgress] = None) -> Iterator[tuple[str, str]]:
    """(name, status) per item, in input order, as indexer._parallel gives them: workers of the
    cluster ``spec`` (connect) prepare, ``run`` (indexer._Run) writes here."""
    from .ingest.archive import _Skips

    distributed = _import()
    task_bytes = task_bytes or TASK_BYTES
    with connect(spec) as client:
        tag = uuid.uuid4().hex[:8]
        address = getattr(client.scheduler, "address", None)
        known = None  # the store's content hashes, sent once to the cluster when a range needs them
        cwd, env = os.getcwd(), settings()
        tasks, total = plan(items, task_bytes)
        pending: collections.deque = collections.deque()
        done, submitted, t0 = 0, 0, time.monotonic()
        archive = None  # (name, its _Skips, a read error stopped it) of the ranged archive being written
        window = _window(client)
        while True:
            while len(pending) < window:
                task = next(tasks, None)
                if task is None:
                    total = submitted  # all are known now
                    break
                hashes = _known_of(task, run.known)
                if hashes is None:
                    if known is None:  # a task the scheduler can run again if the worker holding it dies
                        known = client.submit(_known, run.known, key=f"quotesearch-known-{tag}", pure=False)
                    hashes = known
                try:
                    future = client.submit(work, task, run.extract, hashes, run.fingerprint, cwd, env,
                                           key=f"quotesearch-extract-{tag}-{submitted}", pure=False)
                except distributed.client.ClosedClientError as e:
                    raise _lost(address, e) from None
                pending.append((task, future))
                submitted += 1
            if not pending:
                break
            task, future = pending.popleft()
            prepared, skipped, error = _result(future, spec, address)
            del future
            if isinstance(task, _Range):
                if archive is None or archive[0] != task.name:
                    archive = [task.name, _Skips(task.name), False]
                if not archive[2]:
                    yield from run.accept_all(prepared)
                    for record in skipped:
                        archive[1].add(*record)
                    if error is not None or task.last:
                        archive[2] = True
                        yield from run.accept_all([(s.name, None, "read-error", s) for s in archive[1]])
                        if error is not None:
                            yield error.name, run.accept((error.name, None, "read-error", error))
            else:
                yield from run.accept_all(prepared)
            done += 1
            if progress is not None:
                progress(done, total, run.summary.statements, time.monotonic() - t0)
            if done % 16 == 0:
                window = _window(client)  # workers come and go
        del known


def _known(known: dict) -> dict:
    return known


def _known_of(task, known: dict) -> Optional[dict]:
    """The content hashes in ``known`` of the sources of a list of items, whose ids are known before
    they are read (files, Articles); None for a range of an archive, whose ids are not."""
    from .ingest.read import ArticleFile, article_id
    from .models import Article

    if isinstance(task, _Range):
        return None
    ids = []
    for item in task:
        if isinstance(item, tuple):
            item = item[0]
        if isinstance(item, (ArticleFile, Article)):
            ids.append(item.id)
        elif isinstance(item, (str, os.PathLike)):
            ids.append(article_id(Path(item)))  # a file read alone
    return {i: known[i] for i in ids if i in known}


def _window(client) -> int:
    """Tasks in flight at most: three per worker thread, and a few more."""
    threads = sum(client.nthreads().values()) or 1
    return 3 * threads + 2


def _lost(address: Optional[str], e: Exception) -> QuotesearchError:
    where = f" at {address}" if address else ""
    reason = getattr(e, "reason", None) or _one_line(e)[:200]
    return QuotesearchError(f"lost the Dask scheduler{where} ({reason}); what this run committed stays: "
                            "run it again once the scheduler is back (unchanged articles are skipped)")


def _result(future, spec, address: Optional[str]) -> tuple:
    """The task's result; a QuotesearchError for a task the cluster gave up on, or a lost scheduler."""
    from concurrent.futures import CancelledError

    from distributed.scheduler import KilledWorker

    try:
        return future.result()
    except KilledWorker as e:
        import dask

        failures = dask.config.get("distributed.scheduler.allowed-failures")
        raise QuotesearchError(
            f"a Dask task was given up after {failures + 1} workers died running it "
            f"(distributed.scheduler.allowed-failures is {failures}); see the workers' logs, they may have run "
            f"out of memory ({_one_line(e)[:200]})") from None
    except QuotesearchError:
        raise
    except CancelledError as e:  # the scheduler went away, or the client was closed
        raise _lost(address, e) from None
    except Exception as e:
        where = spec if isinstance(spec, str) else "the Dask cluster"
        raise QuotesearchError(f"a task failed on {where}: {type(e).__name__}: {_one_line(e)[:300]}") from None
