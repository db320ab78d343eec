from __future__ import annotations

import math
import re

from django import template
from django.utils.html import format_html

from catalog import claims, html, records, scoring
from catalog.models import KIND_PLURAL

register = template.Library()

_HTTP_URL = re.compile(r"https?://", re.IGNORECASE)


@register.filter(is_safe=True)
def printable(text: str) -> str:
    """html.printable(): a message may quote what was sent. Escaped text stays escaped
    (is_safe): no entity holds such a character."""
    return html.printable(text)


@register.filter
def kind_plural(kind: str) -> str:
    """A kind's code as a plural noun in running text: "libraries", "APIs"."""
    return KIND_PLURAL.get(kind, kind)


@register.filter
def human_count(value: int | float | None) -> str:
    return "" if value is None else records.human_count(value)


@register.filter
def figure(value: float | None) -> str:
    """A measured value without false precision: 50.3, 0.125, 1,234."""
    if value is None:
        return ""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}" if abs(value) < 1 else f"{value:,.2f}".rstrip("0").rstrip(".")


@register.filter
def with_unit(value: float | None, unit: str) -> str:
    """figure() of a value, then its unit if it has one, in the singular for one of a count."""
    text = figure(value)
    return f"{text} {scoring.unit_for(unit, value)}" if unit and text else text


@register.filter
def ordinal(value: float | None) -> str:
    """A number rounded to a whole one as a place: 1st, 2nd, 23rd, 11th."""
    return "" if value is None else claims.ordinal(math.floor(value + 0.5))  # 2.5: 3rd


@register.filter
def evidence_value(evidence) -> str:
    """An evidence row's value as a reader takes it: with its unit, or "yes" or "no" for a
    signal that is a flag ("Integrated with the Hugging Face Hub: yes", not ": 1")."""
    if evidence.value is not None and scoring.signal(evidence.name).flag:
        return "yes" if evidence.value else "no"
    return with_unit(evidence.value, evidence.unit)


@register.filter
def http_url(value: str | None) -> str:
    """The URL when it is http(s), else "". Links come from imported and curated data; this
    keeps `javascript:`, `data:` and the like from ever becoming a clickable link."""
    return value if value and _HTTP_URL.match(value) else ""


@register.filter
def human_bytes(value: int | None) -> str:
    return "" if value is None else records.human_bytes(value)


@register.simple_tag
def rank_history_svg(history: list[dict], width: int = 320, height: int = 80) -> str:
    """A small line of the rank over time, drawn on the server (0-100 on the vertical axis)."""
    if len(history) < 2:
        return ""
    pad = 4
    n = len(history)
    points = " ".join(
        f"{pad + (width - 2 * pad) * i / (n - 1):.1f},"
        f"{pad + (height - 2 * pad) * (1 - row['new_rank'] / 100):.1f}"
        for i, row in enumerate(history)
    )
    first, last = history[0], history[-1]
    label = (
        f"UnfragileRank from {first['new_rank']:.0f} on {first['at']:%Y-%m-%d} "
        f"to {last['new_rank']:.0f} on {last['at']:%Y-%m-%d}, {n} changes"
    )
    return format_html(
        '<svg class="spark" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-label="{label}"><line x1="0" y1="{mid}" x2="{w}" y2="{mid}" class="spark-mid"/>'
        '<polyline points="{points}" fill="none" class="spark-line"/></svg>',
        w=width, h=height, mid=height / 2, label=label, points=points,
    )
