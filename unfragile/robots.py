"""Requests from crawlers, link previewers and scripted clients: they never count as searches
(comparisons.graph) and are spared the work done for readers only (catalog.views)."""

from __future__ import annotations

import re

from django.http import HttpRequest

BOT_AGENTS = re.compile(
    r"bot|crawl|spider|slurp|archiver|preview|facebookexternalhit|embedly|headless|"
    r"python-|curl|wget|httpclient|okhttp|go-http|java/|libwww|scrapy|monitor|lighthouse",
    re.IGNORECASE,
)


def is_bot(request: HttpRequest) -> bool:
    agent = request.headers.get("User-Agent", "")
    return not agent or bool(BOT_AGENTS.search(agent))
