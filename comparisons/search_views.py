"""/search/: "Search the match graph", a full page that HTMX refreshes in place while typing.

Results come RESULTS_SHOWN a page, up to PAGES pages (`?page=`), each page its own entry in
the results cache. The last page says when more match than it lists, and how to narrow them.

Which requests count towards the match graph (comparisons.graph.record_search): a full page
load, or a live request that search.js sends with the header `X-Search-Settled: 1` (the reader
pressed Enter, or left the results in place for SETTLE_MS; see static/js/search.js), of the
first page of results: a later page is the same search. Keystroke requests never count. The
first search page a browser gets sets a flag in its session, so the session cookie exists from
then on; requests without it (crawlers, cookie-less clients) and robot user agents never
count. That first page counts later: it is held in the session it starts, and counted on
the browser's next request with the cookie (graph.hold_first_search()).
"""

from __future__ import annotations

import copy
import functools
import re
from collections import Counter
from collections.abc import Callable
from urllib.parse import urlencode

from django import forms
from django.core.cache import cache
from django.core.validators import ProhibitNullCharactersValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.views.decorators.vary import vary_on_headers

from catalog import licences, querytext
from catalog import search as catalog_search
from catalog.html import options_html, printable
from catalog.languages import name as language_name
from catalog.models import KIND_PLURAL, Asset, name_qualifiers
from catalog.records import join_words
from comparisons import graph
from comparisons.pairs import versus_url
from comparisons.results_html import result_items
from unfragile import generation, htmx, pagecache, robots
from unfragile.http import given_twice, read_only

RESULTS_SHOWN = 20
# Pages of results: as many as the candidates each search ranks fill (catalog.search).
PAGES = catalog_search.CANDIDATES // RESULTS_SHOWN
KEYS_REMEMBERED = 4096  # results-cache keys a process remembers (_results_key)
SUGGESTIONS_SHOWN = 5


class QueryField(forms.CharField):
    """Any text is a valid query, NUL bytes included: querytext.normalise() makes it safe."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]


class FixedChoiceField(forms.ChoiceField):
    """A choice field whose choices never change: the forms made from the class share them.

    Django deep-copies every field for every form it makes, and the choices of a
    ChoiceField with them (twice: the field's and its widget's); for the licences that was
    a fifth of a millisecond of each search request."""

    def __deepcopy__(self, memo):
        result = copy.copy(self)
        memo[id(self)] = result
        result.widget = copy.copy(self.widget)
        result.widget.attrs = self.widget.attrs.copy()
        result.error_messages = self.error_messages.copy()
        result.validators = self.validators[:]
        return result


# The filters a search takes, by their names in the URL.
FILTERS = ("kind", "task", "licence", "language")


class SearchForm(forms.Form):
    q = QueryField(required=False, strip=False)
    kind = FixedChoiceField(required=False, choices=[("", "Any kind"), *Asset.Kind.choices])
    task = forms.SlugField(required=False, max_length=200)
    licence = FixedChoiceField(required=False, choices=licences.FILTER_CHOICES)
    language = forms.CharField(required=False, max_length=40)
    # Set by the link a search put right offers: the words as typed, not put right.
    as_typed = forms.BooleanField(required=False)
    page = forms.IntegerField(
        required=False, min_value=1, max_value=PAGES,
        error_messages={"max_value": f"Search shows {PAGES} pages of results at most; "
                                     "add words to narrow it instead."},
    )

    def __init__(self, data, *, task_slugs: set[str],
                 languages: Callable[[], dict[str, tuple]]) -> None:
        super().__init__(data)
        self.task_slugs = task_slugs
        self.languages = languages  # read only when a language is asked for

    def clean_task(self) -> str:
        task = self.cleaned_data["task"]
        if task and task not in self.task_slugs:
            raise forms.ValidationError(f"There is no task {task!r}.")
        return task

    def clean_language(self) -> str:
        language = self.cleaned_data["language"]
        if language and language not in self.languages():
            raise forms.ValidationError(f"No asset here covers the language {language!r}.")
        return language

    @property
    def filters(self) -> dict[str, str]:
        return {k: self.cleaned_data[k] for k in FILTERS}

    @property
    def page_number(self) -> int:
        return self.cleaned_data["page"] or 1


def cached_keystroke(request: HttpRequest) -> HttpResponse | None:
    """The results of a live keystroke request when they are cached, or None for the view.

    LiveSearchCacheMiddleware asks before sessions, CSRF, authentication and the URLconf: a
    keystroke reads and writes none of them (it never counts towards the match graph), and
    only valid requests are cached, so a hit needs no form either. A rate-limited client goes
    on to the view, which answers 429."""
    key, hit = _cached_results(request)
    if hit is None or robots.search_rate_limited(request):
        return None
    response = HttpResponse(_live(hit[0], hit[2]))
    response["Vary"] = ", ".join(htmx.VARY)
    return response


@read_only
@vary_on_headers(*htmx.VARY)
def search(request: HttpRequest) -> HttpResponse:
    if robots.search_rate_limited(request):
        template = "429.html#message" if request.htmx else "429.html"
        response = render(request, template, {"q_display": _shown(request.GET.get("q", ""))},
                          status=429)
        response["Retry-After"] = "60"
        return response
    settled = request.headers.get("X-Search-Settled") == "1"
    key, hit = _cached_results(request)
    tasks = catalog_search.tasks()
    form = SearchForm(request.GET, task_slugs=set(tasks),
                      languages=_covered_languages)
    if not form.is_valid() or (twice := given_twice(request, SearchForm.base_fields)):
        errors = form.errors if form.errors else twice
        return render(request, "400.html", {"errors": errors}, status=400)
    n = querytext.normalise(form.cleaned_data["q"])
    results_html, matches, title = hit or _results(request, form, n, key)
    # The match graph counts a search by its first page: what the reader saw first; with the
    # search a browser's first search page held, when it comes back with the cookie.
    first_page = bool(n.terms) and form.page_number == 1
    searches = [held] if (held := graph.take_held_search(request)) else []
    this = graph.Search(n.text, form.filters, matches)
    if first_page and graph.counts_as_search(request, settled):
        searches.append(this)
    if searches:
        graph.record_searches(request.session.session_key, searches)
    elif first_page and graph.hold_first_search(request, this, settled):
        request.search_held = True  # HeldSearchMiddleware sets the cookie saying so
    if not request.htmx and not robots.is_bot(request):
        request.session.setdefault(graph.SESSION_FLAG, True)  # written once per browser
    if request.htmx:
        return HttpResponse(_live(results_html, title))
    data = form.cleaned_data
    ctx = {
        "form": form, "q": n, "title": title, "results_html": mark_safe(results_html),
        # The filter selects: (field name, label, options).
        "filters": [
            ("kind", "Kind", options_html(form.fields["kind"].choices, data["kind"])),
            ("task", "Task", options_html([(slug, name) for slug, (name, _) in tasks.items()],
                                          data["task"], "Any task")),
            ("licence", "Licence", options_html(
                licences.filter_choices(catalog_search.licences_held(), data["licence"]),
                data["licence"])),
            ("language", "Language", options_html(
                _language_options(data["language"]), data["language"], "Any language")),
        ],
        # What was typed, for the box on a full page: printable characters only, bounded.
        "q_display": _shown(form.cleaned_data["q"]),
    }
    return render(request, "search/search.html", ctx)


def _shown(q: str) -> str:
    """What was typed, for a search box: printable characters only, bounded."""
    return printable(q[:1000])


def _cached_results(request: HttpRequest) -> tuple[str | None, tuple | None]:
    """The results-cache key of this request and what the cache holds under it, looked up
    once per request: by cached_keystroke() for a keystroke, then kept for the view."""
    if (found := getattr(request, "search_cached", None)) is None:
        key = _results_key(request)
        found = request.search_cached = (key, cache.get(key) if key is not None else None)
    return found


def _results_key(request: HttpRequest) -> str | None:
    """Where the results region of a search is cached: by what it depends on, the query as
    normalised, as its headings show it (_as_typed()) and the filters, so that "image
    segmentation" and "image  segmentation ", or a link without the empty filters the form
    sends, share it. Only valid requests are stored, so a key made from invalid filters
    finds nothing.

    A process remembers the keys of the query strings it saw last while the data generation
    stands still: working one out took a fifth of a cached request's time."""
    token = generation.current()
    if token is None:
        return None
    seen = (request.get_host(), token, request.META.get("QUERY_STRING", ""))
    key = _keys.get(seen)
    if key is None:
        if given_twice(request, SearchForm.base_fields):
            return None  # a 400, never stored
        raw = request.GET.get("q", "")
        n = querytext.normalise(raw)
        given = [request.GET.get(name, "") for name in (*FILTERS, "page")]
        if given[-1] == "1":
            given[-1] = ""  # the first page, asked for by number or not
        given = (*given, SearchForm.base_fields["as_typed"].to_python(
            request.GET.get("as_typed", "")))
        key = pagecache.key(
            "search", *seen[:2], repr((n.text, n.terms, n.truncated, n.prefix, n.partial,
                                       n.short, n.excluded, n.phrases, n.alternatives, given,
                                       _as_typed(raw, n)))
        )
        if len(_keys) >= KEYS_REMEMBERED:
            _keys.clear()
        _keys[seen] = key
    return key


_keys: dict[tuple[str, str, str], str] = {}


# The languages published assets cover, {ISO 639-3 code: (name, assets)} by name; the same.
# A live search reads them only when it names a language: at 100,000 assets they take a
# read of every asset's languages.
_languages = generation.memo()
# The language filter lists those this many assets cover (a link may name any of them).
LANGUAGE_LISTED = 10


def _covered_languages() -> dict[str, tuple[str, int]]:
    return _languages.get("languages", _read_languages)


def _read_languages() -> dict[str, tuple[str, int]]:
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    covered = Asset.objects.published().exclude(languages=[]).values_list("languages", flat=True)
    for codes in covered.iterator():
        if not isinstance(codes, list):
            continue
        seen = set()
        for code in codes:
            if isinstance(code, str) and (name := language_name(code)):
                base = code.split("-")[0]
                names.setdefault(base, name)
                seen.add(base)
        counts.update(seen)
    return {code: (names[code], counts[code])
            for code in sorted(counts, key=lambda c: (names[c].casefold(), c))}


def _language_options(selected: str) -> list[tuple[str, str]]:
    """The language filter's options: the languages LANGUAGE_LISTED assets cover, and the
    one chosen, each with how many assets cover it. A name two of them share (a
    macrolanguage and its main member: "nep" and "npi" are both Nepali) is told apart by the
    code: "Nepali · npi"; not when the other is not listed ("Malay", not "Malay · msa")."""
    listed = [(code, name, assets) for code, (name, assets) in _covered_languages().items()
              if assets >= LANGUAGE_LISTED or code == selected]
    shared = Counter(name.casefold() for _, name, _ in listed)
    return [(code, f"{name} · {code} ({assets:,})" if shared[name.casefold()] > 1
             else f"{name} ({assets:,})") for code, name, assets in listed]


def _results(
    request: HttpRequest, form: SearchForm, n: querytext.Normalised, key: str | None
) -> tuple[str, list[tuple[int, int | None]], str]:
    """The results region as HTML, the (asset, capability) pairs it matched and the page's
    title.

    All three depend only on the query string and the data, so they are cached under `key`, per
    data generation (unfragile.generation: every index write, save, import and recompute
    moves it): a search many readers make, or the same words typed again, skips the search
    and the rendering. The match graph still counts every settled search."""
    page = form.page_number
    first = (page - 1) * RESULTS_SHOWN + 1
    results, suggestions, unfiltered_suggestions, spelled, searched = find(
        n, form.filters, page, form.cleaned_data["as_typed"])
    filtered = any(form.filters.values())
    corrected = searched is not n
    # More follow the last page offered (`capped`): the page says so, and how to reach them.
    capped = len(results) > RESULTS_SHOWN and page >= PAGES
    more, results = len(results) > RESULTS_SHOWN and page < PAGES, results[:RESULTS_SHOWN]
    full = [r for r in results if r.all_terms]
    partial = [r for r in results if not r.all_terms]
    # On the first page, when nothing holds every word, those holding some are the results;
    # after it, they are always under their own heading.
    if not full and page == 1:
        full, partial = partial, []
    typed = _as_typed(form.cleaned_data["q"], n)
    heading = _put_right(typed, n.text, searched.text) if corrected else typed
    marks = dict(zip([r.asset.pk for r in results],
                     name_qualifiers([r.asset for r in results]), strict=True))
    ctx = {
        # The list items are written in Python (comparisons.results_html), the rest here.
        # Those holding every word, then, under a heading of their own, those holding some.
        "q": n, "q_heading": heading, "q_typed": typed, "corrected": corrected,
        "results": results, "result_items": result_items(full, marks),
        "partial_items": result_items(partial, marks),
        "first": first, "last": first + len(results) - 1, "partial_from": first + len(full),
        "page": page, "more": more, "previous": page - 1 if page > 2 else None,
        "capped": capped, "most": PAGES * RESULTS_SHOWN,
        "suggestions": suggestions, "spelled": None if corrected else spelled,
        "started": _started(n, results),
        "filtered": filtered, "unfiltered_suggestions": unfiltered_suggestions,
        "limit": RESULTS_SHOWN,
        "unfiltered": _without(request, *FILTERS),
        "filters_only": not n.terms and filtered,
        "browse_url": _browse_url(form.filters) if not n.terms or capped else None,
        "steered": _steered(form, searched, full) if results and results[0].all_terms else "",
        # "open source" read as open weights too, and some of those holding every word are
        # under no licence known to be open source: the page says why they are there.
        "open_weights": querytext.reads_open_weights(searched) and any(
            r.all_terms and r.asset.licence not in licences.OSI_APPROVED for r in results),
        "versus": _versus(n) if page == 1 else None,
        "alternatives": _alternatives(n) if page == 1 else None,
    }
    html = render_to_string("search/search.html#results", ctx, request)
    matches = [(r.asset.pk, (r.capability_ids or [None])[0]) for r in results]
    title = _title(heading, page)
    if key is not None:
        cache.set(key, (html, matches, title), pagecache.PAGE_TTL)
    return html, matches, title


def _versus(n: querytext.Normalised) -> dict[str, str] | None:
    """The versus page of the two assets the words name as "A vs B", as typed, to offer
    above the results (catalog.search.versus_named()); None when they name none."""
    if not (pair := catalog_search.versus_named(n)):
        return None
    first, second = pair
    return {"url": versus_url(first.slug, second.slug), "first": first.name,
            "second": second.name}


def _alternatives(n: querytext.Normalised) -> dict | None:
    """The alternatives to the asset whose alternatives the words ask for ("alternatives to
    gpt-4o", catalog.search.alternatives_named()), as its page lists them, to offer above
    the results: the assets searches most often matched with it, or, while there are none,
    the best ranked of its kind sharing a task (or role) with it
    (graph.alternatives_listed()). None when the words ask for none. Three queries when they
    do (four when the best of its kind are not remembered yet; one when the name names no
    asset), none when they do not."""
    if not (named := catalog_search.alternatives_named(n)):
        return None
    asset = Asset(id=named.id, slug=named.slug, name=named.name, kind=named.kind,
                  subtype=named.subtype)
    return {"name": asset.name, "url": asset.get_absolute_url(),
            **graph.alternatives_listed(asset)}


def find(n: querytext.Normalised, filters: dict[str, str], page: int = 1,
         as_typed: bool = False) -> tuple[list, list, bool, str | None, querytext.Normalised]:
    """What a search page shows for `n`, before it is rendered: the results of `page` (one
    more than shown: whether a next page follows); the names closest to what was typed,
    and whether they were found among all assets, not among those the filters keep; the
    words put right (or None); and the query the results were found for, `n` or the one
    put right. bench/search.py times this, as the page asks it."""
    first = (page - 1) * RESULTS_SHOWN + 1
    results = catalog_search.search(n, **filters, limit=RESULTS_SHOWN + 1, offset=first - 1)
    missed = page == 1 and not (results and results[0].all_terms)
    # The names closest to what was typed, among those the filters keep: with no results,
    # and with none kept among all (one query more, said so); with results holding only
    # some of the words, those close enough to be a name misspelt ("stable difusion").
    suggestions, unfiltered_suggestions = [], False
    if missed:
        closest = (catalog_search.names_started if _started(n, results) else
                   functools.partial(catalog_search.closest_names, close=bool(results)))
        suggestions = closest(n, limit=SUGGESTIONS_SHOWN, **filters)
        if not (results or suggestions) and any(filters.values()):
            suggestions = closest(n, limit=SUGGESTIONS_SHOWN)
            unfiltered_suggestions = True
    # Words put right when nothing, or only some of the words, matched: to the words of
    # needs, or of those names.
    spelled = catalog_search.spelling(n, names=[a.name for a in suggestions]) if missed \
        else None
    searched = n  # what the results shown were found for
    if spelled and not as_typed:
        # The words put right find results holding every word: those are shown, said so.
        # (A misspelt word is one the index does not hold, or holds only as another word's
        # stem: as typed, nothing holds every word.)
        fixed = querytext.retyped(n, spelled)
        respelt = catalog_search.search(fixed, **filters, limit=RESULTS_SHOWN + 1)
        if respelt and respelt[0].all_terms:
            results, searched = respelt, fixed
            suggestions, unfiltered_suggestions = [], False
        elif not respelt:
            # Words put right that find nothing either are not offered: following them
            # would lead to an empty page ("segmentaton modl" among the APIs, none of
            # which holds "segmentation").
            spelled = None
    return results, suggestions, unfiltered_suggestions, spelled, searched


def _started(n: querytext.Normalised, results: list) -> bool:
    """Whether what was typed is a word too short to be searched by its start that found
    nothing ("ge"): the page lists the names it starts instead of the closest names."""
    return not results and n.short and len(n.terms) == 1


def _browse_url(filters: dict[str, str]) -> str | None:
    """Browse by rank with the same filters, for a search of filters and no words; None
    when none is set or one is the language, which browse does not filter by."""
    given = {name: value for name, value in filters.items() if value}
    if not given or "language" in given:
        return None
    return "/assets/?" + urlencode({**given, "sort": "rank"})


def _without(request: HttpRequest, *names: str) -> str:
    """The request's query string without these parameters."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _title(searched: str, page: int) -> str:
    """The search page's title, before the site's name (base.html adds it, and _live()):
    `searched`, _as_typed()."""
    if not searched:
        return "Search the match graph"
    at = f" · Page {page}" if page > 1 else ""
    return f"{Truncator(searched).chars(70)}{at} · Search"


def _steered(form: SearchForm, n: querytext.Normalised, full: list) -> str:
    """What the results put first because the words ask for it (catalog.search): kinds the
    words name, unless a kind is chosen, the organisations and the tasks they name (within
    those kinds), as far as those holding every word show them; or that none of the kinds
    asked for holds every word."""
    if n.order:
        return _ordered_by(n, full)
    asked = [] if form.filters.get("kind") else n.kinds
    if asked and not any(r.asset.kind in asked for r in full):
        # Nothing of those kinds holds every word: the others are all there is.
        either = join_words([KIND_PLURAL[kind] for kind in asked], "or")
        return f"None of the {either} here holds every word."
    kinds = join_words([KIND_PLURAL[kind] for kind in asked])
    named = catalog_search.organisations_named(n, [r.asset for r in full])
    owners = join_words(named)
    said = ""
    if kinds and owners:
        said = f"{kinds[0].upper()}{kinds[1:]} come first, as your words ask for them, " \
               f"and so do the assets of {owners}."
    elif kinds:
        said = f"{kinds[0].upper()}{kinds[1:]} come first, as your words ask for them."
    elif owners:
        said = (f"Assets of {owners} come first, as your words name "
                f"{'it' if len(named) == 1 else 'them'}.")
    # (Not the task chosen: every result lists it.)
    chosen = catalog_search.tasks().get(form.filters.get("task") or "", ("",))[0]
    tasks = [task for task in catalog_search.tasks_shown_first(
        n, [r for r in full if not asked or r.asset.kind in asked]) if task != chosen]
    if not tasks:
        return said
    listing = f"listing the task{'s' if len(tasks) > 1 else ''} {join_words(tasks)}"
    why = f"as your words name {'it' if len(tasks) == 1 else 'them'}"
    if kinds:
        return f"{said[:-1]}; of them, those {listing} first."
    if owners:
        return f"{said[:-1]}, and so do the assets {listing}."
    return f"Assets {listing} come first, {why}."


def _ordered_by(n: querytext.Normalised, full: list) -> str:
    """What the results put first when the words ask for an order (catalog.search): the
    lowest price, the longest context window or the fewest or most parameters, said as the
    order is, or that none of them gives the figure it goes by."""
    if n.by_price:
        gives = [r.asset.price_figures for r in full]
        none = "None of these has a list price, so they are not in price order."
        order = "those with a list price come cheapest first (per 1M input tokens)"
    elif n.by_size:
        gives = [r.asset.n_parameters for r in full]
        none = "None of these states its number of parameters, so they are not in that order."
        order = (f"those stating their number of parameters come "
                 f"{'fewest' if n.by_size == 'smallest' else 'most'} first")
    else:
        gives = [r.asset.context_window for r in full]
        none = "None of these lists a context window, so they are not in that order."
        order = "those listing a context window come longest first"
    if not any(gives):
        return none
    if catalog_search.names_a_task(n):
        return (f"Those holding “{' '.join(querytext.phrase_words(n))}” come first; within "
                f"them and after them, {order}.")
    return f"{order[0].upper()}{order[1:]}, before the others."


def _put_right(typed: str, text: str, spelled: str) -> str:
    """`typed` with the words `spelled` put right in `text` (catalog_search.spelling())
    replaced, in the case they were typed in: "Stable Difusion" gives "Stable Diffusion".
    `spelled` itself when the two do not line up word for word."""
    words = re.compile(r"[a-z]+")
    before, after = words.findall(text), words.findall(spelled)
    if len(before) != len(after):
        return spelled
    fixes = {old: new for old, new in zip(before, after, strict=True) if old != new}

    def put(match: re.Match) -> str:
        word = match.group()
        fix = fixes.get(word.lower())
        if fix is None:
            return word
        return fix.upper() if word.isupper() and len(word) > 1 else (
            fix.capitalize() if word[0].isupper() else fix)

    shown = re.sub(r"[A-Za-z]+", put, typed)
    return shown if querytext.fold(shown) == spelled else spelled


def _as_typed(raw: str, n: querytext.Normalised) -> str:
    """What was searched for, for headings: as typed ("BAAI/bge-m3", not "baai/bge-m3"; "not
    from openai", not "-openai"), its spacing tidied, when the search read it whole; else
    what the search read (`n.text`: cut short, or an address read as the id it names)."""
    typed = " ".join(printable(raw).split())
    return typed if querytext.negations_written(querytext.fold(typed)) == n.text else n.text


def _live(results_html: str, title: str) -> str:
    """What a live request gets: the results region, and before it a <title> that htmx
    makes the page's, so the tab and the history entry name the search on screen."""
    return f"<title>{escape(title)} · Unfragile</title>{results_html}"
