from __future__ import annotations

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

from catalog.models import Asset, Task
from comparisons import graph, pairs

register = template.Library()

# What `json_script` escapes: nothing in the JSON can then end the script element.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def ld_json(value: object) -> SafeString:
    """JSON for a <script type="application/ld+json"> block, escaped as `json_script` does
    so no text in it can close the element."""
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(_SCRIPT_ESCAPES))


@register.simple_tag
def compare_alternatives(asset: Asset, tasks: list[Task]) -> dict:
    """Assets to compare this one with, each with its versus URL (graph.alternatives_listed)."""
    return graph.alternatives_listed(asset, tasks)


@register.simple_tag
def most_viewed_comparisons() -> list[dict]:
    """The most-viewed comparisons, from the cache: no query."""
    return pairs.most_viewed() or []


@register.simple_tag
def versus_url(first: Asset, second: Asset) -> str:
    return pairs.versus_url(first.slug, second.slug)
