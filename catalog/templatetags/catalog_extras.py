from __future__ import annotations

from django import template

from catalog import records

register = template.Library()


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
def human_bytes(value: int | None) -> str:
    return "" if value is None else records.human_bytes(value)
