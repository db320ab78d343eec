from __future__ import annotations

import pytest

from catalog.models import Asset
from tests.browser.conftest import requires_chromium
from tests.factories import make_asset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]


class TestBrowseInBrowser:
    def test_it_filters_in_place_and_the_url_follows(self, live_server, page):
        for i in range(3):
            make_asset(f"vision-model-{i}", kind=Asset.Kind.MODEL)
        make_asset("code-corpus", kind=Asset.Kind.DATASET)
        page.goto(f"{live_server.url}/assets/")
        assert page.locator("#results").get_by_text("code-corpus").is_visible()
        page.evaluate("window.__marker = 'still-here'")

        with page.expect_response(lambda r: "kind=dataset" in r.url):
            page.select_option("#f-kind", "dataset")
        page.locator("#results h2", has_text="1 asset").wait_for()
        assert page.locator("#results").get_by_text("vision-model-0").count() == 0
        assert page.url == f"{live_server.url}/assets/?kind=dataset"  # no empties, no default
        # The list changed without a page load.
        assert page.evaluate("window.__marker") == "still-here"

        page.reload()
        assert page.locator("#f-kind").input_value() == "dataset"
        assert page.locator("#results").get_by_text("code-corpus").is_visible()
        assert page.locator("#results").get_by_text("vision-model-0").count() == 0

    def test_back_after_filtering_shows_the_whole_earlier_page(self, live_server, page):
        make_asset("vision-model", kind=Asset.Kind.MODEL)
        make_asset("code-corpus", kind=Asset.Kind.DATASET)
        page.goto(f"{live_server.url}/assets/")
        with page.expect_response(lambda r: "kind=dataset" in r.url):
            page.select_option("#f-kind", "dataset")
        page.locator("#results h2", has_text="1 asset").wait_for()
        page.go_back()
        page.wait_for_url(f"{live_server.url}/assets/")
        page.locator("#results h2", has_text="2 assets").wait_for()
        # The page whole (filters, menu, heading), not the list alone.
        assert page.locator("#f-kind").input_value() == ""
        assert page.locator("h1").count() == 1 and page.locator("nav[aria-label=Main]").count()

    def test_sorting_by_rank_in_place_turns_the_page_into_the_leaderboard(self, live_server, page):
        make_asset("vision-model", kind=Asset.Kind.MODEL)
        page.goto(f"{live_server.url}/assets/")
        current = page.locator("nav[aria-label=Main] [aria-current=page]")
        assert current.inner_text() == "Browse" and page.title() == "Browse AI assets · Unfragile"
        page.evaluate("window.__marker = 'still-here'")

        with page.expect_response(lambda r: "sort=rank" in r.url):
            page.select_option("#f-sort", "rank")
        page.locator("h1", has_text="Leaderboard").wait_for()
        assert current.inner_text() == "Leaderboard"
        assert page.title() == "Leaderboard · Unfragile"
        assert page.locator("h1").count() == 1 and page.locator("#nav-links").count() == 1
        assert page.evaluate("window.__marker") == "still-here"

    def test_a_name_typed_and_entered_is_one_step_of_history(self, live_server, page):
        make_asset("vision-model", kind=Asset.Kind.MODEL)
        make_asset("code-corpus", kind=Asset.Kind.DATASET)
        page.goto(f"{live_server.url}/assets/")
        before = page.evaluate("history.length")
        page.fill("#f-q", "corpus")
        with page.expect_response(lambda r: "q=corpus" in r.url):
            page.press("#f-q", "Enter")
        page.locator("#results h2", has_text="1 asset").wait_for()
        page.wait_for_timeout(300)  # a second request, were one sent
        assert page.evaluate("history.length") == before + 1
        page.go_back()
        page.wait_for_url(f"{live_server.url}/assets/")
