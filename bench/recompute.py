"""Time `recompute_scores` on synthetic data: SQLite always, PostgreSQL when DATABASE_URL is set.

    .venv/bin/python bench/recompute.py [--assets 100000] [--signals 10] [--runs 3]

Each database gets a fresh catalog of mixed kinds (models, fine-tunes with a base, datasets
models were trained on, libraries that models use, tools, APIs) with `--signals` evidence rows
per asset. Every run times three recomputes: the first (every score new, and every evidence
row's percentile computed and kept with its asset's score: a million values at the default
size), the second (nothing
changed, so nothing is written), and one after 1% of the evidence values changed by one (a
leaderboard refresh: it moves many peers' percentiles). Scores, percentiles and derived
evidence are wiped between runs so each first run starts from scratch; the figures are
medians over the runs. The goal (PRODUCT.md): 100,000 assets in under 10 s on both.

SQLite lives in a temporary directory. For PostgreSQL the script creates and drops its own
database, unfragile_bench_recompute, on the server DATABASE_URL points at.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import common

ROOT = common.ROOT
BENCH_DB = "unfragile_bench_recompute"
GOAL_SECONDS = 10.0

# Kind mix of the synthetic catalog (share of assets).
KINDS = [("model", 0.45), ("fine-tune", 0.20), ("dataset", 0.20), ("library", 0.05),
         ("tool", 0.05), ("api", 0.05)]
COMMON_FRAMEWORKS = ["pytorch", "safetensors", "onnx", "gguf", "tensorflow"]
N_LIBRARIES_USED = 200
COUNT_SIGNALS = [("adoption", "downloads"), ("adoption", "hub_likes"),
                 ("adoption", "lmarena_text_votes"), ("match_graph", "times_matched"),
                 ("match_graph", "weighted_degree")]
MEASURE_SIGNALS = [("ecosystem", "hf_hub_integration")] + [
    ("quality", f"bench{b}_score") for b in range(12)
]
SETTINGS_KEYS = ["", '{"shots":5}']


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--signals", type=int, default=10, help="evidence rows per asset")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args)
        return

    results = []
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            results.append(_in_subprocess(f"sqlite:///{tmp}/bench.sqlite3", args))
    if server := common.postgres_server():
        with common.postgres_database(server, BENCH_DB) as url:
            results.append(_in_subprocess(url, args))

    with common.recorded("Recompute"):
        if not server:
            print("PostgreSQL skipped: DATABASE_URL is not a postgres:// URL.")
        print(f"recompute_scores, {args.assets:,} assets × {args.signals} signals, "
              f"median of {args.runs} run(s); goal: under {GOAL_SECONDS:g} s")
        print(f"{'database':<12}{'run':<22}{'seconds':>9}{'assets/s':>11}{'changed':>9}"
              f"{'percentiles':>13}  goal")
        for res in results:
            for label, key in (("first (all new)", "first"), ("second (no change)", "second"),
                               ("after 1% changed", "incremental")):
                seconds = res[key]
                verdict = "met" if seconds < GOAL_SECONDS else "MISSED"
                print(f"{res['vendor']:<12}{label:<22}{seconds:>9.2f}"
                      f"{res['assets'] / seconds:>11,.0f}{res[key + '_changed']:>9,}"
                      f"{res[key + '_percentiles']:>13,}  {verdict}")
            print(f"{'':<12}(synthetic data built in {res['build_seconds']:.1f} s)")


def _in_subprocess(url: str, args: argparse.Namespace) -> dict:
    # Django settings are read once per process, so each database gets its own.
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "unfragile.settings"}
    cmd = [sys.executable, __file__, "--child", url, "--assets", str(args.assets),
           "--signals", str(args.signals), "--runs", str(args.runs)]
    out = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    sys.stderr.write(out.stderr)
    if out.returncode:
        raise SystemExit(f"The {urlsplit(url).scheme} run failed (exit {out.returncode}).")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _child(url: str, args: argparse.Namespace) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "unfragile.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from catalog.recompute import recompute_scores

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    _build(connection, args.assets, args.signals)
    build_seconds = time.perf_counter() - started
    _log(f"{connection.vendor}: built {args.assets:,} assets in {build_seconds:.1f} s")

    timings: dict[str, list[float]] = {"first": [], "second": [], "incremental": []}
    changed: dict[str, int] = {}
    percentiles: dict[str, int] = {}
    for run in range(args.runs):
        _wipe_scores(connection)
        for key in ("first", "second"):
            res = recompute_scores(reason=f"bench {key}")
            timings[key].append(res["seconds"])
            changed[key], percentiles[key] = res["changed"], res["percentiles"]
            _log(f"{connection.vendor} run {run + 1} {key}: {res}")
        if changed["second"]:
            raise SystemExit("The second recompute changed scores: it is not idempotent.")
        _touch_evidence(connection, run)
        res = recompute_scores(reason="bench incremental")
        timings["incremental"].append(res["seconds"])
        changed["incremental"], percentiles["incremental"] = res["changed"], res["percentiles"]
        _log(f"{connection.vendor} run {run + 1} incremental: {res}")

    scored = recompute_scores()["assets"]
    print(json.dumps({
        "vendor": connection.vendor, "assets": scored, "build_seconds": build_seconds,
        **{key: statistics.median(values) for key, values in timings.items()},
        **{f"{key}_changed": n for key, n in changed.items()},
        **{f"{key}_percentiles": n for key, n in percentiles.items()},
    }))


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _build(connection, n_assets: int, n_signals: int) -> None:
    """Insert the synthetic catalog with raw bulk SQL: building a million model instances
    would take far longer than the recompute being measured."""
    from catalog.models import Asset, Evidence

    rng = random.Random(20260101)
    now = datetime.now(UTC)
    kinds: list[str] = []
    for kind, share in KINDS:
        kinds.extend([kind] * round(share * n_assets))
    kinds = (kinds + ["model"] * n_assets)[:n_assets]
    rng.shuffle(kinds)
    ids = list(range(1, n_assets + 1))
    by_kind: dict[str, list[int]] = {}
    for asset_id, kind in zip(ids, kinds, strict=True):
        by_kind.setdefault(kind, []).append(asset_id)
    used_libraries = {asset_id: f"lib{i}" for i, asset_id in
                      enumerate(by_kind.get("library", [])[:N_LIBRARIES_USED])}
    library_names = list(used_libraries.values()) or ["lib0"]
    bases = by_kind.get("model", [])

    assets = []
    trained = []
    for asset_id, kind in zip(ids, kinds, strict=True):
        external_id = used_libraries.get(asset_id, f"bench/{kind}-{asset_id}")
        frameworks: list[str] = []
        base_id = None
        if kind in {"model", "fine-tune"}:
            frameworks = rng.sample(COMMON_FRAMEWORKS, rng.randint(0, 3))
            frameworks += rng.sample(library_names, min(len(library_names), rng.randint(0, 2)))
            if kind == "fine-tune" and bases:
                # Skewed: a few bases get many fine-tunes, as on the real Hub.
                base_id = bases[int(len(bases) * rng.random() ** 3)]
            datasets = by_kind.get("dataset", [])
            if datasets:
                trained.extend((asset_id, d) for d in
                               {datasets[int(len(datasets) * rng.random() ** 2)]
                                for _ in range(rng.randint(0, 2))})
        elif kind == "api":
            frameworks = ["api"]
        status = rng.choices(["published", "draft", "archived"], [97, 2, 1])[0]
        assets.append((
            asset_id, f"bench:{asset_id}", external_id, "bench", f"bench-{asset_id}",
            f"Bench asset {asset_id}", kind, json.dumps(frameworks), base_id, status, now, now,
        ))
    asset_cols = ["id", "uid", "external_id", "id_scheme", "slug", "name", "kind", "frameworks",
                  "base_id", "status", "created_at", "updated_at"]
    asset_cols, assets = _with_defaults(connection, Asset, asset_cols, assets)

    combos = [(d, n, k, True) for d, n in COUNT_SIGNALS for k in SETTINGS_KEYS[:1]]
    combos += [(d, n, k, False) for d, n in MEASURE_SIGNALS for k in SETTINGS_KEYS]
    observed = date(2026, 1, 1)
    evidence = []
    for asset_id in ids:
        for dimension, name, key, is_count in rng.sample(combos, min(n_signals, len(combos))):
            if name == "hf_hub_integration":
                value = 1.0
            elif is_count:
                value = float(int(rng.lognormvariate(5, 2.5)))
            else:
                value = round(rng.uniform(20, 90), 1)  # one decimal, so ties happen
            evidence.append((
                asset_id, dimension, name, "", value, "", "{}", key, "bench", "", observed,
                "claimed", "bench", now, now,
            ))
    evidence_cols = ["asset_id", "dimension", "name", "label", "value", "unit", "settings",
                     "settings_key", "source_name", "source_url", "observed_at", "verification",
                     "origin", "created_at", "updated_at"]
    evidence_cols, evidence = _with_defaults(connection, Evidence, evidence_cols, evidence)

    from django.db import transaction

    with transaction.atomic():
        _insert(connection, "catalog_asset", asset_cols, assets)
        _insert(connection, "catalog_asset_trained_on", ["from_asset_id", "to_asset_id"],
                trained)
        _insert(connection, "catalog_evidence", evidence_cols, evidence)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence('catalog_asset', 'id'), %s)",
                           [n_assets])
            cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE")


def _with_defaults(connection, model, columns: list[str], rows: list[tuple]):
    """Add every other NOT NULL column with the model's default, in database form, so the
    raw insert keeps working as the models grow."""
    extra = [
        f for f in model._meta.concrete_fields
        if f.column not in columns and not f.null and not f.primary_key
    ]
    values = tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)
    return columns + [f.column for f in extra], [row + values for row in rows]


def _insert(connection, table: str, columns: list[str], rows: list[tuple]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
            )


def _wipe_scores(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalog_score")
        cursor.execute("DELETE FROM catalog_scorehistory")
        cursor.execute("DELETE FROM catalog_evidencehistory")
        cursor.execute("DELETE FROM catalog_evidence WHERE origin = 'catalog-graph'")
        if connection.vendor == "postgresql":
            # The wipe leaves dead row versions; without this each repeat would run against
            # more bloated tables than the one before.
            cursor.execute("VACUUM ANALYZE")


def _touch_evidence(connection, run: int) -> None:
    """Change 1% of the imported evidence values, as a daily import would."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE catalog_evidence SET value = value + 1, updated_at = %s "
            "WHERE origin = 'bench' AND id %% 100 = %s",
            [datetime.now(UTC), run % 100],
        )


if __name__ == "__main__":
    main()
