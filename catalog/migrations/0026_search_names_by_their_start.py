"""While the last word of several is being typed, the names starting with what was typed are
found by a range of the name index ("sentence transf": sentence transformers;
catalog.search._Names). PostgreSQL compares the range in byte order, which an index in the
"C" collation keeps whatever the database's own collation is; SQLite's name index already
compares bytes."""

from django.db import migrations

from catalog.migrations._sql import on_vendor

POSTGRES_FORWARD = [
    'CREATE INDEX catalog_search_doc_name_c ON catalog_search_doc (name_key COLLATE "C")',
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS catalog_search_doc_name_c"]


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0025_search_licence_terms"),
    ]

    operations = [on_vendor("postgresql", POSTGRES_FORWARD, POSTGRES_BACKWARD)]
