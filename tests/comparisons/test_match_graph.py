from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from catalog.models import Asset, Evidence
from comparisons import graph
from comparisons.models import CoMatch, Match, SearchEvent
from tests.factories import make_asset, make_capability, make_task

pytestmark = pytest.mark.django_db

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}
HTMX = {**BROWSER, "HX-Request": "true"}


def _assets() -> list[Asset]:
    out = []
    for slug in ("seg-a", "seg-b", "seg-c"):
        a = make_asset(slug, summary="An image segmentation model.")
        make_capability(a, title="Image segmentation", description="Labels pixels.")
        out.append(a)
    return out


def _browser(client) -> None:
    """A browser that has been on a search page before, so it has a session cookie."""
    client.get("/search/", headers=BROWSER)


class TestCounting:
    def test_the_first_page_sets_the_cookie_and_later_searches_count(self, client):
        _assets()
        client.get("/search/?q=segmentation", headers=BROWSER)
        assert SearchEvent.objects.count() == 0
        assert client.cookies.get("sessionid")
        client.get("/search/?q=segmentation", headers=BROWSER)
        event = SearchEvent.objects.get()
        assert event.query == "segmentation"
        assert list(event.matches.order_by("position").values_list("asset__slug", flat=True)) \
            == ["seg-a", "seg-b", "seg-c"]
        assert event.matches.first().capability.title == "Image segmentation"

    def test_a_browser_s_first_search_counts_when_it_comes_back_with_the_cookie(
            self, client, django_assert_num_queries):
        _assets()
        r = client.get("/search/?q=segmentation", headers=BROWSER)
        assert SearchEvent.objects.count() == 0
        assert client.cookies["searched"].value == "1" and client.cookies.get("sessionid")
        assert r.cookies["searched"]["httponly"] and r.cookies["searched"]["samesite"] == "Lax"
        # Its next request, whatever the page: the search counts, as made and with what it
        # showed; the cookie goes, and the page is for this reader alone.
        r = client.get("/assets/seg-b/", headers=BROWSER)
        assert r.status_code == 200 and "private" in r["Cache-Control"]
        assert client.cookies["searched"].value == ""
        event = SearchEvent.objects.get()
        assert event.query == "segmentation"
        assert event.session_hash == graph.session_hash(client.cookies["sessionid"].value)
        assert list(event.matches.order_by("position").values_list("asset__slug", flat=True)) \
            == ["seg-a", "seg-b", "seg-c"]
        assert event.matches.first().capability.title == "Image segmentation"
        # Once: the pages after it read no session for it.
        del client.cookies["searched"]
        with django_assert_num_queries(0):
            client.get("/assets/seg-b/", headers=BROWSER)
        assert SearchEvent.objects.count() == 1

    def test_a_first_search_and_the_next_count_together(self, client):
        _assets()
        client.get("/search/?q=segmentation", headers=BROWSER)
        client.get("/search/?q=labels+pixels", headers=BROWSER)
        assert sorted(SearchEvent.objects.values_list("query", flat=True)) == [
            "labels pixels", "segmentation"]
        assert client.cookies["searched"].value == ""
        # A keystroke after a first search does not count; the first search does.
        client.cookies.clear()
        client.get("/search/?q=image", headers=BROWSER)
        client.get("/search/?q=imag", headers=HTMX)
        assert sorted(SearchEvent.objects.values_list("query", flat=True)) == [
            "image", "labels pixels", "segmentation"]

    def test_a_held_search_waits_for_a_request_that_counts(self, client):
        _assets()
        client.get("/search/?q=segmentation", headers=BROWSER)
        client.head("/assets/seg-a/", headers=BROWSER)
        client.get("/assets/seg-a/", headers={"User-Agent": "Googlebot/2.1"})
        assert SearchEvent.objects.count() == 0 and client.cookies["searched"].value == "1"
        client.get("/assets/seg-a/", headers=BROWSER)
        assert SearchEvent.objects.get().query == "segmentation"

    def test_a_held_search_is_kept_while_the_database_is_away(self, client, monkeypatch):
        from django.db import DatabaseError

        _assets()
        client.get("/search/?q=segmentation", headers=BROWSER)
        record = graph.record_searches

        def away(*args, **kwargs):
            raise DatabaseError("the database is away")

        monkeypatch.setattr(graph, "record_searches", away)
        assert client.get("/methodology/", headers=BROWSER).status_code == 200
        assert client.cookies["searched"].value == "1"
        monkeypatch.setattr(graph, "record_searches", record)
        client.get("/methodology/", headers=BROWSER)
        assert SearchEvent.objects.get().query == "segmentation"

    def test_only_a_reader_s_first_search_page_is_held(self, client):
        _assets()
        for headers in ({"User-Agent": "Googlebot/2.1"}, HTMX):
            client.get("/search/?q=segmentation", headers=headers)
            assert "searched" not in client.cookies
        client.get("/search/?q=+", headers=BROWSER)  # no words
        assert "searched" not in client.cookies
        # After a search page, even one without words, a search counts at once.
        client.get("/search/?q=segmentation", headers=BROWSER)
        assert "searched" not in client.cookies
        assert SearchEvent.objects.get().query == "segmentation"

    def test_it_stores_a_keyed_hash_not_the_session_key_or_address(self, client):
        _assets()
        _browser(client)
        client.get("/search/?q=Segmentation!", headers=BROWSER, REMOTE_ADDR="203.0.113.9")
        event = SearchEvent.objects.get()
        key = client.cookies["sessionid"].value
        assert event.session_hash == graph.session_hash(key) and key not in event.session_hash
        assert len(event.session_hash) == 64
        assert event.query == "segmentation!"
        row = SearchEvent.objects.filter(pk=event.pk).values().get()
        assert "203.0.113.9" not in str(row) and "Firefox" not in str(row)

    def test_a_repeat_the_same_day_counts_once(self, client):
        _assets()
        _browser(client)
        for _ in range(3):
            client.get("/search/?q=segmentation", headers=BROWSER)
        client.get("/search/?q=SEGMENTATION  ", headers=BROWSER)
        assert SearchEvent.objects.count() == 1
        client.get("/search/?q=segmentation&kind=model", headers=BROWSER)
        assert SearchEvent.objects.count() == 2
        assert Match.objects.count() == 6

    def test_the_database_dedupes_when_the_cache_forgot(self, client):
        from django.core.cache import cache

        _assets()
        _browser(client)
        client.get("/search/?q=segmentation", headers=BROWSER)
        cache.clear()
        client.get("/search/?q=segmentation", headers=BROWSER)
        assert SearchEvent.objects.count() == 1

    def test_searches_still_count_once_while_redis_is_away(self, client, settings, monkeypatch):
        from tests.faults import site
        from unfragile import cache as resilient

        monkeypatch.setattr(resilient, "_health", {})
        settings.CACHES = {"default": {
            "BACKEND": "unfragile.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{site.free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }}
        _assets()
        _browser(client)
        for _ in range(2):
            assert client.get("/search/?q=segmentation", headers=BROWSER).status_code == 200
        event = SearchEvent.objects.get()
        assert event.query == "segmentation"
        assert event.matches.count() == 3

    def test_keystrokes_do_not_count_but_a_settled_request_does(self, client):
        _assets()
        _browser(client)
        client.get("/search/?q=segm", headers=HTMX)
        client.get("/search/?q=segmentation", headers=HTMX)
        assert SearchEvent.objects.count() == 0
        client.get("/search/?q=segmentation", headers={**HTMX, "X-Search-Settled": "1"})
        assert SearchEvent.objects.get().query == "segmentation"

    @pytest.mark.parametrize("agent", [
        "Googlebot/2.1 (+http://www.google.com/bot.html)", "Mozilla/5.0 (compatible; bingbot/2.0)",
        "curl/8.5.0", "python-requests/2.32", "facebookexternalhit/1.1", "",
    ])
    def test_robots_do_not_count(self, client, agent):
        _assets()
        _browser(client)
        client.get("/search/?q=segmentation", headers={"User-Agent": agent})
        assert SearchEvent.objects.count() == 0

    def test_clients_without_the_session_cookie_do_not_count(self, client):
        _assets()
        for _ in range(3):
            client.cookies.clear()
            client.get("/search/?q=segmentation", headers=BROWSER)
        assert SearchEvent.objects.count() == 0

    def test_a_robot_gets_no_session(self, client):
        client.get("/search/?q=x", headers={"User-Agent": "Googlebot/2.1"})
        assert "sessionid" not in client.cookies

    def test_an_empty_query_does_not_count(self, client):
        _browser(client)
        client.get("/search/?q=++", headers=BROWSER)
        assert SearchEvent.objects.count() == 0

    def test_a_later_page_of_the_same_search_does_not_count(self, client):
        for i in range(25):
            make_asset(f"many-{i}", summary="vision")
        _browser(client)
        client.get("/search/?q=vision&page=2", headers=BROWSER)
        client.get("/search/?q=vision&page=2", headers={**HTMX, "X-Search-Settled": "1"})
        assert SearchEvent.objects.count() == 0
        client.get("/search/?q=vision", headers=BROWSER)
        assert SearchEvent.objects.get().matches.count() == 10

    def test_it_records_only_the_top_ten(self, client):
        for i in range(14):
            make_asset(f"many-{i}", summary="vision")
        _browser(client)
        client.get("/search/?q=vision", headers=BROWSER)
        assert list(Match.objects.values_list("position", flat=True).order_by("position")) \
            == list(range(1, 11))


def _search(session: str, slugs: list[str], query: str = "q") -> None:
    ids = dict(Asset.objects.values_list("slug", "id"))
    graph.record_search(query, {}, session, [(ids[s], None) for s in slugs])


@pytest.fixture(autouse=True)
def recompute_calls(monkeypatch) -> list[str]:
    """Records the recompute the rebuild asks for; catalog.recompute has its own tests."""
    calls: list[str] = []

    def fake(asset_ids=None, reason=""):
        calls.append(reason)
        return {"changed": 0}

    monkeypatch.setattr("catalog.recompute.recompute_scores", fake)
    return calls


class TestRebuild:
    def test_it_builds_edges_counts_and_signals(self, recompute_calls):
        a, b, c = _assets()
        make_asset("unmatched")
        _search("s1", ["seg-a", "seg-b", "seg-c"])
        _search("s2", ["seg-b", "seg-a"])
        _search("s3", ["seg-c"], query="other")
        report = graph.rebuild_match_graph()
        edges = {(e.asset_a.slug, e.asset_b.slug): e.weight for e in CoMatch.objects.all()}
        assert edges == {("seg-a", "seg-b"): 2, ("seg-a", "seg-c"): 1, ("seg-b", "seg-c"): 1}
        assert report.edges == 3
        values = {
            (e.asset.slug, e.name): e.value
            for e in Evidence.objects.filter(origin="match-graph").select_related("asset")
        }
        assert values == {
            ("seg-a", "times_matched"): 2, ("seg-b", "times_matched"): 2,
            ("seg-c", "times_matched"): 2,
            ("seg-a", "weighted_degree"): 3, ("seg-b", "weighted_degree"): 3,
            ("seg-c", "weighted_degree"): 2,
        }
        row = Evidence.objects.filter(origin="match-graph").first()
        assert row.dimension == "match_graph" and row.verification == "computed"
        assert row.source_name == "searches on this site" and row.source_url == "/methodology/"
        # Then scores are recomputed with the new signals, saying why.
        assert recompute_calls == ["match graph rebuilt"]

    def test_it_is_idempotent_and_drops_stale_signals(self):
        _assets()
        _search("s1", ["seg-a", "seg-b"])
        call_command("rebuild_match_graph", stdout=StringIO())
        first = list(Evidence.objects.filter(origin="match-graph")
                     .values_list("asset_id", "name", "value", "updated_at").order_by("id"))
        versions = dict(Asset.objects.values_list("slug", "version"))
        report = graph.rebuild_match_graph()
        # Nothing changed, so no cached page is made anew.
        assert dict(Asset.objects.values_list("slug", "version")) == versions
        again = list(Evidence.objects.filter(origin="match-graph")
                     .values_list("asset_id", "name", "value", "updated_at").order_by("id"))
        assert again == first
        assert report.times_matched == 0 and report.weighted_degree == 0 and report.deleted == 0
        SearchEvent.objects.all().delete()
        report = graph.rebuild_match_graph()
        assert report.deleted == 4
        moved = dict(Asset.objects.values_list("slug", "version"))
        assert {s for s in versions if moved[s] != versions[s]} == {"seg-a", "seg-b"}
        assert not Evidence.objects.filter(origin="match-graph").exists()
        assert not CoMatch.objects.exists()

    def test_only_assets_whose_figures_change_get_a_new_version(self):
        _assets()
        _search("s1", ["seg-a", "seg-b"])
        graph.rebuild_match_graph()
        before = dict(Asset.objects.values_list("slug", "version"))
        # seg-a alone in a top 10: no new edge, but its Times Matched goes from 1 to 2.
        _search("s2", ["seg-a"], query="other")
        graph.rebuild_match_graph()
        after = dict(Asset.objects.values_list("slug", "version"))
        assert {s for s in before if after[s] != before[s]} == {"seg-a"}

    def test_a_fresh_install_has_no_edges_or_signals(self):
        _assets()
        out = StringIO()
        call_command("rebuild_match_graph", stdout=out)
        assert "0 co-match edges" in out.getvalue()
        assert not Evidence.objects.filter(dimension="match_graph").exists()

    def test_its_statement_count_does_not_grow_with_events(self, django_assert_max_num_queries):
        _assets()
        for i in range(30):
            _search(f"s{i}", ["seg-a", "seg-b", "seg-c"])
        # Savepoint; the edges built aside, the versions of assets whose edges changed, the
        # old edges deleted, the new inserted, the table aside dropped; two signal upserts,
        # the versions of assets whose signals they wrote; the versions of assets losing a
        # signal, the stale-row delete (a select of the stale rows, then nothing to
        # delete); release.
        with django_assert_max_num_queries(12):
            graph.rebuild_match_graph()


class TestAlternatives:
    def test_it_lists_co_matched_assets_strongest_first(self):
        a, b, c = _assets()
        _search("s1", ["seg-a", "seg-b", "seg-c"])
        _search("s2", ["seg-a", "seg-c"])
        graph.rebuild_match_graph()
        alternatives = graph.alternatives_for(a)
        assert alternatives.source == "co-matched"
        assert [x.slug for x in alternatives.assets] == ["seg-c", "seg-b"]
        assert [x.slug for x in graph.alternatives_for(b).assets] == ["seg-a", "seg-c"]

    def test_it_falls_back_to_same_kind_and_task_and_says_so(self):
        task = make_task("image-segmentation")
        a = make_asset("one", tasks=[task])
        make_asset("two", tasks=[task])
        make_asset("other-kind", tasks=[task], kind=Asset.Kind.DATASET)
        make_asset("other-task", tasks=[make_task("depth-estimation")])
        alternatives = graph.alternatives_for(a)
        assert alternatives.source == "similar"
        assert [x.slug for x in alternatives.assets] == ["two"]

    def test_listing_no_task_it_falls_back_to_same_kind_and_role_and_says_so(self):
        tool = Asset.Kind.TOOL
        a = make_asset("harness-a", kind=tool, subtype="agent harness")
        make_asset("harness-b", kind=tool, subtype="agent harness")
        make_asset("harness-tasked", kind=tool, subtype="agent harness",
                   tasks=[make_task("text-generation")])
        make_asset("harness-lib", kind=Asset.Kind.LIBRARY, subtype="agent harness")
        make_asset("evals", kind=tool, subtype="evaluation framework")
        make_asset("retired", kind=tool, subtype="agent harness", deprecated_in=["x"])
        alternatives = graph.alternatives_for(a)
        assert alternatives.source == "role"
        assert [x.slug for x in alternatives.assets] == ["harness-b"]
        # A kind that is no role (catalog.records.ROLES) says nothing of the job.
        lib = make_asset("lib-a", kind=Asset.Kind.LIBRARY, subtype="model library")
        make_asset("lib-b", kind=Asset.Kind.LIBRARY, subtype="model library")
        assert graph.alternatives_for(lib).assets == []

    def test_it_never_invents_matches(self):
        a = make_asset("alone")
        assert graph.alternatives_for(a).assets == []

    def test_its_query_count_is_fixed(self, django_assert_num_queries):
        a, b, c = _assets()
        _search("s1", ["seg-a", "seg-b", "seg-c"])
        graph.rebuild_match_graph()
        with django_assert_num_queries(2):  # edges; the other assets
            graph.alternatives_for(a)


class TestCachedPages:
    def test_a_rebuild_refreshes_the_alternatives_of_cached_pages(self, client):
        # The recompute is faked here (recompute_calls): no score moves, so only the
        # rebuild itself can tell cached pages that the edges changed.
        _assets()
        _search("s1", ["seg-a", "seg-b"])
        graph.rebuild_match_graph()
        page = client.get("/assets/seg-a/").content.decode()
        assert "seg-a vs seg-b" in page.lower() or "/compare/seg-a-vs-seg-b/" in page
        assert "/compare/seg-a-vs-seg-c/" not in page
        _search("s2", ["seg-a", "seg-c"])
        _search("s3", ["seg-a", "seg-c"])
        graph.rebuild_match_graph()
        page = client.get("/assets/seg-a/").content.decode()
        assert "/compare/seg-a-vs-seg-c/" in page
        assert page.index("/compare/seg-a-vs-seg-c/") < page.index("/compare/seg-a-vs-seg-b/")
