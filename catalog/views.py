from __future__ import annotations

import functools
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import EmptyPage, Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Window,
)
from django.db.models.functions import Lower, RowNumber
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.vary import vary_on_headers

from catalog import assetpage, licences, records, scoring, search
from catalog.forms import BrowseForm
from catalog.html import options_html
from catalog.models import (
    BY_NAME,
    KIND_PLURAL,
    KIND_PLURAL_LABELS,
    SIZE,
    Asset,
    Evidence,
    Organization,
    Task,
    name_qualifiers,
)
from unfragile import generation, htmx, pagecache, robots
from unfragile.http import given_twice, read_only

PER_PAGE = 50
LINEAGE_SHOWN = 24
# Shown of each lineage list on an asset page: what it was trained on (its own list: the
# longest in the bundled catalog names 97), its fine-tunes and what was trained on it (a
# link lists those all, /assets/?base= and ?trained_on=), and what it supersedes.
LINEAGE_LIMITS = (200, LINEAGE_SHOWN, LINEAGE_SHOWN, LINEAGE_SHOWN)
HOME_PER_KIND = 5


# The lists of each kind's card on the home page, by the value that orders them (an asset
# without it has no place in the list).
_HOME_LISTS = {"top": "score__rank", "newest": "released_on", "largest": "size"}


def _home_lists(cards) -> dict[str, dict[str, list[Asset]]]:
    """The first few assets of each kind by rank, by release date and by size, ranked
    inside each kind: {list name: {kind: assets}}, in one query."""
    qs = cards.annotate(size=SIZE)
    places = Q()
    for name, value in _HOME_LISTS.items():
        qs = qs.annotate(**{
            f"at_{name}": Window(RowNumber(), partition_by=[F("kind")],
                                 order_by=[F(value).desc(nulls_last=True), *BY_NAME]),
            f"has_{name}": ExpressionWrapper(Q(**{f"{value}__isnull": False}),
                                             output_field=BooleanField()),
        })
        places |= Q(**{f"has_{name}": True, f"at_{name}__lte": HOME_PER_KIND})
    lists: dict[str, dict[str, list[Asset]]] = {name: {} for name in _HOME_LISTS}
    for asset in qs.filter(places).order_by("kind", "name"):
        for name in _HOME_LISTS:
            if getattr(asset, f"has_{name}") and getattr(asset, f"at_{name}") <= HOME_PER_KIND:
                lists[name].setdefault(asset.kind, []).append(asset)
    for name, by_kind in lists.items():
        for assets in by_kind.values():
            assets.sort(key=lambda a, place=f"at_{name}": getattr(a, place))
    return lists


# How many assets a list holds, how many of them have a rank, and the lowest and highest.
RANK_SPREAD = {"n": Count("id"), "ranked": Count("score__rank"),
               "lowest": Min("score__rank"), "highest": Max("score__rank")}


def _shared_rank(spread: dict) -> float | None:
    """The rank every asset of a list of several has, when they all have the same one: such
    a list says so rather than rank them by name."""
    if spread["n"] > 1 and spread["ranked"] == spread["n"] \
            and spread["lowest"] == spread["highest"]:
        return spread["lowest"]
    return None


# The home page's cards, remembered by each process while the data stands still.
_HOME = generation.memo()


def _home_kinds() -> list[dict]:
    published = Asset.objects.published()
    counts = {
        row["kind"]: row for row in published.order_by().values("kind").annotate(**RANK_SPREAD)
    }
    # Suggestions: the deprecated and superseded are left out.
    lists = _home_lists(published.current().for_cards())
    kinds = []
    for (value, label), (_, plural) in zip(Asset.Kind.choices, KIND_PLURAL_LABELS, strict=True):
        row = counts.get(value, {"n": 0, "ranked": 0, "lowest": None, "highest": None})
        all_rank = _shared_rank(row)
        kinds.append({
            "value": value, "label": label, "plural": plural, "words": KIND_PLURAL[value],
            "count": row["n"],
            # A list by rank says something only when the kind's ranks differ.
            "top": lists["top"].get(value, []) if all_rank is None else [],
            "all_rank": all_rank,
            "newest": lists["newest"].get(value, []),
            "largest": lists["largest"].get(value, []),
        })
    return kinds


@read_only
def home(request: HttpRequest) -> HttpResponse:
    """The search box and each kind's best, newest and largest: two queries, then none while
    the data generation stands still (the most-viewed comparisons come from the cache)."""
    kinds = _HOME.get("kinds", _home_kinds)
    ctx = {"kinds": kinds, "total": sum(k["count"] for k in kinds)}
    return render(request, "catalog/home.html", ctx)


# Tasks and organisations change only with imports and curators' edits: the browse filters
# read their lists from the cache for up to this long.
FILTER_LISTS_TTL = 60


def filter_lists(fresh: bool = False) -> tuple[list[tuple[str, str]], dict, list]:
    """The choices of the browse filters: the tasks published assets have, as (slug, name);
    and the organisations publishing them, by maker (_makers()): each one's slug with its
    maker's slugs, and the makers, each once, as (slug, name, published assets)."""
    lists = None if fresh else cache.get("browse:filter-lists:makers")
    if lists is None:
        published = Asset.Status.PUBLISHED
        has_published = Asset.tasks.through.objects.filter(
            task_id=OuterRef("pk"), asset__status=published
        )
        tasks = list(
            Task.objects.filter(Exists(has_published)).order_by(Lower("name"), "name")
            .values_list("slug", "name")
        )
        orgs = list(
            Organization.objects.filter(assets__status=published)
            .annotate(n=Count("assets")).order_by(Lower("name"), "name")
            .values_list("slug", "name", "n")
        )
        lists = (tasks, *_makers(orgs))
        cache.set("browse:filter-lists:makers", lists, FILTER_LISTS_TTL)
    return lists


def _makers(orgs: list[tuple[str, str, int]]) -> tuple[dict[str, tuple[str, ...]], list]:
    """Organisations, as (slug, name, published assets), by maker. The registry namespaces
    of one maker share its name (Meta's are meta, facebook, facebookresearch, meta-llama:
    records.KNOWN_NAMES), and people looking for Meta's models want them all, so a maker is
    filtered as one. Returns each slug with its maker's slugs, the one the maker's filter goes
    by first: the namespace written as the maker's name, else its largest. And the makers,
    as (that slug, name, published assets), in the order of their names."""
    makers: dict[tuple[str, str], list[tuple[str, str, int]]] = {}
    for slug, name, n in orgs:
        key = records.organisation_key(name)
        # A name with nothing to slug (all punctuation, say) stands for its namespace alone.
        makers.setdefault((key, "") if key else ("", slug), []).append((slug, name, n))
    slugs, options = {}, []
    for (key, _), namespaces in makers.items():
        namespaces.sort(key=lambda ns: (records.organisation_key(ns[0]) != key, -ns[2], ns[0]))
        group = tuple(slug for slug, _, _ in namespaces)
        slugs.update(dict.fromkeys(group, group))
        name = namespaces[0][1]
        options.append((group[0], name, sum(n for _, _, n in namespaces)))
    options.sort(key=lambda option: (option[1].lower(), option[1]))
    return slugs, options


@read_only
@vary_on_headers(*htmx.VARY)
def browse(request: HttpRequest) -> HttpResponse:
    """Browse and the leaderboard. A page is the same for every reader of its query string
    until the data changes, so it is cached per data generation (unfragile.generation)."""
    key = pagecache.generation_key("browse", request, bool(request.htmx))
    if key is not None and (response := pagecache.cached_response(request, key)) is not None:
        return response
    if twice := given_twice(request, BrowseForm.base_fields):
        return render(request, "400.html", {"errors": twice}, status=400)
    tasks, org_slugs, makers = filter_lists()
    form = _browse_form(request, tasks, org_slugs)
    if not form.is_valid() and {"task", "org"} & form.errors.keys():
        # Perhaps a task or organisation newer than the cached lists.
        tasks, org_slugs, makers = filter_lists(fresh=True)
        form = _browse_form(request, tasks, org_slugs)
    if not form.is_valid():
        if (org := _organisation_written_otherwise(form, org_slugs)) is not None:
            # An organisation merged into one written otherwise (migration 0030), or its
            # slug typed with hyphens of its own: the list under its slug.
            query = request.GET.copy()
            query["org"] = org
            return HttpResponsePermanentRedirect(f"?{query.urlencode()}")
        return render(request, "400.html", {"errors": form.errors}, status=400)
    filtered = form.filter(Asset.objects.published())
    assets = filtered.for_cards().sorted_by(form.cleaned_data["sort"]).prefetch_related("tasks")
    paginator = Paginator(assets, PER_PAGE)
    all_rank = None
    if form.cleaned_data["sort"] == "rank":
        # The count the paginator needs, with the spread of the ranks, in one query.
        spread = filtered.order_by().aggregate(**RANK_SPREAD)
        paginator.count = spread["n"]  # a cached property: set, it is not asked again
        all_rank = _shared_rank(spread)
    number = request.GET.get("page", "1")
    # Digits as people type them: int() would also take "١" and " 2".
    if not (number.isascii() and number.isdigit()) or len(number) > 9:
        return render(request, "400.html", {"errors": {"page": ["not a page number"]}},
                      status=400)
    if int(number) < 1:
        return render(request, "400.html", {"errors": {"page": ["pages start at 1"]}},
                      status=400)
    try:
        page = paginator.page(number)
    except EmptyPage:
        # Past the last page (the list may have shrunk since the link was made).
        last = paginator.num_pages
        query = request.GET.copy()
        query["page"] = str(last)
        return render(request, "404.html", {
            "last_page": last, "last_page_url": f"?{query.urlencode()}",
        }, status=404)
    page.object_list = list(page.object_list)
    for asset, mark in zip(page.object_list, name_qualifiers(page.object_list), strict=True):
        asset.name_mark = mark  # what tells it from another of its name listed here
    lineage = [(field, form.cleaned_data[field]) for field in ("base", "trained_on")
               if form.cleaned_data[field]]
    # One address for each list, whatever the form sent: the filters set, the first page
    # without a number.
    given = [(name, value) for name in form.fields
             if (value := request.GET.get(name)) and (name, value) != ("sort", "name")]
    if org := form.cleaned_data["org"]:
        # A maker's list, by whichever of its namespaces it was asked: under the slug its
        # filter goes by.
        given = [(name, org_slugs[org][0] if name == "org" else value) for name, value in given]
    if page.number > 1:
        given.append(("page", str(page.number)))
    canonical_path = "/assets/" + (f"?{urlencode(given)}" if given else "")
    data = form.cleaned_data
    titles = _browse_titles(data, page.number, dict(tasks).get(data["task"], ""),
                            _maker_name(org_slugs, makers, data["org"]))
    ctx = {"form": form, "page": page, "kinds": KIND_PLURAL_LABELS, "all_rank": all_rank,
           "lineage": lineage, "canonical_path": canonical_path, **titles,
           **pagecache.SHARED_CONTEXT}
    template = "catalog/browse.html"
    if request.htmx:
        template += "#live"
    else:
        # What the list is, for search engines and link previews (includes/page_meta.html).
        canonical = f"{request.scheme}://{request.get_host()}{canonical_path}"
        description = (f"{titles['page_title']}: what each can do and its UnfragileRank, "
                       "with every number traced to its source.")
        ctx.update(canonical=canonical, description=description, linked_data={
            "@context": "https://schema.org", "@type": "CollectionPage",
            "name": titles["page_title"], "description": description, "url": canonical,
        })
        ctx["task_options"] = options_html(tasks, data["task"], "Any task")
        ctx["licence_options"] = options_html(
            licences.filter_choices(search.licences_held(), data["licence"]), data["licence"])
        ctx["org_options"] = options_html(
            [(slug, f"{name} ({n})") for slug, name, n in makers],
            org_slugs[data["org"]][0] if data["org"] else "", "Any organisation",
        )
    body = render_to_string(template, ctx, request).encode()
    if key is not None:
        pagecache.store(key, body)
    return pagecache.respond(request, key, body)


def _maker_name(org_slugs: dict, makers: list, org: str) -> str:
    """The name of the maker `org` is a namespace of; "" for no organisation."""
    if not org:
        return ""
    return next(name for slug, name, _ in makers if slug == org_slugs[org][0])


def _browse_titles(data: dict, page: int, task: str = "", maker: str = "") -> dict[str, str]:
    """The heading of browse or the leaderboard (the same view, told apart by the sort, as
    the header tells them apart), and the page's title, which also names the kind shown, and
    the task and the maker filtered by ("Leaderboard: Models for Text generation by Meta")."""
    heading = "Leaderboard" if data["sort"] == "rank" else "Browse"
    kind = dict(KIND_PLURAL_LABELS).get(data["kind"])
    if kind:
        title = f"{heading}: {kind}"
    elif heading == "Browse":
        title = "Browse AI assets"
    else:
        title = "Leaderboard: AI assets" if task or maker else heading
    if task:
        title += f" for {task}"
    if maker:
        title += f" by {maker}"
    if data["base"]:
        title = heading = f"Fine-tunes of {data['base'].name}"
    elif data["trained_on"]:
        title = heading = f"Trained on {data['trained_on'].name}"
    if page > 1:
        title += f" · Page {page}"
    return {"heading": heading, "page_title": title}


def _organisation_written_otherwise(form: BrowseForm, org_slugs: dict) -> str | None:
    """The slug of the organisation the form's unknown one names written otherwise
    (records.organisation_key()), when that is its only error; else None."""
    if set(form.errors) != {"org"}:
        return None
    key = records.organisation_key(form.data.get("org", ""))
    return next((slug for slug in org_slugs if key and records.organisation_key(slug) == key),
                None)


def _browse_form(request: HttpRequest, tasks: list, org_slugs: dict) -> BrowseForm:
    return BrowseForm(request.GET, task_slugs={slug for slug, _ in tasks}, org_slugs=org_slugs)


def _breakdown(asset: Asset, evidence: list) -> dict | None:
    """Each dimension's sub-score with the signals behind it, and the rank's arithmetic."""
    score = getattr(asset, "score", None)
    if score is None:
        return None
    subscores = {key: getattr(score, key) for key in scoring.WEIGHTS}
    dimensions = []
    for key, weight in scoring.WEIGHTS.items():
        signals = [e for e in evidence if e.dimension == key]
        dimensions.append({
            "key": key, "label": scoring.DIMENSIONS[key].label, "weight": weight,
            "value": subscores[key], "signals": signals,
            "why_unknown": f"No {scoring.DIMENSIONS[key].label.lower()} evidence is recorded "
                           "for this asset yet",
        })
    return {"dimensions": dimensions, "explain": scoring.composite(subscores).explain()}


# slug -> (pk, version) or None, remembered while the data generation stands still.
_asset_found = generation.memo()


@functools.cache
def _asset_version_sql() -> str:
    q = connection.ops.quote_name
    return (
        f"SELECT {q('id')}, {q('version')} FROM {q(Asset._meta.db_table)} "
        f"WHERE {q('slug')} = %s AND {q('status')} <> %s"
    )


def _read_asset_version(slug: str) -> tuple[int, int] | None:
    """(pk, version) of the asset with this slug outside the drafts. Plain SQL: it runs for
    every asset page not looked up lately, and the ORM took longer to build it than the
    database to answer."""
    with connection.cursor() as cursor:
        cursor.execute(_asset_version_sql(), [slug, Asset.Status.DRAFT])
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


@read_only
def asset_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The asset page, shared by every reader through the page cache (unfragile.pagecache):
    keyed by the asset's version, which every save, import and recompute of it bumps."""
    found = _asset_found.get(slug, lambda: _read_asset_version(slug))
    if found is None:
        # Slugs are lower case: an address typed or linked in capitals ("/assets/BGE-M3/")
        # leads to the page.
        if slug != slug.lower() and _asset_found.get(
                slug.lower(), lambda: _read_asset_version(slug.lower())) is not None:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(
                f"/assets/{slug.lower()}/" + (f"?{query}" if query else ""))
        return asset_not_found(request, slug)
    key = pagecache.key("asset", request.get_host(), *found)
    response = pagecache.cached_response(request, key)
    if response is None:
        body = _render_asset(request, slug)
        pagecache.store(key, body)
        response = pagecache.respond(request, key, body)
    return response


NOT_FOUND_SUGGESTIONS = 5


def asset_not_found(request: HttpRequest, slug: str) -> HttpResponse:
    """The 404 page for an address naming no published asset (a slug mistyped, cut short or
    of an archived asset), with the search box holding the slug's words and the assets they
    find, or else the closest names, offered in its place. A crawler walking old links is
    not worth a search, and a client past the search rate limit gets the page without."""
    words = " ".join(slug.replace("-", " ").replace("_", " ").split())[:200]
    suggestions = []
    if not robots.is_bot(request) and not robots.search_rate_limited(request):
        suggestions = [r.asset for r in search.search(words, limit=NOT_FOUND_SUGGESTIONS)]
        if not suggestions:
            suggestions = search.closest_names(words, limit=NOT_FOUND_SUGGESTIONS)
    return render(request, "404.html", {"q": words, "suggestions": suggestions}, status=404)


@functools.cache
def _lineage_sql() -> str:
    """What the asset was trained on, its fine-tunes, what was trained on it and what it
    supersedes: the first LINEAGE_LIMITS of each by name (slug and name only) with how many
    there are (a window count over the whole list), published only, in one statement. Plain
    SQL: three ORM-built queries cost the page more than a millisecond on their own."""
    q = connection.ops.quote_name
    asset, link = q(Asset._meta.db_table), q(Asset.trained_on.through._meta.db_table)
    slug, name, status = q("slug"), q("name"), q("status")
    parts = [
        f"{link} t JOIN {asset} a ON a.{q('id')} = t.{q('to_asset_id')} "
        f"WHERE t.{q('from_asset_id')} = %s",
        f"{asset} a WHERE a.{q('base_id')} = %s",
        f"{link} t JOIN {asset} a ON a.{q('id')} = t.{q('from_asset_id')} "
        f"WHERE t.{q('to_asset_id')} = %s",
        f"{asset} a WHERE a.{q('successor_id')} = %s",
    ]
    return " UNION ALL ".join(
        f"SELECT * FROM (SELECT {n} AS part, ROW_NUMBER() OVER (ORDER BY a.{name}, a.{slug}) "
        f"AS pos, a.{slug} AS slug, a.{name} AS name, COUNT(*) OVER () AS total FROM {part} "
        f"AND a.{status} = %s ORDER BY a.{name}, a.{slug} LIMIT {limit}) lineage{n}"
        for n, (part, limit) in enumerate(zip(parts, LINEAGE_LIMITS, strict=True))
    )


def _lineage(asset: Asset) -> list[tuple[list[Asset], int]]:
    """[(trained on, count), (fine-tunes of it, count), (trained on it, count), (what it
    supersedes, count)]."""
    published = Asset.Status.PUBLISHED
    with connection.cursor() as cursor:
        cursor.execute(_lineage_sql(), [asset.pk, published] * len(LINEAGE_LIMITS))
        rows = sorted(cursor.fetchall())
    lists: list[tuple[list[Asset], int]] = [([], 0) for _ in LINEAGE_LIMITS]
    for part, _, slug, name, total in rows:
        lists[part][0].append(Asset(slug=slug, name=name))
        lists[part] = (lists[part][0], total)
    return lists


def _render_asset(request: HttpRequest, slug: str) -> bytes:
    page = assetpage.load(slug)
    if page is None:
        raise Http404("No such asset")
    asset = page.asset
    lineage = _lineage(asset)
    (trained_on, trained_on_count), (derivatives, derivative_count) = lineage[:2]
    trained_models, trained_model_count = lineage[2]
    canonical = f"{request.scheme}://{request.get_host()}{asset.get_absolute_url()}"
    ctx = {
        "asset": asset,
        "canonical": canonical,
        "linked_data": _asset_linked_data(asset, canonical),
        "name_mark": page.name_mark,
        "tasks": page.tasks,
        # Those doing its first task; for one listing none, the search's own answer to
        # "alternatives to" it (the assets of its role, or its kind sharing a task), not
        # every asset of its kind ("API").
        "find_alternatives": reverse("comparisons:search", query={
            "q": page.tasks[0].name if page.tasks else f"alternatives to {asset.name}"}),
        "capabilities": page.capabilities,
        "evidence": page.evidence,
        "breakdown": _breakdown(asset, page.evidence),
        "history": page.history,
        "trained_on": trained_on,
        "trained_on_count": trained_on_count,
        "derivatives": derivatives,
        "derivative_count": derivative_count,
        "trained_models": trained_models,
        "trained_model_count": trained_model_count,
        "predecessors": lineage[3][0],
        "predecessor_count": lineage[3][1],
        **pagecache.SHARED_CONTEXT,
    }
    return render_to_string("catalog/asset.html", ctx, request).encode()


def _asset_linked_data(asset: Asset, url: str) -> dict:
    """schema.org's description of the asset, for search engines and link previews."""
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset" if asset.kind == Asset.Kind.DATASET else "SoftwareApplication",
        "name": asset.name,
        "description": asset.display_summary,
        "identifier": asset.external_id,
        "url": url,
    }
    if asset.organization:
        data["publisher"] = {"@type": "Organization", "name": asset.organization.name}
    if asset.released_on:
        data["datePublished"] = asset.released_on.isoformat()
    return data


@read_only
def methodology(request: HttpRequest) -> HttpResponse:
    example = scoring.composite({"adoption": None, "quality": 72.0, "ecosystem": 40.0,
                                 "match_graph": None})
    dimensions = [
        {"dim": scoring.DIMENSIONS[key], "weight": weight,
         "signals": scoring.signals_by_dimension().get(key, [])}
        for key, weight in scoring.WEIGHTS.items()
    ]
    ctx = {
        "dimensions": dimensions,
        "benchmarks": _benchmarks_held.get(connection.alias, _read_benchmarks_held),
        "version": scoring.FORMULA_VERSION,
        "neutral": scoring.NEUTRAL,
        "provisional_below": scoring.PROVISIONAL_BELOW,
        "example": example,
    }
    return render(request, "catalog/methodology.html", ctx)


# How many benchmark results the catalog holds, and for how many assets: remembered while the
# data generation stands still.
_benchmarks_held = generation.memo()


def _read_benchmarks_held() -> dict[str, int]:
    return Evidence.objects.filter(dimension=Evidence.Dimension.QUALITY).aggregate(
        results=Count("id"), assets=Count("asset", distinct=True))


HEALTH_TIMEOUT = 0.05


def _database_answers() -> bool:
    # With a pool, wait at most 50 ms for a checked connection: a load balancer needs a fast
    # "no", while a page request may wait the pool's longer timeout.
    pool = getattr(connection, "pool", None)
    try:
        if pool is not None:
            # A process whose first request this is has not opened its pool yet (Django
            # opens it on the first connection); opening an open pool does nothing.
            pool.open()
            with pool.connection(timeout=HEALTH_TIMEOUT) as conn:
                conn.execute("SELECT 1")
        else:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
    except Exception:
        return False
    return True


@read_only
def healthz(request: HttpRequest) -> HttpResponse:
    if not _database_answers():
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})

