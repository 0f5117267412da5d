"""The PostgreSQL store at scale, printed as Markdown (not a test: it asserts nothing).

    .venv/bin/python benchmarks/postgres.py                          # 1,000,000 statements
    .venv/bin/python benchmarks/postgres.py --statements 50000       # a quick look
    .venv/bin/python benchmarks/postgres.py --url postgresql://me@db/bench   # a server of your own

The statements are real: extracted once from the bench corpus (benchmarks/bench.py: the seed
article and the PolNeAR training texts, with their dates and publishers), given speaker keys and
quote groups as the indexer does, then replicated with new source and statement ids (copy k of
article A is A--k; its quotes stay in their quote group, as wire copies) up to --statements. Without
--url (or QUOTESEARCH_TEST_POSTGRES), a throwaway cluster is started (tests/pgcluster.py; durable:
fsync on) and removed at the end. It measures:

- load: pre-extracted statements written through the store's writer as a rebuild (COPY into fresh
  tables, indexes built at the end, swapped in), statements/s end to end; then an update of more
  statements through a plain writer, into the live tables and their indexes;
- queries: latency p50/p95 per class, top 20 through qs.Index (the public API every command reads
  through) in a client process of its own, after one warm-up round; that client's peak memory;
- the loader's peak memory, and the tables' size on the server.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
import bench  # noqa: E402  (ROOT on sys.path, machine(), percentile(), the corpus)

BATCH = 5000  # statements per commit while loading (the indexer's default batch)
QUERIES = {  # (query, filters) by class
    "terms": [(q, {}) for q, _ in bench.QUERIES["term"]],
    "rare terms": [],  # filled from the corpus: words of one statement of the original texts
    "phrases": list(bench.QUERIES["phrase"]),
    "AND": [("president AND russia", {}), ("campaign AND voters", {}), ("tax AND economy", {}),
            ("email AND server", {}), ("border AND wall", {}), ("health AND insurance", {})],
    "speaker + keyword": [("campaign", {"speaker": "sanders"}), ("iran", {"speaker": "obama"}),
                          ("tax", {"speaker": "trump"}), ("email", {"speaker": "hillary clinton"}),
                          ("speaker:obama AND iran", {})],
    "kind + keyword": [("people", {"kind": "mixed"}), ("election", {"kind": "indirect"}),
                       ("president", {"kind": "direct"}), ("kind:indirect AND economy", {})],
    "speaker listing": [("", {"speaker": "trump"}), ("", {"speaker": "hillary clinton"}), ("", {"speaker": "barros"}),
                        ("", {"speaker": "obama"}), ("", {"speaker": "sanders"})],
}


def base_statements(workdir: Path, polnear: Path) -> list:
    """[(Article without text, [Statement])] of the bench corpus, extracted once (cached in workdir)."""
    from quotesearch.identity.groups import QuoteGroups
    from quotesearch.identity.speakers import speaker_key
    from quotesearch.models import Article, Statement

    cache = workdir / "statements.jsonl"
    if not cache.exists():
        from multiprocessing import Pool

        from quotesearch.extraction.pipeline import extract
        from quotesearch.ingest.article import read_article

        meta = _metadata(polnear.parent / "metadata.tsv")
        n = 1 + (len(list(polnear.glob("*.txt"))) if polnear.is_dir() else 0)
        files = bench.build_corpus(workdir / "corpus", n, polnear)
        articles = []
        for path in files:
            a = read_article(path)
            date, outlet = meta.get(path.stem.split("--")[0], (None, None))
            a.date, a.outlet = a.date or date, a.outlet or outlet
            articles.append(a)
        print(f"extracting {len(articles)} articles ...", file=sys.stderr)
        with Pool(os.cpu_count() or 1) as pool:
            extracted = pool.map(extract, articles, chunksize=8)
        groups = QuoteGroups()
        with open(cache, "w", encoding="utf-8") as f:
            for a, sts in zip(articles, extracted):
                for st in sts:
                    st.speaker_key = speaker_key(st.speaker, st.speaker_type, a.id)
                    st.quote_group = groups.assign(st.speaker_key, st.text, a.id)
                    st.date, st.outlet, st.title = a.date, a.outlet, a.title
                record = {"id": a.id, "title": a.title, "date": a.date, "outlet": a.outlet, "path": a.path,
                          "statements": [st.to_dict() for st in sts]}
                f.write(json.dumps(record) + "\n")
    out = []
    with open(cache, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            out.append((Article(r["id"], "", path=r["path"], title=r["title"], date=r["date"], outlet=r["outlet"]),
                        [Statement(**s) for s in r["statements"]]))
    return out


def _metadata(path: Path) -> dict:
    """filename -> (date, publisher) of the PolNeAR metadata table."""
    import csv

    if not path.is_file():
        return {}
    with open(path, encoding="utf-8", newline="") as f:
        return {r["filename"]: (r.get("publication_date") or None, r.get("publisher") or None)
                for r in csv.DictReader(f, delimiter="\t")}


def copies(base: list, n: int, first_copy: int = 0):
    """(Source, [Statement]) of copies first_copy, first_copy+1, … of the base until n statements."""
    from quotesearch.indexer import article_source
    from quotesearch.models import Statement

    made, k = 0, first_copy
    while made < n:
        for a, sts in base:
            if made >= n:
                return
            source = f"{a.id}--{k:03d}"
            new = []
            for st in sts[:n - made]:
                c = object.__new__(Statement)  # a shallow copy (no field is changed in place)
                c.__dict__.update(st.__dict__)
                c.source, c.id = source, Statement.make_id(source, st.spans[0][0] if st.spans else 0)
                if "@" in c.speaker_key:  # a key of its own article: of the copy
                    c.speaker_key = c.speaker_key.rsplit("@", 1)[0] + "@" + source
                new.append(c)
            made += len(new)
            article = a.__class__(source, "", path=f"{source}.txt", title=a.title, date=a.date, outlet=a.outlet)
            yield article_source(article, f"h{k}", len(new)), new
        k += 1


def rare_terms(base: list, count: int = 8) -> list[str]:
    df = Counter()
    for _, sts in base:
        for st in sts:
            df.update(set(re.findall(r"[a-z]{8,}", st.text.lower())))
    once = sorted(w for w, c in df.items() if c == 1)
    step = max(1, len(once) // count)
    return once[::step][:count]


def write_copies(writer, pairs) -> int:
    """Replace each (source, statements) through ``writer``, committing every BATCH rows; how many
    statements were written."""
    written = pending = 0
    for source, sts in pairs:
        writer.replace_source(source, sts)
        written += len(sts)
        pending += len(sts) + 1
        if pending >= BATCH:
            writer.commit()
            pending = 0
    return written


def load(url: str, base: list, n: int) -> dict:
    from quotesearch.store.postgres.store import PostgresStore

    store = PostgresStore(url)
    t0 = time.perf_counter()
    with store.writer(rebuild=True) as w:
        written = write_copies(w, copies(base, n))
        w.commit()
        copied = time.perf_counter() - t0
    total = time.perf_counter() - t0
    # an update: more statements (the next copies) through a plain writer, into live tables and indexes
    more = min(50_000, max(1000, n // 20))
    t1 = time.perf_counter()
    first = n // sum(len(s) for _, s in base) + 1
    with store.writer() as w:
        added = write_copies(w, copies(base, more, first_copy=first))
    update = time.perf_counter() - t1
    store.close()
    return {"written": written, "copied": copied, "total": total, "added": added, "update": update,
            "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}


def query_client(url: str, rounds: int, rare: list[str]) -> dict:
    """Run in a process of its own: latencies per class (after a warm-up round) and peak memory."""
    import quotesearch

    QUERIES["rare terms"] = [(w, {}) for w in rare]
    times: dict[str, list[float]] = {kind: [] for kind in QUERIES}
    hits: dict[str, list[int]] = {kind: [] for kind in QUERIES}
    with quotesearch.Index(url) as ix:
        for round_ in range(rounds + 1):
            for kind, queries in QUERIES.items():
                for query, filters in queries:
                    t = time.perf_counter()
                    results = ix.search(query, limit=20, **filters)
                    if round_:  # the first round warms the server's caches
                        times[kind].append(time.perf_counter() - t)
                        hits[kind].append(results.total)
    return {"times": times, "totals": hits, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}


def table_size(url: str) -> int:
    import psycopg

    from quotesearch.store.postgres import split_url

    conninfo, schema = split_url(url)
    with psycopg.connect(conninfo) as conn:
        return sum(conn.execute("SELECT pg_total_relation_size(%s)", (f'"{schema}".{t}',)).fetchone()[0]
                   for t in ("qs_statements", "qs_sources"))


def report(n_base: int, loaded: dict, queries: dict, size: int, url_note: str) -> list[str]:
    ms = lambda values, p: f"{1000 * bench.percentile(values, p):.1f}"  # noqa: E731
    rate = loaded["written"] / loaded["total"]
    lines = [f"**{loaded['written']:,} statements** ({n_base:,} real statements replicated; {url_note})", "",
             "| what | figure |", "|---|---|",
             f"| load (rebuild: COPY, then indexes, swap) | {rate:,.0f} statements/s end to end "
             f"({loaded['written']:,} in {loaded['total']:.1f} s: COPY {loaded['copied']:.1f} s, "
             f"indexes and swap {loaded['total'] - loaded['copied']:.1f} s) |",
             f"| update (plain writer, live indexes) | {loaded['added'] / loaded['update']:,.0f} statements/s "
             f"({loaded['added']:,} in {loaded['update']:.1f} s) |",
             f"| loader peak memory (RSS) | {loaded['rss'] / 2**20:,.0f} MB |",
             f"| tables and indexes on the server | {size / 2**20:,.0f} MB |",
             f"| query client peak memory (RSS) | {queries['rss'] / 2**20:,.0f} MB |"]
    every = [t for ts in queries["times"].values() for t in ts]
    lines.append(f"| all queries ({len(every)}) | p50 {ms(every, 50)} ms, p95 {ms(every, 95)} ms |")
    for kind, ts in queries["times"].items():
        if ts:
            totals = queries["totals"][kind]
            lines.append(f"| &nbsp;&nbsp;{kind} | p50 {ms(ts, 50)} ms, p95 {ms(ts, 95)} ms, max {ms(ts, 100)} ms "
                         f"(matches: {min(totals):,} to {max(totals):,}) |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=1_000_000, help="statements to load (default 1,000,000)")
    parser.add_argument("--url", help="a PostgreSQL database to use (default: QUOTESEARCH_TEST_POSTGRES, else a "
                                      "throwaway cluster); the schema is ?schema=, default qs_bench")
    parser.add_argument("--rounds", type=int, default=5, help="times each query runs (after one warm-up)")
    parser.add_argument("--workdir", type=Path, help="where the corpus and its statements go (kept: reused)")
    parser.add_argument("--polnear", type=Path, default=bench.POLNEAR)
    parser.add_argument("--query-client", help=argparse.SUPPRESS)
    parser.add_argument("--rare", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.query_client:
        print(json.dumps(query_client(args.query_client, args.rounds, args.rare.split(","))))
        return
    workdir = args.workdir or Path(tempfile.gettempdir()) / "quotesearch-pg-bench"
    workdir.mkdir(parents=True, exist_ok=True)
    base = base_statements(workdir, args.polnear)
    n_base = sum(len(s) for _, s in base)
    given = args.url or os.environ.get("QUOTESEARCH_TEST_POSTGRES")
    with contextlib.ExitStack() as stack:
        if given:
            url, note = given, "a server given by URL"
        else:
            import pgcluster

            settings = ("shared_buffers=3GB", "effective_cache_size=12GB", "maintenance_work_mem=1GB", "max_wal_size=4GB")
            url = stack.enter_context(pgcluster.cluster(settings, durable=True))
            note = f"PostgreSQL {_server_version(url)}, a throwaway cluster on this machine: {', '.join(settings)}"
        if "schema=" not in url:
            url += ("&" if "?" in url else "?") + "schema=qs_bench"
        print(f"loading {args.statements:,} statements ...", file=sys.stderr)
        loaded = load(url, base, args.statements)
        print("querying ...", file=sys.stderr)
        rare = rare_terms(base)
        out = subprocess.run([sys.executable, __file__, "--query-client", url, "--rounds", str(args.rounds),
                              "--rare", ",".join(rare)], check=True, capture_output=True, text=True)
        queries = json.loads(out.stdout)
        size = table_size(url)
    lines = [f"Machine: {bench.machine()}; server and client on the same machine "
             f"({datetime.date.today().isoformat()}).", ""]
    lines += report(n_base, loaded, queries, size, note)
    lines += ["", "Queries: " + "; ".join(f"{kind}: " + ", ".join(
        (q or "(none)") + (" " + " ".join(f"--{k} {v}" for k, v in f.items()) if f else "")
        for q, f in (QUERIES[kind] if kind != "rare terms" else [(w, {}) for w in rare]))
        for kind in QUERIES)]
    print("\n".join(lines))


def _server_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SHOW server_version").fetchone()[0].split()[0]


if __name__ == "__main__":
    main()
