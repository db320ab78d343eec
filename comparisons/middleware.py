"""Serve versus pages to anonymous readers before the rest of the middleware runs.

A shared link to a versus page brings many anonymous readers to one URL. For them the page
is the same bytes, from the cache or rendered once and stored, and sessions, CSRF,
authentication, messages, htmx and URL resolving have nothing to add: skipping them about
halves what a cached page costs (bench/versus.py). The middleware sits after
SecurityMiddleware, WhiteNoise, the frame and CSP middleware, so the response carries the
same headers (and its own CSP nonce) as one from the view. Anything else (a query string,
HX-Request, a session cookie, a reversed or unknown pair, another method) goes on to the
full stack and the view.

Further in, after the sessions middleware, HeldSearchMiddleware counts a browser's first
search once the browser comes back with the session cookie.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from comparisons import graph, search_views, views
from unfragile import htmx

log = logging.getLogger(__name__)

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


class HeldSearchMiddleware:
    """Count the search a browser's first search page held in its session, on the browser's
    next request with the cookie saying so, whatever the page (comparisons.graph), and clear
    the cookie; set it on the page that holds one. Between the sessions middleware and the
    view: a request without the cookie costs a dictionary lookup."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "search_held", False):
            response.set_cookie(
                graph.HELD_COOKIE, "1", max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
            )
        elif graph.HELD_COOKIE in request.COOKIES and graph.by_a_reader(request, settled=True):
            if held := graph.take_held_search(request):
                try:
                    graph.record_searches(request.session.session_key, [held])
                except DatabaseError:
                    log.warning("A held search was not counted: the database is away",
                                exc_info=True)
                    graph.hold(request, held)
                    return response
            # Counted now, or by the search page this is; or its session is gone.
            response.delete_cookie(graph.HELD_COOKIE, samesite="Lax")
            # Not for a shared cache to keep: the cookie goes with this one reader.
            patch_cache_control(response, private=True)
        return response
