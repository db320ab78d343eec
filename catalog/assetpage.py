"""What the asset page shows, read in plain SQL (catalog.rawload): five statements.

1. the asset with its organisation, score, base model and successor (slug and name), and
   the external ids of the published assets sharing its name;
2. its tasks, by name;
3. its capabilities, in order, each with its task and evidence;
4. its evidence, by dimension, name and settings;
5. its rank history, oldest first.

The lineage lists and the alternatives are read by catalog.views and comparisons.graph.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db import connection

from catalog.models import (
    Asset,
    Capability,
    Evidence,
    Organization,
    Score,
    ScoreHistory,
    Task,
    name_qualifiers,
)
from catalog.rawload import Columns
from catalog.search import NAME_KEYS

# The imported record (the page shows the fields made from it) and its hash are never read.
ASSET = Columns(Asset, "a", exclude=("record", "import_hash"))
ORGANIZATION = Columns(Organization, "o")
SCORE = Columns(Score, "s")
BASE = Columns(Asset, "b", only=("id", "slug", "name"))
SUCCESSOR = Columns(Asset, "sc", only=("id", "slug", "name"))
TASK = Columns(Task, "t")
CAPABILITY = Columns(Capability, "c")
CAPABILITY_TASK = Columns(Task, "ct")
EVIDENCE = Columns(Evidence, "e")
CAPABILITY_EVIDENCE = Columns(Evidence, "ce")
HISTORY = Columns(ScoreHistory, "h", only=("at", "new_rank", "reason"))


@dataclass
class AssetPage:
    asset: Asset
    tasks: list[Task]
    capabilities: list[Capability]
    evidence: list[Evidence]
    history: list[dict]
    # What tells the asset from the published ones sharing its name (name_qualifiers()), ""
    # when none does.
    name_mark: str = ""


def _table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@functools.cache
def _statements(vendor: str) -> dict[str, str]:
    q = connection.ops.quote_name
    asset, task, cap = _table(Asset), _table(Task), _table(Capability)
    evidence, history = _table(Evidence), _table(ScoreHistory)
    links = _table(Asset.tasks.through)
    # Names are not unique ("PaLM-2 (Bison)" three times): the assets whose names the search
    # index keys alike, by its index on the key (catalog_search_name on SQLite,
    # catalog_search_doc on PostgreSQL), their external ids one string.
    keys = NAME_KEYS[vendor]
    ids = (f"string_agg(m.{q('external_id')}, chr(31))" if vendor == "postgresql"
           else f"group_concat(m.{q('external_id')}, char(31))")
    namesakes = (
        f"(SELECT {ids} FROM {keys} k JOIN {keys} n ON n.name_key = k.name_key "
        f"AND n.asset_id <> k.asset_id JOIN {asset} m ON m.{q('id')} = n.asset_id "
        f"WHERE k.asset_id = a.{q('id')} AND m.{q('status')} = '{Asset.Status.PUBLISHED}')"
    )
    return {
        "asset": (
            f"SELECT {ASSET.sql}, {ORGANIZATION.sql}, {SCORE.sql}, {BASE.sql}, {SUCCESSOR.sql}, "
            f"{namesakes} "
            f"FROM {asset} a "
            f"LEFT JOIN {_table(Organization)} o ON o.{q('id')} = a.{q('organization_id')} "
            f"LEFT JOIN {_table(Score)} s ON s.{q('asset_id')} = a.{q('id')} "
            f"LEFT JOIN {asset} b ON b.{q('id')} = a.{q('base_id')} "
            f"LEFT JOIN {asset} sc ON sc.{q('id')} = a.{q('successor_id')} "
            f"WHERE a.{q('slug')} = %s AND a.{q('status')} <> %s"
        ),
        "tasks": (
            f"SELECT {TASK.sql} FROM {links} x JOIN {task} t ON t.{q('id')} = x.{q('task_id')} "
            f"WHERE x.{q('asset_id')} = %s ORDER BY t.{q('name')}, t.{q('id')}"
        ),
        "capabilities": (
            f"SELECT {CAPABILITY.sql}, {CAPABILITY_TASK.sql}, {CAPABILITY_EVIDENCE.sql} "
            f"FROM {cap} c LEFT JOIN {task} ct ON ct.{q('id')} = c.{q('task_id')} "
            f"LEFT JOIN {evidence} ce ON ce.{q('id')} = c.{q('evidence_id')} "
            f"WHERE c.{q('asset_id')} = %s ORDER BY c.{q('position')}, c.{q('id')}"
        ),
        "evidence": (
            f"SELECT {EVIDENCE.sql} FROM {evidence} e WHERE e.{q('asset_id')} = %s "
            f"ORDER BY e.{q('dimension')}, e.{q('name')}, e.{q('settings_key')}, e.{q('id')}"
        ),
        "history": (
            f"SELECT {HISTORY.sql} FROM {history} h "
            f"WHERE h.{q('asset_id')} = %s ORDER BY h.{q('at')}, h.{q('id')}"
        ),
    }


def _split(row: tuple, *parts: Columns) -> list:
    made, start = [], 0
    for part in parts:
        made.append(part.make(row[start:start + len(part)]))
        start += len(part)
    return made


def load(slug: str) -> AssetPage | None:
    """The page's rows for this slug, or None when no asset outside the drafts has it."""
    sql = _statements(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql["asset"], [slug, Asset.Status.DRAFT])
        row = cursor.fetchone()
        if row is None:
            return None
        asset, organization, score, base, successor = _split(
            row, ASSET, ORGANIZATION, SCORE, BASE, SUCCESSOR)
        asset.organization = organization
        # Unlike assigning to `asset.score`, this also remembers "no score".
        Asset.score.related.set_cached_value(asset, score)
        asset.base = base
        asset.successor = successor
        name_mark = ""
        if namesakes := row[-1]:
            others = [Asset(name=asset.name, external_id=external_id, slug=external_id)
                      for external_id in namesakes.split(chr(31))]
            name_mark = name_qualifiers([asset, *others])[0]

        cursor.execute(sql["tasks"], [asset.pk])
        tasks = [TASK.make(values) for values in cursor.fetchall()]

        cursor.execute(sql["capabilities"], [asset.pk])
        capabilities = []
        for values in cursor.fetchall():
            capability, task, evidence = _split(
                values, CAPABILITY, CAPABILITY_TASK, CAPABILITY_EVIDENCE
            )
            capability.task, capability.evidence, capability.asset = task, evidence, asset
            capabilities.append(capability)

        cursor.execute(sql["evidence"], [asset.pk])
        evidence_rows = [EVIDENCE.make(values) for values in cursor.fetchall()]
        # Percentiles come with the score, so none of these rows needs a query for its own.
        placed = score.placings() if score else {}
        for evidence in evidence_rows + [c.evidence for c in capabilities if c.evidence]:
            evidence.placing = placed.get(evidence.pk)

        cursor.execute(sql["history"], [asset.pk])
        history = [
            dict(zip(HISTORY.attnames, HISTORY.convert(values), strict=True))
            for values in cursor.fetchall()
        ]
    return AssetPage(asset, tasks, capabilities, evidence_rows, history, name_mark)
