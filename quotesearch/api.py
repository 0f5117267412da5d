"""The front door: ``extract`` the statements of an article, and an ``Index`` to add articles to,
search, list and export.

    import quotesearch as qs
    statements = qs.extract("Headline\\n\\n“We will not back down,” said John Smith.")
    ix = qs.Index("index/")                     # opens (or, when adding, creates) the index
    summary = ix.add(["seeds/"], jobs=2)
    results = ix.search("border", speaker="barros", since="2024-08", limit=20)
    results.total, [(hit.statement.speaker, hit.highlights) for hit in results]

Nothing here prints, exits or knows about terminals. Every failure a user can fix raises a
``QuotesearchError`` (errors.py) whose message is one line with a hint. Spans are (start, end)
character offsets, end exclusive: a statement's ``spans`` into its article's text, a hit's
``highlights`` into the statement's ``text``.
"""
from __future__ import annotations

import dataclasses
import itertools
import os
from typing import IO, Callable, Iterator, Optional, Union

from .errors import NotFound, QuerySyntaxError, QuotesearchError
from .store.query import shown
from .models import KINDS, Article, Filters, SearchResults, Source, Speaker, Statement

PathLike = Union[str, os.PathLike]
FILTERS = tuple(f.name for f in dataclasses.fields(Filters))
SORTS = ("relevance", "reading", "date", "-date")
FILE_SUFFIXES = (".txt", ".md", ".html", ".htm")  # a source given by file name: its id is the stem


def extract(article: Union[str, Article], id: str = "article") -> list[Statement]:
    """The statements of one article, in reading order.

    ``article`` is an Article or its text (the headline, a blank line, then paragraphs separated by
    blank lines); a text gets the source id ``id``. Each statement's ``spans`` are (start, end)
    character offsets into that text. Safe to call from several threads or processes."""
    from .extraction.pipeline import extract as run
    from .ingest.read import article_from_text

    return run(article if isinstance(article, Article) else article_from_text(article, id))


def filters(given: Optional[Filters] = None, **kw) -> Filters:
    """A Filters from keyword arguments (None values ignored), over ``given`` when there is one.
    Checks what can be checked without an index: the kind, the dates and their order. Raises
    QuerySyntaxError; TypeError for an unknown name."""
    unknown = set(kw) - set(FILTERS)
    if unknown:
        raise TypeError(f"unknown filter {sorted(unknown)[0]!r}; filters are {', '.join(FILTERS)}")
    f = dataclasses.replace(given or Filters(), **{k: v for k, v in kw.items() if v is not None})
    if f.kind is not None and f.kind not in KINDS:
        raise QuerySyntaxError(f"--kind {f.kind!r} is not one of {', '.join(KINDS)}")
    bounds = {}
    for name, end in (("since", False), ("until", True)):
        value = getattr(f, name)
        if value is not None:
            from .ingest.dates import parse_bound  # (a search without dates loads no date rules)

            try:
                bounds[name] = parse_bound(value, end=end)
            except ValueError as e:
                raise QuerySyntaxError(f"--{name}: {e}") from None
    if len(bounds) == 2 and bounds["since"] > bounds["until"]:
        raise QuerySyntaxError(f"--since {f.since} is after --until {f.until}; nothing can be in between")
    return f


def parse_query(query: Optional[str]):
    """The user's query syntax as the neutral tree every store compiles (None when blank)."""
    from .store.query import parse

    return parse(query)


class Index:
    """An index of statements at ``location``: a folder (whoosh), or a postgresql:// URL (see store/postgres).

    Reading an index that does not exist raises NoIndex; ``add`` creates it. Use as a context
    manager, or ``close()`` when done. Every read sees the index as last committed."""

    def __init__(self, location: PathLike = "index"):
        self.location = os.fspath(location)
        self._store = None

    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        from .store import shown_location

        return f"Index({shown_location(self.location)!r})"

    @property
    def store(self):
        """The Store behind this index (store/base.py), opened on first use."""
        if self._store is None:
            from .store import open_store

            self._store = open_store(self.location)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    # -- writing ----------------------------------------------------------------

    def add(self, inputs, *, jobs: Optional[int] = None, rebuild: bool = False, aliases: Optional[PathLike] = None,
            metadata: Optional[PathLike] = None, global_ids: bool = False,
            progress: Optional[Callable[[str, str], None]] = None, extract: Optional[Callable] = None,
            dask=None, task_progress: Optional[Callable] = None):
        """Extract the statements of ``inputs`` and add them; returns an ``IndexSummary``.

        ``inputs`` is an ``Inputs`` (ingest.inputs), a list of paths (files, folders, archives; see
        ``Inputs``), or an iterable of Articles or (Article, statements) pairs. Unchanged articles are
        skipped, changed ones replaced whole. ``jobs`` processes extract while this one writes
        (default: the cores, fewer for few files); the result does not depend on it. ``rebuild``
        builds a new index beside the old one and swaps it in only when complete. ``aliases`` is a
        tab-separated file (alias, canonical name). ``progress(name, status)`` is called per input
        (status indexed, unchanged or error). Skipped inputs are in ``summary.skipped_inputs``.
        ``dask`` extracts on a Dask cluster instead of ``jobs`` processes (``pip install
        'quotesearch[dask]'``): a scheduler's address (tcp://HOST:8786), ``local`` or ``local:N``
        worker processes here, or a ``distributed.Client``; the result is the same.
        ``task_progress(done, total, statements, seconds)`` is then called per task (total None
        while unknown). Raises NoInput, IndexLocked, SchemaMismatch, QuotesearchError (cannot write,
        a cluster that cannot be reached, ``jobs`` and ``dask`` both given)."""
        from .indexer import index_articles
        from .ingest.inputs import Inputs

        if isinstance(inputs, (str, os.PathLike)):
            inputs = [inputs]  # one path, not its letters
        if not isinstance(inputs, (Inputs, list, tuple)):  # an iterator of paths, or of articles (kept lazy)
            items = iter(inputs)
            first = next(items, None)
            if isinstance(first, (str, os.PathLike)):
                inputs = [first, *items]
            else:
                inputs = itertools.chain([] if first is None else [first], items)
        if isinstance(inputs, (list, tuple)) and all(isinstance(p, (str, os.PathLike)) for p in inputs):
            inputs = Inputs(inputs, metadata=metadata, global_ids=global_ids)
        if dask is not None and jobs is not None:
            raise QuotesearchError("give jobs or dask, not both: with dask, the cluster's workers extract")
        total = getattr(inputs, "total", None)
        cores = os.cpu_count() or 1
        jobs = max(1, min(jobs or cores, 64 if total is None else total // 2))  # a pool is not worth it for two
        self.close()  # readers reopen after the run
        if dask is not None:  # the cluster is reached (or not) before the index is touched
            from .cluster import connect

            with connect(dask) as client:
                return index_articles(self.location, inputs, rebuild=rebuild, aliases=aliases, progress=progress,
                                      extract=extract, dask=client, task_progress=task_progress)
        return index_articles(self.location, inputs, rebuild=rebuild, jobs=jobs, aliases=aliases,
                              progress=progress, extract=extract)

    # -- reading ----------------------------------------------------------------

    def search(self, query: str = "", *, filters: Optional[Filters] = None, sort: str = "relevance",
               limit: Optional[int] = 20, group: bool = False, **filter_kw) -> SearchResults:
        """Statements matching ``query`` and the filters: best first, or by the article's date
        (``sort`` 'date', '-date': undated last), or in reading order ('reading'; also what a blank
        query gives). ``limit`` None or 0: all. ``group``: one hit per quote group, with how many
        sources carry it. ``results.total`` counts every match exactly. Filters come as a Filters
        or as keywords (speaker, role, organization, source, kind, since, until, outlet).

        Query syntax: words (all must match), "phrases", AND, OR, NOT, -word, (groups),
        field:value (speaker, role, org, outlet, told, kind, cue, source, title, paragraph,
        quote_group …), prefix*, field:[a TO b]. Raises QuerySyntaxError, NoIndex."""
        if sort not in SORTS:
            raise QuerySyntaxError(f"sort {sort!r} is not one of {', '.join(SORTS)}")
        if limit is not None and (not isinstance(limit, int) or limit < 0):
            raise QuerySyntaxError(f"limit {limit!r} is not a whole number of 0 or more (0 or None: all)")
        f = self._source_filter(filters_of(filters, filter_kw))
        return self.store.search(parse_query(query), f, sort=sort, limit=limit or None, group=group)

    def statements(self, query: str = "", *, filters: Optional[Filters] = None, sort: str = "reading",
                   **filter_kw) -> Iterator[Statement]:
        """Every statement matching ``query`` and the filters, one at a time, without a limit:
        in reading order (by source id, then offset) or by date ('date', '-date')."""
        f = self._source_filter(filters_of(filters, filter_kw))
        return self.store.statements(parse_query(query), f, sort="reading" if sort == "relevance" else sort)

    def speakers(self, *, filters: Optional[Filters] = None, **filter_kw) -> list[Speaker]:
        """One row per speaker (speaker key) among the statements passing the filters, most
        statements first: the most used name, type, roles and organizations, statements, sources,
        first and last date."""
        from .store.base import speakers_of

        return speakers_of(self.statements(filters=filters, **filter_kw))

    def speaker_matches(self, name: str) -> list[tuple[str, str, int]]:
        """(speaker key, name as first quoted, statements) of the speakers a speaker filter ``name``
        stands for, most statements first: a full name is that speaker, a surname every speaker
        whose name ends with it. Raises QuerySyntaxError when ``name`` has no name in it."""
        return self.store.speaker_keys(name)

    def sources(self, *, filters: Optional[Filters] = None, **filter_kw) -> list[Source]:
        """Every source passing the date and outlet filters, by id."""
        return self.store.sources(filters_of(filters, filter_kw))

    def source(self, source_id: str, *, filters: Optional[Filters] = None, **filter_kw) -> list[Statement]:
        """All statements of one source in reading order. ``source_id`` is its id (or, for a file,
        its file name). Raises NotFound for an unknown source."""
        f = filters_of(filters, filter_kw)
        return list(self.statements(filters=dataclasses.replace(f, source=source_id)))

    def show(self, statement_id: str) -> Statement:
        """One statement (its paragraph as ``context``, its article's metadata). Raises NotFound."""
        try:
            return self.store.statement(statement_id.strip())
        except NotFound:
            raise self._no_statement(statement_id) from None

    def trace(self, text_or_id: str) -> list[Statement]:
        """Every appearance of one quote (its quote group), earliest first, undated last (ties in
        reading order).

        ``text_or_id`` is a statement id (SOURCE:OFFSET), a quote group id, or words of the quote
        (the statement sharing most of them is traced). Raises NotFound, QuerySyntaxError."""
        group = self._group_of(text_or_id.strip())
        members = self.store.quote_group(group) if group else []
        dated = sorted((st for st in members if st.date), key=lambda st: st.date[:10])  # stable
        return dated + [st for st in members if not st.date]

    def export(self, out: Union[IO[str], PathLike], format: str = "jsonl", query: str = "", *,
               filters: Optional[Filters] = None, sort: str = "reading", clean: Callable[[str], str] = str,
               **filter_kw) -> int:
        """Write every statement matching ``query`` and the filters to ``out`` (an open text file, or
        a path: written as UTF-8) as JSON Lines ('jsonl'), one JSON array ('json') or CSV ('csv':
        EXPORT_COLUMNS, each value passed through ``clean``), one at a time however many there are;
        returns how many were written. Raises QuotesearchError when a path cannot be written."""
        if isinstance(out, (str, os.PathLike)):
            from .errors import QuotesearchError

            try:
                with open(out, "w", encoding="utf-8", newline="") as f:
                    return self.export(f, format, query, filters=filters, sort=sort, clean=clean, **filter_kw)
            except OSError as e:
                raise QuotesearchError(f"cannot write {os.fspath(out)}: {e.strerror or e}") from None
        from .formats import EXPORT_COLUMNS, FORMATS, write_records

        if format not in FORMATS:
            raise QuerySyntaxError(f"format {format!r} is not one of {', '.join(FORMATS)}")
        rows = (st.to_dict() for st in self.statements(query, filters=filters, sort=sort, **filter_kw))
        return write_records(out, rows, format, EXPORT_COLUMNS, clean)

    def lacks(self, query: str = "", *, filters: Optional[Filters] = None, sort: str = "relevance",
              **filter_kw) -> Optional[str]:
        """Why date or outlet filters (or a sort by date) cannot find anything, in one line: no
        article in the index has a date (an outlet), or none of the statements matching ``query``
        and the other filters has a date; None when they can."""
        f = filters_of(filters, filter_kw)
        on_dates = f.since is not None or f.until is not None or sort in ("date", "-date")
        on_outlets = f.outlet is not None
        sources = self.store.sources() if on_dates or on_outlets else []
        if on_dates and not any(s.date for s in sources):
            return ("no article in the index has a date; dates come from archives (a date field), web pages "
                    "or a metadata sidecar beside the texts: index those")
        if on_outlets and not any(s.outlet for s in sources):
            return ("no article in the index has an outlet; outlets come from archives, web pages "
                    "or a metadata sidecar beside the texts: index those")
        if not on_dates:
            return None
        others = self._source_filter(dataclasses.replace(f, since=None, until=None, outlet=None))
        node = parse_query(query)
        matching = self.store.search(node, others, limit=1).total
        from .ingest.dates import MIN_YEAR  # a date filter from then on keeps every dated statement

        dated = self.store.search(node, dataclasses.replace(others, since=str(MIN_YEAR)), limit=1).total
        if matching and not dated:
            return f"no statement matching the other filters has a date ({matching} match them)"
        return None

    # -- helpers ------------------------------------------------------------------

    def _source_filter(self, f: Filters) -> Filters:
        """A source filter names a source the index has, by id or file name (NotFound otherwise)."""
        if f.source is not None:
            f = dataclasses.replace(f, source=self._source_id(f.source))
        return f

    def _source_id(self, source: str) -> str:
        try:
            return self.store.source(source).source
        except NotFound:
            stem = os.path.splitext(os.path.basename(source))[0]  # a file name, with its folder or not
            if stem != source and os.path.splitext(source)[1].lower() in FILE_SUFFIXES:
                try:
                    return self.store.source(stem).source
                except NotFound:
                    pass
            raise NotFound(f"no source {source!r} in the index at {self.store.location}; "
                           "list them with `quotesearch sources`") from None

    def _no_statement(self, statement_id: str) -> NotFound:
        return NotFound(f"no statement {shown(statement_id)} in the index at {self.store.location}; "
                        "ids look like SOURCE:OFFSET, find them with `quotesearch search`")

    def _group_of(self, text_or_id: str) -> str:
        import re

        from .store.query import Or, Word

        if not text_or_id:
            raise QuerySyntaxError("trace needs a statement id or words of a quote; e.g. quotesearch trace kursk:1234")
        try:
            return self.store.statement(text_or_id).quote_group or ""
        except NotFound:
            pass
        if self.store.quote_group(text_or_id):
            return text_or_id
        if _looks_like_id(text_or_id):  # an id that is not in the index: never words of a quote
            raise self._no_statement(text_or_id)
        words = list(dict.fromkeys(re.findall(r"\w+", text_or_id)))
        try:  # the statement sharing most of the words (most of them, not all: wordings differ)
            found = self.store.search(Or(tuple(Word("text", w) for w in words)), limit=1) if words else None
        except QuerySyntaxError:  # nothing but very common words
            found = None
        if found is None:
            raise NotFound(f"no statement or quote {shown(text_or_id)} in the index at {self.store.location}")
        if not found.hits:
            raise NotFound(f"no statement like {shown(text_or_id)} in the index at {self.store.location}; "
                           "try fewer words, or a statement id from `quotesearch search`")
        return found.hits[0].statement.quote_group or ""


def filters_of(given: Optional[Filters], kw: dict) -> Filters:
    return filters(given, **kw)


def _looks_like_id(text: str) -> bool:
    source, colon, offset = text.rpartition(":")
    return bool(source and colon and offset.isdigit() and not any(c.isspace() for c in text))
