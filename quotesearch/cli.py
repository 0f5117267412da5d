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

SEARCH_COLUMNS = [("id", "id"), ("speaker", "speaker"), ("role", "role"), ("highlight", "quote")]
STATEMENT_COLUMNS = [("id", "id"), ("kind", "kind"), ("speaker", "speaker"), ("role", "role"),
                     ("text", "text")]
SPEAKER_COLUMNS = [("speaker", "speaker"), ("type", "type"), ("roles", "roles"), ("count", "count")]
SOURCE_COLUMNS = [("source", "source"), ("title", "title"), ("count", "count")]
SHOW_COLUMNS = [(k, k) for k in ("id", "source", "title", "kind", "speaker", "mention", "speaker_type",
                                 "role", "organization", "outlet", "cue", "paragraph", "spans",
                                 "text", "context")]


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

    The index lives in ./index unless --index DIR or QUOTESEARCH_INDEX says otherwise.
    """


@main.command(short_help="Print the statements found in article files.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@output_options(default="jsonl")
@user_errors
def extract(paths, fmt):
    """Print the statements found in article files, without touching any index.

    PATHS are .txt/.md files or folders (searched recursively). Each record has the
    fields id, source, text, kind, speaker, mention, speaker_type, role,
    organization, outlet, cue, paragraph, spans and context.

    \b
    Examples:
      quotesearch extract seeds/kursk-incursion.txt
      quotesearch extract seeds/ --format table
    """
    from . import extract as extractor
    from .read import ReadError, read_article

    files = _files(paths)
    records, failed = [], 0
    for path in files:
        try:
            records += [st.to_dict() for st in extractor.extract(read_article(path))]
        except ReadError as e:
            click.echo(f"skipped {e}", err=True)
            failed += 1
        except Exception as e:  # an extractor bug: name the file, keep going
            click.echo(f"skipped {path}: extraction failed: {type(e).__name__}: {e}", err=True)
            failed += 1
    emit(records, fmt, STATEMENT_COLUMNS, empty="no statements found")
    if failed == len(files):
        raise click.ClickException("no file could be read")


def _files(paths) -> list:
    from .read import find_files

    files = list(find_files(paths))
    if not files:
        raise click.ClickException(f"no .txt or .md files in {', '.join(paths)}")
    return files


@main.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@index_option
@click.option("--rebuild", is_flag=True, help="Start a fresh index instead of updating it.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes that extract statements while this one writes the index  [default: number of cores]")
@user_errors
def index_cmd(paths, index_dir, rebuild, jobs):
    """Extract statements from article files and add them to the index.

    PATHS are .txt/.md files or folders (searched recursively). Files that did not
    change since the last run are skipped; changed files replace their old statements.

    The result is the same whatever --jobs says.

    \b
    Examples:
      quotesearch index seeds/
      quotesearch index --rebuild --index /tmp/idx articles/ more.txt
      quotesearch index --jobs 1 seeds/
    """
    from .index import index_articles

    files = _files(paths)
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(files) // 2))  # a pool is not worth it for one or two files
    if len(files) >= PROGRESS_MIN_FILES:
        with click.progressbar(length=len(files), label="Indexing", file=sys.stderr) as bar:
            summary = index_articles(index_dir, files, rebuild=rebuild, progress=lambda *_: bar.update(1), jobs=jobs)
    else:
        summary = index_articles(index_dir, files, rebuild=rebuild, jobs=jobs)
    for error in summary.errors:
        click.echo(f"skipped {error}", err=True)
    click.echo(_summary_line(summary, index_dir))
    if not summary.files and not summary.skipped:
        raise click.ClickException("nothing was indexed; check the files named above")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _summary_line(s, index_dir) -> str:
    extra = [f"{s.skipped} unchanged"] if s.skipped else []
    extra += [f"{len(s.errors)} skipped with errors"] if s.errors else []
    return (f"Indexed {_plural(s.files, 'file')}: {_plural(s.statements, 'statement')}, "
            f"{_plural(s.speakers, 'speaker')}, {s.seconds:.2f} seconds"
            + (f" ({', '.join(extra)})" if extra else "")
            + f". The index in {index_dir} now has {_plural(s.total_statements, 'statement')} "
              f"from {_plural(s.total_sources, 'source')}.")


@main.command(short_help="Search statements by keyword, speaker, role, org, source, kind.")
@click.argument("query", nargs=-1)
@click.option("--speaker", help="Speaker name; any part of it matches (barros, 'George Barros').")
@click.option("--role", help="Words in the speaker's role (e.g. spokesman).")
@click.option("--org", help="Words in the speaker's organization (e.g. ISW).")
@click.option("--source", help="Source id, as listed by `quotesearch sources`.")
@click.option("--kind", type=click.Choice(["direct", "indirect", "mixed"]), help="Kind of statement.")
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True,
              help="Most hits to show; 0 for all.")
@index_option
@output_options()
@user_errors
def search(query, speaker, role, org, source, kind, limit, index_dir, fmt):
    """Search statements by keywords in the quote text, filtered by speaker, role, ...

    QUERY uses whoosh syntax: words (all must match), "exact phrases", OR, NOT,
    prefix*, and field:value for speaker, role, org, outlet, kind, cue, source,
    title and paragraph. With no QUERY, every statement passing the filters is listed
    in reading order.

    \b
    Examples:
      quotesearch search troops
      quotesearch search '"pressure on the aggressor"'
      quotesearch search --speaker barros russia
      quotesearch search 'kind:direct AND org:isw'
      quotesearch search --source kursk-incursion --kind indirect --format json
    """
    from .search import QuoteSearcher

    with QuoteSearcher(index_dir) as qs:
        results = qs.search(" ".join(query), speaker=speaker, role=role, org=org, source=source,
                            kind=kind, limit=limit)
    emit(results.hits, fmt, SEARCH_COLUMNS, empty="no matching statements")
    if fmt == "table" and results.total > len(results.hits):
        click.echo(f"({len(results.hits)} of {results.total} shown; use --limit to see more)", err=True)


@main.command()
@index_option
@output_options()
@user_errors
def speakers(index_dir, fmt):
    """List every speaker with type, roles and number of statements.

    \b
    Example:
      quotesearch speakers --format csv > speakers.csv
    """
    from .search import QuoteSearcher

    with QuoteSearcher(index_dir) as qs:
        rows = qs.speakers()
    emit(rows, fmt, SPEAKER_COLUMNS, empty="no speakers in the index")


@main.command(short_help="List every source with its title and number of statements.")
@index_option
@output_options()
@user_errors
def sources(index_dir, fmt):
    """List every indexed source (article) with its title and number of statements.

    \b
    Example:
      quotesearch sources
    """
    from .search import QuoteSearcher

    with QuoteSearcher(index_dir) as qs:
        rows = qs.sources()
    emit(rows, fmt, SOURCE_COLUMNS, empty="no sources in the index")


@main.command()
@click.argument("source_id")
@index_option
@output_options()
@user_errors
def source(source_id, index_dir, fmt):
    """List all statements of one source in reading order.

    SOURCE_ID is the file name without extension, as listed by `quotesearch sources`.

    \b
    Example:
      quotesearch source kursk-incursion
    """
    from .search import QuoteSearcher

    with QuoteSearcher(index_dir) as qs:
        rows = qs.source(source_id)
    emit(rows, fmt, STATEMENT_COLUMNS, empty=f"no statements in {source_id}")


@main.command()
@click.argument("statement_id")
@index_option
@output_options()
@user_errors
def show(statement_id, index_dir, fmt):
    """Show one statement with its paragraph as context.

    STATEMENT_ID is SOURCE:OFFSET, as printed by search and source.

    \b
    Example:
      quotesearch show kursk-incursion:1234
    """
    from .search import QuoteSearcher

    with QuoteSearcher(index_dir) as qs:
        rec = qs.show(statement_id)
    emit([rec], fmt, SHOW_COLUMNS, vertical=True)


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
    except (OSError, ValueError) as e:  # evaluate.EvaluateError is a ValueError
        raise click.ClickException(f"cannot evaluate {gold}: {e}")
    click.echo(json.dumps(report, indent=2) if fmt == "json" else render_report(report))


if __name__ == "__main__":
    main()
