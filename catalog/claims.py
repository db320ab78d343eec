"""Computed "Unique:" and "vs alternatives:" lines for capabilities.

Each claim compares an asset with its peers (published assets of the same kind doing the same
task, or with the same benchmark under the same settings) and names the group and its size.
Where there is nothing to compare, the line says so. Curated overrides (edited in the admin)
live in other fields and always win; this module only rewrites the computed lines.

`claim_texts` is pure; `refresh_claims` reads the catalog in a fixed number of queries, works
per peer group in memory, and writes only the capabilities whose text changed.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F

from catalog.models import KIND_PLURAL, Asset, Capability, Evidence, read_percentiles
from catalog.records import article, human_count, join_words, price_figure
from unfragile import generation

KIND_SINGULAR = {
    "model": "model",
    "fine-tune": "fine-tune",
    "dataset": "dataset",
    "library": "library",
    "tool": "tool",
    "api": "API",
}


@dataclass
class Peer:
    asset_id: int
    name: str
    size: int | None
    released: str | None
    rank: float | None
    trained_on: frozenset[int] = frozenset()
    # False when no evidence is known (coverage 0): the rank is the neutral starting point,
    # which places it nowhere.
    measured: bool = True


@dataclass
class Bench:
    evidence_id: int
    label: str
    value: float
    unit: str
    verification: str
    source: str
    # Every value of the same signal and settings among assets of the same kind.
    peer_values: list[float] = field(default_factory=list)


@dataclass
class Claims:
    unique: str
    vs: str
    evidence_id: int | None


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,}{suffix}"


def _level_with(others: int) -> str:
    return f"level with {others:,} other{'s' if others > 1 else ''}"


def _figure(value: float, unit: str) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"
    return f"{text} {unit}".strip() if unit and unit != "%" else f"{text}{unit}"


def _ratio_phrase(mine: int, median: float) -> str:
    ratio = mine / median
    if 0.45 <= ratio <= 0.55:
        return "about half the size of the median peer"
    if 1.8 <= ratio <= 2.2:
        return "about twice the size of the median peer"
    if 0.8 <= ratio <= 1.25:  # "1.1× smaller" reads as a difference worth naming
        return "about the size of the median peer"
    if ratio < 1:
        return f"{1 / ratio:.1f}× smaller than the median peer"
    return f"{ratio:.1f}× larger than the median peer"


def task_group(task: str, kind: str, one: bool = False) -> str:
    """Assets of a kind doing a task, as a phrase: "image segmentation models", "embedding
    APIs" (a task named by a plural noun is singular before another noun)."""
    attributive = re.sub(r"embeddings$", "embedding", task.lower())
    return f"{attributive} {(KIND_SINGULAR if one else KIND_PLURAL)[kind]}"


def claim_texts(
    me: Peer,
    peers: list[Peer],
    task: str,
    kind: str,
    size_noun: str,
    bench: Bench | None = None,
    dataset_names: dict[int, str] | None = None,
) -> Claims:
    """The two lines for one capability of `me`; `peers` includes `me`."""
    group = task_group(task, kind)
    n = len(peers)
    others = [p for p in peers if p.asset_id != me.asset_id]
    if not others:
        unique = f"The only {task_group(task, kind, one=True)} in this catalog"
        trained = sorted(dataset_names[d] for d in me.trained_on if d in (dataset_names or {}))
        if trained:
            unique += f", trained on {join_words(trained[:2])}"
        if bench:
            unique += (f"; {bench.label} {_figure(bench.value, bench.unit)} "
                       f"({bench.verification} in {bench.source})")
        return Claims(
            unique=unique + ".",
            vs=f"No other {group} here to compare with.",
            evidence_id=bench.evidence_id if bench else None,
        )

    unique = ""
    evidence_id = None
    if bench and len(bench.peer_values) > 1:
        better = sum(1 for v in bench.peer_values if v > bench.value)
        unique = (
            f"{ordinal(better + 1)} of {len(bench.peer_values):,} {KIND_PLURAL[kind]} with "
            f"{article(bench.label)} {bench.label} result "
            f"({_figure(bench.value, bench.unit)}, {bench.verification} in {bench.source})."
        )
        evidence_id = bench.evidence_id
    elif bench:
        unique = (
            f"The only {KIND_SINGULAR[kind]} here with {article(bench.label)} {bench.label} result "
            f"({_figure(bench.value, bench.unit)}, {bench.verification} in {bench.source})."
        )
        evidence_id = bench.evidence_id
    if not unique and me.trained_on and dataset_names:
        others_data = set().union(*(p.trained_on for p in others))
        only_mine = sorted(dataset_names[d] for d in me.trained_on - others_data
                           if d in dataset_names)
        if only_mine:
            unique = (
                f"The only one of the {n:,} {group} here trained on {join_words(only_mine[:2])}."
            )
    sized = [p.size for p in peers if p.size]
    if not unique and me.size and len(sized) > 1:
        median = statistics.median(sized)
        larger = sum(1 for s in sized if s > me.size)
        place = "the largest" if larger == 0 else (
            "the smallest" if larger == len(sized) - 1 else f"{ordinal(larger + 1)} largest"
        )
        unique = (
            f"{human_count(me.size)} {size_noun}: {place} of the {len(sized):,} {group} with a "
            f"known size, {_ratio_phrase(me.size, median)}."
        )
    if not unique:
        other = (f"the one other {task_group(task, kind, one=True)}" if n == 2
                 else f"the other {n - 1:,} {group}")
        unique = f"Nothing sets it apart from {other} on the facts held here."

    # Only ranks resting on some evidence place an asset among its peers.
    ranked = sorted((p for p in peers if p.rank is not None and p.measured),
                    key=lambda p: -p.rank)
    if me.rank is not None and me.measured and len(ranked) > 1:
        place = 1 + sum(1 for p in ranked if p.rank > me.rank + 1e-9)
        ahead = [p.name for p in ranked if p.rank > me.rank + 1e-9][:2]
        tied = sum(1 for p in ranked if abs(p.rank - me.rank) <= 1e-9) - 1
        if tied == len(ranked) - 1:
            every = "Both" if len(ranked) == 2 else f"All {len(ranked):,}"
            vs = f"{every} {group} rank alike by UnfragileRank ({me.rank:.0f})."
        else:
            vs = (f"Ranks {ordinal(place)} of the {len(ranked):,} {group} by UnfragileRank"
                  if len(ranked) == n else
                  # ("the other 60 embedding APIs" says the same card's first line)
                  f"Ranks {ordinal(place)} by UnfragileRank of the {len(ranked):,} {group} "
                  "ranked on evidence")
            level = f", {_level_with(tied)}" if tied else ""
            if ahead:
                vs += f"{level}; ahead of it: {join_words(ahead)}."
            else:
                vs += f"{level} at the top." if tied else "."
    else:
        dated = sorted((p for p in peers if p.released), key=lambda p: p.released, reverse=True)
        if me.released and len(dated) > 1:
            newer = sum(1 for p in dated if p.released > me.released)
            same = sum(1 for p in dated if p.released == me.released) - 1
            vs = (f"Released {me.released}: {'the newest' if newer == 0 else ordinal(newer + 1)}"
                  f"{'' if newer == 0 else ' newest'} of the {len(dated):,} dated {group}")
            if same:
                vs += (f", with {'one other' if same == 1 else f'{same:,} others'} released "
                       "the same day")
            vs += "."
        elif me.rank is not None and not me.measured and len(ranked) > 1:
            vs = ("No evidence on any dimension of its UnfragileRank yet, so it is not placed "
                  f"among the {len(ranked):,} {group} that have some.")
        elif not me.released and dated:
            vs = (f"One of {n:,} {group} here; with no release date known, it is not placed "
                  f"among the {len(dated):,} that have one.")
        else:
            vs = f"One of {n:,} {group} here; no ranked or dated peers to compare it with yet."
    return Claims(unique=unique, vs=vs, evidence_id=evidence_id)


def refresh_claims(asset_ids: set[int] | None = None) -> int:
    """Rewrite the computed claims of task capabilities and of APIs' price capabilities;
    returns how many changed."""
    changed = _task_claims(asset_ids) + _price_claims(asset_ids)
    Capability.objects.bulk_update(
        [c for c, _ in changed], ["unique_claim", "vs_alternatives", "evidence"], batch_size=500
    )
    if changed:
        ids = sorted({asset_id for _, asset_id in changed})
        for start in range(0, len(ids), 500):
            Asset.objects.filter(id__in=ids[start:start + 500]).update(version=F("version") + 1)
        generation.advance()
    return len(changed)


def _task_claims(asset_ids: set[int] | None) -> list[tuple[Capability, int]]:
    """The task capabilities whose claims change, each with its asset's id."""
    caps = list(
        Capability.objects.filter(
            asset__status=Asset.Status.PUBLISHED, task__isnull=False
        ).values("id", "asset_id", "task_id", "task__name", "asset__kind", "unique_claim",
                 "vs_alternatives", "evidence_id")
    )
    if not caps:
        return []
    # Only assets with a task capability need claims, and only their evidence is read.
    with_tasks = Capability.objects.filter(task__isnull=False).values("asset_id")
    assets = {
        row["id"]: row
        for row in Asset.objects.published().filter(id__in=with_tasks).values(
            "id", "name", "kind", "n_parameters", "dataset_samples", "released_on", "score__rank",
            "score__coverage", "score__percentiles",
        )
    }
    trained: dict[int, set[int]] = defaultdict(set)
    links = Asset.trained_on.through.objects.filter(from_asset_id__in=with_tasks)
    for src, dst in links.values_list("from_asset_id", "to_asset_id"):
        trained[src].add(dst)
    dataset_names = dict(
        Asset.objects.filter(kind=Asset.Kind.DATASET, trained_models__isnull=False)
        .values_list("id", "name").distinct()
    )
    benches = _benchmarks(assets, with_tasks)

    groups: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for cap in caps:
        if cap["asset_id"] in assets:
            groups[(cap["asset__kind"], cap["task_id"])].append(cap)

    changed: list[tuple[Capability, int]] = []
    for (kind, _task), members in groups.items():
        peers = {}
        for cap in members:
            a = assets[cap["asset_id"]]
            size = a["dataset_samples"] if kind == Asset.Kind.DATASET else a["n_parameters"]
            peers[a["id"]] = Peer(
                a["id"], a["name"], size,
                a["released_on"].isoformat() if a["released_on"] else None,
                a["score__rank"], frozenset(trained.get(a["id"], ())),
                measured=bool(a["score__coverage"]),
            )
        peer_list = list(peers.values())
        size_noun = "samples" if kind == Asset.Kind.DATASET else "parameters"
        for cap in members:
            if asset_ids is not None and cap["asset_id"] not in asset_ids:
                continue
            claims = claim_texts(
                peers[cap["asset_id"]], peer_list, cap["task__name"], kind, size_noun,
                benches.get(cap["asset_id"]), dataset_names,
            )
            changed += _if_changed(cap, claims)
    return changed


# APIs' price capabilities (records.py writes them under this key) and the evidence they
# are compared on: (signal, the word for it).
PRICE_KEY = "api-pricing"
PRICES = (("price_input_per_mtok", "input"), ("price_output_per_mtok", "output"))


@dataclass
class Priced:
    asset_id: int
    name: str
    # Signal: (evidence id, value, unit).
    prices: dict[str, tuple[int, float, str]]


def price_texts(me: Priced, peers: list[Priced], group: str) -> Claims:
    """Where `me`'s input price (the "Unique:" line) and output price ("vs alternatives:")
    stand among `peers` (which include it) listing one in the same unit."""

    def line(signal: str, word: str) -> str:
        if signal not in me.prices:
            if not any(signal in p.prices for p in peers):
                return f"None of the {group} here lists an {word} price."
            return f"No {word} price is listed for it."
        _, mine, unit = me.prices[signal]
        values = [p.prices[signal][1] for p in peers
                  if signal in p.prices and p.prices[signal][2] == unit]
        figure = f"{word.capitalize()} at {price_figure(mine)} {unit}"
        if len(values) < 2:
            return f"{figure}: the only one of the {group} here with a listed {word} price."
        lower = sum(1 for v in values if v < mine)
        level = sum(1 for v in values if v == mine) - 1
        place = "the lowest" if lower == 0 else f"{ordinal(lower + 1)} lowest"
        if level:
            place += f" ({_level_with(level)})"
        median = price_figure(statistics.median(values))
        return (f"{figure}: {place} of the {len(values):,} {group} with a listed {word} price;"
                f" the median is {median} {unit}.")

    (input_signal, input_word), (output_signal, output_word) = PRICES
    shown = me.prices.get(input_signal) or me.prices.get(output_signal)
    return Claims(
        unique=line(input_signal, input_word), vs=line(output_signal, output_word),
        evidence_id=shown[0] if shown else None,
    )


def _price_claims(asset_ids: set[int] | None) -> list[tuple[Capability, int]]:
    """The price capabilities whose claims change. An API is compared with the APIs listing
    a price that share its task with the most of them ("text generation APIs"), or with
    all of them when it lists no task. Three queries."""
    published = Asset.Status.PUBLISHED
    caps = list(
        Capability.objects.filter(key=PRICE_KEY, asset__status=published).values(
            "id", "asset_id", "asset__name", "asset__kind", "unique_claim", "vs_alternatives",
            "evidence_id",
        )
    )
    if not caps:
        return []
    signals = [signal for signal, _ in PRICES]
    priced: dict[int, Priced] = {}
    names = {cap["asset_id"]: cap["asset__name"] for cap in caps}
    kinds = {cap["asset_id"]: cap["asset__kind"] for cap in caps}
    # The assets holding a price capability, as a subquery: there may be many.
    holders = Capability.objects.filter(key=PRICE_KEY).values("asset_id")
    for row in Evidence.objects.filter(
        dimension=Evidence.Dimension.PRICING, name__in=signals, asset__status=published,
        asset_id__in=holders,
    ).values("id", "asset_id", "name", "value", "unit").order_by("asset_id", "name", "id"):
        entry = priced.setdefault(row["asset_id"], Priced(row["asset_id"],
                                                          names[row["asset_id"]], {}))
        entry.prices.setdefault(row["name"], (row["id"], row["value"], row["unit"]))
    tasks: dict[int, list[str]] = defaultdict(list)
    for asset_id, task in Asset.tasks.through.objects.filter(
        asset_id__in=holders, asset__status=published
    ).values_list("asset_id", "task__name"):
        tasks[asset_id].append(task)
    by_task: dict[tuple[str, str], list[Priced]] = defaultdict(list)
    for asset_id, entry in priced.items():
        for task in tasks[asset_id]:
            by_task[(kinds[asset_id], task)].append(entry)
        by_task[(kinds[asset_id], "")].append(entry)

    changed = []
    for cap in caps:
        asset_id, kind = cap["asset_id"], cap["asset__kind"]
        if asset_id not in priced or (asset_ids is not None and asset_id not in asset_ids):
            continue
        # Its largest task group, the first task by name among equals.
        task = min(tasks[asset_id], key=lambda t: (-len(by_task[(kind, t)]), t), default="")
        group = task_group(task, kind) if task else KIND_PLURAL[kind]
        claims = price_texts(priced[asset_id], by_task[(kind, task)], group)
        changed += _if_changed(cap, claims)
    return changed


def _if_changed(cap: dict, claims: Claims) -> list[tuple[Capability, int]]:
    """The capability row `cap` with `claims` written in, and its asset's id, when they
    differ from what it holds; nothing when they are the same."""
    if (claims.unique, claims.vs, claims.evidence_id) == (
        cap["unique_claim"], cap["vs_alternatives"], cap["evidence_id"]
    ):
        return []
    return [(Capability(id=cap["id"], unique_claim=claims.unique, vs_alternatives=claims.vs,
                        evidence_id=claims.evidence_id), cap["asset_id"])]


def _benchmarks(assets: dict[int, dict], with_tasks) -> dict[int, Bench]:
    """Each asset's best-known benchmark result, with the values of its peers on the same one."""
    rows = [
        row for row in
        Evidence.objects.filter(dimension=Evidence.Dimension.QUALITY, asset_id__in=with_tasks)
        .values("id", "asset_id", "name", "settings_key", "label", "value", "unit",
                "verification", "source_name")
        if row["asset_id"] in assets
    ]
    # Each asset's best-placed benchmark first (unranked ones last), as its score keeps them.
    ranked = {
        asset_id: read_percentiles(assets[asset_id].get("score__percentiles") or "")
        for asset_id in {row["asset_id"] for row in rows}
    }
    rows.sort(key=lambda row: (
        row["asset_id"], -ranked[row["asset_id"]].get(row["id"], -math.inf),
        row["name"], row["settings_key"],
    ))
    values: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for row in rows:
        values[(assets[row["asset_id"]]["kind"], row["name"], row["settings_key"])].append(
            row["value"]
        )
    best: dict[int, Bench] = {}
    for row in rows:
        if row["asset_id"] in best:
            continue
        kind = assets[row["asset_id"]]["kind"]
        best[row["asset_id"]] = Bench(
            evidence_id=row["id"], label=row["label"] or row["name"], value=row["value"],
            unit=row["unit"], verification=row["verification"], source=row["source_name"],
            peer_values=values[(kind, row["name"], row["settings_key"])],
        )
    return best
