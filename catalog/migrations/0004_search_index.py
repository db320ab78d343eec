"""The full-text search index (catalog/search.py): FTS5 on SQLite, a stored tsvector on PostgreSQL.

The tables are plain SQL kept in step by catalog.search.reindex_assets(); no foreign key to
catalog_asset, because Django's test flush truncates only the tables it knows about (a key would
make TRUNCATE fail on PostgreSQL). Searches join catalog_asset, so a leftover row never shows.
After creating the tables the migration indexes the assets that already exist.
"""

from django.db import migrations

SQLITE_CREATE = [
    # name: the asset's names (weight like "A"); titles: capability titles ("B"); body: the
    # rest ("C"). Porter stemming so "segment" finds "segmentation", as PostgreSQL's english
    # configuration does.
    "CREATE VIRTUAL TABLE catalog_search_fts USING fts5("
    "name, titles, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    # Exact-name lookups ("an exact name match comes first") and the prefix suggestions on the
    # no-results path.
    "CREATE TABLE catalog_search_name (asset_id integer NOT NULL PRIMARY KEY, "
    "name_key text NOT NULL)",
    "CREATE INDEX catalog_search_name_key ON catalog_search_name (name_key)",
]
SQLITE_DROP = [
    "DROP TABLE IF EXISTS catalog_search_name",
    "DROP TABLE IF EXISTS catalog_search_fts",
]

POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TABLE catalog_search_doc ("
    " asset_id bigint NOT NULL PRIMARY KEY,"
    " name_key text NOT NULL,"
    " document tsvector NOT NULL)",
    # Full-text matches: document @@ to_tsquery(...).
    "CREATE INDEX catalog_search_doc_fts ON catalog_search_doc USING gin (document)",
    # Exact-name lookups.
    "CREATE INDEX catalog_search_doc_name ON catalog_search_doc (name_key)",
    # Closest names on the no-results path: name_key % query, by similarity.
    "CREATE INDEX catalog_search_doc_trgm ON catalog_search_doc USING gin (name_key gin_trgm_ops)",
]
POSTGRES_DROP = ["DROP TABLE IF EXISTS catalog_search_doc"]


def create(apps, schema_editor):
    statements = POSTGRES_CREATE if schema_editor.connection.vendor == "postgresql" else SQLITE_CREATE
    for sql in statements:
        schema_editor.execute(sql)
    Asset = apps.get_model("catalog", "Asset")
    ids = list(Asset.objects.values_list("id", flat=True))
    if ids:
        from catalog.search import reindex_assets

        reindex_assets(ids, using=schema_editor.connection.alias, apps=apps)


def drop(apps, schema_editor):
    statements = POSTGRES_DROP if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0003_evidence_percentile"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
