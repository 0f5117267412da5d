"""Extraction on Dask: one worker against two (not a test: it asserts nothing).

    .venv/bin/python benchmarks/dask_extract.py                  # the PolNeAR texts and the seed, twice
    .venv/bin/python benchmarks/dask_extract.py --articles 300   # a quick look

The corpus is bench.py's (the seed article and the PolNeAR training texts from ../shared/corpora,
round and round, each copy its own id). It is indexed from scratch by `quotesearch index --rebuild`
as a command with `--jobs 1` (no Dask: the figure to beat), `--dask local:1` and `--dask local:2`
(a LocalCluster of that many worker processes, started and stopped by the command), one run each.
The table gives wall time, statements/s, the CPU time of the command and all its processes, and the
speed-up of two workers over one, end to end and without the fixed cost of starting a cluster
(the same command on one small file). The exported records of the three indexes are compared.
A second table runs the same corpus through the API on a cluster of one worker and of two, and
gives each worker's time running tasks and its CPU time: on a machine that others share, it shows
how much of a core each worker was given.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import EXE, POLNEAR, ROOT, SEED, build_corpus, machine, statements_in  # noqa: E402


def timed(args: list, env: dict) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the command and every process it waited for, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(EXE + [str(a) for a in args], capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        raise SystemExit(f"quotesearch {' '.join(map(str, args))} failed:\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, proc.stdout


def exported(index_dir: Path, env: dict) -> str:
    """A digest of every exported record (JSON Lines, all fields) of an index."""
    proc = subprocess.run(EXE + ["export", "--index", str(index_dir)], capture_output=True, env=env, check=True)
    records = proc.stdout.count(b"\n")
    return f"{hashlib.sha256(proc.stdout).hexdigest()[:16]} ({records:,} records)"


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def worker_shares(corpus: Path, workers: int, work: Path) -> tuple[float, list[float], list[float]]:
    """(wall seconds, each worker's seconds running tasks, each worker's CPU seconds) of one run through the
    API on a LocalCluster of ``workers`` processes, started beforehand: how much of a core each worker got."""
    import distributed

    from quotesearch.indexer import index_articles
    from quotesearch.ingest.inputs import Inputs

    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        client.run(lambda: __import__("quotesearch.extraction.pipeline"))
        before = client.run(_cpu_seconds)
        t = time.perf_counter()
        with distributed.get_task_stream(client) as stream:
            index_articles(work / f"api-{workers}", Inputs([corpus]), rebuild=True, dask=client)
        seconds = time.perf_counter() - t
        after = client.run(_cpu_seconds)
    running: dict[str, float] = {w: 0.0 for w in before}
    for task in stream.data:
        running[task["worker"]] = running.get(task["worker"], 0.0) + sum(
            s["stop"] - s["start"] for s in task["startstops"] if s["action"] == "compute")
    return seconds, [running[w] for w in sorted(before)], [after[w] - before[w] for w in sorted(before)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=0, help="N (default: the PolNeAR texts and the seed, twice)")
    parser.add_argument("--polnear", type=Path, default=POLNEAR)
    parser.add_argument("--workdir", type=Path, help="where the corpus and indexes go (default: a temporary folder)")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="quotesearch-dask-bench-"))
    n = args.articles or 2 * (len(list(args.polnear.glob("*.txt"))) + 1)
    files = build_corpus(work / "corpus", n, args.polnear)
    size = sum(f.stat().st_size for f in files)
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    runs = [("`--jobs 1` (no Dask)", ["--jobs", "1"]), ("`--dask local:1`", ["--dask", "local:1"]),
            ("`--dask local:2`", ["--dask", "local:2"])]
    rows, results, load = [], {}, os.getloadavg()[0]
    for name, option in runs:
        print(f"{name} ...", file=sys.stderr)
        index_dir = work / f"index-{len(results)}"
        seconds, cpu, out = timed(["index", "--rebuild", "--index", index_dir, work / "corpus"] + option, env)
        start, _, _ = timed(["index", "--rebuild", "--index", work / "small", SEED] + option, env)
        statements = statements_in(out)
        results[name] = (seconds, start, exported(index_dir, env))
        rows.append(f"| {name} | {seconds:.1f} s | {statements / seconds:,.0f} | {cpu:.1f} s | {start:.1f} s |")
    one, two = results[runs[1][0]], results[runs[2][0]]
    same = len({r[2] for r in results.values()}) == 1
    lines = [
        f"Machine: {machine()}; shared with other users' work while it ran (load average "
        f"{load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end).",
        f"Corpus: {n:,} articles ({size / 1e6:.1f} MB of text), {statements:,} statements.", "",
        "| run | wall | statements/s | CPU, all processes | the command on one small file |",
        "|---|---|---|---|---|", *rows, "",
        f"Speed-up from one worker to two: {one[0] / two[0]:.2f}× end to end, "
        f"{(one[0] - one[1]) / (two[0] - two[1]):.2f}× without the start-up of a run (the one-file command).",
        f"Same statements in the three indexes (exported records): {'yes' if same else 'NO'}; "
        + ", ".join(f"{name}: {r[2]}" for name, r in results.items()) + ".",
    ]
    print("Workers' share of the machine ...", file=sys.stderr)
    lines += ["", "| workers (through the API, cluster started beforehand) | wall | each worker: running tasks | "
                  "each worker: CPU | share of a core each worker got |", "|---|---|---|---|---|"]
    for workers in (1, 2):
        seconds, running, cpu = worker_shares(work / "corpus", workers, work)
        lines.append(f"| {workers} | {seconds:.1f} s | {' + '.join(f'{r:.1f} s' for r in running)} | "
                     f"{' + '.join(f'{c:.1f} s' for c in cpu)} | "
                     f"{', '.join(f'{c / r:.2f}' if r else '-' for c, r in zip(cpu, running))} |")
    print("\n".join(lines))
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
