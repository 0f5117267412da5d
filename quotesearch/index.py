"""The whoosh index: schema, schema version, opening and locking, documents, reading order.

Every source (article) gets one marker document (``doctype=source``) holding its
title, path, content hash and statement count, plus one document per statement
(``doctype=statement``). Writing them, one run at a time, is writer.py's.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
import warnings
from array import array
from pathlib import Path
from typing import Iterator, Optional, Union

from .records import STATEMENT_FIELDS, Article, Statement
from .speakers import Aliases, fold


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
    from whoosh.reading import TermNotFound


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


def docs_with_term(searcher, fieldname: str, text: str) -> list[int]:
    """The live documents holding one term, read from its posting list: a hundredth of the time
    whoosh's ``document_numbers``/``document`` take, which run a search."""
    try:
        return list(searcher.reader().postings(fieldname, text).all_ids())
    except TermNotFound:
        return []


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


def lock_index(index_dir: Path, timeout: float):
    """The index's write lock, acquired (what a writer holds); call ``release()`` when done."""
    lock = FileStorage(str(index_dir)).lock(WRITELOCK)
    _acquire(lock, timeout, index_dir)
    return lock


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

NOT_EXTRACTION = {"cli.py", "output.py", "search.py", "index.py", "writer.py", "evaluate.py", "gold.py", "__main__.py"}


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
