from __future__ import annotations

import functools
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains

from catalog.models import Asset
from comparisons.models import CoMatch
from tests.comparisons.test_versus import make_pair, make_score
from tests.factories import make_asset, make_task

pytestmark = pytest.mark.django_db


def typeahead(field: str) -> dict[str, str]:
    return {"HX-Request": "true", "HX-Trigger-Name": field}


class TestCompareForm:
    def test_it_shows_two_pickers_that_work_without_javascript(self, client):
        r = client.get("/compare/")
        assert r.status_code == 200
        assertContains(r, '<form class="compare-form" method="get" action="/compare/">')
        for field in ("a", "b"):
            assertContains(r, f'name="{field}" value="" list="{field}-suggestions"')
            assertContains(r, f'<datalist id="{field}-suggestions"></datalist>')
        assert b"errorlist" not in r.content
        assert r["Vary"].count("HX-Request") == 1

    def test_it_prefills_the_first_asset_from_a_link(self, client):
        r = client.get("/compare/?a=alpha-seg")
        assert r.status_code == 200
        assertContains(r, 'name="a" value="alpha-seg"')
        assert b"errorlist" not in r.content

    def test_it_redirects_slugs_to_the_canonical_versus_page(self, client):
        make_pair()
        r = client.get("/compare/?a=beta-seg&b=alpha-seg")
        assert r.status_code == 302
        assert r["Location"] == "/compare/alpha-seg-vs-beta-seg/"

    def test_it_accepts_exact_names_in_any_case(self, client):
        make_pair()
        r = client.get("/compare/?a=+alpha+SEG+&b=Beta+Seg")
        assert r["Location"] == "/compare/alpha-seg-vs-beta-seg/"

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("a=alpha-seg&b=nothing-like-it", "No published asset is called “nothing-like-it”"),
            ("a=alpha-seg&b=Hidden+Draft", "No published asset is called “Hidden Draft”"),
            ("a=alpha-seg&b=", "Name the second asset."),
            ("a=&b=", "Name the first asset."),
            ("a=alpha-seg&b=Alpha+Seg", "Pick two different assets."),
            ("a=alpha-seg&b=Twin", "Several assets are called “Twin”"),
            ("a=alpha-seg&b=" + "x" * 10_000, "at most 255 characters"),
            ("a=alpha-seg&b=%22%3Cscript%3E%F0%9F%98%80", "No published asset is called"),
        ],
    )
    def test_it_explains_what_is_wrong_on_the_form(self, client, query, message):
        make_pair()
        make_asset("hidden-draft", name="Hidden Draft", status=Asset.Status.DRAFT)
        make_asset("twin-1", name="Twin")
        make_asset("twin-2", name="Twin")
        r = client.get(f"/compare/?{query}")
        assert r.status_code == 400
        assertContains(r, message, status_code=400)
        assertContains(r, '<form class="compare-form"', status_code=400)
        assert '"<script>' not in r.content.decode()

    def test_it_names_the_slugs_of_assets_that_share_a_name(self, client):
        make_asset("twin-1", name="Twin")
        make_asset("twin-2", name="Twin")
        r = client.get("/compare/?a=Twin&b=twin-2")
        assertContains(r, "twin-1, twin-2", status_code=400)
        assert client.get("/compare/?a=twin-1&b=twin-2").status_code == 302

    def test_assets_sharing_a_name_are_offered_by_their_slugs(self, client):
        make_asset("twin-1", name="Twin", external_id="labs/twin")
        make_asset("twin-2", name="TWIN", external_id="co/twin")
        make_asset("twine", name="Twine")
        r = client.get("/compare/?a=twi", headers={"HX-Request": "true",
                                                   "HX-Trigger-Name": "a"})
        body = r.content.decode()
        assert '<option value="twin-1" label="Twin · ' in body
        assert '<option value="twin-2" label="TWIN · ' in body
        assert '<option value="Twine" label="' in body
        # Typed, the shared name gets the assets it names as links, each by its slug.
        r = client.get("/compare/?a=Twin&b=twine")
        assertContains(r, "Did you mean:", status_code=400)
        assertContains(r, '<a href="/compare/?a=twin-1&amp;b=twine">Twin</a>', status_code=400)
        assertContains(r, '<a href="/compare/?a=twin-2&amp;b=twine">TWIN</a>', status_code=400)
        assertContains(r, '<option value="twin-1"', status_code=400)

    def test_its_query_count_is_fixed(self, client, django_assert_num_queries):
        make_pair()
        # a by slug, b by slug then by name.
        with django_assert_num_queries(3):
            client.get("/compare/?a=alpha-seg&b=Beta+Seg")
        # Both unknown: each by slug and by name, then what each suggests.
        with django_assert_num_queries(6):
            client.get("/compare/?a=alpha&b=beta")

    def test_an_unknown_name_gets_suggestions_that_work_without_javascript(self, client):
        make_pair()
        make_asset("beta-seg-large", name="Beta Seg Large")
        r = client.get("/compare/?a=alpha-seg&b=beta+seg+l")
        assertContains(r, "No published asset is called “beta seg l”", status_code=400)
        assertContains(r, "Did you mean:", status_code=400)
        # The link keeps the first asset, and puts the suggestion in the second field.
        link = '<a href="/compare/?a=alpha-seg&amp;b=beta-seg-large">Beta Seg Large</a>'
        assertContains(r, link, status_code=400)
        assertContains(r, '<datalist id="b-suggestions"><option value="Beta Seg Large"',
                       status_code=400)
        assertContains(r, '<datalist id="a-suggestions"></datalist>', status_code=400)
        assertContains(r, '<a href="/search/?q=beta+seg+l">Search for “beta seg l”</a>',
                       status_code=400)
        followed = client.get("/compare/?a=alpha-seg&b=beta-seg-large")
        assert followed["Location"] == "/compare/alpha-seg-vs-beta-seg-large/"

    def test_a_misspelt_name_gets_the_closest_names(self, client, django_assert_num_queries):
        make_pair()
        make_asset("unrelated", name="Whisper")
        # a by slug, b by slug and by name, names holding it (none), the closest names and
        # their assets; on SQLite also how many names hold each trigram, once per data
        # generation (catalog.search.trigrams_held()).
        from catalog.search import SQLITE_TRIGRAMS

        held = connection.vendor == "sqlite" and SQLITE_TRIGRAMS
        with django_assert_num_queries(6 + held):
            r = client.get("/compare/?a=alpha-seg&b=Betta+Seg")
        assertContains(r, '<a href="/compare/?a=alpha-seg&amp;b=beta-seg">Beta Seg</a>',
                       status_code=400)
        assert b"Whisper" not in r.content

    def test_the_asset_in_the_other_field_is_not_suggested(self, client):
        make_pair()
        r = client.get("/compare/?a=Seg&b=alpha-seg")
        body = r.content.decode()
        assert r.status_code == 400
        assert 'href="/compare/?a=beta-seg&amp;b=alpha-seg"' in body
        assert "a=alpha-seg&amp;b=alpha-seg" not in body

    def test_a_name_like_nothing_gets_a_search_and_no_suggestions(self, client):
        make_pair()
        r = client.get("/compare/?a=alpha-seg&b=%3Cb%3Ezzz")
        assertContains(r, '<a href="/search/?q=%3Cb%3Ezzz">Search for “&lt;b&gt;zzz”</a>',
                       status_code=400)
        assert b"Did you mean" not in r.content

    def test_names_shared_by_several_assets_get_their_slugs_and_links(
            self, client, django_assert_num_queries):
        make_asset("twin-1", name="Twin")
        make_asset("twin-2", name="Twin")
        # a by slug, then by name (the namesakes offered come with it), b by slug.
        with django_assert_num_queries(3):
            r = client.get("/compare/?a=Twin&b=twin-2")
        assertContains(r, "twin-1, twin-2", status_code=400)
        # The one in the other field is not offered.
        assertContains(r, '<a href="/compare/?a=twin-1&amp;b=twin-2">Twin</a>',
                       status_code=400)
        assert b"a=twin-2&amp;b=twin-2" not in r.content


class TestPairsToStartFrom:
    def test_it_offers_derived_assets_beside_their_base_best_ranked_first(
        self, client, django_assert_num_queries
    ):
        base = make_asset("base-model", name="Base Model")
        for slug, rank in (("tune-low", 40.0), ("tune-high", 70.0)):
            make_score(make_asset(slug, name=slug.title(), kind=Asset.Kind.FINE_TUNE,
                                  base=base), rank)
        hidden = make_asset("hidden-base", status=Asset.Status.DRAFT)
        make_asset("tune-of-hidden", kind=Asset.Kind.FINE_TUNE, base=hidden)
        make_asset("alone")

        # The pairs in one query, then none while the data stands still.
        with django_assert_num_queries(1):
            body = client.get("/compare/").content.decode()
        with django_assert_num_queries(0):
            assert client.get("/compare/").content.decode().count("Base Model</a>") == 2
        section = body[body.index('id="starters-h"'):]
        links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', section[:section.index("</section>")])
        assert links == [
            ("/compare/base-model-vs-tune-high/", "Tune-High vs Base Model"),
            ("/compare/base-model-vs-tune-low/", "Tune-Low vs Base Model"),
        ]
        assert "hidden" not in section
        # An answer to the form is about what was typed: no pairs there, nor once the
        # reader has named one asset ("Compare with…" from a result).
        r = client.get("/compare/?a=nothing&b=tune-low")
        assert r.status_code == 400 and b"starters-h" not in r.content
        assert b"starters-h" not in client.get("/compare/?a=tune-low").content

    def test_a_fresh_catalog_without_lineage_shows_no_section(self, client):
        make_pair()
        assert b"starters-h" not in client.get("/compare/").content


class TestCompareTypeahead:
    def test_it_suggests_published_assets_by_name_prefix_first(self, client):
        seg = make_task("image-segmentation")
        later = make_asset("segmenter-x", name="Alpha Segmenter", tasks=[seg])
        make_score(later, 90.0)
        first = make_asset("segformer", name="SegFormer B4")
        make_score(first, 40.0)
        make_asset("seg-draft", name="Seg Draft", status=Asset.Status.DRAFT)
        make_asset("unrelated", name="Whisper")
        r = client.get("/compare/?a=seg", headers=typeahead("a"))
        assert r.status_code == 200
        body = r.content.decode()
        assert body.startswith('<datalist id="a-suggestions">')
        assert "<html" not in body and "<form" not in body
        assert body.index('value="SegFormer B4"') < body.index('value="Alpha Segmenter"')
        assert "Seg Draft" not in body and "Whisper" not in body
        assert 'label="Model · segformer"' in body

    def test_of_those_ranked_alike_it_suggests_the_newest_first(self, client):
        # ("claude" suggested Claude 2.0, Claude 2.1 and Claude 3 Haiku first, by name.)
        for slug, name in [("zorb-2", "Zorb 2.0"), ("zorb-pro-5-5", "Zorb Pro 5.5"),
                           ("zorb-3", "Zorb 3"), ("zorb-lite", "Zorb Lite")]:
            make_score(make_asset(slug, name=name), 50.0)
        make_score(make_asset("zorb-1", name="Zorb 1"), 60.0)
        body = client.get("/compare/?a=zorb", headers=typeahead("a")).content.decode()
        assert re.findall(r'value="([^"]+)"', body) == [
            "Zorb 1", "Zorb Pro 5.5", "Zorb 3", "Zorb 2.0", "Zorb Lite"]

    def test_words_ending_with_a_version_find_the_names_giving_it_anywhere(self, client):
        # ("claude 4" suggested no Claude Opus 4.8: it holds no "claude 4".)
        for slug, name, rank in [("zorb-opus-4-8", "Zorb Opus 4.8", 50.0),
                                 ("zorb-4-6-sonnet", "Zorb 4.6 Sonnet", 50.0),
                                 ("zorb-opus-4-1", "Zorb Opus 4.1", 60.0),
                                 ("zorb-opus-5", "Zorb Opus 5", 50.0),
                                 ("zorb-lite-3-4", "Zorb Lite 3.4", 50.0),
                                 ("zorbex-4", "Zorbex 4", 50.0),
                                 ("mini-zorb-4", "Mini Zorb 4", 50.0)]:
            make_score(make_asset(slug, name=name), rank)
        suggested = functools.partial(self._suggested, client)
        # Those giving it count as starting with the words: by rank, then the newest; the
        # name holding the words comes after them.
        assert suggested("zorb 4") == ["Zorb Opus 4.1", "Zorb Opus 4.8", "Zorb 4.6 Sonnet",
                                       "Mini Zorb 4"]
        assert suggested("Zorb 4.8") == suggested("zorb4.8") == ["Zorb Opus 4.8"]
        assert suggested("zorb opus") == ["Zorb Opus 4.1", "Zorb Opus 5", "Zorb Opus 4.8"]

    def test_several_words_find_the_names_starting_with_the_first_holding_the_others(
            self, client):
        # ("claude sonnet" suggested no Claude 4.6 Sonnet: it holds no "claude sonnet".)
        for slug, name in [("zorb-sonnet-5", "Zorb Sonnet 5"),
                           ("zorb-3-sonnet", "Zorb 3 Sonnet"),
                           ("zorb-4-6-sonnet", "Zorb 4.6 Sonnet"),
                           ("zorb-sonata-9", "Zorb Sonata 9"),
                           ("zorbix-sonnet-7", "Zorbix Sonnet 7")]:
            make_score(make_asset(slug, name=name), 50.0)
        suggested = functools.partial(self._suggested, client)
        # After those holding the words (the newest first), the others, the newest first.
        assert suggested("zorb sonnet") == ["Zorb Sonnet 5", "Zorb 4.6 Sonnet", "Zorb 3 Sonnet"]
        # The last word may be being typed.
        assert suggested("Zorb son") == ["Zorb Sonata 9", "Zorb Sonnet 5", "Zorb 4.6 Sonnet",
                                         "Zorb 3 Sonnet"]

    @staticmethod
    def _suggested(client, typed: str) -> list[str]:
        body = client.get("/compare/", {"a": typed}, headers=typeahead("a")).content.decode()
        return re.findall(r'value="([^"]+)"', body)

    def test_a_name_is_suggested_however_its_number_is_written(self, client):
        make_asset("chatgpt-4o", name="ChatGPT-4o")
        make_asset("gpt-4o-2024", name="GPT-4o (2024-05-13)")
        for typed in ("gpt4o", "GPT 4o", "gpt-4o"):
            body = client.get("/compare/", {"a": typed}, headers=typeahead("a")).content.decode()
            # Both hold it; the one it starts comes first.
            assert re.findall(r'value="([^"]+)"', body) == ["GPT-4o (2024-05-13)", "ChatGPT-4o"]

    def test_past_its_rate_limit_it_suggests_nothing_and_searches_go_on(self, client, settings):
        settings.TYPEAHEAD_RATE_LIMIT = 2
        make_asset("segformer", name="SegFormer B4")
        for _ in range(2):
            body = client.get("/compare/?a=seg", headers=typeahead("a")).content.decode()
            assert 'value="SegFormer B4"' in body
        r = client.get("/compare/?a=seg", headers=typeahead("a"))
        assert r.status_code == 200
        assert r.content.decode() == '<datalist id="a-suggestions"></datalist>'
        # Counted apart from searches.
        assert client.get("/search/?q=segformer").status_code == 200

    def test_it_answers_for_the_field_being_typed_in(self, client):
        make_pair()
        r = client.get("/compare/?b=beta", headers=typeahead("b"))
        body = r.content.decode()
        assert body.startswith('<datalist id="b-suggestions"><option value="Beta Seg"')

    @pytest.mark.parametrize("text", ["", "a", "x" * 10_000, "\"'<>&%_ 🙂", "  "])
    def test_it_answers_any_text_without_an_error(self, client, text):
        make_pair()
        r = client.get("/compare/", {"a": text}, headers=typeahead("a"))
        assert r.status_code == 200
        assert r.content.decode().startswith('<datalist id="a-suggestions">')

    def test_its_query_count_is_one(self, client, django_assert_num_queries):
        make_pair()
        with django_assert_num_queries(1):
            client.get("/compare/?a=seg", headers=typeahead("a"))


class TestCompareWithOnAssetPage:
    def test_it_lists_alternatives_of_the_same_kind_and_task_by_rank(self, client):
        alpha, beta = make_pair()
        gamma = make_asset("gamma-seg", name="Gamma Seg", tasks=list(alpha.tasks.all()))
        make_score(gamma, 65.0)
        make_asset("seg-data", name="Seg Data", kind=Asset.Kind.DATASET,
                   tasks=list(alpha.tasks.all()))
        make_asset("other-job", name="Other Job")
        body = client.get("/assets/alpha-seg/").content.decode()
        section = body[body.index('id="compare-h"'):body.index('id="evidence-h"')]
        assert "Compare with…" in section and "same kind that share a task" in section
        assert section.index("Alpha Seg vs Gamma Seg") < section.index("Alpha Seg vs Beta Seg")
        assert 'href="/compare/alpha-seg-vs-gamma-seg/"' in section
        assert "Seg Data" not in section and "Other Job" not in section
        assert '<form class="compare-with" method="get" action="/compare/">' in section
        assert '<input type="hidden" name="a" value="alpha-seg">' in section

    def test_a_tool_listing_no_task_lists_those_listed_for_its_role(self, client):
        make_asset("claude-code", name="Claude Code", kind=Asset.Kind.TOOL,
                   subtype="agent harness")
        make_asset("codex", name="Codex", kind=Asset.Kind.TOOL, subtype="agent harness")
        make_asset("swe-bench", name="swe-bench", kind=Asset.Kind.TOOL,
                   subtype="evaluation framework")
        body = client.get("/assets/claude-code/").content.decode()
        section = body[body.index('id="compare-h"'):body.index('id="evidence-h"')]
        assert "list no task and are listed as an agent harness" in section
        assert 'href="/compare/claude-code-vs-codex/"' in section
        assert "swe-bench" not in section

    def test_alternatives_ranked_alike_are_said_to_come_by_name(self, client):
        for slug, name in [("claude-code", "Claude Code"), ("zed", "Zed"), ("cline", "Cline"),
                           ("aider", "Aider")]:
            make_score(make_asset(slug, name=name, kind=Asset.Kind.TOOL,
                                  subtype="agent harness"), 50.0)
        body = client.get("/assets/claude-code/").content.decode()
        section = body[body.index('id="compare-h"'):body.index('id="evidence-h"')]
        assert ("highest UnfragileRank first (they all rank 50 for now, so by name): "
                "no search counted") in section
        shown = [section.index(f"Claude Code vs {name}") for name in ("Aider", "Cline", "Zed")]
        assert shown == sorted(shown)
        # Ranked apart, they come by rank, and nothing is said of names. (A page shows the
        # others as they were for up to an hour: unfragile.pagecache.)
        make_score(make_asset("yak", name="Yak", kind=Asset.Kind.TOOL,
                              subtype="agent harness"), 70.0)
        cache.clear()
        body = client.get("/assets/claude-code/").content.decode()
        section = body[body.index('id="compare-h"'):body.index('id="evidence-h"')]
        assert "highest UnfragileRank first: no search counted" in section
        assert "they all rank" not in section
        assert section.index("Claude Code vs Yak") < section.index("Claude Code vs Aider")

    def test_it_lists_no_deprecated_or_superseded_alternative(self, client):
        alpha, beta = make_pair()
        gamma = make_asset("gamma-seg", name="Gamma Seg", tasks=list(alpha.tasks.all()),
                           deprecated_in=["crfm-helm"])
        make_score(gamma, 65.0)
        Asset.objects.filter(pk=beta.pk).update(successor=gamma)
        body = client.get("/assets/alpha-seg/").content.decode()
        section = body[body.index('id="compare-h"'):body.index('id="evidence-h"')]
        assert "Gamma Seg" not in section and "Beta Seg" not in section
        assert "No other asset of the same kind" in section

    def test_it_says_when_there_is_no_alternative_yet(self, client):
        make_asset("lonely")
        assertContains(client.get("/assets/lonely/"), "No other asset of the same kind")

    def test_it_costs_the_asset_page_one_query_however_many_alternatives(self, client):
        seg = make_task("image-segmentation")
        make_asset("subject", tasks=[seg])
        with CaptureQueriesContext(connection) as without:
            client.get("/assets/subject/")
        for i in range(30):
            make_asset(f"rival-{i}", tasks=[seg])
        # New rivals do not bump the subject's version: its cached page shows them within the
        # hour (unfragile.pagecache); render it again now.
        cache.clear()
        with CaptureQueriesContext(connection) as with_rivals:
            body = client.get("/assets/subject/").content.decode()
        assert body.count("subject vs rival-") == 5
        assert len(with_rivals) == len(without)
        # The co-match edges, then the best of its kind per task (cached for the next page).
        assert sum("comparisons_comatch" in q["sql"] for q in with_rivals.captured_queries) == 1
        def best_of_kind(query: dict) -> bool:  # the lineage lists number their rows too
            return "ROW_NUMBER" in query["sql"].upper() and "lineage0" not in query["sql"]

        assert sum(map(best_of_kind, with_rivals.captured_queries)) == 1
        with CaptureQueriesContext(connection) as again:
            client.get("/assets/rival-0/")
        assert not any(map(best_of_kind, again.captured_queries))

    def test_it_lists_co_matched_assets_first_and_says_so(self, client):
        alpha, beta = make_pair()
        other = make_asset("other-job", name="Other Job")
        now = timezone.now()
        CoMatch.objects.create(asset_a=alpha, asset_b=other, weight=3, last_seen=now)
        body = client.get("/assets/alpha-seg/").content.decode()
        section = body[body.index('id="compare-h"'):body.index('id="evidence-h"')]
        assert "From the match graph" in section
        assert "Alpha Seg vs Other Job" in section and "Beta Seg" not in section
