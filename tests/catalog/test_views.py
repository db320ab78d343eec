from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.db.models import F
from django.utils import timezone
from pytest_django.asserts import assertContains

from catalog import records, views
from catalog.models import Asset, Score, ScoreHistory
from tests.factories import make_asset, make_capability, make_evidence, make_org, make_task
from unfragile import generation, pagecache

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
BROWSER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"


def populate(n: int) -> None:
    org = make_org("Acme", slug="acme")
    seg = make_task("image-segmentation", name="Image segmentation")
    for i in range(n):
        asset = make_asset(
            f"model-{i:03d}", organization=org, tasks=[seg], n_parameters=1000 + i,
            released_on=date(2024, 1, 1 + i % 28),
        )
        make_capability(asset)
    data = make_asset("data-x", kind=Asset.Kind.DATASET, dataset_samples=10, licence="mit")
    make_capability(data)


class TestHome:
    def test_it_shows_search_counts_newest_and_largest(self, client):
        populate(3)
        r = client.get("/")
        assert r.status_code == 200
        assert b'action="/search/"' in r.content
        assert b"Newest" in r.content and b"Largest" in r.content
        assert b"model-002" in r.content
        make_asset("lib", kind=Asset.Kind.LIBRARY)
        body = client.get("/").content.decode()
        assert ">Libraries</a>" in body and ">Datasets</a>" in body
        assert "librarys" not in body.lower() and ">All libraries by rank</a>" in body

    def test_its_query_count_does_not_grow(self, client, django_assert_num_queries):
        populate(3)
        # counts and rank range per kind; the top, newest and largest of each kind.
        with django_assert_num_queries(2):
            client.get("/")
        # Then none while the data stands still.
        with django_assert_num_queries(0):
            assert b"model-002" in client.get("/").content
        populate_more = [make_asset(f"extra-{i}", kind=Asset.Kind.TOOL) for i in range(20)]
        assert populate_more
        with django_assert_num_queries(2):
            assert b'kind=tool">Tool</a> <span class="num">20</span>' in client.get("/").content

    def test_each_kind_lists_its_top_ranked_with_their_ranks(self, client):
        for i, rank in enumerate([40.0, 72.0, 55.0, 90.0, 61.0, 30.0, 66.0]):
            asset = make_asset(f"model-{i}", released_on=None)
            Score.objects.create(asset=asset, rank=rank, coverage=0.6, provisional=i == 1,
                                 computed_at=timezone.now(), formula_version="t")
        make_asset("unscored")
        body = client.get("/").content.decode()
        card = body[body.index('id="kind-model"'):body.index("</article>")]
        top = card[card.index("Top ranked"):]
        names = re.findall(r'href="/assets/(model-\d)/"', top)
        # The five best, best first; the two lowest and the asset without a score left out.
        assert names == ["model-3", "model-1", "model-6", "model-4", "model-2"]
        assert ">90<" in top and "prov." in top  # model-1 is provisional
        assert "Newest" not in card and "Largest" not in card  # no dates, no sizes
        assert 'href="/assets/?kind=model&amp;sort=rank">All models by rank</a>' in card
        assert "newest first" not in card

    def test_its_lists_leave_out_the_deprecated_and_superseded(self, client):
        new = make_asset("model-new", released_on=date(2026, 1, 1), n_parameters=10)
        make_asset("model-deprecated", released_on=date(2026, 2, 1), n_parameters=20,
                   deprecated_in=["genai-prices"])
        make_asset("model-superseded", released_on=date(2026, 3, 1), n_parameters=30,
                   successor=new)
        for asset, rank in zip(Asset.objects.order_by("slug"), [90.0, 80.0, 70.0], strict=True):
            Score.objects.create(asset=asset, rank=rank, coverage=0.6, provisional=False,
                                 computed_at=timezone.now(), formula_version="t")
        body = client.get("/").content.decode()
        card = body[body.index('id="kind-model"'):body.index("</article>")]
        assert set(re.findall(r'href="/assets/(model-[a-z]+)/"', card)) == {"model-new"}
        assert "Top ranked" in card and "Newest" in card and "Largest" in card

    def test_a_kind_whose_assets_all_rank_alike_says_so_instead_of_a_list(self, client):
        for i in range(3):
            tool = make_asset(f"tool-{i}", kind=Asset.Kind.TOOL)
            Score.objects.create(asset=tool, rank=50.0, coverage=0.2, provisional=True,
                                 computed_at=timezone.now(), formula_version="t")
        api = make_asset("api-0", kind=Asset.Kind.API)
        body = client.get("/").content.decode()
        card = body[body.index('id="kind-tool"'):]
        card = card[:card.index("</article>")]
        assert "Top ranked" not in card and "tool-0" not in card
        assert "All 3 tools rank 50: what we know of them" in card
        # A kind with no score at all says nothing of ranks.
        card = body[body.index('id="kind-api"'):]
        card = card[:card.index("</article>")]
        assert "Top ranked" not in card and " rank " not in card
        assert ">All APIs by rank</a>" in card and api.name not in card


class TestBrowse:
    def test_it_lists_and_filters(self, client):
        populate(3)
        r = client.get("/assets/?kind=dataset")
        assert r.status_code == 200
        assert b"data-x" in r.content and b"model-000" not in r.content
        r = client.get("/assets/?task=image-segmentation&org=acme&licence=apache-2.0")
        assert b"model-001" in r.content and b"data-x" not in r.content

    def test_it_filters_by_what_a_licence_allows(self, client):
        for slug, licence in [("mit", "mit"), ("gpl", "gpl-3.0"), ("nc", "cc-by-nc-4.0"),
                              ("llama", "llama3"), ("cc", "cc-by-4.0"), ("none", "")]:
            make_asset(slug, licence=licence)

        def shown(value):
            html = client.get("/assets/", {"licence": value}).content.decode()
            return sorted(re.findall(r'<h3><a href="/assets/([^/]+)/">', html))

        assert shown("commercial-use") == ["cc", "gpl", "mit"]
        assert shown("permissive") == ["cc", "mit"]
        assert shown("non-commercial") == ["nc"]
        assert shown("custom-terms") == ["llama"]
        assert shown("open-source") == ["gpl", "mit"]
        html = client.get("/assets/", {"licence": "commercial-use"}).content.decode()
        assert '<optgroup label="By what it allows"><option value="commercial-use" selected>' \
            'Commercial use allowed</option>' in html
        assert client.get("/assets/", {"licence": "commercial"}).status_code == 400

    @pytest.mark.parametrize("sort", ["name", "rank", "newest"])
    def test_names_are_in_alphabetical_order_case_aside(self, client, sort):
        for name in ["Zeta", "alpha", "Beta", "gamma"]:
            make_asset(name.lower(), name=name)
        html = client.get("/assets/", {"sort": sort}).content.decode()
        names = re.findall(
            r'<h3>(?:<span class="place">[0-9]+.</span> )?<a href="[^"]+">([^<]*)</a>', html)
        assert names == ["alpha", "Beta", "gamma", "Zeta"]

    def test_a_name_is_found_however_it_is_written(self, client):
        for slug, name in [("a", "Llama 3 (8B)"), ("b", "Meta-Llama-3-8B"), ("c", "llama3.1_8b"),
                           ("d", "Llama 2 (7B)"), ("e", "Gemma 3"), ("f", "sbert-chinese-general")]:
            make_asset(slug, name=name)

        def names(q):
            html = client.get("/assets/", {"q": q, "sort": "name"}).content.decode()
            return re.findall(r'<h3><a href="[^"]+">([^<]*)</a>', html)

        expected = ["Llama 3 (8B)", "llama3.1_8b", "Meta-Llama-3-8B"]
        assert names("llama3") == names("LLAMA 3") == names("llama-3") == expected
        assert names("3 (8") == ["Llama 3 (8B)"]  # other marks stay
        assert names("gemma") == ["Gemma 3"]
        # Only a number is looked for apart: "seg" is not "chine-se-g-eneral".
        assert names("seg") == []
        assert names(" - ") == ["Meta-Llama-3-8B", "sbert-chinese-general"]  # as written

    def test_it_filters_by_pricing(self, client):
        make_asset("open-one", pricing="free")
        make_asset("paid-one", kind=Asset.Kind.API, pricing="paid")
        make_asset("nobody-knows", pricing="unknown")
        body = client.get("/assets/?pricing=paid").content.decode()
        assert ">paid-one<" in body and ">open-one<" not in body and ">nobody-knows<" not in body
        assert '<option value="paid" selected>Paid</option>' in body
        body = client.get("/assets/?pricing=unknown").content.decode()
        assert ">nobody-knows<" in body and ">paid-one<" not in body

    def test_it_sorts(self, client):
        populate(3)
        body = client.get("/assets/?sort=size&kind=model").content.decode()
        assert body.index("model-002") < body.index("model-000")

    def test_it_sorts_by_list_price_and_shows_it(self, client):
        facts = {"currency": "USD", "unit": "per 1M tokens"}
        for slug, given, made in (("api-dear", 15.0, 75.0), ("api-cheap", 0.075, 0.3),
                                  ("api-mid", 1.25, None)):
            make_asset(slug, kind=Asset.Kind.API, pricing="paid",
                       price_facts={**facts, "input_per_mtok": given, "output_per_mtok": made}
                       if made is not None else {**facts, "input_per_mtok": given})
        make_asset("api-unpriced", kind=Asset.Kind.API)
        body = client.get("/assets/?kind=api&sort=price").content.decode()
        order = [body.index(f">{slug}</a>") for slug in
                 ("api-cheap", "api-mid", "api-dear", "api-unpriced")]
        assert order == sorted(order)  # unpriced last
        assert "<span>0.075 USD in / 0.3 out per 1M tokens</span>" in body
        assert "<span>1.25 USD per 1M tokens of input</span>" in body
        assert '<option value="price" selected>Lowest price</option>' in body
        asset_page = client.get("/assets/api-dear/").content.decode()
        assert "Paid · 15 USD in / 75 out per 1M tokens" in asset_page

    def test_it_paginates_keeping_filters(self, client):
        populate(55)
        r = client.get("/assets/?kind=model&sort=name")
        assert b"page 1 of 2" in r.content
        assert b"?kind=model&amp;sort=name&amp;page=2" in r.content
        r = client.get("/assets/?kind=model&sort=name&page=2")
        assert b"model-054" in r.content

    @pytest.mark.parametrize("query", ["kind=spaceship", "sort=random", "task=nope", "org=nobody",
                                       "licence=made-up", "page=abc", "pricing=cheap",
                                       "page=0", "page=-1", "page=%D9%A3", "page=1.5",
                                       "page=99999999999999999999"])
    def test_it_answers_400_for_a_bad_value(self, client, query):
        populate(1)
        r = client.get(f"/assets/?{query}")
        assert r.status_code == 400
        assert b"Please check these values" in r.content

    def test_a_value_quoted_in_a_400_has_no_characters_that_print_nothing(self, client):
        r = client.get("/assets/?kind=%00x%07")
        assert r.status_code == 400
        assert b"x is not one of the available choices" in r.content
        assert b"\x00" not in r.content and b"\x07" not in r.content

    def test_a_filter_given_twice_is_refused_with_a_clear_400(self, client):
        make_asset("one")
        r = client.get("/assets/?kind=model&kind=dataset")
        assertContains(r, "given 2 times; give it once", status_code=400)
        assert client.get("/assets/?kind=model&ref=a&ref=b").status_code == 200

    def test_an_organisation_written_otherwise_leads_to_its_list(self, client):
        make_asset("sd", organization=make_org("stabilityai", slug="stabilityai"))
        r = client.get("/assets/?org=stability-ai&sort=name")
        assert r.status_code == 301 and r["Location"] == "?org=stabilityai&sort=name"
        assert client.get("/assets/?org=stability-labs").status_code == 400
        # Another filter wrong as well: the errors, not a redirect.
        assert client.get("/assets/?org=stability-ai&kind=robot").status_code == 400

    def test_organisations_are_listed_in_alphabetical_order_case_aside(self, client):
        for name in ["zeta-lab", "Alpha Lab", "beta-lab", "Gamma"]:
            make_asset(name.lower().replace(" ", "-"), organization=make_org(name))
        body = client.get("/assets/").content.decode()
        names = [body.index(f">{name} (1)<") for name in ("Alpha Lab", "beta-lab", "Gamma",
                                                           "zeta-lab")]
        assert names == sorted(names)

    def test_the_namespaces_of_one_maker_are_filtered_as_one(self, client):
        # All named Meta: one option, under the namespace written as the maker's name, with
        # the assets of all; any of their slugs lists them all, under that one address.
        meta = make_org("Meta", slug="meta")
        make_asset("llama", organization=meta)
        make_asset("llama-hf", organization=make_org("Meta", slug="meta-llama"))
        facebook = make_org("Meta", slug="facebook")
        make_asset("opt", organization=facebook)
        make_asset("opt-2", organization=facebook)
        make_asset("mistral", organization=make_org("Mistral AI", slug="mistralai"))
        make_asset("draft", organization=meta, status=Asset.Status.DRAFT)
        body = client.get("/assets/").content.decode()
        assert '<option value="meta">Meta (4)</option>' in body
        assert 'value="meta-llama"' not in body and 'value="facebook"' not in body
        assert '<option value="mistralai">Mistral AI (1)</option>' in body
        canonical = '<link rel="canonical" href="http://testserver/assets/?org=meta">'
        for slug in ("meta", "meta-llama", "facebook"):
            body = client.get(f"/assets/?org={slug}").content.decode()
            assert "4 assets" in body and canonical in body
            assert all(f">{name}<" in body for name in ("llama", "llama-hf", "opt", "opt-2"))
            assert ">mistral<" not in body and ">draft<" not in body
            assert '<option value="meta" selected>Meta (4)</option>' in body
            assert "<title>Browse AI assets by Meta · Unfragile</title>" in body
        body = client.get("/assets/?org=facebook&kind=model&sort=rank").content.decode()
        assert "<title>Leaderboard: Models by Meta · Unfragile</title>" in body
        # Another maker's namespace, and one filtered alone, list theirs only.
        body = client.get("/assets/?org=mistralai").content.decode()
        assert "1 asset" in body and ">llama<" not in body

    def test_a_list_describes_itself_for_search_engines_and_link_previews(self, client):
        make_asset("llama", organization=make_org("Meta", slug="meta"),
                   tasks=[make_task("text-generation", name="Text generation")])
        make_asset("opt", organization=make_org("Meta", slug="facebook"))
        url = "http://testserver/assets/?task=text-generation&amp;org=meta"
        title = "Browse AI assets for Text generation by Meta"
        for _ in range(2):  # rendered, then from the page cache
            r = client.get("/assets/?org=facebook&task=text-generation")
            body = r.content.decode()
            assert f'<link rel="canonical" href="{url}">' in body
            assert f'<meta property="og:title" content="{title}">' in body
            assert f'<meta property="og:url" content="{url}">' in body
            assert f'<meta property="og:description" content="{title}: what each can do' in body
            nonce = re.search(r"'nonce-([^']+)'", r["Content-Security-Policy"]).group(1)
            data = re.search(rf'<script type="application/ld\+json" nonce="{nonce}">(.*?)</script>',
                             body).group(1)
            assert json.loads(data) == {
                "@context": "https://schema.org", "@type": "CollectionPage", "name": title,
                "description": f"{title}: what each can do and its UnfragileRank, with every "
                               "number traced to its source.",
                "url": url.replace("&amp;", "&"),
            }

    def test_a_maker_s_filter_goes_by_its_largest_namespace_when_none_is_written_as_it(
            self, client):
        make_asset("a", organization=make_org("Hugging Face", slug="huggingfacetb"))
        larger = make_org("Hugging Face", slug="hf-b")
        make_asset("b", organization=larger)
        make_asset("c", organization=larger)
        body = client.get("/assets/").content.decode()
        assert '<option value="hf-b">Hugging Face (3)</option>' in body
        body = client.get("/assets/?org=huggingfacetb").content.decode()
        assert "3 assets" in body and '<option value="hf-b" selected>' in body

    def test_the_licence_filter_lists_the_licences_held_with_their_counts(self, client):
        make_asset("mit-1", licence="mit")
        make_asset("mit-2", licence="mit")
        make_asset("none", licence="")
        body = client.get("/assets/").content.decode()
        assert '<option value="mit">MIT (2)</option>' in body
        assert 'value="llama3"' not in body  # no asset under it
        assert '<option value="commercial-use">' in body  # what a licence allows, always
        # A link may still name one: it is listed, selected.
        body = client.get("/assets/?licence=llama3").content.decode()
        assert '<option value="llama3" selected>' in body and "0 assets" in body
        html = client.get("/search/?q=x", headers={"user-agent": "Mozilla/5.0"}).content
        assert b'<option value="mit">MIT (2)</option>' in html and b'value="llama3"' not in html

    def test_a_list_has_one_canonical_address_whatever_the_form_sent(self, client):
        populate(60)
        body = client.get("/assets/?q=&kind=model&task=&licence=&sort=name&page=2").content
        assert (b'<link rel="canonical" href="http://testserver/assets/?kind=model&amp;page=2">'
                in body)
        body = client.get("/assets/?page=1&sort=rank").content
        assert b'<link rel="canonical" href="http://testserver/assets/?sort=rank">' in body
        # In the form's order, whatever order the address gives them.
        canonical = b'<link rel="canonical" href="http://testserver/assets/?kind=model&amp;sort=rank">'
        assert canonical in client.get("/assets/?sort=rank&kind=model").content
        assert canonical in client.get("/assets/?kind=model&sort=rank").content
        assert b'<link rel="canonical" href="http://testserver/assets/">' in client.get(
            "/assets/").content

    def test_it_answers_404_past_the_last_page_and_says_where_the_last_one_is(self, client):
        populate(1)
        r = client.get("/assets/?kind=model&page=9")
        assert r.status_code == 404
        assert b'This list has 1 page. <a href="?kind=model&amp;page=1">Go to page 1</a>' \
            in r.content

    def test_the_leaderboard_numbers_its_places_and_the_largest_compare_like_sizes(
            self, client):
        make_asset("big-data", kind=Asset.Kind.DATASET, dataset_bytes=10**14)
        make_asset("many-rows", kind=Asset.Kind.DATASET, dataset_samples=10**6)
        make_asset("big-model", n_parameters=10**12, pricing="paid",
                   price_facts={"currency": "USD", "unit": "per 1M tokens",
                                "input_per_mtok": 1.0})
        make_asset("no-size")
        body = client.get("/assets/?sort=size").content.decode()
        # Parameters, then samples, then bytes: a terabyte is no count of parameters.
        order = [body.index(f">{slug}<") for slug in ("big-model", "many-rows", "big-data",
                                                       "no-size")]
        assert order == sorted(order)
        assert "1T params" in body  # its size, not its price, under "Largest"
        assert '<span class="unknown">size unknown</span>' in body
        body = client.get("/assets/?sort=rank").content.decode()
        assert '<span class="place">1.</span> <a href=' in body
        assert '<span class="place">4.</span>' in body

    def test_htmx_gets_only_the_results(self, client):
        populate(3)
        r = client.get("/assets/?kind=model", headers=HTMX)
        assert r.status_code == 200
        # The results, and before them what names them elsewhere on the page.
        title, heading, nav, results = re.match(
            rb"\s*(<title>.*?</title>)\s*(<h1 .*?</h1>)\s*(<ul .*?</ul>)\s*"
            rb'(<section id="results".*)', r.content, re.S).groups()
        assert title == b"<title>Browse: Models \xc2\xb7 Unfragile</title>"
        assert heading == b'<h1 id="page-h" hx-swap-oob="true">Browse</h1>'
        assert b'id="nav-links" hx-swap-oob="true"' in nav
        assert b'<a href="/assets/" aria-current="page">Browse</a>' in nav
        assert b"<html" not in r.content and b'id="f-kind"' not in results
        assert r["Vary"].count("HX-Request") == 1

    def test_assets_of_one_name_are_told_apart(self, client):
        for n in (1, 2):
            make_asset(f"text-bison00{n}", name="PaLM-2 (Bison)",
                       external_id=f"google/text-bison@00{n}")
        make_asset("other", name="Other")
        body = client.get("/assets/?sort=name").content.decode()
        names = re.findall(r'<h3><a href="[^"]+">([^<]*)</a>(?: <span class="name-mark">([^<]*))?',
                           body)
        assert names == [("Other", ""), ("PaLM-2 (Bison)", "· text-bison@001"),
                         ("PaLM-2 (Bison)", "· text-bison@002")]

    @pytest.mark.parametrize(("query", "title", "heading", "current"), [
        ("", "Browse AI assets", "Browse", "Browse"),
        ("?kind=dataset&page=2", "Browse: Datasets · Page 2", "Browse", "Browse"),
        ("?sort=rank", "Leaderboard", "Leaderboard", "Leaderboard"),
        ("?sort=rank&kind=api", "Leaderboard: APIs", "Leaderboard", "Leaderboard"),
        ("?task=image-segmentation", "Browse AI assets for Image segmentation", "Browse",
         "Browse"),
        ("?sort=rank&task=image-segmentation", "Leaderboard: AI assets for Image segmentation",
         "Leaderboard", "Leaderboard"),
        ("?sort=rank&kind=dataset&task=image-segmentation&org=org-lab",
         "Leaderboard: Datasets for Image segmentation by Lab", "Leaderboard", "Leaderboard"),
    ])
    def test_the_title_heading_and_header_tell_browse_from_the_leaderboard(
            self, client, monkeypatch, query, title, heading, current):
        monkeypatch.setattr(views, "PER_PAGE", 20)
        for i in range(25):
            make_asset(f"dataset-{i:02}", kind=Asset.Kind.DATASET)
        make_asset("an-api", kind=Asset.Kind.API)
        make_asset("segmenter", kind=Asset.Kind.DATASET,
                   organization=make_org("Lab", slug="org-lab"),
                   tasks=[make_task("image-segmentation", name="Image segmentation")])
        html = client.get(f"/assets/{query}").content.decode()
        assert f'<meta name="description" content="{title}: what each can do' in html
        for headers in ({}, HTMX):
            html = client.get(f"/assets/{query}", headers=headers).content.decode()
            assert f"<title>{title} · Unfragile</title>" in html
            assert re.search(rf'<h1 id="page-h"[^>]*>{heading}</h1>', html)
            assert re.findall(r'aria-current="page">(\w+)</a></li>', html) == [current]

    def test_htmx_restoring_history_gets_the_whole_page(self, client):
        populate(3)
        part = client.get("/assets/?kind=model", headers=HTMX)
        restore = {**HTMX, "HX-History-Restore-Request": "true"}
        r = client.get("/assets/?kind=model", headers=restore)
        assert r.content.lstrip().startswith(b"<!doctype html>") and b'id="f-kind"' in r.content
        # Caches keep the two apart.
        for response in (part, r):
            assert response["Vary"] == "HX-Request, HX-History-Restore-Request"

    def test_its_query_count_does_not_grow(self, client, django_assert_num_queries):
        populate(3)
        # tasks, organisations, count, page of assets, their tasks, the licences held.
        with django_assert_num_queries(6):
            client.get("/assets/?sort=newest")
        populate_more = [make_asset(f"extra-{i}") for i in range(30)]
        assert populate_more
        # The filters' lists of tasks and organisations come from the cache for a minute;
        # the licences held are read again once the data moved.
        with django_assert_num_queries(4):
            client.get("/assets/?sort=newest")

    def test_a_page_is_cached_until_the_data_changes(self, client, django_assert_num_queries):
        populate(3)
        first = client.get("/assets/?kind=model&sort=name")
        with django_assert_num_queries(0):
            again = client.get("/assets/?kind=model&sort=name")
        nonce = re.compile(rb'nonce="[^"]+"')
        assert nonce.sub(b"", again.content) == nonce.sub(b"", first.content)
        assert again["ETag"] == first["ETag"] and again["Cache-Control"] == "public, max-age=60"
        assert client.get("/assets/?kind=model&sort=name",
                          headers={"If-None-Match": first["ETag"]}).status_code == 304
        fragment = client.get("/assets/?kind=model&sort=name", headers={"HX-Request": "true"})
        assert b"<!doctype html>" not in fragment.content and b"model-000" in fragment.content
        asset = Asset.objects.get(slug="model-000")
        asset.name = "Renamed Model"
        asset.save()
        assert b"Renamed Model" in client.get("/assets/?kind=model&sort=name").content
        assert client.get("/assets/?kind=nonsense").status_code == 400
        assert client.get("/assets/?kind=nonsense").status_code == 400

    def test_a_task_or_organisation_newer_than_the_cached_lists_still_filters(self, client):
        populate(3)
        client.get("/assets/")  # caches the filter lists
        org = make_org("Newcomer Labs", slug="newcomer")
        make_asset("fresh-one", organization=org, tasks=[make_task("novel-task")])
        r = client.get("/assets/?org=newcomer&task=novel-task")
        assert r.status_code == 200 and b"fresh-one" in r.content
        assert b'<option value="newcomer" selected>Newcomer Labs (1)</option>' in r.content
        assert client.get("/assets/?org=no-such-org").status_code == 400


class TestAssetDetail:
    def test_it_shows_facts_lineage_and_capabilities(self, client):
        data = make_asset("ade", kind=Asset.Kind.DATASET, name="ADE20K")
        base = make_asset("mit-b4", name="MiT-b4")
        tuned = make_asset("segformer", name="SegFormer", kind=Asset.Kind.FINE_TUNE, base=base,
                           n_parameters=64_100_000, urls={"hub": "https://huggingface.co/x"})
        tuned.trained_on.set([data])
        make_capability(tuned, title="Image segmentation")
        make_evidence(tuned, name="ade20k_miou", label="ADE20K mIoU", value=50.3, unit="%")
        r = client.get("/assets/segformer/")
        assert r.status_code == 200
        for text in (b"SegFormer", b"MiT-b4", b"ADE20K", b"64.1M", b"Image segmentation",
                     b"ADE20K mIoU", b"50.3"):
            assert text in r.content
        updated = tuned.updated_at
        assert (f'<dt>Last updated</dt><dd><time datetime="{updated.isoformat()}">'
                f'{updated:%Y-%m-%d}</time></dd>').encode() in r.content
        r = client.get("/assets/mit-b4/")
        assert b"SegFormer" in r.content  # fine-tunes of it
        r = client.get("/assets/ade/")
        assert b"SegFormer" in r.content  # trained on it

    def test_its_find_alternatives_searches_its_task_or_its_alternatives(self, client):
        make_asset("seg", name="SegFormer", tasks=[make_task("image-segmentation",
                                                             name="Image segmentation")])
        make_asset("tts-1", name="tts-1 & co", kind=Asset.Kind.API)
        link = '<a class="button" href="{}">Find alternatives</a>'
        assertContains(client.get("/assets/seg/"),
                       link.format("/search/?q=Image+segmentation"))
        # Listing no task, not every asset of its kind ("API"): the search's own answer to
        # "alternatives to" it.
        assertContains(client.get("/assets/tts-1/"),
                       link.format("/search/?q=alternatives+to+tts-1+%26+co"))

    def test_it_describes_itself_for_search_engines_and_link_previews(self, client):
        make_asset("tool", name="Tool </script><b>", kind=Asset.Kind.TOOL,
                   organization=make_org("Mistral AI", slug="mistralai"),
                   released_on=date(2024, 5, 1), summary="Runs models.")
        make_asset("data", kind=Asset.Kind.DATASET, organization=None)
        body = client.get("/assets/tool/").content.decode()
        assert '<link rel="canonical" href="http://testserver/assets/tool/">' in body
        assert '<meta property="og:title" content="Tool &lt;/script&gt;&lt;b&gt;">' in body
        assert '<meta property="og:description" content="Runs models.">' in body
        found = re.search(r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>',
                          body, re.S)
        assert json.loads(found[1]) == {
            "@context": "https://schema.org", "@type": "SoftwareApplication",
            "name": "Tool </script><b>", "description": "Runs models.",
            "identifier": "test/tool", "url": "http://testserver/assets/tool/",
            "publisher": {"@type": "Organization", "name": "Mistral AI"},
            "datePublished": "2024-05-01"}
        body = client.get("/assets/data/").content.decode()
        found = re.search(r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>',
                          body, re.S)
        assert json.loads(found[1])["@type"] == "Dataset" and "publisher" not in found[1]

    def test_it_names_the_languages_it_covers(self, client):
        make_asset("two", languages=["kor-Hang", "zho-Hans", "zho-Hant"])
        many = ["eng", "fra", "deu", "spa", "ita", "por", "nld", "pol", "ces", "dan", "fin",
                "swe", "kor", "jpn"]
        make_asset("many", languages=[f"{code}-Latn" for code in many])
        make_asset("none", kind=Asset.Kind.DATASET, languages=["zxx-Zxxx"])
        assertContains(client.get("/assets/two/"), "<dt>Languages</dt><dd>Korean, Chinese</dd>")
        # Past twelve, the rest folded away, there without JavaScript.
        assertContains(
            client.get("/assets/many/"),
            '<dt>Languages</dt><dd><details class="languages"><summary>14: English, French, '
            "German, Spanish, Italian, Portuguese, Dutch, Polish, Czech, Danish, Finnish, "
            "Swedish and 2 more</summary>Korean, Japanese</details></dd>")
        assertContains(client.get("/assets/none/"),
                       '<dt>Languages</dt><dd><span class="unknown">no linguistic content</span>')

    def test_a_base_model_named_only_by_a_path_on_a_disk_is_not_shown_as_a_name(
        self, client
    ):
        from comparisons import table

        path = "/root/.cache/torch/sentence_transformers/intfloat_e5-large-v2"
        tuned = make_asset("tuned", kind=Asset.Kind.FINE_TUNE, base_unresolved=path)
        hub = make_asset("hub", kind=Asset.Kind.FINE_TUNE,
                         base_unresolved="https://huggingface.co/jhu-clsp/ettin-encoder-17m")
        r = client.get("/assets/tuned/")
        assertContains(r, '<span class="unknown">not named</span> <span class="muted">(its '
                          "source gives only a path on its publisher's disk)</span>")
        assert path not in r.content.decode()
        assertContains(client.get("/assets/hub/"),
                       'jhu-clsp/ettin-encoder-17m <span class="muted">(not in this catalog)')
        tuned.trained_on_list = hub.trained_on_list = []  # as the versus page loads them
        assert [p.text for p in table._lineage(tuned).parts] == [
            "Fine-tune of a model its source names only by a path on its publisher's disk"]
        assert [p.text for p in table._lineage(hub).parts] == [
            "Fine-tune of jhu-clsp/ettin-encoder-17m (not in this catalog)"]

    def test_it_says_what_a_licence_allows_and_when_it_is_open_source(self, client):
        make_asset("gpl-tool", licence="gpl-3.0")
        make_asset("nc-data", licence="cc-by-nc-4.0")
        assertContains(client.get("/assets/gpl-tool/"),
                       "GPL 3.0 <code>gpl-3.0</code> · copyleft / share-alike, commercial use "
                       "allowed; open source (OSI-approved)")
        r = client.get("/assets/nc-data/")
        assertContains(r, "CC BY-NC 4.0 <code>cc-by-nc-4.0</code> · non-commercial")
        assert b"OSI-approved" not in r.content

    def test_it_says_unknown_rather_than_zero(self, client):
        make_asset("bare", licence="", n_parameters=None)
        r = client.get("/assets/bare/")
        assert b"not stated by any source" in r.content
        assert b"unknown" in r.content

    def test_it_answers_404_for_an_unknown_or_draft_asset(self, client):
        make_asset("hidden", status=Asset.Status.DRAFT)
        assert client.get("/assets/nope/").status_code == 404
        assert client.get("/assets/hidden/").status_code == 404

    def test_its_404_offers_the_assets_the_address_names(self, client):
        make_asset("segformer-b4-finetuned-ade", name="SegFormer B4 (ADE20K)")
        make_asset("segformer-b4-draft", name="SegFormer B4 draft", status=Asset.Status.DRAFT)
        make_asset("whisper-large", name="Whisper large")
        client.defaults["HTTP_USER_AGENT"] = BROWSER_AGENT
        r = client.get("/assets/segformer_b4/")
        assert r.status_code == 404
        body = r.content.decode()
        assert 'value="segformer b4"' in body  # the search box holds the address's words
        section = body[body.index("Perhaps one of these"):body.index("</section>")]
        assert 'href="/assets/segformer-b4-finetuned-ade/">SegFormer B4 (ADE20K)</a>' in section
        assert "draft" not in section and "Whisper" not in section
        # A word misspelt: the others still find it.
        body = client.get("/assets/whisper-larg3/").content.decode()
        assert 'href="/assets/whisper-large/"' in body
        # Nothing close: no list, the search box and the links remain.
        body = client.get("/assets/zzzz-qqqq/").content.decode()
        assert "Perhaps one of these" not in body and 'value="zzzz qqqq"' in body

    def test_a_crawler_gets_its_404_without_a_search(self, client, django_assert_num_queries):
        make_asset("segformer-b4-finetuned-ade", name="SegFormer B4 (ADE20K)")
        # The slug looked up (none), and nothing more.
        with django_assert_num_queries(1):
            r = client.get("/assets/segformer_b4/", headers={"User-Agent": "Googlebot/2.1"})
        assert r.status_code == 404 and b"Perhaps one of these" not in r.content
        assert b'value="segformer b4"' in r.content

    def test_past_the_search_rate_limit_its_404_runs_no_search(
            self, client, settings, django_assert_max_num_queries):
        settings.SEARCH_RATE_LIMIT = 2
        make_asset("segformer-b4-finetuned-ade", name="SegFormer B4 (ADE20K)")
        client.defaults["HTTP_USER_AGENT"] = BROWSER_AGENT
        for _ in range(2):
            assert b"Perhaps one of these" in client.get("/assets/segformer_b4/").content
        # The searches of /search/ and of these pages count alike.
        assert client.get("/search/?q=segformer").status_code == 429
        with django_assert_max_num_queries(1):  # at most the slug looked up (remembered)
            r = client.get("/assets/segformer_b4/")
        assert r.status_code == 404 and b"Perhaps one of these" not in r.content
        assert b'value="segformer b4"' in r.content

    def test_its_query_count_does_not_grow(self, client, django_assert_num_queries):
        base = make_asset("base")
        for i in range(3):
            make_asset(f"child-{i}", base=base)
            make_capability(base)
        # version, asset (+org, score, base), tasks, capabilities, evidence, rank history,
        # lineage (trained-on, fine-tunes and trained models, each list with its count),
        # co-matched alternatives.
        with django_assert_num_queries(8):
            client.get("/assets/base/")
        for i in range(30):
            make_asset(f"more-{i}", base=base)
            make_capability(base)
        base.save()  # a new version: the page is rendered again
        with django_assert_num_queries(8):
            client.get("/assets/base/")

    def test_assets_sharing_a_name_are_told_apart_in_the_title_and_heading(
        self, client, django_assert_num_queries
    ):
        for n in (1, 2):
            make_asset(f"bison-{n}", name="PaLM-2 (Bison)", external_id=f"google/text-bison@00{n}")
        make_asset("bison-draft", name="PaLM-2 (Bison)", external_id="google/draft",
                   status=Asset.Status.DRAFT)
        make_asset("codey", name="Codey PaLM-2 (Bison)", external_id="google/code-bison@001")
        with django_assert_num_queries(8):  # as many as without a namesake
            body = client.get("/assets/bison-1/").content.decode()
        assert "<title>PaLM-2 (Bison) · text-bison@001 · " in body
        assert ('<h1>PaLM-2 (Bison) <span class="name-mark name-line">text-bison@001</span></h1>'
                in body)
        # The whole id when the last parts are alike too; a name of its own has no mark,
        # and a draft sharing it is not counted.
        make_asset("bison-3", name="PaLM-2 (Bison)", external_id="vertex/text-bison@001")
        Asset.objects.get(slug="bison-1").save()  # a new version: the page is rendered again
        body = client.get("/assets/bison-1/").content.decode()
        assert "<title>PaLM-2 (Bison) · google/text-bison@001 · " in body
        body = client.get("/assets/codey/").content.decode()
        assert "<title>Codey PaLM-2 (Bison) · Unfragile</title>" in body
        Asset.objects.filter(slug__in=["bison-2", "bison-3"]).update(status=Asset.Status.DRAFT)
        Asset.objects.get(slug="bison-1").save()
        body = client.get("/assets/bison-1/").content.decode()
        assert "<title>PaLM-2 (Bison) · Unfragile</title>" in body

    def test_its_lineage_lists_the_first_by_name_and_counts_them_all(self, client):
        base = make_asset("base", name="Base")
        data = [make_asset(f"data-{i:02}", name=f"Data {i:02}", kind=Asset.Kind.DATASET)
                for i in range(3)]
        base.trained_on.set(data)
        for i in reversed(range(30)):
            make_asset(f"child-{i:02}", name=f"Child {i:02}", base=base)
        make_asset("child-draft", name="Child Draft", base=base, status=Asset.Status.DRAFT)
        student = make_asset("student", name="Student")
        student.trained_on.set([base])
        body = client.get("/assets/base/").content.decode()
        lineage = body[body.index('id="lineage-h"'):]
        children = re.findall(r'<a href="/assets/(child-[^/]+)/">', lineage)
        assert children == [f"child-{i:02}" for i in range(views.LINEAGE_SHOWN)]
        assert '<span class="num">30</span>' in lineage and "Child Draft" not in lineage
        # The rest are a link away, listed by the browse filter.
        assert '<a href="/assets/?base=base&amp;sort=rank">all 30</a>' in lineage
        listed = client.get("/assets/?base=base&sort=name").content.decode()
        assert "<h1 id=\"page-h\">Fine-tunes of Base</h1>" in listed
        assert re.findall(r'<a href="/assets/(child-\d+)/">', listed) == [
            f"child-{i:02}" for i in range(30)]
        assert 'name="base" value="base"' in listed  # kept when other filters change
        trained = client.get("/assets/?trained_on=base").content.decode()
        assert "Trained on <a href=\"/assets/base/\">Base</a>" in trained
        assert '<a href="/assets/student/">' in trained and "child-00" not in trained
        missing = client.get("/assets/?trained_on=no-such-asset")
        assert missing.status_code == 400
        assert b"No published asset has the address &#x27;no-such-asset&#x27;." in missing.content
        assert re.findall(r'<a href="/assets/(data-\d+)/">', lineage) == [
            "data-00", "data-01", "data-02"]
        assert '<span class="num">1</span> asset: <a href="/assets/student/">Student</a>' in lineage
        body = client.get("/assets/data-01/").content.decode()
        assert '<a href="/assets/base/">Base</a>' in body[body.index('id="lineage-h"'):]


class TestRetired:
    def test_a_deprecated_asset_says_which_sources_list_it(self, client):
        make_asset("chat", kind=Asset.Kind.API, deprecated_in=["crfm-helm", "genai-prices"],
                   sources=[{"source": "crfm-helm", "version": "0.5.16",
                             "origin": "PyPI crfm-helm helm/config/model_metadata.yaml"},
                            {"source": "genai-prices", "version": "0.2.3"}])
        body = client.get("/assets/chat/").content.decode()
        assert ('<p class="retired"><strong>Deprecated</strong>: <a href="https://pypi.org/'
                'project/crfm-helm/0.5.16/" rel="nofollow noopener">crfm-helm 0.5.16</a> and '
                "genai-prices 0.2.3 list it as deprecated.") in body
        assert "Superseded" not in body and "Compare with its successor" not in body
        assertContains(client.get("/assets/?kind=api"),
                       '<span class="badge retired-badge">Deprecated</span>')

    def test_a_superseded_asset_links_its_successor_and_the_pair(self, client):
        new = make_asset("embed-v2", name="Embed v2")
        make_asset("embed-v1", name="Embed v1", successor=new,
                   attributes={"mteb": {"superseded_by": "test/embed-v2"}},
                   sources=[{"source": "mteb", "version": "2.26.24", "origin": "PyPI mteb"}])
        make_asset("embed-v0", name="Embed v0", successor=new, status=Asset.Status.DRAFT)
        body = client.get("/assets/embed-v1/").content.decode()
        assert ('<strong>Superseded</strong> by <a href="/assets/embed-v2/">Embed v2</a>, as '
                '<a href="https://pypi.org/project/mteb/2.26.24/" rel="nofollow noopener">'
                "mteb 2.26.24</a> names it.") in body
        assert '<a href="/compare/embed-v1-vs-embed-v2/">Compare with its successor</a>' in body
        lineage = body[body.index('id="lineage-h"'):]
        assert '<dt>Superseded by</dt>\n    <dd><a href="/assets/embed-v2/">Embed v2</a>' in lineage
        # The successor lists what it supersedes: the published only.
        lineage = client.get("/assets/embed-v2/").content.decode().split('id="lineage-h"')[1]
        assert ('<dt>Supersedes</dt>\n    <dd><a href="/assets/embed-v1/">Embed v1</a></dd>'
                in lineage)
        assert "Embed v0" not in lineage
        assertContains(client.get("/assets/?sort=name"),
                       '<span class="badge retired-badge">Superseded</span>', count=1)

    def test_a_successor_not_in_the_catalog_is_named_unlinked(self, client):
        make_asset("embed-v1", attributes={"mteb": {"superseded_by": "acme/embed-v9"}})
        body = client.get("/assets/embed-v1/").content.decode()
        assert "<strong>Superseded</strong> by acme/embed-v9 (not in this catalog), as mteb" in body
        assert '<dd>acme/embed-v9 <span class="muted">(not in this catalog)</span></dd>' in body


def test_an_asset_page_names_all_it_was_trained_on(client):
    model = make_asset("model", name="Model")
    model.trained_on.set([make_asset(f"set-{i:02}", name=f"Set {i:02}",
                                     kind=Asset.Kind.DATASET) for i in range(30)])
    body = client.get("/assets/model/").content.decode()
    lineage = body[body.index('id="lineage-h"'):]
    assert len(re.findall(r'<a href="/assets/set-\d+/">', lineage)) == 30  # 24 before
    assert "in all" not in lineage


class TestAssetPageCache:
    def test_the_second_view_comes_from_the_cache(self, client, django_assert_num_queries):
        make_asset("cached", name="Cached One")
        first = client.get("/assets/cached/")
        # The asset's version is remembered while no write moves the data generation.
        with django_assert_num_queries(0):
            second = client.get("/assets/cached/")
        assert second.status_code == 200 and b"Cached One" in second.content
        assert second["ETag"] == first["ETag"]
        assert second["Cache-Control"] == "public, max-age=60"
        assert not second.cookies

    def test_an_edit_shows_at_once(self, client):
        asset = make_asset("cached", name="Cached One")
        etag = client.get("/assets/cached/")["ETag"]
        asset.name = "Renamed One"
        asset.save()
        r = client.get("/assets/cached/", headers={"If-None-Match": etag})
        assert r.status_code == 200 and b"Renamed One" in r.content
        assert r["ETag"] != etag

    def test_a_matching_etag_gets_304(self, client):
        make_asset("cached")
        etag = client.get("/assets/cached/")["ETag"]
        r = client.get("/assets/cached/", headers={"If-None-Match": etag})
        assert r.status_code == 304 and r["ETag"] == etag

    def test_each_response_gets_its_own_nonce(self, client):
        make_asset("cached")
        client.get("/assets/cached/")
        r = client.get("/assets/cached/")
        nonce = re.search(r"'nonce-([^']+)'", r["Content-Security-Policy"]).group(1)
        assert pagecache.NONCE_MARKER.encode() not in r.content
        for found in re.findall(rb'nonce="([^"]*)"', r.content):
            assert found == nonce.encode()

    def test_signed_in_readers_get_a_private_page(self, client):
        make_asset("cached")
        client.get("/assets/cached/")
        client.cookies["sessionid"] = "x"
        assert client.get("/assets/cached/")["Cache-Control"] == "private, no-cache"

    def test_an_address_in_capitals_leads_to_the_page(self, client):
        make_asset("bge-m3", name="bge-m3")
        r = client.get("/assets/BGE-M3/?from=x")
        assert r.status_code == 301 and r["Location"] == "/assets/bge-m3/?from=x"
        assert client.get("/assets/NO-SUCH/").status_code == 404

    def test_a_draft_is_not_found(self, client):
        make_asset("hidden", status=Asset.Status.DRAFT)
        assert client.get("/assets/hidden/").status_code == 404


class TestSources:
    def test_each_source_links_the_release_it_came_from(self, client):
        make_asset(
            "sourced", release_basis="mteb ModelMeta.release_date",
            released_on=date(2025, 4, 10), size_basis="dataset card: 1,000 rows",
            sources=[
                {"source": "mteb", "version": "2.26.24", "origin": "PyPI mteb",
                 "data_licence": "Apache-2.0"},
                {"source": "hf-tasks", "version": "0.21.54", "origin": "npm @huggingface/tasks"},
                {"source": "hand-curated", "data_licence": "facts only (curated)", "evidence": [
                    "https://huggingface.co/datasets/org/set (card: licence mit)",
                    "arXiv:2402.19173", "the authors' talk", "javascript:alert(1) (x)"]},
            ],
        )
        body = client.get("/assets/sourced/").content.decode()
        assert ('<a href="https://pypi.org/project/mteb/2.26.24/" rel="nofollow noopener">'
                'mteb 2.26.24</a> · PyPI mteb · data licence Apache-2.0') in body
        assert ('<a href="https://www.npmjs.com/package/@huggingface/tasks/v/0.21.54" '
                'rel="nofollow noopener">hf-tasks 0.21.54</a>') in body
        # Hand-curated facts show their evidence, linked where it has an address.
        assert ('<a href="https://huggingface.co/datasets/org/set" rel="nofollow noopener">'
                'huggingface.co/datasets/org/set</a>: card: licence mit') in body
        assert ('<a href="https://arxiv.org/abs/2402.19173" rel="nofollow noopener">'
                'arXiv:2402.19173</a>') in body
        assert "<li>the authors&#x27; talk</li>" in body
        assert 'href="javascript' not in body
        # A date's basis naming a source links its release; one naming none stays text.
        assert ('<a href="https://pypi.org/project/mteb/2.26.24/" rel="nofollow noopener">'
                'mteb ModelMeta.release_date</a>') in body
        assert '<span class="source muted">dataset card: 1,000 rows</span>' in body

    @pytest.mark.parametrize(("source", "url"), [
        ({"origin": "PyPI timm (pretrained configs)", "version": "1.0.31"},
         "https://pypi.org/project/timm/1.0.31/"),
        ({"origin": "PyPI crfm-helm helm/config/model_metadata.yaml", "version": "0.5.16"},
         "https://pypi.org/project/crfm-helm/0.5.16/"),
        ({"origin": "PyPI mteb"}, ""),  # no version: no release to link
        ({"origin": "PyPI mteb", "version": "1.0\"><script>"}, ""),
        ({"origin": "hand-written", "version": "1"}, ""),
        ({}, ""),
    ])
    def test_a_source_url_is_a_registry_release_or_nothing(self, source, url):
        assert records.source_url(source) == url


class TestAssetScore:
    @staticmethod
    def one_signal(slug: str, name: str, label: str, unit: str, percentile: float,
                   kind: str = Asset.Kind.MODEL) -> None:
        """An asset with one ecosystem signal of value 1 and the percentile it places at."""
        asset = make_asset(slug, kind=kind)
        signal = make_evidence(asset, dimension="ecosystem", name=name, label=label, value=1,
                               unit=unit)
        Score.objects.create(asset=asset, ecosystem=percentile, rank=45.0, coverage=0.2,
                             provisional=True, computed_at=timezone.now(), formula_version="t",
                             percentiles=json.dumps({signal.pk: percentile}))

    def test_a_percentile_is_a_place_and_a_count_of_one_is_singular(self, client):
        self.one_signal("one-framework", "frameworks", "Frameworks it runs on", "frameworks",
                        2.4)
        body = client.get("/assets/one-framework/").content.decode()
        assert "1 framework</span> · <span class=\"num\">2nd percentile</span>" in body
        assert "1 frameworks" not in body and "2th" not in body

    def test_a_flag_reads_yes_and_its_percentile_is_among_the_kind_named_in_the_plural(
            self, client):
        self.one_signal("hub-library", "hf_hub_integration",
                        "Integrated with the Hugging Face Hub", "", 60.0, Asset.Kind.LIBRARY)
        body = client.get("/assets/hub-library/").content.decode()
        assert ('Integrated with the Hugging Face Hub: <span class="num">yes</span> · '
                '<span class="num">60th percentile</span> among libraries') in body
        assert ">1<" not in body and "librarys" not in body

    def test_a_percentile_says_how_many_it_places_among_and_a_lone_value_says_so(
            self, client):
        many = make_asset("many")
        lone = make_asset("lone", kind=Asset.Kind.FINE_TUNE)
        older = make_asset("older")
        for asset, placing in ((many, [33.3, 1204]), (lone, [50.0, 1]), (older, 33.3)):
            signal = make_evidence(asset, dimension="adoption", name="downloads",
                                   label="Downloads", value=10, unit="downloads")
            Score.objects.create(asset=asset, adoption=50.0, rank=45.0, coverage=0.2,
                                 provisional=True, computed_at=timezone.now(),
                                 formula_version="t",
                                 percentiles=json.dumps({signal.pk: placing}))
        body = client.get("/assets/many/").content.decode()
        assert ('<span class="num">33rd percentile</span> of <span class="num">1,204</span> '
                'models') in body
        # The neutral 50 of a value nothing can be compared with is not called a percentile.
        body = client.get("/assets/lone/").content.decode()
        assert 'alone among fine-tunes: it counts as <span class="num">50</span>, the middle' \
            in body
        assert "percentile" not in body.split('class="signals"')[1].split("</ul>")[0]
        # A score written before the counts were kept still reads.
        body = client.get("/assets/older/").content.decode()
        assert '<span class="num">33rd percentile</span> among models' in body

    def test_it_shows_subscores_signals_and_unknown_never_zero(self, client):
        asset = make_asset("scored")
        top1 = make_evidence(asset, dimension="quality", name="imagenet_top1",
                             label="ImageNet top-1", value=81.2, unit="%")
        Score.objects.create(asset=asset, quality=75.0, ecosystem=None, adoption=None,
                             match_graph=None, rank=57.5, coverage=0.3, provisional=True,
                             computed_at=timezone.now(), formula_version="t",
                             percentiles=json.dumps({top1.pk: 75.0}))
        body = client.get("/assets/scored/").content.decode()
        assert "UnfragileRank" in body and ">58<" in body
        assert "75th percentile" in body and "81.2 %" in body
        assert "No adoption evidence is recorded for this asset yet" in body
        assert "provisional" in body
        assert "Quality 75.0 × 0.30" in body  # the arithmetic
        # Unknown sub-scores are never drawn as 0.
        assert 'value="0' not in body

    def test_a_rank_with_no_evidence_says_it_is_the_starting_point(self, client):
        for slug, coverage in (("bare", 0.0), ("some", 0.3)):
            Score.objects.create(asset=make_asset(slug), rank=50.0, coverage=coverage,
                                 provisional=True, computed_at=timezone.now(),
                                 formula_version="t")
        body = client.get("/assets/bare/").content.decode()
        assert ("none of its four dimensions has evidence yet, so this is the neutral starting"
                " point") in body
        assert "under half is known" not in body
        body = client.get("/assets/some/").content.decode()
        assert "Coverage 30% of the evidence weight" in body and "under half is known" in body
        assert "starting point" not in body

    def test_it_draws_the_rank_history(self, client):
        asset = make_asset("history")
        Score.objects.create(asset=asset, quality=60.0, rank=53.0, coverage=0.3,
                             provisional=True, computed_at=timezone.now(), formula_version="t")
        for i, rank in enumerate((50.0, 53.0)):
            ScoreHistory.objects.create(asset=asset, at=timezone.now() + timedelta(days=i),
                                        old_rank=None, new_rank=rank, reason="test")
        body = client.get("/assets/history/").content.decode()
        assert "<svg" in body and "UnfragileRank from 50" in body


class TestHealthz:
    def test_it_answers_ok(self, client):
        r = client.get("/healthz")
        assert r.status_code == 200 and r.json() == {"status": "ok"}


class TestLeaderboard:
    def test_it_ranks_within_a_kind_and_marks_provisional_ranks(self, client):
        for slug, rank, provisional in (("low", 40.0, False), ("high", 70.0, True)):
            asset = make_asset(slug)
            Score.objects.create(asset=asset, quality=rank, rank=rank, coverage=0.3,
                                 provisional=provisional, computed_at=timezone.now(),
                                 formula_version="t")
        body = client.get("/assets/?sort=rank&kind=model").content.decode()
        assert body.index(">high<") < body.index(">low<")
        assert "provisional" in body
        assert "one kind at a time" in body
        assert 'href="?sort=rank&amp;kind=dataset"' in body
        assert ">Libraries</a>" in body and ">APIs</a>" in body and "Librarys" not in body
        # The header marks where the reader is.
        assert 'kind=model" aria-current="page">Leaderboard</a>' in body
        assert 'aria-current="page">Browse</a>' not in body
        body = client.get("/assets/?sort=name").content.decode()
        assert 'href="/assets/" aria-current="page">Browse</a>' in body
        assert 'aria-current="page">Leaderboard</a>' not in body

    def test_a_list_whose_ranks_all_match_says_so(self, client, django_assert_num_queries):
        for i in range(3):
            tool = make_asset(f"tool-{i}", kind=Asset.Kind.TOOL)
            Score.objects.create(asset=tool, rank=50.0, coverage=0.2, provisional=True,
                                 computed_at=timezone.now(), formula_version="t")
        # tasks, organisations, the count with the rank spread, the page, its tasks, the
        # licences held.
        with django_assert_num_queries(6):
            body = client.get("/assets/?sort=rank&kind=tool").content.decode()
        assert "All 3 rank 50: what we know of them does not set one above another" in body
        assert "3 assets" in body and ">tool-0<" in body
        # One asset ranked higher, or one not ranked at all: no such line.
        Score.objects.filter(asset__slug="tool-0").update(rank=60.0)
        Asset.objects.filter(slug="tool-0").update(version=F("version") + 1)
        generation.advance()
        body = client.get("/assets/?sort=rank&kind=tool").content.decode()
        assert "what we know of them" not in body
        Score.objects.filter(asset__slug="tool-0").update(rank=50.0)
        make_asset("tool-unranked", kind=Asset.Kind.TOOL)
        body = client.get("/assets/?sort=rank&kind=tool").content.decode()
        assert "what we know of them" not in body and ">tool-unranked<" in body
