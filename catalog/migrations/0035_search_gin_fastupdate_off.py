"""PostgreSQL writes the search entries straight into their GIN indexes.

With `fastupdate` on (PostgreSQL's default), a GIN index takes new entries into a pending list
that every search then reads through in full, until a VACUUM merges it (or it reaches
gin_pending_list_limit, 4 MB). After `load_catalog` the lists held every entry of the bundled
catalog: searches for 50 everyday needs and their prefixes took 18 ms at the median and 38 ms
at p95, and 12 ms and 19 ms once the lists were merged. On a
server whose autovacuum is off, or has not come round yet, the list is never merged. The
catalog is read far more than it is written: writing an entry into the index costs
`load_catalog` about a quarter more time (13 s against 10.5 s for the bundled catalog).

Turning `fastupdate` off keeps what the lists already hold: they are merged here.
SQLite needs none of it: FTS5 merges its own segments as it writes.
"""

from django.db import migrations

from catalog.migrations._sql import on_vendor

INDEXES = ("catalog_search_doc_fts", "catalog_search_doc_head", "catalog_search_doc_pairs")

POSTGRES_FORWARD = [
    *(f"ALTER INDEX {index} SET (fastupdate = off)" for index in INDEXES),
    *(f"SELECT gin_clean_pending_list('{index}'::regclass)" for index in INDEXES),
]
POSTGRES_BACKWARD = [f"ALTER INDEX {index} RESET (fastupdate)" for index in INDEXES]


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0034_search_signed_language_names"),
    ]

    operations = [
        on_vendor("postgresql", POSTGRES_FORWARD, POSTGRES_BACKWARD),
    ]
