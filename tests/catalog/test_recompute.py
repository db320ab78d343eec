from __future__ import annotations

import json
import random
from collections import defaultdict
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog import recompute, scoring
from catalog.models import Asset, Evidence, EvidenceHistory, Score, ScoreHistory, read_placings
from tests.factories import make_asset, make_evidence

pytestmark = pytest.mark.django_db

MODEL, DATASET, LIBRARY = Asset.Kind.MODEL, Asset.Kind.DATASET, Asset.Kind.LIBRARY


def _derived() -> dict[tuple[str, str], float]:
    return {
        (e.asset.slug, e.name): e.value
        for e in Evidence.objects.filter(origin=recompute.ORIGIN).select_related("asset")
    }


def _downloads(asset: Asset, value: float, **kw) -> Evidence:
    kw.setdefault("dimension", Evidence.Dimension.ADOPTION)
    kw.setdefault("unit", "downloads")
    return make_evidence(asset, name="downloads", value=value, **kw)


def _score(asset: Asset) -> Score:
    return Score.objects.get(asset=asset)


def _version(asset: Asset) -> int:
    return Asset.objects.values_list("version", flat=True).get(pk=asset.pk)


class TestEcosystemEvidence:
    def test_it_counts_derivatives_training_sets_frameworks_and_library_users(self):
        base = make_asset("base", frameworks=["timm", "pytorch"])
        make_asset("tune-a", kind=Asset.Kind.FINE_TUNE, base=base, frameworks=["timm"])
        make_asset("tune-b", kind=Asset.Kind.FINE_TUNE, base=base)
        # A draft is not in the catalog a reader sees, so it counts for nothing.
        make_asset("tune-draft", kind=Asset.Kind.FINE_TUNE, base=base, frameworks=["timm"],
                   status=Asset.Status.DRAFT)
        data = make_asset("data", kind=DATASET)
        for slug in ("tune-a", "tune-b"):
            Asset.objects.get(slug=slug).trained_on.add(data)
        make_asset("timm-lib", kind=LIBRARY, external_id="timm")
        make_asset("lonely")
        # "api" is where a model is served, not a framework it runs on.
        make_asset("served", kind=Asset.Kind.API, frameworks=["api"])
        make_asset("served-too", kind=Asset.Kind.API, frameworks=["api", "vllm"])

        recompute.recompute_scores()

        assert _derived() == {
            ("base", "n_derivatives_in_catalog"): 2,
            ("base", "n_frameworks"): 2,
            ("tune-a", "n_frameworks"): 1,
            ("tune-draft", "n_frameworks"): 1,
            ("served-too", "n_frameworks"): 1,
            ("data", "n_models_trained_on_in_catalog"): 2,
            # base and tune-a list "timm"; the draft does not count.
            ("timm-lib", "n_models_in_catalog"): 2,
        }
        row = Evidence.objects.get(origin=recompute.ORIGIN, name="n_derivatives_in_catalog")
        assert row.dimension == "ecosystem"
        assert row.verification == Evidence.Verification.COMPUTED
        assert row.source_name == "computed from this catalog"
        assert row.source_url == "/methodology/"
        assert row.observed_at == timezone.localdate()
        assert row.label == scoring.SIGNALS["n_derivatives_in_catalog"].label

    def test_a_count_held_by_few_is_compared_with_every_asset_of_the_kind(self):
        # Two models with fine-tunes in the catalog, two with none: the one with a single
        # fine-tune places above those with none (unknown on it), not last of the two
        # holding the count, below them all.
        many, one = make_asset("many"), make_asset("one")
        none = [make_asset("none-a"), make_asset("none-b")]
        for n, base in enumerate([many, many, one]):
            make_asset(f"tune-{n}", kind=Asset.Kind.FINE_TUNE, base=base)
        make_asset("lib-used", kind=LIBRARY, external_id="timm")
        make_asset("lib-unused", kind=LIBRARY, external_id="keras")
        Asset.objects.filter(slug="one").update(frameworks=["timm"])
        recompute.recompute_scores()

        def placing(asset: Asset, name: str) -> tuple[float, int | None]:
            row = Evidence.objects.get(asset=asset, name=name)
            return read_placings(_score(asset).percentiles)[row.pk]

        # Places 0 and 1 shared by the two with none, then one, then many: of 3 steps.
        assert placing(many, "n_derivatives_in_catalog") == (100.0, 4)
        assert placing(one, "n_derivatives_in_catalog") == (67.0, 4)
        assert _score(one).ecosystem == pytest.approx((67.0 + 50.0 * 0.5) / 1.5)
        assert _score(one).rank > _score(none[0]).rank
        assert all(_score(a).ecosystem is None for a in none)
        used = Asset.objects.get(slug="lib-used")
        assert placing(used, "n_models_in_catalog") == (100.0, 2)
        assert _score(Asset.objects.get(slug="lib-unused")).ecosystem is None

    def test_it_updates_a_count_with_history_and_drops_one_that_fell_to_zero(self):
        base = make_asset("base")
        tune_a = make_asset("tune-a", kind=Asset.Kind.FINE_TUNE, base=base)
        tune_b = make_asset("tune-b", kind=Asset.Kind.FINE_TUNE, base=base)
        recompute.recompute_scores()

        tune_a.delete()
        result = recompute.recompute_scores()
        assert _derived() == {("base", "n_derivatives_in_catalog"): 1}
        assert result["evidence_updated"] == 1
        change = EvidenceHistory.objects.get()
        assert (change.old_value, change.new_value) == (2, 1)

        tune_b.base = None
        tune_b.save()
        result = recompute.recompute_scores()
        # "Nothing here is derived from it" is not evidence against it: the row goes.
        assert _derived() == {}
        assert result["evidence_deleted"] == 1
        assert _score(base).ecosystem is None


class TestPercentiles:
    def test_a_dataset_is_never_compared_with_models(self):
        m1, m2, m3 = make_asset("m1"), make_asset("m2"), make_asset("m3")
        data = make_asset("data", kind=DATASET)
        for asset, value in ((m1, 10), (m2, 1000), (m3, 100), (data, 1_000_000)):
            _downloads(asset, value)

        recompute.recompute_scores()

        # Models: 10 < 100 < 1000 -> 0, 50, 100. The dataset is the only dataset with
        # downloads, so it has nothing to be compared with: 50, whatever its count.
        pct = {e.asset.slug: e.percentile for e in Evidence.objects.select_related("asset")}
        assert pct == {"m1": 0.0, "m2": 100.0, "m3": 50.0, "data": 50.0}
        assert _score(data).adoption == 50.0
        assert _score(m2).adoption == 100.0
        # Each percentile is kept with how many assets it places among: the dataset's 50
        # is the placeholder of a lone value, the model's a place among three.
        peers = {e.asset.slug: e.peers for e in Evidence.objects.select_related("asset")}
        assert peers == {"m1": 3, "m2": 3, "m3": 3, "data": 1}

    def test_a_new_peer_rewrites_the_count_though_no_percentile_moves(self, client):
        first = make_asset("first", kind=DATASET)
        _downloads(first, 100)
        recompute.recompute_scores()
        assert "alone among datasets" in client.get("/assets/first/").content.decode()
        _downloads(make_asset("second", kind=DATASET), 100)  # a tie: both still at 50
        recompute.recompute_scores()
        assert Evidence.objects.get(asset=first).placing == (50.0, 2)
        # The cached page is written again with the count, though the percentile stayed.
        body = client.get("/assets/first/").content.decode()
        assert "50th percentile</span> of <span class=\"num\">2</span> datasets" in body

    def test_a_benchmark_is_compared_only_under_the_same_settings(self):
        a, b = make_asset("a"), make_asset("b")
        make_evidence(a, name="imagenet_top1", value=80.0, settings_key='{"img_size":224}')
        make_evidence(b, name="imagenet_top1", value=85.0, settings_key='{"img_size":384}')
        recompute.recompute_scores()
        # Each is alone under its settings: 50 each, though b's number is higher.
        assert _score(a).quality == 50.0
        assert _score(b).quality == 50.0

    def test_identical_values_tie(self):
        a, b, c = make_asset("a"), make_asset("b"), make_asset("c")
        for asset, value in ((a, 5), (b, 5), (c, 9)):
            _downloads(asset, value)
        recompute.recompute_scores()
        # The 5s span places 0 and 1 of 0..2: 0.5 / 2 = 25 each; the 9 is 100.
        assert [_score(x).adoption for x in (a, b, c)] == [25.0, 25.0, 100.0]

    def test_a_dimension_is_the_weighted_mean_of_its_signals(self):
        a, b = make_asset("a"), make_asset("b")
        _downloads(a, 10)
        _downloads(b, 20)
        make_evidence(a, dimension="adoption", name="lmarena_text_votes", value=900)
        make_evidence(b, dimension="adoption", name="lmarena_text_votes", value=100)
        recompute.recompute_scores()
        # a: downloads 0 (× 1), votes 100 (× 0.5): 50 / 1.5 = 33.33...
        # b: downloads 100 (× 1), votes 0 (× 0.5): 100 / 1.5 = 66.66...
        assert _score(a).adoption == pytest.approx(100 / 3)
        assert _score(b).adoption == pytest.approx(200 / 3)

    def test_a_lower_is_better_signal_is_reversed(self, monkeypatch):
        monkeypatch.setitem(scoring.SIGNALS, "latency_ms", scoring.Signal(
            "latency_ms", "quality", "Latency", "test", higher_is_better=False,
        ))
        fast, slow = make_asset("fast"), make_asset("slow")
        make_evidence(fast, name="latency_ms", value=20.0)
        make_evidence(slow, name="latency_ms", value=300.0)
        recompute.recompute_scores()
        assert (_score(fast).quality, _score(slow).quality) == (100.0, 0.0)

    def test_a_zero_weight_signal_is_ranked_but_not_counted(self):
        a, b = make_asset("a"), make_asset("b")
        for asset, ifeval, average in ((a, 80.0, 10.0), (b, 20.0, 90.0)):
            make_evidence(asset, name="openllm_ifeval", value=ifeval)
            make_evidence(asset, name="openllm_average", value=average)
        recompute.recompute_scores()
        # Only IFEval counts: a 100, b 0. The average still gets its percentile for display.
        assert (_score(a).quality, _score(b).quality) == (100.0, 0.0)
        assert Evidence.objects.get(asset=b, name="openllm_average").percentile == 100.0

    def test_a_curated_row_speaks_for_a_signal_reported_twice(self):
        a, b = make_asset("a"), make_asset("b")
        imported = _downloads(a, 1000, origin="hub-import")
        _downloads(a, 1, origin="")  # a curator corrected it
        _downloads(b, 10, origin="hub-import")
        recompute.recompute_scores()
        # a's 1 is compared with b's 10, and the imported 1000 is left out.
        assert (_score(a).adoption, _score(b).adoption) == (0.0, 100.0)
        imported.refresh_from_db()
        assert imported.percentile is None

    def test_among_imports_verified_beats_claimed_and_newer_beats_older(self):
        a, b, c = make_asset("a"), make_asset("b"), make_asset("c")
        claimed = Evidence.Verification.CLAIMED
        _downloads(a, 1000, origin="x", verification=claimed, observed_at=date(2025, 6, 1))
        _downloads(a, 1, origin="y", verification=Evidence.Verification.VERIFIED,
                   observed_at=date(2024, 1, 1))
        _downloads(b, 1000, origin="x", verification=claimed, observed_at=date(2024, 1, 1))
        _downloads(b, 2, origin="y", verification=claimed, observed_at=date(2025, 6, 1))
        _downloads(c, 10, origin="x")
        recompute.recompute_scores()
        # a speaks with its verified 1, b with its newer 2: 1 < 2 < 10 -> 0, 50, 100.
        assert [_score(x).adoption for x in (a, b, c)] == [0.0, 50.0, 100.0]

    def test_drafts_are_not_peers_and_get_no_score(self):
        a, b = make_asset("a"), make_asset("b")
        draft = make_asset("draft", status=Asset.Status.DRAFT)
        for asset, value in ((a, 1), (b, 2), (draft, 3)):
            _downloads(asset, value)
        recompute.recompute_scores()
        assert (_score(a).adoption, _score(b).adoption) == (0.0, 100.0)
        assert not Score.objects.filter(asset=draft).exists()
        assert Evidence.objects.get(asset=draft).percentile is None

    def test_archiving_an_asset_clears_its_percentiles(self):
        a, b = make_asset("a"), make_asset("b")
        _downloads(a, 1)
        gone = _downloads(b, 2)
        recompute.recompute_scores()
        Asset.objects.filter(pk=b.pk).update(status=Asset.Status.ARCHIVED)
        recompute.recompute_scores()
        gone.refresh_from_db()
        assert gone.percentile is None
        assert _score(a).adoption == 50.0  # alone now


class TestAgreesWithTheFormula:
    def test_bulk_sub_scores_are_the_formula_applied_asset_by_asset(self):
        rng = random.Random(7)
        kinds = [MODEL, MODEL, DATASET, Asset.Kind.API]
        names = [("adoption", "downloads"), ("adoption", "lmarena_text_votes"),
                 ("quality", "imagenet_top1"), ("quality", "bench_x"),
                 ("match_graph", "times_matched")]
        rows, assets = [], []
        for n in range(40):
            asset = make_asset(f"a{n}", kind=kinds[n % len(kinds)])
            assets.append(asset)
            for dimension, name in rng.sample(names, 3):
                value = float(rng.randint(0, 6))  # few distinct values, so ties happen
                make_evidence(asset, dimension=dimension, name=name, value=value)
                rows.append((asset, dimension, name, value))
        recompute.recompute_scores()

        # The same thing the slow way: percentiles per (kind, signal), then per asset and
        # dimension the weighted mean with scoring.dimension_score. A signal none_is_zero
        # (times_matched) is ranked among every asset of the kind, a zero for each lacking it.
        groups = defaultdict(list)
        for asset, dimension, name, value in rows:
            groups[(asset.kind, name)].append((asset, dimension, name, value))
        pairs = defaultdict(list)
        for (kind, name), members in groups.items():
            values = [m[3] for m in members]
            if scoring.signal(name).none_is_zero:
                holding = {m[0].pk for m in members}
                values += [0.0 for a in assets if a.kind == kind and a.pk not in holding]
            pcts = scoring.percentiles(values)
            for (asset, dimension, name, _v), pct in zip(members, pcts, strict=False):
                pairs[(asset.pk, dimension)].append((pct, scoring.signal(name).weight))
        for score in Score.objects.all():
            for key in scoring.WEIGHTS:
                expected = scoring.dimension_score(pairs.get((score.asset_id, key), []))
                assert getattr(score, key) == pytest.approx(expected), (score.asset_id, key)
            subscores = {k: getattr(score, k) for k in scoring.WEIGHTS}
            assert score.rank == pytest.approx(scoring.composite(subscores).rank)


class TestScores:
    def test_unknown_dimensions_stay_null(self):
        a, b = make_asset("a"), make_asset("b")
        make_evidence(a, name="ade20k_miou", value=50.3)
        make_evidence(b, name="ade20k_miou", value=40.0)
        bare = make_asset("bare")
        recompute.recompute_scores()

        score = _score(a)
        assert score.quality == 100.0
        assert (score.adoption, score.ecosystem, score.match_graph) == (None, None, None)
        # 0.3 × 100 + 0.7 × 50 = 65, coverage 0.3: provisional.
        assert score.rank == pytest.approx(65.0)
        assert score.coverage == pytest.approx(0.3)
        assert score.provisional is True
        assert score.formula_version == scoring.FORMULA_VERSION

        nothing = _score(bare)
        assert (nothing.rank, nothing.coverage, nothing.provisional) == (50.0, 0.0, True)
        assert nothing.quality is None

    def test_the_stored_rank_is_the_one_the_asset_page_explains(self):
        a, b = make_asset("a", frameworks=["timm"]), make_asset("b")
        make_asset("tune", kind=Asset.Kind.FINE_TUNE, base=a)
        _downloads(a, 5)
        _downloads(b, 50)
        recompute.recompute_scores()
        score = _score(a)
        result = scoring.composite({k: getattr(score, k) for k in scoring.WEIGHTS})
        assert result.rank == pytest.approx(score.rank)
        assert result.explain()[-1].startswith(f"UnfragileRank {score.rank:.1f}")

    def test_a_second_run_writes_nothing(self):
        a, b = make_asset("a", frameworks=["timm"]), make_asset("b")
        make_asset("tune", kind=Asset.Kind.FINE_TUNE, base=a)
        _downloads(a, 5)
        _downloads(b, 50)
        first = recompute.recompute_scores()
        assert first["changed"] == 3 and first["history"] == 3
        versions = dict(Asset.objects.values_list("slug", "version"))
        computed = dict(Score.objects.values_list("asset_id", "computed_at"))

        second = recompute.recompute_scores(now=timezone.now() + timedelta(days=1))

        assert {k: v for k, v in second.items() if k not in ("seconds", "step_seconds")} == {
            "assets": 3, "changed": 0, "history": 0, "percentiles": 0,
            "evidence_created": 0, "evidence_updated": 0, "evidence_deleted": 0, "claims": 0,
        }
        assert ScoreHistory.objects.count() == 3
        assert dict(Asset.objects.values_list("slug", "version")) == versions
        assert dict(Score.objects.values_list("asset_id", "computed_at")) == computed

    def test_a_first_score_bumps_the_version_and_says_so(self):
        a = make_asset("a")
        before = _version(a)
        recompute.recompute_scores(reason="catalog loaded")
        assert _version(a) == before + 1
        row = ScoreHistory.objects.get(asset=a)
        assert (row.old_rank, row.new_rank) == (None, 50.0)
        assert row.reason == "catalog loaded; first score"
        assert row.old_values == {}
        assert row.new_values["rank"] == 50.0 and row.new_values["quality"] is None

    def test_a_changed_value_writes_history_naming_the_signal(self):
        a, b = make_asset("a"), make_asset("b")
        mine = _downloads(a, 5)
        _downloads(b, 50)
        recompute.recompute_scores()
        before = _version(a)

        mine.refresh_from_db()
        mine.value = 500
        mine.save()
        result = recompute.recompute_scores(reason="hub import")

        # a: adoption 0 -> 100, rank 0.3 × 100 + 0.7 × 50 = 65 (was 0.3 × 0 + 35 = 35).
        # b: 100 -> 0, overtaken by a.
        assert result["changed"] == 2
        row = ScoreHistory.objects.filter(asset=a).latest("at")
        assert (row.old_rank, row.new_rank) == (pytest.approx(35.0), pytest.approx(65.0))
        assert row.reason == (
            "hub import; percentiles moved: downloads 0 → 100; adoption 0.0 → 100.0"
        )
        assert row.old_values["adoption"] == 0.0 and row.new_values["adoption"] == 100.0
        peer = ScoreHistory.objects.filter(asset=b).latest("at")
        assert peer.reason == (
            "hub import; percentiles moved: downloads 100 → 0; adoption 100.0 → 0.0"
        )
        assert _version(a) == before + 1

    def test_a_new_signal_and_a_removed_one_are_named(self):
        a, b = make_asset("a"), make_asset("b")
        _downloads(a, 5)
        _downloads(b, 50)
        likes = make_evidence(a, dimension="adoption", name="hub_likes", value=3)
        make_evidence(b, dimension="adoption", name="hub_likes", value=1)
        recompute.recompute_scores()
        # a: downloads 0, likes 100 -> 50; b: downloads 100, likes 0 -> 50.

        likes.delete()
        recompute.recompute_scores()
        # a keeps downloads 0 alone; b's likes has nobody to be compared with: 50.
        assert ScoreHistory.objects.filter(asset=a).latest("at").reason == (
            "a signal was removed; adoption 50.0 → 0.0"
        )
        assert ScoreHistory.objects.filter(asset=b).latest("at").reason == (
            "percentiles moved: hub_likes 0 → 50; adoption 50.0 → 75.0"
        )

        # Matched by searches where b never was: above b, which counts as none (and
        # stays unknown on it).
        make_evidence(a, dimension="match_graph", name="times_matched", value=4)
        recompute.recompute_scores()
        assert ScoreHistory.objects.filter(asset=a).latest("at").reason == (
            "percentiles moved: times_matched new → 100; match graph unknown → 100.0"
        )
        assert _score(b).match_graph is None

    def test_a_moved_percentile_refreshes_the_page_even_when_the_score_stays(self):
        a, b = make_asset("a"), make_asset("b")
        for asset, ifeval, average in ((a, 80.0, 10.0), (b, 20.0, 90.0)):
            make_evidence(asset, name="openllm_ifeval", value=ifeval)
            make_evidence(asset, name="openllm_average", value=average)
        recompute.recompute_scores()
        before = _version(a)
        # The average weighs nothing, so a's score stays; its shown percentile goes 0 -> 100.
        Evidence.objects.filter(asset=a, name="openllm_average").update(value=95.0)
        result = recompute.recompute_scores()
        assert (result["changed"], result["percentiles"]) == (0, 2)
        assert _version(a) == before + 1
        assert ScoreHistory.objects.filter(asset=a).count() == 1

    def test_a_new_formula_version_rewrites_every_score(self, monkeypatch):
        a = make_asset("a")
        recompute.recompute_scores()
        current = scoring.FORMULA_VERSION
        monkeypatch.setattr(scoring, "FORMULA_VERSION", "2099.1")
        result = recompute.recompute_scores()
        assert result["changed"] == 1
        row = ScoreHistory.objects.filter(asset=a).latest("at")
        assert row.reason == f"formula {current} → 2099.1"
        assert _score(a).formula_version == "2099.1"

    def test_asset_ids_limit_what_is_written_not_who_is_compared(self):
        a, b, c = make_asset("a"), make_asset("b"), make_asset("c")
        for asset, value in ((a, 1), (b, 2), (c, 3)):
            _downloads(asset, value)
        result = recompute.recompute_scores(asset_ids=[b.pk])
        assert result["assets"] == 1
        assert list(Score.objects.values_list("asset__slug", flat=True)) == ["b"]
        # b is still ranked among a and c: the middle of three.
        assert _score(b).adoption == 50.0
        assert Evidence.objects.get(asset=a).percentile is None


class TestSetBased:
    def _catalog(self, n: int) -> None:
        base = make_asset(f"base-{n}", frameworks=["pytorch"])
        make_asset(f"lib-{n}", kind=LIBRARY, external_id=f"lib-{n}")
        data = make_asset(f"data-{n}", kind=DATASET)
        for i in range(n):
            asset = make_asset(f"m{n}-{i}", kind=Asset.Kind.FINE_TUNE, base=base,
                               frameworks=[f"lib-{n}"])
            asset.trained_on.add(data)
            _downloads(asset, i)
            make_evidence(asset, name="ade20k_miou", value=i % 3,
                          observed_at=date(2025, 1, 1))

    def _queries(self) -> int:
        with CaptureQueriesContext(connection) as ctx:
            recompute.recompute_scores()
        return len(ctx.captured_queries)

    def test_the_number_of_queries_does_not_grow_with_the_catalog(
        self, django_assert_max_num_queries
    ):
        self._catalog(5)
        few = self._queries()
        Score.objects.all().delete()
        Evidence.objects.all().delete()
        Asset.objects.all().delete()

        self._catalog(50)
        with django_assert_max_num_queries(few):
            recompute.recompute_scores()
        # And an idempotent run is cheaper still.
        assert self._queries() < few


class TestCommand:
    def test_it_prints_the_summary(self):
        make_asset("a")
        out = StringIO()
        call_command("recompute_scores", stdout=out)
        assert "1 assets scored, 1 changed, 1 history rows" in out.getvalue()
        assert ScoreHistory.objects.get().reason == "recompute_scores; first score"

    def test_it_recomputes_named_assets_only(self):
        make_asset("a")
        make_asset("b")
        call_command("recompute_scores", "--asset", "b", "--reason", "fixed", stdout=StringIO())
        assert list(Score.objects.values_list("asset__slug", flat=True)) == ["b"]
        assert ScoreHistory.objects.get().reason == "fixed; first score"

    def test_it_refuses_an_unknown_slug(self):
        make_asset("a")
        with pytest.raises(CommandError, match="No asset with slug nope"):
            call_command("recompute_scores", "--asset", "nope", stdout=StringIO())
        assert not Score.objects.exists()


class TestJsonObjects:
    def test_it_encodes_each_dict_as_json_dumps_does(self):
        objects = [{}, {"1": 50.0, "22": 0.0}, {"rank": None, "formula_version": "2026.1"}, {}]
        assert recompute._json_objects(objects) == [json.dumps(o) for o in objects]

    def test_a_string_that_looks_like_a_separator_costs_only_speed(self):
        objects = [{"a": "}, {"}, {"b": 1}]
        assert recompute._json_objects(objects) == [json.dumps(o) for o in objects]
