"""The whoosh store side by side with SQLite FTS5, built from the same statements in the same run
(Markdown on stdout; not a test: it asserts nothing).

    .venv/bin/python benchmarks/stores.py                        # bench.py's 10,000 articles
    .venv/bin/python benchmarks/stores.py --statements 1000000   # the same statements, copied with new ids

The statements are bench.py's corpus (corpus_names: the seed and the PolNeAR texts, round and round,
each copy its own id), each distinct text extracted once and its statements copied to every copy
with the copy's ids, then given speaker keys and quote groups as `quotesearch index` gives them;
``--statements`` goes on copying until there are that many. Both engines get them pre-extracted:

- build: the whoosh store's writer (committing as often as `quotesearch index`) and
  an FTS5 table (porter tokenizer, one transaction), statements/s of CPU time (the machine is shared:
  wall time moves with the neighbours; it is printed too);
- queries: bench.py's mix, top 20 by relevance with the exact total count and highlights
  (whoosh: offsets; FTS5: ``highlight()``), the engines taking turns on every query, CPU time;
- a fresh process running one search (`quotesearch search russia`; a Python process running the
  same FTS5 query): CPU + wall time and peak resident memory (/usr/bin/time).

``--dump FILE`` writes what the whoosh store answered to every query (ids, order, totals,
highlights) as JSON, to compare two versions of the code.
"""
from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import EXE, POLNEAR, QUERIES, ROOT, corpus_names, folder_size, machine, percentile  # noqa: E402



# -- the statements -------------------------------------------------------------------

def _extracted(base: Path, cache: dict, cache_file: Path):
    if base.name not in cache:
        from quotesearch.extraction.pipeline import extract
        from quotesearch.ingest.article import read_article

        article = read_article(base)
        cache[base.name] = (article, extract(article))
        cache_file.write_bytes(pickle.dumps(cache))
    return cache[base.name]


def statement_sources(workdir: Path, polnear: Path, articles: int, statements: int = 0) -> Iterator[tuple]:
    """(Source, statements) of the first ``articles`` corpus articles, or of as many as it takes
    to give ``statements`` statements (when given)."""
    from quotesearch.identity.groups import QuoteGroups
    from quotesearch.identity.speakers import speaker_key
    from quotesearch.indexer import article_source, source_hash
    from quotesearch.models import Statement

    cache_file = workdir / "extracted.pickle"
    cache = pickle.loads(cache_file.read_bytes()) if cache_file.exists() else {}
    groups, count = QuoteGroups(), 0
    for i, (base, name) in enumerate(corpus_names(polnear)):
        if (count >= statements) if statements else (i >= articles):
            return
        article, extracted = _extracted(base, cache, cache_file)
        article = dataclasses.replace(article, id=name, path=f"{name}.txt")
        copies = []
        for st in extracted:
            key = speaker_key(st.speaker, st.speaker_type, name)
            copies.append(dataclasses.replace(
                st, id=Statement.make_id(name, int(st.id.rsplit(":", 1)[1])), source=name,
                speaker_key=key, quote_group=groups.assign(key, st.text, name)))
        count += len(copies)
        yield article_source(article, source_hash(article), len(copies)), copies


# -- building ---------------------------------------------------------------------------

class Clock:
    """CPU and wall time spent inside ``with clock:`` blocks."""

    def __init__(self):
        self.cpu = self.wall = 0.0

    def __enter__(self):
        self._t = (time.process_time(), time.perf_counter())

    def __exit__(self, *exc):
        self.cpu += time.process_time() - self._t[0]
        self.wall += time.perf_counter() - self._t[1]


def build_whoosh(folder: Path, sources) -> Clock:
    from quotesearch.indexer import BATCH_SIZE
    from quotesearch.store.whoosh.store import WhooshStore

    clock, pending = Clock(), 0
    shutil.rmtree(folder, ignore_errors=True)
    with clock:
        writer = WhooshStore(folder).writer(rebuild=True)
        writer.__enter__()
    for source, statements in sources:
        with clock:
            writer.replace_source(source, statements)
            pending += len(statements) + 1
            if pending >= BATCH_SIZE:
                writer.commit()
                pending = 0
    with clock:
        writer.__exit__(None, None, None)
    return clock


FTS_COLUMNS = ("text", "speaker", "role", "organization", "outlet", "kind", "cue", "speaker_key")
FTS_STORED = ("id", "source", "mention", "speaker_type", "given_to", "paragraph", "spans", "context",
              "quote_group", "day")


def build_fts5(path: Path, sources) -> Clock:
    clock = Clock()
    path.unlink(missing_ok=True)
    with clock:
        db = sqlite3.connect(path)
        columns = ", ".join(FTS_COLUMNS + tuple(f"{c} UNINDEXED" for c in FTS_STORED))
        db.execute(f"CREATE VIRTUAL TABLE statements USING fts5({columns}, tokenize='porter unicode61')")
    insert = (f"INSERT INTO statements ({', '.join(FTS_COLUMNS + FTS_STORED)}) "
              f"VALUES ({', '.join('?' * (len(FTS_COLUMNS) + len(FTS_STORED)))})")
    for source, statements in sources:
        with clock:
            rows = [[getattr(st, c) for c in FTS_COLUMNS[:-1]] + [st.speaker_key.replace("@", " ")]
                    + [st.id, st.source, st.mention, st.speaker_type, st.given_to, st.paragraph,
                       json.dumps(st.spans), st.context, st.quote_group, (source.date or "")[:10]]
                    for st in statements]
            db.executemany(insert, rows)
    with clock:
        db.commit()
        db.close()
    return clock


# -- queries ------------------------------------------------------------------------------

FTS_FIELD = {"text": "text", "speaker": "speaker", "role": "role", "organization": "organization",
             "outlet": "outlet", "kind": "kind", "cue": "cue"}


def fts5_query(query: str, filters: dict) -> str:
    """The FTS5 MATCH expression of a bench query and its filters (a speaker filter matches the
    words of the speaker key, as whoosh's surname match does)."""
    from quotesearch.store.query import And, Not, Or, Phrase, Word, parse

    def expr(node) -> str:
        if isinstance(node, (And, Or)):
            return "(" + f" {type(node).__name__.upper()} ".join(expr(p) for p in node.parts) + ")"
        if isinstance(node, Not):
            raise ValueError("no NOT in the bench mix")
        column = FTS_FIELD[node.field]
        words = " ".join(w for w in node.text.replace('"', " ").split())
        if isinstance(node, (Phrase, Word)):
            return f'{column} : "{words}"' if isinstance(node, Phrase) else f"{column} : ({words})"
        raise ValueError(node)

    parts = [expr(parse(query))] if query else []
    for name, value in filters.items():
        column = {"speaker": "speaker_key"}.get(name, name)
        parts.append(f'{column} : "{value.lower()}"' if name == "speaker" else f"{column} : ({value.lower()})")
    return " AND ".join(parts)


def fts5_search(db, match: str, limit: int = 20) -> tuple[list, int]:
    rows = db.execute(
        "SELECT id, source, text, speaker, kind, role, organization, spans, context, "
        "highlight(statements, 0, '[', ']') FROM statements WHERE statements MATCH ? ORDER BY rank LIMIT ?",
        (match, limit)).fetchall()
    total = db.execute("SELECT count(*) FROM statements WHERE statements MATCH ?", (match,)).fetchone()[0]
    return rows, total


def whoosh_answer(results) -> dict:
    return {"total": results.total, "hits": [[h.statement.id, h.highlights] for h in results.hits]}


def bench_queries(index_dir: Path, db_path: Path, rounds: int, dump: Path | None) -> dict:
    """CPU seconds per query and engine: {engine: {kind: [seconds]}}, the engines taking turns."""
    import quotesearch

    times = {engine: {kind: [] for kind in QUERIES} for engine in ("whoosh", "fts5")}
    answers = {}
    db = sqlite3.connect(db_path)
    with quotesearch.Index(index_dir) as ix:
        ix.sources()  # open both before any timing
        fts5_search(db, "text : russia")
        for r in range(rounds):
            for kind, queries in QUERIES.items():
                for query, filters in queries:
                    match = fts5_query(query, filters)
                    order = ("whoosh", "fts5") if r % 2 == 0 else ("fts5", "whoosh")
                    for engine in order:
                        t = time.process_time()
                        if engine == "whoosh":
                            found = ix.search(query, limit=20, **filters)
                        else:
                            fts5_search(db, match)
                        times[engine][kind].append(time.process_time() - t)
                        if engine == "whoosh" and r == 0:
                            answers[f"{query} {json.dumps(filters)}"] = whoosh_answer(found)
    if dump:
        dump.write_text(json.dumps(answers, indent=1) + "\n")
    return times


def fresh_process(args: list, runs: int = 5) -> tuple[float, float, int]:
    """Medians of (CPU seconds, wall seconds, peak resident KB) of a new process, as /usr/bin/time
    reports them (this process's own rusage of a child would count the memory it had when forking)."""
    cpu, wall, rss = [], [], []
    with tempfile.NamedTemporaryFile("r") as out:
        for _ in range(runs):
            proc = subprocess.run(["/usr/bin/time", "-o", out.name, "-f", "%U %S %e %M"] + args,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if proc.returncode:
                raise SystemExit(f"{' '.join(map(str, args))} failed: {proc.stderr}")
            out.seek(0)
            user, system, seconds, kb = out.read().split()[-4:]
            cpu.append(float(user) + float(system))
            wall.append(float(seconds))
            rss.append(int(kb))
    middle = lambda values: sorted(values)[len(values) // 2]  # noqa: E731
    return middle(cpu), middle(wall), middle(rss)


FTS5_SCRIPT = """import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT id, source, text, speaker, kind, role, organization, spans, context, "
                  "highlight(statements, 0, '[', ']') FROM statements WHERE statements MATCH ? "
                  "ORDER BY rank LIMIT 20", ("text : russia",)).fetchall()
total = db.execute("SELECT count(*) FROM statements WHERE statements MATCH ?", ("text : russia",)).fetchone()[0]
print(total, *rows, sep="\\n")
"""


# -- the report ---------------------------------------------------------------------------

def report(args, workdir: Path) -> list[str]:
    sources = lambda: statement_sources(workdir, args.polnear, args.articles, args.statements)  # noqa: E731
    count = sum(len(st) for _, st in sources())  # extracts what is not cached yet, outside any timing
    index_dir, db_path = workdir / "whoosh-index", workdir / "fts5.sqlite"
    print(f"{count:,} statements: building ...", file=sys.stderr)
    built = {}
    for engine in args.engines:
        build = build_whoosh if engine == "whoosh" else build_fts5
        built[engine] = build(index_dir if engine == "whoosh" else db_path, sources())
        print(f"  {engine}: {count / built[engine].cpu:,.0f} statements/s of CPU", file=sys.stderr)
    if set(args.engines) != {"whoosh", "fts5"}:
        return []
    print("querying ...", file=sys.stderr)
    times = bench_queries(index_dir, db_path, args.rounds, args.dump)
    fresh = {"whoosh": fresh_process(EXE + ["search", "russia", "--index", str(index_dir)]),
             "fts5": fresh_process([sys.executable, "-c", FTS5_SCRIPT, str(db_path)])}
    ms = lambda values, p: 1000 * percentile(values, p)  # noqa: E731
    size = {"whoosh": folder_size(index_dir), "fts5": db_path.stat().st_size}
    rows = [f"| build (pre-extracted), statements/s of CPU (wall) | "
            + " | ".join(f"{count / built[e].cpu:,.0f} ({count / built[e].wall:,.0f})" for e in ENGINES)
            + f" | {built['fts5'].cpu / built['whoosh'].cpu:.2f} |",
            "| size on disk | " + " | ".join(f"{size[e] / 2**20:,.0f} MB" for e in ENGINES)
            + f" | {size['whoosh'] / size['fts5']:.2f} |"]
    every = {e: [t for ts in times[e].values() for t in ts] for e in ENGINES}
    for kind, values in [("all", every)] + [(k, {e: times[e][k] for e in ENGINES}) for k in QUERIES]:
        cells = [f"{ms(values[e], 50):.1f} / {ms(values[e], 95):.1f}" for e in ENGINES]
        ratio = f"{ms(values['whoosh'], 50) / ms(values['fts5'], 50):.1f} / " \
                f"{ms(values['whoosh'], 95) / ms(values['fts5'], 95):.1f}"
        n = len(values["whoosh"]) // args.rounds
        rows.append(f"| {kind} queries ({n}) p50 / p95, ms of CPU | {cells[0]} | {cells[1]} | {ratio} |")
    rows.append("| fresh process, one search: CPU / wall s, peak memory | "
                + " | ".join(f"{fresh[e][0]:.2f} / {fresh[e][1]:.2f} s, {fresh[e][2] / 1024:,.0f} MB" for e in ENGINES)
                + f" | {fresh['whoosh'][0] / fresh['fts5'][0]:.1f} / {fresh['whoosh'][1] / fresh['fts5'][1]:.1f}, "
                  f"{fresh['whoosh'][2] / fresh['fts5'][2]:.1f} |")
    return [f"**{count:,} statements** ({args.rounds} rounds, top 20 with total and highlights)", "",
            "| | whoosh store | SQLite FTS5 | whoosh / FTS5 |", "|---|---|---|---|"] + rows + [""]


ENGINES = ("whoosh", "fts5")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10000, help="corpus articles (default 10,000)")
    parser.add_argument("--statements", type=int, default=0, help="copy the corpus on until there are this many")
    parser.add_argument("--rounds", type=int, default=5, help="times each query runs")
    parser.add_argument("--engines", nargs="+", default=list(ENGINES), choices=ENGINES, help="build only these")
    parser.add_argument("--workdir", type=Path, help="where the indexes go (default: a temporary folder)")
    parser.add_argument("--polnear", type=Path, default=POLNEAR, help=f"PolNeAR texts (default: {POLNEAR})")
    parser.add_argument("--dump", type=Path, help="write the whoosh store's answers here (JSON)")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="quotesearch-stores-"))
    workdir.mkdir(parents=True, exist_ok=True)
    lines = [f"Machine: {machine()}; shared with other sessions (CPU time is what is compared).", ""]
    lines += report(args, workdir)
    print("\n".join(lines))
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
