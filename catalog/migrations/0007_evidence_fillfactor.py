"""Leave room in PostgreSQL's evidence pages for a new version of every row.

recompute_scores writes each evidence row's stored percentile; the first recompute after an
import writes all of them. With full pages each new row version lands on another page and
every index of the table gets a new entry for it. With half of each page free, and no index
on `percentile`, the new versions stay on their page as heap-only tuples (HOT) and the
indexes are left alone (bench/recompute.py, "first"). Rows loaded before this migration keep
their pages until the table is rewritten (VACUUM FULL). SQLite has no such setting.
"""

from django.db import migrations

FILLFACTOR = 50


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE catalog_evidence SET (fillfactor = {FILLFACTOR})")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE catalog_evidence RESET (fillfactor)")


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0006_search_head"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
