"""Extraction speed as issue 14 states it: MB/s of CPU per core, with NLTK's own Punkt (Markdown on
stdout; not a test: it asserts nothing).

    .venv/bin/python benchmarks/extract.py                       # 5 fresh processes
    .venv/bin/python benchmarks/extract.py --vs ../other-checkout --runs 8

Each run is a fresh process that reads the 840 PolNeAR training texts, extracts the first 20 (NLTK
and the lexicons loaded), calls ``pipeline.settle()`` as ``quotesearch extract`` and the index
workers do, then times ``pipeline.extract`` over every text in CPU time (the machine is shared: wall
time moves with the neighbours). ``--vs`` names another checkout of the project: its runs and this
one's take turns, so that both see the same load; a process takes the code of the checkout it is
given, whatever is installed.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import POLNEAR, ROOT, machine  # noqa: E402

RUN = """import glob, sys, time
root = sys.argv[1]
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]  # the checkout's code
sys.path.insert(0, root)
from quotesearch.extraction import pipeline
from quotesearch.ingest.article import read_article
articles = [read_article(p) for p in sorted(glob.glob(sys.argv[2] + "/*.txt"))]
size = sum(len(a.text.encode("utf-8")) for a in articles)
for a in articles[:20]:
    pipeline.extract(a)
pipeline.settle()
t = time.process_time()
statements = sum(len(pipeline.extract(a)) for a in articles)
print(len(articles), size, statements, time.process_time() - t)
"""


def run(root: Path, texts: Path) -> tuple[int, int, int, float]:
    """(texts, bytes, statements, CPU seconds) of one fresh process extracting with ``root``'s code."""
    out = subprocess.run([sys.executable, "-c", RUN, str(root), str(texts)], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"extraction with {root} failed: {out.stderr.strip().splitlines()[-1:]}")
    texts_n, size, statements, seconds = out.stdout.split()
    return int(texts_n), int(size), int(statements), float(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per checkout (default 5)")
    parser.add_argument("--vs", type=Path, help="another checkout to take turns with")
    parser.add_argument("--texts", type=Path, default=POLNEAR, help=f"a folder of .txt articles (default: {POLNEAR})")
    args = parser.parse_args()
    if not args.texts.is_dir():
        raise SystemExit(f"no texts at {args.texts}: give --texts FOLDER")
    roots = [ROOT] + ([args.vs.resolve()] if args.vs else [])
    rates: dict[Path, list[float]] = {root: [] for root in roots}
    for _ in range(args.runs):
        for root in roots:
            texts_n, size, statements, seconds = run(root, args.texts)
            rates[root].append(size / 1e6 / seconds)
            print(f"{root}: {size / 1e6 / seconds:.3f} MB/s", file=sys.stderr)
    print(f"Machine: {machine()}; shared with other sessions (CPU time is what is compared).\n")
    print(f"{texts_n} texts, {size / 1e6:.2f} MB, {statements:,} statements (this checkout), {args.runs} fresh processes each\n")
    print("| code | MB/s of CPU, median | min – max | runs |\n|---|---|---|---|")
    for root, values in rates.items():
        print(f"| {root} | {statistics.median(values):.3f} | {min(values):.3f} – {max(values):.3f} | "
              + ", ".join(f"{v:.3f}" for v in values) + " |")


if __name__ == "__main__":
    main()
