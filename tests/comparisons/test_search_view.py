from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_django.asserts import assertContains

from catalog.models import Asset, Task
from catalog.search import search
from comparisons import search_views
from comparisons.models import SearchEvent
from comparisons.search_views import RESULTS_SHOWN
from tests.catalog.test_search import BAD_INPUTS, PREFIX_QUERIES
from tests.factories import make_asset, make_capability, make_org, make_task

pytestmark = pytest.mark.django_db

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}
HTMX = {**BROWSER, "HX-Request": "true"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class _Balance(HTMLParser):
    """Checks that every element the page opens is closed, in order (our templates close all)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()


def assert_well_formed(html: str, fragment: bool = False) -> None:
    assert "\x00" not in html
    parser = _Balance()
    parser.feed(html)
    parser.close()
    assert parser.errors == [] and parser.stack == []
    assert html.count('<section id="results"') == 1
    if not fragment:
        assert html.lstrip().startswith("<!doctype html>") and html.rstrip().endswith("</html>")


def _segmentation_assets() -> None:
    task = make_task("image-segmentation", name="Image segmentation")
    a = make_asset("segformer", name="SegFormer", summary="A segmentation model.", tasks=[task])
    make_capability(a, title="Image segmentation", description="Labels every pixel of a scene.")
    make_asset("ade", name="ADE scenes", kind=Asset.Kind.DATASET, licence="mit",
               summary="Scenes for segmentation.", tasks=[task])


def _page_and_fragment(client, params: dict[str, str]) -> list[str]:
    """The search page and its live fragment for these parameters, each well formed."""
    pages = []
    for headers in [BROWSER, HTMX]:
        page = client.get("/search/", params, headers=headers).content.decode()
        assert_well_formed(page, fragment=headers is HTMX)
        pages.append(page)
    return pages


class TestSearch:
    def test_it_shows_results_with_kind_rank_and_highlighted_capability(self, client):
        _segmentation_assets()
        response = client.get("/search/?q=segmentation+pixel", headers=BROWSER)
        assert response.status_code == 200
        assert_well_formed(response.content.decode())
        assert response.context["results"][0].asset.slug == "segformer"
        assertContains(response, '<a href="/assets/segformer/" data-result-link>SegFormer</a>')
        assertContains(response, '<span class="badge">Model</span>')
        assertContains(response, "unranked")
        assertContains(response, "Image <mark>segmentation</mark>")
        assertContains(response, "every <mark>pixel</mark> of a scene")
        assertContains(response, 'href="/compare/?a=segformer"')
        assertContains(response, 'value="segformer" data-compare-pick')
        assertContains(response, 'aria-live="polite"')
        assertContains(response, 'hx-trigger="input changed delay:250ms, search"')
        assertContains(response, 'src="/static/js/search.js" defer')

    def test_a_result_says_it_covers_the_language_the_words_name(self, client):
        make_asset("wide", name="Wide embedder", summary="Embeddings.",
                   languages=["eng-Latn", "fra-Latn", "swh-Latn"])
        for page in _page_and_fragment(client, {"q": "swahili embeddings"}):
            assert ('<p class="matched"><span class="muted">Covers:</span> <mark>Swahili</mark>'
                    ", among its 3 languages</p>") in page
        assert "Covers:" not in client.get("/search/?q=embeddings", headers=BROWSER
                                           ).content.decode()

    def test_a_priced_result_shows_its_list_price(self, client):
        facts = {"currency": "USD", "unit": "per 1M tokens", "input_per_mtok": 0.075,
                 "output_per_mtok": 0.3}
        make_asset("flash", name="Flash chat", kind=Asset.Kind.API, price_facts=facts,
                   summary="A chat API.")
        make_asset("plain", name="Plain chat", summary="A chat model.")
        for headers in (BROWSER, HTMX):
            body = client.get("/search/?q=chat", headers=headers).content.decode()
            body = body.replace("<mark>", "").replace("</mark>", "")
            flash = body[body.index(">Flash chat</a>"):]
            assert flash[:flash.index("</li>")].count(
                "<span>0.075 USD in / 0.3 out per 1M tokens</span>") == 1
            plain = body[body.index(">Plain chat</a>"):]
            assert "USD" not in plain[:plain.index("</li>")]

    def test_it_has_one_search_form_where_other_pages_have_the_header_one(self, client):
        page = client.get("/search/?q=segmentation", headers=BROWSER).content.decode()
        assert page.count('role="search"') == 1 and 'id="search-q"' in page
        home = client.get("/", headers=BROWSER).content.decode()
        assert home.count('role="search"') == 1 and 'id="home-q"' in home
        browse = client.get("/assets/", headers=BROWSER).content.decode()
        assert 'id="nav-q"' in browse

    def test_it_keeps_filters_in_the_form_and_applies_them(self, client):
        _segmentation_assets()
        response = client.get(
            "/search/?q=segmentation&kind=dataset&licence=mit&task=image-segmentation",
            headers=BROWSER,
        )
        assert [r.asset.slug for r in response.context["results"]] == ["ade"]
        assertContains(response, '<option value="dataset" selected>')
        assertContains(response, '<option value="image-segmentation" selected>')
        assertContains(response, '<option value="mit" selected>')

    def test_it_filters_by_what_a_licence_allows(self, client):
        for slug, licence in [("seg-mit", "mit"), ("seg-gpl", "gpl-3.0"),
                              ("seg-nc", "cc-by-nc-4.0"), ("seg-none", "")]:
            make_asset(slug, name=slug, summary="Segmentation.", licence=licence)
        response = client.get("/search/?q=segmentation&licence=commercial-use",
                              headers=BROWSER)
        assert sorted(r.asset.slug for r in response.context["results"]) == [
            "seg-gpl", "seg-mit"]
        assertContains(response, '<option value="commercial-use" selected>')
        response = client.get("/search/?q=segmentation&licence=non-commercial", headers=HTMX)
        assert _shown(response.content.decode()) == ["seg-nc"]

    def test_htmx_gets_only_the_results(self, client):
        _segmentation_assets()
        response = client.get("/search/?q=segmentation", headers=HTMX)
        html = response.content.decode()
        # The page's title for the search on screen (htmx puts it in place), then the region.
        title = "<title>segmentation · Search · Unfragile</title>"
        assert html.startswith(title) and html[len(title):].lstrip().startswith(
            '<section id="results"'
        )
        page = client.get("/search/?q=segmentation", headers=BROWSER).content.decode()
        assert title in page  # the same as a full page's
        assert "<html" not in html and 'id="search-q"' not in html
        assert_well_formed(html, fragment=True)
        assert "HX-Request" in response["Vary"]

    @pytest.mark.parametrize(
        "query",
        ["kind=robot", "licence=not-a-licence", "task=no-such-task", "task=Not%20a%20slug",
         "language=xyz", "language=" + "k" * 41],
    )
    def test_it_answers_400_for_a_bad_filter(self, client, query):
        response = client.get(f"/search/?q=x&{query}", headers=BROWSER)
        assert response.status_code == 400
        assertContains(response, "Please check these values", status_code=400)

    def test_it_filters_by_language_and_lists_the_languages_covered(
            self, client, monkeypatch):
        make_asset("ko-qa", name="Korean QA", summary="Questions.", languages=["kor-Hang"])
        make_asset("multi-qa", name="Many QA", summary="Questions.",
                   languages=["eng-Latn", "kor-Kore"])
        make_asset("ja-qa", name="Japanese QA", summary="Questions.", languages=["jpn-Jpan"])
        html = client.get("/search/?q=questions&language=kor", headers=BROWSER).content.decode()
        found = re.findall(r"data-result-link>([^<]*)<", html)
        assert sorted(found) == ["Korean QA", "Many QA"]
        # The language chosen is always offered, selected; others from LANGUAGE_LISTED assets.
        assert '<option value="kor" selected>Korean (2)</option>' in html
        assert 'value="jpn"' not in html
        monkeypatch.setattr(search_views, "LANGUAGE_LISTED", 1)
        html = client.get("/search/?q=questions", headers=BROWSER).content.decode()
        assert re.findall(r'<option value="(\w+)"[^>]*>(\w+) \(\d+\)', html)[-3:] == [
            ("eng", "English"), ("jpn", "Japanese"), ("kor", "Korean")]
        # The live fragment is cached apart from the unfiltered one.
        live = {**BROWSER, "HX-Request": "true"}
        unfiltered = client.get("/search/?q=questions", headers=live).content.decode()
        filtered = client.get("/search/?q=questions&language=jpn", headers=live).content.decode()
        assert "Korean QA" in unfiltered and "Korean QA" not in filtered
        assert "Japanese QA" in filtered

    def test_two_codes_of_one_language_name_are_told_apart(self, client, monkeypatch):
        monkeypatch.setattr(search_views, "LANGUAGE_LISTED", 1)
        make_asset("macro", name="Macro", summary="Questions.", languages=["nep-Deva"])
        make_asset("member", name="Member", summary="Questions.", languages=["npi-Deva"])
        html = client.get("/search/?q=questions", headers=BROWSER).content.decode()
        assert '<option value="nep">Nepali · nep (1)</option>' in html
        assert '<option value="npi">Nepali · npi (1)</option>' in html
        # Only between the languages listed: the one listed alone keeps its name alone,
        # and the other, chosen by a link, is told apart from it.
        make_asset("member-2", name="Member 2", summary="Questions.", languages=["npi-Deva"])
        monkeypatch.setattr(search_views, "LANGUAGE_LISTED", 2)
        html = client.get("/search/?q=questions", headers=BROWSER).content.decode()
        assert '<option value="npi">Nepali (2)</option>' in html
        assert 'value="nep"' not in html
        html = client.get("/search/?q=questions&language=nep", headers=BROWSER).content.decode()
        assert '<option value="nep" selected>Nepali · nep (1)</option>' in html
        assert '<option value="npi">Nepali · npi (2)</option>' in html

    def test_a_live_search_naming_no_language_reads_none(self, client, monkeypatch):
        make_asset("ko-qa", name="Korean QA", summary="Questions.", languages=["kor-Hang"])

        def unread():
            raise AssertionError("the languages were read")

        monkeypatch.setattr(search_views, "_read_languages", unread)
        live = {**BROWSER, "HX-Request": "true"}
        assert "Korean QA" in client.get("/search/?q=questions", headers=live).content.decode()

    def test_it_answers_405_to_a_post(self, client):
        assert client.post("/search/", {"q": "x"}).status_code == 405

    def test_a_vs_b_offers_the_versus_page_of_the_two(self, client):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        make_asset("gpt-4o", name="GPT-4o", summary="A language model.")
        make_asset("whisper-base", name="whisper-base", summary="A speech model.")
        for page in _page_and_fragment(client, {"q": "whisper-base vs GPT-4o"}):
            # Named as typed; the link is the pair's one address.
            assert ('<p class="versus-offer">Compare <a href="/compare/gpt-4o-vs-whisper-base/">'
                    "whisper-base vs GPT-4o</a>") in page
        # A side naming no asset: no offer.
        for page in _page_and_fragment(client, {"q": "gpt-4o vs whisper-base model"}):
            assert "versus-offer" not in page
        assert client.get("/compare/gpt-4o-vs-whisper-base/").status_code == 200

        def queries(q: str) -> int:
            with CaptureQueriesContext(connection) as captured:
                client.get("/search/", {"q": q}, headers=HTMX)
            return len(captured)

        # One query more than the same words without "vs" between them.
        assert queries("whisper-base vs gpt-4o ") == queries("whisper-base xs gpt-4o ") + 1

    @pytest.mark.parametrize(("q", "offer"), [("gpt-4o vs whisper-base", "versus-offer"),
                                              ("alternatives to whisper-base",
                                               "alternatives-offer")])
    def test_an_offer_above_the_results_is_on_the_first_page_only(self, client, q, offer):
        speech = make_task("automatic-speech-recognition", name="Speech recognition")
        make_asset("gpt-4o", name="GPT-4o", summary="A model.")
        make_asset("whisper-base", name="whisper-base", tasks=[speech], summary="A model.")
        make_asset("wav2vec", name="wav2vec", tasks=[speech], summary="A model.")
        _alike(RESULTS_SHOWN + 2, summary=f"{q}.")
        first = client.get("/search/", {"q": q}, headers=BROWSER)
        assert offer in first.content.decode()
        later = client.get("/search/", {"q": q, "page": 2}, headers=BROWSER).content.decode()
        assert "Results 21–" in later and offer not in later

    def test_asking_for_the_alternatives_to_a_tool_lists_those_of_its_role(self, client):
        tool = Asset.Kind.TOOL
        make_asset("claude-code", name="Claude Code", kind=tool, subtype="agent harness")
        make_asset("codex", name="Codex", kind=tool, subtype="agent harness")
        make_asset("swe-bench", name="swe-bench", kind=tool, subtype="evaluation framework")
        for page in _page_and_fragment(client, {"q": "alternatives to claude code"}):
            offer = page[page.index('<div class="alternatives-offer">'):]
            offer = offer[:offer.index("</div>")]
            assert "list no task and are listed as an agent harness" in offer
            assert '<a href="/compare/claude-code-vs-codex/">' in offer
            assert "swe-bench" not in offer

    def test_alternatives_ranked_alike_are_said_to_come_by_name(self, client):
        from tests.comparisons.test_versus import make_score

        for slug, name in [("claude-code", "Claude Code"), ("zed", "Zed"), ("cline", "Cline")]:
            make_score(make_asset(slug, name=name, kind=Asset.Kind.TOOL,
                                  subtype="agent harness"), 50.0)
        for page in _page_and_fragment(client, {"q": "alternatives to claude code"}):
            offer = page[page.index('<div class="alternatives-offer">'):]
            offer = offer[:offer.index("</div>")]
            assert ("highest UnfragileRank first (they all rank 50 for now, so by name), "
                    "as no search") in offer
            assert offer.index("Claude Code vs Cline") < offer.index("Claude Code vs Zed")

    def test_asking_for_the_alternatives_to_an_asset_lists_them(self, client):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from comparisons import graph

        speech = make_task("automatic-speech-recognition", name="Speech recognition")
        make_asset("whisper-base", name="whisper-base", tasks=[speech], summary="A speech model.")
        make_asset("wav2vec", name="wav2vec", tasks=[speech], summary="A speech model.")
        make_asset("kokoro", name="kokoro", summary="A speech model.")  # no shared task
        make_asset("asr-set", name="ASR set", kind=Asset.Kind.DATASET, tasks=[speech])
        for q in ["alternatives to whisper-base", "Whisper-Base alternatives",
                  "an open model similar to whisper-base"]:
            for page in _page_and_fragment(client, {"q": q}):
                offer = page[page.index('<div class="alternatives-offer">'):]
                offer = offer[:offer.index("</div>")]
                assert 'Alternatives to <a href="/assets/whisper-base/">whisper-base</a>' in offer
                # The same kind sharing a task, as its page lists them: not the dataset.
                assert "of its kind that share a task with it" in offer
                assert ('<a href="/compare/wav2vec-vs-whisper-base/">whisper-base vs wav2vec</a>'
                        in offer)
                assert "kokoro" not in offer and "ASR set" not in offer
        # Once searches matched it with others, those, from the match graph.
        ids = dict(Asset.objects.values_list("slug", "id"))
        graph.record_search("speech", {}, "s1", [(ids["whisper-base"], None),
                                                  (ids["kokoro"], None)])
        graph.rebuild_match_graph()
        page = client.get("/search/", {"q": "whisper-base alternatives"},
                          headers=HTMX).content.decode()
        assert "from the match graph" in page and "/compare/kokoro-vs-whisper-base/" in page
        # Words asking for none, or a name naming no asset: no offer.
        for q in ["whisper-base", "alternatives to whisper-large", "alternatives",
                  "alternative medicine"]:
            for page in _page_and_fragment(client, {"q": q}):
                assert "alternatives-offer" not in page, q

        def queries(q: str) -> int:
            with CaptureQueriesContext(connection) as captured:
                client.get("/search/", {"q": q}, headers=HTMX)
            return len(captured)

        # Its alternatives (its co-matches, then their rows) besides the name's lookup, which
        # reads what they need of the asset; a name naming none, that lookup alone.
        assert queries("alternatives to whisper-base ") == queries(
            "alternatives xo whisper-base ") + 3
        assert queries("alternatives to whisper-large ") == queries(
            "alternatives xo whisper-large ") + 1

    def test_it_says_there_are_no_results_and_offers_ways_out(self, client):
        _segmentation_assets()
        response = client.get("/search/?q=segformr&kind=dataset", headers=BROWSER)
        assertContains(response, "No results for “segformr”")
        assertContains(response, 'href="?q=segformr">Search again without filters</a>')
        # No dataset has a name close to it: the names closest without the filters.
        assertContains(response, "Closest names without the filters:")
        assertContains(response, '<a href="/assets/segformer/">SegFormer</a>')

    def test_a_misspelt_name_among_words_gets_the_names_it_is_close_to(
            self, client, django_assert_num_queries):
        make_asset("sdxl", name="Stable Diffusion XL", summary="Makes images.")
        make_asset("stable-baselines3", name="stable-baselines3", summary="Reinforcement.")
        # A word of the name misspelt past putting right (its first letter): the name.
        response = client.get("/search/?q=stable+tiffusion+xl", headers=BROWSER)
        assertContains(response, "Nothing matched every word")
        assertContains(response, 'Did you mean <a href="/assets/sdxl/">Stable Diffusion XL</a>?')
        # Where every word matched, no names are offered.
        response = client.get("/search/?q=stable+diffusion+xl", headers=BROWSER)
        assert b"Did you mean" not in response.content
        # A letter off a word of a close name: put right, and its results shown.
        for typed in ["stable+difusion+xl", "stabel+diffusion+xl+"]:
            response = client.get(f"/search/?q={typed}", headers=BROWSER)
            assertContains(response, "so these are the results for “stable diffusion xl”.")
            assertContains(response, '<a href="/assets/sdxl/" data-result-link>')
            assert b"Did you mean" not in response.content
        # Put right in the case it was typed in.
        response = client.get("/search/?q=Stable+Difusion+XL", headers=BROWSER)
        assertContains(response, "No asset here holds every word of “Stable Difusion XL”, so "
                                 "these are the results for “Stable Diffusion XL”.")
        assertContains(response, "<title>Stable Diffusion XL · Search · Unfragile</title>")

    def test_it_offers_the_words_put_right(self, client):
        _segmentation_assets()
        response = client.get("/search/?q=segmentaton+modl&kind=dataset", headers=BROWSER)
        assertContains(response, "No results for “segmentaton modl”")
        assertContains(response, 'Did you mean <a href="?q=segmentation+model&amp;kind=dataset">'
                                 "segmentation model</a>?")
        # Results for some of the words, and the words put right find none holding them
        # all: offered too.
        response = client.get("/search/?q=scenes+segmentaton+rooms", headers=BROWSER)
        assertContains(response, "Nothing matched every word")
        assertContains(response, '<a href="?q=scenes+segmentation+rooms">'
                                 'scenes segmentation rooms</a>')
        response = client.get("/search/?q=scenes+segmentation", headers=BROWSER)
        assert "Did you mean" not in response.content.decode()

    def test_words_put_right_that_find_nothing_are_not_offered(self, client):
        _segmentation_assets()
        # Put right, "segmentaton" finds the assets holding "segmentation", but no API does.
        response = client.get("/search/?q=segmentaton+modl&kind=api", headers=BROWSER)
        assertContains(response, "No results for “segmentaton modl”")
        assert "Did you mean" not in response.content.decode()
        # Among the models, they find SegFormer: shown.
        response = client.get("/search/?q=segmentaton+modl&kind=model", headers=BROWSER)
        assertContains(response, "so these are the results for “segmentation model”")

    def test_words_put_right_that_find_every_word_give_the_results(
            self, client, django_assert_num_queries):
        _segmentation_assets()
        for i in range(RESULTS_SHOWN):
            make_asset(f"scene-set-{i}", name=f"Scene set {i}", kind=Asset.Kind.DATASET,
                       summary="Scenes for segmentation.")
        client.get("/search/", headers=BROWSER)  # the session, and the tasks remembered
        # (Typed with a space after it: a word being typed also stands for the indexed words
        # it starts with, "segment".)
        for page in _page_and_fragment(client, {"q": "scenes segmentaton "}):
            assert "Top 20 results for “scenes segmentation”" in page
            assert ("No asset here holds every word of “scenes segmentaton”, so these are "
                    "the results for “scenes segmentation”.") in page
            assert "Did you mean" not in page and "Nothing matched every word" not in page
            assert page.count('data-result-link') == RESULTS_SHOWN
            # The next page is that of the words put right.
            assert 'href="?q=scenes+segmentation&amp;page=2"' in page
        # The search as typed (every word, then some of them; the assets found and their
        # capabilities), the names closest to it, which of the words doubted the index
        # holds, then the search for the words put right (every word: enough) with its
        # assets and their capabilities.
        with django_assert_num_queries(4 + 1 + 1 + 3):
            client.get("/search/?q=segmentaton+scenes+", headers=HTMX)
        # The match graph counts the search as typed, with the results shown.
        client.get("/search/?q=scenes+segmentaton+", headers=BROWSER)
        event = SearchEvent.objects.get()
        assert event.query == "scenes segmentaton"
        matched = [m.asset.slug for m in event.matches.order_by("position")]
        assert len(matched) == 10 and "ade" in matched
        assert all(slug in {"ade", "segformer"} or slug.startswith("scene-set-")
                   for slug in matched)

    def test_a_search_put_right_can_be_made_as_typed(self, client):
        _segmentation_assets()
        for i in range(RESULTS_SHOWN):
            make_asset(f"scene-set-{i}", name=f"Scene set {i}", kind=Asset.Kind.DATASET,
                       summary="Scenes for segmentation.")
        # Put right, with the way back to the words as typed.
        for page in _page_and_fragment(client, {"q": "scenes segmentaton "}):
            assert "these are the results for “scenes segmentation”." in page
            assert ('<a href="?q=scenes+segmentaton+&amp;as_typed=1" hx-get="?q=scenes+'
                    'segmentaton+&amp;as_typed=1"') in page and "data-as-typed" in page
            assert "Search for “scenes segmentaton” as typed</a>." in page
        # As typed: nothing holds every word, so those holding some are the results, with
        # the words put right offered as before, and the next page keeps them as typed.
        for page in _page_and_fragment(client, {"q": "scenes segmentaton ", "as_typed": "1"}):
            assert "Top 20 results for “scenes segmentaton”" in page
            assert "No asset here holds every word" not in page
            assert "Nothing matched every word, so these match some of them." in page
            assert 'Did you mean <a href="?q=scenes+segmentation">scenes segmentation</a>?' \
                in page
            assert 'href="?q=scenes+segmentaton+&amp;as_typed=1&amp;page=2"' in page
        # Each answered from a cache entry of its own: put right again without it.
        for page in _page_and_fragment(client, {"q": "scenes segmentaton "}):
            assert "these are the results for “scenes segmentation”." in page
        response = client.get("/search/?q=scenes&as_typed=1&as_typed=0", headers=BROWSER)
        assertContains(response, "as_typed", status_code=400)

    def test_search_again_without_filters_drops_every_filter(self, client):
        _segmentation_assets()
        make_asset("ko-qa", name="Korean QA", summary="Questions.", languages=["kor-Hang"])
        response = client.get("/search/?q=segformr&kind=dataset&licence=mit&language=kor",
                              headers=BROWSER)
        assertContains(response, "No results for “segformr”")
        assertContains(response, 'href="?q=segformr">Search again without filters</a>')

    def test_it_says_when_it_matched_only_some_words(self, client):
        _segmentation_assets()
        response = client.get("/search/?q=segmentation+underwater", headers=BROWSER)
        assertContains(response, "Nothing matched every word")
        assert "Matching some of your words" not in response.content.decode()

    def test_it_lists_those_matching_some_words_after_those_matching_all(self, client):
        _segmentation_assets()
        make_asset("scenes", name="Indoor scenes", summary="Rooms photographed.")
        for headers in [BROWSER, HTMX]:
            page = client.get("/search/?q=scenes+segmentation+", headers=headers).content.decode()
            assert_well_formed(page, fragment=headers is HTMX)
            assert "Nothing matched every word" not in page
            # The two that hold both words, a heading, then the one holding one of them.
            full, _, partial = page.partition("Matching some of your words</h3>")
            assert "/assets/ade/" in full and "/assets/segformer/" in full
            assert "/assets/scenes/" in partial
            assert '<ol class="results search-list" start="3">' in partial
            assert page.count("data-result-link") == 3

    def test_filters_without_words_offer_the_list_they_keep(self, client):
        _segmentation_assets()
        body = client.get("/search/?q=&kind=dataset&task=", headers=BROWSER).content.decode()
        assert "The filters alone search for nothing." in body
        assert 'href="/assets/?kind=dataset&amp;sort=rank"' in body
        body = client.get("/search/?q=", headers=BROWSER).content.decode()
        assert "The filters alone" not in body
        # Browse has no language filter: the search says so, with no link.
        make_asset("english", name="English set", languages=["eng-Latn"])
        body = client.get("/search/?q=&language=eng", headers=BROWSER).content.decode()
        assert "The filters alone search for nothing." in body
        assert "list every asset these filters keep" not in body
        assert "the list of assets has no language filter" in body
        body = client.get("/search/?q=segmentation&kind=dataset", headers=BROWSER).content.decode()
        assert "The filters alone" not in body

    def test_it_says_which_words_it_left_out(self, client):
        _segmentation_assets()
        for page in _page_and_fragment(client, {"q": "segmentation -dataset -rooms -colors"}):
            assert ("Leaving out the results that mention dataset, rooms, colors (or colours)."
                    in page)
            assert "/assets/segformer/" in page
            assert "/assets/ade/" not in page

    def test_words_asking_to_leave_something_out_leave_it_out(self, client):
        _segmentation_assets()
        for q in ["segmentation except datasets", "segmentation models, not a dataset",
                  "segmentation without any datasets"]:
            for page in _page_and_fragment(client, {"q": q}):
                # Said as the minus sign is, under the words as typed.
                assert f" for “{q}”</h2>" in page, q
                assert "Leaving out the results that mention dataset" in page, q
                assert "/assets/segformer/" in page and "/assets/ade/" not in page, q

    def test_it_says_why_open_weights_models_are_listed_for_open_source(self, client):
        said = "Open-weights models are listed too, as “open source” often means them"
        make_asset("mit", name="Parser MIT", summary="A parser.", licence="mit")
        for page in _page_and_fragment(client, {"q": "open source parser"}):
            assert "/assets/mit/" in page and said not in page  # none is listed
        make_asset("ow", name="Parser OW", summary="An open-weights parser.", licence="")
        for page in _page_and_fragment(client, {"q": "open source parser"}):
            assert "/assets/mit/" in page and "/assets/ow/" in page and said in page
        # Not when "open source" is wanted as typed.
        page = client.get("/search/", {"q": '"open source" parser'}, headers=BROWSER)
        assert "/assets/ow/" not in page.content.decode()
        assert said not in page.content.decode()

    def test_it_says_which_kinds_the_words_put_first(self, client):
        _segmentation_assets()
        for page in _page_and_fragment(client, {"q": "segmentation datasets"}):
            assert "Datasets come first, as your words ask for them." in page
            assert page.index("/assets/ade/") < page.index("/assets/segformer/")
        page = client.get("/search/?q=segmentation+models", headers=BROWSER).content.decode()
        assert "Models, fine-tunes and APIs come first" in page
        assert page.index("/assets/segformer/") < page.index("/assets/ade/")
        # Words asking for a kind none of those holding every word is: said so.
        make_asset("seg-lib", name="Seg lib", kind=Asset.Kind.LIBRARY,
                   summary="Segmentation tools for pixels.")
        page = client.get("/search/?q=segmentation+tools", headers=BROWSER).content.decode()
        assert "come first" not in page
        assert "None of the tools here holds every word." in page
        make_asset("seg-tool", name="Seg tool", kind=Asset.Kind.TOOL, summary="Segmentation.")
        page = client.get("/search/?q=segmentation+tools", headers=BROWSER).content.decode()
        assert "Tools come first, as your words ask for them." in page
        # A kind chosen: nothing to say; no kind word: neither.
        for q in ["segmentation+datasets&kind=dataset", "segmentation"]:
            page = client.get(f"/search/?q={q}", headers=BROWSER).content.decode()
            assert "come first" not in page

    def test_it_says_when_the_words_ask_for_the_cheapest(self, client):
        _segmentation_assets()
        for slug, price in [("seg-api", 0.5), ("seg-api-lite", 0.05)]:
            make_asset(slug, name=slug, kind=Asset.Kind.API, summary="Segmentation service.",
                       price_facts={"input_per_mtok": price, "currency": "USD",
                                    "unit": "per 1M tokens"})
        for page in _page_and_fragment(client, {"q": "cheapest segmentation"}):
            assert ("Those with a list price come cheapest first (per 1M input tokens), "
                    "before the others.") in page
            assert page.index("/assets/seg-api-lite/") < page.index("/assets/seg-api/") \
                < page.index("/assets/segformer/")
            assert "<mark>cheapest</mark>" not in page  # no term: nothing to highlight
        page = client.get("/search/?q=cheap+scenes", headers=BROWSER).content.decode()
        assert "None of these has a list price, so they are not in price order." in page

    @pytest.mark.parametrize(("q", "said", "shown", "figures", "none_q", "none_said"), [
        ("long context chat", "Those listing a context window come longest first",
         "<span>1,000,000-token context</span>",
         {"attributes": [{"genai_prices": {"context_window": 1_000_000}},
                         {"genai_prices": {"context_window": 128_000}}]},
         "long context dialogues",
         "None of these lists a context window, so they are not in that order."),
        ("smallest chat", "Those stating their number of parameters come fewest first",
         "<span>3.7M parameters</span>", {"n_parameters": [3_700_000, 300_000_000]},
         "largest dialogues",
         "None of these states its number of parameters, so they are not in that order."),
    ])
    def test_it_says_when_the_words_ask_for_an_order_by_a_figure(
            self, client, q, said, shown, figures, none_q, none_said):
        # Those giving the figure, first in its order, then the others; each result shows
        # its figure, beside its price.
        [(field, values)] = figures.items()
        for slug, value in zip(["first", "second"], values, strict=True):
            make_asset(slug, name=slug, kind=Asset.Kind.API,
                       summary="A chat model with a context window.", **{field: value})
        make_asset("chat-set", name="Chats", kind=Asset.Kind.DATASET,
                   summary="Chats and dialogues in context.")
        for page in _page_and_fragment(client, {"q": q}):
            assert f"{said}, before the others." in page
            assert page.index("/assets/first/") < page.index("/assets/second/") \
                < page.index("/assets/chat-set/")
            assert shown in page
            assert f"<mark>{q.split()[0]}</mark>" not in page  # no term: nothing to mark
        page = client.get("/search/", {"q": none_q}, headers=BROWSER).content.decode()
        assert none_said in page

    def test_the_largest_come_most_first(self, client):
        for slug, count in [("seg-big", 300_000_000), ("seg-tiny", 3_700_000)]:
            make_asset(slug, name=slug, summary="A segmentation model.", n_parameters=count)
        page = client.get("/search/?q=largest+segmentation", headers=BROWSER).content.decode()
        assert ("Those stating their number of parameters come most first, before the "
                "others.") in page
        assert page.index("/assets/seg-big/") < page.index("/assets/seg-tiny/")

    def test_it_says_which_organisations_the_words_put_first(self, client):
        _segmentation_assets()
        acme = make_org("Acme-Vision", slug="acme-vision")
        make_asset("acme-seg", name="Pixel Cutter", summary="A segmentation model.",
                   organization=acme)
        for page in _page_and_fragment(client, {"q": "acme vision segmentation"}):
            assert "Assets of Acme-Vision come first, as your words name it." in page
        page = client.get("/search/?q=acme+vision+segmentation+models",
                          headers=BROWSER).content.decode()
        assert ("Models, fine-tunes and APIs come first, as your words ask for them, and so "
                "do the assets of Acme-Vision.") in page
        # Words naming no organisation of the results: nothing said.
        page = client.get("/search/?q=vision+segmentation", headers=BROWSER).content.decode()
        assert "come first" not in page

    def test_it_says_which_tasks_the_words_put_first(self, client):
        _segmentation_assets()
        # Saying the words more often, but listing no task.
        make_asset("cutter", name="Cutter", kind=Asset.Kind.LIBRARY,
                   summary="Image segmentation of scenes: cuts image scenes into segments.")
        for page in _page_and_fragment(client, {"q": "image segmentation scenes"}):
            assert ("Assets listing the task Image segmentation come first, as your words "
                    "name it.") in page
            assert page.index("/assets/segformer/") < page.index("/assets/cutter/")
            assert page.index("/assets/ade/") < page.index("/assets/cutter/")
        page = client.get("/search/?q=image+segmentation+scenes+models",
                          headers=BROWSER).content.decode()
        assert ("Models, fine-tunes and APIs come first, as your words ask for them; of them, "
                "those listing the task Image segmentation first.") in page
        acme = make_org("Acme", slug="acme")
        make_asset("acme-seg", name="Acme scenes", summary="Image segmentation of scenes.",
                   organization=acme, tasks=list(Task.objects.filter(slug="image-segmentation")))
        page = client.get("/search/?q=acme+image+segmentation+scenes",
                          headers=BROWSER).content.decode()
        assert ("Assets of Acme come first, as your words name it, and so do the assets "
                "listing the task Image segmentation.") in page
        # The task chosen: nothing to say, as for a kind.
        page = client.get("/search/?q=image+segmentation+scenes&task=image-segmentation",
                          headers=BROWSER).content.decode()
        assert "/assets/segformer/" in page and "come first" not in page
        # None of those holding every word lists it: nothing said.
        page = client.get("/search/?q=image+segmentation+scenes&kind=library",
                          headers=BROWSER).content.decode()
        assert "/assets/cutter/" in page and "come first" not in page

    def test_when_leaving_words_out_leaves_nothing_it_offers_the_search_without(self, client):
        _segmentation_assets()
        response = client.get("/search/?q=segmentation+-scenes+-pixel", headers=BROWSER)
        assertContains(response, "No results for “segmentation -scenes -pixel”")
        assertContains(response, "You left out the results that mention scenes, pixel.")
        assertContains(response, 'href="?q=segmentation">Search for the words alone</a>')
        response = client.get('/search/?q="pixel+segmentation"+-"a+scene"', headers=BROWSER)
        assertContains(response, "Results must hold each phrase in quotes")
        assertContains(response, "You left out the results that mention “a scene”.")
        assertContains(response, 'href="?q=pixel+segmentation">Search for the words alone</a>')

    def test_words_left_out_alone_ask_for_a_word_to_search_for(self, client):
        response = client.get("/search/?q=-dataset", headers=BROWSER)
        assertContains(response, "What do you need?")
        assertContains(response, "only leaves out results that mention it")
        assert response.context["results"] == []

    def test_it_says_when_the_query_was_cut(self, client):
        _segmentation_assets()
        response = client.get("/search/", {"q": "segmentation " * 100}, headers=BROWSER)
        assertContains(response, "only its start was used")
        assert response.context["results"]

    def test_the_closest_names_are_those_the_filters_keep(self, client):
        make_asset("segformer-b4", name="segformer-b4")
        make_asset("segformer-b5", name="segformer-b5", kind=Asset.Kind.DATASET)
        page = client.get("/search/?q=segformr-b&kind=dataset", headers=BROWSER).content.decode()
        assert "Closest names among those the filters keep:" in page
        assert "/assets/segformer-b5/" in page and "/assets/segformer-b4/" not in page
        page = client.get("/search/?q=segformr-b&kind=tool", headers=BROWSER).content.decode()
        assert "Closest names without the filters:" in page
        page = client.get("/search/?q=segformr-b", headers=BROWSER).content.decode()
        assert "Closest names:" in page
        assert "/assets/segformer-b5/" in page and "/assets/segformer-b4/" in page

    def test_a_word_too_short_to_search_by_its_start_lists_the_names_it_starts(self, client):
        # ("ge" said "No results" and "Try fewer or more general words": nothing is named
        # "ge", and a word is searched by its start from its third letter.)
        make_asset("gemma", name="Gemma")
        make_asset("geo", name="GeoBench", kind=Asset.Kind.DATASET)
        make_asset("age", name="Age")
        for page in _page_and_fragment(client, {"q": "ge"}):
            assert "Keep typing: a word is searched by its start from its third letter." in page
            assert "Names starting with “ge”:" in page
            assert "/assets/gemma/" in page and "/assets/geo/" in page
            assert "/assets/age/" not in page and "Try fewer" not in page
        page = client.get("/search/?q=ge&kind=dataset", headers=BROWSER).content.decode()
        assert "Names starting with “ge” among those the filters keep:" in page
        assert "/assets/geo/" in page and "/assets/gemma/" not in page
        page = client.get("/search/?q=ge&kind=tool", headers=BROWSER).content.decode()
        assert "Names starting with “ge” without the filters:" in page
        # Finished, it is a word like any other: none holds it.
        page = client.get("/search/?q=ge+", headers=BROWSER).content.decode()
        # (Not the page cached for "ge".)
        assert "Try fewer or more general words." in page
        assert "Keep typing" not in page
        assert "Names starting with" not in page

    def test_headings_say_what_was_typed_as_it_was_typed(self, client):
        make_asset("bge", name="bge-m3", external_id="BAAI/bge-m3")
        for headers in [BROWSER, HTMX]:
            page = client.get("/search/", {"q": "  BAAI/bge-M3\t "},
                              headers=headers).content.decode()
            assert "result for “BAAI/bge-M3”</h2>" in page
            assert "<title>BAAI/bge-M3 · Search · Unfragile</title>" in page
        # Cached apart from the same search in other letters.
        page = client.get("/search/?q=baai/BGE-m3", headers=BROWSER).content.decode()
        assert "result for “baai/BGE-m3”</h2>" in page
        page = client.get("/search/?q=Segformr", headers=BROWSER).content.decode()
        assert "No results for “Segformr”" in page
        # What the search read, when it did not read what was typed whole: an address read
        # as the id it names; a query cut short.
        page = client.get("/search/", {"q": "https://huggingface.co/BAAI/bge-m3"},
                          headers=BROWSER).content.decode()
        assert "result for “baai/bge-m3”</h2>" in page
        page = client.get("/search/", {"q": "Segmentation " * 100},
                          headers=BROWSER).content.decode()
        assert re.search(r"for “(segmentation ){10,}segmentation”</h2>", page)

    def test_it_invites_a_search_when_the_query_is_empty(self, client):
        response = client.get("/search/", headers=BROWSER)
        assertContains(response, "What do you need?")
        assertContains(response, 'href="/search/?q=segment+indoor+scenes"')
        assertContains(response, 'href="/search/?q=evaluation+tools"')
        assertContains(response, 'href="/search/?q=whisper-large-v3+vs+whisper-base"')

    def test_it_escapes_what_was_typed(self, client):
        response = client.get("/search/", {"q": "<script>alert(1)</script>"}, headers=BROWSER)
        assert b"<script>alert" not in response.content
        assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")

    @pytest.mark.parametrize("q", BAD_INPUTS)
    def test_it_answers_any_input(self, client, q):
        _segmentation_assets()
        for headers in (BROWSER, HTMX):
            response = client.get("/search/", {"q": q}, headers=headers)
            assert response.status_code == 200
            assert_well_formed(response.content.decode(), fragment="HX-Request" in headers)

    @settings(max_examples=60, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(q=st.text(max_size=300))
    def test_it_answers_random_text_with_a_well_formed_page(self, client, q):
        if not Asset.objects.exists():
            _segmentation_assets()
        response = client.get("/search/", {"q": q}, headers=BROWSER, REMOTE_ADDR="10.9.9.9")
        assert response.status_code == 200
        assert_well_formed(response.content.decode())

    @pytest.mark.parametrize("n_assets", [2, 30])
    def test_its_query_count_does_not_grow(self, client, django_assert_num_queries, n_assets):
        for i in range(n_assets):
            a = make_asset(f"vision-{i}", summary="vision model")
            make_capability(a, title="Vision", description="Sees.")
        # The first page sets the session cookie; the filter's tasks are remembered from
        # then on, while the data generation stands still.
        client.get("/search/", headers=BROWSER)
        # Rank; result assets; their capabilities; the session; savepoint, SearchEvent,
        # Match rows (one bulk insert), release. On PostgreSQL also the statement that spells
        # out the last word, a prefix while it may still be being typed.
        with django_assert_num_queries(8 + PREFIX_QUERIES):
            client.get("/search/?q=vision", headers=BROWSER)
        # The same search again the same day: already counted, so nothing is written, and its
        # results come from the cache: only the session is read.
        with django_assert_num_queries(1):
            client.get("/search/?q=vision", headers=BROWSER)
        # A keystroke request: no session flag is needed and nothing is written.
        with django_assert_num_queries(3 + PREFIX_QUERIES):
            client.get("/search/?q=visio", headers=HTMX)

    def test_a_parameter_given_twice_is_refused_with_a_clear_400(self, client):
        _segmentation_assets()
        for headers in [BROWSER, HTMX]:
            # Asked once without the repeat, so that a cached answer could be at hand.
            client.get("/search/?q=segmentation&kind=model", headers=headers)
            r = client.get("/search/?q=segmentation&kind=model&kind=dataset", headers=headers)
            assertContains(r, "given 2 times; give it once", status_code=400)
        r = client.get("/search/?q=a&q=b", headers=BROWSER)
        assertContains(r, "given 2 times; give it once", status_code=400)
        # Other parameters (a tracker's) are no concern of the search.
        assert client.get("/search/?q=segmentation&utm=a&utm=b",
                          headers=BROWSER).status_code == 200

    def test_it_limits_searches_per_client(self, client, settings):
        settings.SEARCH_RATE_LIMIT = 3
        for _ in range(3):
            assert client.get("/search/?q=x", headers=BROWSER).status_code == 200
        response = client.get("/search/?q=x%00+<b>y", headers=BROWSER)
        assert response.status_code == 429
        assert response["Retry-After"] == "60"
        assertContains(response, "<h1>Too many searches</h1>", status_code=429)
        # What was typed is kept in a search box, to send again.
        assertContains(response, 'name="q" value="x &lt;b&gt;y"', status_code=429)
        htmx = client.get("/search/?q=x", headers=HTMX)
        assert htmx.status_code == 429
        assert htmx.content.decode().lstrip().startswith('<section id="results"')
        # Another client is not affected.
        other = client.get("/search/?q=x", headers=BROWSER, REMOTE_ADDR="10.0.0.2")
        assert other.status_code == 200

    def test_keystrokes_answered_from_the_cache_are_limited_and_counted_once(
        self, client, settings
    ):
        from django.core.cache import cache

        settings.SEARCH_RATE_LIMIT = 2
        _segmentation_assets()
        path = "/search/?q=segmentation"
        assert client.get(path, headers=HTMX).status_code == 200  # made, and cached
        assert client.get(path, headers=HTMX).status_code == 200  # from the cache
        limited = client.get(path, headers=HTMX)
        assert limited.status_code == 429 and limited["Retry-After"] == "60"
        [counter] = [k for k in cache._cache if "search-rate:" in k]
        assert cache.get(counter.split(":", 2)[2]) == 3  # three requests, three counts


# The list items as the results partial rendered them through the template engine before
# comparisons.results_html wrote them in Python; the two must give the same HTML.
ITEM_TEMPLATE = """{% for r in results %}
<li class="result" data-result>
  <h3><a href="{{ r.asset.get_absolute_url }}" data-result-link>{% for text, hit in r.name_parts %}{% if hit %}<mark>{{ text }}</mark>{% else %}{{ text }}{% endif %}{% endfor %}</a>{% if r.exact %} <span class="exact">exact name</span>{% endif %}</h3>
  <div class="num">{% if r.asset.score %}<span class="rank" title="UnfragileRank">{{ r.asset.score.rank|floatformat:0 }}</span>{% if r.asset.score.provisional %} <span class="provisional" title="Under half of the evidence weight is known">provisional</span>{% endif %}{% else %}<span class="unknown" title="Not ranked yet: no score has been computed">unranked</span>{% endif %}</div>
  <div class="meta">
    <span class="badge">{{ r.asset.get_kind_display }}</span>{% if r.asset.retired_label %}<span class="badge retired-badge">{{ r.asset.retired_label }}</span>{% endif %}
    {% if r.asset.organization %}<span>{{ r.asset.organization.name }}</span>{% endif %}
    <span>Licence: {% if r.licence_parts %}{% for text, hit in r.licence_parts %}{% if hit %}<mark>{{ text }}</mark>{% else %}{{ text }}{% endif %}{% endfor %}{% elif r.asset.licence %}{{ r.asset.licence_name }}{% else %}<span class="unknown">not stated</span>{% endif %}</span>
  </div>
  {% if r.capabilities %}<p class="matched"><span class="muted">Matched:</span> {% for c in r.capabilities %}<span class="matched-cap">{% for text, hit in c.title_parts %}{% if hit %}<mark>{{ text }}</mark>{% else %}{{ text }}{% endif %}{% endfor %}</span>{% if not forloop.last %}, {% endif %}{% endfor %}</p>{% elif r.tasks %}<p class="matched"><span class="muted">Matched task{{ r.tasks|pluralize }}:</span> {% for t in r.tasks %}<span class="matched-cap">{% for text, hit in t %}{% if hit %}<mark>{{ text }}</mark>{% else %}{{ text }}{% endif %}{% endfor %}</span>{% if not forloop.last %}, {% endif %}{% endfor %}</p>{% elif r.id_parts %}<p class="matched"><span class="muted">Matched id:</span> <span class="matched-cap">{% for text, hit in r.id_parts %}{% if hit %}<mark>{{ text }}</mark>{% else %}{{ text }}{% endif %}{% endfor %}</span></p>{% endif %}
  {% if r.snippet %}<p class="snippet">{% for text, hit in r.snippet %}{% if hit %}<mark>{{ text }}</mark>{% else %}{{ text }}{% endif %}{% endfor %}</p>{% endif %}
  <div class="compare-actions">
    <label class="pick" data-pick hidden><input type="checkbox" value="{{ r.asset.slug }}" data-compare-pick> Compare</label>
    <a href="/compare/?a={{ r.asset.slug|urlencode }}">Compare with…</a>
  </div>
</li>
{% endfor %}"""  # noqa: E501


def _shown(html: str) -> list[str]:
    """The slugs of the results a page shows, in order."""
    return re.findall(r'href="/assets/([^/]+)/" data-result-link', html)


def _alike(n: int, summary: str = "A vision model.", prefix: str = "v") -> None:
    """n assets that a search finds alike."""
    for i in range(n):
        make_asset(f"{prefix}-{i}", name=f"Asset {prefix} {i}", summary=summary)


def _ranked(q: str) -> list[str]:
    """The slugs search() finds for `q`, in order, as one long list."""
    return [r.asset.slug for r in search(q, limit=100)]


class TestPages:
    """Twenty results a page, up to search_views.PAGES pages, each following on from the
    one before."""

    @pytest.mark.parametrize("headers", [BROWSER, HTMX], ids=["page", "htmx"])
    def test_it_pages_through_the_results(self, client, headers):
        _alike(45)
        ranked = _ranked("vision")
        assert len(ranked) == 45
        for path, title, heading, first in [
            ("/search/?q=vision", "vision · Search", "Top 20 results for “vision”", 1),
            ("/search/?q=vision&page=2", "vision · Page 2 · Search",
             "Results 21–40 for “vision”", 21),
            ("/search/?q=vision&page=3", "vision · Page 3 · Search",
             "Results 41–45 for “vision”", 41),
        ]:
            html = client.get(path, headers=headers).content.decode()
            assert_well_formed(html, fragment=headers is HTMX)
            assert f"<title>{title} · Unfragile</title>" in html
            assert heading in html
            assert f'<ol class="results search-list" start="{first}">' in html
            assert _shown(html) == ranked[first - 1:first + 19]
            assert "Matching some of your words" not in html

    def test_it_links_the_pages_before_and_after(self, client):
        _alike(45)
        pages = [client.get(f"/search/?q=vision&page={p}", headers=BROWSER).content.decode()
                 for p in (1, 2, 3)]
        link = ('<a href="{0}" hx-get="{0}" hx-target="#results" '
                'hx-swap="outerHTML show:#results:top" hx-push-url="true" rel="{1}">')
        assert link.format("?q=vision&amp;page=2", "next") in pages[0]
        assert 'rel="prev"' not in pages[0]
        # Back to the first page by the address without a page, as it is linked elsewhere.
        assert link.format("?q=vision", "prev") in pages[1]
        assert link.format("?q=vision&amp;page=3", "next") in pages[1]
        assert link.format("?q=vision&amp;page=2", "prev") in pages[2]
        assert 'rel="next"' not in pages[2]
        assert "<span>Page 3</span>" in pages[2]

    def test_one_page_of_results_has_no_page_links(self, client):
        _alike(20)
        html = client.get("/search/?q=vision", headers=BROWSER).content.decode()
        assert "20 results for “vision”" in html and "Top 20" not in html
        assert 'class="pagination"' not in html

    def test_the_last_page_offered_has_no_next(self, client, monkeypatch):
        _alike(45)
        monkeypatch.setattr(search_views, "PAGES", 2)
        html = client.get("/search/?q=vision&page=2", headers=BROWSER).content.decode()
        assert len(_shown(html)) == 20 and 'rel="next"' not in html

    @pytest.mark.parametrize("headers", [BROWSER, HTMX], ids=["page", "htmx"])
    def test_the_last_page_offered_says_more_match_and_how_to_reach_them(
            self, client, monkeypatch, headers):
        _alike(45)
        monkeypatch.setattr(search_views, "PAGES", 2)
        html = client.get("/search/?q=vision&page=2", headers=headers).content.decode()
        assert_well_formed(html, fragment=headers is HTMX)
        assert ('<p class="notice">Search lists 40 results at most, and more than these '
                "match “vision”. Add a word, or choose a kind, task or licence above, to see "
                "others.</p>") in html
        # With a filter, the list of the assets it keeps is linked (without the words).
        html = client.get("/search/?q=vision&kind=model&page=2",
                          headers=headers).content.decode()
        assert ('to see others; or <a href="/assets/?kind=model&amp;sort=rank">list every '
                "asset these filters keep, best ranked first</a>.</p>") in html

    def test_a_last_page_holding_the_last_results_says_nothing_of_more(
            self, client, monkeypatch):
        _alike(40)
        monkeypatch.setattr(search_views, "PAGES", 2)
        for page in (1, 2):
            html = client.get(f"/search/?q=vision&page={page}",
                              headers=BROWSER).content.decode()
            assert "Search lists" not in html
        # Nor does a page before the last, whose Next link leads on.
        _alike(10, prefix="b")
        html = client.get("/search/?q=vision", headers=BROWSER).content.decode()
        assert 'rel="next"' in html and "Search lists" not in html

    def test_a_page_past_the_last_says_so(self, client, django_assert_num_queries):
        _alike(25)
        client.get("/search/", headers=BROWSER)
        # Rank and the session; no closest names: the first page has results.
        with django_assert_num_queries(2 + PREFIX_QUERIES):
            response = client.get("/search/?q=vision&page=3", headers=BROWSER)
        assert response.status_code == 200
        assertContains(response, "No more results for “vision”")
        assertContains(response, '<a href="?q=vision">Go to the first page</a>')
        assert _shown(response.content.decode()) == []

    @pytest.mark.parametrize("page, message", [
        ("0", "greater than or equal to 1"), ("-2", "greater than or equal to 1"),
        ("x", "Enter a whole number"), ("2.5", "Enter a whole number"),
        ("11", "Search shows 10 pages of results at most"),
    ])
    def test_it_answers_400_for_a_bad_page(self, client, page, message):
        response = client.get(f"/search/?q=vision&page={page}", headers=BROWSER)
        assertContains(response, message, status_code=400)

    def test_a_later_page_costs_the_queries_of_the_first(self, client, django_assert_num_queries):
        _alike(45)
        client.get("/search/", headers=BROWSER)  # the filter's tasks, remembered from then on
        # Rank; result assets; their capabilities (see TestSearch).
        for page in (1, 2, 3):
            with django_assert_num_queries(3 + PREFIX_QUERIES):
                client.get(f"/search/?q=visio&page={page}", headers=HTMX)

    def test_those_matching_some_words_follow_on_the_later_pages(self, client):
        _alike(25, "A vision robot.", prefix="b")
        _alike(10, "A vision model.")
        ranked = _ranked("vision robot")
        assert {slug[0] for slug in ranked[:25]} == {"b"} and len(ranked) == 35
        page = client.get("/search/?q=vision+robot", headers=BROWSER).content.decode()
        assert _shown(page) == ranked[:20] and "Matching some of your words" not in page
        page = client.get("/search/?q=vision+robot&page=2", headers=BROWSER).content.decode()
        assert "Results 21–35 for “vision robot”" in page
        full, _, partial = page.partition("Matching some of your words</h3>")
        assert _shown(full) == ranked[20:25]
        assert _shown(partial) == ranked[25:]
        assert '<ol class="results search-list" start="26">' in partial
        assert "Nothing matched every word" not in page

    def test_when_nothing_matches_every_word_later_pages_say_what_they_hold(self, client):
        _alike(25)
        first = client.get("/search/?q=vision+underwater", headers=BROWSER).content.decode()
        assert "Nothing matched every word" in first and len(_shown(first)) == 20
        second = client.get("/search/?q=vision+underwater&page=2",
                            headers=BROWSER).content.decode()
        assert "Nothing matched every word" not in second
        _, heading, rest = second.partition("Matching some of your words</h3>")
        assert heading and len(_shown(rest)) == 5
        assert '<ol class="results search-list" start="21">' in rest
        assert "Results 21–25" in second


class TestSameName:
    def test_results_of_one_name_are_told_apart(self, client):
        for n in (1, 2):
            make_asset(f"text-bison00{n}", name="PaLM-2 (Bison)",
                       external_id=f"google/text-bison@00{n}", summary="Bison text generation.")
        make_asset("bison-other", name="Bison Other", summary="Bison text generation.")
        body = client.get("/search/?q=bison", headers=BROWSER).content.decode()
        body = body.replace("<mark>", "").replace("</mark>", "")
        names = re.findall(r"data-result-link>([^<]*)</a>(?: <span class=\"name-mark\">([^<]*))?",
                           body)
        assert sorted(names) == [("Bison Other", ""), ("PaLM-2 (Bison)", "· text-bison@001"),
                                 ("PaLM-2 (Bison)", "· text-bison@002")]


class TestResultItems:
    def test_they_are_the_html_the_template_gave(self):
        import re

        from django.template import engines

        from catalog.search import search
        from comparisons.results_html import result_items
        from tests.catalog.test_search import _score
        from tests.factories import make_org

        hostile = "<script>\"&'x"
        a = make_asset("seg-a", name=f"Seg {hostile}", summary=f"segmentation {hostile}",
                       organization=make_org(f"Org {hostile}"), licence="cc-by-nc-4.0")
        make_capability(a, title=f"Image segmentation {hostile}",
                        description=f"Segments & labels <b>pixels</b> {hostile}")
        make_capability(a, title="Segmenter", description="Another segmentation.")
        make_capability(a, title="Unrelated", description="Nothing here.")
        _score(a, 71.5).__class__.objects.filter(asset=a).update(provisional=True)
        b = make_asset("seg-b", name="seg", summary="x " * 200 + "segmentation" + " y" * 200,
                       organization=None, licence="", kind=Asset.Kind.DATASET,
                       deprecated_in=["crfm-helm"])
        _score(b, 12.49)
        make_asset("seg-c", name="Segmentation", summary="segmentation, unranked", successor=a)
        make_asset("seg-d", name="Pixel labeller", summary="Labels pixels.", tasks=[
            make_task("image-segmentation", name=f"Image segmentation {hostile}"),
            make_task("scene-parsing", name="Scene parsing segmentation")])
        make_asset("seg-e", name="Pixeller", summary="Labels pixels.",
                   external_id=f"acme/segmentation-{hostile}")
        results = search("segmentation")
        assert {r.asset.slug for r in results} == {"seg-a", "seg-b", "seg-c", "seg-d", "seg-e"}
        assert any(r.exact for r in results) and any(r.capabilities for r in results)
        assert any(len(r.tasks) == 2 for r in results) and any(r.id_parts for r in results)
        # A licence that matched, with what it allows.
        licensed = search("non-commercial segmentation")
        assert licensed[0].asset == a and licensed[0].licence_parts
        results += licensed
        engine = engines["django"]
        expected = engine.from_string(ITEM_TEMPLATE).render({"results": results})
        expected = re.sub(r">\s*\n\s*<", "><", expected).strip()
        assert str(result_items(results)) == expected
        assert "<script>" not in expected
        assert ('<span class="badge retired-badge">Deprecated</span>' in expected
                and '<span class="badge retired-badge">Superseded</span>' in expected)


class TestResultsCache:
    """Results are cached per normalised query, filters and data generation
    (unfragile.generation)."""

    def browser(self, client, path: str, **headers) -> str:
        return client.get(path, headers={**BROWSER, **headers}).content.decode()

    def test_the_same_search_again_skips_the_search(self, client, django_assert_num_queries):
        _segmentation_assets()
        live = {"HX-Request": "true"}
        first = self.browser(client, "/search/?q=segmentation", **live)
        # A keystroke request has nothing to count or remember in a session: no query at all.
        with django_assert_num_queries(0):
            again = self.browser(client, "/search/?q=segmentation", **live)
        assert again == first and "SegFormer" in again
        # The first page asked for by its number is the same page.
        with django_assert_num_queries(0):
            assert self.browser(client, "/search/?q=segmentation&page=1", **live) == first
        # The full page shows the same region, from the cache too.
        client.cookies.clear()
        page = self.browser(client, "/search/?q=segmentation")
        assert first.split("</title>", 1)[1].strip() in page

    def test_an_edit_shows_in_the_next_search(self, client):
        _segmentation_assets()
        assert "SegFormer" in self.browser(client, "/search/?q=segmentation")
        asset = Asset.objects.get(slug="segformer")
        asset.name = "SegFormer Renamed"
        asset.save()
        assert "SegFormer Renamed" in self.browser(client, "/search/?q=segmentation")
        capability = asset.capabilities.get()
        capability.title = "Panoptic segmentation"
        capability.save()
        assert "Panoptic" in self.browser(client, "/search/?q=segmentation")
        capability.delete()
        asset.delete()
        assert "SegFormer" not in self.browser(client, "/search/?q=segmentation")

    def test_filters_and_words_are_told_apart(self, client):
        _segmentation_assets()
        both = self.browser(client, "/search/?q=segmentation")
        datasets = self.browser(client, "/search/?q=segmentation&kind=dataset")
        assert "SegFormer" in both and "ADE scenes" in both
        assert "SegFormer" not in datasets and "ADE scenes" in datasets
        assert "No results" in self.browser(client, "/search/?q=zzzqqq")

    def test_htmx_restoring_history_gets_the_whole_page(self, client):
        _segmentation_assets()
        live = {**BROWSER, "HX-Request": "true"}
        client.get("/search/?q=segmentation", headers=live)  # the results are cached
        for settled in ("0", "1"):
            page = client.get("/search/?q=segmentation", headers={
                **live, "HX-History-Restore-Request": "true", "X-Search-Settled": settled,
            })
            body = page.content.decode()
            assert body.startswith("<!doctype html>") and 'id="search-q"' in body
            assert {"HX-Request", "HX-History-Restore-Request"} <= set(page["Vary"].split(", "))

    def test_a_cached_keystroke_skips_the_rest_of_the_middleware(self, client, monkeypatch):
        from django.contrib.sessions.middleware import SessionMiddleware

        _segmentation_assets()
        live = {**BROWSER, "HX-Request": "true"}
        from_view = client.get("/search/?q=segmentation", headers=live)
        # Sessions (and what comes after them) never see it.
        monkeypatch.setattr(SessionMiddleware, "process_request",
                            lambda *a: pytest.fail("the full stack ran"))
        from_cache = client.get("/search/?q=segmentation", headers=live)
        assert from_cache.content == from_view.content
        for header in ("Vary", "Content-Type", "X-Frame-Options", "X-Content-Type-Options",
                       "Referrer-Policy"):
            assert from_cache[header] == from_view[header], header
        assert "Content-Security-Policy" in from_cache and not from_cache.cookies
        # A settled search goes to the view: it may count.
        monkeypatch.undo()
        settled = client.get("/search/?q=segmentation",
                             headers={**live, "X-Search-Settled": "1"})
        assert settled.content == from_view.content

    def test_queries_that_normalise_alike_share_their_results(
        self, client, django_assert_num_queries
    ):
        _segmentation_assets()
        live = {"HX-Request": "true"}
        first = self.browser(client, "/search/?q=segmentation+model", **live)
        # (Letters in other cases make another heading: test_headings_say_what_was_typed.)
        for path in ["/search/?q=%20segmentation%20%20model",
                     "/search/?kind=&task=&licence=&q=segmentation+model"]:
            with django_assert_num_queries(0):
                assert self.browser(client, path, **live) == first
        # A word still being typed is a prefix; a finished one is not: two different searches.
        typing = self.browser(client, "/search/?q=segm", **live)
        assert "No results" in self.browser(client, "/search/?q=segm+", **live)
        assert "No results" not in typing
        # An invalid filter is never answered from the cache.
        assert client.get("/search/?q=segmentation+model&kind=nope").status_code == 400

    def test_a_process_forgets_keys_beyond_its_bound_and_still_finds_the_results(
        self, client, django_assert_num_queries, monkeypatch
    ):
        from comparisons import search_views

        monkeypatch.setattr(search_views, "KEYS_REMEMBERED", 2)
        monkeypatch.setattr(search_views, "_keys", {})
        _segmentation_assets()
        live = {"HX-Request": "true"}
        paths = [f"/search/?q={q}" for q in ["segmentation", "scenes", "segformer"]]
        first = [self.browser(client, path, **live) for path in paths]
        assert len(search_views._keys) <= 2
        for path, page in zip(paths, first, strict=True):
            with django_assert_num_queries(0):
                assert self.browser(client, path, **live) == page

    def test_a_cached_search_still_counts_in_the_match_graph(self, client):
        _segmentation_assets()
        self.browser(client, "/search/?q=segmentation")  # another reader made it cached
        reader = client.__class__()
        reader.get("/search/", headers=BROWSER)  # the first page sets the session cookie
        reader.get("/search/?q=segmentation", headers=BROWSER)
        event = SearchEvent.objects.get()
        assert event.query == "segmentation"
        assert sorted(event.matches.values_list("asset__slug", flat=True)) == ["ade", "segformer"]
