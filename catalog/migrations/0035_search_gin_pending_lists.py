"""PostgreSQL merges the entries its search indexes hold pending.

A GIN index takes new entries into a pending list that every search reads through whole,
until a VACUUM merges it into the index or it outgrows 4 MB (catalog.search.merge_pending()).
After `load_catalog` the lists held every entry of the bundled catalog, and on a server whose
autovacuum is off, or has not come round yet, they stay. `load_catalog` and the migrations
writing entries again now merge them as they finish; the lists already pending are merged
here. SQLite: nothing to do.
"""

from django.db import migrations

INDEXES = ("catalog_search_doc_fts", "catalog_search_doc_head", "catalog_search_doc_pairs")


def merge(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SELECT " + ", ".join(
            f"gin_clean_pending_list('{index}'::regclass)" for index in INDEXES))


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0034_search_signed_language_names"),
    ]

    operations = [migrations.RunPython(merge, migrations.RunPython.noop)]
