"""Search at 100,000 assets (bench/search.py): keep PostgreSQL's documents in the heap, and add
a short vector of names and capability titles for the first, cheap pass over candidates.

- `document` STORAGE MAIN: out-of-line (TOAST) documents hid their size from the planner, which
  then chose a sequential scan over the GIN index and de-toasted every row (0.6-0.8 s a query
  at 100,000 assets). The UPDATE writes the existing rows again under the new storage.
- `head`: the A and B weighted part of `document` (names, capability titles), generated from
  it, with its own GIN index: matches there are taken as candidates before matches in the rest.

SQLite needs neither: FTS5 filters columns itself (`{name titles} : ...`).
"""

from django.db import migrations

from catalog.migrations._sql import on_vendor

POSTGRES_FORWARD = [
    "ALTER TABLE catalog_search_doc ALTER COLUMN document SET STORAGE MAIN",
    "UPDATE catalog_search_doc SET document = document || ''::tsvector",
    "ALTER TABLE catalog_search_doc ADD COLUMN head tsvector "
    "GENERATED ALWAYS AS (ts_filter(document, '{a,b}')) STORED",
    # The first candidate pass in catalog.search: head @@ to_tsquery(...).
    "CREATE INDEX catalog_search_doc_head ON catalog_search_doc USING gin (head)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS catalog_search_doc_head",
    "ALTER TABLE catalog_search_doc DROP COLUMN IF EXISTS head",
    "ALTER TABLE catalog_search_doc ALTER COLUMN document SET STORAGE EXTENDED",
]


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0005_asset_record"),
    ]

    operations = [
        on_vendor("postgresql", POSTGRES_FORWARD, POSTGRES_BACKWARD),
    ]
