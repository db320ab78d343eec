"""Plain SQL that a migration runs on one kind of database only (the search index is written
in each database's own SQL). Django's migration loader skips modules whose names start with
an underscore, so this is a helper, not a migration."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import migrations


def on_vendor(vendor: str, forward: list[str], backward: list[str]) -> migrations.RunPython:
    """An operation running `forward` (and `backward` when unapplied) on `vendor` only."""

    def run(statements: list[str]):
        def apply(apps, schema_editor) -> None:
            if schema_editor.connection.vendor == vendor:
                for sql in statements:
                    schema_editor.execute(sql)

        return apply

    return migrations.RunPython(run(forward), run(backward))


_WORDS = (
    "INSERT INTO catalog_search_word (word) SELECT DISTINCT "
    "unnest(tsvector_to_array(document)) FROM catalog_search_doc ON CONFLICT DO NOTHING"
)


def reindex_everything() -> migrations.RunPython:
    """An operation writing every asset's search entry again (catalog.search.reindex_assets),
    for a change to what the entries hold; PostgreSQL also learns the new words, for spelling
    out typed prefixes (migration 0011). Unapplied: nothing to undo, the entries only hold
    more words."""
    return reindex_some(lambda apps, alias: list(
        apps.get_model("catalog", "Asset").objects.using(alias).values_list("id", flat=True)))


def reindex_some(select: Callable[[Any, str], list[int]]) -> migrations.RunPython:
    """reindex_everything() for the assets `select(apps, database alias)` names: those whose
    entries a change to how texts are read alters."""

    def apply(apps, schema_editor) -> None:
        from catalog.search import ensure_configuration, merge_pending, reindex_assets

        if schema_editor.connection.vendor == "postgresql":
            # The configuration the current code writes with (migration 0015).
            with schema_editor.connection.cursor() as cursor:
                ensure_configuration(cursor)
        ids = select(apps, schema_editor.connection.alias)
        if not ids:
            return
        reindex_assets(ids, using=schema_editor.connection.alias, apps=apps)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(_WORDS)
        merge_pending(schema_editor.connection.alias)

    return migrations.RunPython(apply, migrations.RunPython.noop)


# The table holding each asset's name key: SQLite's of its own, PostgreSQL's beside the
# document (catalog.search.NAME_KEYS, as the migrations made them).
NAME_TABLES = {"sqlite": "catalog_search_name", "postgresql": "catalog_search_doc"}


def write_names_column(schema_editor, column: str, values: list[tuple[Any, int]]) -> None:
    """Write `column` of the name rows: (value, asset id) pairs, for a column a migration
    adds beside the name keys and fills from the assets' names."""
    from unfragile import generation

    if not values:
        return
    table = NAME_TABLES[schema_editor.connection.vendor]
    with schema_editor.connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {column} = %s WHERE asset_id = %s", values)
    # Cached search results follow the index (catalog.search._write()).
    generation.advance()
