"""Recompute every UnfragileRank in a fixed number of statements, whatever the catalog's size.

The steps, each one pass over the whole catalog:

1. Derive the ecosystem evidence the catalog graph implies (fine-tunes of an asset, models
   trained on a dataset, frameworks, assets using a library) and upsert it in bulk.
2. Read every scored signal in one query, one row per (dimension, signal, settings) with its
   values packed into a string, rank each value within its signal and the asset's kind with
   `scoring.grouped_percentiles`, and average the percentiles into the four sub-scores: as
   numpy arrays over all signals at once.
3. Apply `scoring.composite` per asset and write Score (with the asset's percentiles, one
   JSON text per asset), ScoreHistory and Asset.version only where something changed, so a
   second run writes nothing.

The ranking runs over arrays rather than as SQL window functions: on SQLite the window
passes over a million rows took longer than the whole recompute does now, and this keeps
the formula in one place. Writes are single statements (PostgreSQL: COPY, then one INSERT
or UPDATE) or one executemany (SQLite), never a query per asset.

Percentiles are always taken against the whole catalog, because a percentile among a subset
would mean something else; `asset_ids` only limits which assets get written.
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
from django.db import connection, transaction
from django.db.models import Count, Model
from django.utils import timezone

from catalog import claims, scoring
from catalog.models import (
    Asset,
    Evidence,
    EvidenceHistory,
    Score,
    ScoreHistory,
    read_percentiles,
)
from catalog.records import NOT_A_FRAMEWORK
from unfragile import generation

# Evidence rows this module owns; nothing else writes this origin.
ORIGIN = "catalog-graph"
SOURCE_NAME = "computed from this catalog"
# The methodology page explains how these counts are made; there is no outside source.
SOURCE_URL = "/methodology/"

DIMENSION_KEYS = tuple(scoring.WEIGHTS)
# Differences below this are float noise from summing in another order, not changes.
TOLERANCE = 1e-9
REASON_MAX = 500
REASON_SIGNALS_SHOWN = 6
DELETE_CHUNK = 2000
# Any fixed number: the key of the PostgreSQL advisory lock that serialises recomputes.
ADVISORY_LOCK = 0x756E_6672
# Which of several rows reporting the same signal for an asset speaks for it (lowest first).
VERIFICATION_ORDER = {"verified": 0, "computed": 1, "claimed": 2}


@dataclass
class _Run:
    now: datetime
    scope: set[int] | None
    reason: str
    # Published assets (the ones that get a score) and their kind.
    kinds: dict[int, str] = field(default_factory=dict)
    # asset id -> (sub-scores..., rank, formula version) as stored before this run.
    old_scores: dict[int, tuple] = field(default_factory=dict)
    subscores: dict[int, dict[str, float | None]] = field(default_factory=dict)
    # The same sub-scores as an array, a row per asset in `subscores` order, NaN for unknown.
    subscore_matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))
    # For the history reason: asset id -> "signal old → new" for each percentile that moved.
    moved: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    # asset id -> its percentiles as stored before this run (JSON text, "" for none) and as
    # this run makes them, for the published assets in scope.
    old_percentiles: dict[int, str] = field(default_factory=dict)
    percentiles: dict[int, str] = field(default_factory=dict)
    # Assets whose page shows something new (a percentile) even if their score stayed put.
    touched: set[int] = field(default_factory=set)
    stats: Counter = field(default_factory=Counter)

    def in_scope(self, asset_id: int) -> bool:
        return self.scope is None or asset_id in self.scope


def recompute_scores(
    asset_ids: list[int] | None = None, reason: str = "", now: datetime | None = None
) -> dict[str, int | float]:
    """Recompute the scores of all published assets, or write only those in `asset_ids`.

    Returns counts: assets scored, scores changed, history rows written, percentiles
    rewritten, derived evidence rows created / updated / deleted, and the seconds it took.
    """
    started = time.perf_counter()
    run = _Run(
        now=now or timezone.now(),
        scope=set(asset_ids) if asset_ids is not None else None,
        reason=reason,
    )
    # One transaction: a failure leaves the previous scores whole, never half of each.
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Two servers recomputing at once would update the same rows in different orders
            # and could deadlock; the second waits for the first instead. (SQLite already
            # lets one writer in at a time.)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
        steps = {}
        for name, step in (("derive", _derive_ecosystem_evidence), ("read", _read_scores),
                           ("rank", _rank_signals), ("write", _write_scores)):
            step_started = time.perf_counter()
            step(run)
            steps[name] = round(time.perf_counter() - step_started, 3)
        step_started = time.perf_counter()
        # Claims compare peers' scores and evidence, so they come after both are settled.
        run.stats["claims"] = claims.refresh_claims(run.scope)
        steps["claims"] = round(time.perf_counter() - step_started, 3)
    return {
        "assets": run.stats["assets"],
        "changed": run.stats["changed"],
        "history": run.stats["history"],
        "percentiles": run.stats["percentiles"],
        "claims": run.stats["claims"],
        "evidence_created": run.stats["evidence_created"],
        "evidence_updated": run.stats["evidence_updated"],
        "evidence_deleted": run.stats["evidence_deleted"],
        "seconds": round(time.perf_counter() - started, 3),
        "step_seconds": steps,
    }


# Step 1: ecosystem evidence from the catalog graph ----------------------------------------


def _derive_ecosystem_evidence(run: _Run) -> None:
    """Upsert the graph counts as Evidence rows (origin "catalog-graph").

    Only counts above zero are stored: "nothing in this catalog is derived from it" says more
    about what the catalog holds than about the asset, so it leaves the signal unknown rather
    than ranking the asset last. Likewise n_frameworks only when its record lists some. Only
    published assets count as referrers, since only they are in the catalog a reader sees.
    An unchanged count is left alone, so its observed_at is the date since which it holds.
    """
    published = Asset.Status.PUBLISHED
    with connection.cursor() as cursor:
        cursor.execute(*_graph_counts_sql())
        frameworks, users_of = {}, {}
        for what, key, n in cursor.fetchall():
            (frameworks if what == "f" else users_of)[key] = n
        cursor.execute(f"SELECT id, kind, status, external_id FROM {_table(Asset)}")
        assets = cursor.fetchall()
    derivatives = dict(
        Asset.objects.filter(status=published, base__isnull=False)
        .values("base_id").annotate(n=Count("id")).order_by().values_list("base_id", "n")
    )
    trained = dict(
        Asset.trained_on.through.objects.filter(from_asset__status=published)
        .values("to_asset_id").annotate(n=Count("id")).order_by()
        .values_list("to_asset_id", "n")
    )

    wanted: dict[tuple[int, str], float] = {}
    for asset_id, kind, status, external_id in assets:
        if status == published:
            run.kinds[asset_id] = kind
        if not run.in_scope(asset_id):
            continue
        counts = {
            "n_derivatives_in_catalog": derivatives.get(asset_id, 0),
            "n_models_trained_on_in_catalog": trained.get(asset_id, 0),
            "n_frameworks": frameworks.get(str(asset_id), 0),
        }
        if kind == Asset.Kind.LIBRARY:
            counts["n_models_in_catalog"] = users_of.get(external_id.lower(), 0)
        for name, n in counts.items():
            if n > 0:
                wanted[(asset_id, name)] = float(n)

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, asset_id, name, value, observed_at FROM {_table(Evidence)} "
            "WHERE origin = %s",
            [ORIGIN],
        )
        existing = {
            (asset_id, name): (pk, value, observed)
            for pk, asset_id, name, value, observed in cursor.fetchall()
            if run.in_scope(asset_id)
        }
    today = timezone.localdate(run.now)
    now_db, today_db = _db_datetime(run.now), _db_date(today)
    created: list[tuple] = []
    updated: list[tuple] = []
    history: list[EvidenceHistory] = []
    for (asset_id, name), value in wanted.items():
        old = existing.get((asset_id, name))
        if old is not None and old[1] == value:
            continue
        sig = scoring.SIGNALS[name]
        (created if old is None else updated).append((
            asset_id, sig.dimension, name, sig.label, value, sig.unit, "{}", "", SOURCE_NAME,
            SOURCE_URL, today_db, Evidence.Verification.COMPUTED, ORIGIN, now_db, now_db,
        ))
        if old is not None:
            history.append(EvidenceHistory(
                evidence_id=old[0], old_value=old[1], new_value=value,
                old_observed_at=old[2], new_observed_at=today,
            ))
    run.stats["evidence_created"], run.stats["evidence_updated"] = len(created), len(updated)
    columns = ["asset_id", "dimension", "name", "label", "value", "unit", "settings",
               "settings_key", "source_name", "source_url", "observed_at", "verification",
               "origin", "created_at", "updated_at"]
    # Rows this run found missing (no other recompute runs meanwhile: the lock) go straight
    # in; the others replace the row they were compared with.
    _insert(Evidence, columns, created)
    _insert(
        Evidence, columns, updated,
        conflict=["asset_id", "name", "settings_key", "origin"],
        update=["dimension", "label", "value", "unit", "source_name", "source_url",
                "observed_at", "verification", "updated_at"],
    )
    # Changed counts are rare (a handful per catalog load), so the ORM is fine here.
    EvidenceHistory.objects.bulk_create(history)

    stale = [pk for key, (pk, _v, _o) in existing.items() if key not in wanted]
    for start in range(0, len(stale), DELETE_CHUNK):
        Evidence.objects.filter(id__in=stale[start:start + DELETE_CHUNK]).delete()
    run.stats["evidence_deleted"] = len(stale)


def _graph_counts_sql() -> tuple[str, list]:
    """Rows ("f", asset id, distinct frameworks it lists) and ("u", framework, published
    assets listing it), from the JSON `frameworks` lists, in one statement.

    An asset naming itself (a library listing its own id) is not its own user, and
    records.NOT_A_FRAMEWORK is no framework to run on.
    """
    asset = _table(Asset)
    if connection.vendor == "postgresql":
        elements = (
            f"FROM {asset} a CROSS JOIN LATERAL jsonb_array_elements_text(a.frameworks) j(v) "
            "WHERE jsonb_typeof(a.frameworks) = 'array'"
        )
        value, asset_key = "lower(j.v)", "a.id::text"
    else:
        elements = (
            f"FROM {asset} a, json_each(a.frameworks) j WHERE json_type(a.frameworks) = 'array'"
        )
        value, asset_key = "lower(j.value)", "CAST(a.id AS TEXT)"
    sql = f"""
        SELECT 'f', {asset_key}, COUNT(DISTINCT {value}) {elements} AND {value} <> %s
        GROUP BY a.id
        UNION ALL
        SELECT 'u', {value}, COUNT(DISTINCT a.id) {elements}
          AND a.status = %s AND {value} <> lower(a.external_id)
        GROUP BY {value}
    """
    return sql, [NOT_A_FRAMEWORK, Asset.Status.PUBLISHED]


# Step 2: percentiles and sub-scores ---------------------------------------------------------


@dataclass
class _Signal:
    """Every row of one (dimension, name, settings_key), as parallel arrays."""

    dimension: str
    name: str
    ids: np.ndarray
    owners: np.ndarray
    values: np.ndarray


def _read_signals() -> list[_Signal]:
    """Every scored evidence row in one query: a row per signal, its columns packed as text.

    Packing hands a million values over as a few dozen strings that numpy parses in C.
    SQLite gets one group_concat per column (its aggregates see a group's rows in one
    order); PostgreSQL one string of "id,asset,value" runs. Values are printed exactly: 17
    significant digits on SQLite; PostgreSQL's float8 text already round-trips.
    """
    if connection.vendor == "postgresql":
        packed = "string_agg(concat_ws(',', id, asset_id, value), ',')"
    else:
        packed = "group_concat(id), group_concat(asset_id), group_concat(printf('%%.17g', value))"
    sql = f"""
        SELECT dimension, name, {packed}
        FROM {_table(Evidence)}
        WHERE dimension IN ({", ".join(["%s"] * len(DIMENSION_KEYS))})
        GROUP BY dimension, name, settings_key
        ORDER BY dimension, name, settings_key
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, list(DIMENSION_KEYS))
        rows = cursor.fetchall()
    signals = []
    for dimension, name, *columns in rows:
        if len(columns) == 1:
            runs = np.fromstring(columns[0], sep=",").reshape(-1, 3)
            ids, owners, values = runs[:, 0], runs[:, 1], runs[:, 2].copy()
        else:
            ids, owners, values = (np.fromstring(c, sep=",") for c in columns)
        # Ids and asset ids are integers below 2**53, exact in a float.
        signals.append(_Signal(dimension, name, ids.astype(np.int64),
                               owners.astype(np.int64), values))
    return signals


def _outranked(signal_of: np.ndarray, ids: np.ndarray, owners: np.ndarray) -> np.ndarray:
    """Which rows another row outranks for the same asset and signal (a boolean mask).

    When several origins report the same signal for an asset, one speaks for it: a curator's
    (origin "") first, then verified before computed before claimed, then the most recently
    observed, then the newest row. Costs a query only when some asset has such a duplicate.
    """
    dropped = np.zeros(len(ids), dtype=bool)
    order = np.lexsort((owners, signal_of))
    same = (signal_of[order][1:] == signal_of[order][:-1]) & (
        owners[order][1:] == owners[order][:-1]
    )
    if not same.any():
        return dropped
    clashing = np.zeros(len(ids), dtype=bool)
    clashing[order[1:][same]] = True
    clashing[order[:-1][same]] = True
    rows = np.flatnonzero(clashing)
    membership, param = _id_membership(ids[rows].tolist())
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, origin, verification, observed_at FROM {_table(Evidence)} "
            f"WHERE id {membership}",
            [param],
        )
        precedence = {row[0]: _precedence(row) for row in cursor.fetchall()}
    best: dict[tuple[int, int], int] = {}
    for row in rows.tolist():
        key, pk = (int(signal_of[row]), int(owners[row])), int(ids[row])
        if key not in best or precedence[pk] < precedence[int(ids[best[key]])]:
            best[key] = row
    dropped[rows] = True
    dropped[list(best.values())] = False
    return dropped


def _precedence(row: tuple) -> tuple:
    pk, origin, verification, observed = row
    if isinstance(observed, str):  # SQLite hands raw SQL dates back as text
        observed = date.fromisoformat(observed)
    return (origin != "", VERIFICATION_ORDER.get(verification, len(VERIFICATION_ORDER)),
            observed is None, -(observed.toordinal() if observed else 0), -pk)


def _rank_signals(run: _Run) -> None:
    """Percentile of every scored signal within its asset's kind; the four sub-scores.

    As arrays over all signals at once: a row per evidence value, numbered by signal, and
    a group per (signal, kind) that `scoring.grouped_percentiles` ranks within. Each
    (asset, dimension) sums percentile × weight and weight in signal order, as
    `scoring.dimension_score` does one asset at a time.
    """
    signals = _read_signals()
    published = np.array(sorted(run.kinds), dtype=np.int64)
    kind_names = sorted(set(run.kinds.values()))
    kind_codes = {kind: code for code, kind in enumerate(kind_names)}
    kind_of = np.array([kind_codes[run.kinds[a]] for a in published.tolist()], dtype=np.int64)

    sizes = [len(sig.ids) for sig in signals]
    signal_of = np.repeat(np.arange(len(signals), dtype=np.int64), sizes)
    ids = np.concatenate([sig.ids for sig in signals]) if signals else np.zeros(0, np.int64)
    owners = np.concatenate([sig.owners for sig in signals]) if signals else ids
    values = (np.concatenate([sig.values for sig in signals]) if signals
              else np.zeros(0, np.float64))
    # Rows of published assets only (no longer published: in no peer group, no percentile),
    # and one row per asset and signal.
    at = np.searchsorted(published, owners)
    keep = at < len(published)
    keep[keep] = published[at[keep]] == owners[keep]
    keep &= ~_outranked(signal_of, ids, owners)
    signal_of, ids, owners, values, at = (
        signal_of[keep], ids[keep], owners[keep], values[keep], at[keep]
    )

    specs = [scoring.signal(sig.name, sig.dimension) for sig in signals]
    weight = np.array([spec.weight for spec in specs], dtype=np.float64)
    higher_is_better = np.array([spec.higher_is_better for spec in specs], dtype=bool)
    dimension = np.array([DIMENSION_KEYS.index(sig.dimension) for sig in signals],
                         dtype=np.int64)
    n_kinds = max(len(kind_names), 1)
    # The counts none_is_zero: a zero for each published asset of a kind some asset of
    # which holds the count and it does not, ranked with the others and then set aside.
    zeros = _zeros(signal_of, at, kind_of, [spec.none_is_zero for spec in specs])
    real = len(values)
    groups = np.concatenate([signal_of * n_kinds + kind_of[at],
                             zeros[0] * n_kinds + kind_of[zeros[1]]])
    pct = scoring.grouped_percentiles(
        groups, np.concatenate([values, np.zeros(len(zeros[0]))]),
        higher_is_better[np.concatenate([signal_of, zeros[0]])])[:real]
    # How many assets each percentile places among (one, for the neutral placeholder).
    _, group_at, group_size = np.unique(groups, return_inverse=True, return_counts=True)
    peers = group_size[group_at][:real]

    n_dims = len(DIMENSION_KEYS)
    cells = at * n_dims + dimension[signal_of]
    w = weight[signal_of]
    weighted = np.bincount(cells, weights=pct * w, minlength=len(published) * n_dims)
    weights = np.bincount(cells, weights=w, minlength=len(published) * n_dims)
    # A dimension's weighted mean; NaN (unknown) where no signal weighs anything.
    matrix = np.divide(weighted, weights, out=np.full(len(weights), np.nan), where=weights > 0)
    matrix = matrix.reshape(len(published), n_dims)
    scored = published
    if run.scope is not None:
        wanted = np.isin(published, np.array(sorted(run.scope), dtype=np.int64))
        matrix, scored = matrix[wanted], published[wanted]
    run.subscore_matrix = matrix
    for asset_id, row in zip(scored.tolist(), matrix.tolist(), strict=True):
        run.subscores[asset_id] = {
            key: None if value != value else value  # NaN is the only value unequal to itself
            for key, value in zip(DIMENSION_KEYS, row, strict=True)
        }
    run.stats["assets"] = len(run.subscores)
    _pack_percentiles(run, signals, published, at, ids, signal_of, pct, peers)


def _zeros(signal_of: np.ndarray, at: np.ndarray, kind_of: np.ndarray,
           none_is_zero: list[bool]) -> tuple[np.ndarray, np.ndarray]:
    """(signal, published asset index) of the zeros to rank beside the values (`signal_of`
    and `at`, an asset's index among the published, a row each) of the signals
    `none_is_zero` marks: one for each published asset lacking the signal, of a kind some
    published asset of which holds it."""
    signal_parts, at_parts = [], []
    for number in np.flatnonzero(np.asarray(none_is_zero, dtype=bool)).tolist():
        holders = at[signal_of == number]
        if not len(holders):
            continue
        lacking = np.isin(kind_of, np.unique(kind_of[holders]))
        lacking[holders] = False
        found = np.flatnonzero(lacking)
        signal_parts.append(np.full(len(found), number, dtype=np.int64))
        at_parts.append(found)
    if not signal_parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(signal_parts), np.concatenate(at_parts)


def _pack_percentiles(run: _Run, signals: list[_Signal], published: np.ndarray,
                      at: np.ndarray, ids: np.ndarray, signal_of: np.ndarray,
                      pct: np.ndarray, peers: np.ndarray) -> None:
    """Each asset's percentiles, with the number of assets each places among, as the JSON
    text its Score keeps, by evidence id; which assets' percentiles or counts moved (they
    are touched), and how the percentiles did, for the history reason."""
    order = np.lexsort((ids, at))
    at, ids, signal_of, pct, peers = (at[order], ids[order], signal_of[order], pct[order],
                                      peers[order])
    firsts = np.flatnonzero(np.r_[True, at[1:] != at[:-1]]) if len(at) else np.zeros(0, int)
    bounds = np.append(firsts, len(at)).tolist()
    owners = published[at[firsts]].tolist()
    ids_l, pct_l, sig_l = ids.tolist(), pct.tolist(), signal_of.tolist()
    placed = [list(pair) for pair in zip(pct_l, peers.tolist(), strict=True)]
    packed = dict(zip(owners, _json_objects([
        dict(zip(ids_l[bounds[j]:bounds[j + 1]], placed[bounds[j]:bounds[j + 1]], strict=True))
        for j in range(len(owners))
    ]), strict=True))
    # Which moves to name in a history reason: not for a first score, nor under a new formula.
    explained = {
        asset_id for asset_id, old in run.old_scores.items()
        if old[-1] == scoring.FORMULA_VERSION
    }
    where = dict(zip(owners, range(len(owners)), strict=True))
    moved = 0
    for asset_id in run.subscores:
        new = packed.get(asset_id, "")
        run.percentiles[asset_id] = new
        old = run.old_percentiles.get(asset_id, "")
        if new == old:
            continue
        run.touched.add(asset_id)
        before = read_percentiles(old)
        if asset_id not in where:
            moved += len(before)
            continue
        lo, hi = bounds[where[asset_id]], bounds[where[asset_id] + 1]
        if not before and asset_id not in explained:
            moved += hi - lo  # all new, and no reason to write
            continue
        changes = []
        for k in range(lo, hi):
            was = before.pop(ids_l[k], None)
            if was != pct_l[k]:
                changes.append((sig_l[k], ids_l[k], was, pct_l[k]))
        moved += len(changes) + len(before)  # and those no longer ranked
        if asset_id in explained:
            run.moved[asset_id] = [
                f"{signals[sig].name} {'new' if was is None else f'{was:.0f}'} → {now:.0f}"
                for sig, _pk, was, now in sorted(changes)
            ]
    run.stats["percentiles"] = moved


# Step 3: the composite, and writing only what changed --------------------------------------

SCORE_FIELDS = [*DIMENSION_KEYS, "rank", "formula_version"]


def _changed(old: tuple | None, new: tuple) -> bool:
    """Whether (sub-scores..., rank, formula_version) moved beyond float noise."""
    if old is None or old[-1] != new[-1]:
        return True
    for a, b in zip(old[:-1], new[:-1], strict=True):
        if (a is None) != (b is None):
            return True
        if a is not None and not math.isclose(a, b, rel_tol=0, abs_tol=TOLERANCE):
            return True
    return False


def _json_objects(objects: list[dict]) -> list[str]:
    """json.dumps of each of these flat dicts (numbers, lists of numbers, and strings without
    braces), in one call: a hundred thousand calls cost more than the encoding. Should a
    string hold "}, {" after all, the split finds too many parts and each dict is encoded on
    its own."""
    if not objects:
        return []
    parts = json.dumps(objects)[2:-2].split("}, {")
    if len(parts) != len(objects):
        return [json.dumps(obj) for obj in objects]
    return ["{" + part + "}" for part in parts]


def _read_scores(run: _Run) -> None:
    columns = ", ".join(
        connection.ops.quote_name(c) for c in ["asset_id", *SCORE_FIELDS, "percentiles"]
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {_table(Score)}")
        for row in cursor.fetchall():
            if run.in_scope(row[0]):
                run.old_scores[row[0]] = row[1:-1]
                run.old_percentiles[row[0]] = row[-1]


@dataclass
class _Composite:
    rank: float
    coverage: float
    provisional: bool


def _write_scores(run: _Run) -> None:
    now_db = _db_datetime(run.now)
    ranks, coverages, provisional = (
        column.tolist() for column in scoring.composite_many(run.subscore_matrix)
    )
    results = {
        asset_id: _Composite(*values)
        for asset_id, *values in zip(run.subscores, ranks, coverages, provisional, strict=True)
    }
    changed: list[int] = []
    for asset_id, subscores in run.subscores.items():
        new = (*subscores.values(), results[asset_id].rank, scoring.FORMULA_VERSION)
        if _changed(run.old_scores.get(asset_id), new):
            changed.append(asset_id)
    run.stats["changed"] = len(changed)
    _clear_unpublished(run)
    # Pages are cached by asset version: bump it where the score or a shown percentile moved.
    rewritten = sorted(run.touched.union(changed).intersection(results))
    _bump_versions(sorted(run.touched.union(changed)))
    if not rewritten:
        return

    new_scores, scores, history = [], [], []
    for asset_id in rewritten:
        result = results[asset_id]
        (scores if asset_id in run.old_scores else new_scores).append((
            asset_id, *(run.subscores[asset_id][k] for k in DIMENSION_KEYS), result.rank,
            result.coverage, result.provisional, now_db, scoring.FORMULA_VERSION,
            run.percentiles[asset_id],
        ))
    olds, news = [], []
    for asset_id in changed:
        result = results[asset_id]
        new = dict(zip(SCORE_FIELDS, (*run.subscores[asset_id].values(), result.rank,
                                      scoring.FORMULA_VERSION), strict=True))
        old = run.old_scores.get(asset_id)
        old_values = dict(zip(SCORE_FIELDS, old, strict=True)) if old else {}
        olds.append(old_values)
        news.append(new)
        history.append([
            asset_id, now_db, old_values.get("rank"), result.rank, None, None,
            _reason(run.reason, old_values, new, run.moved.get(asset_id)),
        ])
    for row, old_json, new_json in zip(history, _json_objects(olds), _json_objects(news),
                                       strict=True):
        row[4], row[5] = old_json, new_json
    columns = ["asset_id", *DIMENSION_KEYS, "rank", "coverage", "provisional", "computed_at",
               "formula_version", "percentiles"]
    # An asset without a score row (as read at the start, under the lock) gets one inserted.
    _insert(Score, columns, new_scores)
    _insert(
        Score,
        columns,
        scores,
        conflict=["asset_id"],
        update=[*DIMENSION_KEYS, "rank", "coverage", "provisional", "computed_at",
                "formula_version", "percentiles"],
    )
    _insert(
        ScoreHistory,
        ["asset_id", "at", "old_rank", "new_rank", "old_values", "new_values", "reason"],
        history,
    )
    run.stats["history"] = len(history)


def _clear_unpublished(run: _Run) -> None:
    """Drop the percentiles kept for assets no longer published: they are in no peer group."""
    q = connection.ops.quote_name
    score, asset = _table(Score), _table(Asset)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.{q('asset_id')} FROM {score} s JOIN {asset} a "
            f"ON a.{q('id')} = s.{q('asset_id')} "
            f"WHERE s.{q('percentiles')} <> '' AND a.{q('status')} <> %s",
            [Asset.Status.PUBLISHED],
        )
        stale = [row[0] for row in cursor.fetchall() if run.in_scope(row[0])]
        if not stale:
            return
        membership, param = _id_membership(stale)
        cursor.execute(
            f"UPDATE {score} SET {q('percentiles')} = '' WHERE {q('asset_id')} {membership}",
            [param],
        )
    run.touched.update(stale)


def _fmt(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.1f}"


def _reason(given: str, old: dict, new: dict, moved: list[str] | None) -> str:
    parts = [given] if given else []
    if not old:
        parts.append("first score")
    elif old.get("formula_version") != new["formula_version"]:
        parts.append(f"formula {old.get('formula_version')} → {new['formula_version']}")
    elif moved:
        shown = ", ".join(moved[:REASON_SIGNALS_SHOWN])
        more = len(moved) - REASON_SIGNALS_SHOWN
        parts.append(f"percentiles moved: {shown}" + (f" and {more} more" if more > 0 else ""))
    else:
        # No percentile of its own moved, so a signal of its own was removed.
        parts.append("a signal was removed")
    if old:
        moves = [
            f"{scoring.DIMENSIONS[k].label.lower()} {_fmt(old.get(k))} → {_fmt(new[k])}"
            for k in DIMENSION_KEYS
            if _fmt(old.get(k)) != _fmt(new[k])
        ]
        if moves:
            parts.append(", ".join(moves))
    return "; ".join(parts)[:REASON_MAX]


def _bump_versions(asset_ids: list[int]) -> None:
    """version = version + 1 for these assets in one statement, so cached pages refresh."""
    if not asset_ids:
        return
    membership, param = _id_membership(asset_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table(Asset)} SET version = version + 1 WHERE id {membership}", [param]
        )
    generation.advance()


def _id_membership(ids: list[int]) -> tuple[str, object]:
    """SQL for "id is one of these" with a single parameter, whatever the number of ids.

    SQLite caps placeholders per statement, so the list goes in as one JSON array.
    """
    if connection.vendor == "postgresql":
        # One text parameter PostgreSQL splits, rather than an array psycopg builds element
        # by element in Python (a second for a hundred thousand ids).
        return "= ANY(string_to_array(%s, ',')::bigint[])", ",".join(map(str, ids))
    return "IN (SELECT value FROM json_each(%s))", json.dumps(ids)


# Bulk writes ----------------------------------------------------------------------------


def _insert(
    model: type[Model],
    columns: list[str],
    rows: list[tuple],
    conflict: Sequence[str] = (),
    update: Sequence[str] = (),
) -> None:
    """INSERT rows (already in database form) in bulk, upserting on `conflict`.

    bulk_create spent about 50 µs a row preparing values, which at 100,000 scores is most of
    the time budget. PostgreSQL gets the rows by COPY (straight into the table, or into a
    scratch table to upsert from); SQLite one executemany.
    """
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    names = ", ".join(qn(c) for c in columns)
    tail = ""
    if conflict:
        tail = (
            f" ON CONFLICT ({', '.join(qn(c) for c in conflict)}) DO UPDATE SET "
            + ", ".join(f"{qn(c)} = EXCLUDED.{qn(c)}" for c in update)
        )
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks}){tail}", rows)
        elif not conflict:
            _copy(cursor, table, names, rows)
        else:
            with _copied(cursor, columns, f"SELECT {names} FROM {table}", rows) as source:
                cursor.execute(
                    f"INSERT INTO {table} ({names}) SELECT {names} FROM {source}{tail}"
                )


def _copy(cursor, table: str, names: str, rows: Iterable[tuple]) -> None:
    """COPY rows into a PostgreSQL table: psycopg writes them in C, where array parameters
    were built element by element in Python (seconds for a million values)."""
    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


@contextmanager
def _copied(cursor, columns: list[str], shape: str, rows: list[tuple]) -> Iterator[str]:
    """A scratch table with the columns (and types) of `shape`, a SELECT, holding `rows`;
    dropped afterwards."""
    qn = connection.ops.quote_name
    name = qn("recompute_rows")
    cursor.execute(f"CREATE TEMPORARY TABLE {name} AS {shape} WITH NO DATA")
    try:
        _copy(cursor, name, ", ".join(qn(c) for c in columns), rows)
        yield name
    finally:
        cursor.execute(f"DROP TABLE {name}")


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _db_datetime(value: datetime) -> datetime | str | None:
    return connection.ops.adapt_datetimefield_value(value)


def _db_date(value: date) -> date | str | None:
    return connection.ops.adapt_datefield_value(value)
