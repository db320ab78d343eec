"""Each name the search index holds gets its newness (catalog.search.newness(): the version the
name gives, then the release date), by which the search orders results ranked alike: "claude"
opens with the newest Claude models, not the oldest. Written for every asset here; the index
writes it with every entry from now on. Unapplied, the column goes."""

from django.db import migrations

from catalog.migrations._sql import NAME_TABLES, on_vendor, write_names_column


def write_newness(apps, schema_editor) -> None:
    from catalog.search import newness

    assets = apps.get_model("catalog", "Asset").objects.using(
        schema_editor.connection.alias).values_list("id", "name", "released_on")
    write_names_column(schema_editor, "newness", [
        (new, asset_id) for asset_id, name, released in assets
        if (new := newness(name, released))])


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0042_search_makers_apart"),
    ]

    operations = [
        on_vendor(vendor, [f"ALTER TABLE {table} ADD COLUMN newness bigint NOT NULL DEFAULT 0"],
                  [f"ALTER TABLE {table} DROP COLUMN newness"])
        for vendor, table in NAME_TABLES.items()
    ] + [
        migrations.RunPython(write_newness, migrations.RunPython.noop),
    ]
