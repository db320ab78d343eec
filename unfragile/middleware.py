"""Answer 503, not 500, while the database is unreachable."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from psycopg_pool import PoolTimeout

log = logging.getLogger("unfragile.db")

# Seconds a client is asked to wait; the pool reconnects by itself in the meantime.
RETRY_AFTER = 10


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database gets the site's 503 page with Retry-After.

    Django wraps psycopg's errors (a pool timeout included) in its own OperationalError and
    InterfaceError; the pool's PoolTimeout is listed too for code that calls the pool directly.
    Other database errors (an IntegrityError, say) are bugs and stay 500s.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return unavailable_response(request, exception)


def unavailable_response(request: HttpRequest, exception: Exception) -> HttpResponse | None:
    """The 503 page for an error that means the database cannot be reached, else None."""
    if not isinstance(exception, OperationalError | InterfaceError | PoolTimeout):
        return None
    if settings.DEBUG:
        return None  # a developer wants the traceback ("no such table" is one of these)
    log.warning("database unavailable for %s: %s", request.path, exception)
    # The page reads nothing from the database (base.html shows no user or messages).
    response = render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response
