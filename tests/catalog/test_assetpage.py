"""The asset page's plain-SQL loading gives what the ORM gives."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from catalog import assetpage
from catalog.models import Asset, Score, ScoreHistory
from catalog.rawload import Columns
from tests.factories import make_asset, make_capability, make_evidence, make_org, make_task

pytestmark = pytest.mark.django_db


def field_values(instance, names) -> dict:
    return {name: getattr(instance, name) for name in names}


@pytest.fixture
def rich_asset() -> Asset:
    org = make_org("Acme Vision", slug="acme-vision")
    base = make_asset("base-model", name="Base Model")
    seg, depth = make_task("segmentation", name="Segmentation"), make_task("depth", name="Depth")
    asset = make_asset(
        "rich", name="Rich", organization=org, base=base, tasks=[seg, depth],
        licence="apache-2.0", pricing=Asset.Pricing.PAID, n_parameters=64_100_000,
        released_on=date(2021, 10, 15), modalities=["image"], languages=["en", "fr"],
        frameworks=["pytorch"], urls={"hub": "https://example.org/rich"},
        price_facts={"input_per_mtok": 0.5, "currency": "USD"},
        trained_on_unresolved=["Somewhere"], sources=[{"source": "hub", "version": "1"}],
    )
    now = timezone.now()
    Score.objects.create(asset=asset, rank=71.5, coverage=0.75, provisional=False,
                         computed_at=now, adoption=80.0, quality=None, ecosystem=40.0,
                         match_graph=None, formula_version="1")
    ScoreHistory.objects.create(asset=asset, at=now - timedelta(days=1), new_rank=70.0,
                                reason="first")
    ScoreHistory.objects.create(asset=asset, at=now, old_rank=70.0, new_rank=71.5,
                                reason="second")
    miou = make_evidence(asset, name="miou", label="mIoU", value=50.3, unit="%")
    make_evidence(asset, name="downloads", dimension="adoption", value=1200)
    make_capability(asset, title="Second", position=2, task=depth)
    make_capability(asset, title="First", position=1, task=seg, evidence=miou)
    return asset


class TestLoad:
    def test_it_reads_what_the_orm_reads(self, rich_asset, django_assert_num_queries):
        names = list(assetpage.ASSET.attnames)
        score_names = assetpage.SCORE.attnames
        with django_assert_num_queries(5):
            page = assetpage.load("rich")
        asset = page.asset
        # Everything the page reads is loaded: no query behind any of these.
        with django_assert_num_queries(0):
            loaded = field_values(asset, names)
            loaded_score = field_values(asset.score, score_names)
            assert asset.organization.name == "Acme Vision"
            assert asset.base.slug == "base-model" and asset.base.name == "Base Model"
            assert [t.slug for t in page.tasks] == ["depth", "segmentation"]
            assert [c.title for c in page.capabilities] == ["First", "Second"]
            assert page.capabilities[0].evidence.label == "mIoU"
            assert page.capabilities[1].evidence is None
            assert page.capabilities[0].task.slug == "segmentation"
            assert [e.name for e in page.evidence] == ["downloads", "miou"]
            assert [h["reason"] for h in page.history] == ["first", "second"]
        expected = Asset.objects.select_related("organization", "score", "base").get(slug="rich")
        assert loaded == field_values(expected, names)
        assert isinstance(asset.languages, list) and isinstance(asset.urls, dict)
        assert loaded_score == field_values(expected.score, score_names)
        assert page.history == list(
            rich_asset.score_history.order_by("at").values("at", "new_rank", "reason")
        )

    def test_an_asset_without_score_organisation_or_base(self, django_assert_num_queries):
        make_asset("bare", licence="", organization=None)
        page = assetpage.load("bare")
        with django_assert_num_queries(0):
            assert page.asset.organization is None and page.asset.base is None
            assert getattr(page.asset, "score", None) is None
        assert page.tasks == [] and page.capabilities == [] and page.evidence == []

    def test_drafts_and_unknown_slugs_are_none(self):
        make_asset("draft", status=Asset.Status.DRAFT)
        assert assetpage.load("draft") is None
        assert assetpage.load("no-such-asset") is None

    def test_archived_assets_still_have_a_page(self):
        make_asset("old", status=Asset.Status.ARCHIVED)
        assert assetpage.load("old").asset.slug == "old"


class TestColumns:
    def test_fields_left_out_are_deferred(self):
        make_asset("x", name="X", languages=["en"])
        columns = Columns(Asset, "a", only=("id", "name"))
        instance = columns.make(Asset.objects.filter(slug="x").values_list("id", "name").get())
        assert instance.name == "X"
        assert "languages" in instance.get_deferred_fields()

    def test_a_row_without_a_primary_key_is_none(self):
        assert Columns(Asset, "a", only=("id", "name")).make([None, None]) is None
