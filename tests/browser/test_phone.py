"""Every kind of page on the narrowest phones in use: nothing wider than the screen."""

from __future__ import annotations

import pytest

from catalog.models import Evidence
from tests.browser.conftest import requires_chromium
from tests.comparisons.test_versus import make_pair
from tests.factories import make_evidence

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]

WIDTH = 320
PAGES = [
    "/",
    "/assets/alpha-seg/",
    "/assets/?sort=rank&kind=model",
    "/compare/alpha-seg-vs-beta-seg/",
    "/compare/",
    "/compare/?a=Alpah+Seg&b=nothing-like-it",  # the 400 page with suggestions
    "/search/?q=segmentation",
    "/search/?q=zzzzqqq",  # no results
    "/methodology/",
    "/assets/no-such-asset/",
]


def alpha_with_evidence():
    alpha, _ = make_pair()
    make_evidence(alpha, name="ade20k_miou", label="ADE20K mean intersection over union",
                  value=50.3, unit="%", source_name="arXiv:2105.15203 (SegFormer paper)",
                  source_url="https://arxiv.org/abs/2105.15203")
    make_evidence(alpha, dimension=Evidence.Dimension.ECOSYSTEM, name="frameworks", value=3,
                  source_name="computed from this catalog", source_url="",
                  verification=Evidence.Verification.COMPUTED, observed_at=None)
    return alpha


class TestPhone:
    @pytest.mark.parametrize("path", PAGES)
    def test_the_page_fits_without_sideways_scrolling(self, live_server, page, path):
        alpha_with_evidence()
        page.set_viewport_size({"width": WIDTH, "height": 640})
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
        # The header's search box fits beside its button.
        form = page.locator("form.nav-search")
        if form.count():
            box = form.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH

    def test_search_results_start_on_the_first_screen(self, live_server, page):
        alpha_with_evidence()
        page.set_viewport_size({"width": WIDTH, "height": 640})
        page.goto(f"{live_server.url}/search/?q=segmentation")
        first = page.locator("#results [data-result-link]").first.bounding_box()
        assert first["y"] + first["height"] < 640
        # The introduction is for the empty page; the filters keep their names for
        # screen readers.
        assert page.locator(".hero p").is_hidden()
        assert page.get_by_label("Kind").count() == 1

    def test_the_evidence_table_is_a_card_per_signal(self, live_server, page):
        alpha_with_evidence()
        page.set_viewport_size({"width": WIDTH, "height": 640})
        page.goto(f"{live_server.url}/assets/alpha-seg/")
        row = page.locator(".evidence-table tbody tr").first
        name, value, kind = (row.locator(s).bounding_box() for s in ("th", "td >> nth=0",
                                                                        "td >> nth=1"))
        # The signal's name across the card, its value and kind side by side below it.
        assert value["y"] > name["y"] and abs(value["y"] - kind["y"]) < 2
        assert value["x"] < kind["x"]
        assert row.locator("td").first.evaluate(
            "e => getComputedStyle(e, '::before').content") == '"Value"'
        # Wide screens keep the table.
        page.set_viewport_size({"width": 1280, "height": 800})
        name, value = row.locator("th").bounding_box(), row.locator("td").first.bounding_box()
        assert abs(name["y"] - value["y"]) < 2 and value["x"] > name["x"]

    def test_the_methodology_s_weights_are_a_block_per_dimension(self, live_server, page):
        page.set_viewport_size({"width": WIDTH, "height": 640})
        page.goto(f"{live_server.url}/methodology/")
        # Nothing to scroll sideways inside the table either (nor a scrolling region that a
        # keyboard could not reach).
        wrap = page.locator(".table-wrap")
        assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth")
        row = page.locator(".weights-table tbody tr").first
        name, weight, signals = (row.locator(s).bounding_box() for s in ("th", "td >> nth=0",
                                                                          "td >> nth=1"))
        # The dimension and its weight side by side, its signals below across the screen.
        assert abs(name["y"] - weight["y"]) < 2 and weight["x"] > name["x"]
        assert signals["y"] >= name["y"] + name["height"]
        assert signals["width"] > 0.9 * row.bounding_box()["width"]
        assert "Weight" in row.locator("td").first.evaluate(
            "e => getComputedStyle(e, '::before').content")
        # Wide screens keep the table's three columns.
        page.set_viewport_size({"width": 1280, "height": 800})
        name, signals = row.locator("th").bounding_box(), row.locator("td >> nth=1").bounding_box()
        assert abs(name["y"] - signals["y"]) < 2 and signals["x"] > name["x"]
