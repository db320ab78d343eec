"""Requests from crawlers, link previewers and scripted clients: they never count as searches
(comparisons.graph) and are spared the work done for readers only (catalog.views); and the
per-client limit on searches, wherever a request runs one."""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.http import HttpRequest

from unfragile import cache

BOT_AGENTS = re.compile(
    r"bot|crawl|spider|slurp|archiver|preview|facebookexternalhit|embedly|headless|"
    r"python-|curl|wget|httpclient|okhttp|go-http|java/|libwww|scrapy|monitor|lighthouse",
    re.IGNORECASE,
)


def is_bot(request: HttpRequest) -> bool:
    agent = request.headers.get("User-Agent", "")
    return not agent or bool(BOT_AGENTS.search(agent))


def search_rate_limited(request: HttpRequest) -> bool:
    """Whether this client has run more than SEARCH_RATE_LIMIT searches this minute, counting
    this request's (rate_limited())."""
    return rate_limited(request, "search", settings.SEARCH_RATE_LIMIT)


def typeahead_rate_limited(request: HttpRequest) -> bool:
    """The same for the compare form's suggestions, one a pause in typing: counted apart
    from searches, so that typing two names leaves the reader's searches alone."""
    return rate_limited(request, "typeahead", settings.TYPEAHEAD_RATE_LIMIT)


def rate_limited(request: HttpRequest, bucket: str, limit: int) -> bool:
    """Whether this client has made more than `limit` requests of `bucket` this minute,
    counting this one. Counted in the shared cache, per client address hashed (the address
    itself is not kept), once per request whoever asks first."""
    counted = request.__dict__.setdefault("rate_limited", {})
    if (limited := counted.get(bucket)) is not None:
        return limited
    client = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{client}".encode()).hexdigest()[:32]
    counted[bucket] = cache.count(f"{bucket}-rate:{digest}", 60) > limit
    return counted[bucket]
