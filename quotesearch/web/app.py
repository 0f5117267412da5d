"""The web application: pages and a JSON API over ``quotesearch.Index``, read-only.

    app = create_app("index/")          # a Starlette app; quotesearch serve runs it with uvicorn

Pages: ``/`` (search), ``/speakers`` and ``/speakers/{name or key}``, ``/sources/{id}`` (an article
with its statements in place), ``/trace?q=``; ``/export?format=csv|jsonl&…`` (the search's
selection, every statement); the JSON API under ``/api/`` returns what ``--format json`` prints.
A QuotesearchError is one line on the page (``Error: …``, as the command line prints it) with
status 400 (what was asked cannot be understood), 404 (not in the index) or 503 (no usable
index, or a database server that cannot be reached); the API answers ``{"error": "…"}`` with the
same status. Every text is escaped by the templates (Jinja2 autoescape), and pages carry a
Content-Security-Policy without scripts.
"""
from __future__ import annotations

import contextlib
import functools
import io
import os
import threading
from typing import Callable, Iterator, Optional
from urllib.parse import quote, urlencode

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import __version__
from ..api import Index, filters as make_filters
from ..errors import NoIndex, NotFound, QuerySyntaxError, QuotesearchError, SchemaMismatch, StoreUnavailable
from ..formats import EXPORT_COLUMNS, csv_writer, escape_json, json_line, trace_records
from ..models import KINDS
from ..store import shown_location
from . import pages

HERE = os.path.dirname(os.path.abspath(__file__))
SEARCH_PARAMS = ("q", "speaker", "role", "org", "outlet", "kind", "since", "until", "sort", "group", "page")
FILTER_PARAMS = ("speaker", "role", "org", "outlet", "kind", "since", "until")
PAGE_SORTS = ("relevance", "date", "-date")
EXPORTS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}
API_LIMIT = 20  # as `quotesearch search`
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")


class Indexes:
    """Open ``Index`` objects for the requests: one store is for one thread at a time, so each
    request takes one (opening another when all are in use) and gives it back."""

    def __init__(self, location: str):
        self.location = location
        self._free: list[Index] = []
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def __call__(self) -> Iterator[Index]:
        with self._lock:
            ix = self._free.pop() if self._free else None
        ix = ix or Index(self.location)
        try:
            yield ix
        finally:
            with self._lock:
                self._free.append(ix)

    def close(self) -> None:
        with self._lock:
            for ix in self._free:
                ix.close()
            self._free.clear()


def status_of(e: QuotesearchError) -> int:
    if isinstance(e, NotFound):
        return 404
    if isinstance(e, QuerySyntaxError):
        return 400
    return 503 if isinstance(e, (NoIndex, SchemaMismatch, StoreUnavailable)) else 500


def create_app(location: str = "index", explain: Callable[[Exception], str] = str,
               allowed_hosts: Optional[list[str]] = None) -> Starlette:
    """The application over the index at ``location``. ``explain(error)`` is the one line a
    QuotesearchError shows as (the command line passes its own, which says where a missing index
    was looked for); ``allowed_hosts`` limits the Host header (serve on 127.0.0.1 allows only the
    loopback names, so that another site's page cannot read the index through DNS rebinding)."""
    indexes = Indexes(os.fspath(location))
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.join(HERE, "templates")),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.globals.update(version=__version__, location=shown_location(indexes.location), speaker_url=speaker_url,
                       source_url=source_url, trace_url=trace_url, SORTS=PAGE_SORTS, KINDS=KINDS)
    env.filters["day"] = lambda value: (value or "")[:10]
    env.filters["span_ids"] = lambda marks, statements: [[statements[n].id, k] for n, k in marks]
    env.filters["web_url"] = lambda url: url if url and url.lower().startswith(("http://", "https://")) else None

    def render(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        context.setdefault("title", "")
        html = env.get_template(template).render(request=request, **context)
        return HTMLResponse(html, status_code=status)

    def error_page(request: Request, e: QuotesearchError, **context) -> HTMLResponse:
        return render(request, "error.html", status_of(e), title="Error", message=explain(e), **context)

    def page(fn):
        """A page: a QuotesearchError becomes its one-line message on an error page."""
        @functools.wraps(fn)
        def endpoint(request: Request):
            try:
                return fn(request)
            except QuotesearchError as e:
                return error_page(request, e, form=search_form(request) if fn is search else None)
        return endpoint

    def api(fn):
        """A JSON endpoint: records as ``--format json`` prints them; errors as {"error": line}."""
        @functools.wraps(fn)
        def endpoint(request: Request):
            try:
                result = fn(request)
            except QuotesearchError as e:
                return JSONResponse({"error": explain(e)}, status_code=status_of(e))
            if isinstance(result, Response):
                return result
            body, headers = result if isinstance(result, tuple) else (result, {})
            return json_response(body, headers)
        return endpoint

    # -- pages ------------------------------------------------------------------------------

    def search(request: Request):
        form = search_form(request)
        if any(not value.strip() or (name, value) in (("sort", "relevance"), ("page", "1"))
               for name, value in request.query_params.multi_items()):
            # the form sends every field: the address to share holds only those given
            clean = query_string(form, sort=None if form["sort"] == "relevance" else form["sort"],
                                 page=None if form["page"] == "1" else form["page"])
            return RedirectResponse("/?" + clean if clean else "/", status_code=303)
        page_number = page_of(form)
        sort = form["sort"] or "relevance"
        if sort not in PAGE_SORTS:
            raise QuerySyntaxError(f"--sort {sort!r} is not one of {', '.join(PAGE_SORTS)}")
        flt = filters_of(form)
        with indexes() as ix:
            results = ix.search(form["q"] or "", filters=flt, sort=sort, group=bool(form["group"]),
                                limit=page_number * pages.PAGE_SIZE)
            shown = results.hits[(page_number - 1) * pages.PAGE_SIZE:]
            matches = ix.speaker_matches(form["speaker"]) if form["speaker"] else []
            missing = ix.lacks(form["q"] or "", filters=flt, sort=sort)
        last = max(1, -(-results.total // pages.PAGE_SIZE))
        if page_number > last:
            raise QuerySyntaxError(f"page {page_number} is past the last page ({last}) of this search")
        hits = [{"st": hit.statement, "pieces": pages.highlighted(hit.statement.text, hit.highlights),
                 "sources": hit.sources} for hit in shown]
        return render(request, "search.html", form=form, hits=hits, total=results.total, page=page_number,
                      last=last, first_n=(page_number - 1) * pages.PAGE_SIZE + 1, matches=matches,
                      missing=missing, grouped=bool(form["group"]),
                      link=lambda **changes: "/?" + query_string(form, **changes),
                      export=lambda fmt: "/export?" + query_string(form, page=None, format=fmt))

    def speakers_page(request: Request):
        with indexes() as ix:
            rows = ix.speakers()
        return render(request, "speakers.html", title="Speakers", speakers=rows[:500], total=len(rows))

    def speaker(request: Request):
        name = request.path_params["name"]
        with indexes() as ix:
            key, matches = find_speaker(ix, name)
            if key is None:
                if not matches:
                    raise NotFound(f"no speaker {name!r} in the index at {shown_location(ix.location)}; "
                                   "see the speakers at /speakers")
                return render(request, "choose.html", title=name, name=name, matches=matches)
            statements = list(ix.statements(key_query(key)))
        info = pages.speaker_page(key, statements)
        return render(request, "speaker.html", title=info.name, sp=info, chart=pages.timeline(info.months))

    def source(request: Request):
        source_id = request.path_params["source_id"]
        with indexes() as ix:
            statements = ix.source(source_id)
            record = source_record(ix, source_id, statements)
        text = pages.article_text(record.path if record else "", statements)
        return render(request, "source.html", title=(record.title if record else "") or source_id,
                      src=record, source_id=source_id, statements=statements, text=text,
                      pieces=pages.statement_pieces(text.text, statements) if text.text is not None else [],
                      paragraphs=pages.paragraphs_of(statements) if text.text is None else [])

    def trace(request: Request):
        wanted = (request.query_params.get("q") or "").strip()
        if not wanted:
            return render(request, "trace.html", title="Trace", q="", rows=[], chart=None)
        with indexes() as ix:
            found = ix.trace(wanted)
        first = found[0].text if found else ""
        rows = [{"st": st, "diff": pages.word_diff(first, st.text) if n else None,
                 "same": n == 0 or all(op == "same" for op, _ in pages.word_diff(first, st.text))}
                for n, st in enumerate(found)]
        return render(request, "trace.html", title="Trace", q=wanted, rows=rows,
                      chart=pages.trace_timeline(found))

    def export(request: Request):
        form = search_form(request)
        fmt = request.query_params.get("format", "csv")
        if fmt not in EXPORTS:
            raise QuerySyntaxError(f"--format {fmt!r} is not one of {', '.join(EXPORTS)}")
        sort = form["sort"] if form["sort"] in ("date", "-date") else "reading"
        flt = filters_of(form)
        ix = Index(indexes.location)  # its own: the download streams after this request returns
        try:
            rows = ix.statements(form["q"] or "", filters=flt, sort=sort)
            first = next(rows, None)
        except BaseException:
            ix.close()
            raise
        return StreamingResponse(stream_records(ix, first, rows, fmt), media_type=EXPORTS[fmt],
                                 headers={"Content-Disposition": f'attachment; filename="quotesearch.{fmt}"'})

    # -- the JSON API ----------------------------------------------------------------------------

    def api_search(request: Request):
        form = search_form(request)
        sort = form["sort"] or "relevance"
        limit = whole(request.query_params.get("limit"), "limit", API_LIMIT, least=0)
        with indexes() as ix:
            results = ix.search(form["q"] or "", filters=filters_of(form), sort=sort, limit=limit,
                                group=bool(form["group"]))
        return [hit.to_dict() for hit in results], {"X-Total-Count": str(results.total)}

    def api_speakers(request: Request):
        form = search_form(request)
        flt = make_filters(speaker=form["speaker"], since=form["since"], until=form["until"], outlet=form["outlet"])
        limit = whole(request.query_params.get("limit"), "limit", 0, least=0)
        with indexes() as ix:
            rows = [sp.to_dict() for sp in ix.speakers(filters=flt)]
        return (rows[:limit] if limit else rows), {"X-Total-Count": str(len(rows))}

    def api_sources(request: Request):
        form = search_form(request)
        with indexes() as ix:
            return [s.to_dict() for s in ix.sources(filters=make_filters(
                since=form["since"], until=form["until"], outlet=form["outlet"]))]

    def api_source(request: Request):
        with indexes() as ix:
            return [st.to_dict() for st in ix.source(request.path_params["source_id"])]

    def api_statement(request: Request):
        with indexes() as ix:
            return [ix.show(request.path_params["statement_id"]).to_dict()]  # as `show --format json`

    def api_trace(request: Request):
        with indexes() as ix:
            return trace_records(ix.trace(request.query_params.get("q") or ""))  # as `trace --format json`

    async def not_found(request: Request, exc: HTTPException):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
        return render(request, "error.html", exc.status_code, title="Error", message=exc.detail, form=None)

    routes = [
        Route("/", page(search)),
        Route("/speakers", page(speakers_page)),
        Route("/speakers/{name:path}", page(speaker)),
        Route("/sources/{source_id:path}", page(source)),
        Route("/trace", page(trace)),
        Route("/export", page(export)),
        Route("/api/search", api(api_search)),
        Route("/api/speakers", api(api_speakers)),
        Route("/api/sources", api(api_sources)),
        Route("/api/sources/{source_id:path}", api(api_source)),
        Route("/api/statements/{statement_id:path}", api(api_statement)),
        Route("/api/trace", api(api_trace)),
        Mount("/static", StaticFiles(directory=os.path.join(HERE, "static")), name="static"),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)] if allowed_hosts else []

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        indexes.close()

    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={HTTPException: not_found})
    app.state.indexes = indexes
    return SecurityHeaders(app)


class SecurityHeaders:
    """Every response says: no scripts, no framing, no guessing of content types."""

    def __init__(self, app):
        self.app = app

    def __getattr__(self, name):  # app.state, app.routes … of the Starlette app
        return getattr(self.app, name)

    async def __call__(self, scope, receive, send):
        async def sending(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"no-referrer")]
                message = dict(message, headers=headers)
            await send(message)
        await self.app(scope, receive, sending)


# -- helpers --------------------------------------------------------------------------------------

def json_response(body, headers: Optional[dict] = None) -> Response:
    """JSON as the command line's --format json writes it (escape_json, UTF-8 kept)."""
    import json

    return Response(escape_json(json.dumps(body, indent=2, ensure_ascii=False)) + "\n",
                    media_type="application/json", headers=headers)


def search_form(request: Request) -> dict:
    """The search as the query string gives it: every parameter, blank ones as None."""
    return {name: (request.query_params.get(name) or "").strip() or None for name in SEARCH_PARAMS}


def filters_of(form: dict):
    return make_filters(**{("organization" if k == "org" else k): form[k] for k in FILTER_PARAMS})


def whole(value: Optional[str], name: str, default: int, least: int = 1) -> int:
    if value is None or not value.strip():
        return default
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < least:
        raise QuerySyntaxError(f"{name} {value!r} is not a whole number of {least} or more")
    return number


def page_of(form: dict) -> int:
    return whole(form["page"], "page", 1)


def query_string(form: dict, **changes) -> str:
    values = dict(form, **changes)
    return urlencode([(k, v) for k, v in values.items() if v not in (None, "")])


def speaker_url(statement_or_key) -> str:
    key = statement_or_key if isinstance(statement_or_key, str) else (
        statement_or_key.speaker_key or statement_or_key.speaker)
    return "/speakers/" + quote(key, safe="")


def source_url(source_id: str, anchor: str = "") -> str:
    return "/sources/" + quote(source_id, safe="") + (f"#{quote(anchor, safe=':')}" if anchor else "")


def trace_url(text_or_id: str) -> str:
    return "/trace?" + urlencode({"q": text_or_id})


def key_query(key: str) -> str:
    """The query for the statements of one speaker key."""
    return f'speaker_key:"{key}"'


def find_speaker(ix: Index, name: str) -> tuple[Optional[str], list]:
    """(the speaker key ``name`` stands for, or None; the speakers it matched): a speaker key as
    it is, else any folded form of a name (speaker_matches): one speaker, or the one whose full
    name it is."""
    from ..identity.speakers import name_key

    name = name.strip()
    if not name:
        raise QuerySyntaxError("a speaker page needs a name or a speaker key; e.g. /speakers/barros")
    if '"' not in name and "\\" not in name:
        try:
            if ix.search(key_query(name), limit=1).total:
                return name, []
        except QuerySyntaxError:
            pass
    matches = ix.speaker_matches(name)
    if len(matches) == 1:
        return matches[0][0], matches
    exact = [m for m in matches if m[0] == name_key(name)]
    return (exact[0][0] if exact else None), matches


def source_record(ix: Index, source_id: str, statements: list):
    """The Source record (metadata and path) of one source: asked among the sources of its day
    when its statements have a date, else among all."""
    day = statements[0].date[:10] if statements and statements[0].date else None
    try:
        found = ix.sources(since=day, until=day) if day else ix.sources()
    except QuerySyntaxError:
        found = ix.sources()
    wanted = statements[0].source if statements else source_id
    return next((s for s in found if s.source == wanted), None)


def stream_records(ix: Index, first, rows, fmt: str) -> Iterator[str]:
    """The export, a few hundred rows at a time, as formats.py writes them; closes ``ix`` at the end."""
    buf = io.StringIO()
    try:
        write = csv_writer(buf, EXPORT_COLUMNS) if fmt == "csv" else (lambda row: buf.write(json_line(row) + "\n"))
        n = 0
        for st in ([first] if first is not None else []):
            write(st.to_dict())
            n += 1
        for st in rows:
            write(st.to_dict())
            n += 1
            if n % 500 == 0:
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
        yield buf.getvalue()
    finally:
        ix.close()
