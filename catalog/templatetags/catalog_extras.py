from __future__ import annotations

from django import template

from catalog import records

register = template.Library()


@register.filter
def human_count(value: int | float | None) -> str:
    return "" if value is None else records.human_count(value)


@register.filter
def human_bytes(value: int | None) -> str:
    return "" if value is None else records.human_bytes(value)
