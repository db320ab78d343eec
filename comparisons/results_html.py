"""The HTML of the search results list, one `<li>` per result.

Written here in Python rather than in the results partial's loop: twenty results are most of
the fragment that live search fetches on each pause in typing, and rendering them through the
template engine took longer than the search itself (bench/search.py). The partial keeps
everything around the list. Every text is escaped here; the output is marked safe once.
"""

from __future__ import annotations

from urllib.parse import quote

from django.utils.safestring import SafeString, mark_safe

from catalog.records import human_count
from catalog.search import Part, Result
from comparisons.table import escape, score_of
from comparisons.verdict import whole_points

UNRANKED = (
    '<span class="unknown" title="Not ranked yet: no score has been computed">unranked</span>'
)
PROVISIONAL = (
    ' <span class="provisional" title="Under half of the evidence weight is known">'
    "provisional</span>"
)
NOT_STATED = '<span class="unknown">not stated</span>'
RETIRED = '<span class="badge retired-badge">{label}</span>'


def result_items(results: list[Result], marks: dict[int, str] | None = None) -> SafeString:
    """`marks`: by asset id, what tells an asset from another result of its name
    (catalog.models.name_qualifiers())."""
    marks = marks or {}
    return mark_safe("".join(_item(r, marks.get(r.asset.pk, "")) for r in results))


def _item(r: Result, mark: str = "") -> str:
    asset = r.asset
    slug = escape(asset.slug)
    exact = ' <span class="exact">exact name</span>' if r.exact else ""
    mark = f' <span class="name-mark">· {escape(mark)}</span>' if mark else ""
    score = score_of(asset)
    if score is None:
        num = UNRANKED
    else:
        num = f'<span class="rank" title="UnfragileRank">{whole_points(score.rank)}</span>'
        num += PROVISIONAL if score.provisional else ""
    org = f"<span>{escape(asset.organization.name)}</span>" if asset.organization else ""
    if r.licence_parts:
        licence = _marked(r.licence_parts)
    else:
        licence = escape(asset.licence_name) if asset.licence else NOT_STATED
    # The figures the search may order by (catalog.search): the list price ("cheapest"),
    # the context window ("long context"), the parameter count ("smallest").
    price = asset.list_price
    figures = f"<span>{escape(price)}</span>" if price else ""
    if window := asset.context_window:
        figures += f"<span>{window:,}-token context</span>"
    if asset.n_parameters:
        figures += f"<span>{human_count(asset.n_parameters)} parameters</span>"
    matched = ""
    if r.capabilities:
        caps = ", ".join(
            f'<span class="matched-cap">{_marked(c.title_parts)}</span>' for c in r.capabilities
        )
        matched = f'<p class="matched"><span class="muted">Matched:</span> {caps}</p>'
    elif r.tasks:
        # Nothing it does matched: a task it lists, or what else that task is called, did.
        label = "Matched task" if len(r.tasks) == 1 else "Matched tasks"
        tasks = ", ".join(f'<span class="matched-cap">{_marked(t)}</span>' for t in r.tasks)
        matched = f'<p class="matched"><span class="muted">{label}:</span> {tasks}</p>'
    elif r.id_parts:
        matched = (f'<p class="matched"><span class="muted">Matched id:</span> '
                   f'<span class="matched-cap">{_marked(r.id_parts)}</span></p>')
    if r.language_parts:
        # A language the words named, which the texts shown may not.
        matched += (f'<p class="matched"><span class="muted">Covers:</span> '
                    f'{_marked(r.language_parts)}</p>')
    snippet = f'<p class="snippet">{_marked(r.snippet)}</p>' if r.snippet else ""
    return (
        '<li class="result" data-result>'
        f'<h3><a href="{escape(asset.get_absolute_url())}" data-result-link>'
        f"{_marked(r.name_parts) if r.name_parts else escape(asset.name)}</a>{mark}{exact}</h3>"
        f'<div class="num">{num}</div>'
        f'<div class="meta"><span class="badge">{escape(asset.get_kind_display())}</span>'
        f"{RETIRED.format(label=asset.retired_label) if asset.retired_label else ''}"
        f"{org}<span>Licence: {licence}</span>{figures}</div>"
        f"{matched}{snippet}"
        '<div class="compare-actions">'
        f'<label class="pick" data-pick hidden><input type="checkbox" value="{slug}" '
        "data-compare-pick> Compare</label>"
        f'<a href="/compare/?a={escape(quote(asset.slug, safe="/"))}">Compare with…</a>'
        "</div></li>"
    )


def _marked(parts: list[Part]) -> str:
    return "".join(f"<mark>{escape(text)}</mark>" if hit else escape(text) for text, hit in parts)
