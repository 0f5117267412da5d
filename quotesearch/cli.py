"""The ``quotesearch`` command line. The only module that knows about click, terminals and exit codes.

Heavy modules (whoosh, nltk, the extractor) are imported inside the commands, so that
``quotesearch --help`` stays instant.
"""
from __future__ import annotations

import functools
import json
import os
import sys

import click

from . import __version__
from .output import FORMATS

DEFAULT_INDEX = "index"
PROGRESS_MIN_FILES = 4
TABLE_ROLES = 3  # roles of a speaker shown in a table

SEARCH_COLUMNS = [("id", "id"), ("day", "date"), ("speaker", "speaker"), ("role", "role"), ("highlight", "quote")]
GROUP_COLUMNS = SEARCH_COLUMNS[:-1] + [("sources", "sources"), ("highlight", "quote")]
STATEMENT_COLUMNS = [("id", "id"), ("kind", "kind"), ("speaker", "speaker"), ("role", "role"),
                     ("text", "text")]
SPEAKER_COLUMNS = [("speaker", "speaker"), ("type", "type"), ("roles", "roles"), ("count", "count"),
                   ("articles", "articles"), ("first", "first"), ("last", "last")]
SOURCE_COLUMNS = [("source", "source"), ("day", "date"), ("outlet", "outlet"), ("title", "title"), ("count", "count")]
SHOW_COLUMNS = [(k, k) for k in ("id", "source", "title", "date", "outlet", "url", "kind", "speaker", "speaker_key",
                                 "mention", "speaker_type", "role", "organization", "given_to", "cue", "paragraph",
                                 "spans", "quote_group", "text", "context")]
TRACE_COLUMNS = [("day", "date"), ("outlet", "outlet"), ("speaker", "speaker"), ("wording", "wording"), ("url", "url")]
EXPORT_COLUMNS = ("speaker", "role", "organization", "text", "kind", "date", "outlet", "title", "url", "source",
                  "quote_group", "speaker_key", "id", "cue", "given_to")
INPUTS = ".txt/.md files, .html/.htm pages, or .jsonl/.ndjson/.json/.csv archives (also .gz/.bz2)"


class Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # `quotesearch ... | head`: stop quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(1)


def output_options(default: str = "table"):
    """The shared ``--format`` option of every listing command."""
    return click.option("--format", "fmt", type=click.Choice(FORMATS), default=default, show_default=True,
                        help="Output format.")


def index_option(fn):
    """The shared ``--index DIR`` option (env QUOTESEARCH_INDEX)."""
    return click.option("--index", "index_dir", envvar="QUOTESEARCH_INDEX", default=DEFAULT_INDEX,
                        show_default=True, type=click.Path(file_okay=False),
                        help="Index folder (or set QUOTESEARCH_INDEX).")(fn)


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
    from .search import Filters

    return Filters(**kw)


def user_errors(fn):
    """Turn the errors a user can fix into one line (with a hint) and exit status 1."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as e:
            if isinstance(e, _user_error_types()):
                raise click.ClickException(str(e)) from None
            raise
    return wrapper


def _user_error_types() -> tuple:
    from .read import ReadError

    index = sys.modules.get("quotesearch.index")  # only loaded (with whoosh) by commands that need it
    return (ReadError,) + ((index.QuotesearchError,) if index else ())


def emit(rows, fmt: str, columns=None, vertical: bool = False, empty: str = "nothing found") -> None:
    from .output import render

    if not rows and fmt == "table":
        click.echo(f"({empty})", err=True)
        return
    if fmt == "table":  # dates without their time of day
        rows = [dict(row, day=(row.get("date") or "")[:10]) for row in rows]
    text = render(rows, fmt, columns, vertical=vertical)
    if text:
        click.echo(text)


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


@main.command(short_help="Print the statements found in articles.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@output_options(default="jsonl")
@user_errors
def extract(paths, fmt):
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
    from . import extract as extractor
    from .read import read_article
    from .records import Article

    from .output import json_line

    stream = fmt == "jsonl"  # one article's records at a time: an archive may hold millions
    records, read, skipped = [], 0, []
    for item in _items(paths):
        if not isinstance(item, Article) and not hasattr(item, "is_file"):
            skipped.append(str(item))  # a Skipped record or a ReadError
            continue
        try:
            article = item if isinstance(item, Article) else read_article(item)
            found = [st.to_dict() for st in extractor.extract(article)]
            read += 1
            if stream:
                for rec in found:
                    click.echo(json_line(rec))
            else:
                records += found
        except Exception as e:
            if not isinstance(e, _user_error_types()):  # an extractor bug: name the input, keep going
                e = f"{getattr(item, 'path', item)}: extraction failed: {type(e).__name__}: {e}"
            skipped.append(str(e))
    _report_skipped(skipped)
    failed = len(skipped)
    if not stream:
        emit(records, fmt, STATEMENT_COLUMNS, empty="no statements found")
    if not read:
        raise click.ClickException("no file could be read" if failed else f"no articles in {', '.join(paths)}")


def _input_files(paths) -> list:
    from .inputs import STDIN, input_files

    files = input_files(paths)
    if not files and STDIN not in paths:
        raise click.ClickException(f"no articles in {', '.join(paths)}; quotesearch reads {INPUTS}")
    return files


def _items(paths, files=None):
    from .inputs import STDIN, items

    files = _input_files(paths) if files is None else files
    return items(files, sys.stdin.buffer if STDIN in paths else None)


@main.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@index_option
@click.option("--rebuild", is_flag=True, help="Start a fresh index instead of updating it.")
@click.option("--aliases", type=click.Path(exists=True, dir_okay=False),
              help="Tab-separated file: alias, canonical name (one pair a line); kept as INDEX/aliases.tsv.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes that extract statements while this one writes the index  [default: number of cores]")
@click.option("--verbose", "-v", is_flag=True, help="Also say which files were not UTF-8 and how they were read.")
@user_errors
def index_cmd(paths, index_dir, rebuild, aliases, jobs, verbose):
    """Extract statements from articles and add them to the index.

    PATHS are .txt/.md files, .html/.htm pages (needs `pip install
    'quotesearch[html]'`), .jsonl/.ndjson/.json/.csv archives with one article per
    record (also .gz/.bz2), folders of them (searched recursively), or - for a JSON
    Lines archive on standard input. Archive fields are found by their usual names
    (text/maintext/body/content, title/headline, date/date_publish/published,
    url/link, outlet/publication/source_domain/sitename, id/article_id/guid).

    Articles that did not change since the last run are skipped; changed ones replace
    their old statements. The result is the same whatever --jobs says.

    The same person is one speaker across articles when their full names agree once
    case, accents and titles are folded; --aliases merges the rest ("Zelenskyy" TAB
    "Volodymyr Zelensky"). The same quote in several outlets gets one quote group.

    \b
    Examples:
      quotesearch index seeds/
      quotesearch index --rebuild --index /tmp/idx articles/ more.txt
      quotesearch index crawl/news-2024.jsonl.gz --aliases aliases.tsv
      zcat dump.jsonl.gz | quotesearch index -
    """
    from .writer import index_articles

    from .inputs import STDIN, is_archive

    files = _input_files(paths)
    streaming = STDIN in paths or any(is_archive(f) for f in files)
    count = None if streaming else len(files)
    # a pool is not worth it for one or two articles
    jobs = max(1, min(jobs or os.cpu_count() or 1, 64 if streaming else len(files) // 2))
    stream = _items(paths, files)
    run = functools.partial(index_articles, index_dir, rebuild=rebuild, jobs=jobs, aliases=aliases)
    if streaming:  # the number of records is not known before they are read: count them as they are
        with click.progressbar(stream, label="Indexing", file=sys.stderr, show_pos=True) as bar:
            summary = run(bar)
    elif count >= PROGRESS_MIN_FILES:
        with click.progressbar(length=count, label="Indexing", file=sys.stderr) as bar:
            summary = run(stream, progress=lambda *_: bar.update(1))
    else:
        summary = run(stream)
    if verbose:
        for line in summary.encodings:
            click.echo(line, err=True)
    _report_skipped(summary.errors)
    click.echo(_summary_line(summary, index_dir))
    if not summary.files and not summary.skipped:
        raise click.ClickException("nothing was indexed; check the files named above")


HTML_EXTRA = "needs the html extra"


def _report_skipped(errors: list[str]) -> None:
    """One line per input skipped, except web pages skipped for want of the html extra: one line for all."""
    pages = [e for e in errors if HTML_EXTRA in e]
    for error in errors:
        if HTML_EXTRA not in error:
            click.echo(f"skipped {error}", err=True)
    if len(pages) == 1:
        click.echo(f"skipped {pages[0]}", err=True)
    elif pages:
        reason = pages[0].split(": ", 1)[1]
        click.echo(f"skipped {_plural(len(pages), 'web page')} ({pages[0].split(': ', 1)[0]} …): {reason}", err=True)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _summary_line(s, index_dir) -> str:
    extra = [f"{s.skipped} unchanged"] if s.skipped else []
    extra += [f"{len(s.errors)} skipped with errors"] if s.errors else []
    return (f"Indexed {_plural(s.files, 'article')}: {_plural(s.statements, 'statement')}, "
            f"{_plural(s.speakers, 'speaker')}, {s.seconds:.2f} seconds"
            + (f" ({', '.join(extra)})" if extra else "")
            + f". The index in {index_dir} now has {_plural(s.total_statements, 'statement')} "
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
@user_errors
def search(query, speaker, role, org, source, kind, since, until, outlet, sort, group, limit, index_dir, fmt):
    """Search statements by keywords in the quote text, filtered by speaker, role, ...

    QUERY uses whoosh syntax: words (all must match), "exact phrases", OR, NOT,
    prefix*, and field:value for speaker, role, org, outlet, told, kind, cue, source,
    title, paragraph and quote_group. With no QUERY, every statement passing the
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
    from .search import QuoteSearcher

    filters = _filters(speaker=speaker, role=role, org=org, source=source, kind=kind, since=since,
                       until=until, outlet=outlet)
    with QuoteSearcher(index_dir) as qs:
        results = qs.search(" ".join(query), filters, limit=limit, sort=sort, group=group)
        note = qs.speaker_note(speaker) if speaker is not None and fmt == "table" else None
        missing = qs.missing_metadata(filters, sort, " ".join(query)) if fmt == "table" else None
    emit(results.hits, fmt, GROUP_COLUMNS if group else SEARCH_COLUMNS, empty=missing or "no matching statements")
    for line in (note, missing if results.hits else None):
        if line and fmt == "table":
            click.echo(f"({line})", err=True)
    if fmt == "table" and results.total > len(results.hits):
        click.echo(f"({len(results.hits)} of {results.total} shown; use --limit to see more)", err=True)


@main.command(short_help="List every speaker with statements, articles, first and last date.")
@filter_options("speaker", "since", "until", "outlet")
@index_option
@output_options()
@user_errors
def speakers(speaker, since, until, outlet, index_dir, fmt):
    """List every speaker: type, roles, statements, articles, first and last date.

    One person quoted in many articles is one row (names folded for case, accents
    and titles, plus the index's aliases). Anonymous and group speakers ("an
    official", "analysts") are one row per article.

    \b
    Examples:
      quotesearch speakers --format csv > speakers.csv
      quotesearch speakers --speaker zelensky --since 2024
    """
    from .search import QuoteSearcher

    with QuoteSearcher(index_dir) as qs:
        rows = qs.speakers(_filters(speaker=speaker, since=since, until=until, outlet=outlet))
        missing = qs.missing_metadata(_filters(since=since, until=until, outlet=outlet)) if not rows else None
    if fmt == "table":  # the most used roles; the other formats list them all
        rows = [dict(r, roles=r["roles"][:TABLE_ROLES] + ([f"(+{len(r['roles']) - TABLE_ROLES} more)"]
                                                         if len(r["roles"]) > TABLE_ROLES else []))
                for r in rows]
    emit(rows, fmt, SPEAKER_COLUMNS, empty=missing or "no speakers in the index")


@main.command(short_help="List every source with its date, outlet, title and count.")
@filter_options("since", "until", "outlet")
@index_option
@output_options()
@user_errors
def sources(since, until, outlet, index_dir, fmt):
    """List every indexed source (article) with its date, outlet, title and number of statements.

    \b
    Examples:
      quotesearch sources
      quotesearch sources --outlet guardian --since 2024-01 --format csv
    """
    from .search import QuoteSearcher

    with QuoteSearcher(index_dir) as qs:
        rows = qs.sources(_filters(since=since, until=until, outlet=outlet))
        missing = qs.missing_metadata(_filters(since=since, until=until, outlet=outlet)) if not rows else None
    emit(rows, fmt, SOURCE_COLUMNS, empty=missing or "no sources in the index")


@main.command()
@click.argument("source_id")
@filter_options("speaker", "kind", "since", "until", "outlet")
@index_option
@output_options()
@user_errors
def source(source_id, speaker, kind, since, until, outlet, index_dir, fmt):
    """List all statements of one source in reading order.

    SOURCE_ID is the id listed by `quotesearch sources` (for a file, its name
    without extension).

    \b
    Example:
      quotesearch source kursk-incursion
    """
    from .search import QuoteSearcher

    with QuoteSearcher(index_dir) as qs:
        rows = qs.source(source_id, _filters(speaker=speaker, kind=kind, since=since, until=until, outlet=outlet))
    emit(rows, fmt, STATEMENT_COLUMNS, empty=f"no statements in {source_id}")


@main.command(short_help="Show one statement in context, with its article's metadata.")
@click.argument("statement_id")
@index_option
@output_options()
@user_errors
def show(statement_id, index_dir, fmt):
    """Show one statement with its paragraph as context and its article's metadata.

    STATEMENT_ID is SOURCE:OFFSET, as printed by search and source. Offsets count
    characters of the article text as indexed (for a web page, the extracted text).

    \b
    Example:
      quotesearch show kursk-incursion:1234
    """
    from .search import QuoteSearcher

    with QuoteSearcher(index_dir) as qs:
        rec = qs.show(statement_id)
    emit([rec], fmt, SHOW_COLUMNS, vertical=True)


@main.command(short_help="Every appearance of one quote, earliest first.")
@click.argument("text_or_id", nargs=-1, required=True)
@index_option
@output_options()
@user_errors
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
    from .search import QuoteSearcher

    with QuoteSearcher(index_dir) as qs:
        rows = qs.trace(" ".join(text_or_id))
    for row in rows:
        row["wording"] = "(same)" if row["same_wording"] else row["text"]
    if fmt != "table":
        for row in rows:
            row.pop("wording")
    emit(rows, fmt, TRACE_COLUMNS, empty="no appearances")


@main.command(short_help="Write every statement passing the filters, without a limit.")
@click.argument("query", nargs=-1)
@filter_options()
@click.option("--sort", type=click.Choice(["reading", "date", "-date"]), default="reading", show_default=True,
              help="Order of the rows: by source and position, or by the article's date.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True,
              help="Output format.")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8", lazy=True), default="-",
              help="File to write (default: standard output).")
@index_option
@user_errors
def export(query, speaker, role, org, source, kind, since, until, outlet, sort, fmt, output, index_dir):
    """Write every statement passing the filters (and QUERY, if given) as JSON Lines
    or CSV, one row at a time, however many there are.

    CSV columns: speaker, role, organization, text, kind, date, outlet, title, url,
    source, quote_group, speaker_key, id, cue, given_to. JSON Lines records have
    every field.

    \b
    Examples:
      quotesearch export --format csv -o everything.csv
      quotesearch export --speaker zelensky --since 2024-08 --format csv > zelensky.csv
    """
    from .output import csv_writer, json_line
    from .search import QuoteSearcher

    filters = _filters(speaker=speaker, role=role, org=org, source=source, kind=kind, since=since,
                       until=until, outlet=outlet)
    with QuoteSearcher(index_dir) as qs:
        rows = qs.statements(filters, sort="relevance" if sort == "reading" else sort, query=" ".join(query))
        if fmt == "csv":
            write = csv_writer(output, EXPORT_COLUMNS)
            for row in rows:
                write(row)
        else:
            for row in rows:
                output.write(json_line(row) + "\n")


@main.command()
@click.argument("gold", type=click.Path(exists=True))
@click.option("--text-dir", type=click.Path(exists=True, file_okay=False),
              help="Folder with the article texts, when not next to the gold files.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Output format.")
@click.option("--show-errors", type=click.IntRange(min=0), default=0, show_default=True,
              help="List up to N wrong or missed statements.")
@user_errors
def evaluate(gold, text_dir, fmt, show_errors):
    """Score the extractor against hand-checked gold annotations.

    GOLD is a brat corpus folder (attributions/ and text/), a folder of .ann files,
    or JSON Lines gold (a .jsonl file or a folder of them).

    \b
    Examples:
      quotesearch evaluate tests/gold/kursk-incursion.jsonl --text-dir seeds
      quotesearch evaluate ../shared/corpora/polnear-train --show-errors 10
    """
    try:
        from .evaluate import evaluate_path, render_report
    except ImportError as e:
        raise click.ClickException(f"evaluation is not available in this build ({e})")
    try:
        report = evaluate_path(gold, text_dir=text_dir, show_errors=show_errors)
    except (OSError, ValueError) as e:  # gold.EvaluateError is a ValueError
        raise click.ClickException(f"cannot evaluate {gold}: {e}")
    click.echo(json.dumps(report, indent=2) if fmt == "json" else render_report(report))


if __name__ == "__main__":
    main()
