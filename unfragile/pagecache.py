"""Rendered pages shared by every reader: versus pages and asset pages.

A page is cached under a key made of what it shows: the data versions of the assets on it
(every save, import and recompute bumps them, so an edit shows at once), the template
version, the formula version and the host. A page also shows facts about other rows that do
not bump those versions (the names of a base model or of alternatives, Times Matched), so
the key also holds the hour: a rendered page is reused for at most PAGE_TTL.

A cached page is rendered with NONCE_MARKER where the per-response CSP nonce goes and with
no CSRF token, and served with an ETag (a matching If-None-Match gets a 304) and
Cache-Control: public for anonymous readers, private for anyone with a session cookie.

Finding a page's key takes a lookup (slug to id and version); a process remembers its answers
while the data generation stands still (unfragile.generation), so a cached page is served
without a query.
"""

from __future__ import annotations

import functools
import hashlib
import time

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.utils.cache import get_conditional_response

from catalog import scoring
from unfragile import generation

# Bump when a cached template or what renders into it changes, so every page is made anew.
PAGE_VERSION = "40"
PAGE_TTL = 60 * 60
# Anonymous readers and shared caches may keep a page this long without asking again.
MAX_AGE = 60
NONCE_MARKER = "cspnonce7c1e0versus"
# What a cached page's context sets instead of per-reader values.
SHARED_CONTEXT = {"csrf_token": "", "csp_nonce": NONCE_MARKER}


def key(kind: str, host: str, *parts: object) -> str:
    bucket = int(time.time() // PAGE_TTL)
    raw = "|".join(map(str, (
        PAGE_VERSION, static_version(), scoring.FORMULA_VERSION, host, *parts, bucket
    )))
    return f"{kind}:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


@functools.cache
def static_version() -> str:
    """The hash of the static files manifest ("" without one, as with DEBUG on).

    A cached page links to the stylesheet and scripts by their hashed names: a deploy that
    changes one of them must make pages anew, or they would link to files that are gone.
    The manifest does not change while a process runs."""
    return getattr(staticfiles_storage, "manifest_hash", "") or ""


def generation_key(kind: str, request: HttpRequest, *parts: object) -> str | None:
    """The key of a page that depends only on its query string and the data (browse
    pages; search results are keyed by their normalised query, in comparisons.search_views):
    per data generation (unfragile.generation), or None when the generation cannot be read
    and the page must not be cached."""
    token = generation.current()
    if token is None:
        return None
    return key(kind, request.get_host(), token, *parts, request.META.get("QUERY_STRING", ""))


def etag(page_key: str) -> str:
    return f'W/"{page_key.partition(":")[2]}"'


# The request headers that get_conditional_response() reads.
_CONDITIONS = (
    "HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE"
)


def cached_response(request: HttpRequest, page_key: str) -> HttpResponse | None:
    """A 304 for a matching ETag, the cached page, or None when it must be rendered."""
    # Most requests ask without a condition: no need to work through them.
    if any(name in request.META for name in _CONDITIONS):
        response = get_conditional_response(request, etag=etag(page_key))
        if response is not None:
            return with_headers(request, response, page_key)
    body = cache.get(page_key)
    return None if body is None else respond(request, page_key, body)


def store(page_key: str, body: bytes) -> None:
    cache.set(page_key, body, PAGE_TTL)


def respond(request: HttpRequest, page_key: str | None, body: bytes) -> HttpResponse:
    """The shared body with this response's nonce, and the cache headers when it has a key."""
    if NONCE_MARKER.encode() in body:
        body = body.replace(NONCE_MARKER.encode(), str(get_nonce(request)).encode())
    if page_key is None:
        return HttpResponse(body)
    return with_headers(request, HttpResponse(body), page_key)


def with_headers(request: HttpRequest, response: HttpResponse, page_key: str) -> HttpResponse:
    response["ETag"] = etag(page_key)
    # Set whole rather than patched: nothing before the view sets Cache-Control.
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        # Someone signed in (or who once was): keep it out of shared caches.
        response["Cache-Control"] = "private, no-cache"
    else:
        response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response
