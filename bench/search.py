"""Search latency at scale: 100,000 synthetic assets with 1,000,000 capabilities.

Usage: .venv/bin/python bench/search.py [--assets N] [--capabilities-per-asset K] [--queries Q]

Runs on SQLite (a temporary file) and, when DATABASE_URL names a PostgreSQL server, on its own
database there (`<name>_bench_search`, dropped afterwards). Texts are drawn from the bundled
catalog's task names and vocabulary. Times `catalog.search.search()` end to end (ranking, the
result assets, their capabilities, highlighting) for 1-3 word queries and typed prefixes, and
prints p50/p95/p99 per backend and the time to build the index. Goals: p95 < 50 ms on
PostgreSQL, < 100 ms on SQLite.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "catalog" / "data" / "catalog.jsonl.gz"
BATCH = 5000


def vocabulary() -> tuple[list[str], list[str]]:
    """Task names and words of the bundled catalog (names, subtypes, tasks, languages)."""
    sys.path.insert(0, str(ROOT))
    from catalog.records import task_name

    tasks: set[str] = set()
    words: set[str] = set()
    with gzip.open(BUNDLED, "rt", encoding="utf-8") as fh:
        for line in fh:
            data = json.loads(line)
            for slug in data.get("tasks", []):
                tasks.add(task_name(slug))
            text = " ".join([data.get("name", ""), data.get("subtype") or "",
                             " ".join(data.get("tasks", [])), " ".join(data.get("modalities", []))])
            words.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", text))
    return sorted(tasks), sorted(words)


def build(n_assets: int, per_asset: int, rng: random.Random) -> float:
    from django.db import connection, transaction

    from catalog.models import Asset, Capability
    from catalog.search import reindex_assets

    tasks, words = vocabulary()
    kinds = [k for k, _ in Asset.Kind.choices]
    licences = ["apache-2.0", "mit", "cc-by-4.0", "other", ""]
    started = time.perf_counter()
    with transaction.atomic():
        for start in range(0, n_assets, BATCH):
            Asset.objects.bulk_create([
                Asset(
                    uid=f"bench:{i}", external_id=f"bench/{i}", id_scheme="bench", slug=f"b-{i}",
                    name=f"{rng.choice(words)}-{rng.choice(words)}-{i}", kind=rng.choice(kinds),
                    licence=rng.choice(licences),
                    summary=" ".join(rng.choices(words, k=12)) + ".",
                )
                for i in range(start, min(start + BATCH, n_assets))
            ], batch_size=BATCH)
        ids = list(Asset.objects.values_list("id", flat=True))
        caps = []
        for asset_id in ids:
            for position in range(per_asset):
                task = rng.choice(tasks)
                caps.append(Capability(
                    asset_id=asset_id, position=position, title=task,
                    description=f"{task}: " + " ".join(rng.choices(words, k=10)) + ".",
                ))
            if len(caps) >= BATCH * 4:
                Capability.objects.bulk_create(caps, batch_size=BATCH)
                caps = []
        Capability.objects.bulk_create(caps, batch_size=BATCH)
    print(f"  data: {n_assets:,} assets, {n_assets * per_asset:,} capabilities "
          f"in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    with transaction.atomic():
        reindex_assets(ids)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


def queries(n: int, rng: random.Random) -> list[tuple[str, str]]:
    tasks, words = vocabulary()
    task_words = sorted({w.lower() for t in tasks for w in re.findall(r"[A-Za-z]{3,}", t)})
    out = []
    for i in range(n):
        pool = task_words if i % 2 else words
        if i % 4 == 3:
            # A typed prefix: whole words, then 3+ letters of the last one.
            head = rng.choices(pool, k=rng.randint(0, 2))
            last = rng.choice(pool)
            out.append(("prefix", " ".join([*head, last[: rng.randint(3, max(3, len(last)))]])))
        else:
            out.append(("words", " ".join(rng.choices(pool, k=rng.randint(1, 3))) + " "))
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def worker(args: argparse.Namespace) -> None:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unfragile.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from catalog.search import search

    call_command("migrate", verbosity=0)
    rng = random.Random(42)
    index_seconds = build(args.assets, args.capabilities_per_asset, rng)
    print(f"  index build: {index_seconds:.1f} s", flush=True)
    plan = queries(args.queries, rng)
    for _, q in plan[:20]:  # warm the caches
        search(q)
    times: dict[str, list[float]] = {"words": [], "prefix": []}
    found = 0
    for kind, q in plan:
        started = time.perf_counter()
        results = search(q, limit=20)
        times[kind].append((time.perf_counter() - started) * 1000)
        found += bool(results)
    everything = times["words"] + times["prefix"]
    print(f"  {connection.vendor}: {len(everything)} queries, {found} with results")
    for label, values in [("1-3 words", times["words"]), ("prefix", times["prefix"]),
                          ("all", everything)]:
        print(f"  {label:>10}: p50 {percentile(values, 50):6.1f} ms  "
              f"p95 {percentile(values, 95):6.1f} ms  p99 {percentile(values, 99):6.1f} ms  "
              f"mean {statistics.fmean(values):6.1f} ms", flush=True)


def run(label: str, database_url: str, args: argparse.Namespace) -> None:
    print(f"{label}:", flush=True)
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE":
           "unfragile.settings", "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, __file__, "--worker", "--assets", str(args.assets),
         "--capabilities-per-asset", str(args.capabilities_per_asset),
         "--queries", str(args.queries)],
        cwd=ROOT, env=env, check=True,
    )


def postgres(url: str, args: argparse.Namespace) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_bench_search"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        run("PostgreSQL", urlunsplit(parts._replace(path=f"/{name}")), args)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--capabilities-per-asset", type=int, default=10)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            run("SQLite", f"sqlite:///{tmp}/bench.sqlite3", args)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        postgres(url, args)


if __name__ == "__main__":
    main()
