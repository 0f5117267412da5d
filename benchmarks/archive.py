"""Indexing an archive against indexing the same texts as files (not a test: it asserts nothing).

    .venv/bin/python benchmarks/archive.py                 # the PolNeAR training texts, 3 rounds
    .venv/bin/python benchmarks/archive.py --articles 300  # a quick look

The same N article texts (the PolNeAR training texts from ../shared/corpora, round and
round, else the seed article) are written as .txt files, as one JSON Lines archive and as the
same archive gzipped, each record with an invented date and outlet. Each form is indexed from
scratch with `quotesearch index --rebuild` as a command, in turns, ``--rounds`` times; the
table gives the median statements/s of each form and its ratio to the .txt files.
"""
from __future__ import annotations

import argparse
import datetime
import gzip
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import POLNEAR, ROOT, build_corpus, machine, run_command, statements_in  # noqa: E402

OUTLETS = ["The Daily Ledger", "Northern Courier", "Capital Wire", "Harbor Times", "Valley Gazette"]


def build_archives(files: list[Path], folder: Path) -> tuple[Path, Path]:
    """The texts of ``files`` as news.jsonl and news.jsonl.gz, with invented metadata."""
    start = datetime.date(2016, 1, 1)
    plain, packed = folder / "news.jsonl", folder / "news-gz.jsonl.gz"
    with open(plain, "w", encoding="utf-8") as out:
        for i, path in enumerate(files):
            text = path.read_text(encoding="utf-8")
            out.write(json.dumps({
                "id": path.stem, "title": text.split("\n", 1)[0].strip(), "maintext": text,
                "date_publish": f"{start + datetime.timedelta(days=i % 700)} 08:00:00",
                "source_domain": OUTLETS[i % len(OUTLETS)],
                "url": f"https://news.example/{i}"}, ensure_ascii=False) + "\n")
    with open(plain, "rb") as src, gzip.open(packed, "wb") as dst:
        shutil.copyfileobj(src, dst)
    return plain, packed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=0, help="N (default: the PolNeAR training texts, once)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each form, in turns")
    parser.add_argument("--jobs", type=int, help="quotesearch index --jobs (default: its own)")
    parser.add_argument("--polnear", type=Path, default=POLNEAR)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="quotesearch-archive-bench-"))
    n = args.articles or max(1, len(list(args.polnear.glob("*.txt"))) + 1)
    files = build_corpus(work / "txt", n, args.polnear)
    (work / "archives").mkdir()
    plain, packed = build_archives(files, work / "archives")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    jobs = ["--jobs", args.jobs] if args.jobs else []
    forms = {".txt files": work / "txt", ".jsonl archive": plain, ".jsonl.gz archive": packed}
    rates: dict[str, list[float]] = {name: [] for name in forms}
    counts: dict[str, int] = {}
    for round_ in range(args.rounds):
        for name, source in forms.items():
            print(f"round {round_ + 1}: {name} ...", file=sys.stderr)
            seconds, _, summary = run_command(["index", "--rebuild", "--index", work / "index", source] + jobs, env)
            counts[name] = statements_in(summary)
            rates[name].append(counts[name] / seconds)
    base = statistics.median(rates[".txt files"])
    size = sum(p.stat().st_size for p in files) / 1e6
    print(f"Machine: {machine()}.\n\n{n:,} articles ({size:.1f} MB of text), median of {args.rounds} runs each, "
          f"`quotesearch index --rebuild` {'--jobs ' + str(args.jobs) if args.jobs else '(default jobs)'}:\n")
    print("| input | statements | statements/s (runs) | vs .txt |\n|---|---|---|---|")
    for name in forms:
        median = statistics.median(rates[name])
        runs = ", ".join(f"{r:,.0f}" for r in rates[name])
        print(f"| {name} | {counts[name]:,} | {median:,.0f} ({runs}) | {median / base:.0%} |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
