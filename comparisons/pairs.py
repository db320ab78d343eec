"""Pairs of assets: canonical order, the lookups of the versus page, its cache key, view counts.

A pair is always in canonical order, the smaller slug first (the URL, `PairNote` and
`PairView` all use it), so "A vs B" and "B vs A" are one page, one note and one counter.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import json
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    F,
    Q,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.db.models.lookups import StartsWith
from django.utils import timezone

from catalog import scoring
from catalog.models import (
    BY_NAME,
    Asset,
    Capability,
    Evidence,
    Organization,
    Score,
    Task,
    loaded_fields,
    name_holds,
    name_qualifiers,
    squashed,
    squashed_name,
    url_for,
)
from catalog.records import ROLES
from catalog.search import NAME_KEYS, family_named
from comparisons.models import CoMatch, Match, PairNote, PairView
from unfragile import cache as unfragile_cache
from unfragile import generation, pagecache
from unfragile.generation import MISSING

logger = logging.getLogger("unfragile.comparisons")

CAPABILITIES_SHOWN = 8
ALTERNATIVES_SHOWN = 5

# The verdict counts a fine-tune as a model (it can replace one); alternatives follow it.
_SAME_KIND = {
    Asset.Kind.MODEL: [Asset.Kind.MODEL, Asset.Kind.FINE_TUNE],
    Asset.Kind.FINE_TUNE: [Asset.Kind.MODEL, Asset.Kind.FINE_TUNE],
}


def canonical(first: str, second: str) -> tuple[str, str]:
    return (first, second) if first <= second else (second, first)


def versus_url(first: str, second: str) -> str:
    a, b = canonical(first, second)
    return url_for("comparisons:versus", a, b)


@dataclass(frozen=True)
class Pair:
    """What one small query knows about a requested pair: enough to redirect, 404 or serve
    the cached page without loading the assets."""

    a_id: int
    a_slug: str
    a_version: int
    b_id: int
    b_slug: str
    b_version: int
    note: str
    note_stamp: str  # when the note last changed, "" without one
    reversed: bool  # requested as "b-vs-a"

    @functools.cached_property
    def url(self) -> str:
        return versus_url(self.a_slug, self.b_slug)

    def cache_key(self, host: str, variant: str) -> str:
        return pagecache.key(
            "versus", host, f"{self.a_id}.{self.a_version}", f"{self.b_id}.{self.b_version}",
            self.note_stamp, variant,
        )


@functools.cache
def _pair_sql(vendor: str) -> str:
    q = connection.ops.quote_name
    asset, note = q(Asset._meta.db_table), q(PairNote._meta.db_table)
    # Only the row of asset_a can own the note, so the join is a lookup on its unique index.
    return (
        f"SELECT a.{q('id')}, a.{q('slug')}, a.{q('version')}, n.{q('note')}, "
        f"n.{q('updated_at')} FROM {asset} a LEFT JOIN {note} n ON n.{q('asset_a_id')} = "
        f"a.{q('id')} AND n.{q('asset_b_id')} = (SELECT b.{q('id')} FROM {asset} b "
        f"WHERE b.{q('slug')} = %s) WHERE a.{q('slug')} IN (%s, %s) AND a.{q('status')} = %s"
    )


_found = generation.memo()


def find_pair(first: str, second: str) -> Pair | None:
    """The published pair, in one query that also brings the pair's note; None if either
    slug is unknown or unpublished, or both are the same.

    Plain SQL: it runs on every view, cached or not, and building the same statement through
    the ORM cost several times more than running it."""
    if first == second:
        return None
    # Remembered while no write has moved the data generation: a cached page then costs
    # no query at all.
    return _found.get((first, second), lambda: _read_pair(first, second))


def sides(first: str, second: str) -> dict[str, Asset]:
    """The assets, published or archived (never a draft), that these slugs name, by slug:
    what the 404 page of a pair not found says of each side. One query."""
    return {
        asset.slug: asset for asset in
        Asset.objects.filter(slug__in={first, second},
                             status__in=[Asset.Status.PUBLISHED, Asset.Status.ARCHIVED])
        .only("slug", "name", "kind", "status")
    }


def find_pair_and_rows(first: str, second: str) -> tuple[Pair | None, PageRows | None]:
    """`find_pair`, and on PostgreSQL, for a pair not remembered, the rows of its page, read
    by slug in one round trip, the assets' rows telling the pair (ids, versions, published
    or not, the note) without a lookup of its own. The rows are None when the pair was
    remembered (its page is then most likely cached) or the database is not PostgreSQL;
    when the page turns out to be cached after all, they cost the server a few index
    lookups for nothing."""
    if first == second or connection.vendor != "postgresql":
        return find_pair(first, second), None
    token = generation.current()
    pair = _found.lookup((first, second), token)
    if pair is not MISSING:
        return pair, None
    a_slug, b_slug = canonical(first, second)
    rows = PageRows(*_read_together([
        (_by_slug(sql), params) for sql, params in _page_statements([a_slug, b_slug], [])
    ]))
    # The pair, as _read_pair finds it, from the assets' own rows.
    found = [
        tuple(row[_AT[name]] for name in ("id", "slug", "version", "note", "note_at"))
        for row in rows.assets if row[_AT["status"]] == Asset.Status.PUBLISHED
    ]
    pair = _pair_from_rows(first, a_slug, b_slug, found)
    _found.remember((first, second), token, pair)
    return pair, (rows if pair is not None and not pair.reversed else None)


def _read_pair(first: str, second: str) -> Pair | None:
    a_slug, b_slug = canonical(first, second)
    with connection.cursor() as cursor:
        cursor.execute(
            _pair_sql(connection.vendor), [b_slug, a_slug, b_slug, Asset.Status.PUBLISHED]
        )
        return _pair_from_rows(first, a_slug, b_slug, cursor.fetchall())


def _pair_from_rows(first: str, a_slug: str, b_slug: str, found: list[tuple]) -> Pair | None:
    rows = {row[1]: row for row in found}
    if len(rows) != 2:
        return None
    a, b = rows[a_slug], rows[b_slug]
    return Pair(
        a_id=a[0], a_slug=a_slug, a_version=a[2],
        b_id=b[0], b_slug=b_slug, b_version=b[2],
        note=a[3] or "", note_stamp=str(a[4] or ""), reversed=first != a_slug,
    )


# What the table, the verdict and the head read, per model of the one query that loads them.
_ASSET_FIELDS = loaded_fields(
    Asset, "id", "slug", "name", "kind", "subtype", "external_id", "status", "licence",
    "pricing", "price_facts", "released_on", "n_parameters", "dataset_samples",
    "dataset_bytes", "base_unresolved", "updated_at", "release_basis", "size_basis", "sources",
    "deprecated_in", "successor",
)
_ORG_FIELDS = loaded_fields(Organization, "id", "name", "slug")
_SCORE_FIELDS = loaded_fields(
    Score, "asset", "rank", "coverage", "provisional", "computed_at", "adoption", "quality",
    "ecosystem", "match_graph",
)
_BASE_FIELDS = loaded_fields(Asset, "id", "slug", "name", "status")


def _columns(model: type, alias: str, names: tuple[str, ...]) -> list[str]:
    q = connection.ops.quote_name
    columns = {f.attname: f.column for f in model._meta.concrete_fields}
    return [f"{alias}.{q(columns[name])}" for name in names]


@functools.cache
def _assets_sql(vendor: str) -> str:
    """Both assets with everything the table and the verdict read, in one statement: the
    model fields, organisation, score, base model, times matched, then (for the pair) the
    version and the editor's note, then tasks and published training data as JSON arrays
    of [id, name, slug], then its co-match edges (`_co_matched_sql`), then its successor's
    name and slug. Columns after the models' are in `_EXTRA` order."""
    q = connection.ops.quote_name
    asset, org = q(Asset._meta.db_table), q(Organization._meta.db_table)
    score, match = q(Score._meta.db_table), q(Match._meta.db_table)
    tasks, task = q(Asset.tasks.through._meta.db_table), q(Task._meta.db_table)
    trained = q(Asset.trained_on.through._meta.db_table)
    note = q(PairNote._meta.db_table)
    columns = ", ".join(
        _columns(Asset, "a", _ASSET_FIELDS) + _columns(Organization, "o", _ORG_FIELDS)
        + _columns(Score, "s", _SCORE_FIELDS) + _columns(Asset, "b", _BASE_FIELDS)
    )

    def as_json(alias: str) -> str:
        return _json_array(vendor, ", ".join(f"{alias}.{q(c)}" for c in ("id", "name", "slug")))

    # Only the first asset of the pair owns its note (notes are stored in canonical order).
    of_pair = (
        f"FROM {note} n WHERE n.{q('asset_a_id')} = a.{q('id')} "
        f"AND n.{q('asset_b_id')} IN (%s, %s)"
    )
    return (
        f"SELECT {columns}, (SELECT COUNT(DISTINCT m.{q('event_id')}) FROM {match} m "
        f"WHERE m.{q('asset_id')} = a.{q('id')}), a.{q('version')}, "
        f"(SELECT n.{q('note')} {of_pair}), (SELECT n.{q('updated_at')} {of_pair}), "
        f"(SELECT {as_json('t')} "
        f"FROM {tasks} x JOIN {task} t ON t.{q('id')} = x.{q('task_id')} "
        f"WHERE x.{q('asset_id')} = a.{q('id')}), "
        f"(SELECT {as_json('d')} "
        f"FROM {trained} x JOIN {asset} d ON d.{q('id')} = x.{q('to_asset_id')} "
        f"WHERE x.{q('from_asset_id')} = a.{q('id')} AND d.{q('status')} = %s), "
        f"{_co_matched_sql(vendor)}, sc.{q('name')}, sc.{q('slug')} "
        f"FROM {asset} a "
        f"LEFT JOIN {org} o ON o.{q('id')} = a.{q('organization_id')} "
        f"LEFT JOIN {score} s ON s.{q('asset_id')} = a.{q('id')} "
        f"LEFT JOIN {asset} b ON b.{q('id')} = a.{q('base_id')} "
        f"LEFT JOIN {asset} sc ON sc.{q('id')} = a.{q('successor_id')} "
        f"WHERE a.{q('id')} IN (%s, %s) "
        # One order whichever way the pair was named: by slug, PostgreSQL may read the
        # table in its physical order, where an edited row comes after the others.
        f"ORDER BY a.{q('id')}"
    )


def _json_array(vendor: str, fields: str) -> str:
    """An aggregate making one JSON array per row of these fields, in an array of them."""
    if vendor == "postgresql":
        return f"json_agg(json_build_array({fields}))"
    return f"json_group_array(json_array({fields}))"


# Where the columns of `_assets_sql` rows start: the asset, organisation, score and base
# model fields, then the columns it adds after them (_EXTRA, in order).
_ORG_AT = len(_ASSET_FIELDS)
_SCORE_AT = _ORG_AT + len(_ORG_FIELDS)
_BASE_AT = _SCORE_AT + len(_SCORE_FIELDS)
_EXTRA_AT = _BASE_AT + len(_BASE_FIELDS)
_EXTRA = ("times_matched", "version", "note", "note_at", "tasks", "trained", "edges",
          "successor_name", "successor_slug")
_AT = {
    **{name: _ASSET_FIELDS.index(name) for name in ("id", "slug", "status")},
    **{name: _EXTRA_AT + i for i, name in enumerate(_EXTRA)},
}


@dataclass
class PageRows:
    """What a versus page reads once its pair is known, as rows: both assets (with their
    tasks and training data), their capability cards and their co-match edges."""

    assets: list[tuple]
    capabilities: list[tuple]

    @functools.cached_property
    def edges(self) -> list[tuple]:
        """Both assets' co-match edges, strongest first: (this asset, the other's id, kind,
        name, slug)."""
        found = []
        for row in self.assets:
            edges = row[_AT["edges"]]
            if isinstance(edges, str):
                edges = json.loads(edges)
            found.extend((row[_AT["id"]], *edge) for edge in edges or ())
        # By weight, then the edge's two ends, as each asset's own list is ordered.
        found.sort(key=lambda e: (-e[5], e[6], e[7], e[0]))
        return [edge[:5] for edge in found]


def read_page_rows(pair: Pair, expanded: list[int]) -> PageRows:
    """The two statements of a versus page after the pair lookup (the assets with all they
    bring, the cards); on PostgreSQL they go to the server together, in one pipeline."""
    return PageRows(*_read_together(_page_statements([pair.a_id, pair.b_id], expanded)))


def _page_statements(ids: list, expanded: list[int]) -> list[tuple[str, list]]:
    published = Asset.Status.PUBLISHED
    return [
        (_assets_sql(connection.vendor), [*ids, *ids, published, published, *ids]),
        (_capabilities_sql(connection.vendor, len(expanded)),
         [*ids, CAPABILITIES_SHOWN, *expanded]),
    ]


@functools.cache
def _by_slug(sql: str) -> str:
    """A page statement taking the pair's two slugs where it took their ids: each
    "IN (%s, %s)" of the statements above names the pair's assets."""
    q = connection.ops.quote_name
    return sql.replace(
        "IN (%s, %s)",
        f"IN (SELECT {q('id')} FROM {q(Asset._meta.db_table)} WHERE {q('slug')} IN (%s, %s))",
    )


def _read_together(statements: list[tuple[str, list]]) -> list[list[tuple]]:
    """The rows of each statement, in order: pipelined on PostgreSQL, one by one elsewhere."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            found = []
            for sql, params in statements:
                cursor.execute(sql, params)
                found.append(cursor.fetchall())
            return found
    connection.ensure_connection()
    cursors = [connection.cursor() for _ in statements]
    try:
        # Errors surface when the pipeline syncs, outside the cursors' own wrapping: turn
        # them into Django's, so an outage still gets the 503 page.
        with connection.wrap_database_errors, connection.connection.pipeline():
            for cursor, (sql, params) in zip(cursors, statements, strict=True):
                cursor.execute(sql, params)
        with connection.wrap_database_errors:
            return [cursor.fetchall() for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()


def load_assets(pair: Pair, rows: PageRows) -> tuple[Asset, Asset]:
    """Both assets, from `read_page_rows`, with everything the table and the verdict read.
    Each gets `times_matched`, `task_list` (its tasks) and `trained_on_list` (published
    training data), by name. Fields not loaded are deferred, as with `.only()`.

    Plain SQL into model instances: on the uncached page, building these statements through
    the ORM took several times longer than running them."""
    jsons = [(_ASSET_FIELDS.index(name), Asset._meta.get_field(name))
             for name in ("price_facts", "sources", "deprecated_in")]
    assets: dict[int, Asset] = {}
    for row in rows.assets:
        values = list(row[:_ORG_AT])
        for at, json_field in jsons:
            values[at] = json_field.from_db_value(values[at], None, connection)
        asset = Asset.from_db("default", _ASSET_FIELDS, values)
        org, score = row[_ORG_AT:_SCORE_AT], row[_SCORE_AT:_BASE_AT]
        base = row[_BASE_AT:_EXTRA_AT]
        asset.organization = (
            Organization.from_db("default", _ORG_FIELDS, org) if org[0] else None
        )
        score = Score.from_db("default", _SCORE_FIELDS, score) if score[0] else None
        # Unlike assigning to `asset.score`, this also caches "no score".
        Asset.score.related.set_cached_value(asset, score)
        asset.base = Asset.from_db("default", _BASE_FIELDS, base) if base[0] else None
        asset.times_matched = row[_AT["times_matched"]] or 0
        # Its successor's name and slug, for the verdict (no instance: the page shows no
        # more of it).
        asset.successor_shown = (
            (row[_AT["successor_name"]], row[_AT["successor_slug"]])
            if row[_AT["successor_slug"]] else None
        )
        tasks, trained = row[_AT["tasks"]], row[_AT["trained"]]
        # By name, then id, as the page lists them.
        asset.task_list = [
            _light(Task, pk, name, slug) for pk, name, slug in _triples(tasks)
        ]
        asset.trained_on_list = [
            _light(Asset, pk, name, slug) for pk, name, slug in _triples(trained)
        ]
        assets[asset.pk] = asset
    a, b = assets[pair.a_id], assets[pair.b_id]
    a.name, b.name = told_apart(a, b)
    return a, b


_TOLD_BY = ("name", "external_id", "slug")


def told_apart(a: Asset | SimpleNamespace, b: Asset | SimpleNamespace) -> tuple[str, str]:
    """The names a page shows for two assets: their own, unless they share one, and then
    each followed by what tells them apart (catalog.models.name_qualifiers())."""
    mark_a, mark_b = name_qualifiers([a, b])
    return (f"{a.name} · {mark_a}" if mark_a else a.name,
            f"{b.name} · {mark_b}" if mark_b else b.name)


def _light(model: type, pk: int, name: str, slug: str):
    """An instance with only its id, name and slug, as `.only()` would load it: building one
    with keyword arguments computed a default for each of the other thirty-odd fields."""
    given = {"id": pk, "name": name, "slug": slug}
    fields = _ID_NAME_SLUG[model]
    return model.from_db("default", fields, [given[attname] for attname in fields])


_ID_NAME_SLUG = {model: loaded_fields(model, "id", "name", "slug") for model in (Asset, Task)}


def _triples(found: str | list | None) -> list[tuple]:
    """[id, name, slug] triples from a JSON array (text on SQLite), sorted by name and id."""
    if isinstance(found, str):
        found = json.loads(found)
    return sorted((tuple(t) for t in found or ()), key=lambda t: (t[1], t[0]))


@dataclass(frozen=True)
class Card:
    """One capability card, as the versus page shows it."""

    title: str
    description: str
    unique_text: str
    vs_text: str
    # (label, value, unit, verification, source name, source URL), or None without evidence
    evidence: tuple | None


@functools.cache
def _capabilities_sql(vendor: str, n_expanded: int) -> str:
    q = connection.ops.quote_name
    cap, ev = q(Capability._meta.db_table), q(Evidence._meta.db_table)
    columns = ", ".join(
        [f"c.{q(name)}" for name in ("asset_id", "title", "description", "unique_claim",
                                      "unique_override", "vs_alternatives", "vs_override")]
        + [f"e.{q(name)}" for name in ("name", "label", "value", "unit", "verification",
                                        "source_name", "source_url")]
    )
    keep = "nth <= %s"
    if n_expanded:
        keep += f" OR asset_id IN ({', '.join(['%s'] * n_expanded)})"
    return (
        f"SELECT * FROM (SELECT {columns}, ROW_NUMBER() OVER (PARTITION BY c.{q('asset_id')} "
        f"ORDER BY c.{q('position')}, c.{q('id')}) AS nth, COUNT(*) OVER (PARTITION BY "
        f"c.{q('asset_id')}) AS total FROM {cap} c LEFT JOIN {ev} e ON e.{q('id')} = "
        f"c.{q('evidence_id')} WHERE c.{q('asset_id')} IN (%s, %s)) AS t "
        f"WHERE {keep} ORDER BY asset_id, nth"
    )


def load_capabilities(
    asset_ids: Iterable[int], expanded: Iterable[int] = (), rows: list[tuple] | None = None
) -> dict[int, dict]:
    """Capability cards per asset in one query: the first few, or all of the expanded ones,
    with each asset's total, so 3 or 300 capabilities cost the same number of queries.

    Plain SQL into plain cards: the ORM's statement building and model instances cost more
    than the query itself on the uncached page."""
    asset_ids, expanded = list(asset_ids), list(expanded)
    ids = (asset_ids * 2)[:2]  # the statement takes two ids; a fragment asks for one
    verification = dict(Evidence.Verification.choices)
    cards: dict[int, dict] = {pk: {"items": [], "total": 0} for pk in asset_ids}
    if rows is None:
        with connection.cursor() as cursor:
            cursor.execute(
                _capabilities_sql(connection.vendor, len(expanded)),
                [*ids, CAPABILITIES_SHOWN, *expanded],
            )
            rows = cursor.fetchall()
    for (asset_id, title, description, unique, unique_o, vs, vs_o, e_name, e_label,
         e_value, e_unit, e_verification, e_source, e_url, _, total) in rows:
        evidence = None
        if e_name is not None:
            evidence = (e_label or e_name, e_value, e_unit,
                        verification.get(e_verification, e_verification), e_source, e_url)
        cards[asset_id]["items"].append(
            Card(title, description, unique_o or unique, vs_o or vs, evidence)
        )
        cards[asset_id]["total"] = total
    return cards


def _best_per_kind_and_task(kinds: set[str], n: int) -> dict[tuple[str, int], list]:
    """The n best-ranked published assets of each of these kinds for every task, in one
    query, leaving out the deprecated and superseded (Asset.objects.current()): suggested
    in their place, they would send a reader to what its makers have left. Rows sort best
    first as (-rank, name, id, slug)."""
    listed = Asset.tasks.through.objects.filter(
        asset__status=Asset.Status.PUBLISHED, asset__deprecated_in=[],
        asset__successor__isnull=True)
    return _best_per_kind(kinds, n, listed, "asset__", "task_id")


def _best_per_kind_and_role(kinds: set[str], n: int) -> dict[tuple[str, str], list]:
    """The n best-ranked published assets of each of these kinds for every role
    (catalog.records.ROLES) among those listing no task, in one query, leaving out the
    deprecated and superseded as _best_per_kind_and_task() does; rows alike."""
    listed = Asset.objects.published().current().filter(
        subtype__in=list(ROLES), tasks__isnull=True)
    return _best_per_kind(kinds, n, listed, "", "subtype")


def _best_per_kind(kinds: set[str], n: int, listed, asset: str, job: str) -> dict:
    """The n best-ranked of each of these kinds per job among `listed`, rows naming an asset
    (its fields under `asset`, a prefix) and its job (the field `job`): {(kind, job): rows}."""
    condition = Q()
    for kind in kinds:
        condition |= Q(**{f"{asset}kind__in": _SAME_KIND.get(kind, [kind])})
    family = Case(
        When(**{f"{asset}kind__in": _SAME_KIND[Asset.Kind.MODEL]}, then=Value(Asset.Kind.MODEL)),
        default=F(f"{asset}kind"),
    )
    best = Window(
        RowNumber(),
        partition_by=[F(job), family],
        order_by=[F(f"{asset}score__rank").desc(nulls_last=True), F(f"{asset}name"),
                  F(f"{asset}id")],
    )
    rows = (
        listed.filter(condition)
        .annotate(family=family, nth=best)
        .filter(nth__lte=n)
        .values_list(f"{asset}kind", job, f"{asset}score__rank", f"{asset}name", f"{asset}id",
                     f"{asset}slug")
        .order_by(job, "nth")
    )
    found: dict[tuple[str, object], list] = {}
    for kind, done, rank, name, asset_id, slug in rows:
        for wanted_kind in _SAME_KIND.get(kind, [kind]):
            if wanted_kind in kinds:
                found.setdefault((wanted_kind, done), []).append(
                    (-(rank if rank is not None else -1.0), name, asset_id, slug)
                )
    return found


# Rows of the best-ranked per (kind, task) kept in the cache: enough for a list of
# alternatives with the asset itself and its pair left out.
_BEST_KEPT = ALTERNATIVES_SHOWN + 2
# Co-match edges read for a pair's closest alternatives, strongest first.
COMATCH_EDGES_READ = 50


_best_remembered = generation.memo()


def role_of(asset: Asset) -> str:
    """The role a registry lists the asset for (catalog.records.ROLES: "agent harness",
    "evaluation framework"), when it lists no task: what it does, as far as the catalog knows;
    "" otherwise. Needs `task_list`."""
    return asset.subtype if not asset.task_list and asset.subtype in ROLES else ""


def best_doing_the_same_job(
    assets: list[Asset], exclude: Iterable[int], limit: int
) -> list[list[Asset]]:
    """For each asset, up to `limit` best-ranked published assets of the same kind that share
    a task with it, best first, leaving out `exclude`; for one listing no task, those of the
    same kind listed for the same role that list none either (role_of(): Claude Code's are
    the other agent harnesses); none for the others, nothing being known to do the same job.
    Each asset needs `task_list`; the results carry `rank`.

    The best few of each kind and task (and role) are cached: every page about an asset of
    that kind and task shares them, and the lookup is the slowest query of a versus page, so
    a miss fills in every task (or role) of the kinds asked for at once.
    """
    exclude = set(exclude)
    bucket = int(time.time() // pagecache.PAGE_TTL)

    def key(kind: str, by: str) -> str:
        kinds = "+".join(_SAME_KIND.get(kind, [kind]))
        return f"alternatives:{by}:{scoring.FORMULA_VERSION}:{bucket}:{_BEST_KEPT}:{kinds}"

    # What each does, as the cached rows are keyed: its tasks' ids, or its role.
    jobs: list[tuple[str, list]] = []
    for asset in assets:
        role = role_of(asset)
        jobs.append(("task", [task.pk for task in asset.task_list]) if asset.task_list
                    else ("role", [role]) if role else ("", []))
    wanted = {key(asset.kind, by): (asset.kind, by)
              for asset, (by, _) in zip(assets, jobs, strict=True) if by}
    # One entry per family of kinds, for all its tasks (or roles): remembered in the process
    # while the data generation stands still (no cache round trip, nothing to unpickle), else
    # from the cache, else read for every family missing at once.
    token = generation.current()
    found = {k: v for k in wanted if (v := _best_remembered.lookup(k, token)) is not MISSING}
    if wanted.keys() - found.keys():
        found.update(cache.get_many(list(wanted.keys() - found.keys())))
    if missing := wanted.keys() - found.keys():
        fresh: dict[str, dict] = {k: {} for k in missing}
        for by, read in (("task", _best_per_kind_and_task), ("role", _best_per_kind_and_role)):
            if kinds := {kind for k, (kind, b) in wanted.items() if k in missing and b == by}:
                for (kind, job), rows in read(kinds, _BEST_KEPT).items():
                    if key(kind, by) in fresh:
                        fresh[key(kind, by)][job] = rows
        cache.set_many(fresh, pagecache.PAGE_TTL)
        found.update(fresh)
    for k in wanted:
        _best_remembered.remember(k, token, found[k])
    results: list[list[Asset]] = []
    for asset, (by, listed) in zip(assets, jobs, strict=True):
        per_job = found.get(key(asset.kind, by), {}) if by else {}
        # An asset listed under several shared tasks is the same row each time.
        rows = sorted({
            row
            for job in listed
            for row in per_job.get(job, [])
            if row[2] not in exclude
        })[:limit]
        found_assets = []
        for negative_rank, name, pk, slug in rows:
            alternative = _light(Asset, pk, name, slug)
            alternative.rank = None if negative_rank == 1.0 else -negative_rank
            found_assets.append(alternative)
        results.append(found_assets)
    return results


@functools.cache
def _co_matched_sql(vendor: str) -> str:
    """A column of the assets' statement: the asset's strongest co-match edges to published
    assets, as a JSON array of [other id, kind, name, slug, weight, asset_a, asset_b]."""
    q = connection.ops.quote_name
    edge, asset = q(CoMatch._meta.db_table), q(Asset._meta.db_table)
    a, b, weight = q("asset_a_id"), q("asset_b_id"), q("weight")
    fields = f"e.there, o.{q('kind')}, o.{q('name')}, o.{q('slug')}, e.w, e.ea, e.eb"
    return (
        f"(SELECT {_json_array(vendor, fields)} FROM ("
        f"SELECT * FROM (SELECT {b} AS there, {weight} AS w, {a} AS ea, {b} AS eb FROM {edge} "
        f"WHERE {a} = a.{q('id')} UNION ALL "
        f"SELECT {a}, {weight}, {a}, {b} FROM {edge} WHERE {b} = a.{q('id')}) x "
        f"ORDER BY w DESC, ea, eb LIMIT {COMATCH_EDGES_READ}"
        f") e JOIN {asset} o ON o.{q('id')} = e.there AND o.{q('status')} = %s)"
    )


def closest_alternatives(
    assets: list[Asset], exclude: Iterable[int], edges: list[tuple]
) -> list[Asset | None]:
    """For each asset, the published asset of the same kind that searches most often
    matched together with it (`source` "co-matched", from `edges`, the page's co-match rows
    read by `read_page_rows`); without one, the best-ranked of the same kind that shares a
    task with it (`source` "rank"), or its role when it lists none (`source` "role",
    role_of()); or None. A query only when the best of their kinds are neither remembered
    nor cached."""
    exclude = set(exclude)
    closest: list[Asset | None] = [None] * len(assets)
    for here, pk, kind, name, slug in edges:
        for i, asset in enumerate(assets):
            if (closest[i] is None and asset.pk == here and pk not in exclude
                    and kind in _SAME_KIND.get(asset.kind, [asset.kind])):
                closest[i] = _light(Asset, pk, name, slug)
                closest[i].source = "co-matched"
    missing = [i for i, found in enumerate(closest) if found is None]
    if missing:
        by_rank = best_doing_the_same_job([assets[i] for i in missing], exclude, limit=1)
        for i, found in zip(missing, by_rank, strict=True):
            if found:
                closest[i] = found[0]
                closest[i].source = "role" if role_of(assets[i]) else "rank"
    return closest


# Pairs offered on the compare page before the reader has one in mind.
STARTERS = 6
_starters_remembered = generation.memo()


def starter_pairs(n: int = STARTERS) -> list[dict]:
    """Published assets beside the published asset they were made from (a fine-tune and its
    base), the best-ranked derived assets first: a comparison the catalog's own facts
    suggest. One query, then none while the data generation stands still."""
    return _starters_remembered.get(n, lambda: _starter_pairs(n))


def _starter_pairs(n: int) -> list[dict]:
    derived = (
        Asset.objects.published().filter(base__status=Asset.Status.PUBLISHED)
        .order_by(F("score__rank").desc(nulls_last=True), *BY_NAME)
        .values_list("name", "slug", "base__name", "base__slug")[:n]
    )
    return [
        {"url": versus_url(slug, base_slug), "name": name, "base_name": base_name}
        for name, slug, base_name, base_slug in derived
    ]


def suggest(text: str, limit: int = 8) -> list[Asset]:
    """Typeahead over published asset names and slugs: prefix matches first, then by rank,
    then the newest (the search's newness(): "claude" suggests Claude Opus 5.5, not Claude
    2.0, of those ranked alike). A name is found however either writes a number apart
    (name_holds(): "gpt4o", GPT-4o), and the words find the names of the family they name
    (family_named(): "claude 4", Claude Opus 4.8; "claude sonnet", Claude 4.6 Sonnet)."""
    text = text.strip()
    if len(text) < 2:
        return []
    # Read from the search index, which holds each name's newness (migration 0043).
    names = f"{NAME_KEYS[connection.vendor]} n WHERE n.asset_id = {Asset._meta.db_table}.id"
    newness = RawSQL(f"(SELECT n.newness FROM {names})", [])
    found = name_holds(text) | Q(slug__icontains=text)
    order = [When(StartsWith(squashed_name(), squashed(text)), then=Value(0))]
    if family := family_named(text):
        # The names of the family the words name that they do not start, as the search
        # finds them: ending with a version, the names giving it after another word ("claude
        # 4": Claude Opus 4.7), which count as starting with the words; several words, the
        # names starting with the first and holding the others ("claude sonnet": Claude 4.6
        # Sonnet), after those starting with them all ("gpt image": GPT Image 2, then
        # gpt-5-image, another line).
        alike = Q(RawSQL(f"EXISTS (SELECT 1 FROM {names} AND "
                         f"{family.alike('n.name_key', 'n.newness')})",
                         family.alike_params(), output_field=BooleanField()))
        found |= alike
        order.append(When(alike, then=Value(0 if family.lead else 1)))
    return list(
        Asset.objects.published()
        .filter(found)
        .alias(prefix=Case(*order, default=Value(2)), newness=newness)
        .select_related("organization")
        .only("slug", "name", "external_id", "kind", "organization__name")
        .order_by("prefix", F("score__rank").desc(nulls_last=True),
                  F("newness").desc(nulls_last=True), *BY_NAME)[:limit]
    )


# View counting. A page view is counted in the process (no database write and no cache
# operation on the request path); at most every PUSH_SECONDS, and when it flushes or exits, a
# process adds the views it counted to per-pair counters in the cache, one operation per pair
# viewed rather than per view. Every FLUSH_EVERY views a process counts (but not more often
# than every FLUSH_SECONDS), or when `manage.py flush_pair_views` runs, the counts in the
# cache are added to PairView in one upsert, and the home page's list of most-viewed
# comparisons is rebuilt into the cache. With a shared cache (Redis) nothing is lost but the
# last second of views of a process killed outright; with the per-process local-memory cache
# a process that exits loses the views it counted since its last flush, and a new process
# shows that list only after its first flush. A flush runs in a thread of its own, so the
# view that triggers it does not wait: with thousands of pairs viewed in a day it reads and
# decrements thousands of counters. At thousands of views a second, flushing by count alone
# took several percent of a worker, hence FLUSH_SECONDS; a cache operation per view took
# five percent of a cached versus page's throughput (bench/versus.py), hence PUSH_SECONDS.
PUSH_SECONDS = 1.0
FLUSH_EVERY = 1000
FLUSH_SECONDS = 10.0
FLUSH_IN_BACKGROUND = True  # off in tests that check a flush as part of the view
_unflushed = [0, 0.0]  # views this process counted since its last flush; when it may flush
_pending: dict[tuple[str, int, int], int] = {}  # views counted here, not yet in the cache
_pending_lock = threading.Lock()  # gunicorn's threads count into the same dict
_push_at = [0.0]  # when this process next adds its pending views to the cache
_day = ["", 0.0]  # today's date as counted, and the epoch second it ends


def _today() -> str:
    """timezone.localdate() as a string, worked out once a day rather than per view."""
    now = time.time()
    if now >= _day[1]:
        local = timezone.localtime()
        ends = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        _day[:] = [local.date().isoformat(), ends.timestamp()]
    return _day[0]
_KEEP = 60 * 60 * 24 * 7  # pending counts of a day stay flushable for a week
_DAYS_FLUSHED = 7
MOST_VIEWED_KEY = "pairviews:top"
MOST_VIEWED_DAYS = 30
MOST_VIEWED_SHOWN = 10


def record_view(pair: Pair, today: date | None = None) -> None:
    day = today.isoformat() if today else _today()
    key = (day, pair.a_id, pair.b_id)
    with _pending_lock:
        _pending[key] = _pending.get(key, 0) + 1
    now = time.monotonic()
    if now >= _push_at[0]:
        _push_at[0] = now + PUSH_SECONDS
        push_views()
    _unflushed[0] += 1
    if _unflushed[0] >= FLUSH_EVERY and now >= _unflushed[1]:
        _unflushed[:] = [0, now + FLUSH_SECONDS]
        if FLUSH_IN_BACKGROUND:
            # A flush reads and decrements one counter per pair viewed that day: with
            # thousands of pairs, seconds that the view which triggered it must not wait.
            threading.Thread(target=_flush_in_background, name="pair-views", daemon=True).start()
        else:
            _flush_logged()


def push_views() -> None:
    """Add the views this process counted to the counters in the cache that a flush reads."""
    with _pending_lock:
        pending = _pending.copy()
        _pending.clear()
    for (day, a, b), n in pending.items():
        if unfragile_cache.count(f"pairviews:{day}:{a}:{b}", _KEEP, by=n) == n:
            # This push made the counter: the flush finds a day's pairs through numbered
            # slots, an atomic counter, so that two processes registering pairs at once
            # never overwrite each other.
            slot = unfragile_cache.count(f"pairviews:{day}:slots", _KEEP)
            cache.set(f"pairviews:{day}:slot:{slot}", (a, b), _KEEP)


def forget_pending_views() -> None:
    """Drop the views this process counted and has not pushed (tests start afresh)."""
    with _pending_lock:
        _pending.clear()
    _push_at[0] = 0.0


@atexit.register
def _push_at_exit() -> None:
    # A worker stopping (a restart, a deploy) keeps the views it counted last.
    with contextlib.suppress(Exception):
        push_views()


def _flush_logged() -> None:
    try:
        flush_views()
    except DatabaseError:
        # Counts stay pending in the cache; the next flush takes them.
        logger.exception("Flushing pair views failed")


def _flush_in_background() -> None:
    try:
        _flush_logged()
    finally:
        # This thread's own connection: back to the pool (or closed) as a request's would be.
        connection.close()


def flush_views(today: date | None = None) -> int:
    """Add every pending count to PairView; returns the number of views written."""
    push_views()
    if not cache.add("pairviews:flushing", 1, 60):
        return 0  # another process is flushing the same counters
    try:
        today = today or timezone.localdate()
        written = sum(
            _flush_day(today - timedelta(days=back)) for back in range(_DAYS_FLUSHED)
        )
        _refresh_most_viewed()
        return written
    finally:
        cache.delete("pairviews:flushing")


def _flush_day(day: date) -> int:
    prefix = f"pairviews:{day.isoformat()}"
    slots = cache.get(f"{prefix}:slots") or 0
    if not slots:
        return 0
    pairs = cache.get_many([f"{prefix}:slot:{n}" for n in range(1, slots + 1)]).values()
    keys = {f"{prefix}:{a}:{b}": (a, b) for a, b in pairs}
    pending = {key: n for key, n in cache.get_many(list(keys)).items() if n}
    if not pending:
        return 0
    # An asset deleted since its views were counted has no row to point at.
    ids = {pk for key in pending for pk in keys[key]}
    alive = set(Asset.objects.filter(pk__in=ids).values_list("pk", flat=True))
    rows = [(*keys[key], day, n) for key, n in pending.items() if set(keys[key]) <= alive]
    if rows:
        _upsert(rows)
    # Subtract what was written rather than reset: views counted meanwhile stay pending.
    for key, n in pending.items():
        with contextlib.suppress(ValueError):  # expired meanwhile: nothing left to subtract
            cache.decr(key, n)
    return sum(row[3] for row in rows)


def _upsert(rows: list[tuple[int, int, date, int]]) -> None:
    quote = connection.ops.quote_name
    table = quote(PairView._meta.db_table)
    count = quote("count")
    values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    sql = (
        f"INSERT INTO {table} ({quote('asset_a_id')}, {quote('asset_b_id')}, {quote('day')}, "
        f"{count}) VALUES {values} ON CONFLICT ({quote('asset_a_id')}, {quote('asset_b_id')}, "
        f"{quote('day')}) DO UPDATE SET {count} = {table}.{count} + excluded.{count}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


def _refresh_most_viewed() -> list[dict]:
    since = timezone.localdate() - timedelta(days=MOST_VIEWED_DAYS)
    published = Asset.Status.PUBLISHED
    top = (
        PairView.objects.filter(
            day__gt=since, asset_a__status=published, asset_b__status=published
        )
        .values("asset_a__slug", "asset_a__name", "asset_a__external_id",
                "asset_b__slug", "asset_b__name", "asset_b__external_id")
        .annotate(views=Sum("count"))
        .order_by("-views", "asset_a__slug", "asset_b__slug")[:MOST_VIEWED_SHOWN]
    )
    listed = []
    for row in top:
        a, b = (SimpleNamespace(**{f: row[f"asset_{side}__{f}"] for f in _TOLD_BY})
                for side in "ab")
        a_name, b_name = told_apart(a, b)
        listed.append({"a_name": a_name, "b_name": b_name, "url": versus_url(a.slug, b.slug),
                       "views": row["views"]})
    cache.set(MOST_VIEWED_KEY, listed, None)
    return listed


def most_viewed() -> list[dict] | None:
    """The most-viewed comparisons of the last 30 days, from the cache only (None when the
    cache has not been filled yet), so the home page pays no query for them."""
    return cache.get(MOST_VIEWED_KEY)
