"""Every curated or imported text field goes through the pages escaped.

Each field holds its own name plus PAYLOAD, so a test can tell that the field was rendered
(its escaped form is on the page) and that it was rendered safely (the raw form is not).
Links taken from data must be http(s): a `javascript:` URL is shown, if at all, as text.
"""

from __future__ import annotations

import io
import re
from datetime import date
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.utils.html import escape

from catalog.models import Asset
from comparisons.models import PairNote
from tests.factories import make_asset, make_capability, make_evidence, make_org, make_task

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"onmouseover=alert(1) x="'
PAYLOAD = f"{SCRIPT}{ATTRIBUTE}"
EVIL_URL = "javascript:alert(1)"
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0"}
HTMX = {"HX-Request": "true"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href"}


def hostile(field: str) -> str:
    return f"{field} {PAYLOAD}"


class Markup(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.attributes: list[tuple[str, str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes.extend((tag, name, value) for name, value in attrs)


def assert_safe(html: str) -> None:
    """Nothing of the payload escaped its context, and no link runs script."""
    assert "<script>alert(1)" not in html.lower()
    # A quote that ends an attribute; inside JSON (the JSON-LD block) it is written \".
    assert not re.search(r'(?<!\\)"onmouseover=alert', html)
    markup = Markup(html)
    assert [(t, n) for t, n, _ in markup.attributes if n.startswith("on")] == []
    for tag, name, value in markup.attributes:
        if name in URL_ATTRIBUTES and value:
            assert not re.sub(r"[\x00-\x20]", "", value).lower().startswith("javascript:"), (
                tag, name, value,
            )


def assert_shows(html: str, *fields: str) -> None:
    """Each field's text is on the page, escaped."""
    missing = [f for f in fields if escape(hostile(f)) not in html]
    assert missing == [], f"not rendered (or not escaped as expected): {missing}"


@pytest.fixture
def hostile_catalog():
    org = make_org(hostile("org.name"), slug="evil-org")
    task = make_task("segmentation", name=hostile("task.name"))
    alpha = make_asset(
        "alpha",
        tasks=[task],
        organization=org,
        name=hostile("alpha.name"),
        external_id=hostile("external_id"),
        summary=hostile("alpha.summary"),
        curated_summary=hostile("curated_summary"),
        subtype=hostile("subtype"),
        released_on=date(2025, 5, 1),
        release_basis=hostile("release_basis"),
        n_parameters=7_000_000_000,
        size_basis=hostile("size_basis"),
        base_unresolved=hostile("base_unresolved"),
        base_relation=hostile("base_relation"),
        trained_on_unresolved=[hostile("trained_on_unresolved")],
        modalities=[hostile("modalities")],
        frameworks=[hostile("frameworks")],
        languages=[hostile("languages")],
        sources=[{"source": hostile("sources.source"), "version": hostile("sources.version"),
                  "origin": hostile("sources.origin"),
                  "data_licence": hostile("sources.data_licence")}],
        pricing=Asset.Pricing.PAID,
        price_facts={"input_per_mtok": 1.5, "output_per_mtok": 2.0,
                     "currency": hostile("price.currency"), "unit": hostile("price.unit"),
                     "source": hostile("price.source"), "as_of": hostile("price.as_of"),
                     "pricing_url": "https://example.org/prices"},
        urls={"hub": EVIL_URL, "license": EVIL_URL, "repo": "https://example.org/repo"},
        homepage_url=EVIL_URL,
    )
    beta = make_asset(
        "beta", tasks=[task], organization=org, name=hostile("beta.name"),
        summary=hostile("beta.summary"), released_on=date(2025, 4, 1),
        pricing=Asset.Pricing.PAID, price_facts={"input_per_mtok": 1.0, "pricing_url": EVIL_URL},
        urls={"license": EVIL_URL}, licence="mit",
    )
    # Evidence.unit holds 40 characters: one half of the payload per row.
    for asset, unit in ((alpha, SCRIPT), (beta, ATTRIBUTE)):
        slug = asset.slug
        evidence = make_evidence(
            asset, label=hostile(f"{slug}.evidence.label"), unit=unit,
            source_name=hostile(f"{slug}.evidence.source_name"), source_url=EVIL_URL,
        )
        make_capability(
            asset, task=task, evidence=evidence,
            title=hostile(f"{slug}.capability.title"),
            description=hostile(f"{slug}.capability.description segmentation"),
            unique_override=hostile(f"{slug}.capability.unique_override"),
            vs_override=hostile(f"{slug}.capability.vs_override"),
        )
    PairNote.objects.create(asset_a=alpha, asset_b=beta, note=hostile("pairnote.note"))
    return alpha, beta


class TestCuratedAndImportedText:
    def test_the_asset_page_escapes_every_field(self, client, hostile_catalog):
        html = client.get("/assets/alpha/").content.decode()
        assert_safe(html)
        assert_shows(
            html, "alpha.name", "curated_summary", "subtype", "org.name", "task.name",
            "external_id", "release_basis", "size_basis", "base_unresolved", "base_relation",
            "trained_on_unresolved", "modalities", "frameworks", "languages",
            "sources.source", "sources.version", "sources.origin", "sources.data_licence",
            "price.currency", "price.unit", "price.source", "price.as_of",
            "alpha.capability.title", "alpha.capability.unique_override",
            "alpha.capability.vs_override", "alpha.evidence.label",
            "alpha.evidence.source_name", "beta.name",
        )
        assert escape(SCRIPT) in html  # the evidence unit

    def test_the_asset_page_shows_a_generated_summary_escaped(self, client, hostile_catalog):
        html = client.get("/assets/beta/").content.decode()
        assert_safe(html)
        assert_shows(html, "beta.name", "beta.summary", "beta.capability.description segmentation")
        assert escape(ATTRIBUTE) in html  # the evidence unit

    def test_the_asset_page_links_only_http_urls(self, client, hostile_catalog):
        html = client.get("/assets/alpha/").content.decode()
        assert "javascript:" not in html
        assert 'href="https://example.org/repo"' in html
        assert 'href="https://example.org/prices"' in html
        assert "javascript:" not in client.get("/assets/beta/").content.decode()

    def test_browse_escapes_names_organisations_and_tasks(self, client, hostile_catalog):
        for headers in ({}, HTMX):
            html = client.get("/assets/", headers=headers).content.decode()
            assert_safe(html)
            assert_shows(html, "alpha.name", "beta.name", "org.name", "task.name")

    def test_the_home_page_escapes_names_and_most_viewed_comparisons(
        self, client, hostile_catalog
    ):
        client.get("/compare/alpha-vs-beta/")
        call_command("flush_pair_views", stdout=io.StringIO())
        html = client.get("/").content.decode()
        assert_safe(html)
        assert_shows(html, "alpha.name", "beta.name")
        assert html.count(escape(hostile("alpha.name"))) >= 2  # in a kind card and most viewed

    def test_the_versus_page_escapes_everything_and_its_json_ld(self, client, hostile_catalog):
        html = client.get("/compare/alpha-vs-beta/").content.decode()
        assert_safe(html)
        assert_shows(
            html, "alpha.name", "beta.name", "subtype", "org.name", "base_unresolved",
            "pairnote.note", "alpha.capability.title", "alpha.capability.unique_override",
            "alpha.capability.vs_override", "beta.capability.title",
            "alpha.evidence.label", "alpha.evidence.source_name",
        )
        ld = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
        assert ld and "alpha.name \\u003Cscript\\u003Ealert(1)\\u003C/script\\u003E" in ld[1]
        assert "</script" not in ld[1].lower()
        assert "javascript:" not in html

    def test_the_versus_cards_fragment_escapes_capabilities(self, client, hostile_catalog):
        r = client.get("/compare/alpha-vs-beta/?more=b", headers=HTMX)
        html = r.content.decode()
        assert_safe(html)
        assert_shows(html, "beta.capability.title", "beta.capability.vs_override")

    def test_search_results_escape_names_and_highlighted_text(self, client, hostile_catalog):
        for headers in (BROWSER, {**BROWSER, **HTMX}):
            html = client.get("/search/?q=segmentation", headers=headers).content.decode()
            assert_safe(html)
            assert_shows(html, "alpha.name", "beta.name", "org.name")
            assert "capability.title" in html and escape(SCRIPT) in html

    def test_the_compare_typeahead_escapes_names(self, client, hostile_catalog):
        headers = {**HTMX, "HX-Trigger-Name": "a"}
        html = client.get("/compare/?a=alpha", headers=headers).content.decode()
        assert html.startswith("<datalist")
        assert_safe(html)
        assert_shows(html, "alpha.name", "org.name")

    def test_the_sitemap_carries_no_text_from_the_data(self, client, hostile_catalog):
        for path in ("/sitemap.xml", "/sitemap-assets.xml", "/sitemap-compare.xml"):
            body = client.get(path).content.decode()
            assert "alert(1)" not in body
        assert "/compare/alpha-vs-beta/" in client.get("/sitemap-compare.xml").content.decode()


class TestReflectedInput:
    @pytest.mark.parametrize(
        "path",
        [
            "/search/?q=PAYLOAD",
            "/search/?q=x&task=PAYLOAD",
            "/assets/?q=PAYLOAD",
            "/assets/?kind=PAYLOAD",
            "/compare/?a=PAYLOAD&b=PAYLOAD",
            "/compare/alpha-vs-beta/?more=PAYLOAD",
        ],
    )
    def test_what_a_reader_types_comes_back_escaped(self, client, hostile_catalog, path):
        for headers in (BROWSER, {**BROWSER, **HTMX}):
            r = client.get(path.replace("PAYLOAD", quote(PAYLOAD)), headers=headers)
            assert r.status_code in (200, 400)
            assert_safe(r.content.decode())

    def test_the_typeahead_escapes_what_is_typed(self, client, hostile_catalog):
        headers = {**HTMX, "HX-Trigger-Name": "b"}
        r = client.get(f"/compare/?b={quote(PAYLOAD)}", headers=headers)
        assert_safe(r.content.decode())
