"""The match graph: which assets real searches on this site matched, and which together.

A search counts once per (session, query, filters, day). Events and their top-10 matches are
written by the search request in one transaction (with a browser's first search, held until
it came back with the session cookie); `rebuild_match_graph()` turns them, set-based,
into co-match edges and two match graph signals per asset (Evidence rows), then recomputes
the scores. Nothing here invents a match: no searches, no edges, no signals.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from catalog.models import Asset, Evidence
from catalog.records import article
from comparisons import pairs
from comparisons.models import CoMatch, Match, SearchEvent
from unfragile import cache as unfragile_cache
from unfragile import generation, robots

MATCHES_RECORDED = 10
# Where a rebuild puts the edges before they replace the old ones.
REBUILT = "comparisons_comatch_rebuilt"
ORIGIN = "match-graph"
SOURCE_NAME = "searches on this site"
SOURCE_URL = "/methodology/"
# The session key that marks a browser as one that keeps cookies (see search_views).
SESSION_FLAG = "searcher"

def session_hash(session_key: str) -> str:
    """Keyed with SECRET_KEY, so the stored hash cannot be matched to a cookie without it."""
    return salted_hmac("comparisons.graph.session", session_key, algorithm="sha256").hexdigest()


def filters_key(filters: dict[str, str]) -> str:
    return "&".join(f"{k}={v}" for k, v in sorted(filters.items()) if v)


def record_search(
    query: str, filters: dict[str, str], session_key: str, matches: list[tuple[int, int | None]],
    now: datetime | None = None,
) -> bool:
    """Count one search with its top matches (asset id, capability id), best first.

    Returns False when this session already made this search today. The cache answers most
    repeats without a query; the unique constraint settles the rest.
    """
    return record_searches(session_key, [Search(query, filters, matches, now)]) == 1


@dataclass(frozen=True)
class Search:
    """A search to count: as normalised, its filters, its top matches (asset id, capability
    id) best first, and when it was made (None: now)."""

    query: str
    filters: dict[str, str]
    matches: list[tuple[int, int | None]]
    at: datetime | None = None


def record_searches(session_key: str, searches: list[Search]) -> int:
    """Count searches of one session in one transaction (record_search()); returns how many
    were not counted before. A search counted meanwhile by another server is skipped, not the
    others with it."""
    fresh = []
    for search in searches:
        now = search.at or timezone.now()
        day = timezone.localdate(now)
        event = SearchEvent(
            query=search.query[:500], filters={k: v for k, v in search.filters.items() if v},
            filters_key=filters_key(search.filters)[:255], session_hash=session_hash(session_key),
            day=day,
        )
        seen_key = "search-seen:" + salted_hmac(
            "comparisons.graph.seen",
            f"{event.session_hash}|{event.query}|{event.filters_key}|{day}", algorithm="sha256",
        ).hexdigest()
        tomorrow = datetime.combine(day + timedelta(days=1), datetime.min.time(), now.tzinfo)
        # While Redis is away the unique constraint alone settles repeats: nothing is lost.
        timeout = max(60, int((tomorrow - now).total_seconds()))
        if unfragile_cache.add_first(seen_key, 1, timeout):
            fresh.append((event, search.matches))
    if not fresh:
        return 0
    counted = 0
    # Alone, a search needs no savepoint of its own: the transaction is one.
    several = len(fresh) > 1
    try:
        with transaction.atomic():
            for event, matches in fresh:
                try:
                    with transaction.atomic(savepoint=several):
                        event.save(force_insert=True)
                        Match.objects.bulk_create([
                            Match(event=event, asset_id=asset_id, capability_id=capability_id,
                                  position=position)
                            for position, (asset_id, capability_id) in enumerate(
                                matches[:MATCHES_RECORDED], start=1
                            )
                        ])
                except IntegrityError:
                    if not several:
                        raise
                    continue  # counted by another server, or before the cache was cleared
                counted += 1
    except IntegrityError:
        return 0
    return counted


def counts_as_search(request: HttpRequest, settled: bool) -> bool:
    """A full page load, or a live request the browser marked as settled; from a browser that
    kept the session cookie set on an earlier search page and is not a known robot. (A HEAD
    request shows nobody any results.)"""
    return by_a_reader(request, settled) and _has_searched(request)


def by_a_reader(request: HttpRequest, settled: bool) -> bool:
    """A GET from a browser (not a known robot), of a full page or a request it settled on."""
    return (request.method == "GET" and (settled or not request.htmx)
            and not robots.is_bot(request))


def _has_searched(request: HttpRequest) -> bool:
    return bool(request.session.session_key) and request.session.get(SESSION_FLAG) is True


# A browser's first search page comes before the session cookie that tells it from a crawler
# (crawlers keep none), so it cannot count at once: it is held in the session that page
# starts, with a cookie saying so, and counted when the browser comes back with both on its
# next request, whatever the page (HeldSearchMiddleware). A client keeping no cookies never
# comes back with them: its searches are never counted.
HELD = "held-search"
HELD_COOKIE = "searched"


def hold_first_search(request: HttpRequest, search: Search, settled: bool) -> bool:
    """Hold `search` in the session when it is a reader's first (a full page from a browser
    with no search page behind it); the response is to set HELD_COOKIE. Returns whether it
    was held."""
    if not by_a_reader(request, settled) or _has_searched(request):
        return False
    hold(request, Search(search.query, search.filters, search.matches[:MATCHES_RECORDED],
                               timezone.now()))
    return True


def take_held_search(request: HttpRequest) -> Search | None:
    """The search held in the session of a browser come back with HELD_COOKIE, taken out of
    it; None when it holds none, or for a request that does not count (a robot's, a HEAD)."""
    if HELD_COOKIE not in request.COOKIES or not by_a_reader(request, settled=True):
        return None
    held = request.session.pop(HELD, None)
    if not isinstance(held, dict):
        return None
    return Search(held["query"], held["filters"],
                  [(asset_id, capability_id) for asset_id, capability_id in held["matches"]],
                  datetime.fromisoformat(held["at"]))


def hold(request: HttpRequest, search: Search) -> None:
    """Hold `search` in the session (a first search, or one taken that could not be counted
    while the database was away); the browser's next request counts it."""
    request.session[HELD] = {
        "query": search.query, "filters": search.filters,
        "matches": [list(match) for match in search.matches], "at": search.at.isoformat(),
    }


# Rebuild -------------------------------------------------------------------------------------


@dataclass
class RebuildReport:
    edges: int
    times_matched: int
    weighted_degree: int
    deleted: int
    scores: dict


def rebuild_match_graph(today: date | None = None) -> RebuildReport:
    """Rebuild edges and signals from all events, in a fixed number of statements."""
    from catalog.recompute import recompute_scores

    today = today or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        written, edges = _write_graph(today, now)
        stale = Evidence.objects.filter(origin=ORIGIN).filter(
            Q(name="times_matched") & ~Q(asset__in=Match.objects.values("asset_id"))
            | Q(name="weighted_degree")
            & ~Q(asset__in=CoMatch.objects.values("asset_a_id"))
            & ~Q(asset__in=CoMatch.objects.values("asset_b_id"))
            | ~Q(name__in=["times_matched", "weighted_degree"])
        )
        # And one that loses a signal.
        Asset.objects.filter(id__in=stale.values("asset_id")).update(version=F("version") + 1)
        deleted, _ = stale.delete()
        generation.advance()
        scores = recompute_scores(reason="match graph rebuilt")
    return RebuildReport(edges, written["times_matched"], written["weighted_degree"], deleted,
                         scores)


def _write_graph(today: date, now: datetime) -> tuple[dict[str, int], int]:
    match, event = Match._meta.db_table, SearchEvent._meta.db_table
    comatch, asset = CoMatch._meta.db_table, Asset._meta.db_table
    evidence = Evidence._meta.db_table
    with connection.cursor() as cursor:
        # One edge per pair of assets in the same top 10, in canonical order (smaller slug
        # first, as versus URLs); weight = number of events that matched both. Built aside
        # first, so that the assets whose edges change can be told (below).
        cursor.execute(f"""
            CREATE TEMPORARY TABLE {REBUILT} AS
            SELECT m1.asset_id AS asset_a_id, m2.asset_id AS asset_b_id, COUNT(*) AS weight,
                MAX(e.created_at) AS last_seen
            FROM {match} m1
            JOIN {match} m2 ON m2.event_id = m1.event_id AND m2.asset_id <> m1.asset_id
            JOIN {asset} a1 ON a1.id = m1.asset_id
            JOIN {asset} a2 ON a2.id = m2.asset_id AND a1.slug < a2.slug
            JOIN {event} e ON e.id = m1.event_id
            GROUP BY m1.asset_id, m2.asset_id
        """)
        # An asset whose alternatives change gets a new version, as a recompute gives one
        # whose score moved, so that its cached pages (keyed by version) are made anew.
        cursor.execute(f"""
            UPDATE {asset} SET version = version + 1 WHERE id IN (
                WITH old_only AS (
                    SELECT asset_a_id, asset_b_id, weight FROM {comatch}
                    EXCEPT SELECT asset_a_id, asset_b_id, weight FROM {REBUILT}
                ), new_only AS (
                    SELECT asset_a_id, asset_b_id, weight FROM {REBUILT}
                    EXCEPT SELECT asset_a_id, asset_b_id, weight FROM {comatch}
                )
                SELECT asset_a_id FROM old_only UNION SELECT asset_b_id FROM old_only
                UNION SELECT asset_a_id FROM new_only UNION SELECT asset_b_id FROM new_only
            )
        """)
        cursor.execute(f"DELETE FROM {comatch}")
        cursor.execute(
            f"INSERT INTO {comatch} (asset_a_id, asset_b_id, weight, last_seen) "
            f"SELECT asset_a_id, asset_b_id, weight, last_seen FROM {REBUILT}"
        )
        edges = cursor.rowcount
        cursor.execute(f"DROP TABLE {REBUILT}")
        signals = {
            # Match has one row per (event, asset), so COUNT(*) counts distinct events.
            "times_matched": (
                "Times matched", "searches",
                f"SELECT asset_id, COUNT(*) AS n FROM {match} GROUP BY asset_id",
            ),
            "weighted_degree": (
                "Co-match weight", "",
                f"SELECT asset_id, SUM(weight) AS n FROM ("
                f" SELECT asset_a_id AS asset_id, weight FROM {comatch}"
                f" UNION ALL SELECT asset_b_id, weight FROM {comatch}) edges GROUP BY asset_id",
            ),
        }
        written = {}
        empty_json = "'{}'::jsonb" if connection.vendor == "postgresql" else "'{}'"
        for name, (label, unit, values) in signals.items():
            # Upsert; a row whose value did not change is left alone, so a rerun writes nothing.
            cursor.execute(f"""
                INSERT INTO {evidence} (asset_id, dimension, name, label, value, unit, settings,
                    settings_key, source_name, source_url, observed_at, verification, origin,
                    created_at, updated_at)
                SELECT v.asset_id, %s, %s, %s, v.n, %s, {empty_json}, '', %s, %s, %s, %s, %s,
                    %s, %s
                FROM ({values}) v
                WHERE v.n > 0
                ON CONFLICT (asset_id, name, settings_key, origin) DO UPDATE SET
                    value = excluded.value, observed_at = excluded.observed_at,
                    updated_at = excluded.updated_at
                WHERE {evidence}.value <> excluded.value
            """, [Evidence.Dimension.MATCH_GRAPH, name, label, unit, SOURCE_NAME, SOURCE_URL,
                  today, Evidence.Verification.COMPUTED, ORIGIN, now, now])
            written[name] = cursor.rowcount
        # So does an asset whose Times Matched or co-match weight the upserts wrote (their
        # rows carry this run's time), for the match graph figures its page shows.
        cursor.execute(
            f"UPDATE {asset} SET version = version + 1 WHERE id IN ("
            f"SELECT asset_id FROM {evidence} WHERE origin = %s AND updated_at = %s)",
            [ORIGIN, now],
        )
    return written, edges


# Alternatives --------------------------------------------------------------------------------


@dataclass
class Alternatives:
    assets: list[Asset]
    # "co-matched": searches matched them together; "similar": same kind and a shared task,
    # "role": same kind and role, for an asset listing no task (pairs.role_of()); either shown
    # only while no search has co-matched the asset.
    # (The pages say which, in their own words: catalog/asset.html, search/search.html.)
    source: str


@functools.cache
def _edges_sql(limit: int) -> str:
    """The other ends of one asset's co-match edges, strongest first. Plain SQL: it runs for
    every asset page rendered, and building it through the ORM cost more than running it."""
    q = connection.ops.quote_name
    edge, a, b, weight = q(CoMatch._meta.db_table), q("asset_a_id"), q("asset_b_id"), q("weight")
    return (
        f"SELECT other FROM (SELECT {b} AS other, {weight} AS w, {a} AS ea, {b} AS eb "
        f"FROM {edge} WHERE {a} = %s UNION ALL SELECT {a}, {weight}, {a}, {b} FROM {edge} "
        f"WHERE {b} = %s) e ORDER BY w DESC, ea, eb LIMIT {limit}"
    )


def alternatives_listed(asset: Asset, tasks: list | None = None) -> dict:
    """The assets to compare `asset` with (alternatives_for()), as pages list them: where
    they come from (`source`) and, for each, its name, rank and the pair's versus URL."""
    found = alternatives_for(asset, tasks)
    role = pairs.role_of(asset) if found.source == "role" else ""
    ranks = {alt.rank for alt in found.assets}
    return {
        "source": found.source,
        # The role they share, for "role": "an agent harness".
        "listed_as": f"{article(role)} {role}" if role else "",
        # The rank they all share when the best ranked are all ranked alike (none with
        # evidence yet: 50), so that "highest UnfragileRank first" says they come by name.
        "tied": ranks.pop() if found.source != "co-matched" and len(found.assets) > 1
        and len(ranks) == 1 else None,
        "items": [
            {"name": alt.name, "rank": alt.rank, "url": pairs.versus_url(asset.slug, alt.slug)}
            for alt in found.assets
        ],
    }


def alternatives_for(
    asset: Asset, tasks: list | None = None, limit: int = pairs.ALTERNATIVES_SHOWN
) -> Alternatives:
    """The assets searches most often matched together with this one, strongest first; while
    there are none, the best-ranked of the same kind that share a task (`tasks`, the asset's
    own, read when not given), or of the same role when it lists none (pairs.role_of()).
    Each carries `rank`. Two queries with co-matches; without, one, and one more when the
    best of its kind are not cached."""
    with connection.cursor() as cursor:
        cursor.execute(_edges_sql(limit * 3), [asset.pk, asset.pk])
        order = [other for (other,) in cursor.fetchall()]
    if order:
        found = Asset.objects.published().filter(id__in=order).for_cards().in_bulk()
        assets = [found[i] for i in order if i in found][:limit]
        if assets:
            for other in assets:
                other.rank = other.score.rank if hasattr(other, "score") else None
            return Alternatives(assets, "co-matched")
    asset.task_list = list(asset.tasks.all()) if tasks is None else tasks
    [similar] = pairs.best_doing_the_same_job([asset], exclude=[asset.pk], limit=limit)
    return Alternatives(similar, "role" if pairs.role_of(asset) else "similar")
