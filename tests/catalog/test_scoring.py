"""The formula module with plain values; every expected number is worked out in a comment."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog import scoring


def midranks(values: list[float], higher_is_better: bool) -> list[float]:
    """The definition, one value at a time: the mean of the places a value's ties span, over
    the n - 1 steps of the scale, rounded half up to whole numbers; 50 when alone."""
    n = len(values)
    found = []
    for value in values:
        below = sum(1 for other in values if other < value)
        ties = sum(1 for other in values if other == value)
        if n == 1:
            found.append(50.0)
            continue
        pct = 100.0 * (below + below + ties - 1) / 2 / (n - 1)
        found.append(math.floor((pct if higher_is_better else 100.0 - pct) + 0.5) / 1)
    return found


class TestPercentiles:
    @given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from([0.5, 1.0, 2.0, 7.25, 1e9]),
                              st.booleans()), max_size=40))
    def test_groups_at_once_match_the_definition_group_by_group(self, rows):
        groups = np.array([g for g, _v, _u in rows], dtype=np.int64)
        values = np.array([v for _g, v, _u in rows], dtype=np.float64)
        # Direction is per signal, so per group: take each group's first row's.
        direction = {g: u for g, _v, u in reversed(rows)}
        up = np.array([direction[g] for g, _v, _u in rows], dtype=bool)
        found = scoring.grouped_percentiles(groups, values, up).tolist()
        for group in set(groups.tolist()):
            members = [i for i, (g, _v, _u) in enumerate(rows) if g == group]
            expected = midranks([rows[i][1] for i in members], direction[group])
            assert [found[i] for i in members] == expected

    def test_it_spreads_distinct_values_from_0_to_100(self):
        # Places 0, 1, 2 of n - 1 = 2 steps: 0/2, 1/2, 2/2.
        assert scoring.percentiles([10, 20, 30]) == [0.0, 50.0, 100.0]

    def test_it_keeps_the_input_order(self):
        assert scoring.percentiles([30, 10, 20]) == [100.0, 0.0, 50.0]

    def test_it_rounds_to_whole_numbers(self):
        # 1/3 × 100 = 33.33... -> 33; 2/3 × 100 = 66.66... -> 67.
        assert scoring.percentiles([1, 2, 3, 4]) == [0.0, 33.0, 67.0, 100.0]

    def test_it_rounds_halves_up(self):
        # The 1s take places 0 and 1 of 0..4: 0.5 / 4 = 12.5 -> 13 (round() would say 12).
        assert scoring.percentiles([1, 1, 2, 3, 4]) == [13.0, 13.0, 50.0, 75.0, 100.0]
        # Reversed, the 1s are at 100 - 12.5 = 87.5 -> 88.
        assert scoring.percentiles([1, 1, 2, 3, 4], higher_is_better=False) == [
            88.0, 88.0, 50.0, 25.0, 0.0
        ]

    def test_it_gives_ties_the_middle_of_the_places_they_span(self):
        # The 2s take places 1 and 2 of 0..3: mean 1.5, 1.5 / 3 = 50.
        assert scoring.percentiles([1, 2, 2, 3]) == [0.0, 50.0, 50.0, 100.0]
        # The 5s take places 0 and 1 of 0..2: mean 0.5, 0.5 / 2 = 25; the 9 is 2 / 2 = 100.
        assert scoring.percentiles([5, 9, 5]) == [25.0, 100.0, 25.0]

    def test_it_gives_identical_values_the_neutral_50(self):
        # Places 0..3, mean 1.5 of 3 steps = 50: nobody is better than anybody.
        assert scoring.percentiles([7, 7, 7, 7]) == [50.0, 50.0, 50.0, 50.0]

    def test_it_gives_a_lone_value_the_neutral_50(self):
        # Nothing to compare with: neither the best nor the worst of one.
        assert scoring.percentiles([42.0]) == [50.0]

    def test_it_returns_nothing_for_nothing(self):
        assert scoring.percentiles([]) == []

    def test_it_reverses_a_lower_is_better_signal(self):
        # A price of 10 beats 20 beats 30: 100, 50, 0; the tie keeps its middle.
        assert scoring.percentiles([10, 20, 30], higher_is_better=False) == [100.0, 50.0, 0.0]
        assert scoring.percentiles([1, 2, 2, 3], higher_is_better=False) == [
            100.0, 50.0, 50.0, 0.0
        ]

    def test_it_is_unchanged_by_the_log_scale(self):
        counts = [0, 3, 3, 10, 1_000_000, 250]
        logged = [scoring.log_scale(c) for c in counts]
        assert scoring.percentiles(logged) == scoring.percentiles(counts)


class TestLogScale:
    def test_it_is_log1p(self):
        assert scoring.log_scale(0) == 0.0
        # log(1 + (e - 1)) = 1.
        assert scoring.log_scale(math.e - 1) == pytest.approx(1.0)

    def test_a_count_signal_is_compared_on_it_and_a_measure_as_is(self):
        assert scoring.SIGNALS["downloads"].transform(99) == pytest.approx(math.log(100))
        assert scoring.SIGNALS["imagenet_top1"].transform(81.5) == 81.5


class TestDimensionScore:
    def test_it_is_unknown_without_signals(self):
        assert scoring.dimension_score([]) is None

    def test_it_is_the_weighted_mean_of_percentiles(self):
        # (80 + 20) / 2 = 50.
        assert scoring.dimension_score([(80.0, 1.0), (20.0, 1.0)]) == 50.0
        # (80 × 1 + 20 × 0.5) / 1.5 = 90 / 1.5 = 60.
        assert scoring.dimension_score([(80.0, 1.0), (20.0, 0.5)]) == pytest.approx(60.0)

    def test_a_zero_weight_signal_alone_leaves_it_unknown(self):
        assert scoring.dimension_score([(90.0, 0.0)]) is None


class TestComposite:
    def test_all_unknown_is_the_neutral_50_with_no_coverage(self):
        result = scoring.composite(dict.fromkeys(scoring.WEIGHTS))
        assert result.rank == 50.0
        assert result.coverage == 0.0
        assert result.provisional is True
        assert result.mean_known is None
        assert result.explain() == [
            "No dimension has evidence yet, so none is scored: unknown is not zero.",
            "Coverage 0.00; UnfragileRank is the neutral 50, provisional.",
        ]

    def test_a_missing_key_counts_as_unknown(self):
        assert scoring.composite({}).rank == 50.0

    def test_one_dimension_known_is_shrunk_toward_50(self):
        # Quality 80 carries 0.30 of the weight: 0.30 × 80 + 0.70 × 50 = 24 + 35 = 59.
        result = scoring.composite({"quality": 80.0})
        assert result.coverage == pytest.approx(0.30)
        assert result.rank == pytest.approx(59.0)
        assert result.mean_known == pytest.approx(80.0)
        assert result.provisional is True  # 0.30 < 0.5
        assert result.subscores == {
            "adoption": None, "quality": 80.0, "ecosystem": None, "match_graph": None
        }

    def test_half_the_weight_known_is_not_provisional(self):
        # Known: 72 × 0.30 + 40 × 0.20 = 21.6 + 8 = 29.6 over 0.50 -> mean 59.2.
        # Coverage 0.50: 0.50 × 59.2 + 0.50 × 50 = 29.6 + 25 = 54.6.
        result = scoring.composite(
            {"adoption": None, "quality": 72.0, "ecosystem": 40.0, "match_graph": None}
        )
        assert result.mean_known == pytest.approx(59.2)
        assert result.coverage == pytest.approx(0.5)
        assert result.rank == pytest.approx(54.6)
        assert result.provisional is False
        assert result.explain() == [
            "Quality 72.0 × 0.30 + Ecosystem 40.0 × 0.20 = 29.60",
            "Mean of the known dimensions: 29.60 ÷ 0.50 = 59.2",
            "Unknown, left out: Adoption (0.30), Match graph (0.20)",
            "Coverage 0.50 ÷ 1.00 = 0.50; shrunk toward 50: 0.50 × 59.2 + 0.50 × 50 = 54.6",
            "UnfragileRank 54.6",
        ]

    def test_every_dimension_known_is_the_plain_weighted_mean(self):
        # 90 × 0.3 + 70 × 0.3 + 50 × 0.2 + 30 × 0.2 = 27 + 21 + 10 + 6 = 64; coverage 1.
        result = scoring.composite(
            {"adoption": 90.0, "quality": 70.0, "ecosystem": 50.0, "match_graph": 30.0}
        )
        assert result.rank == pytest.approx(64.0)
        assert result.coverage == pytest.approx(1.0)
        assert result.provisional is False
        assert result.explain()[-2:] == [
            "Coverage 1.00: every dimension is known, nothing to shrink",
            "UnfragileRank 64.0",
        ]

    def test_a_provisional_rank_says_so(self):
        # Match graph 100 alone: 0.2 × 100 + 0.8 × 50 = 60, coverage 0.2.
        result = scoring.composite({"match_graph": 100.0})
        assert result.rank == pytest.approx(60.0)
        assert result.explain()[-1] == (
            "UnfragileRank 60.0 (provisional: under half the weight is known)"
        )

    def test_a_zero_sub_score_is_known_not_missing(self):
        # Quality 0 is evidence of bad quality: 0.3 × 0 + 0.7 × 50 = 35.
        result = scoring.composite({"quality": 0.0})
        assert result.coverage == pytest.approx(0.3)
        assert result.rank == pytest.approx(35.0)

    def test_it_takes_other_weights(self):
        # a 100 × 1 known of a total 4: coverage 0.25, 0.25 × 100 + 0.75 × 50 = 62.5.
        result = scoring.composite({"a": 100.0, "b": None}, weights={"a": 1.0, "b": 3.0})
        assert result.coverage == 0.25
        assert result.rank == 62.5


class TestRegistry:
    def test_the_weights_add_up_to_one(self):
        assert sum(scoring.WEIGHTS.values()) == pytest.approx(1.0)
        assert set(scoring.WEIGHTS) == set(scoring.DIMENSIONS)

    def test_every_signal_belongs_to_a_scored_dimension(self):
        for sig in scoring.SIGNALS.values():
            assert sig.dimension in scoring.WEIGHTS, sig.name
            assert sig.weight >= 0, sig.name
            assert sig.scale in {scoring.COUNT, scoring.MEASURE}, sig.name
            assert sig.label and sig.source, sig.name

    def test_it_knows_the_catalog_graph_signals(self):
        for name in ("n_derivatives_in_catalog", "n_models_trained_on_in_catalog",
                     "n_frameworks", "n_models_in_catalog"):
            sig = scoring.signal(name)
            assert sig.dimension == "ecosystem" and sig.scale == scoring.COUNT

    def test_an_unknown_signal_falls_back_by_unit(self):
        votes = scoring.signal("some_arena_votes", "adoption", "votes")
        assert (votes.scale, votes.weight, votes.higher_is_better) == (scoring.COUNT, 1.0, True)
        bench = scoring.signal("cityscapes_miou", "quality", "%")
        assert (bench.scale, bench.weight) == (scoring.MEASURE, 1.0)
        assert bench.source == scoring.BENCHMARK_SOURCE

    def test_it_groups_signals_by_dimension_in_weight_order(self):
        grouped = scoring.signals_by_dimension()
        assert list(grouped) == list(scoring.WEIGHTS)
        assert scoring.SIGNALS["times_matched"] in grouped["match_graph"]


class TestCompositeMany:
    @given(st.lists(st.lists(st.one_of(st.none(), st.floats(0, 100)), min_size=4, max_size=4),
                    max_size=30))
    def test_it_gives_what_composite_gives_asset_by_asset(self, rows):
        matrix = np.array([[np.nan if v is None else v for v in row] for row in rows],
                          dtype=np.float64).reshape(len(rows), 4)
        ranks, coverages, provisional = scoring.composite_many(matrix)
        for i, row in enumerate(rows):
            expected = scoring.composite(dict(zip(scoring.WEIGHTS, row, strict=True)))
            assert (ranks[i], coverages[i], provisional[i]) == (
                expected.rank, expected.coverage, expected.provisional
            )


@pytest.mark.parametrize("unit, value, shown", [
    ("frameworks", 1, "framework"), ("frameworks", 2, "frameworks"), ("searches", 1, "search"),
    ("downloads", 1.0, "download"), ("downloads", 0, "downloads"), ("%", 1, "%"),
    ("count", 1, "count"), ("Elo", 1, "Elo"), ("frameworks", None, "frameworks"),
])
def test_a_count_of_one_reads_in_the_singular(unit, value, shown):
    assert scoring.unit_for(unit, value) == shown


@pytest.mark.parametrize("value, shown", [
    (1, "1st"), (2.4, "2nd"), (3, "3rd"), (11, "11th"), (12.2, "12th"), (22, "22nd"),
    (0, "0th"), (100, "100th"), (2.5, "3rd"), (None, ""),
])
def test_a_percentile_reads_as_a_place(value, shown):
    from catalog.templatetags.catalog_extras import ordinal
    assert ordinal(value) == shown
