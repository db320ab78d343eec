"""The sitemaps, kept in the page cache per data generation.

Rendering the assets' sitemap costs a fraction of a second for the bundled catalog and grows
with it (50,000 addresses a page), while it changes only when the data does: crawlers that
come back get the stored body, or a 304 for the ETag they hold."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from unfragile import pagecache

# What Django's sitemap views say to crawlers about the sitemap itself.
ROBOTS_TAG = "noindex, noodp, noarchive"
# How long crawlers and shared caches may keep a sitemap without asking again.
MAX_AGE = 3600


def cached(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`view` (an index or a section, its page in the query string) answered from the page
    cache while the data generation stands still, for anyone to keep for MAX_AGE."""

    @functools.wraps(view)
    def answer(request: HttpRequest, **kwargs) -> HttpResponse:
        page_key = pagecache.generation_key("sitemap", request, kwargs.get("section", ""))
        if page_key is not None and (
                response := pagecache.cached_response(request, page_key)) is not None:
            response["Content-Type"] = "application/xml"
            response["X-Robots-Tag"] = ROBOTS_TAG
        else:
            response = view(request, **kwargs)
            response.render()
            if page_key is not None and response.status_code == 200:
                pagecache.store(page_key, response.content)
                response["ETag"] = pagecache.etag(page_key)
        # The same for every reader: nothing in it is anyone's own.
        response["Cache-Control"] = f"public, max-age={MAX_AGE}"
        return response

    return answer
