"""Leave room in PostgreSQL's pages for new versions of the rows a recompute rewrites.

recompute_scores writes each evidence row's stored percentile (the first recompute after an
import writes all of them), bumps the version of every asset whose score moved, and upserts
scores. With full pages each new row version lands on another page and every index of the
table gets a new entry for it. With room on the page, and none of those columns indexed,
the new versions stay on their page as heap-only tuples (HOT) and the indexes are left
alone. At 100,000 assets the first recompute on PostgreSQL took 110 s without and 73 s with
the evidence setting (bench/recompute.py). Rows loaded before this migration keep their
pages until the table is rewritten (VACUUM FULL). SQLite has no such setting.
"""

from django.db import migrations

# Tables whose rows every recompute may rewrite in place: evidence (its percentile), assets
# (their version, which keys the cached pages) and scores.
FILLFACTORS = {"catalog_evidence": 50, "catalog_asset": 70, "catalog_score": 50}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table, fillfactor in FILLFACTORS.items():
            schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {fillfactor})")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in FILLFACTORS:
            schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0006_search_head"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
