"""PostgreSQL: every word of the search index, so that a typed prefix can be spelled out as
the words it starts (catalog.search._Postgres). Filled here from the documents there are;
catalog.search writes the words of each document it writes. Words are never removed: one no
document holds any more only makes a spelled-out prefix one word longer, matching nothing.
SQLite: nothing to do (its prefix indexes, migration 0010, answer prefixes directly).
"""

from django.db import migrations

from catalog.migrations._sql import on_vendor

POSTGRES_FORWARD = [
    # COLLATE "C": byte order, so `word >= 'clas' AND word < 'clas' || chr(1114111)` is the
    # range of words starting with "clas", read from the primary key's index.
    'CREATE TABLE catalog_search_word (word text COLLATE "C" NOT NULL PRIMARY KEY)',
    "INSERT INTO catalog_search_word (word) "
    "SELECT DISTINCT unnest(tsvector_to_array(document)) FROM catalog_search_doc",
]
POSTGRES_BACKWARD = ["DROP TABLE IF EXISTS catalog_search_word"]


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0010_search_prefix_index"),
    ]

    operations = [
        on_vendor("postgresql", POSTGRES_FORWARD, POSTGRES_BACKWARD),
    ]
