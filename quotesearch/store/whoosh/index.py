"""The whoosh index: schema, schema version, opening and locking, documents, reading order.

Every source (article) gets one marker document (``doctype=source``) holding its
title, path, content hash and statement count, plus one document per statement
(``doctype=statement``). Writing them, one run at a time, is writer.py's.
"""
from __future__ import annotations

import contextlib
import bisect
import io
import itertools
import json
import os
import pickle
import re
import struct
import tempfile
import time
import warnings
import zlib
from array import array
from pathlib import Path
from typing import Collection, Iterator, Optional, Union

from ...errors import IndexLocked, NoIndex, QuotesearchError, SchemaMismatch  # noqa: F401
from ...models import STATEMENT_FIELDS, Source, Statement


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
    from whoosh import columns, formats
    from whoosh.columns import NumericColumn
    from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
    # modules whoosh imports lazily while searching: load them here, quietly (writing's: writer.py)
    import whoosh.automata.lev, whoosh.classify, whoosh.codec.whoosh3, whoosh.collectors  # noqa: E401,F401
    import whoosh.filedb.compound, whoosh.scoring, whoosh.searching, whoosh.sorting  # noqa: E401,F401
    from whoosh.codec import whoosh3
    from whoosh.filedb import compound, structfile
    from whoosh.reading import TermNotFound
    from whoosh.matching import ListMatcher
    from whoosh.matching.wrappers import FilterMatcher
    from whoosh import scoring
    from whoosh.util.numeric import byte_to_length


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


# -- short posting lists inlined in the term table --------------------------------------
#
# whoosh's postings writer can keep a term's postings in its entry of the term table instead of a
# block of the postings file (no block header, pickle and zlib call per term: most terms of a
# statement index have one or two postings, its id and quote group always). whoosh 2.7.5 calls
# ``set_inline`` on the term info, whose method is ``set_inlined``: its default ``inlinelimit=1``
# (never inline) is what kept that from failing. Readers have always read inlined postings.

INLINE_LIMIT = 3  # posting lists shorter than this are inlined


class _InlinedPostings(ListMatcher):
    """whoosh's matcher over inlined postings, whose ``value()`` is None for a field that keeps no
    values, as the matcher over a block gives (whoosh's gives '', which merging segments refuses),
    and whose copies keep the term."""

    def value(self):
        return super().value() if self._values else None

    def copy(self):
        other = super().copy()
        other._term, other._terminfo = self._term, self._terminfo
        return other


def _patch_whoosh_inline_postings() -> None:
    codec = whoosh3.W3Codec
    if getattr(codec, "_quotesearch_patched", False):
        return
    whoosh3.W3TermInfo.set_inline = whoosh3.W3TermInfo.set_inlined
    original = codec.postings_reader

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            return _InlinedPostings(ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo)
        return original(self, dbfile, terminfo, format_, term=term, scorer=scorer)

    codec.postings_reader = postings_reader
    codec._quotesearch_patched = True


_patch_whoosh_inline_postings()


# -- whoosh's AND NOT checks its first match --------------------------------------------
#
# whoosh 2.7.5's AndNotMatcher leaves out its first match only when the excluded list starts at
# that very document: when the excluded list starts earlier, the first match is kept though it is
# excluded. Statements are taken from the index as (query) AND NOT doctype:source: a segment whose
# first match was a source marker (an article without statements, after another article's marker)
# gave that marker as a hit (no id, no text) and counted it.

def _patch_whoosh_and_not() -> None:
    from whoosh.matching.binary import AndNotMatcher

    def _find_first(self):
        if self.a.is_active() and self.b.is_active():
            self._find_next()  # (moves the excluded list up to the first match before comparing)

    AndNotMatcher._find_first = _find_first


_patch_whoosh_and_not()


# Postings per block: searches read whole posting lists (ranking.py, read_postings), and each block
# costs a header, a decompression and an unpickling (whoosh's default, 128, made a filter matching a
# third of the index read 420 blocks).
BLOCK_POSTINGS = 1024


def writer_codec():
    """The codec a writer writes new segments with (merged ones too). Without ``length_stats``
    whoosh does not read every posting's field length back from the segment it is writing, to keep
    the shortest and longest per block: those only bound scores for skipping blocks, which searches
    here never do (store.py's _CountingTop); unknown bounds skip nothing. Blocks hold up to
    ``BLOCK_POSTINGS`` postings."""
    codec = whoosh3.W3Codec(blocklimit=BLOCK_POSTINGS, inlinelimit=INLINE_LIMIT)
    codec.length_stats = False
    return codec


# -- blocks of postings pickled with protocol 5 ----------------------------------------
#
# whoosh 2.7.5 pickles each block of postings (document numbers, weights, each posting's encoded
# word positions) with protocol 2, which stores bytes as a call of _codecs.encode on a str: reading
# a block of 128 postings of a text field made 128 such calls (27 µs a block; 7 µs at protocol 5),
# and writing it took 34 µs (4 µs), for a pickle two fifths larger. Readers read either protocol:
# indexes written before read as they did.

BLOCK_PICKLE_PROTOCOL = 5


def _pickle_block(obj, protocol=None) -> bytes:
    return pickle.dumps(obj, BLOCK_PICKLE_PROTOCOL)


def _patch_whoosh_block_pickles() -> None:
    """What whoosh's postings writer pickles (blocks, block headers, inlined postings) is pickled
    at ``BLOCK_PICKLE_PROTOCOL`` (the name its module imported)."""
    whoosh3.dumps = _pickle_block


_patch_whoosh_block_pickles()


# -- segment files stay memory-mapped -------------------------------------------------
#
# whoosh maps a segment's compound file (.seg) and hands out each part of it (terms, postings,
# columns, stored fields) as a BufferFile, which wraps the part in an io.BytesIO: that copies the
# whole part into the heap, so an opened index sat in memory twice (the mapping, and the copy).
# Here the parts are read through the mapping; whoosh reads most of them by position (``get``),
# which slices the mapping already, and this file object serves its stream reads.

class _MappedReader(io.RawIOBase):
    """A read-only, seekable file over a memoryview: reads copy only what they return."""

    def __init__(self, buf):
        super().__init__()
        self._buf = buf
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: len(self._buf)}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def read(self, size: int = -1) -> bytes:
        start = self._pos
        end = len(self._buf) if size is None or size < 0 else min(len(self._buf), start + size)
        self._pos = max(start, end)
        return bytes(self._buf[start:end])

    def readinto(self, b) -> int:
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)

    def readline(self, size: int = -1) -> bytes:
        end = len(self._buf) if size is None or size < 0 else min(len(self._buf), self._pos + size)
        line, pos = b"", self._pos
        while pos < end:  # in steps: never the rest of the file at once
            chunk = bytes(self._buf[pos:min(end, pos + 256)])
            newline = chunk.find(b"\n")
            if newline >= 0:
                chunk = chunk[:newline + 1]
            line += chunk
            pos += len(chunk)
            if newline >= 0:
                break
        self._pos = pos
        return line


class _MappedBufferFile(structfile.BufferFile):
    def __init__(self, buf, name=None, onclose=None):
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = _MappedReader(buf)

    def read_pickle(self):
        """The pickle at the current position, read from a copy of the bytes that follow (the
        unpickler calls a Python file's read for every few bytes: a posting block's header is one),
        or from the file itself when it is longer than that."""
        reader = self.file
        start = reader.tell()
        head = io.BytesIO(self._buf[start:start + 512])
        try:
            value = _load_pickle(head)
        except (EOFError, pickle.UnpicklingError):
            reader.seek(start)
            return _load_pickle(reader)
        reader.seek(start + head.tell())
        return value


def _keep_segments_mapped() -> None:
    """The parts of a compound segment file are opened as ``_MappedBufferFile`` (the name whoosh's
    CompoundStorage.open_file calls)."""
    compound.BufferFile = _MappedBufferFile


_keep_segments_mapped()


# -- an index folder is data, never code ---------------------------------------------
#
# whoosh keeps the list of segments in its table of contents as a pickle, and some parts of
# segment files too (block headers, inlined postings, stored fields). Unpickling runs whatever
# a pickle names: a crafted index would run code on `quotesearch search`. Every pickle whoosh
# reads is read here instead, allowing only the classes an index legitimately holds; the schema
# (the largest pickle, analyzers and all) is never read: quotesearch passes its own.

PICKLE_ALLOWED = frozenset({
    ("whoosh.codec.whoosh3", "W3Codec"), ("whoosh.codec.whoosh3", "W3Segment"),  # the segment list
    ("collections", "defaultdict"),  # a segment's field lengths
    *((module, name) for module in ("builtins", "__builtin__") for name in ("int", "set", "frozenset")),
    ("__builtin__", "long"),  # pickles of protocol 2 name builtins this way
})


def _latin1_bytes(text: str, encoding: str = "latin1", errors: str = "strict") -> bytes:
    """What protocol 2 pickles of bytes call (``_codecs.encode(text, 'latin1')``), for that encoding
    alone (other codecs decompress or transform data)."""
    if encoding not in ("latin1", "latin-1") or errors != "strict":
        raise pickle.UnpicklingError(f"_codecs.encode to {encoding!r} is not something an index holds")
    return text.encode("latin-1")


class _IndexUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) == ("_codecs", "encode"):
            return _latin1_bytes
        if (module, name) not in PICKLE_ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not something an index holds")
        return super().find_class(module, name)


def _load_pickle(file):
    return _IndexUnpickler(file).load()


# A pickle of a list of ints and nothing else, as whoosh writes a posting's word positions (protocol 2:
# the list, then its items, one appended alone or a batch of them after a MARK): each opcode here
# fixes its own length, so a full match is the one way the bytes read, none of them can name a
# class or call anything, and every int is appended and every MARK closed (one list, nothing left).
_INT_LIST = re.compile(rb"\x80\x02\](?:q.)?(?:(?:K.|M..|J....)a|\((?:K.|M..|J....)*e)*\.", re.S)


def word_positions(field_format, values: list) -> list[list[int]]:
    """The word positions of each of ``values`` (encoded postings of a field of ``field_format``),
    as whoosh's ``decode_positions`` gives them. For whoosh's Positions format (the count of
    positions in 4 bytes, then a pickle of their differences) every pickle is read in one call:
    a phrase query decodes the positions of thousands of postings, 1.5 µs each one by one. Each
    value is checked alone (a check of the joined bytes let a value with no list, or two, or one
    ending inside an opcode, shift the positions of the values after it onto other postings)."""
    if type(field_format) is formats.Positions and values:
        one_list = _INT_LIST.fullmatch
        if all([one_list(value, 4) for value in values]):
            # a MARK, the lists one after the other (each without its protocol and STOP), LIST, STOP
            data = b"\x80\x02(" + b"".join([value[6:-1] for value in values]) + b"l."
            return [list(itertools.accumulate(deltas)) for deltas in pickle.loads(data)]
    return [field_format.decode_positions(value) for value in values]


def _loads_pickle(data):
    if _INT_LIST.fullmatch(data):  # pickle's own loads (a word's positions: the most frequent load)
        return pickle.loads(data)
    # a buffered file: the unpickler reads ahead from it (one call per opcode from a BytesIO: 3x the time)
    return _IndexUnpickler(io.BufferedReader(io.BytesIO(data))).load()


def _restrict_whoosh_pickles() -> None:
    """Point every pickle load whoosh makes from index files at ``_IndexUnpickler``: the names
    its modules imported (StructFile.read_pickle, whoosh3's postings and terms, stored-field
    columns, word positions), and no table-of-contents formats older than whoosh 2.7's (the loader of format
    -110 unpickles its schema without limits; quotesearch never wrote one)."""
    structfile.load_pickle = _load_pickle
    whoosh3.loads = _loads_pickle
    columns.loads = _loads_pickle
    formats.loads = _loads_pickle  # word positions (phrase queries)
    whoosh_index.toc_loaders.clear()


_restrict_whoosh_pickles()

# what reading a damaged segment file raises deep inside whoosh
DAMAGE = (zlib.error, struct.error, EOFError, pickle.UnpicklingError, UnicodeDecodeError)


# -- files in the index folder: created new, never through a planted link ------------

_UMASK = os.umask(0)
os.umask(_UMASK)


class IndexStorage(FileStorage):
    """whoosh's FileStorage for a folder another user may have planted links in: every file is
    created new (O_EXCL: a link at the name is not followed; it is removed, and the file made
    again), and a link at a lock file's name is removed before the lock opens it."""

    def create_file(self, name, excl=False, mode="wb", **kwargs):
        try:
            f = super().create_file(name, excl=True, mode=mode, **kwargs)
        except FileExistsError:
            os.unlink(self._fpath(name))  # a link or a leftover at a name whoosh chose to be new
            f = super().create_file(name, excl=True, mode=mode, **kwargs)
        os.fchmod(f.file.fileno(), 0o666 & ~_UMASK)  # os.open's default would make it executable
        return f

    def lock(self, name):
        path = self._fpath(name)
        if os.path.islink(path):
            os.unlink(path)
        return super().lock(name)


def replace_file(folder: Union[str, os.PathLike], name: str, data: bytes) -> None:
    """Write ``folder/name`` in one step: a new temporary file of an unpredictable name (created
    exclusively, so never through a link), then renamed over the old one (a link there is
    replaced, not followed). Readers see the old file or the new one."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), 0o666 & ~_UMASK)
            f.write(data)
        os.replace(tmp, Path(folder) / name)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise

SCHEMA_VERSION = 4
META_FILE = "quotesearch.json"
WRITELOCK = "MAIN_WRITELOCK"  # whoosh's lock file name for the default index name
LOCK_TIMEOUT = 60.0  # seconds to wait for another writer before giving up (a batch takes up to ~25 s)


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
    from ...identity.speakers import fold  # not at import: a search without a speaker needs none of it

    return fold(name).split()


# -- opening ------------------------------------------------------------------------

def _read_meta(index_dir: Path) -> dict:
    try:
        return json.loads((index_dir / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_meta(index_dir: Path, files: Optional[dict] = None) -> None:
    from ... import __version__

    meta = {"schema_version": SCHEMA_VERSION, "quotesearch": __version__}
    if files:
        meta["files"] = files
    replace_file(index_dir, META_FILE, (json.dumps(meta) + "\n").encode("utf-8"))


def index_exists(index_dir: Union[str, os.PathLike]) -> bool:
    """Whether ``index_dir`` has a whoosh table of contents (looked for, not read: whoosh's exists_in
    reads it, and fails when a concurrent commit deletes it in between)."""
    if not Path(index_dir).is_dir():
        return False
    storage = IndexStorage(str(index_dir), readonly=True)
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
            # quotesearch's schema, not the one pickled in the table of contents (never unpickled)
            return whoosh_index.FileIndex(IndexStorage(str(index_dir)), schema=make_schema())
        except FileNotFoundError as e:
            if attempt == attempts - 1:
                raise _damaged(index_dir, e) from None
            time.sleep(0.02)
        except Exception as e:  # a damaged table of contents
            raise _damaged(index_dir, e) from None


def docs_with_term(searcher, fieldname: str, text: str) -> list[int]:
    """The live documents holding one term, in order, read from its posting list: a hundredth of
    the time whoosh's ``document_numbers``/``document`` take, which run a search. Each segment's
    posting blocks are read whole (whoosh's ``all_ids`` makes three Python calls per posting:
    a third of the time of a filter matching half the index)."""
    docs: list[int] = []
    for leaf, offset in searcher.reader().leaf_readers():
        try:
            matcher = leaf.postings(fieldname, text)
        except TermNotFound:
            continue
        docs.extend(_posting_ids(matcher, offset))
    return docs


class SortedDocs(Collection):
    """Document numbers in increasing order (a term's postings, as docs_with_term reads them), asked
    for membership by bisection: building a set of half a million numbers takes longer than reading
    them, and a search asks a few thousand at most."""

    __slots__ = ("docs",)

    def __init__(self, docs: list[int]):
        self.docs = docs

    def __contains__(self, docnum) -> bool:
        docs = self.docs
        i = bisect.bisect_left(docs, docnum)
        return i < len(docs) and docs[i] == docnum

    def __len__(self) -> int:
        return len(self.docs)

    def __iter__(self) -> Iterator[int]:
        return iter(self.docs)

    def common(self, docs: set[int]) -> set[int]:
        """The numbers of ``docs`` that are here: a bisection for each (a Python call, about 50
        times what a set's look-up costs) when they are few, else set's own walk over the numbers
        here between their least and greatest (a segment's share, when they are a segment's)."""
        if not docs:
            return set()
        mine = self.docs
        within = mine[bisect.bisect_left(mine, min(docs)):bisect.bisect_right(mine, max(docs))]
        if len(docs) * 50 < len(within):
            return {d for d in docs if d in self}
        return docs.intersection(within)


def intersection(collections: list[Collection[int]]) -> set[int]:
    """The document numbers in every one of ``collections`` (sets or SortedDocs), as a set."""
    collections = sorted(collections, key=len)
    first = collections[0]
    docs = set(first.docs if isinstance(first, SortedDocs) else first)
    for other in collections[1:]:
        docs = other.common(docs) if isinstance(other, SortedDocs) else docs & other
    return docs


def posting_set(searcher, fieldname: str, text: str) -> set[int]:
    """The live documents holding one term, as a set (docs_with_term's, without the list)."""
    docs: set[int] = set()
    for leaf, offset in searcher.reader().leaf_readers():
        try:
            matcher = leaf.postings(fieldname, text)
        except TermNotFound:
            continue
        ids = read_postings(matcher)[0]
        docs.update(map(offset.__add__, ids) if offset else ids)
    return docs


def _posting_ids(matcher, offset: int) -> list[int]:
    """The document numbers (plus ``offset``) of one segment's postings of a term."""
    ids = read_postings(matcher)[0]
    return list(map(offset.__add__, ids)) if offset else ids


def read_postings(matcher, weights: bool = False, values: bool = False) -> tuple[list, list, list]:
    """One segment's postings of a term, as three lists in document order: the live documents'
    numbers (in the segment), and, when asked for, their weights (a word's count) and values
    (encoded word positions); lists not asked for are empty. whoosh 3 posting blocks are read
    whole: stepping a matcher costs Python calls per posting."""
    deleted = None
    if type(matcher) is FilterMatcher and matcher._exclude:  # a segment with deleted documents
        matcher, deleted = matcher.child, matcher._ids
    ids: list = []
    ws: list = []
    vs: list = []
    if type(matcher) is whoosh3.W3LeafMatcher:
        while matcher.is_active():  # block by block
            i = matcher._i
            if matcher._ids is None:  # (whoosh's _read_ids: a Python generator call per posting)
                if matcher._data is None:
                    matcher._read_data()
                deltas = matcher._data[0]
                matcher._ids = deltas if matcher._byteids else tuple(itertools.accumulate(deltas))
            ids.extend(matcher._ids[i:])
            if weights:
                if matcher._weights is None:
                    matcher._read_weights()
                ws.extend(matcher._weights[i:])
            if values:
                if matcher._values is None:
                    matcher._read_values()
                vs.extend(matcher._values[i:])
            matcher._next_block()
    else:  # inlined postings (a short list), anything else
        while matcher.is_active():
            ids.append(matcher.id())
            if weights:
                ws.append(matcher.weight())
            if values:
                vs.append(matcher.value())
            matcher.next()
    if deleted:
        keep = [k for k, d in enumerate(ids) if d not in deleted]
        ids = [ids[k] for k in keep]
        ws = [ws[k] for k in keep] if weights else ws
        vs = [vs[k] for k in keep] if values else vs
    return ids, ws, vs


def column_reader(reader, fieldname: str):
    """The column of ``fieldname`` over every segment of ``reader``. whoosh's own multi-segment
    column reader leaves out the segments without that column (a segment where no document has a
    date) and then reads the next segment's values at the wrong document numbers, or past the end.
    A segment without the column reads as the column's default ('' or 0) here."""
    if not reader.doc_count_all():  # an index without segments: whoosh's EmptyReader has no columns
        return columns.MultiColumnReader([])
    leaves = reader.leaf_readers()
    if len(leaves) == 1 and leaves[0][0] is reader:
        return reader.column_reader(fieldname)
    return columns.MultiColumnReader([r.column_reader(fieldname) for r, _ in leaves], [offset for _, offset in leaves])


# -- scoring: whoosh's BM25F, with each segment's field lengths read once ------------------
#
# For every match of every word, whoosh's BM25F scorer asks the segment for the document's field
# length through six Python calls (reader, per-document reader, column, bytes, unpacking, the
# length table): a fifth of a phrase query, a third of a common word's. Here the length bytes of a
# segment's field are read once (a slice of the mapped file), and the part of the formula that
# depends on the length only is worked out once per length byte (256 of them) with the same
# operations in the same order: the scores are whoosh's to the last bit.

_LENGTH_OF_BYTE = [1] + [byte_to_length(b) for b in range(1, 256)]  # 0: no length (whoosh's default 1)


def _length_bytes(searcher, fieldname: str) -> Optional[bytes]:
    """One length byte per document of the segment of ``searcher`` (a leaf), or None when its
    lengths are not in a column of fixed bytes as whoosh 2.7's codec writes them."""
    reader = searcher.reader()
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is None or not hasattr(perdoc, "_cached_reader"):
        return None
    cache = perdoc.__dict__.setdefault("_quotesearch_lengths", {})
    if fieldname not in cache:
        column = perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
        lengths = None
        if column is not None and getattr(column, "_fixedlen", None) == 1 and hasattr(column, "_dbfile"):
            count = min(column._count, reader.doc_count_all())
            lengths = bytes(column._dbfile.get(column._basepos, count)) + bytes(reader.doc_count_all() - count)
        cache[fieldname] = lengths
    return cache[fieldname]


class LengthBytesScorer(scoring.BM25FScorer):
    def __init__(self, scorer: scoring.BM25FScorer, lengths: bytes):  # (whoosh's, set up: idf, avgfl, B, K1 ...)
        self.__dict__.update(scorer.__dict__)
        self._lengths = lengths
        self._k1p1 = self.K1 + 1
        self._norms = [self.K1 * ((1 - self.B) + self.B * fl / self.avgfl) for fl in _LENGTH_OF_BYTE]

    def score(self, matcher):
        return self.scores((matcher.id(),), (matcher.weight(),))[0]

    def scores(self, docnums, tfs) -> list[float]:
        """The scores of documents (numbers in the segment) holding the term ``tfs`` times each."""
        # scoring.bm25(idf, tf, fl, avgfl, B, K1) = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
        idf, k1p1, norms, lengths = self.idf, self._k1p1, self._norms, self._lengths
        return [idf * ((tf * k1p1) / (tf + norms[lengths[d]])) for d, tf in zip(docnums, tfs)]


class BM25F(scoring.BM25F):
    """whoosh's default weighting (BM25F, B=0.75, K1=1.2), scoring from length bytes read once per
    segment; whoosh's own scorer where they cannot be read so."""

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if type(scorer) is scoring.BM25FScorer:
            lengths = _length_bytes(searcher, fieldname)
            if lengths is not None:
                return LengthBytesScorer(scorer, lengths)
        return scorer


def open_searcher(ix, index_dir: Union[str, os.PathLike]):
    """``ix.searcher()`` (whoosh retries files deleted by a concurrent commit), damage as a QuotesearchError."""
    try:
        return ix.searcher(weighting=BM25F())
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
    storage = IndexStorage(str(index_dir))
    lock = storage.lock(WRITELOCK)
    _acquire(lock, lock_timeout, index_dir)
    try:
        name = whoosh_index._DEF_INDEX_NAME
        generation = whoosh_index.TOC._latest_generation(storage, name)
        if generation >= 0 and not rebuild:
            ix = None
        elif generation < 0:
            _write_meta(index_dir)
            ix = storage.create_index(make_schema())
        else:
            whoosh_index.TOC(make_schema(), [], generation + 1).write(storage, name)
            whoosh_index.clean_files(storage, name, generation + 1, [])
            ix = whoosh_index.FileIndex(storage, schema=make_schema(), indexname=name)
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
    """The index to add to (a new one when there is none, an empty one with ``rebuild``); its
    segment files are checked against the checksums recorded when they were written."""
    index_dir = Path(index_dir)
    lock_timeout = LOCK_TIMEOUT if lock_timeout is None else lock_timeout
    if index_dir.exists() and not index_dir.is_dir():
        raise QuotesearchError(f"{index_dir} is a file, not an index folder; pick another --index")
    if rebuild or not index_exists(index_dir):
        return _create(index_dir, lock_timeout, rebuild)
    _check_version(index_dir)
    ix = _open_dir(index_dir)
    verify_files(ix, index_dir)
    return ix


# -- checksums of segment files --------------------------------------------------------
#
# whoosh reads a segment file's parts only when a query needs them: a damaged file can pass
# every search and fail an export, while `index` (which reads little) finds nothing wrong.
# Segment files never change once written, so a checksum recorded after each run tells.


def _segment_files(ix, index_dir: Path) -> list[str]:
    prefixes = tuple(f"{segment.segment_id()}." for segment in ix._segments())
    return sorted(name for name in os.listdir(index_dir) if name.startswith(prefixes)) if prefixes else []


def _checksum(path: Path) -> int:
    crc = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            crc = zlib.crc32(chunk, crc)
    return crc


def record_files(ix, index_dir: Union[str, os.PathLike]) -> None:
    """Record the size and checksum of every segment file of the index's current generation in
    the version file (files recorded before are not read again)."""
    index_dir = Path(index_dir)
    meta = _read_meta(index_dir)
    known = meta.get("files") or {}
    files = {}
    for name in _segment_files(ix, index_dir):
        try:
            size = (index_dir / name).stat().st_size
            recorded = known.get(name)
            files[name] = recorded if recorded and recorded[0] == size else [size, _checksum(index_dir / name)]
        except FileNotFoundError:
            continue  # merged away by a concurrent commit since the listing
    _write_meta(index_dir, files)


def verify_files(ix, index_dir: Union[str, os.PathLike]) -> None:
    """QuotesearchError (with the rebuild hint) when a segment file's size or checksum is not the
    one recorded when it was written; files written by a run that did not finish are not checked."""
    index_dir = Path(index_dir)
    known = _read_meta(index_dir).get("files") or {}
    for name in _segment_files(ix, index_dir):
        recorded = known.get(name)
        if not recorded:
            continue
        try:
            size = (index_dir / name).stat().st_size
            same = size == recorded[0] and _checksum(index_dir / name) == recorded[1]
        except OSError:
            continue  # removed by a concurrent commit since the listing
        if not same:
            raise QuotesearchError(f"the index at {index_dir} is damaged ({name} changed since it was written); "
                                   "run `quotesearch index --rebuild PATH...` to rebuild it")


# -- documents ----------------------------------------------------------------------

ARTICLE_FIELDS = ("title", "date", "url", "outlet")  # kept on the source marker, joined when read
_STORED_STATEMENT_FIELDS = tuple(k for k in STATEMENT_FIELDS if k not in ARTICLE_FIELDS)


def statement_doc(st: Statement, source: Source) -> dict:
    """A statement's document. The article's title, date, url, outlet, path and hash are stored on
    its source marker only (``title:`` queries are answered through the markers, see store.py);
    the date's day and the outlet's words are indexed here too, for filters. (Fields are read one by
    one: ``dataclasses.asdict`` deep-copies and was 4% of indexing time.)"""
    doc = {k: getattr(st, k) for k in _STORED_STATEMENT_FIELDS}
    doc.update(
        doctype="statement",
        source=source.source,
        spans=json.dumps(st.spans),
        start=st.spans[0][0] if st.spans else 0,
        speaker_tokens=" ".join(dict.fromkeys(speaker_tokens(st.speaker) + st.speaker_key.split("@")[0].split())),
        day=(source.date or "")[:10],
        outlet=source.outlet,
    )
    return {k: v for k, v in doc.items() if v not in (None, "")}


def source_doc(source: Source, count: int) -> dict:
    """A source's marker document: the article's metadata, content hash and statement count."""
    doc = dict(doctype="source", source=source.source, title=source.title, path=source.path,
               source_hash=source.source_hash, count=count, date=source.date, url=source.url,
               outlet=source.outlet, day=(source.date or "")[:10])
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
    in reading order need no sorting through whoosh (a few microseconds per document), and the
    document numbers in that order, so that the first few of a long listing are found by walking
    them. The file names the index generation it belongs to; search ignores it once the index
    moved on. Called after a run's last commit, this also records the checksums of the segment files."""
    with ix.searcher() as s:
        reader = s.reader()
        header = _order_header(reader)
        sources = list(column_reader(reader, "source"))
        starts = list(column_reader(reader, "start"))
    rank = {source: i for i, source in enumerate(sorted(set(sources)))}
    keys = array("q", [rank[source] << 32 | start for source, start in zip(sources, starts)])
    ranked = array("q", sorted(range(len(keys)), key=keys.__getitem__))
    # two runs ending at once write their own
    replace_file(index_dir, ORDER_FILE, header.tobytes() + keys.tobytes() + ranked.tobytes())
    record_files(ix, index_dir)


def read_reading_order(reader, index_dir: Path) -> Optional[tuple[array, Optional[array]]]:
    """(the keys, the document numbers in reading order) saved by write_reading_order for exactly
    what ``reader`` reads (the keys alone, and None, from a file an earlier version wrote), else None."""
    try:
        data = (Path(index_dir) / ORDER_FILE).read_bytes()
    except OSError:
        return None
    saved = array("q")
    saved.frombytes(data[:len(data) - len(data) % saved.itemsize])
    count = reader.doc_count_all()
    if saved[:2] != _order_header(reader):
        return None  # another generation's
    if len(saved) == 2 + count:
        return saved[2:], None  # an earlier version's
    if len(saved) != 2 + 2 * count:
        return None
    return saved[2:2 + count], saved[2 + count:]
