"""Load-test the versus page behind gunicorn against a static file of the same size.

    .venv/bin/python bench/versus.py [--assets 10000] [--duration 10] [--connections 4]
                                     [--rounds 1]

Builds a fresh database of synthetic assets (a temporary SQLite file; PostgreSQL when
DATABASE_URL is a postgres:// URL: the script creates and drops its own database,
unfragile_bench_versus, on that server), collects the static files into a temporary
directory, writes there a file as large as the versus page, starts gunicorn with 2 workers
and DEBUG off on a free port of 127.0.0.1, and runs wrk for `--duration` seconds on:

- the static file, served by whitenoise in the same gunicorn: the baseline;
- /healthz, a view that runs `SELECT 1` and answers a line of JSON: what the middleware
  stack and one query cost, so the ceiling of a Django view that reads the database;
- one versus page, again and again: the cached path (the lookup remembered per data
  generation, no query; the cache; the nonce);
- a different pair on every request: the uncached path (the page is rendered from the
  database, then stored in the cache).

It prints requests/s, p50 and p99 latency and the ratio of each page to the static file.
On a shared machine, `--rounds 3` takes the targets in turn three times and reports medians
(each ratio against the static file of the same round), which other work skews far less.
Goals (PRODUCT.md): cached at least 0.80 of the static throughput, uncached at least 0.15.
Needs wrk (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import common

ROOT = common.ROOT
BENCH_DB = "unfragile_bench_versus"
WORKERS = 2
CACHED_GOAL, UNCACHED_GOAL = 0.80, 0.15
STATIC_NAME = "bench/versus-size.html"

KINDS = [("model", 0.45), ("fine-tune", 0.20), ("dataset", 0.20), ("library", 0.05),
         ("tool", 0.05), ("api", 0.05)]
CAPABILITIES_PER_ASSET = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per target")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument(
        "--rounds", type=int, default=1,
        help="run every target this many times in turn and report the medians",
    )
    parser.add_argument(
        "--sqlite-conn-max-age", type=int, default=None, metavar="SECONDS",
        help="what-if: keep SQLite connections open this long (the settings open one per "
        "request, and SQLite then parses the schema again on every request)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _populate(Path(args.child), args.assets)
        return
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")

    server_url = common.postgres_server()
    vendor = "postgresql" if server_url else "sqlite"
    with contextlib.ExitStack() as stack:
        tmp_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-versus-")))
        if server_url:
            db_url = stack.enter_context(common.postgres_database(server_url, BENCH_DB))
        else:
            db_url = f"sqlite:///{tmp_dir / 'bench.sqlite3'}"
        title = "Versus page, SQLite" if vendor == "sqlite" else "Versus page, PostgreSQL"
        with common.recorded(title):
            _run(args, tmp_dir, db_url, vendor)


def _run(args: argparse.Namespace, tmp: Path, db_url: str, vendor: str) -> None:
    port = common.free_port()
    # Each worker's local-memory cache, as on one machine: no CACHE_URL.
    env = common.server_env(tmp, db_url, BENCH_PORT=str(port))
    static_root = tmp / "static"
    if args.sqlite_conn_max_age is not None and vendor == "sqlite":
        with (tmp / "bench_settings.py").open("a") as settings:
            settings.write(
                f'DATABASES["default"]["CONN_MAX_AGE"] = {args.sqlite_conn_max_age}\n'
            )
        vendor += f" (CONN_MAX_AGE={args.sqlite_conn_max_age})"
    started = time.perf_counter()
    common.manage(env, "migrate", "--noinput", "-v0")
    common.manage(env, "collectstatic", "--noinput", "-v0")
    subprocess.run([sys.executable, __file__, "--child", str(tmp), "--assets", str(args.assets)],
                   cwd=ROOT, env=env, check=True)
    info = json.loads((tmp / "info.json").read_text())
    # The baseline: a file exactly as large as the versus page, served by the same server.
    static_file = static_root / STATIC_NAME
    static_file.parent.mkdir(parents=True, exist_ok=True)
    static_file.write_bytes(b"x" * info["page_bytes"])
    print(f"Built {args.assets:,} assets on {vendor} in {time.perf_counter() - started:.0f} s; "
          f"the versus page is {info['page_bytes']:,} bytes.", flush=True)

    lua = tmp / "bench.lua"
    base = f"http://127.0.0.1:{port}"
    server = common.start_gunicorn(env, port, tmp / "gunicorn.log", "--workers", str(WORKERS),
                                   ready=base + "/healthz")
    try:
        info["load_before"] = os.getloadavg()[0]
        for _ in range(20):  # both workers render and cache the page once
            common.get(base + info["cached"])
        targets = {
            "static file": (base + "/static/" + STATIC_NAME, None),
            # No goal: what any Django view costs behind the site's middleware, a ceiling.
            "/healthz (SELECT 1)": (base + "/healthz", None),
            "versus page, cached": (base + info["cached"], None),
            "versus page, uncached": (base + "/", tmp / "pairs.txt"),
        }
        # Rounds take the targets in turn, so a burst of other work on the machine falls on
        # all of them alike; each figure is the median of its rounds.
        runs: dict[str, list[dict]] = {name: [] for name in targets}
        offset = 0
        for _ in range(args.rounds):
            for name, (url, pairs) in targets.items():
                runs[name].append(_wrk(args, lua, url, pairs, offset))
            offset += runs["versus page, uncached"][-1]["requests"]
        results = {name: _median(r) for name, r in runs.items()}
    finally:
        common.stop(server)
    _report(args, vendor, info, results)


def _report(args: argparse.Namespace, vendor: str, info: dict, results: dict) -> None:
    statics = [res["rps"] for res in results["static file"]["rounds"]]
    print(f"\nversus page bench: {args.assets:,} assets on {vendor}, gunicorn {WORKERS} workers, "
          f"DEBUG off; wrk -t2 -c{args.connections} -d{args.duration}s per target and round, "
          f"median of {args.rounds} round(s); "
          f"{os.cpu_count()} CPUs, load average {info['load_before']:.1f} before the runs "
          f"and {os.getloadavg()[0]:.1f} after (other work on the machine skews the figures)")
    print(f"{'target':<25}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'vs static':>11}  goal")
    goals = {"versus page, cached": CACHED_GOAL, "versus page, uncached": UNCACHED_GOAL}
    for name, res in results.items():
        # Each round against the static file of the same round, then the median.
        ratios = sorted(r["rps"] / st for r, st in zip(res["rounds"], statics, strict=True))
        ratio = ratios[len(ratios) // 2]
        goal = ""
        if name in goals:
            goal = f"≥ {goals[name]:.2f}: {'meets' if ratio >= goals[name] else 'MISSES'}"
        print(f"{name:<25}{res['rps']:>10,.0f}{res['p50_us'] / 1000:>9.1f}"
              f"{res['p99_us'] / 1000:>9.1f}{ratio:>11.2f}  {goal}")
        if args.rounds > 1:
            print("    rounds: " + ", ".join(
                f"{r['rps']:,.0f} req/s ({r['rps'] / st:.2f})"
                for r, st in zip(res["rounds"], statics, strict=True)
            ))
        if res["status_errors"] or res["socket_errors"]:
            print(f"  !! {res['status_errors']} non-2xx responses, "
                  f"{res['socket_errors']} socket errors")
    uncached = results["versus page, uncached"]["requests"]
    fresh = "every one" if uncached <= info["pairs"] else f"the first {info['pairs']:,}"
    print(f'\n"uncached": {uncached:,} requests over {info["pairs"]:,} distinct pairs in '
          f"random order; {fresh} named a pair no earlier request had, so the page was rendered "
          f"from the database (on SQLite 3 queries: the pair, both assets with their tasks, "
          f"training data and co-match edges, their cards; on PostgreSQL the last two, "
          f"by slug, in one round trip, the assets' rows telling the pair; "
          f"{info['different_jobs']:.0%} of the pairs do "
          "different jobs and also need the best of each kind and task, one more query shared "
          "by all pairs of those kinds and so remembered) and stored in the cache.")
    print('"cached": one pair again and again: no query (the pair\'s versions are remembered '
          "while the data generation file stands still), the page from the cache, a fresh CSP "
          "nonce, the view counted in the cache.")


def _median(runs: list[dict]) -> dict:
    middle = sorted(runs, key=lambda res: res["rps"])[len(runs) // 2]
    total = {key: sum(res[key] for res in runs)
             for key in ("requests", "status_errors", "socket_errors")}
    return {**middle, **total, "rounds": runs}


def _wrk(
    args: argparse.Namespace, lua: Path, url: str, pairs: Path | None = None, offset: int = 0
) -> dict:
    return common.wrk_paths(lua, url, threads=2, connections=args.connections,
                            seconds=args.duration, paths=pairs, offset=offset)


def _populate(tmp: Path, n_assets: int) -> None:
    """Runs in a child process with the bench settings: the synthetic catalog, the pairs the
    load generator asks for, and the size of the page."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from datetime import date, timedelta

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from catalog.models import Asset, Capability, Evidence, Organization, Score, Task
    from comparisons import pairs
    from comparisons.models import Match, SearchEvent

    rng = random.Random(20261125)
    orgs = Organization.objects.bulk_create(
        [Organization(name=f"Bench Org {i}", slug=f"bench-org-{i}") for i in range(100)]
    )
    tasks = Task.objects.bulk_create(
        [Task(name=f"Bench task {i}", slug=f"bench-task-{i}") for i in range(40)]
    )
    kinds = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS], k=n_assets)
    assets = Asset.objects.bulk_create(
        [
            Asset(
                uid=f"bench:{i}", external_id=f"bench/asset-{i:05d}", id_scheme="bench",
                slug=f"bench-asset-{i:05d}", name=f"Bench Asset {i:05d}", kind=kind,
                organization=rng.choice(orgs),
                summary=f"A synthetic {kind} for the versus page bench.",
                licence=rng.choice(["apache-2.0", "mit", "cc-by-4.0", ""]),
                pricing=rng.choice(["free", "free", "paid", "unknown"]),
                released_on=rng.choice([None, date(2020, 1, 1) + timedelta(days=i % 1500)]),
                n_parameters=None if kind == "dataset" else rng.randrange(10**6, 10**11),
                dataset_samples=rng.randrange(10**3, 10**9) if kind == "dataset" else None,
            )
            for i, kind in enumerate(kinds)
        ],
        batch_size=2000,
    )
    tasks_of = {a.pk: {t.pk for t in rng.sample(tasks, rng.choice([1, 1, 2]))} for a in assets}
    through = Asset.tasks.through
    through.objects.bulk_create(
        [through(asset_id=pk, task_id=t) for pk, ts in tasks_of.items() for t in ts],
        batch_size=5000,
    )
    models = [a for a in assets if a.kind == "model"]
    datasets = [a for a in assets if a.kind == "dataset"]
    for asset in assets:
        if asset.kind == "fine-tune":
            asset.base = rng.choice(models)
    Asset.objects.bulk_update([a for a in assets if a.base_id], ["base"], batch_size=2000)
    trained = Asset.trained_on.through
    trained.objects.bulk_create(
        [trained(from_asset_id=a.pk, to_asset_id=d.pk)
         for a in models[: len(models) // 3] for d in rng.sample(datasets, 2)],
        batch_size=5000,
    )
    now = timezone.now()

    def sub_score() -> float | None:
        return None if rng.random() < 0.3 else rng.uniform(0, 100)

    Score.objects.bulk_create(
        [
            Score(asset=a, adoption=sub_score(), quality=sub_score(), ecosystem=sub_score(),
                  match_graph=sub_score(), rank=rng.uniform(20, 90),
                  coverage=rng.uniform(0.2, 1), provisional=rng.random() < 0.3,
                  computed_at=now, formula_version="bench")
            for a in assets
        ],
        batch_size=2000,
    )
    evidence = Evidence.objects.bulk_create(
        [
            Evidence(asset=a, dimension="quality", name="bench_score", label="Bench score",
                     value=rng.uniform(10, 90), unit="%", source_name="Bench paper",
                     source_url="https://example.org/bench", verification="claimed")
            for a in assets
        ],
        batch_size=2000,
    )
    text = ("Does one well-defined job on its inputs and reports what it produced, "
            "with the settings it was run with. ") * 2
    Capability.objects.bulk_create(
        [
            Capability(
                asset=a, position=p, title=f"Capability {p + 1} of {a.name}",
                description=text, task=rng.choice(tasks),
                evidence=ev if p == 0 else None,
                unique_claim="Among the few of its kind that state their settings.",
                vs_alternatives="Ranks above most peers on the bench score (62 of 100).",
            )
            for a, ev in zip(assets, evidence, strict=True)
            for p in range(CAPABILITIES_PER_ASSET)
        ],
        batch_size=5000,
    )
    # Some searches, so Times Matched counts real rows.
    events = SearchEvent.objects.bulk_create(
        [SearchEvent(query=f"bench query {i}", session_hash=f"s{i}", day=date.today())
         for i in range(2000)]
    )
    Match.objects.bulk_create(
        [Match(event=e, asset=a, position=p)
         for e in events for p, a in enumerate(rng.sample(assets, 10))],
        batch_size=5000,
    )

    def same_job(a: Asset, b: Asset) -> bool:
        # As the verdict judges it: a fine-tune counts as a model, and a task must be shared.
        family = {"fine-tune": "model"}
        return (family.get(a.kind, a.kind) == family.get(b.kind, b.kind)
                and bool(tasks_of[a.pk] & tasks_of[b.pk]))

    # The cached page: two models that do the same job, the common case of a shared link.
    first = models[0]
    second = next(m for m in models[1:] if same_job(first, m))
    cached = pairs.versus_url(first.slug, second.slug)
    chosen: dict[tuple[str, str], bool] = {}
    while len(chosen) < 30_000:
        a, b = rng.sample(assets, 2)
        chosen[pairs.canonical(a.slug, b.slug)] = not same_job(a, b)
    ordered = sorted(chosen)
    rng.shuffle(ordered)
    different = sum(chosen.values())
    # Planner statistics, as a database in service has them.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    (tmp / "pairs.txt").write_text("".join(f"/compare/{a}-vs-{b}/\n" for a, b in ordered))
    host = f"127.0.0.1:{os.environ['BENCH_PORT']}"
    page = Client().get(cached, headers={"host": host})
    assert page.status_code == 200, page.status_code
    (tmp / "info.json").write_text(json.dumps({
        "cached": cached,
        "page_bytes": len(page.content),
        "pairs": len(ordered),
        "different_jobs": different / len(ordered),
    }))


if __name__ == "__main__":
    main()
