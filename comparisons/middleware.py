"""Serve versus pages to anonymous readers before the rest of the middleware runs.

A shared link to a versus page brings many anonymous readers to one URL. For them the page
is the same bytes, from the cache or rendered once and stored, and sessions, CSRF,
authentication, messages, htmx and URL resolving have nothing to add: skipping them about
halves what a cached page costs (bench/versus.py). The middleware sits after
SecurityMiddleware, WhiteNoise, the frame and CSP middleware, so the response carries the
same headers (and its own CSP nonce) as one from the view. Anything else (a query string,
HX-Request, a session cookie, a reversed or unknown pair, another method) goes on to the
full stack and the view.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from comparisons import search_views, views
from unfragile import htmx

# As the URLconf's "compare/<slug:a>-vs-<slug:b>/", for paths with one "-vs-" only: the
# view answers the rest (a 404 for two).
_VERSUS_PATH = re.compile(r"/compare/([-a-zA-Z0-9_]+?)-vs-([-a-zA-Z0-9_]+)/")


class _AnswerEarly:
    """A middleware that may answer a request itself, before the rest: each subclass says
    when and how in its `answer()`, which returns None to let the request go on."""

    answer: Callable[[HttpRequest], HttpResponse | None]

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.answer(request)
        return self.get_response(request) if response is None else response


class VersusCacheMiddleware(_AnswerEarly):
    def answer(self, request: HttpRequest) -> HttpResponse | None:
        meta = request.META
        if (
            request.method == "GET"
            and not meta.get("QUERY_STRING")
            and "HTTP_HX_REQUEST" not in meta
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and (match := _VERSUS_PATH.fullmatch(request.path_info))
            and "-vs-" not in match[2]
        ):
            return views.cached_page(request, match[1], match[2])
        return None


class LiveSearchCacheMiddleware(_AnswerEarly):
    """Answer live-search keystrokes whose results are cached before the rest of the
    middleware, as VersusCacheMiddleware does for versus pages: a keystroke (an HTMX request
    not marked settled) reads no session and counts nothing, so sessions, CSRF,
    authentication, messages and the URLconf have nothing to add. Everything else, and a
    keystroke the cache cannot answer, goes on to the view."""

    def answer(self, request: HttpRequest) -> HttpResponse | None:
        meta = request.META
        if (
            request.method == "GET"
            and request.path_info == "/search/"
            and meta.get("HTTP_HX_REQUEST") == "true"
            and meta.get("HTTP_X_SEARCH_SETTLED") != "1"
            and not htmx.is_restore(request)
        ):
            return search_views.cached_keystroke(request)
        return None
