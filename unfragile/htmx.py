"""What an HTMX request means here, beyond django-htmx.

htmx asks for a page with `HX-Request: true` both to swap a part of it (a live search, a
browse filter) and, when Back or Forward finds nothing in its own history cache, to restore
the whole page (`HX-History-Restore-Request: true`). The second must get the whole page:
`HistoryRestoreMiddleware` makes `request.htmx` false for it, so views answer as to a
browser, and every response that depends on HX-Request also varies on the restore header
(VARY), so that no cache hands a part to a restore or a whole page to a swap.

The site's htmx config (templates/base.html) reloads the page on a history miss instead,
so this answers pages loaded before it, and any other client that restores by request.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

VARY = ("HX-Request", "HX-History-Restore-Request")
RESTORE_META = "HTTP_HX_HISTORY_RESTORE_REQUEST"


def is_restore(request: HttpRequest) -> bool:
    return request.META.get(RESTORE_META) == "true"


class HistoryRestoreMiddleware:
    """After django-htmx's middleware: a history restore is answered as a page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_restore(request):
            request.htmx = False
        return self.get_response(request)
