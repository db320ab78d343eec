from __future__ import annotations

import pytest

from catalog import scoring
from tests.factories import make_asset, make_evidence

pytestmark = pytest.mark.django_db


class TestMethodology:
    def test_it_prints_the_formula_weights_and_version(self, client):
        r = client.get("/methodology/")
        assert r.status_code == 200
        assert scoring.FORMULA_VERSION.encode() in r.content
        for dim in scoring.DIMENSIONS.values():
            assert dim.label.encode() in r.content
        assert b"0.30" in r.content and b"0.20" in r.content
        assert b"unknown" in r.content.lower()
        # What an asset's page says beside each signal.
        assert b"its percentile and how many assets it places among" in r.content

    def test_it_says_prices_are_shown_but_not_ranked(self, client):
        body = client.get("/methodology/").content.decode()
        assert "<h2>Prices</h2>" in body and "They do not enter UnfragileRank" in body
        # Indeed no pricing signal is weighed.
        assert not [name for name in scoring.SIGNALS if name.startswith("price_")]

    def test_it_reflects_a_changed_weight(self, client, monkeypatch):
        monkeypatch.setitem(scoring.WEIGHTS, "quality", 0.45)
        r = client.get("/methodology/")
        assert b"0.45" in r.content

    def test_it_lists_every_registered_signal(self, client):
        r = client.get("/methodology/")
        for name in scoring.SIGNALS:
            assert f"<code>{name}</code>".encode() in r.content

    def test_it_needs_no_query_once_it_has_counted_the_benchmark_results(
            self, client, django_assert_num_queries):
        with django_assert_num_queries(1):
            client.get("/methodology/")
        with django_assert_num_queries(0):
            client.get("/methodology/")

    def test_it_says_how_many_benchmark_results_the_catalog_holds(self, client):
        body = client.get("/methodology/").content.decode()
        assert "The catalog holds no benchmark result yet; for every asset quality is" in body
        asset = make_asset()
        make_evidence(asset, dimension="quality", name="imagenet_top1", value=80.0, unit="%")
        make_evidence(asset, dimension="quality", name="imagenet_top5", value=95.0, unit="%")
        make_evidence(make_asset(), dimension="ecosystem", name="n_frameworks", value=2)
        body = client.get("/methodology/").content.decode()
        assert ("The catalog holds 2 benchmark results for 1 asset now; for every other asset "
                "quality is unknown and left out of its rank.") in body
