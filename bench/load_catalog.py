"""Time `load_catalog` on the bundled file into a fresh SQLite database.

Usage: .venv/bin/python bench/load_catalog.py [--runs N]
Prints records/s per run and the median, plus the idempotent second load of each run.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import common

ROOT = common.ROOT
BUNDLED = ROOT / "catalog" / "data" / "catalog.jsonl.gz"


def manage(db: Path, *args: str) -> float:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}",
           "DJANGO_SETTINGS_MODULE": "unfragile.settings"}
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with gzip.open(BUNDLED, "rt", encoding="utf-8") as fh:
        n = sum(1 for line in fh if line.strip())
    with common.recorded("Load catalog"):
        _runs(args, n)


def _runs(args: argparse.Namespace, n: int) -> None:
    first, second = [], []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "bench.sqlite3"
            manage(db, "migrate", "-v0")
            first.append(manage(db, "load_catalog", "--no-recompute"))
            second.append(manage(db, "load_catalog", "--no-recompute"))
        print(f"run {run + 1}: first load {first[-1]:.2f} s ({n / first[-1]:,.0f} records/s), "
              f"second load {second[-1]:.2f} s")
    med = statistics.median(first)
    print(f"bundled catalog: {n} records; median first load {med:.2f} s = {n / med:,.0f} records/s "
          f"(goal: under 60 s); median unchanged reload {statistics.median(second):.2f} s "
          "(each time includes starting Python and Django)")


if __name__ == "__main__":
    main()
