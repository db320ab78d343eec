"""SQLite finds close names by their trigrams, as PostgreSQL does with pg_trgm: a name
misspelt in its first letters ("gtp-4o") shares no prefix with the right one, so the prefix
search of catalog.search.closest_names() offered nothing. An FTS5 table with the trigram
tokenizer (SQLite 3.34 and later) holds each asset's name key with its words padded as
pg_trgm pads them (catalog.search.padded_words()), written with the other search rows
(catalog.search._write()); this creates and fills it."""

from django.db import migrations


def create(apps, schema_editor) -> None:
    from catalog.search import SQLITE_TRIGRAMS, padded_words
    from unfragile import generation

    if schema_editor.connection.vendor != "sqlite" or not SQLITE_TRIGRAMS:
        return  # PostgreSQL has pg_trgm; an SQLite older than 3.34 keeps the prefix search
    schema_editor.execute(
        "CREATE VIRTUAL TABLE catalog_search_trigram USING fts5(name_key, tokenize='trigram')"
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT asset_id, name_key FROM catalog_search_name")
        rows = [(asset_id, padded_words(key)) for asset_id, key in cursor.fetchall()]
        cursor.executemany(
            "INSERT INTO catalog_search_trigram (rowid, name_key) VALUES (%s, %s)", rows
        )
    # Cached "no results" pages list closest names: they may now list others.
    generation.advance()


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS catalog_search_trigram")


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0020_dismissed_capabilities"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
