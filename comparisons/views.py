from __future__ import annotations

import dataclasses
import re
from urllib.parse import urlencode

from django.conf import settings
from django.db import DatabaseError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import redirect, render
from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.vary import vary_on_headers

from catalog import scoring
from catalog.models import Asset, name_qualifiers
from catalog.search import closest_names
from comparisons import pairs, table, verdict
from comparisons.forms import CompareForm, SuggestForm, VersusForm
from comparisons.templatetags.comparisons_tags import ld_json
from unfragile import htmx, pagecache, robots
from unfragile.http import read_only
from unfragile.middleware import unavailable_response


def _find_pair(request: HttpRequest, a: str, b: str) -> pairs.Pair | None:
    # VersusCacheMiddleware may have looked this pair up already, for a page not cached yet.
    looked_up = getattr(request, "versus_pair", None)
    if looked_up is not None and looked_up[0] == (a, b):
        return looked_up[1]
    return pairs.find_pair(a, b)


@read_only
@vary_on_headers(*htmx.VARY)
def versus(request: HttpRequest, a: str, b: str) -> HttpResponse:
    pair = _find_pair(request, a, b)
    if pair is None:
        return _pair_not_found(request, a, b)
    if pair.reversed:
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(pair.url + (f"?{query}" if query else ""))
    more = ""
    if "more" in request.GET:
        form = VersusForm(request.GET)
        if not form.is_valid():
            return render(request, "400.html", {"errors": form.errors}, status=400)
        more = form.cleaned_data["more"]
    htmx = bool(request.htmx)
    # The "+N more" link asks for one side's cards; the server picks the fragment.
    fragment = htmx and more in ("a", "b")
    if not htmx:
        pairs.record_view(pair)
    key = pair.cache_key(request.get_host(), f"{'cards' if fragment else 'page'}:{more}")
    response = pagecache.cached_response(request, key)
    if response is None:
        body = _render_versus(request, pair, more, fragment)
        pagecache.store(key, body)
        response = pagecache.respond(request, key, body)
    return response


def _pair_not_found(request: HttpRequest, a: str, b: str) -> HttpResponse:
    """An address naming no published pair. Typed in capitals, it leads to the page (slugs
    are lower case); otherwise the 404 page says what each side is (archived, not in the
    catalog, or the same asset twice), links the page of each side that has one and the
    compare form with both slugs, where a known one is taken and an unknown one gets the
    closest names."""
    first, second = a.lower(), b.lower()
    if (first, second) != (a, b) and (pair := pairs.find_pair(first, second)) is not None:
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(pair.url + (f"?{query}" if query else ""))
    found = pairs.sides(first, second)
    sides = []
    for slug in dict.fromkeys((first, second)):
        asset = found.get(slug)
        state = ("missing" if asset is None else
                 "archived" if asset.status == Asset.Status.ARCHIVED else "published")
        sides.append({"slug": slug, "asset": asset, "state": state})
    compare_url = "/compare/?" + urlencode({
        side: slug for side, slug in zip("ab", (first, second), strict=True)
        if found.get(slug) is None or found[slug].status == Asset.Status.PUBLISHED
    })
    return render(request, "404.html", {
        "compare_url": compare_url, "versus_sides": sides, "same_asset": first == second,
    }, status=404)


def cached_page(request: HttpRequest, a: str, b: str) -> HttpResponse | None:
    """The plain versus page, from the cache (or a 304) or rendered and stored; the 503 page
    when the database cannot be reached; or None when the full view must answer (an unknown
    or reversed pair). `VersusCacheMiddleware` calls this before the rest of the middleware,
    for anonymous GETs without a query string or HX-Request: the page is the same for every
    reader, so sessions, CSRF and authentication have nothing to add, cached or not."""
    try:
        # A pair not remembered comes with its page's rows, read in the same round trip.
        pair, rows = pairs.find_pair_and_rows(a, b)
    except DatabaseError as exc:
        # The 503 page now, rather than the view waiting for the database a second time.
        return unavailable_response(request, exc)
    request.versus_pair = ((a, b), pair)  # the view, if it answers, needs no second lookup
    if pair is None or pair.reversed:
        return None
    key = pair.cache_key(request.get_host(), "page:")
    response = pagecache.cached_response(request, key)
    if response is None:
        try:
            body = _render_versus(request, pair, "", fragment=False, rows=rows)
        except Exception as exc:
            # Before DatabaseUnavailableMiddleware: answer an outage with its 503 page here.
            if (unavailable := unavailable_response(request, exc)) is None:
                raise
            return unavailable
        pagecache.store(key, body)
        response = pagecache.respond(request, key, body)
    pairs.record_view(pair)
    # Set whole: nothing before this middleware varies the response.
    response["Vary"] = ", ".join(htmx.VARY)
    return response


def _render_versus(
    request: HttpRequest, pair: pairs.Pair, more: str, fragment: bool,
    rows: pairs.PageRows | None = None,
) -> bytes:
    """The page (or the cards of one side) as bytes, the same for every reader; `rows`, the
    page's rows when they were read with the pair."""
    if fragment:
        asset_id = pair.a_id if more == "a" else pair.b_id
        cards = pairs.load_capabilities([asset_id], expanded=[asset_id])[asset_id]
        return table.side_cards_html(
            _side_cards(pair, more, cards, expanded=True, more=more)
        ).encode()
    slots = _versus_slots(pair, more, f"{request.scheme}://{request.get_host()}", rows)
    shell = _shell(request, with_note=bool(slots["note"]))
    return _SLOT_PATTERN.sub(lambda m: slots[m[1]], shell).encode()


# The slots of comparisons/versus.html, each a bare {{ name }} filled with HTML escaped here.
# The template is rendered once per process with a marker in every slot (the "shell"), and
# each page is that shell with the markers replaced: the same bytes as rendering the
# template with the values (a test holds the two together), for a twentieth of the cost.
_SLOTS = (
    "title", "summary", "canonical", "linked_data", "a_kind", "b_kind", "a_name", "b_name",
    "lede", "search_url", "a_url", "b_url", "table_body", "note", "sentences_html",
    "sides_html",
)
_SLOT_PATTERN = re.compile(r"versusslot7q([a-z_]+)7q")
_shells: dict[bool, str] = {}


def _shell(request: HttpRequest, with_note: bool) -> str:
    """versus.html rendered with markers for slots, with or without the editor's note.

    Kept per process except with DEBUG on, where a template edit shows at the next request.
    No per-reader values in a shared page: it has no form that posts, so it needs no CSRF
    token (and must not set the CSRF cookie); the CSP nonce is filled in per response."""
    shell = _shells.get(with_note)
    if shell is None:
        ctx = {name: mark_safe(f"versusslot7q{name}7q") for name in _SLOTS}
        if not with_note:
            ctx["note"] = ""
        shell = render_versus_template(request, ctx)
        if not settings.DEBUG:
            _shells[with_note] = shell
    return shell


def render_versus_template(request: HttpRequest, slots: dict) -> str:
    """versus.html through the template engine, with these slot values."""
    return render_to_string(
        "comparisons/versus.html", {**slots, **pagecache.SHARED_CONTEXT}, request
    )


def _side_cards(pair: pairs.Pair, key: str, cards: dict, expanded: bool, more: str) -> dict:
    hidden = 0 if expanded else max(0, cards["total"] - len(cards["items"]))
    other = "b" if key == "a" else "a"
    href_more = "all" if more == other else key
    return {
        "key": key,
        "items": cards["items"],
        "cards_html": table.cards_html(cards["items"]),
        "total": cards["total"],
        "hidden": hidden,
        "href": f"{pair.url}?more={href_more}#caps-{key}",
        "hx_href": f"{pair.url}?more={key}",
    }


def _verdict_side(asset: Asset) -> verdict.Side:
    score = table.score_of(asset)
    return verdict.Side(
        name=asset.name,
        slug=asset.slug,
        url=asset.get_absolute_url(),
        kind=asset.get_kind_display(),
        tasks=[task.name for task in asset.task_list],
        rank=score.rank if score else scoring.NEUTRAL,
        provisional=score.provisional if score else True,
        coverage=score.coverage if score else 0.0,
        sub_scores={key: getattr(score, key) if score else None for key in verdict.DIMENSIONS},
        base_slug=asset.base.slug if asset.base else None,
        trained_on_slugs=[dataset.slug for dataset in asset.trained_on_list],
        price=_price(asset),
        deprecated_by=[name for name, _ in asset.deprecation_sources],
        successor=_successor(asset),
        role=pairs.role_of(asset),
    )


def _successor(asset: Asset) -> tuple[str, str] | None:
    if asset.successor_shown is None:
        return None
    name, slug = asset.successor_shown
    return name, Asset(slug=slug).get_absolute_url()


def _price(asset: Asset) -> tuple[float, float | None, str] | None:
    """The list price as the verdict compares it: (input, output, "USD per 1M tokens")."""
    if (figures := asset.price_figures) is None:
        return None
    given, made, currency, per = figures
    return given, made, " ".join(filter(None, [currency, per]))


def _with_alternative(side: verdict.Side, asset: Asset, alternative: Asset | None):
    if alternative is None:
        return side
    source = getattr(alternative, "source", "rank")
    if source in ("rank", "role") and getattr(alternative, "rank", None) in (
            None, scoring.NEUTRAL):
        source = "unranked" if source == "rank" else "role-unranked"
    return dataclasses.replace(
        side,
        alternative=(alternative.name, pairs.versus_url(asset.slug, alternative.slug)),
        alternative_source=source,
    )


def _decide(a: Asset, b: Asset, edges: list[tuple] | None = None) -> verdict.Verdict:
    side_a, side_b = _verdict_side(a), _verdict_side(b)
    if verdict.are_substitutes(side_a, side_b):
        return verdict.decide(side_a, side_b)
    # Only assets that do different jobs need the closest like-for-like alternative.
    alt_a, alt_b = pairs.closest_alternatives([a, b], exclude=[a.pk, b.pk], edges=edges)
    return verdict.decide(_with_alternative(side_a, a, alt_a), _with_alternative(side_b, b, alt_b))


def _search_url(a: Asset, b: Asset) -> str:
    """The search a reader wanting something else would make: for the job the two share, or
    else the first one's (then the second's), among assets of their kind when they are of
    one; the role they are listed for when they list no task ("agent harness"). Kinds alone
    ("Fine-tune or Dataset") found names holding those words."""
    tasks_b = {task.pk for task in b.task_list}
    shared = [task.name for task in a.task_list if task.pk in tasks_b]
    jobs = (shared or [task.name for task in (*a.task_list, *b.task_list)]
            or [role for role in (pairs.role_of(a), pairs.role_of(b)) if role])
    params = {"q": jobs[0] if jobs else a.get_kind_display()}
    if a.kind == b.kind:
        params["kind"] = a.kind
    return "/search/?" + urlencode(params)


def _linked_data(a: Asset, b: Asset, result: verdict.Verdict, origin: str, url: str) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "WebPage",
        "name": f"{a.name} vs {b.name}",
        "description": result.summary,
        "url": url,
        "about": [
            {
                "@type": "Dataset" if asset.kind == Asset.Kind.DATASET else "SoftwareApplication",
                "name": asset.name,
                "identifier": asset.external_id,
                "url": origin + asset.get_absolute_url(),
            }
            for asset in (a, b)
        ],
    }


def _versus_slots(
    pair: pairs.Pair, more: str, origin: str, rows: pairs.PageRows | None = None
) -> dict[str, str]:
    """The value of every slot of versus.html, as HTML."""
    expanded = {"a": [pair.a_id], "b": [pair.b_id], "all": [pair.a_id, pair.b_id]}.get(more, [])
    if rows is None:
        rows = pairs.read_page_rows(pair, expanded)
    a, b = pairs.load_assets(pair, rows)
    cards = pairs.load_capabilities([a.pk, b.pk], expanded, rows.capabilities)
    result = _decide(a, b, rows.edges)
    totals = (cards[a.pk]["total"], cards[b.pk]["total"])
    sides = [
        {"asset": a, **_side_cards(pair, "a", cards[a.pk], a.pk in expanded, more)},
        {"asset": b, **_side_cards(pair, "b", cards[b.pk], b.pk in expanded, more)},
    ]
    sentences = [
        {"topic": s.topic, "html": table.parts_html(s.parts)} for s in result.sentences
    ]
    canonical = origin + pair.url
    a_name, b_name = escape(a.name), escape(b.name)
    return {
        "title": f"{a_name} vs {b_name}",
        "summary": escape(result.summary),
        "canonical": escape(canonical),
        "linked_data": ld_json(_linked_data(a, b, result, origin, canonical)),
        "a_kind": escape(a.get_kind_display()),
        "b_kind": escape(b.get_kind_display()),
        "a_name": a_name,
        "b_name": b_name,
        "lede": sentences[0]["html"] if sentences else "",
        "search_url": escape(_search_url(a, b)),
        "a_url": escape(a.get_absolute_url()),
        "b_url": escape(b.get_absolute_url()),
        "table_body": table.rows_html(table.build_rows(a, b, totals, result), a.name, b.name),
        "note": linebreaksbr(pair.note, autoescape=True) if pair.note else "",
        "sentences_html": table.sentences_html(sentences),
        "sides_html": "".join(f"\n{table.side_html(side)}\n" for side in sides),
    }


@read_only
@vary_on_headers(*htmx.VARY)
def compare(request: HttpRequest) -> HttpResponse:
    field = request.htmx.trigger_name if request.htmx else None
    if field in ("a", "b"):
        # Typeahead: the options for the field being typed in.
        form = SuggestForm({"q": request.GET.get(field, "")})
        text = form.cleaned_data["q"] if form.is_valid() else ""
        if text and robots.typeahead_rate_limited(request):
            text = ""  # no suggestions: the field still takes a name or slug typed in full
        ctx = {"field": field, "suggestions": _options(pairs.suggest(text))}
        return render(request, "comparisons/compare.html#suggestions", ctx)
    submitted = "a" in request.GET and "b" in request.GET
    form = CompareForm(request.GET if submitted else None, initial=request.GET.dict())
    if submitted and form.is_valid():
        return redirect(pairs.versus_url(form.cleaned_data["a"].slug, form.cleaned_data["b"].slug))
    ctx = {"form": form, "most_viewed": pairs.most_viewed(),
           "suggested": _suggested(form) if submitted else {},
           # Pairs to start from, for a reader who has not named an asset yet.
           "starters": [] if request.GET.get("a") or request.GET.get("b")
           else pairs.starter_pairs()}
    return render(request, "comparisons/compare.html", ctx, status=400 if submitted else 200)


def _options(assets: list[Asset]) -> list[tuple[Asset, str]]:
    """Typeahead options: each asset with the value picking it puts in the field, its name,
    or its slug when another of the list has the same name (any case): a name that several
    assets share is no answer (AssetField)."""
    shared = name_qualifiers(assets)
    return [(asset, asset.slug if told else asset.name)
            for asset, told in zip(assets, shared, strict=True)]


def _suggested(form: CompareForm) -> dict[str, dict]:
    """For each field that names no published asset: the assets its text suggests (one query;
    two more for the closest names when no name holds the text), each with the address of
    the form with it in that field (without JavaScript the suggestions come only with the
    answer), and the address of a search for the text. The other field keeps what was typed
    in it; the asset it names is not suggested."""
    out = {}
    for field, other in (("a", "b"), ("b", "a")):
        ambiguous = form.has_error(field, "ambiguous")
        if not (ambiguous or form.has_error(field, "unknown")):
            continue
        text = form.data.get(field, "").strip()
        taken = form.cleaned_data.get(other)
        if ambiguous:  # the assets of that name, each to be picked by its slug
            assets = form.fields[field].namesakes
        else:
            # Names holding the text, else those closest to it (a misspelling: "segformr").
            assets = pairs.suggest(text) or closest_names(text)
        assets = [a for a in assets if taken is None or a.pk != taken.pk]
        out[field] = {
            "assets": assets,
            "options": _options(assets),
            "links": [
                (asset, "/compare/?" + urlencode(
                    sorted({field: asset.slug, other: form.data.get(other, "")}.items())))
                for asset in assets
            ],
            "text": text,
            "search": "/search/?" + urlencode({"q": text}),
        }
    return out
