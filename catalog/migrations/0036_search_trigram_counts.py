"""SQLite: how many names hold each trigram can be read (catalog_search_trigram_vocab).

The names closest to a long need are those holding most of its trigrams. Matching the names
that hold any of them read nearly every name at 100,000 assets (half a second); a name that
may be close enough must hold one of each of a few groups of them, and a group of the
rarest holds few names (catalog.search.trigram_match()). Which are rarest this table tells.
PostgreSQL, and an SQLite without the trigram table: nothing to do.
"""

from django.db import migrations


def create(apps, schema_editor) -> None:
    from catalog.search import SQLITE_TRIGRAMS

    if schema_editor.connection.vendor == "sqlite" and SQLITE_TRIGRAMS:
        schema_editor.execute("CREATE VIRTUAL TABLE catalog_search_trigram_vocab "
                              "USING fts5vocab(catalog_search_trigram, 'row')")


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS catalog_search_trigram_vocab")


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0035_search_gin_pending_lists"),
    ]

    operations = [migrations.RunPython(create, drop)]
