"""PostgreSQL keeps the pending lists of the search entries' GIN indexes short.

A GIN index takes new entries into a pending list (`fastupdate`, on by default) that every
search then reads through in full, until a VACUUM merges it into the index or it outgrows
gin_pending_list_limit, 4 MB by default. After `load_catalog` the lists held every entry of
the bundled catalog, and on a server whose autovacuum is off, or has not come round yet, they
stay: searches for 50 everyday needs and their prefixes took 24 ms at the median and 48 ms at
p95, against 10.5 ms and 19.5 ms with the lists at most 256 kB, the limit set here (and 9.5 ms
and 18 ms with `fastupdate` off, which wrote the 100,000 entries of bench/search.py in 390 s
instead of 232 s: the lists gather the entries of a bulk write and merge them in order).

The lists already pending are merged here.
SQLite needs none of it: FTS5 merges its own segments as it writes.
"""

from django.db import migrations

from catalog.migrations._sql import on_vendor

INDEXES = ("catalog_search_doc_fts", "catalog_search_doc_head", "catalog_search_doc_pairs")
PENDING_KB = 256

POSTGRES_FORWARD = [
    *(f"ALTER INDEX {index} SET (gin_pending_list_limit = {PENDING_KB})" for index in INDEXES),
    *(f"SELECT gin_clean_pending_list('{index}'::regclass)" for index in INDEXES),
]
POSTGRES_BACKWARD = [f"ALTER INDEX {index} RESET (gin_pending_list_limit)" for index in INDEXES]


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0034_search_signed_language_names"),
    ]

    operations = [
        on_vendor("postgresql", POSTGRES_FORWARD, POSTGRES_BACKWARD),
    ]
