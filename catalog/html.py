"""HTML that pages build in Python rather than in templates, where a loop is costly."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def options_html(
    items: Iterable[tuple[str, str]], selected: str, empty: str | None = None
) -> SafeString:
    """<option>s for a filter's <select>, the selected one marked; `empty` labels a first
    option with no value. Hundreds of options cost the template engine milliseconds a page
    (each one resolves the selected value again), and a join of escaped strings almost
    nothing."""
    html = [] if empty is None else [f'<option value="">{escape(empty)}</option>']
    for value, label in items:
        if isinstance(label, list):  # a group of choices, as Django writes them
            html.append(f'<optgroup label="{escape(value)}">{options_html(label, selected)}'
                        "</optgroup>")
            continue
        mark = " selected" if value == selected else ""
        html.append(f'<option value="{escape(value)}"{mark}>{escape(label)}</option>')
    return mark_safe("".join(html))


def printable(text: str) -> str:
    """`text` without the characters that print nothing (NUL, controls): for showing what
    was sent."""
    return "".join(ch for ch in str(text) if ch.isprintable())
