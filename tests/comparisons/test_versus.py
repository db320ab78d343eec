from __future__ import annotations

import io
import json
import re
from datetime import date

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.safestring import mark_safe
from pytest_django.asserts import assertContains

from catalog.models import Asset, Score
from comparisons import pairs, views
from comparisons.models import CoMatch, Match, PairNote, PairView, SearchEvent
from tests.factories import make_asset, make_capability, make_evidence, make_org, make_task
from unfragile import generation

pytestmark = pytest.mark.django_db
# An uncached versus page: the pair, then the page's two statements (the assets with their
# tasks, training data and co-match edges; the cards); on PostgreSQL the two alone, by slug,
# in one round trip.
PAGE_QUERIES = 2 if connection.vendor == "postgresql" else 3
HTMX = {"HX-Request": "true"}
URL = "/compare/alpha-seg-vs-beta-seg/"
LEADS = '<span class="visually-hidden"> leads</span>'
ROWS = [
    "Type", "UnfragileRank", "Adoption", "Quality", "Ecosystem", "Match Graph", "Pricing",
    "Capabilities", "Times Matched", "Licence", "Organisation", "Released", "Size", "Lineage",
    "Last updated",
]


def make_score(asset: Asset, rank: float, **kw) -> Score:
    kw.setdefault("coverage", 0.8)
    kw.setdefault("provisional", kw["coverage"] < 0.5)
    return Score.objects.create(
        asset=asset, rank=rank, computed_at=timezone.now(), formula_version="2026.1", **kw
    )


def make_pair(caps: int = 3) -> tuple[Asset, Asset]:
    """Two image segmentation models with known numbers: Alpha ranks 72 to Beta's 61, leads
    adoption by 10 and trails quality by 11; Alpha's ecosystem and Beta's match graph are
    unknown."""
    seg = make_task("image-segmentation", name="Image segmentation")
    org = make_org("Acme Vision", slug="acme-vision")
    alpha = make_asset(
        "alpha-seg", name="Alpha Seg", tasks=[seg], organization=org, n_parameters=64_100_000,
        released_on=date(2021, 10, 15), pricing=Asset.Pricing.FREE,
    )
    beta = make_asset("beta-seg", name="Beta Seg", tasks=[seg], licence="", pricing="unknown")
    make_score(alpha, 72.4, adoption=80.0, quality=60.0, ecosystem=None, match_graph=40.0)
    make_score(beta, 61.0, adoption=70.0, quality=71.0, ecosystem=30.0, match_graph=None)
    for asset in (alpha, beta):
        for i in range(caps):
            make_capability(asset, title=f"{asset.name} skill {i}")
    return alpha, beta


def row(body: str, key: str) -> str:
    match = re.search(rf'<tr id="row-{key}">(.*?)</tr>', body, re.S)
    assert match, key
    return match.group(1)


def cells(body: str, key: str) -> list[str]:
    return re.findall(r"<td[^>]*>.*?</td>", row(body, key), re.S)


class TestVersusUrls:
    def test_it_shows_the_canonical_pair(self, client):
        make_pair()
        r = client.get(URL)
        assertContains(r, '<h1 class="versus-title">Alpha Seg <span class="muted">vs</span> Beta')

    def test_it_redirects_the_reverse_order_permanently_keeping_the_query(self, client):
        make_pair()
        r = client.get("/compare/beta-seg-vs-alpha-seg/?more=a&utm_source=x")
        assert r.status_code == 301
        assert r["Location"] == "/compare/alpha-seg-vs-beta-seg/?more=a&utm_source=x"
        r = client.get("/compare/beta-seg-vs-alpha-seg/")
        assert r["Location"] == URL

    @pytest.mark.parametrize(
        "path",
        [
            "/compare/alpha-seg-vs-nope/",
            "/compare/nope-vs-beta-seg/",
            "/compare/alpha-seg-vs-alpha-seg/",
            "/compare/alpha-seg-vs-hidden/",
            "/compare/alpha-seg-vs-old/",
            "/compare/alpha-seg/",
            "/compare/alpha-seg-vs-/",
            "/compare/-vs-beta-seg/",
            "/compare/alpha-seg-vs-beta-seg-vs-old/",
            "/compare/alpha%20seg-vs-beta-seg/",
        ],
    )
    def test_it_answers_404_in_the_site_style(self, client, path):
        make_pair()
        make_asset("hidden", status=Asset.Status.DRAFT)
        make_asset("old", status=Asset.Status.ARCHIVED)
        r = client.get(path)
        assert r.status_code == 404
        assert b"find that page" in r.content

    def test_its_404_links_the_compare_form_filled_with_both_names(self, client):
        make_pair()
        r = client.get("/compare/alpha-seg-vs-beta-sag/")
        assert r.status_code == 404
        assertContains(r, '<a href="/compare/?a=alpha-seg&amp;b=beta-sag">', status_code=404)
        # There, the known one is kept and the misspelt one gets the closest names.
        r = client.get("/compare/?a=alpha-seg&b=beta-sag")
        assertContains(r, '<a href="/compare/?a=alpha-seg&amp;b=beta-seg">Beta Seg</a>',
                       status_code=400)

    def test_its_404_says_what_each_side_is(self, client):
        make_pair()
        make_asset("hidden", name="Hidden Draft", status=Asset.Status.DRAFT)
        make_asset("old", name="Old Seg", status=Asset.Status.ARCHIVED)
        r = client.get("/compare/alpha-seg-vs-old/")
        # The archived side keeps its page, and the other is offered to compare afresh.
        assertContains(r, '<a href="/assets/old/">Old Seg</a> is archived: its page is kept, '
                          'but it is no longer compared.', status_code=404)
        assertContains(r, '<a href="/assets/alpha-seg/">Alpha Seg</a> is in the catalog.',
                       status_code=404)
        assertContains(r, '<a href="/compare/?a=alpha-seg">Pick the two assets to compare</a>'
                          ', starting from Alpha Seg', status_code=404)
        # A draft is not said to exist.
        r = client.get("/compare/hidden-vs-old/")
        assertContains(r, "No asset in the catalog has the address “hidden”.", status_code=404)
        assert b"Hidden Draft" not in r.content and b"/assets/hidden/" not in r.content
        r = client.get("/compare/alpha-seg-vs-alpha-seg/")
        assertContains(r, 'A versus page compares two different assets: this address names '
                          '<a href="/assets/alpha-seg/">Alpha Seg</a> twice.', status_code=404)

    def test_an_address_in_capitals_leads_to_the_page(self, client):
        make_pair()
        r = client.get("/compare/Beta-Seg-vs-ALPHA-seg/?more=a")
        assert r.status_code == 301 and r["Location"] == URL + "?more=a"
        assert client.get("/compare/Beta-Seg-vs-NOPE/").status_code == 404

    def test_it_answers_400_for_a_bad_option(self, client):
        make_pair()
        r = client.get(URL + "?more=everything")
        assert r.status_code == 400
        assert b"Please check these values" in r.content

    def test_it_refuses_other_methods(self, client):
        make_pair()
        assert client.post(URL).status_code == 405


class TestVersusTable:
    def test_it_has_the_rows_in_order(self, client):
        make_pair()
        body = client.get(URL).content.decode()
        labels = re.findall(r'<th scope="row">(?:<a [^>]*>)?([^<]+)', body)
        assert labels == ROWS

    def test_it_marks_the_leaders_with_a_check_and_words(self, client):
        make_pair()
        body = client.get(URL).content.decode()
        alpha, beta = cells(body, "rank")
        assert "mark-lead" in alpha and "<strong>72/100</strong>" in alpha
        assert '<svg class="check"' in alpha and LEADS in alpha
        assert LEADS not in beta and "61/100" in beta
        alpha, beta = cells(body, "adoption")  # 80 vs 70
        assert LEADS in alpha and LEADS not in beta
        alpha, beta = cells(body, "quality")  # 60 vs 71
        assert LEADS in beta and LEADS not in alpha

    def test_the_lower_list_price_leads_and_the_verdict_says_by_how_much(self, client):
        facts = {"currency": "USD", "unit": "per 1M tokens", "source": "genai-prices 0.2.3"}
        for slug, given, made in (("api-dear", 2.0, 6.0), ("api-cheap", 0.075, 0.3)):
            make_asset(slug, name=slug.title(), kind=Asset.Kind.API, pricing="paid",
                       price_facts={**facts, "input_per_mtok": given, "output_per_mtok": made})
        body = client.get("/compare/api-cheap-vs-api-dear/").content.decode()
        cheap, dear = cells(body, "pricing")
        assert "mark-lead" in cheap and LEADS in cheap and LEADS not in dear
        assert "0.075 USD in / 0.3 out per 1M tokens" in cheap
        assert "2 USD in / 6 out per 1M tokens" in dear  # not "2.0"
        assert ("Api-Cheap</a> lists the lower price: 0.075 vs 2 USD per 1M tokens of input,"
                " 0.3 vs 6 of output.") in body

    def test_it_says_unknown_with_the_reason_and_never_zero(self, client):
        make_pair()
        body = client.get(URL).content.decode()
        alpha, beta = cells(body, "ecosystem")
        assert "unknown" in alpha and "No ecosystem evidence" in alpha
        assert 'title="No ecosystem evidence' in alpha
        assert "30" in beta and LEADS not in beta  # nothing to lead against
        alpha, beta = cells(body, "match_graph")
        assert "No search on this site that matched this asset is counted in its score" in beta
        for key in ("ecosystem", "match_graph", "licence", "pricing", "released", "size"):
            unknown = [cell for cell in cells(body, key) if "unknown" in cell]
            assert unknown, key
            assert not re.search(r">\s*0\s*<", unknown[0]), key

    def test_it_marks_a_tie(self, client):
        alpha, beta = make_pair()
        Score.objects.filter(asset=alpha).update(rank=60.4, adoption=71.0)
        Score.objects.filter(asset=beta).update(rank=61.6)
        body = client.get(URL).content.decode()
        for key in ("rank", "adoption"):  # 60 vs 62; 71 vs 70
            for cell in cells(body, key):
                assert "mark-tie" in cell and ">tie<" in cell and LEADS not in cell

    def test_a_rank_with_no_evidence_is_neither_led_nor_tied(self, client):
        alpha, beta = make_pair()
        Score.objects.filter(asset=beta).update(
            rank=50.0, coverage=0.0, provisional=True, adoption=None, quality=None,
            ecosystem=None, match_graph=None)
        body = client.get(URL).content.decode()
        for cell in cells(body, "rank"):
            assert LEADS not in cell and "mark-tie" not in cell
        assert "Only <a" in body and "so the two ranks do not compare." in body

    def test_it_shows_the_facts(self, client):
        alpha, beta = make_pair()
        base = make_asset("mit-b4", name="MiT-b4")
        Asset.objects.filter(pk=beta.pk).update(base=base)
        body = client.get(URL).content.decode()
        assert "3 decomposed" in row(body, "capabilities")
        assert "64.1M params" in row(body, "size")
        assert "2021-10-15" in row(body, "released")
        assert 'href="/assets/?org=acme-vision"' in row(body, "organisation")
        assert 'Fine-tune of <a href="/assets/mit-b4/">MiT-b4</a>' in row(body, "lineage")
        assert "Apache" in row(body, "licence")
        assert ('<span class="cell-note">apache-2.0 · permissive, commercial use allowed; '
                "open source (OSI-approved)</span>") in row(body, "licence")

    def test_a_date_or_size_links_the_source_its_basis_names(self, client):
        alpha, beta = make_pair()
        mteb = {"source": "mteb", "version": "2.26.24", "origin": "PyPI mteb"}
        Asset.objects.filter(pk=alpha.pk).update(release_basis="mteb ModelMeta.release_date",
                                                 sources=[mteb])
        Asset.objects.filter(pk=beta.pk).update(
            kind=Asset.Kind.DATASET, dataset_samples=2_000, sources=[mteb],
            size_basis="mteb descriptive_stats: samples", released_on=date(2020, 1, 1),
            release_basis="the paper's date")
        body = client.get(URL).content.decode()
        linked = ('<span class="cell-note"><a href="https://pypi.org/project/mteb/2.26.24/" '
                  'rel="nofollow noopener">from mteb 2.26.24</a></span>')
        alpha_date, beta_date = cells(body, "released")
        assert linked in alpha_date and "cell-note" not in beta_date  # a basis naming none
        alpha_size, beta_size = cells(body, "size")
        assert linked in beta_size and "cell-note" not in alpha_size  # no basis given

    def test_it_counts_times_matched_from_search_matches(self, client):
        alpha, _ = make_pair()
        for i in range(3):
            event = SearchEvent.objects.create(query=f"q{i}", session_hash="s", day=date.today())
            Match.objects.create(event=event, asset=alpha, position=1)
        alpha_cell, beta_cell = cells(client.get(URL).content.decode(), "times_matched")
        assert ">3<" in alpha_cell.replace("<strong>", ">").replace("</strong>", "<")
        assert LEADS in alpha_cell and ">0<" in beta_cell


class TestVersusContent:
    def test_it_shows_the_capability_cards_and_their_evidence(self, client):
        alpha, _ = make_pair()
        evidence = make_evidence(alpha, name="ade20k_miou", label="ADE20K mIoU", value=50.3,
                                 unit="%", source_name="arXiv:2105.15203")
        make_capability(alpha, title="Segments scenes", evidence=evidence,
                        unique_override="Labels 150 classes", vs_override="Smaller than most")
        body = client.get(URL).content.decode()
        assert "Segments scenes" in body
        assert "<strong>Unique:</strong> Labels 150 classes" in body
        assert "<strong>vs alternatives:</strong> Smaller than most" in body
        assert "ADE20K mIoU 50.3 %" in body and "arXiv:2105.15203</a>" in body

    def test_its_verdict_says_which_is_deprecated_or_superseded(self, client):
        alpha, beta = make_pair()
        Asset.objects.filter(pk=alpha.pk).update(
            successor=beta, deprecated_in=["crfm-helm"],
            sources=[{"source": "crfm-helm", "version": "0.5.16"}])
        body = client.get(URL).content.decode()
        assert ('<li class="verdict-retired"><a href="/assets/alpha-seg/">Alpha Seg</a> is '
                "listed as deprecated by crfm-helm 0.5.16.</li>") in body
        assert ('<li class="verdict-retired"><a href="/assets/alpha-seg/">Alpha Seg</a> is '
                'superseded by <a href="/assets/beta-seg/">Beta Seg</a>.</li>') in body

    def test_it_shows_eight_cards_and_a_plain_link_to_the_rest(self, client):
        make_pair(caps=12)
        body = client.get(URL).content.decode()
        assert body.count("Alpha Seg skill") == 8 and body.count("Beta Seg skill") == 8
        assert "Alpha Seg skill 8" not in body
        assert f'href="{URL}?more=a#caps-a" data-hx-get="{URL}?more=a"' in body
        assert "+4 more capabilities" in body

    def test_one_held_back_is_one_more_capability(self, client):
        make_pair(caps=9)
        body = client.get(URL).content.decode()
        assert "+1 more capability<" in body and "capabilities</a>" not in body

    def test_it_shows_the_rest_without_javascript(self, client):
        make_pair(caps=12)
        body = client.get(URL + "?more=a").content.decode()
        assert body.count("Alpha Seg skill") == 12 and body.count("Beta Seg skill") == 8
        # Opening the other side keeps this one open.
        assert f'href="{URL}?more=all#caps-b"' in body
        body = client.get(URL + "?more=all").content.decode()
        assert body.count("Alpha Seg skill") == 12 and body.count("Beta Seg skill") == 12

    def test_htmx_gets_only_the_cards(self, client):
        make_pair(caps=12)
        r = client.get(URL + "?more=b", headers=HTMX)
        assert r.status_code == 200
        body = r.content.decode()
        assert body.lstrip().startswith('<div id="caps-b-list"')
        assert body.count("Beta Seg skill") == 12 and "Alpha Seg" not in body
        assert "<html" not in body and "versus-table" not in body
        assert "more capabilities" not in body
        assert r["Vary"].count("HX-Request") == 1
        restore = {**HTMX, "HX-History-Restore-Request": "true"}
        restored = client.get(URL + "?more=b", headers=restore)
        assert restored.content.decode().startswith("<!doctype html>")

    def test_it_writes_the_verdict_below_the_editors_note(self, client):
        alpha, beta = make_pair()
        PairNote.objects.create(asset_a=alpha, asset_b=beta, note="Both <b>fine</b> for indoor.")
        body = client.get(URL).content.decode()
        assert body.index("Editor's note") < body.index('id="verdict-h"')
        assert "Both &lt;b&gt;fine&lt;/b&gt; for indoor." in body
        verdict = body[body.index('id="verdict-h"'):]
        assert "ranks above" in verdict and "by 11 points, 72 vs 61" in verdict
        assert "leads on adoption (80 vs 70)" in verdict
        assert "leads on quality (71 vs 60)" in verdict


    @pytest.mark.parametrize("note", ["", "Pick <b>Alpha</b> & \"Beta\"\nfor 'indoor'."])
    def test_its_filled_shell_is_the_template_rendered_with_the_values(self, rf, note):
        alpha, beta = make_pair(caps=12)
        Asset.objects.filter(pk=alpha.pk).update(name='Alpha <i>"Seg"</i> & co')
        if note:
            PairNote.objects.create(asset_a=alpha, asset_b=beta, note=note)
        pair = pairs.find_pair("alpha-seg", "beta-seg")
        request = rf.get(URL)
        slots = views._versus_slots(pair, "", "http://testserver")
        rendered = views.render_versus_template(
            request, {name: mark_safe(value) for name, value in slots.items()}
        )
        filled = views._render_versus(request, pair, "", fragment=False).decode()
        assert filled == rendered
        assert "Alpha &lt;i&gt;&quot;Seg&quot;&lt;/i&gt; &amp; co" in filled
        assert ("Pick &lt;b&gt;Alpha&lt;/b&gt;" in filled) == bool(note)
        assert "versusslot" not in filled
    def test_it_says_when_they_do_different_jobs_and_links_like_for_like(self, client):
        alpha, _ = make_pair()
        code = make_task("text-generation", name="Text generation")
        make_asset("stack", name="The Stack", kind=Asset.Kind.DATASET, tasks=[code])
        rival = make_asset("gamma-seg", name="Gamma Seg", tasks=list(alpha.tasks.all()))
        make_score(rival, 55.0)
        other = make_asset("code-corpus", name="Code Corpus", kind=Asset.Kind.DATASET, tasks=[code])
        make_score(other, 40.0)
        body = client.get("/compare/alpha-seg-vs-stack/").content.decode()
        assert "They do different jobs and are not substitutes" in body
        assert '<a href="/compare/alpha-seg-vs-beta-seg/">Beta Seg</a>' in body  # ranks 61 > 55
        assert '<a href="/compare/code-corpus-vs-stack/">Code Corpus</a>' in body
        # The first one's job, not its kind: "Model or Dataset" found names holding those.
        assert 'href="/search/?q=Image+segmentation"' in body
        assert "Beta Seg</a> (the best-ranked of its kind sharing a task)" in body
        # At the neutral starting point, the best by number is only the first by name.
        Score.objects.filter(asset=other).update(rank=50.0, coverage=0.0, provisional=True)
        Asset.objects.filter(pk=other.pk).update(version=F("version") + 1)
        cache.clear()  # the best of each kind and task, as a recompute would move it
        generation.advance()
        body = client.get("/compare/alpha-seg-vs-stack/").content.decode()
        assert ("Code Corpus</a> (of its kind sharing a task; no evidence stands behind its "
                "rank yet)") in body

    def test_tools_listing_no_task_do_the_jobs_of_their_roles(self, client):
        tool = Asset.Kind.TOOL
        make_asset("claude-code", name="Claude Code", kind=tool, subtype="agent harness")
        make_asset("codex", name="Codex", kind=tool, subtype="agent harness")
        make_asset("swe-bench", name="swe-bench", kind=tool, subtype="evaluation framework")
        make_asset("inspect-ai", name="inspect-ai", kind=tool, subtype="evaluation framework")
        body = client.get("/compare/claude-code-vs-swe-bench/").content.decode()
        assert ("Claude Code is listed as an agent harness, swe-bench as an evaluation"
                " framework.") in body
        assert ('<a href="/compare/claude-code-vs-codex/">Codex</a> (of its kind listed for'
                " the same role; no evidence stands behind its rank yet)") in body
        assert '<a href="/compare/inspect-ai-vs-swe-bench/">inspect-ai</a>' in body
        assert 'href="/search/?q=agent+harness&amp;kind=tool"' in body
        body = client.get("/compare/claude-code-vs-codex/").content.decode()
        assert "They do different jobs" not in body

    def test_it_prefers_the_alternative_searches_matched_with_it(self, client):
        alpha, _ = make_pair()
        code = make_task("text-generation", name="Text generation")
        stack = make_asset("stack", name="The Stack", kind=Asset.Kind.DATASET, tasks=[code])
        rival = make_asset("gamma-seg", name="Gamma Seg", tasks=list(alpha.tasks.all()))
        make_score(rival, 55.0)  # below Beta Seg's 61, but searched together with Alpha
        now = timezone.now()
        CoMatch.objects.create(asset_a=alpha, asset_b=rival, weight=4, last_seen=now)
        CoMatch.objects.create(asset_a=alpha, asset_b=stack, weight=9, last_seen=now)
        body = client.get("/compare/alpha-seg-vs-stack/").content.decode()
        assert ('<a href="/compare/alpha-seg-vs-gamma-seg/">Gamma Seg</a>'
                " (most often matched with it by searches)") in body
        assert "no like-for-like alternative is listed for The Stack yet" in body

    def test_it_says_when_one_is_derived_from_the_other(self, client):
        alpha, beta = make_pair()
        Asset.objects.filter(pk=beta.pk).update(base=alpha, kind=Asset.Kind.FINE_TUNE)
        body = client.get(URL).content.decode()
        assert "is a fine-tune of" in body

    def test_it_links_the_search_from_the_shared_task(self, client):
        make_pair()
        body = client.get(URL).content.decode()
        assert "Need something different?" in body
        link = ('<a class="button" href="/search/?q=Image+segmentation&amp;kind=model">'
                "Search the match graph →")
        assert link in body

    def test_it_has_a_head_for_sharing_and_indexing(self, client):
        make_pair()
        r = client.get(URL)
        body = r.content.decode()
        assert "<title>Alpha Seg vs Beta Seg · Unfragile</title>" in body
        description = re.search(r'<meta name="description" content="([^"]+)">', body).group(1)
        assert description.startswith("Alpha Seg ranks above Beta Seg on UnfragileRank")
        assert f'<link rel="canonical" href="http://testserver{URL}">' in body
        assert '<meta property="og:title" content="Alpha Seg vs Beta Seg">' in body
        assert f'<meta property="og:url" content="http://testserver{URL}">' in body
        ld = re.search(r'<script type="application/ld\+json" nonce="([^"]+)">(.*?)</script>', body)
        nonce, data = ld.group(1), json.loads(ld.group(2))
        assert f"'nonce-{nonce}'" in r["Content-Security-Policy"]
        assert data["@type"] == "WebPage" and data["name"] == "Alpha Seg vs Beta Seg"
        assert [thing["name"] for thing in data["about"]] == ["Alpha Seg", "Beta Seg"]

    def test_its_linked_data_cannot_close_the_script(self, client):
        make_pair()
        Asset.objects.filter(slug="alpha-seg").update(name="</script><script>alert(1)</script>")
        body = client.get(URL).content.decode()
        ld = body[body.index("application/ld+json"):]
        ld = ld[: ld.index("</script>")]
        assert "<script>" not in ld and "\\u003C/script\\u003E" in ld


class TestSameName:
    def test_two_assets_of_one_name_are_told_apart_all_over_the_page(self, client):
        for n in (1, 2):
            make_asset(f"code-bison00{n}", name="Codey PaLM-2 (Bison)",
                       external_id=f"google/code-bison@00{n}")
        body = client.get("/compare/code-bison001-vs-code-bison002/").content.decode()
        first, second = (f"Codey PaLM-2 (Bison) · code-bison@00{n}" for n in (1, 2))
        assert f"<title>{first} vs {second} · Unfragile</title>" in body
        title = re.search(r'<h1 class="versus-title">(.*?)</h1>', body).group(1)
        assert title == f'{first} <span class="muted">vs</span> {second}'
        # Never the name alone: the table's columns, the cards, the verdict.
        assert re.findall(r"Codey PaLM-2 \(Bison\)(?! · code-bison@00[12])", body) == []
        assert f"{first} capabilities" in body and f"{second} capabilities" in body

    @pytest.mark.parametrize(("a", "b", "told"), [
        (("Alpha", "x/alpha", "alpha"), ("Beta", "x/beta", "beta"), ("Alpha", "Beta")),
        (("GPT-4V (1106 preview)", "openai/gpt-4-1106-vision-preview", "p"),
         ("GPT-4V (1106 preview)", "openai/gpt-4-vision-preview", "q"),
         ("GPT-4V (1106 preview) · gpt-4-1106-vision-preview",
          "GPT-4V (1106 preview) · gpt-4-vision-preview")),
        # The same last part: the whole ids; the same ids (never, but): the slugs.
        (("Granite", "ibm/granite-3.1-2b", "p"), ("granite", "ibm-granite/granite-3.1-2b", "q"),
         ("Granite · ibm/granite-3.1-2b", "granite · ibm-granite/granite-3.1-2b")),
        (("Same", "x/same", "same-1"), ("Same", "x/same", "same-2"),
         ("Same · same-1", "Same · same-2")),
    ])
    def test_what_tells_them_apart(self, a, b, told):
        from types import SimpleNamespace

        def asset(name, external_id, slug):
            return SimpleNamespace(name=name, external_id=external_id, slug=slug)

        assert pairs.told_apart(asset(*a), asset(*b)) == told


class TestVersusCache:
    def test_its_query_count_is_fixed_and_small(self, client, django_assert_num_queries):
        make_pair(caps=3)
        # The pair (versions and note); the assets (+org, score, base, times matched, tasks,
        # trained-on, co-match edges: used when the two do different jobs); capabilities.
        # On PostgreSQL the assets' rows bring the pair, all in one round trip.
        with django_assert_num_queries(PAGE_QUERIES):
            client.get(URL)
        Asset.objects.update(version=99)  # a fresh render
        generation.advance()  # as every writer of versions does
        for asset in Asset.objects.all():
            for i in range(27):
                make_capability(asset, title=f"more {i}")
        with django_assert_num_queries(PAGE_QUERIES):
            r = client.get(URL)
        assert b"+22 more capabilities" in r.content

    def test_its_query_count_with_different_jobs_stays_under_eight(
        self, client, django_assert_num_queries
    ):
        alpha, _ = make_pair(caps=30)
        extra = [make_task(f"extra-{i}") for i in range(3)]
        alpha.tasks.add(*extra)
        code = make_task("text-generation")
        make_asset("stack", kind=Asset.Kind.DATASET, tasks=[code, *extra])
        make_asset("stack-two", kind=Asset.Kind.DATASET, tasks=[code, *extra])
        # Those above, then the best of each kind and task (the pair does different
        # jobs), for both sides in one query, however many tasks they list.
        with django_assert_num_queries(PAGE_QUERIES + 1):
            client.get("/compare/alpha-seg-vs-stack/")
        # Those are cached for every pair of the same kinds and tasks.
        with django_assert_num_queries(PAGE_QUERIES):
            r = client.get("/compare/alpha-seg-vs-stack-two/")
        assert b'<a href="/compare/stack-vs-stack-two/">stack</a>' in r.content

    def test_it_serves_the_second_view_from_the_cache(self, client, django_assert_num_queries):
        make_pair()
        first = client.get(URL)
        # Nothing: the pair's versions and note are remembered while no write moves the data
        # generation (unfragile.generation).
        with django_assert_num_queries(0):
            second = client.get(URL)
        assert second.status_code == 200
        assert second["ETag"] == first["ETag"]
        strip = re.compile(rb'nonce="[^"]+"')
        assert strip.sub(b"", second.content) == strip.sub(b"", first.content)
        # A shared page still gets a fresh nonce per response, matching the header.
        nonces = re.findall(rb'nonce="([^"]+)"', second.content)
        assert set(nonces) == {re.search(rb"'nonce-([^']+)'",
                                         second["Content-Security-Policy"].encode()).group(1)}
        assert re.findall(rb'nonce="([^"]+)"', first.content)[0] != nonces[0]

    def test_an_edit_shows_at_once(self, client, django_assert_num_queries):
        alpha, _ = make_pair()
        first = client.get(URL)
        alpha.name = "Alpha Seg Two"
        alpha.save()  # bumps the version, as every admin save does
        with django_assert_num_queries(PAGE_QUERIES):
            r = client.get(URL)
        assert b"Alpha Seg Two" in r.content
        assert r["ETag"] != first["ETag"]

    def test_a_new_note_shows_at_once(self, client):
        alpha, beta = make_pair()
        client.get(URL)
        PairNote.objects.create(asset_a=alpha, asset_b=beta, note="Pick Alpha for speed.")
        assert b"Pick Alpha for speed." in client.get(URL).content

    def test_it_sends_etag_and_cache_control_and_answers_304(self, client):
        make_pair()
        r = client.get(URL)
        assert r["ETag"].startswith('W/"')
        assert r["Cache-Control"] == "public, max-age=60"
        assert "Set-Cookie" not in r and not r.cookies
        again = client.get(URL, headers={"If-None-Match": r["ETag"]})
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == r["ETag"]
        stale = client.get(URL, headers={"If-None-Match": 'W/"something-else"'})
        assert stale.status_code == 200

    def test_a_matching_etag_after_an_edit_gets_the_new_page(self, client):
        alpha, _ = make_pair()
        etag = client.get(URL)["ETag"]
        alpha.save()
        assert client.get(URL, headers={"If-None-Match": etag}).status_code == 200

    def test_the_fragment_has_its_own_etag(self, client):
        make_pair(caps=12)
        page = client.get(URL + "?more=a")
        cards = client.get(URL + "?more=a", headers=HTMX)
        assert page["ETag"] != cards["ETag"]

    def test_it_keeps_pages_for_signed_in_readers_out_of_shared_caches(self, client):
        make_pair()
        client.cookies["sessionid"] = "x"
        r = client.get(URL)
        assert r.status_code == 200
        assert "private" in r["Cache-Control"] and "public" not in r["Cache-Control"]


class TestVersusCacheMiddleware:
    """Cached pages for anonymous readers leave before sessions, CSRF, auth and the URLconf."""

    def test_it_serves_a_cached_page_with_the_same_headers_as_the_view(self, client, monkeypatch):
        make_pair()
        from_view = client.get(URL)
        called = []
        monkeypatch.setattr("comparisons.views.versus", lambda *a, **k: called.append(a))
        from_cache = client.get(URL)
        assert not called  # the URLconf's view never ran
        assert from_cache.status_code == 200
        for header in ("ETag", "Cache-Control", "Vary", "X-Frame-Options", "Content-Type",
                       "X-Content-Type-Options", "Referrer-Policy"):
            assert from_cache[header] == from_view[header], header
        nonce = re.search(r"'nonce-([^']+)'", from_cache["Content-Security-Policy"]).group(1)
        assert f'nonce="{nonce}"'.encode() in from_cache.content
        assert not from_cache.cookies

    def test_it_answers_304_and_counts_the_view(self, client):
        make_pair()
        etag = client.get(URL)["ETag"]
        again = client.get(URL, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again["ETag"] == etag
        assert again["Vary"] == "HX-Request, HX-History-Restore-Request"
        assert pairs.flush_views() == 2

    @pytest.mark.parametrize("request_kw", [
        {"path": URL + "?more=a"},
        {"path": URL, "headers": {"HX-Request": "true"}},
        {"path": "/compare/beta-seg-vs-alpha-seg/"},
        {"path": "/compare/alpha-seg-vs-beta-seg-vs-gamma/"},
    ])
    def test_other_requests_go_to_the_view(self, client, monkeypatch, request_kw):
        make_pair(caps=12)
        client.get(URL)  # the page is cached
        called = []
        real = pairs.find_pair
        monkeypatch.setattr(pairs, "find_pair", lambda *a: called.append(a) or real(*a))
        r = client.get(request_kw["path"], headers=request_kw.get("headers", {}))
        assert r.status_code in (200, 301, 404)
        assert len(called) <= 1  # looked up once, by the middleware or the view

    def test_a_session_cookie_goes_to_the_view(self, client):
        make_pair()
        client.get(URL)
        client.cookies["sessionid"] = "x"
        assert client.get(URL)["Cache-Control"] == "private, no-cache"

    def test_a_page_not_cached_yet_is_rendered_by_the_middleware(
        self, client, django_assert_num_queries, monkeypatch
    ):
        from comparisons import views

        make_pair()
        monkeypatch.setattr(views, "_find_pair", lambda *a, **k: pytest.fail("the view ran"))
        # The page's queries (PAGE_QUERIES); then stored for everyone.
        with django_assert_num_queries(PAGE_QUERIES):
            first = client.get(URL)
        assert first.status_code == 200 and not first.cookies
        assert first["Cache-Control"] == "public, max-age=60" and first["ETag"]
        assert "HX-Request" in first["Vary"]
        with django_assert_num_queries(0):
            assert client.get(URL).status_code == 200


def flush_every(monkeypatch, views: int, background: bool = False) -> None:
    """Flush pair views every `views` views, from now on, in the view itself or not."""
    monkeypatch.setattr(pairs, "FLUSH_EVERY", views)
    monkeypatch.setattr(pairs, "FLUSH_IN_BACKGROUND", background)
    monkeypatch.setattr(pairs, "_unflushed", [0, 0.0])


class TestPairViews:
    def test_it_counts_page_views_per_pair_per_day(self, client):
        alpha, beta = make_pair(caps=12)
        for _ in range(3):
            client.get(URL)
        client.get(URL + "?more=a", headers=HTMX)  # the same reader opening cards
        client.get("/compare/beta-seg-vs-alpha-seg/")  # only redirects
        assert not PairView.objects.exists()  # nothing written on the request path
        assert pairs.flush_views() == 3
        view = PairView.objects.get()
        assert (view.asset_a, view.asset_b, view.day, view.count) == (
            alpha, beta, timezone.localdate(), 3
        )
        assert pairs.flush_views() == 0  # flushed counts are not written twice
        client.get(URL)
        pairs.flush_views()
        assert PairView.objects.get().count == 4

    def test_it_counts_304s_as_views(self, client):
        make_pair()
        etag = client.get(URL)["ETag"]
        client.get(URL, headers={"If-None-Match": etag})
        assert pairs.flush_views() == 2

    def test_it_flushes_every_so_many_views(self, client, monkeypatch):
        make_pair()
        flush_every(monkeypatch, 3)
        client.get(URL)
        client.get(URL)
        assert not PairView.objects.exists()
        client.get(URL)
        assert PairView.objects.get().count == 3

    @pytest.mark.django_db(transaction=True)
    def test_the_view_that_triggers_a_flush_does_not_wait_for_it(self, client, monkeypatch):
        import threading

        make_pair()
        flush_every(monkeypatch, 2, background=True)
        started = threading.Event()
        release = threading.Event()
        flush = pairs.flush_views

        def slow_flush(*args, **kwargs):
            started.set()
            release.wait(10)
            return flush(*args, **kwargs)

        monkeypatch.setattr(pairs, "flush_views", slow_flush)
        client.get(URL)
        assert client.get(URL).status_code == 200  # answered while the flush waits
        assert started.wait(10) and not PairView.objects.exists()
        release.set()
        [worker] = [t for t in threading.enumerate() if t.name == "pair-views"]
        worker.join(10)
        assert PairView.objects.get().count == 2

    def test_it_flushes_no_more_often_than_every_so_many_seconds(self, client, monkeypatch):
        make_pair()
        flush_every(monkeypatch, 1)
        client.get(URL)
        assert PairView.objects.get().count == 1
        for _ in range(3):
            client.get(URL)
        assert PairView.objects.get().count == 1  # busy: the next flush waits its time
        monkeypatch.setattr(pairs, "_unflushed", [pairs._unflushed[0], 0.0])
        client.get(URL)
        assert PairView.objects.get().count == 5

    def test_it_keeps_days_apart(self):
        alpha, beta = make_pair()
        pair = pairs.find_pair("alpha-seg", "beta-seg")
        pairs.record_view(pair, today=date(2026, 1, 1))
        pairs.record_view(pair, today=date(2026, 1, 2))
        pairs.record_view(pair, today=date(2026, 1, 2))
        pairs.flush_views(today=date(2026, 1, 2))
        counts = dict(PairView.objects.values_list("day", "count"))
        assert counts == {date(2026, 1, 1): 1, date(2026, 1, 2): 2}

    def test_its_command_flushes_and_the_home_page_lists_the_most_viewed(self, client):
        make_pair()
        make_asset("gamma-seg", name="Gamma Seg")
        client.get(URL)
        client.get(URL)
        client.get("/compare/beta-seg-vs-gamma-seg/")
        assert b"Most viewed comparisons" not in client.get("/").content
        call_command("flush_pair_views", stdout=(out := io.StringIO()))
        assert "3 views written." in out.getvalue()
        body = client.get("/").content.decode()
        assert "Most viewed comparisons" in body
        first = body.index('<a href="/compare/alpha-seg-vs-beta-seg/">Alpha Seg vs Beta Seg</a>')
        assert first < body.index('<a href="/compare/beta-seg-vs-gamma-seg/">')
        assert "2 views" in body

    def test_the_most_viewed_tell_two_assets_of_one_name_apart(self, client):
        make_asset("text-bison001", name="PaLM-2 (Bison)", external_id="google/text-bison@001")
        make_asset("text-bison002", name="PaLM-2 (Bison)", external_id="google/text-bison@002")
        client.get("/compare/text-bison001-vs-text-bison002/")
        call_command("flush_pair_views", stdout=io.StringIO())
        assertContains(client.get("/"), '<a href="/compare/text-bison001-vs-text-bison002/">'
                       "PaLM-2 (Bison) · text-bison@001 vs PaLM-2 (Bison) · text-bison@002</a>")

    def test_a_process_adds_its_views_to_the_cache_a_pair_at_a_time(self, monkeypatch):
        from django.core.cache import cache

        make_pair()
        pair = pairs.find_pair("alpha-seg", "beta-seg")
        monkeypatch.setattr(pairs, "PUSH_SECONDS", 3600)
        day = timezone.localdate().isoformat()
        counter = f"pairviews:{day}:{pair.a_id}:{pair.b_id}"
        pairs.record_view(pair)  # the first view of a quiet process goes at once
        assert cache.get(counter) == 1
        for _ in range(4):
            pairs.record_view(pair)
        assert cache.get(counter) == 1  # the rest wait for the next push
        calls = []
        real = pairs.unfragile_cache.count
        monkeypatch.setattr(pairs.unfragile_cache, "count", lambda *a, **k: calls.append(a)
                            or real(*a, **k))
        pairs.push_views()
        assert cache.get(counter) == 5 and len(calls) == 1
        assert cache.get(f"pairviews:{day}:slots") == 1  # the pair registered once
        for _ in range(2):
            pairs.record_view(pair)
        pairs._push_at_exit()  # a worker that stops keeps them
        assert cache.get(counter) == 7
        pairs.record_view(pair)
        assert pairs.flush_views() == 8  # a flush takes the views not pushed yet too
        assert PairView.objects.get().count == 8

    def test_counting_adds_no_query(self, client, django_assert_num_queries):
        make_pair()
        client.get(URL)
        with django_assert_num_queries(0):
            client.get(URL)
        with django_assert_num_queries(0):
            pairs.record_view(pairs.Pair(1, "a", 1, 2, "b", 1, "", "", False))


class TestReadTogether:
    """The page's statements after the pair lookup go together (one pipeline on PostgreSQL)."""

    def test_each_statement_gets_its_own_rows_in_order(self):
        rows = pairs._read_together(
            [("SELECT 1, %s", ["one"]), ("SELECT 2 UNION ALL SELECT 3", [])]
        )
        assert [list(map(tuple, r)) for r in rows] == [[(1, "one")], [(2,), (3,)]]

    def test_an_error_is_djangos_so_an_outage_gets_the_503_page(self):
        from django.db import DatabaseError

        with pytest.raises(DatabaseError):
            pairs._read_together([("SELECT 1", []), ("SELECT * FROM no_such_table", [])])


class TestPairAndRows:
    """On PostgreSQL a pair not remembered is read with its page's rows, by slug."""

    def test_it_reads_the_same_rows_as_by_id(self, django_assert_num_queries):
        alpha, beta = make_pair(caps=12)
        make_capability(alpha, title="Uses <evidence>", evidence=make_evidence(alpha, value=3))
        CoMatch.objects.create(asset_a=alpha, asset_b=beta, weight=4, last_seen=timezone.now())
        # The page's two statements by slug, in one round trip on PostgreSQL.
        with django_assert_num_queries(2 if connection.vendor == "postgresql" else 1):
            pair, rows = pairs.find_pair_and_rows("beta-seg", "alpha-seg")
        assert (pair.a_slug, pair.b_slug, pair.reversed) == ("alpha-seg", "beta-seg", True)
        # Reversed: the view redirects, so there is nothing to render.
        assert rows is None
        generation.forget_all()
        pair, rows = pairs.find_pair_and_rows("alpha-seg", "beta-seg")
        if connection.vendor != "postgresql":
            assert rows is None
            return
        assert rows == pairs.read_page_rows(pair, [])
        assert len(rows.assets) == 2 and rows.capabilities and rows.edges
        # Remembered now: no query, and no rows (the page is most likely cached).
        with django_assert_num_queries(0):
            assert pairs.find_pair_and_rows("alpha-seg", "beta-seg") == (pair, None)

    def test_an_unknown_or_repeated_slug_is_no_pair(self):
        make_pair()
        assert pairs.find_pair_and_rows("alpha-seg", "nope") == (None, None)
        assert pairs.find_pair_and_rows("alpha-seg", "alpha-seg") == (None, None)
