from __future__ import annotations

import pytest

from catalog.models import Asset
from tests.browser.conftest import requires_chromium
from tests.factories import make_asset, make_capability

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]


class TestSearchInBrowser:
    def test_it_searches_as_you_type_and_opens_a_result_from_the_keyboard(self, live_server, page):
        seg = make_asset("segformer", name="SegFormer", summary="A segmentation model.")
        make_capability(seg, title="Image segmentation", description="Labels every pixel.")
        make_asset("code-corpus", name="Code corpus", kind=Asset.Kind.DATASET, summary="Code.")
        page.goto(f"{live_server.url}/search/")
        assert page.locator("#search-keys").is_visible()
        page.evaluate("window.__marker = 'still-here'")

        with page.expect_response(lambda r: "q=segmentation" in r.url):
            page.locator("#search-q").press_sequentially("segmentation", delay=20)
        page.locator("#results h2", has_text="for “segmentation”").wait_for()
        assert page.locator("#results mark", has_text="segmentation").first.is_visible()
        assert page.locator("#results").get_by_text("Code corpus").count() == 0
        assert page.url == f"{live_server.url}/search/?q=segmentation"  # no empty filters
        assert page.title() == "segmentation · Search · Unfragile"  # the tab names it too
        assert page.evaluate("window.__marker") == "still-here"  # no page load

        page.locator("#search-q").press("ArrowDown")
        assert page.evaluate("document.activeElement.textContent") == "SegFormer"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == f"{live_server.url}/assets/segformer/"

    def test_a_word_typed_with_a_minus_sign_leaves_its_results_out_live(self, live_server, page):
        make_asset("segformer", name="SegFormer", summary="A segmentation model.")
        make_asset("ade", name="ADE scenes", kind=Asset.Kind.DATASET,
                   summary="A segmentation dataset.")
        page.goto(f"{live_server.url}/search/?q=segmentation")
        results = page.locator("#results")
        assert results.get_by_text("ADE scenes").is_visible()
        box = page.locator("#search-q")
        box.press("End")
        with page.expect_response(lambda r: "-dataset" in r.url):
            box.press_sequentially(" -dataset", delay=20)
        results.get_by_text("Leaving out the results that mention dataset.").wait_for()
        assert results.get_by_text("ADE scenes").count() == 0
        assert results.get_by_text("SegFormer").is_visible()
        assert page.url == f"{live_server.url}/search/?q=segmentation%20-dataset"

    def test_back_after_typing_shows_the_whole_earlier_page(self, live_server, page):
        seg = make_asset("segformer", name="SegFormer", summary="A segmentation model.")
        make_capability(seg, title="Image segmentation", description="Labels every pixel.")
        make_asset("code-corpus", name="Code corpus", kind=Asset.Kind.DATASET, summary="Code.")
        page.goto(f"{live_server.url}/search/")
        box = page.locator("#search-q")
        with page.expect_response(lambda r: "q=segmentation" in r.url):
            box.fill("segmentation")
        page.locator("#results h2", has_text="for “segmentation”").wait_for()
        with page.expect_response(lambda r: "q=code" in r.url):
            box.fill("code")
        page.locator("#results h2", has_text="for “code”").wait_for()
        page.go_back()
        page.wait_for_url(f"{live_server.url}/search/?q=segmentation")
        page.locator("#results h2", has_text="for “segmentation”").wait_for()
        # The page whole, not the results region alone.
        assert page.locator("#search-q").count() == 1 and page.locator("h1").count() == 1
        assert page.locator("#search-q").input_value() == "segmentation"

    def test_a_misspelt_name_typed_gets_its_results_live(self, live_server, page):
        make_asset("sdxl", name="Stable Diffusion XL", summary="Makes images.")
        make_asset("baselines", name="stable-baselines3", summary="Reinforcement learning.")
        page.goto(f"{live_server.url}/search/")
        with page.expect_response(lambda r: "difusion%20" in r.url or "difusion+" in r.url):
            page.locator("#search-q").press_sequentially("stable difusion ", delay=20)
        page.locator("#results h2", has_text="for “stable diffusion”").wait_for()
        assert "so these are the results for “stable diffusion”" in page.locator(
            "#results .notice").inner_text()
        # The address keeps what was typed; the keys open what was found.
        assert page.locator("#search-q").input_value() == "stable difusion "
        page.locator("#search-q").press("ArrowDown")
        assert page.evaluate("document.activeElement.textContent") == "Stable Diffusion XL"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == f"{live_server.url}/assets/sdxl/"

    def test_a_filter_chosen_stays_in_the_address_and_any_leaves_it(self, live_server, page):
        make_asset("vision-a", summary="A vision model.")
        make_asset("vision-set", kind=Asset.Kind.DATASET, summary="A vision dataset.")
        page.goto(f"{live_server.url}/search/?q=vision")
        with page.expect_response(lambda r: "kind=dataset" in r.url):
            page.locator("#s-kind").select_option("dataset")
        page.locator("#results h2", has_text="1 result").wait_for()
        assert page.url == f"{live_server.url}/search/?q=vision&kind=dataset"
        with page.expect_response(lambda r: "/search/?" in r.url):
            page.locator("#s-kind").select_option("")
        page.locator("#results h2", has_text="2 results").wait_for()
        assert page.url == f"{live_server.url}/search/?q=vision"

    def test_ticking_two_results_opens_the_compare_page(self, live_server, page):
        for slug in ("vision-a", "vision-b", "vision-c"):
            make_asset(slug, summary="A vision model.")
        page.goto(f"{live_server.url}/search/?q=vision")
        picks = page.locator("[data-compare-pick]")
        bar = page.locator("[data-compare-bar]")
        assert bar.is_hidden()  # until a result is ticked
        picks.nth(0).check()
        assert bar.is_visible() and "Tick 1 more" in bar.inner_text()
        picks.nth(2).check()
        assert picks.nth(1).is_disabled()
        with page.expect_request(lambda r: "/compare/?" in r.url) as request:
            page.locator("[data-compare-submit]").click()
        assert "a=vision-a" in request.value.url and "b=vision-c" in request.value.url

    def test_the_keys_and_the_ticks_reach_those_matching_some_words(self, live_server, page):
        make_asset("both", name="Depth kit", summary="Depth estimation.")
        make_asset("depth-pro", name="Depth Pro", summary="Sharp monocular depth.")
        page.goto(f"{live_server.url}/search/?q=depth+estimation+")
        assert page.locator("#results h3.partial-h").is_visible()
        box = page.locator("#search-q")
        box.press("ArrowDown")
        assert page.evaluate("document.activeElement.textContent") == "Depth kit"
        page.keyboard.press("ArrowDown")
        assert page.evaluate("document.activeElement.textContent") == "Depth Pro"
        picks = page.locator("[data-compare-pick]")
        picks.nth(0).check()
        picks.nth(1).check()
        with page.expect_request(lambda r: "/compare/?" in r.url) as request:
            page.locator("[data-compare-submit]").click()
        assert "a=both" in request.value.url and "b=depth-pro" in request.value.url

    def test_the_next_page_of_results_comes_live_and_the_focus_goes_to_it(
        self, live_server, page
    ):
        for i in range(25):
            make_asset(f"vision-{i}", name=f"Vision {i:02}", summary="A vision model.")
        page.goto(f"{live_server.url}/search/?q=vision")
        page.evaluate("window.__marker = 'still-here'")
        assert page.locator("#results [data-result-link]").count() == 20
        with page.expect_response(lambda r: "page=2" in r.url):
            page.get_by_role("link", name="Next →").click()
        heading = page.locator("#results-h", has_text="Results 21–25 for “vision”")
        heading.wait_for()
        assert page.locator("#results [data-result-link]").count() == 5
        assert page.url == f"{live_server.url}/search/?q=vision&page=2"
        assert page.title() == "vision · Page 2 · Search · Unfragile"
        assert page.evaluate("document.activeElement.id") == "results-h"
        assert page.evaluate("window.__marker") == "still-here"  # no page load
        with page.expect_response(lambda r: "page=" not in r.url and "q=vision" in r.url):
            page.get_by_role("link", name="← Previous").click()
        page.locator("#results-h", has_text="Top 20 results").wait_for()
        assert page.url == f"{live_server.url}/search/?q=vision"

    def test_a_search_put_right_is_made_as_typed_live(self, live_server, page):
        make_asset("asr", name="Listener", summary="Speech recognition for meetings.")
        page.goto(f"{live_server.url}/search/?q=speach+recognition")
        results = page.locator("#results")
        assert results.get_by_text("these are the results for “speech recognition”").is_visible()
        page.evaluate("window.__marker = 'still-here'")
        with page.expect_response(lambda r: "as_typed=1" in r.url):
            page.get_by_role("link", name="Search for “speach recognition” as typed").click()
        page.locator("#results-h", has_text="for “speach recognition”").wait_for()
        assert results.get_by_text("Nothing matched every word").is_visible()
        assert results.get_by_role("link", name="speech recognition").is_visible()
        assert page.evaluate("document.activeElement.id") == "results-h"
        assert page.url == f"{live_server.url}/search/?q=speach+recognition&as_typed=1"
        assert page.evaluate("window.__marker") == "still-here"  # no page load

    def test_without_javascript_it_shows_only_what_works(self, live_server, browser):
        for slug in ("vision-a", "vision-b"):
            make_asset(slug, summary="A vision model.")
        context = browser.new_context(java_script_enabled=False)
        try:
            page = context.new_page()
            page.goto(f"{live_server.url}/search/?q=vision")
            assert page.locator("#results h2", has_text="2 results").is_visible()
            # Ticking and the keys need the script: neither the boxes, the bar nor the hint.
            assert page.locator("[data-pick]").first.is_hidden()
            assert page.locator("[data-compare-bar]").is_hidden()
            assert page.locator("#search-keys").is_hidden()
            with page.expect_navigation():
                page.get_by_role("link", name="Compare with…").first.click()
            assert "/compare/?a=vision-" in page.url
        finally:
            context.close()
