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
    this request's. Counted in the shared cache, per client address hashed (the address
    itself is not kept), once per request whoever asks first."""
    if (limited := getattr(request, "search_rate_limited", None)) is not None:
        return limited
    client = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{client}".encode()).hexdigest()[:32]
    count = cache.count(f"search-rate:{digest}", 60)
    request.search_rate_limited = count > settings.SEARCH_RATE_LIMIT
    return request.search_rate_limited
