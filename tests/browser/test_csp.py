"""htmx and our scripts under the site's Content-Security-Policy, in a real browser.

A refused script, style or eval shows up three ways: a console error, a page error, and a
`securitypolicyviolation` event. The page collects all three; each test ends with none.
"""

from __future__ import annotations

import pytest

from catalog.models import Asset
from tests.browser.conftest import requires_chromium
from tests.factories import make_asset, make_capability, make_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]

# Runs before any script of the page; Playwright injects it without CSP getting in the way.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def watched(page):
    """The page, and the problems it reported: console errors, page errors, CSP violations."""
    problems: list[str] = []

    def on_console(message) -> None:
        url = message.location.get("url", "")
        # The site has no favicon yet; the browser's request for one is not about CSP.
        if message.type == "error" and not url.endswith("/favicon.ico"):
            problems.append(f"console: {message.text} {url}")

    page.on("console", on_console)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.add_init_script(WATCH_VIOLATIONS)

    def report() -> list[str]:
        return problems + [f"violation: {v}" for v in page.evaluate("window.__violations")]

    return page, report


def _catalog() -> None:
    task = make_task("image-segmentation", name="Image segmentation")
    for slug in ("segformer", "mask2former"):
        seg = make_asset(slug, name=slug.capitalize(), summary="A segmentation model.")
        seg.tasks.set([task])
        make_capability(seg, title="Image segmentation", description="Pixels.", task=task)
    make_asset("code-corpus", name="Code corpus", kind=Asset.Kind.DATASET, summary="Code.")


class TestCspInBrowser:
    def test_the_page_sends_a_nonce_policy(self, live_server, watched):
        page, report = watched
        _catalog()
        response = page.goto(f"{live_server.url}/search/")
        csp = response.headers["content-security-policy"]
        assert "'nonce-" in csp and "'unsafe-eval'" not in csp and "'unsafe-inline'" not in csp
        assert page.evaluate("typeof htmx") == "object"
        assert page.evaluate("htmx.config.allowEval") is False
        assert page.evaluate("htmx.config.includeIndicatorStyles") is False
        assert report() == []

    def test_live_search_swaps_results_without_a_violation(self, live_server, watched):
        page, report = watched
        _catalog()
        page.goto(f"{live_server.url}/search/")
        page.evaluate("window.__marker = 'still-here'")
        with page.expect_response(lambda r: "q=segmentation" in r.url):
            page.locator("#search-q").press_sequentially("segmentation", delay=20)
        page.locator("#results h2", has_text="for “segmentation”").wait_for()
        assert page.evaluate("window.__marker") == "still-here"  # swapped, not reloaded
        # search.js ran: the compare bar it reveals is visible.
        page.locator("[data-compare-pick]").first.check()
        assert page.locator("[data-compare-status]").inner_text() == "Tick 1 more to compare."
        with page.expect_response(lambda r: "kind=dataset" in r.url):
            page.select_option("#s-kind", "dataset")
        page.locator("#results h2", has_text="No results").wait_for()
        assert report() == []

    def test_browse_filters_swap_results_without_a_violation(self, live_server, watched):
        page, report = watched
        _catalog()
        page.goto(f"{live_server.url}/assets/")
        page.evaluate("window.__marker = 'still-here'")
        with page.expect_response(lambda r: "kind=dataset" in r.url):
            page.select_option("#f-kind", "dataset")
        page.locator("#results h2", has_text="1 asset").wait_for()
        assert page.evaluate("window.__marker") == "still-here"
        assert "kind=dataset" in page.url
        assert report() == []

    def test_the_versus_page_and_its_typeahead_run_without_a_violation(
        self, live_server, watched
    ):
        page, report = watched
        _catalog()
        page.goto(f"{live_server.url}/compare/mask2former-vs-segformer/")
        assert page.locator("script[type='application/ld+json']").count() == 1
        page.goto(f"{live_server.url}/compare/")
        with page.expect_response(lambda r: "/compare/?" in r.url and "a=seg" in r.url):
            page.locator("#c-a").press_sequentially("seg", delay=20)
        page.locator("#a-suggestions option").first.wait_for(state="attached")
        assert page.locator("#a-suggestions option").first.get_attribute("value") == "Segformer"
        assert report() == []
