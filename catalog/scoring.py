"""The UnfragileRank formula: weights, signals, percentiles and the composite.

Plain Python with no ORM, so the formula can be unit-tested with hand-worked numbers and
/methodology/ can print the very values the code uses. `catalog.recompute` applies these
functions to the whole catalog, reading it in a fixed number of queries.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

# Bump when anything below changes the numbers: every score then gets a history row naming
# the new version.
FORMULA_VERSION = "2026.2"

WEIGHTS: dict[str, float] = {
    "adoption": 0.30,
    "quality": 0.30,
    "ecosystem": 0.20,
    "match_graph": 0.20,
}

# Where an unknown dimension pulls the rank, and what a percentile with nothing to compare
# against is: the middle, which claims neither "good" nor "bad".
NEUTRAL = 50.0
# Under this share of the weight known, a rank is marked provisional.
PROVISIONAL_BELOW = 0.5
# Percentiles are whole numbers, as the asset page shows them: the stored per-signal figure is
# exactly what enters the sub-score, and a peer joining a large group does not nudge every
# member's score by a hair (rewriting thousands of rows and history entries for nothing a
# reader could see).
PERCENTILE_DECIMALS = 0

COUNT = "count"
MEASURE = "measure"


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    description: str


DIMENSIONS: dict[str, Dimension] = {
    d.key: d
    for d in [
        Dimension(
            "adoption", "Adoption",
            "How widely people use it: downloads, likes and votes from public hubs and arenas.",
        ),
        Dimension(
            "quality", "Quality",
            "How well it does on benchmarks. A result is compared only with results of the same "
            "benchmark, metric and settings.",
        ),
        Dimension(
            "ecosystem", "Ecosystem",
            "How connected it is: fine-tunes built on it, models trained on it, frameworks it "
            "runs on, assets that use it.",
        ),
        Dimension(
            "match_graph", "Match graph",
            "How often searches on this site find it, and how many other assets it is found "
            "with. Unknown until people search.",
        ),
    ]
}


@dataclass(frozen=True)
class Signal:
    name: str
    dimension: str
    label: str
    source: str
    # Counts are compared on a log scale (log1p); measures as they are.
    scale: str = MEASURE
    # Weight within its dimension.
    weight: float = 1.0
    higher_is_better: bool = True
    unit: str = ""
    # A yes-or-no fact held as 1 or 0: shown as "yes" or "no", not as a number.
    flag: bool = False
    # A count this site computes for every asset (from its catalog or its searches) and
    # stores only above zero: an asset holding it is compared with every published asset of
    # its kind, those without it counting as zero, once any of that kind holds it. Compared
    # only with the others holding it, the least of them would place last, below every asset
    # with none, which stays unknown and neutral (a library used by 30 assets of this
    # catalog scored under one used by none). Those without it stay unknown themselves.
    none_is_zero: bool = False

    def transform(self, value: float) -> float:
        """The value on the scale it is compared on."""
        return log_scale(value) if self.scale == COUNT else value


def _signals(*signals: Signal) -> dict[str, Signal]:
    return {s.name: s for s in signals}


# The three LMArena arenas and timm's test sets, as the evidence importers name them.
ARENAS = ("text", "vision", "image")
TIMM_TEST_SETS = {
    "imagenet": "ImageNet-1k val", "imagenet_real": "ImageNet ReaL",
    "imagenetv2": "ImageNetV2 matched frequency", "imagenet_sketch": "ImageNet-Sketch",
    "imagenet_a": "ImageNet-A", "imagenet_r": "ImageNet-R",
}
OPENLLM_BENCHMARKS = {
    "ifeval": "IFEval", "bbh": "BBH", "math": "MATH Level 5", "gpqa": "GPQA", "musr": "MuSR",
    "mmlu_pro": "MMLU-Pro",
}

SIGNALS: dict[str, Signal] = _signals(
    # Adoption: public counts, imported with their source and date.
    Signal("downloads", "adoption", "Downloads", "Hugging Face Hub download counts",
           scale=COUNT, unit="downloads"),
    Signal("hub_likes", "adoption", "Hub likes",
           "Hugging Face Hub likes, as listed by the Open LLM Leaderboard v2", scale=COUNT,
           unit="likes"),
    # Votes say people bothered to compare it, which is weaker than using it: half weight.
    *(Signal(f"lmarena_{arena}_votes", "adoption", f"LMArena {arena} arena votes",
             f"LMArena {arena} leaderboard vote counts", scale=COUNT, weight=0.5, unit="votes")
      for arena in ARENAS),
    # Quality: benchmark results. Any other signal in the quality dimension is a benchmark too
    # (see `signal()`); these are the ones the importers write.
    Signal("ade20k_miou", "quality", "ADE20K mIoU", "Papers and model cards, claimed",
           unit="%"),
    *(Signal(f"openllm_{key}", "quality", f"Open LLM Leaderboard v2 · {label}",
             "Open LLM Leaderboard v2, normalised score", unit="points (0-100)")
      for key, label in OPENLLM_BENCHMARKS.items()),
    # The leaderboard's average is the mean of the six above: shown, but weighted 0 so the
    # same results do not count twice.
    Signal("openllm_average", "quality", "Open LLM Leaderboard v2 · Average",
           "Open LLM Leaderboard v2, mean of its six benchmarks", weight=0.0,
           unit="points (0-100)"),
    *(Signal(f"lmarena_{arena}_score", "quality", f"LMArena {arena} rating",
             f"LMArena {arena} leaderboard, with its 95% interval", unit="Elo")
      for arena in ARENAS),
    # Top-5 mostly restates top-1, so it gets half the weight.
    *(Signal(f"{prefix}_top{k}", "quality", f"{label} top-{k} accuracy",
             "timm results-*.csv, per image size and crop", weight=1.0 if k == 1 else 0.5,
             unit="%")
      for prefix, label in TIMM_TEST_SETS.items() for k in (1, 5)),
    # Ecosystem: computed from this catalog's graph, except the Hub integration flag.
    Signal("n_derivatives_in_catalog", "ecosystem", "Fine-tunes and adaptations in this catalog",
           "Computed from this catalog: published assets whose base is this one",
           scale=COUNT, unit="assets", none_is_zero=True),
    Signal("n_models_trained_on_in_catalog", "ecosystem", "Models in this catalog trained on it",
           "Computed from this catalog: published assets that list this one as training data",
           scale=COUNT, unit="models", none_is_zero=True),
    Signal("n_models_in_catalog", "ecosystem", "Assets in this catalog that use it",
           "Computed from this catalog: published assets listing this library as a framework",
           scale=COUNT, unit="assets", none_is_zero=True),
    # Frameworks and the Hub flag say little about an asset on their own: half weight.
    Signal("n_frameworks", "ecosystem", "Frameworks it runs on",
           "Computed from this catalog: the frameworks its record lists",
           scale=COUNT, weight=0.5, unit="frameworks"),
    Signal("hf_hub_integration", "ecosystem", "Integrated with the Hugging Face Hub",
           "@huggingface/tasks library registry (1 = integrated)", weight=0.5, flag=True),
    # Match graph: built from searches on this site.
    Signal("times_matched", "match_graph", "Times matched",
           "Searches on this site that matched it (one per session and query per day)",
           scale=COUNT, unit="searches", none_is_zero=True),
    Signal("weighted_degree", "match_graph", "Co-match weight",
           "Searches on this site that matched it together with other assets", scale=COUNT,
           weight=0.5, none_is_zero=True),
)

# Units that say "this is a count" for a signal the registry does not know.
COUNT_UNITS = frozenset({
    "count", "downloads", "likes", "votes", "stars", "forks", "models", "datasets", "assets",
    "searches", "frameworks", "users", "installs",
})


def unit_for(unit: str, value: float | None) -> str:
    """`unit` as it reads after `value`: a count unit in the singular for exactly one ("1
    framework", "1 search"), anything else as it is."""
    word = unit.strip()
    if value != 1 or word.lower() not in COUNT_UNITS or word.lower() == "count":
        return unit
    return word[:-2] if word.lower().endswith("ches") else word[:-1]


BENCHMARK_SOURCE = (
    "Benchmark results imported from leaderboards and papers; each row links its source"
)


def signal(name: str, dimension: str = "", unit: str = "") -> Signal:
    """The registered signal, or a weight-1, higher-is-better fallback for an unknown name."""
    known = SIGNALS.get(name)
    if known is not None:
        return known
    scale = COUNT if unit.strip().lower() in COUNT_UNITS else MEASURE
    source = BENCHMARK_SOURCE if dimension == "quality" else "Imported evidence"
    label = name.replace("_", " ").capitalize()
    return Signal(name, dimension, label, source, scale=scale, unit=unit)


def signals_by_dimension() -> dict[str, list[Signal]]:
    """The registered signals grouped by dimension, in WEIGHTS order (for /methodology/)."""
    grouped: dict[str, list[Signal]] = {key: [] for key in WEIGHTS}
    for s in SIGNALS.values():
        grouped.setdefault(s.dimension, []).append(s)
    return grouped


def log_scale(value: float) -> float:
    # log1p keeps 0 at 0 and makes 10 -> 100 as big a step as 1,000 -> 10,000.
    return math.log1p(value)


def percentiles(values: Sequence[float], higher_is_better: bool = True) -> list[float]:
    """Each value's percentile (0-100) among `values`, in the same order.

    Ties share the mean of the places they span (midrank), so identical values get identical
    percentiles: [1, 2, 2, 3] gives [0, 50, 50, 100]. A lone value has nothing to be
    compared with and gets the neutral 50, as does every value when all are equal. Results
    are rounded half up to PERCENTILE_DECIMALS. Percentiles are unchanged by any increasing
    transform, so counts need no log here.
    """
    n = len(values)
    found = grouped_percentiles(
        np.zeros(n, dtype=np.int64), np.asarray(values, dtype=np.float64),
        np.full(n, higher_is_better, dtype=bool),
    )
    return found.tolist()


def grouped_percentiles(
    groups: np.ndarray, values: np.ndarray, higher_is_better: np.ndarray
) -> np.ndarray:
    """`percentiles` of every group at once: each value's percentile among the values with
    the same group number, for arrays of any length (a recompute passes a million values).

    Sorted by group and value, a value's places run from the first to the last of its ties,
    counted from its group's first place; its percentile is the mean of those places over
    the group's n - 1 steps, computed in the same float operations, in the same order, as
    the worked examples in the tests, and rounded half up.
    """
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=np.float64)
    order = np.lexsort((values, groups))
    g, v = groups[order], values[order]
    starts_group = np.empty(n, dtype=bool)
    starts_group[0] = True
    np.not_equal(g[1:], g[:-1], out=starts_group[1:])
    starts_tie = starts_group.copy()
    starts_tie[1:] |= v[1:] != v[:-1]
    group_first = np.flatnonzero(starts_group)
    group_of = np.cumsum(starts_group) - 1
    size = np.diff(np.append(group_first, n))[group_of]
    tie_first = np.flatnonzero(starts_tie)
    tie_last = np.append(tie_first[1:], n) - 1
    tie_of = np.cumsum(starts_tie) - 1
    first_place = tie_first[tie_of] - group_first[group_of]
    last_place = tie_last[tie_of] - group_first[group_of]
    steps = np.maximum(size - 1, 1)
    pct = 100.0 * (first_place + last_place) / 2 / steps
    pct = np.where(higher_is_better[order], pct, 100.0 - pct)
    scale = 10**PERCENTILE_DECIMALS
    pct = np.floor(pct * scale + 0.5) / scale
    pct[size == 1] = NEUTRAL
    found = np.empty(n, dtype=np.float64)
    found[order] = pct
    return found


def dimension_score(items: Iterable[tuple[float, float]]) -> float | None:
    """Weighted mean of (percentile, weight) pairs; None (unknown) when there are none."""
    total = weighted = 0.0
    for pct, weight in items:
        total += weight
        weighted += pct * weight
    if total <= 0:
        return None
    return weighted / total


@dataclass(frozen=True)
class Result:
    rank: float
    coverage: float
    provisional: bool
    # Weighted mean of the known dimensions before shrinking; None when none is known.
    mean_known: float | None
    subscores: dict[str, float | None]
    weights: Mapping[str, float] = field(default_factory=lambda: dict(WEIGHTS))

    def explain(self) -> list[str]:
        """The arithmetic behind the rank, one line per step, for the asset page."""
        known = [(k, s) for k, s in self.subscores.items() if s is not None]
        unknown = [k for k, s in self.subscores.items() if s is None]
        total = sum(self.weights.values())
        if not known:
            return [
                "No dimension has evidence yet, so none is scored: unknown is not zero.",
                f"Coverage {self.coverage:.2f}; UnfragileRank is the neutral {NEUTRAL:g}, "
                "provisional.",
            ]
        terms = " + ".join(
            f"{_label(k)} {s:.1f} × {self.weights[k]:.2f}" for k, s in known
        )
        known_weight = sum(self.weights[k] for k, _ in known)
        weighted_sum = sum(s * self.weights[k] for k, s in known)
        lines = [
            f"{terms} = {weighted_sum:.2f}",
            f"Mean of the known dimensions: {weighted_sum:.2f} ÷ {known_weight:.2f} = "
            f"{self.mean_known:.1f}",
        ]
        if unknown:
            missing = ", ".join(f"{_label(k)} ({self.weights[k]:.2f})" for k in unknown)
            lines.append(f"Unknown, left out: {missing}")
            lines.append(
                f"Coverage {known_weight:.2f} ÷ {total:.2f} = {self.coverage:.2f}; "
                f"shrunk toward {NEUTRAL:g}: {self.coverage:.2f} × {self.mean_known:.1f} + "
                f"{1 - self.coverage:.2f} × {NEUTRAL:g} = {self.rank:.1f}"
            )
        else:
            lines.append(
                f"Coverage {self.coverage:.2f}: every dimension is known, nothing to shrink"
            )
        lines.append(
            f"UnfragileRank {self.rank:.1f}"
            + (" (provisional: under half the weight is known)" if self.provisional else "")
        )
        return lines


def _label(key: str) -> str:
    dim = DIMENSIONS.get(key)
    return dim.label if dim else key


def composite_many(
    subscores: np.ndarray, weights: Mapping[str, float] = WEIGHTS
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`composite` for many assets at once: `subscores` has a row per asset and a column per
    dimension in `weights` order, NaN for unknown. Returns rank, coverage and provisional
    per row, from the same float operations in the same order as `composite` (tested equal)."""
    total = sum(weights.values())
    known_weight = np.zeros(len(subscores))
    weighted = np.zeros(len(subscores))
    for column, weight in enumerate(weights.values()):
        known = ~np.isnan(subscores[:, column])
        known_weight = known_weight + np.where(known, weight, 0.0)
        weighted = weighted + np.where(known, subscores[:, column] * weight, 0.0)
    coverage = known_weight / total if total > 0 else np.zeros(len(subscores))
    scored = known_weight > 0
    mean_known = np.divide(weighted, known_weight, out=np.zeros(len(subscores)), where=scored)
    rank = np.where(scored, coverage * mean_known + (1 - coverage) * NEUTRAL, NEUTRAL)
    return rank, coverage, coverage < PROVISIONAL_BELOW


def composite(
    subscores: Mapping[str, float | None], weights: Mapping[str, float] = WEIGHTS
) -> Result:
    """UnfragileRank from sub-scores (None = unknown).

    rank = coverage × (weighted mean of the known dimensions) + (1 − coverage) × 50, where
    coverage is the known share of the total weight: missing weight pulls toward the middle
    instead of counting as zero.
    """
    ordered = {key: subscores.get(key) for key in weights}
    total = sum(weights.values())
    known = {k: s for k, s in ordered.items() if s is not None}
    # Plain left-to-right sums (not sum(), which compensates rounding since Python 3.12), so
    # composite_many, adding column by column, gets the very same floats.
    known_weight = weighted = 0.0
    for k, s in known.items():
        known_weight += weights[k]
        weighted += s * weights[k]
    coverage = known_weight / total if total > 0 else 0.0
    if known_weight > 0:
        mean_known: float | None = weighted / known_weight
        rank = coverage * mean_known + (1 - coverage) * NEUTRAL
    else:
        mean_known = None
        rank = NEUTRAL
    return Result(
        rank=rank,
        coverage=coverage,
        provisional=coverage < PROVISIONAL_BELOW,
        mean_known=mean_known,
        subscores=ordered,
        weights=dict(weights),
    )
