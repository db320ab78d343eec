"""The assets deprecated or superseded, indexed apart (a partial index of their ids), so that
a search puts the current before them by reading these few rows once, not each candidate's
row (catalog.search._current()). The condition is catalog.search.RETIRED_SQL, which a query
must spell the same for the database to read the index."""

from django.db import migrations

from catalog.migrations._sql import on_vendor

# As catalog.search.RETIRED_SQL holds it: written here as well, since a migration keeps what
# it did when the code moves on.
RETIRED = {
    "sqlite": "successor_id IS NOT NULL OR deprecated_in <> '[]'",
    "postgresql": "successor_id IS NOT NULL OR deprecated_in <> '[]'::jsonb",
}
DROP = ["DROP INDEX IF EXISTS catalog_asset_retired"]


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0040_search_organisation_namespaces"),
    ]

    operations = [
        on_vendor(vendor, [f"CREATE INDEX catalog_asset_retired ON catalog_asset (id) "
                           f"WHERE {condition}"], DROP)
        for vendor, condition in RETIRED.items()
    ]
