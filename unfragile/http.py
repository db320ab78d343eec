"""Views that only show things."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

SAFE_METHODS = ("GET", "HEAD")


def read_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET and HEAD (which uptime checks and link checkers send); any other method gets the
    site's 405 page and an Allow header. Exempt from the CSRF check, which would otherwise
    answer a POST with a 403 about cookies: the view changes nothing whatever is sent."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in SAFE_METHODS:
            response = render(request, "405.html", status=405)
            response["Allow"] = ", ".join(SAFE_METHODS)
            return response
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)


def given_twice(request: HttpRequest, names: Iterable[str]) -> dict[str, list[str]]:
    """Errors for the parameters of `names` that the query string gives more than once
    ("?kind=model&kind=dataset"), as a form's errors are shown: a form would take the last
    silently."""
    return {
        name: [f"given {count} times; give it once"]
        for name in names if (count := len(request.GET.getlist(name))) > 1
    }
