"""The exact name pass also finds a name without the qualifier in brackets that ends it
("gpt-4o": "GPT-4o (2024-05-13)"; catalog.search.base_key()). Each name row gets that key,
with a partial index over the names that have one; it is written for the names ending in a
bracket, the others keep the empty key."""

from django.db import migrations

from catalog.migrations._sql import on_vendor, write_names_column

SQLITE_FORWARD = [
    "ALTER TABLE catalog_search_name ADD COLUMN base_key text NOT NULL DEFAULT ''",
    "CREATE INDEX catalog_search_name_base ON catalog_search_name (base_key) "
    "WHERE base_key <> ''",
]
SQLITE_BACKWARD = [
    "DROP INDEX IF EXISTS catalog_search_name_base",
    "ALTER TABLE catalog_search_name DROP COLUMN base_key",
]
POSTGRES_FORWARD = [
    "ALTER TABLE catalog_search_doc ADD COLUMN base_key text NOT NULL DEFAULT ''",
    "CREATE INDEX catalog_search_doc_base ON catalog_search_doc (base_key) "
    "WHERE base_key <> ''",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS catalog_search_doc_base",
    "ALTER TABLE catalog_search_doc DROP COLUMN IF EXISTS base_key",
]


def write_base_keys(apps, schema_editor) -> None:
    from catalog.search import base_key

    names = apps.get_model("catalog", "Asset").objects.using(
        schema_editor.connection.alias
    ).filter(name__endswith=")").values_list("id", "name")
    write_names_column(schema_editor, "base_key", [
        (key, asset_id) for asset_id, name in names if (key := base_key(name))])


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0017_search_names_apart_from_numbers"),
    ]

    operations = [
        on_vendor("sqlite", SQLITE_FORWARD, SQLITE_BACKWARD),
        on_vendor("postgresql", POSTGRES_FORWARD, POSTGRES_BACKWARD),
        migrations.RunPython(write_base_keys, migrations.RunPython.noop),
    ]
