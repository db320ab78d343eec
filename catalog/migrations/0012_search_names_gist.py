"""PostgreSQL: closest names by a nearest-neighbour scan of a GiST trigram index.

The no-results path suggests the asset names closest to the query (catalog.search,
closest_names). Through the GIN trigram index PostgreSQL had to collect every name sharing
enough trigrams with the query and then sort them all: for a common misspelling such as
"clasification" at 100,000 assets, 730 ms. A GiST index hands the names over nearest first,
so the scan stops at the first few: 30-45 ms. The GIN index served only that query.
SQLite: nothing to do (it suggests names by their shared prefix).
"""

from django.db import migrations

from catalog.migrations._sql import on_vendor

POSTGRES_FORWARD = [
    # On lower(name_key), the same text (name keys are folded already), not on name_key:
    # gist_trgm_ops also answers `=`, slowly (7 ms), and the planner took it over the btree
    # for the exact-name lookup of every search.
    "CREATE INDEX catalog_search_doc_names ON catalog_search_doc "
    "USING gist (lower(name_key) gist_trgm_ops)",
    "DROP INDEX IF EXISTS catalog_search_doc_trgm",
]
POSTGRES_BACKWARD = [
    "CREATE INDEX catalog_search_doc_trgm ON catalog_search_doc "
    "USING gin (name_key gin_trgm_ops)",
    "DROP INDEX IF EXISTS catalog_search_doc_names",
]


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0011_search_words"),
    ]

    operations = [
        on_vendor("postgresql", POSTGRES_FORWARD, POSTGRES_BACKWARD),
    ]
