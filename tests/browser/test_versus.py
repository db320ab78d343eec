from __future__ import annotations

import re

import pytest

from tests.browser.conftest import requires_chromium
from tests.comparisons.test_versus import make_pair

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]


class TestVersusInBrowser:
    def test_it_loads_the_rest_of_the_cards_in_place(self, live_server, page):
        make_pair(caps=12)
        url = f"{live_server.url}/compare/alpha-seg-vs-beta-seg/"
        page.goto(url)
        cards = page.locator("#caps-a .capability")
        assert cards.count() == 8
        page.evaluate("window.__marker = 'still-here'")

        with page.expect_response(lambda r: "more=a" in r.url):
            page.get_by_role("link", name="+4 more capabilities").first.click()
        page.locator("#caps-a .capability").nth(11).wait_for()
        assert cards.count() == 12
        assert page.locator("#caps-b .capability").count() == 8
        assert page.get_by_text("Alpha Seg skill 11").is_visible()
        # The cards came in without a page load, and the address did not move.
        assert page.evaluate("window.__marker") == "still-here"
        assert page.url == url

    def test_it_fits_a_phone_without_sideways_scrolling(self, live_server, page):
        make_pair(caps=12)
        page.set_viewport_size({"width": 360, "height": 740})
        page.goto(f"{live_server.url}/compare/alpha-seg-vs-beta-seg/")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360
        # Each row is a card with both values side by side.
        row = page.locator("#row-rank")
        cells = row.locator("td")
        first, second = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
        assert abs(first["y"] - second["y"]) < 2 and first["x"] < second["x"]


class TestCompareFormInBrowser:
    def test_it_picks_two_assets_by_typing_and_opens_their_page(self, live_server, page):
        make_pair()
        page.goto(f"{live_server.url}/compare/")
        for field, typed, name in (("a", "bet", "Beta Seg"), ("b", "alp", "Alpha Seg")):
            box = page.locator(f"#c-{field}")
            with page.expect_response(lambda r, f=field: f"{f}=" in r.url and "/compare/" in r.url):
                box.press_sequentially(typed, delay=30)
            option = page.locator(f'#{field}-suggestions option[value="{name}"]')
            option.wait_for(state="attached")
            # Picking a suggestion puts its value in the box, as the browser's list does.
            box.fill(option.get_attribute("value"))
        page.get_by_role("button", name="Compare").click()
        page.wait_for_url(re.compile(r"/compare/alpha-seg-vs-beta-seg/$"))
        assert page.locator("h1").inner_text().startswith("Alpha Seg")
