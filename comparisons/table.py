"""The rows of the versus table, from two loaded assets and their verdict, and the HTML of
its cells and of the capability cards.

No queries: it reads only what the view loaded. Every value leaves here as a finished string,
so the template neither formats nor localises numbers, and the table shows the same whole
points the verdict judged. The table body and the cards are written here in Python rather
than in template tags: they are most of the page's nodes, and rendering them through the
template engine was the larger part of an uncached page's time.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe

from catalog import records, scoring
from catalog.models import Asset, Score
from catalog.templatetags.catalog_extras import http_url, with_unit
from comparisons.verdict import Part, Verdict, whole_points

_SPECIAL = re.compile(r"[&<>\"']")


def escape(text: str) -> str:
    """html.escape, quotes included; most texts on a page have nothing to escape, and one
    search finds that faster than html.escape's five replacements."""
    return html.escape(text) if _SPECIAL.search(text) else text


# Why a sub-score is unknown, per dimension: shown on hover and to screen readers.
UNKNOWN_REASONS = {
    "adoption": "No adoption evidence (downloads, likes or votes) is recorded for this asset",
    "quality": "No benchmark result is recorded for this asset",
    "ecosystem": "No ecosystem evidence (fine-tunes, dependants or frameworks) is recorded "
    "for this asset",
    # (Times Matched counts searches as they happen; this dimension those counted when the
    # match graph was last rebuilt: the two differ in between.)
    "match_graph": "No search on this site that matched this asset is counted in its score "
    "yet",
}
DIMENSION_ROWS = [
    ("adoption", "Adoption"),
    ("quality", "Quality"),
    ("ecosystem", "Ecosystem"),
    ("match_graph", "Match Graph"),
]
LINEAGE_NAMES = 3


@dataclass(frozen=True)
class Cell:
    parts: list[Part] = field(default_factory=list)
    note: str = ""
    unknown: str = ""  # the reason the value is unknown; the cell then says "unknown"
    mark: str = ""  # "lead" or "tie"
    note_url: str = ""  # where the note's source can be read


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    a: Cell
    b: Cell
    url: str = ""
    tie_reason: str = ""
    numeric: bool = False

    @property
    def cells(self) -> tuple[Cell, Cell]:
        return self.a, self.b


def score_of(asset: Asset) -> Score | None:
    try:
        return asset.score
    except Score.DoesNotExist:
        return None


def build_rows(a: Asset, b: Asset, totals: tuple[int, int], verdict: Verdict) -> list[Row]:
    return [
        Row("type", "Type", _kind(a), _kind(b)),
        _rank_row(a, b, verdict),
        *[_dimension_row(a, b, key, label, verdict) for key, label in DIMENSION_ROWS],
        _pricing_row(a, b, verdict),
        Row(
            "capabilities", "Capabilities",
            Cell([Part(f"{totals[0]:,} decomposed", "#caps-a")]),
            Cell([Part(f"{totals[1]:,} decomposed", "#caps-b")]),
            numeric=True,
        ),
        _times_matched_row(a.times_matched, b.times_matched),
        Row("licence", "Licence", _licence(a), _licence(b)),
        Row("organisation", "Organisation", _organisation(a), _organisation(b)),
        Row("released", "Released", _released(a), _released(b), numeric=True),
        Row("size", "Size", _size(a), _size(b), numeric=True),
        Row("lineage", "Lineage", _lineage(a), _lineage(b)),
        Row("updated", "Last updated", _updated(a), _updated(b), numeric=True),
    ]


def _kind(asset: Asset) -> Cell:
    return Cell([Part(asset.get_kind_display())], note=asset.subtype)


def _rank_cell(asset: Asset, mark: str) -> Cell:
    score = score_of(asset)
    if score is None:
        # What the formula gives an asset with no evidence: the neutral middle.
        return Cell(
            [Part(f"{whole_points(scoring.NEUTRAL)}/100")],
            note="not computed yet · provisional", mark=mark,
        )
    note = f"coverage {math.floor(score.coverage * 100 + 1e-6)}%"
    if score.provisional:
        note += " · provisional"
    return Cell([Part(f"{whole_points(score.rank)}/100")], note=note, mark=mark)


def _rank_row(a: Asset, b: Asset, verdict: Verdict) -> Row:
    marks = {"a": ("lead", ""), "b": ("", "lead"), None: ("tie", "tie")}[verdict.leader]
    if not verdict.ranked:
        marks = ("", "")  # a side with no evidence: the ranks do not compare
    return Row(
        "rank", "UnfragileRank", _rank_cell(a, marks[0]), _rank_cell(b, marks[1]),
        url="/methodology/", numeric=True,
        tie_reason="Within 2 points of each other: a tie",
    )


def _dimension_cell(asset: Asset, key: str, mark: str) -> Cell:
    score = score_of(asset)
    value = getattr(score, key) if score else None
    if value is None:
        return Cell(unknown=UNKNOWN_REASONS[key])
    return Cell([Part(str(whole_points(value)))], mark=mark)


def _dimension_row(a: Asset, b: Asset, key: str, label: str, verdict: Verdict) -> Row:
    cell_a = _dimension_cell(a, key, "lead" if key in verdict.leads_a else "")
    cell_b = _dimension_cell(b, key, "lead" if key in verdict.leads_b else "")
    if not (cell_a.unknown or cell_b.unknown or cell_a.mark or cell_b.mark):
        cell_a, cell_b = Cell(cell_a.parts, mark="tie"), Cell(cell_b.parts, mark="tie")
    return Row(
        key, label, cell_a, cell_b, url=f"/methodology/#{key}", numeric=True,
        tie_reason="Within 5 points of each other: neither leads",
    )


def _times_matched_row(n_a: int, n_b: int) -> Row:
    marks = ("", "")
    if n_a != n_b:
        marks = ("lead", "") if n_a > n_b else ("", "lead")
    elif n_a:
        marks = ("tie", "tie")
    return Row(
        "times_matched", "Times Matched",
        Cell([Part(f"{n_a:,}")], mark=marks[0]), Cell([Part(f"{n_b:,}")], mark=marks[1]),
        numeric=True, tie_reason="Matched by as many searches",
    )


def _pricing_row(a: Asset, b: Asset, verdict: Verdict) -> Row:
    """The lower list price is the lead (the verdict judges it: input first, then output)."""
    marks = {"a": ("lead", ""), "b": ("", "lead"), "tie": ("tie", "tie")}.get(
        verdict.cheaper or "", ("", "")
    )
    return Row("pricing", "Pricing", _pricing(a, marks[0]), _pricing(b, marks[1]),
               tie_reason="The same list price")


def _pricing(asset: Asset, mark: str = "") -> Cell:
    if asset.pricing == Asset.Pricing.UNKNOWN:
        return Cell(unknown="No source states its pricing")
    return Cell([Part(asset.get_pricing_display())], note=asset.list_price, mark=mark)


def _licence(asset: Asset) -> Cell:
    if not asset.licence:
        return Cell(unknown="No source states a licence")
    name = asset.licence_name
    # Its id when the name is not it, and what it allows ("permissive, commercial use
    # allowed"): licences the reader does not know by name compare by that.
    note = " · ".join(filter(None, [asset.licence if name != asset.licence else "",
                                    asset.licence_terms]))
    return Cell([Part(name)], note=note)


def _organisation(asset: Asset) -> Cell:
    org = asset.organization
    if org is None:
        return Cell(unknown="No source names an organisation")
    return Cell([Part(org.name, org.get_absolute_url())])


def _released(asset: Asset) -> Cell:
    if asset.released_on is None:
        return Cell(unknown="No source gives a release date")
    return _sourced(Cell([Part(asset.released_on.isoformat())]), asset, asset.release_basis)


def _sourced(cell: Cell, asset: Asset, basis: str) -> Cell:
    """`cell` noting the source its value comes from, linked, when its basis names one
    (Asset.basis_source())."""
    name, url = asset.basis_source(basis)
    return Cell(cell.parts, note=f"from {name}", note_url=url) if url else cell


def _size(asset: Asset) -> Cell:
    if asset.kind == Asset.Kind.DATASET:
        if asset.dataset_samples:
            shown = f"{records.human_count(asset.dataset_samples)} samples"
        elif asset.dataset_bytes:
            shown = records.human_bytes(asset.dataset_bytes)
        else:
            return Cell(unknown="No source states its size")
    elif asset.n_parameters:
        shown = f"{records.human_count(asset.n_parameters)} params"
    else:
        return Cell(unknown="No source states its size")
    return _sourced(Cell([Part(shown)]), asset, asset.size_basis)


def _lineage(asset: Asset) -> Cell:
    parts: list[Part] = []
    base = asset.base
    if base is not None:
        url = base.get_absolute_url() if base.status == Asset.Status.PUBLISHED else None
        parts += [Part("Fine-tune of "), Part(base.name, url)]
    elif label := asset.base_unresolved_label:
        parts.append(Part(f"Fine-tune of {label} (not in this catalog)"))
    elif asset.base_unresolved:
        parts.append(Part("Fine-tune of a model its source names only by a path on its "
                          "publisher's disk"))
    trained_on = asset.trained_on_list
    if trained_on:
        parts.append(Part("; trained on " if parts else "Trained on "))
        for i, dataset in enumerate(trained_on[:LINEAGE_NAMES]):
            parts += [Part(", " if i else ""), Part(dataset.name, dataset.get_absolute_url())]
        if len(trained_on) > LINEAGE_NAMES:
            parts.append(Part(f" and {len(trained_on) - LINEAGE_NAMES} more"))
    if not parts:
        return Cell(note="Nothing recorded")
    return Cell([part for part in parts if part.text])


def _updated(asset: Asset) -> Cell:
    score = score_of(asset)
    note = f"score computed {score.computed_at.date().isoformat()}" if score else ""
    return Cell([Part(asset.updated_at.date().isoformat())], note=note)


_CHECK = (
    '</strong> <svg class="check" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" '
    'focusable="false"><path d="M2 8.5l4 4 8-9" fill="none" stroke="currentColor" '
    'stroke-width="2.4"/></svg><span class="visually-hidden"> leads</span>'
)


def parts_html(parts: list[Part]) -> str:
    return "".join(
        f'<a href="{escape(p.url)}">{escape(p.text)}</a>' if p.url else escape(p.text)
        for p in parts
    )


def _cell_html(row: Row, cell: Cell, label: str) -> str:
    classes = ("n" if row.numeric else "") + (f" mark-{cell.mark}" if cell.mark else "")
    html = f'<td data-label="{label}"' + (f' class="{classes}">' if classes else ">")
    if cell.unknown:
        reason = escape(cell.unknown)
        html += (f'<span class="unknown" title="{reason}">unknown<span class="visually-hidden">'
                 f" ({reason})</span></span>")
    elif cell.mark == "lead":
        html += f"<strong>{parts_html(cell.parts)}{_CHECK}"
    else:
        html += parts_html(cell.parts)
        if cell.mark == "tie":
            reason = escape(row.tie_reason)
            html += (f' <span class="tie" title="{reason}">tie<span class="visually-hidden">'
                     f" ({reason})</span></span>")
    if cell.note:
        note = escape(cell.note)
        if url := http_url(cell.note_url):
            note = f'<a href="{escape(url)}" rel="nofollow noopener">{note}</a>'
        html += f'<span class="cell-note">{note}</span>'
    return html + "</td>"


def rows_html(rows: list[Row], name_a: str, name_b: str) -> SafeString:
    """The table body: one <tr> per row, the leader marked by a check and the word "leads"."""
    label_a, label_b = escape(name_a), escape(name_b)
    html = []
    for row in rows:
        label = escape(row.label)
        if row.url:
            label = f'<a href="{escape(row.url)}">{label}</a>'
        html.append(
            f'<tr id="row-{row.key}">\n      <th scope="row">{label}</th>\n      '
            f"{_cell_html(row, row.a, label_a)}\n      {_cell_html(row, row.b, label_b)}\n"
            "    </tr>"
        )
    return mark_safe("\n    ".join(html))


def cards_html(cards: list) -> SafeString:
    """Capability cards (`pairs.Card`): title, what it does, its claims and its evidence."""
    html = []
    for card in cards:
        text = (f'<article class="card capability">\n      <h3>{escape(card.title)}</h3>\n'
                f"      <p>{escape(card.description)}</p>\n")
        if card.unique_text:
            text += (f'      <p class="claim"><strong>Unique:</strong> '
                     f"{escape(card.unique_text)}</p>\n")
        if card.vs_text:
            text += (f'      <p class="claim"><strong>vs alternatives:</strong> '
                     f"{escape(card.vs_text)}</p>\n")
        if card.evidence:
            label, value, unit, verification, source, url = card.evidence
            source = escape(source)
            if http_url(url):
                source = f'<a href="{escape(url)}" rel="nofollow noopener">{source}</a>'
            text += (f'      <p class="source">Evidence: {escape(label)} '
                     f"{escape(with_unit(value, unit))} ({escape(verification.lower())}, "
                     f"{source})</p>\n")
        html.append(text + "    </article>")
    return mark_safe("\n    ".join(html))


def sentences_html(sentences: list[dict]) -> SafeString:
    """The verdict's sentences ({"topic", "html"}) as list items, each marked with its topic."""
    return mark_safe("".join(
        f'<li class="verdict-{escape(s["topic"])}">{s["html"]}</li>\n    ' for s in sentences
    ))


def side_cards_html(side: dict) -> SafeString:
    """One side's cards, and the "+N more capabilities" link when some are held back: the
    region that link swaps in place with htmx."""
    key = escape(side["key"])
    if side["items"]:
        cards = side["cards_html"]
    else:
        cards = '<p class="unknown">No capabilities listed yet.</p>'
    more = ""
    if side["hidden"]:
        more = (
            f'<p class="more"><a href="{escape(side["href"])}" '
            f'data-hx-get="{escape(side["hx_href"])}" data-hx-target="#caps-{key}-list" '
            f'data-hx-swap="outerHTML">+{side["hidden"]} more '
            f'{"capability" if side["hidden"] == 1 else "capabilities"}</a></p>'
        )
    return mark_safe(
        f'\n  <div id="caps-{key}-list" class="cap-list">\n    {cards}\n    {more}\n  </div>\n  '
    )


def side_html(side: dict) -> SafeString:
    """One side's section: its heading with the number of capabilities, then its cards."""
    key = escape(side["key"])
    return mark_safe(
        f'<section id="caps-{key}" aria-labelledby="caps-{key}-h">\n'
        f'  <h2 id="caps-{key}-h">{escape(side["asset"].name)} capabilities '
        f'<span class="muted n">{side["total"]}</span></h2>\n  '
        f"{side_cards_html(side)}\n</section>"
    )
