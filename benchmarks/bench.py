"""Speed and scale figures for quotesearch, printed as Markdown (not a test: it asserts nothing).

    .venv/bin/python benchmarks/bench.py                    # N = 1,000 and 10,000 articles
    .venv/bin/python benchmarks/bench.py --articles 300     # a quick look

For each N it builds a corpus of its own under --workdir (the seed article plus the PolNeAR
training texts from ../shared/corpora when they are there, copied round with varied ids up
to N files; nothing goes into the repository) and measures:

- extraction: quotesearch.extraction.pipeline.extract over every article, one process (MB/s, articles/s);
- indexing: `quotesearch index` end to end as a command (statements/s, wall time), with the
  peak memory of the command and all its processes together, and the index size;
- incremental: `quotesearch index` again after one file changed;
- queries: latency p50/p95 of a fixed mix of term, phrase, speaker-filtered and facet (kind,
  organization, role, field) queries through one open qs.Index (the public API the command
  reads through), top 20 like the command;
- cold start: `quotesearch --help` and one `quotesearch search` as new processes.
"""
from __future__ import annotations

import argparse
import itertools
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # measure the code next to this script
SEED = ROOT / "seeds" / "kursk-incursion.txt"
POLNEAR = ROOT.parent / "shared" / "corpora" / "polnear-train" / "text"
SCRIPT = Path(sys.executable).parent / "quotesearch"  # the installed command, as a user runs it
EXE = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "quotesearch.cli"]

QUERIES = {  # (query, filters) by kind; the same mix for every N
    "term": [("president", {}), ("russia", {}), ("border", {}), ("economy", {}), ("immigration", {}),
             ("troops", {}), ("voters", {}), ("email", {})],
    "phrase": [('"white house"', {}), ('"health care"', {}), ('"united states"', {}),
               ('"american people"', {}), ('"kursk region"', {}), ('"make america great again"', {})],
    "speaker": [("", {"speaker": "trump"}), ("", {"speaker": "hillary clinton"}), ("", {"speaker": "barros"}),
                ("campaign", {"speaker": "sanders"}), ("speaker:obama AND iran", {})],
    "facet": [("", {"kind": "direct"}), ("people", {"kind": "mixed"}), ("", {"organization": "isw"}),
              ("", {"role": "spokesman"}), ("kind:indirect AND election", {}), ("said", {"role": "senator"}),
              ("org:republican AND tax", {})],
}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    except (OSError, ValueError, IndexError):
        mem = float("nan")
    return (f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def corpus_names(polnear: Path) -> Iterator[tuple[Path, str]]:
    """(text it copies, file name without .txt) of the corpus's articles, without end: the seed
    and the PolNeAR texts, round and round, each copy its own id."""
    bases = [SEED] + (sorted(polnear.glob("*.txt")) if polnear.is_dir() else [])
    for i in itertools.count():
        base = bases[i % len(bases)]
        yield base, f"{base.stem}--{i // len(bases):03d}"


def build_corpus(folder: Path, n: int, polnear: Path) -> list[Path]:
    """The first n articles of corpus_names, as files in ``folder``."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    files = []
    for base, name in itertools.islice(corpus_names(polnear), n):
        path = folder / f"{name}.txt"
        path.write_bytes(base.read_bytes())
        files.append(path)
    return files


def bench_extraction(files: list[Path]) -> dict:
    from quotesearch.extraction.pipeline import extract
    from quotesearch.ingest.article import read_article

    articles = [read_article(p) for p in files]
    size = sum(len(a.text.encode("utf-8")) for a in articles)
    t = time.perf_counter()
    statements = sum(len(extract(a)) for a in articles)
    seconds = time.perf_counter() - t
    return {"MB": size / 1e6, "seconds": seconds, "MB/s": size / 1e6 / seconds,
            "articles/s": len(articles) / seconds, "statements": statements}


class PeakMemory:
    """The largest sum of resident memory of a process and its descendants, sampled every 50 ms."""

    def __init__(self, pid: int):
        self.pid, self.peak, self.done = pid, 0, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _tree_rss(self) -> int:
        children: dict[int, list[int]] = {}
        rss: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                status = Path(f"/proc/{entry}/status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            children.setdefault(int(fields.get("PPid", "0").strip()), []).append(int(entry))
            rss[int(entry)] = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
        total, todo = 0, [self.pid]
        while todo:
            pid = todo.pop()
            total += rss.get(pid, 0)
            todo += children.get(pid, [])
        return total

    def _run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, self._tree_rss())
            self.done.wait(0.05)

    def stop(self) -> int:
        self.done.set()
        self.thread.join()
        return self.peak


def run_command(args: list, env: dict) -> tuple[float, int, str]:
    """(wall seconds, peak memory of the process tree in bytes, stdout) of one quotesearch command."""
    t = time.perf_counter()
    proc = subprocess.Popen(EXE + [str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    memory = PeakMemory(proc.pid) if Path("/proc").is_dir() else None
    out, err = proc.communicate()
    seconds = time.perf_counter() - t
    peak = memory.stop() if memory else 0
    if proc.returncode:
        raise SystemExit(f"quotesearch {' '.join(map(str, args))} failed:\n{err}")
    return seconds, peak, out


def statements_in(summary: str) -> int:
    return int(summary.split(": ", 1)[1].split(" statement", 1)[0])


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def bench_queries(index_dir: Path, rounds: int) -> dict:
    import quotesearch

    times: dict[str, list[float]] = {kind: [] for kind in QUERIES}
    with quotesearch.Index(index_dir) as ix:
        statements = sum(s.statements for s in ix.sources())  # also opens the index, before any timing
        for _ in range(rounds):
            for kind, queries in QUERIES.items():
                for query, filters in queries:
                    t = time.perf_counter()
                    ix.search(query, limit=20, **filters)
                    times[kind].append(time.perf_counter() - t)
    every = [t for ts in times.values() for t in ts]
    out = {"statements": statements, "all": every}
    out.update(times)
    return out


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def cold_start(args: list, env: dict, runs: int = 5) -> float:
    return statistics.median(run_command(args, env)[0] for _ in range(runs))


def bench(n: int, workdir: Path, jobs: int | None, rounds: int, polnear: Path) -> list[str]:
    corpus, index_dir = workdir / f"corpus-{n}", workdir / f"index-{n}"
    files = build_corpus(corpus, n, polnear)
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    print(f"N={n}: extracting ...", file=sys.stderr)
    ext = bench_extraction(files)
    print(f"N={n}: indexing ...", file=sys.stderr)
    shutil.rmtree(index_dir, ignore_errors=True)
    jobs_args = ["--jobs", jobs] if jobs else []
    seconds, peak, summary = run_command(["index", "--rebuild", "--index", index_dir, corpus] + jobs_args, env)
    statements = statements_in(summary)
    changed = files[len(files) // 2]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\n“One more line,” the spokesman said.\n",
                       encoding="utf-8")
    again, _, summary_again = run_command(["index", "--index", index_dir, corpus] + jobs_args, env)
    print(f"N={n}: querying ...", file=sys.stderr)
    queries = bench_queries(index_dir, rounds)
    help_s = cold_start(["--help"], env)
    search_s = cold_start(["search", "russia", "--index", index_dir], env)
    ms = lambda values, p: f"{1000 * percentile(values, p):.1f}"  # noqa: E731
    rows = [
        f"| extraction, one process | {ext['MB/s']:.2f} MB/s, {ext['articles/s']:.0f} articles/s "
        f"({ext['MB']:.1f} MB, {ext['statements']:,} statements in {ext['seconds']:.1f} s) |",
        f"| indexing end to end (`quotesearch index`, {jobs or os.cpu_count()} jobs) | "
        f"{statements / seconds:,.0f} statements/s ({statements:,} statements in {seconds:.1f} s) |",
        f"| peak memory while indexing (all processes) | {peak / 2**20:,.0f} MB |",
        f"| index size | {folder_size(index_dir) / 2**20:,.0f} MB |",
        f"| re-index after one file changed | {again:.1f} s: {summary_again.strip().split('. The index')[0]} |",
        f"| query latency, {queries['statements']:,} statements ({len(queries['all'])} queries) | "
        f"p50 {ms(queries['all'], 50)} ms, p95 {ms(queries['all'], 95)} ms |",
    ]
    rows += [f"| &nbsp;&nbsp;{kind} queries | p50 {ms(queries[kind], 50)} ms, p95 {ms(queries[kind], 95)} ms, "
             f"max {ms(queries[kind], 100)} ms |" for kind in QUERIES]
    rows += [f"| `quotesearch --help`, cold | {help_s:.2f} s |",
             f"| `quotesearch search russia`, cold | {search_s:.2f} s |"]
    return [f"**N = {n:,} articles**", "", "| what | figure |", "|---|---|"] + rows + [""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000, 10000], help="corpus sizes N")
    parser.add_argument("--jobs", type=int, help="quotesearch index --jobs (default: its own)")
    parser.add_argument("--rounds", type=int, default=5, help="times each query runs")
    parser.add_argument("--workdir", type=Path, help="where corpora and indexes go (default: a temporary folder)")
    parser.add_argument("--polnear", type=Path, default=POLNEAR, help=f"PolNeAR texts (default: {POLNEAR})")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="quotesearch-bench-"))
    lines = [f"Machine: {machine()}.", ""]
    if not args.polnear.is_dir():
        lines += [f"({args.polnear} is missing: the corpus is the seed article alone, copied.)", ""]
    for n in args.articles:
        lines += bench(n, workdir, args.jobs, args.rounds, args.polnear)
    print("\n".join(lines))
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
