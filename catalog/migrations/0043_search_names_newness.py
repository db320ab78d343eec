"""Each name the search index holds gets its newness (catalog.search.newness(): the version the
name gives, then the release date), by which the search orders results ranked alike: "claude"
opens with the newest Claude models, not the oldest. Written for every asset here; the index
writes it with every entry from now on. Unapplied, the column goes."""

from django.db import migrations

from catalog.migrations._sql import on_vendor

TABLES = {"sqlite": "catalog_search_name", "postgresql": "catalog_search_doc"}


def write_newness(apps, schema_editor) -> None:
    from catalog.search import newness
    from unfragile import generation

    table = TABLES[schema_editor.connection.vendor]
    assets = apps.get_model("catalog", "Asset").objects.using(
        schema_editor.connection.alias).values_list("id", "name", "released_on")
    values = [(new, asset_id) for asset_id, name, released in assets
              if (new := newness(name, released))]
    if values:
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET newness = %s WHERE asset_id = %s", values)
        # Cached search results follow the index (catalog.search._write()).
        generation.advance()


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0042_search_makers_apart"),
    ]

    operations = [
        on_vendor(vendor, [f"ALTER TABLE {table} ADD COLUMN newness bigint NOT NULL DEFAULT 0"],
                  [f"ALTER TABLE {table} DROP COLUMN newness"])
        for vendor, table in TABLES.items()
    ] + [
        migrations.RunPython(write_newness, migrations.RunPython.noop),
    ]
