"""Date filters and date sorts on the whoosh store (Markdown on stdout; not a test: it asserts nothing).

    .venv/bin/python benchmarks/dates.py --workdir /tmp/qs-dates           # 139,000 statements
    .venv/bin/python benchmarks/dates.py --workdir /tmp/qs-dates --vs ../other-checkout

The statements are stores.py's (bench.py's corpus, pre-extracted, copied with new ids), about
``--statements`` of them, each article given a day between 2015 and 2020 (a fixed stride over the
days, so that every day has articles and every run the same ones); the index is built once in
``--workdir`` and kept there for the next run. Then:

- searches: a mix of --since/--until ranges and date sorts, alone and with words, phrases, a
  speaker and a kind, top 20 with the total, through one open ``qs.Index``: the median CPU time of
  ``--rounds`` rounds, per search;
- a fresh process running ``quotesearch search president --since 2018``: CPU + wall time and peak
  resident memory.

``--vs DIR`` times another checkout of the project on the same index beside this one (its searches
run in a process that takes that checkout's code).
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import EXE, POLNEAR, ROOT, machine  # noqa: E402
from stores import build_whoosh, fresh_process, statement_sources  # noqa: E402

SEARCHES = [("", {"since": "2019"}), ("", {"since": "2016-03", "until": "2016-05"}), ("president", {"since": "2018"}),
            ("president", {"since": "2017-01-01", "until": "2017-01-31"}), ('"united states"', {"until": "2016"}),
            ("", {"speaker": "trump", "since": "2019"}), ("", {"kind": "direct", "since": "2020"}),
            ("economy", {"since": "2015", "until": "2020"}), ("", {"since": "2017", "sort": "date"}),
            ("russia", {"sort": "-date"})]
FIRST_DAY, DAYS = datetime.date(2015, 1, 1), 2191      # 2015-01-01 .. 2020-12-31

TIMER = """import json, sys, time
root, index, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]  # the checkout's code
sys.path.insert(0, root)
import quotesearch
out = []
with quotesearch.Index(index) as ix:
    ix.sources()
    for query, filters in json.loads(sys.argv[4]):
        times = []
        for _ in range(rounds):
            t = time.process_time()
            found = ix.search(query, limit=20, **filters)
            times.append(time.process_time() - t)
        out.append((sorted(times)[len(times) // 2] * 1000, found.total))
print(json.dumps(out))
"""


def dated_sources(workdir: Path, statements: int):
    """stores.py's (Source, statements), each article dated: the i-th article's day is a stride of
    7,919 days (a prime) from 2015-01-01, round the six years."""
    for i, (source, found) in enumerate(statement_sources(workdir, POLNEAR, 0, statements)):
        day = (FIRST_DAY + datetime.timedelta(days=i * 7919 % DAYS)).isoformat()
        yield dataclasses.replace(source, date=day), [dataclasses.replace(s, date=day) for s in found]


def time_searches(root: Path, index: Path, rounds: int) -> list[tuple[float, int]]:
    """(median ms of CPU, total) of every search of SEARCHES, with ``root``'s code."""
    proc = subprocess.run([sys.executable, "-c", TIMER, str(root), str(index), str(rounds), json.dumps(SEARCHES)],
                          capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"searching with {root} failed: {proc.stderr.strip().splitlines()[-1:]}")
    return [tuple(row) for row in json.loads(proc.stdout)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, required=True, help="where the dated index is built and kept")
    parser.add_argument("--statements", type=int, default=139_000, help="about how many statements (default 139,000)")
    parser.add_argument("--rounds", type=int, default=7, help="rounds of every search (default 7)")
    parser.add_argument("--vs", type=Path, help="another checkout to time on the same index")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    index = args.workdir / f"dated-{args.statements}"
    if not (index / "quotesearch.json").exists():
        clock = build_whoosh(index, dated_sources(args.workdir, args.statements))
        print(f"(built {index} in {clock.wall:.0f} s)", file=sys.stderr)
    roots = [ROOT] + ([args.vs.resolve()] if args.vs else [])
    times = {root: time_searches(root, index, args.rounds) for root in roots}
    print(f"Machine: {machine()}; shared with other sessions (CPU time is what is compared).\n")
    print("| search | total | " + " | ".join(f"{root.name}, ms" for root in roots) + " |")
    print("|---|---|" + "---|" * len(roots))
    for k, (query, filters) in enumerate(SEARCHES):
        given = " ".join(f"--{name} {value}" for name, value in filters.items())
        print(f"| `{' '.join(part for part in (query, given) if part)}` | {times[ROOT][k][1]:,} | "
              + " | ".join(f"{times[root][k][0]:.1f}" for root in roots) + " |")
    cpu, wall, kb = fresh_process(EXE + ["search", "president", "--since", "2018", "--index", str(index)])
    print(f"\nFresh process, `quotesearch search president --since 2018`: {cpu:.2f} s CPU, {wall:.2f} s wall, "
          f"{kb / 1024:.0f} MB peak resident")


if __name__ == "__main__":
    main()
