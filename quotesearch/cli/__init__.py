"""The ``quotesearch`` command line. The only module that knows about click, terminals and exit codes.

Heavy modules (whoosh, nltk, the extractor) are imported inside the commands, so that
``quotesearch --help`` stays instant.
"""
from __future__ import annotations

import collections
import contextlib
import functools
import json
import os
import sys
from typing import Optional

import click

from .. import __version__
from ..formats import FORMATS as EXPORT_FORMATS
from .output import FORMATS

DEFAULT_INDEX = "index"
PROGRESS_MIN_FILES = 4
TABLE_ROLES = 3  # roles of a speaker shown in a table

# Tables put the quote first; ids (shortened when the table is too wide) last.
SEARCH_COLUMNS = [("quote", "quote"), ("who", "speaker"), ("outlet", "outlet"), ("day", "date"), ("id", "id")]
GROUP_COLUMNS = SEARCH_COLUMNS[:-1] + [("sources", "sources"), ("id", "id")]
STATEMENT_COLUMNS = [("text", "quote"), ("who", "speaker"), ("kind", "kind"), ("id", "id")]
SPEAKER_COLUMNS = [("speaker", "speaker"), ("speaker_type", "type"), ("roles", "roles"), ("statements", "count"),
                   ("sources", "articles"), ("first", "first"), ("last", "last")]
SOURCE_COLUMNS = [("title", "title"), ("outlet", "outlet"), ("day", "date"), ("statements", "count"),
                  ("source", "source")]
SHOW_COLUMNS = [(k, k) for k in ("id", "source", "title", "date", "outlet", "url", "kind", "speaker", "speaker_key",
                                 "mention", "speaker_type", "role", "organization", "given_to", "cue", "paragraph",
                                 "spans", "quote_group", "text", "context")]
TRACE_COLUMNS = [("wording", "quote"), ("who", "speaker"), ("outlet", "outlet"), ("day", "date"),
                 ("source", "source")]


EXIT_NOTHING = 1  # nothing found, as grep
EXIT_PIPE = 128 + 13  # the reader of standard output went away (SIGPIPE), as grep | head
EXIT_INTERRUPTED = 128 + 2  # Ctrl-C (SIGINT)


class Group(click.Group):
    """The one place where what goes wrong becomes an exit status: a QuotesearchError one line and
    1, a closed pipe 141, Ctrl-C 130."""

    def invoke(self, ctx):
        from ..errors import QuotesearchError

        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a closed pipe shows here, not in an "Exception ignored" at exit
            return result
        except QuotesearchError as e:
            raise click.ClickException(_with_hint(e, ctx.meta.get(INDEX_GIVEN))) from None
        except BrokenPipeError:  # `quotesearch ... | head`: stop at once, quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(EXIT_PIPE)
        except KeyboardInterrupt:  # Ctrl-C: no "Aborted!", the shell's status for SIGINT
            sys.exit(EXIT_INTERRUPTED)


def output_options(default: str = "table", formats: tuple = FORMATS):
    """The shared output options: ``--format`` and its shortcuts ``--json`` and ``--csv``."""
    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, fmt, as_json=False, as_csv=False, **kwargs):
            if as_json and as_csv:
                raise click.UsageError("--json and --csv cannot be used together")
            shortcut = "json" if as_json else "csv" if as_csv else None
            if shortcut:
                ctx = click.get_current_context()
                if ctx.get_parameter_source("fmt") == click.core.ParameterSource.COMMANDLINE and fmt != shortcut:
                    raise click.UsageError(f"--{shortcut} and --format {fmt} cannot be used together")
                fmt = shortcut
            return fn(*args, fmt=fmt, **kwargs)
        options = [click.option("--format", "fmt", type=click.Choice(formats), default=default, show_default=True,
                                help="Output format.")]
        if "json" in formats:
            options.append(click.option("--json", "as_json", is_flag=True, help="Same as --format json."))
        if "csv" in formats:
            options.append(click.option("--csv", "as_csv", is_flag=True, help="Same as --format csv."))
        for option in reversed(options):
            wrapper = option(wrapper)
        return wrapper
    return decorate


INDEX_GIVEN = "quotesearch.index"  # where the root context keeps (index folder, how it was given)


def _remember_index(ctx, param, value):
    ctx.meta[INDEX_GIVEN] = (value, ctx.get_parameter_source(param.name))  # meta is shared with the root
    return value


def index_option(fn):
    """The shared ``--index DIR`` option (env QUOTESEARCH_INDEX)."""
    return click.option("--index", "index_dir", envvar="QUOTESEARCH_INDEX", default=DEFAULT_INDEX,
                        show_default=True, type=click.Path(file_okay=False), callback=_remember_index,
                        help="Index folder, or a postgresql://USER@HOST/DB URL (or set QUOTESEARCH_INDEX).")(fn)


def filter_options(*names: str):
    """The shared filter options; ``names`` picks some (all when none is given)."""
    options = {
        "speaker": click.option("--speaker", help="Speaker name; any part or form of it (barros, 'Mr. Barros')."),
        "role": click.option("--role", help="Words in the speaker's role (e.g. spokesman)."),
        "org": click.option("--org", help="Words in the speaker's organization (e.g. ISW)."),
        "source": click.option("--source", help="Source id, as listed by `quotesearch sources`."),
        "kind": click.option("--kind", type=click.Choice(["direct", "indirect", "mixed"]), help="Kind of statement."),
        "since": click.option("--since", metavar="DATE", help="Articles dated on or after DATE (YYYY-MM-DD, YYYY-MM, YYYY)."),
        "until": click.option("--until", metavar="DATE", help="Articles dated on or before DATE (YYYY-MM-DD, YYYY-MM, YYYY)."),
        "outlet": click.option("--outlet", metavar="NAME", help="Words of the outlet that published the article."),
    }
    chosen = [options[n] for n in (names or options)]

    def decorate(fn):
        for option in reversed(chosen):
            fn = option(fn)
        return fn
    return decorate


def _filters(**kw):
    from ..api import filters

    since, until = kw.get("since"), kw.get("until")
    if since is not None and until is not None:
        from ..ingest.dates import parse_bound

        try:
            first, last = parse_bound(since), parse_bound(until, end=True)
        except ValueError:
            pass  # the search says which one is not a date
        else:
            if first > last:
                raise click.UsageError(f"--since {since} is after --until {until}; nothing can be in between")
    if "org" in kw:
        kw["organization"] = kw.pop("org")
    return filters(**kw)


def _described(**filters) -> str:
    """The filters given, as the user typed them: "--speaker 'x' --since 2024"."""
    return " ".join(f"--{name} {value!r}" if " " in str(value) else f"--{name} {value}"
                    for name, value in filters.items() if value is not None)


def nothing_found(message: str) -> None:
    """Nothing matched: say why on standard error and exit 1 (as grep)."""
    click.echo(f"({message})", err=True)
    sys.stdout.flush()
    sys.exit(EXIT_NOTHING)


def styled() -> bool:
    """Whether tables may use ANSI styling: standard output is a terminal and NO_COLOR is unset."""
    return not os.environ.get("NO_COLOR") and not click.utils.should_strip_ansi(sys.stdout)


def to_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _with_hint(e: Exception, index_given) -> str:
    """The error's message; for a missing index, where it was looked for and how to build one."""
    from ..errors import NoIndex

    if not isinstance(e, NoIndex) or index_given is None:
        return str(e)
    from click.core import ParameterSource

    index_dir, source = index_given
    from ..store import shown_location

    index_dir = shown_location(index_dir)  # a URL without its password
    if source == ParameterSource.COMMANDLINE:
        import shlex

        return (f"no index at {index_dir} (given by --index); "
                f"build one with `quotesearch index --index {shlex.quote(index_dir)} PATH…`")
    if source == ParameterSource.ENVIRONMENT:
        return f"no index at {index_dir} (given by QUOTESEARCH_INDEX); build one with `quotesearch index PATH…`"
    shown = index_dir if os.path.isabs(index_dir) or index_dir.startswith(".") else f"./{index_dir}"
    return (f"no index at {shown} (or give --index DIR / QUOTESEARCH_INDEX); "
            f"build one with `quotesearch index PATH…`")


def emit(rows, fmt: str, columns=None, vertical: bool = False, empty: str = "nothing found",
         fail: bool = True) -> None:
    """Print ``rows`` in ``fmt``. With none: an empty JSON array for json, and ``empty`` on
    standard error with exit status 1 (unless not ``fail``)."""
    from .output import Marked, render

    if not rows:
        if fmt == "json":
            click.echo("[]")
        if fail:
            nothing_found(empty)
        click.echo(f"({empty})", err=True)
        return
    if fmt == "table":  # dates without their time of day; a speaker with their role; the quote highlighted
        rows = [dict(row, day=(row.get("date") or "")[:10],
                     who=", ".join(x for x in (row.get("speaker"), row.get("role")) if x),
                     quote=Marked(row["text"], row.get("highlights") or ()) if "text" in row else None)
                for row in rows]
    text = render(rows, fmt, columns, vertical=vertical, style=styled(), safe=to_terminal())
    if text:
        click.echo(text, color=styled() or None)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version")
def main():
    """Find attributed statements (who said what) in news articles and search them.

    \b
    Quick start:
      quotesearch index seeds/                 # extract statements and index them
      quotesearch search troops                # keyword search over quote text
      quotesearch search --speaker barros      # everything one speaker said
      quotesearch source kursk-incursion       # all statements of one article
      quotesearch index news.jsonl.gz          # archives, web pages; - reads standard input
      quotesearch trace "we will not back down"  # every appearance of a quote, earliest first
      quotesearch export --format csv -o all.csv # everything, for a spreadsheet

    The index lives in ./index unless --index DIR or QUOTESEARCH_INDEX says otherwise.
    """


def input_options(fn):
    """The options of ``index`` and ``extract`` that say how inputs are named and described."""
    fn = click.option("--global-ids", is_flag=True,
                      help="Archive record ids are unique across archives: keep them as they are (by default a "
                           "record's id is put in its archive's: news-2024/17).")(fn)
    return click.option("--metadata", type=click.Path(exists=True, dir_okay=False),
                        help="Table (.tsv/.csv/.jsonl) of the articles' date, outlet, url, title, one row per file, "
                             "keyed by its name without extension (column name, filename or id); a metadata.tsv "
                             "beside the files is read without this.")(fn)


@main.command(short_help="Print the statements found in articles.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@output_options(default="jsonl")
@input_options
def extract(paths, fmt, metadata, global_ids):
    """Print the statements found in articles, without touching any index.

    PATHS are .txt/.md files, .html/.htm pages, .jsonl/.ndjson/.json/.csv archives
    (also .gz/.bz2), folders of them (searched recursively), or - for a JSON Lines
    archive on standard input. Each record has the fields id, source, text, kind,
    speaker, mention, speaker_type, role, organization, given_to, cue, paragraph,
    spans, context, title, date, url, outlet, speaker_key and quote_group (set by
    the index only).

    \b
    Examples:
      quotesearch extract seeds/kursk-incursion.txt
      quotesearch extract seeds/ --format table
      zcat news.jsonl.gz | quotesearch extract - --format csv
    """
    from ..api import extract as extract_statements
    from ..errors import QuotesearchError
    from ..extraction.pipeline import settle
    from ..ingest.article import read_article
    from ..models import Article, Skipped

    from .output import json_line

    settle()  # this process only extracts: its long-lived objects out of the garbage collector's way
    stream = fmt == "jsonl"  # one article's records at a time: an archive may hold millions
    records, read, skipped = [], 0, []
    for item in _inputs(paths, metadata, global_ids):
        if isinstance(item, Skipped):
            skipped.append(item)
            continue
        name = str(getattr(item, "path", "") or getattr(item, "id", item))
        try:
            article = item if isinstance(item, Article) else read_article(item)
            found = [st.to_dict() for st in extract_statements(article)]
            read += 1
            if stream:
                for rec in found:
                    click.echo(json_line(rec))
            else:
                records += found
        except BrokenPipeError:  # the reader went away: stop at once (main says nothing more)
            raise
        except Exception as e:
            if not isinstance(e, QuotesearchError):  # an extractor bug: name the input, keep going
                e = RuntimeError(f"extraction failed: {type(e).__name__}: {e}")
            skipped.append(Skipped.from_error(name, e))
    _report_skipped(skipped)
    if not stream:
        emit(records, fmt, STATEMENT_COLUMNS, empty="no statements found", fail=False)
    if not read:
        raise click.ClickException("no file could be read" if skipped else f"no articles in {', '.join(paths)}")


def _inputs(paths, metadata=None, global_ids=False):
    """The run's inputs (ingest.Inputs): files, folders, archives, and standard input for '-'."""
    from ..ingest.inputs import Inputs

    return Inputs(paths, metadata=metadata, global_ids=global_ids, stdin=sys.stdin.buffer)


def _dask_spec(ctx, param, value):
    from ..cluster import parse_spec  # imports no Dask

    if value is not None:
        try:
            parse_spec(value)
        except ValueError as e:
            raise click.BadParameter(str(e)) from None
    return value


@main.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@index_option
@click.option("--rebuild", is_flag=True, help="Start a fresh index instead of updating it.")
@click.option("--aliases", type=click.Path(exists=True, dir_okay=False),
              help="Tab-separated file: alias, canonical name (one pair a line); kept as INDEX/aliases.tsv.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes that extract statements while this one writes the index  [default: number of cores]")
@click.option("--dask", metavar="SCHEDULER", callback=_dask_spec,
              help="Extract on a Dask cluster: its scheduler's address (tcp://HOST:8786), or local[:N] for N "
                   "worker processes here (needs `pip install 'quotesearch[dask]'`).")
@click.option("--verbose", "-v", is_flag=True, help="Also say which files were not UTF-8 and how they were read.")
@input_options
def index_cmd(paths, index_dir, rebuild, aliases, jobs, dask, verbose, metadata, global_ids):
    """Extract statements from articles and add them to the index.

    PATHS are .txt/.md files, .html/.htm pages (needs `pip install
    'quotesearch[html]'`), .jsonl/.ndjson/.json/.csv archives with one article per
    record (also .gz/.bz2), folders of them (searched recursively), or - for a JSON
    Lines archive on standard input. Archive fields are found by their usual names
    (text/maintext/body/content, title/headline, date/date_publish/published/
    publication_date, url/link, outlet/publication/publisher/source_domain/sitename,
    id/article_id/guid).

    Source ids: a file's path under the folder given, without extension
    (seeds/kursk-incursion.txt: kursk-incursion; crawl/a/story.txt: a/story), a
    file given by name its name; a record's id within its archive's (news/17)
    unless --global-ids. README, LICENSE ... files in folders are left out. A
    metadata.tsv/.csv/.jsonl in a folder given (or beside it) gives the files'
    date, outlet, url and title by the same names; --metadata names one elsewhere.

    Articles that did not change since the last run are skipped; changed ones replace
    their old statements. The result is the same whatever --jobs says, and with --dask.

    The same person is one speaker across articles when their full names agree once
    case, accents and titles are folded; --aliases merges the rest ("Zelenskyy" TAB
    "Volodymyr Zelensky"). The same quote in several outlets gets one quote group.

    \b
    Examples:
      quotesearch index seeds/
      quotesearch index --rebuild --index /tmp/idx articles/ more.txt
      quotesearch index crawl/news-2024.jsonl.gz --aliases aliases.tsv
      zcat dump.jsonl.gz | quotesearch index -
      quotesearch index crawl/ --dask tcp://10.0.0.5:8786
    """
    if dask is not None and jobs is not None:
        raise click.UsageError("--jobs and --dask cannot be used together (with --dask, the Dask workers extract)")
    inputs = _inputs(paths, metadata, global_ids)
    with _index(index_dir) as ix, _progress(inputs, dask) as (items, tick, tasks):
        summary = ix.add(items, jobs=jobs, rebuild=rebuild, aliases=aliases, progress=tick, dask=dask,
                         task_progress=tasks)
    if verbose:
        for line in summary.encodings:
            click.echo(line, err=True)
    _report_skipped(summary.skipped_inputs)
    if not summary.files and not summary.skipped:
        raise click.ClickException("nothing was indexed; check the files named above")
    click.echo(_summary_line(summary, index_dir))


@contextlib.contextmanager
def _progress(inputs, dask=None):
    """(the inputs to index, a per-input callback, a per-task callback) with a progress bar on standard
    error: over the inputs as they are read when their number is not known (archives, standard input),
    else counted as they are done once there are PROGRESS_MIN_FILES or more; with ``dask``, over the
    cluster's tasks (done / total) with the statements written per second."""
    if dask is not None:
        with _task_progress() as tasks:
            yield inputs, None, tasks
    elif inputs.total is None:
        with click.progressbar(inputs, label="Indexing", file=sys.stderr, show_pos=True) as bar:
            yield bar, None, None
    elif inputs.total >= PROGRESS_MIN_FILES:
        with click.progressbar(length=inputs.total, label="Indexing", file=sys.stderr) as bar:
            yield inputs, lambda *_: bar.update(1), None
    else:
        yield inputs, None, None


@contextlib.contextmanager
def _task_progress():
    """A task_progress callback (done, total, statements, seconds) drawing tasks done / total and
    statements/s; the bar starts with the first task done (the total grows while archives that are
    read here are still being read)."""
    with contextlib.ExitStack() as stack:
        bars = []

        def tick(done, total, statements, seconds):
            if not bars:
                bars.append(stack.enter_context(click.progressbar(
                    length=total or done, label="Indexing on Dask", file=sys.stderr, show_pos=True,
                    item_show_func=lambda rate: rate)))
            bar = bars[0]
            bar.length = max(total or done, done)
            rate = f"{statements / seconds:,.0f} statements/s" if seconds > 0 else None
            bar.update(done - bar.pos, rate)

        yield tick



SKIPS_EACH = 3  # inputs skipped for one reason named one by one; more are one line


def _report_skipped(skipped: list) -> None:
    """One line per input left out (a Skipped), except when more than SKIPS_EACH share a reason (then
    one line names the first and counts them), and web pages left out for want of the html extra:
    one line for all. Names and reasons are shown terminal-safe (a name may hold control characters)."""
    from ..ingest.html import NEEDS_HTML_EXTRA
    from .output import visible

    groups: dict[tuple, list] = collections.defaultdict(list)
    for item in skipped:
        groups[(item.code, item.message)].append(item)
    for (code, message), group in groups.items():
        pages = code == NEEDS_HTML_EXTRA
        if len(group) > (1 if pages else SKIPS_EACH):
            count = sum(item.count for item in group)
            what = _plural(count, "web page") if pages else f"{count:,} inputs"
            click.echo(f"skipped {what} ({visible(group[0].name)} …): {visible(message)}", err=True)
        else:
            for item in group:
                click.echo(f"skipped {visible(str(item))}", err=True)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _summary_line(s, index_dir) -> str:
    from ..store import shown_location

    extra = [f"{s.skipped} unchanged"] if s.skipped else []
    extra += [f"{len(s.errors)} skipped with errors"] if s.errors else []
    return (f"Indexed {_plural(s.files, 'article')}: {_plural(s.statements, 'statement')}, "
            f"{_plural(s.speakers, 'speaker')}, {s.seconds:.2f} seconds"
            + (f" ({', '.join(extra)})" if extra else "")
            + f". The index in {shown_location(index_dir)} now has {_plural(s.total_statements, 'statement')} "
              f"from {_plural(s.total_sources, 'source')}.")


@main.command(short_help="Search statements by keyword, speaker, role, org, date, outlet.")
@click.argument("query", nargs=-1)
@filter_options()
@click.option("--sort", type=click.Choice(["relevance", "date", "-date"]), default="relevance", show_default=True,
              help="Best matches first, or by the article's date (-date: newest first; undated last).")
@click.option("--group", is_flag=True, help="One hit per quote carried by several sources, with their number.")
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True,
              help="Most hits to show; 0 for all.")
@index_option
@output_options()
def search(query, speaker, role, org, source, kind, since, until, outlet, sort, group, limit, index_dir, fmt):
    """Search statements by keywords in the quote text, filtered by speaker, role, ...

    QUERY: words (all must match), "exact phrases", OR, NOT or -word, (groups),
    prefix*, and field:value for speaker, role, org, outlet, told, kind, cue, source,
    title, paragraph and quote_group (Lucene's syntax). With no QUERY, every statement passing the
    filters is listed in reading order (or by date with --sort).

    \b
    Examples:
      quotesearch search troops
      quotesearch search '"pressure on the aggressor"'
      quotesearch search --speaker barros russia
      quotesearch search 'kind:direct AND org:isw'
      quotesearch search --source kursk-incursion --kind indirect --format json
      quotesearch search ceasefire --since 2024-08 --until 2024-09-15 --outlet reuters --sort date
      quotesearch search --speaker zelensky --group
    """
    text = " ".join(query)
    filters = _filters(speaker=speaker, role=role, org=org, source=source, kind=kind, since=since,
                       until=until, outlet=outlet)
    with _index(index_dir) as ix:
        results = ix.search(text, filters=filters, limit=limit, sort=sort, group=group)
        note = _speaker_note(ix, speaker) if speaker is not None and fmt == "table" else None
        # Found statements that a date or outlet filter let through have a date, an outlet: nothing
        # lacks. Sorted by date, the undated come last, so only an undated first hit says dates lack.
        undated_first = bool(results.hits) and sort in ("date", "-date") and not results.hits[0].statement.date
        missing = ix.lacks(text, filters=filters, sort=sort) if not results.hits or (fmt == "table" and undated_first) \
            else None
        empty = missing or ("" if results.hits else _why_no_hits(ix, text, filters))
    rows = [hit.to_dict() for hit in results]
    emit(rows, fmt, GROUP_COLUMNS if group else SEARCH_COLUMNS, empty=empty or "no matching statements")
    for line in (note, missing if results.hits else None):
        if line:
            click.echo(f"({line})", err=True)
    if fmt == "table" and results.total > len(results.hits):
        click.echo(f"({len(results.hits)} of {results.total} shown; use --limit to see more)", err=True)


def _index(index_dir):
    from ..api import Index

    return Index(index_dir)


def _why_no_hits(ix, query: str, filters) -> str:
    """Why a search found nothing: the filters, and a hint to --speaker when the query's words
    are a speaker's name rather than words of quotes."""
    import dataclasses

    from ..errors import QuotesearchError

    given = _described(**{("org" if k == "organization" else k): v for k, v in dataclasses.asdict(filters).items()})
    if not query.strip():
        return f"no statement matches {given}" if given else "no statements in the index"
    message = f"no statement matches {_shown(query)}" + (f" with {given}" if given else "")
    if filters.speaker is None and ":" not in query and '"' not in query:
        try:
            matches = ix.speaker_matches(query)
        except Exception as e:  # not a name (no letters, only stop words): no hint
            if not isinstance(e, QuotesearchError):
                raise
            matches = []
        if matches:
            names = ", ".join(name for _, name, _ in matches[:3]) + (", …" if len(matches) > 3 else "")
            message += (f" in quote text; {_shown(query)} is a speaker ({names}): "
                        f"try quotesearch search --speaker {_shown(query)}")
    return message


def _speaker_note(ix, speaker: str, shown: int = 6) -> Optional[str]:
    """One line naming the speakers a --speaker name matched, when it matched several."""
    import re
    import shlex

    matches = ix.speaker_matches(speaker)
    if len(matches) < 2:
        return None
    names = ", ".join(name for _, name, _ in matches[:shown])
    more = f" and {len(matches) - shown} more" if len(matches) > shown else ""
    quoted = speaker if re.fullmatch(r"[\w.-]+", speaker) else shlex.quote(speaker)
    return (f"speaker {speaker!r} matched {len(matches)} speakers: {names}{more}; "
            f"list them with `quotesearch speakers --speaker {quoted}`")


def _shown(text: str, width: int = 60) -> str:
    """User input as a message quotes it: cut short when long."""
    return repr(text if len(text) <= width else text[:width] + "…")


def _whole_id(ix, text: str) -> str:
    """An id as a table shows it, shortened in the middle ('2024-08…cursion:166'), made whole again
    when one source fits it; anything else as it is."""
    from .output import ELLIPSIS

    text = text.strip()
    if text.count(ELLIPSIS) != 1 or " " in text:
        return text
    head, tail = text.split(ELLIPSIS)
    source_tail, colon, offset = tail.rpartition(":")
    if not colon or not offset.isdigit():
        source_tail, colon, offset = tail, "", ""
    found = [src.source for src in ix.sources()
             if src.source.startswith(head) and src.source.endswith(source_tail)
             and len(src.source) >= len(head) + len(source_tail)]
    if len(found) == 1:
        return found[0] + colon + offset
    if found:
        raise click.ClickException(f"{text!r} is short for {_plural(len(found), 'source')} "
                                   f"({', '.join(found[:3])}{', …' if len(found) > 3 else ''}); give the whole id "
                                   "(--format json shows it)")
    return text


def _limited(rows: list, limit: int, fmt: str) -> list:
    if limit and len(rows) > limit:
        if fmt == "table":
            click.echo(f"({limit} of {len(rows)} shown; use --limit to see more)", err=True)
        return rows[:limit]
    return rows


@main.command(short_help="List every speaker with statements, articles, first and last date.")
@filter_options("speaker", "since", "until", "outlet")
@click.option("--limit", type=click.IntRange(min=0), default=0, show_default=True,
              help="Most speakers to show (those quoted most come first); 0 for all.")
@index_option
@output_options()
def speakers(speaker, since, until, outlet, limit, index_dir, fmt):
    """List every speaker: type, roles, statements, articles, first and last date.

    One person quoted in many articles is one row (names folded for case, accents
    and titles, plus the index's aliases). Anonymous and group speakers ("an
    official", "analysts") are one row per article.

    \b
    Examples:
      quotesearch speakers --format csv > speakers.csv
      quotesearch speakers --speaker zelensky --since 2024
    """
    filters = _filters(speaker=speaker, since=since, until=until, outlet=outlet)
    with _index(index_dir) as ix:
        rows = [sp.to_dict() for sp in ix.speakers(filters=filters)]
        missing = ix.lacks(filters=filters) if not rows else None
    given = _described(speaker=speaker, since=since, until=until, outlet=outlet)
    empty = missing or (f"no speaker matches {given}" if given else "no speakers in the index")
    if fmt == "table":  # the most used roles; the other formats list them all
        rows = [dict(r, roles=r["roles"][:TABLE_ROLES] + ([f"(+{len(r['roles']) - TABLE_ROLES} more)"]
                                                         if len(r["roles"]) > TABLE_ROLES else []))
                for r in rows]
    emit(_limited(rows, limit, fmt), fmt, SPEAKER_COLUMNS, empty=empty)


@main.command(short_help="List every source with its date, outlet, title and count.")
@filter_options("since", "until", "outlet")
@click.option("--limit", type=click.IntRange(min=0), default=0, show_default=True,
              help="Most sources to show; 0 for all.")
@index_option
@output_options()
def sources(since, until, outlet, limit, index_dir, fmt):
    """List every indexed source (article) with its date, outlet, title and number of statements.

    \b
    Examples:
      quotesearch sources
      quotesearch sources --outlet guardian --since 2024-01 --format csv
    """
    filters = _filters(since=since, until=until, outlet=outlet)
    with _index(index_dir) as ix:
        rows = [src.to_dict() for src in ix.sources(filters=filters)]
        missing = ix.lacks(filters=filters) if not rows else None
    given = _described(since=since, until=until, outlet=outlet)
    emit(_limited(rows, limit, fmt), fmt, SOURCE_COLUMNS,
         empty=missing or (f"no source matches {given}" if given else "no sources in the index"))


@main.command()
@click.argument("source_id")
@filter_options("speaker", "kind", "since", "until", "outlet")
@index_option
@output_options()
def source(source_id, speaker, kind, since, until, outlet, index_dir, fmt):
    """List all statements of one source in reading order.

    SOURCE_ID is the id listed by `quotesearch sources` (for a file, its name
    without extension).

    \b
    Example:
      quotesearch source kursk-incursion
    """
    with _index(index_dir) as ix:
        source_id = _whole_id(ix, source_id)
        rows = [st.to_dict() for st in ix.source(source_id, filters=_filters(
            speaker=speaker, kind=kind, since=since, until=until, outlet=outlet))]
    given = _described(speaker=speaker, kind=kind, since=since, until=until, outlet=outlet)
    emit(rows, fmt, STATEMENT_COLUMNS,
         empty=f"no statement in {source_id} matches {given}" if given else f"no statements in {source_id}")


@main.command(short_help="Show one statement in context, with its article's metadata.")
@click.argument("statement_id")
@index_option
@output_options()
def show(statement_id, index_dir, fmt):
    """Show one statement with its paragraph as context and its article's metadata.

    STATEMENT_ID is SOURCE:OFFSET, as printed by search and source. Offsets count
    characters of the article text as indexed (for a web page, the extracted text).

    \b
    Example:
      quotesearch show kursk-incursion:1234
    """
    with _index(index_dir) as ix:
        rec = ix.show(_whole_id(ix, statement_id)).to_dict()
    emit([rec], fmt, SHOW_COLUMNS, vertical=True)


@main.command(short_help="Every appearance of one quote, earliest first.")
@click.argument("text_or_id", nargs=-1, required=True)
@index_option
@output_options()
def trace(text_or_id, index_dir, fmt):
    """List every appearance of one quote, earliest first: who said it, where it
    first appeared, and how it travelled between outlets.

    TEXT_OR_ID is a statement id (SOURCE:OFFSET), a quote group id, or words of
    the quote (the statement sharing most of them is traced). The wording column
    says "(same)" where an appearance has the words of the first one, else shows it.

    \b
    Examples:
      quotesearch trace kursk-incursion:1234
      quotesearch trace "we will not back down"
    """
    from ..formats import trace_records

    with _index(index_dir) as ix:
        rows = trace_records(ix.trace(_whole_id(ix, " ".join(text_or_id))))
    if fmt == "table":  # the first appearance's words; "(same)" where a later one repeats them
        for n, row in enumerate(rows):
            row["wording"] = "(same)" if n and row["same_wording"] else row["text"]
    emit(rows, fmt, TRACE_COLUMNS, empty="no appearances")


@main.command(short_help="Write every statement passing the filters, without a limit.")
@click.argument("query", nargs=-1)
@filter_options()
@click.option("--sort", type=click.Choice(["reading", "date", "-date"]), default="reading", show_default=True,
              help="Order of the rows: by source and position, or by the article's date.")
@output_options(default="jsonl", formats=EXPORT_FORMATS)
@click.option("--output", "-o", type=click.File("w", encoding="utf-8", lazy=True), default="-",
              help="File to write (default: standard output).")
@index_option
def export(query, speaker, role, org, source, kind, since, until, outlet, sort, fmt, output, index_dir):
    """Write every statement passing the filters (and QUERY, if given) as JSON Lines,
    a JSON array or CSV, one row at a time, however many there are.

    CSV columns: speaker, role, organization, text, kind, date, outlet, title, url,
    source, quote_group, speaker_key, id, cue, given_to. JSON Lines records have
    every field.

    \b
    Examples:
      quotesearch export --format csv -o everything.csv
      quotesearch export --speaker zelensky --since 2024-08 --format csv > zelensky.csv
    """
    from .output import visible

    filters = _filters(speaker=speaker, role=role, org=org, source=source, kind=kind, since=since,
                       until=until, outlet=outlet)
    with _index(index_dir) as ix:
        count = ix.export(output, fmt, " ".join(query), filters=filters, sort=sort,
                          clean=visible if output is sys.stdout and to_terminal() else str)
    if not count:
        given = _described(speaker=speaker, role=role, org=org, source=source, kind=kind, since=since,
                           until=until, outlet=outlet)
        nothing_found("no matching statements" + (f" for {_shown(' '.join(query))}" if query else "")
                      + (f" with {given}" if given else ""))


@main.command(short_help="Serve a local web interface (pages and a JSON API) over the index.")
@index_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but 127.0.0.1/localhost lets other machines read the index.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
def serve(index_dir, host, port):
    """Serve a local, read-only web interface over the index: search, speakers, articles with
    their statements in place, traces, exports, and a JSON API (/api/search …).

    \b
    Example:
      quotesearch serve --index index/      # then open http://127.0.0.1:8000/
    """
    try:
        from ..web.app import create_app
        from ..web.server import LOOPBACK_NAMES, is_loopback, listen, server, url_of
    except ModuleNotFoundError as e:
        from ..web import NEEDS

        if (e.name or "").split(".")[0] not in NEEDS:
            raise
        raise click.ClickException("the web interface needs its extra: pip install 'quotesearch[web]'") from None
    ctx = click.get_current_context()
    explain = functools.partial(_with_hint, index_given=ctx.meta.get(INDEX_GIVEN))
    from ..errors import QuotesearchError

    try:
        with _index(index_dir) as ix:
            ix.search("", limit=1)  # opens the index: a missing one is said now, and on every page
    except QuotesearchError as e:
        click.echo(f"warning: {explain(e)}", err=True)
    loopback = is_loopback(host)
    if not loopback:
        click.echo(f"warning: listening on {host}, not 127.0.0.1: anyone who can reach this machine on port {port} "
                   "can read the index", err=True)
    try:
        sock = listen(host, port)
    except OSError as e:
        raise click.ClickException(f"cannot listen on {host}:{port}: {e.strerror or e}; "
                                   "try another --port") from None
    app = create_app(index_dir, explain=explain, allowed_hosts=LOOPBACK_NAMES if loopback else None)
    from ..store import shown_location

    click.echo(f"Serving the index at {shown_location(index_dir)} on {url_of(sock)} (read-only; Ctrl-C stops)",
               err=True)
    with sock:
        server(app).run(sockets=[sock])


@main.command()
@click.argument("gold", type=click.Path(exists=True))
@click.option("--text-dir", type=click.Path(exists=True, file_okay=False),
              help="Folder with the article texts, when not next to the gold files.")
@output_options(formats=("table", "json"))
@click.option("--show-errors", type=click.IntRange(min=0), default=0, show_default=True,
              help="List up to N wrong or missed statements.")
def evaluate(gold, text_dir, fmt, show_errors):
    """Score the extractor against hand-checked gold annotations.

    GOLD is a brat corpus folder (attributions/ and text/), a folder of .ann files,
    JSON Lines gold (a .jsonl file or a folder of them), or paragraph gold (a corpus
    folder with gold/NAME.jsonl beside text/NAME.txt, as in the news sample).

    \b
    Examples:
      quotesearch evaluate tests/gold/kursk-incursion.jsonl --text-dir seeds
      quotesearch evaluate ../shared/corpora/polnear-train --show-errors 10
      quotesearch evaluate ../shared/corpora/news-sample --format json
    """
    try:
        from ..evaluation.evaluate import evaluate_path, render_report
    except ImportError as e:
        raise click.ClickException(f"evaluation is not available in this build ({e})")
    try:
        report = evaluate_path(gold, text_dir=text_dir, show_errors=show_errors)
    except (OSError, ValueError) as e:  # gold.EvaluateError is a ValueError
        raise click.ClickException(f"cannot evaluate {gold}: {e}")
    click.echo(json.dumps(report, indent=2) if fmt == "json" else render_report(report))


if __name__ == "__main__":
    main()
