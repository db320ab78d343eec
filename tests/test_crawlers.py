from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.utils import timezone

from catalog.models import Asset, Organization
from comparisons.models import CoMatch, PairNote
from tests.factories import make_asset, make_org, make_task

pytestmark = pytest.mark.django_db


class TestRobots:
    def test_it_points_at_the_sitemap_and_keeps_crawlers_out_of_search_and_admin(self, client):
        r = client.get("/robots.txt")
        assert r.status_code == 200 and r["Content-Type"].startswith("text/plain")
        body = r.content.decode()
        assert "Disallow: /search/" in body and "Disallow: /admin/" in body
        assert "Sitemap: http://testserver/sitemap.xml" in body


class TestIcon:
    def test_pages_link_the_icon_and_favicon_ico_leads_to_it(self, client):
        link = re.search(r'<link rel="icon" href="([^"]+)"', client.get("/").content.decode())
        assert link and link.group(1).endswith(".svg")
        r = client.get("/favicon.ico")
        assert r.status_code == 301 and r["Location"] == link.group(1)
        assert "max-age=86400" in r["Cache-Control"]
        assert (settings.BASE_DIR / "static" / "img" / "icon.svg").read_text().startswith("<svg")


class TestSitemap:
    def test_it_is_an_index_of_sections(self, client):
        make_asset("one")
        r = client.get("/sitemap.xml")
        assert r.status_code == 200
        assert b"<sitemapindex" in r.content
        assert b"/sitemap-assets.xml" in r.content and b"/sitemap-compare.xml" in r.content
        assert b"/sitemap-lists.xml" in r.content

    def test_it_lists_each_task_s_list_and_each_maker_s(self, client):
        seg = make_task("image-segmentation")
        meta = make_org("Meta", slug="meta")
        make_asset("llama", organization=meta, tasks=[seg])
        make_asset("opt", organization=make_org("Meta", slug="facebook"))
        make_asset("solo", organization=make_org("Solo Lab", slug="solo-lab"))
        make_asset("draft", organization=make_org("Hidden", slug="hidden"),
                   tasks=[make_task("unseen")], status=Asset.Status.DRAFT)
        make_asset("hidden-2", organization=Organization.objects.get(slug="hidden"),
                   status=Asset.Status.DRAFT)
        body = client.get("/sitemap-lists.xml").content.decode()
        locations = re.findall(r"<loc>http://testserver([^<]+)</loc>", body)
        # Meta's namespaces as one list; a maker of one asset and unpublished work, none.
        assert locations == ["/assets/?task=image-segmentation", "/assets/?org=meta"]

    def test_it_lists_published_assets_only(self, client):
        make_asset("shown")
        make_asset("hidden", status=Asset.Status.DRAFT)
        body = client.get("/sitemap-assets.xml").content
        assert b"/assets/shown/" in body and b"/assets/hidden/" not in body
        assert b"<lastmod>" in body

    def test_it_lists_only_pairs_backed_by_evidence(self, client):
        a, b, c, d = (make_asset(s) for s in ("alpha", "beta", "gamma", "delta"))
        CoMatch.objects.create(asset_a=a, asset_b=b, weight=3, last_seen=timezone.now())
        PairNote.objects.create(asset_a=d, asset_b=c, note="Different jobs.")
        base = make_asset("base-model")
        make_asset("tuned", base=base)  # made from it: a pair the catalog's facts back
        make_asset("tuned-draft", base=base, status=Asset.Status.DRAFT)
        body = client.get("/sitemap-compare.xml").content.decode()
        assert "/compare/alpha-vs-beta/" in body
        assert "/compare/delta-vs-gamma/" in body
        assert "/compare/base-model-vs-tuned/" in body
        assert body.count("<url>") == 3

    def test_its_query_count_does_not_grow(self, client, django_assert_num_queries):
        for i in range(3):
            make_asset(f"s-{i}")
        # count for pagination, then the page of assets.
        with django_assert_num_queries(2):
            client.get("/sitemap-assets.xml")
        for i in range(30):
            make_asset(f"t-{i}")
        with django_assert_num_queries(2):
            client.get("/sitemap-assets.xml")


    def test_it_is_kept_until_the_data_changes(self, client, django_assert_num_queries):
        make_asset("one")
        first = client.get("/sitemap-assets.xml")
        assert first["Content-Type"] == "application/xml"
        assert first["Cache-Control"] == "public, max-age=3600"
        # Asked again: from the page cache, with no query, or a 304 for the ETag held.
        with django_assert_num_queries(0):
            again = client.get("/sitemap-assets.xml")
            assert again.content == first.content
            assert again["Content-Type"] == "application/xml"
            assert again["X-Robots-Tag"] == "noindex, noodp, noarchive"
            assert again["Cache-Control"] == "public, max-age=3600"
            r = client.get("/sitemap-assets.xml", headers={"if-none-match": first["ETag"]})
            assert r.status_code == 304
        # A new asset moves the data generation: the sitemap lists it.
        make_asset("two")
        assert b"/assets/two/" in client.get("/sitemap-assets.xml").content
        assert client.get("/sitemap-assets.xml?p=7").status_code == 404
        assert client.post("/sitemap.xml").status_code == 405


class TestMethods:
    """Every public page answers HEAD as GET does, without a body, and another method with
    the site's 405 page, not a CSRF failure."""

    @pytest.fixture
    def urls(self):
        a, b = make_asset("alpha"), make_asset("beta")
        return ["/", "/assets/", a.get_absolute_url(), f"/compare/{a.slug}-vs-{b.slug}/",
                "/compare/", "/search/?q=alpha", "/methodology/", "/healthz", "/robots.txt"]

    def test_head_answers_as_get_does_without_a_body(self, client, urls):
        for url in urls:
            r = client.head(url, headers={"user-agent": "Mozilla/5.0"})
            assert (url, r.status_code, r.content) == (url, 200, b"")

    def test_a_head_request_is_not_a_search(self, client):
        from comparisons.models import SearchEvent

        make_asset("alpha")
        browser = {"user-agent": "Mozilla/5.0"}
        client.get("/search/", headers=browser)  # the session a search page sets
        client.head("/search/?q=alpha", headers=browser)
        assert not SearchEvent.objects.exists()
        client.get("/search/?q=alpha", headers=browser)
        assert SearchEvent.objects.count() == 1

    def test_other_methods_get_a_page_saying_so(self, urls):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        for url in urls:
            for method in (client.post, client.put, client.delete):
                r = method(url)
                assert (url, r.status_code) == (url, 405)
                assert r["Allow"] == "GET, HEAD"
                assert b"This page can only be read" in r.content
