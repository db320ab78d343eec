"""SQLite: the search index keeps prefix indexes for 3, 4 and 5 characters, and its words
can be read (catalog_search_vocab).

Live search asks for the word being typed as a prefix ("segm*"). Without a prefix index FTS5
merges the entries of every word that starts with it, which for a short, common prefix costs
tens of milliseconds at 100,000 assets (bench/search.py); with one, the prefix is a single
lookup. Longer prefixes start few words and stay cheap without it. FTS5 cannot add a prefix
index to an existing table, so the entries move to a new one. PostgreSQL: nothing to do.
"""

from django.db import migrations

from catalog.migrations._sql import on_vendor

COLUMNS = "name, titles, body, tokenize = 'porter unicode61 remove_diacritics 2'"


# The words of the index, for a typed prefix that starts none of them (catalog.search,
# _SQLite.shorter_words): "segmentat" stands for the indexed stem "segment".
VOCABULARY = "CREATE VIRTUAL TABLE catalog_search_vocab USING fts5vocab(catalog_search_fts, 'row')"


def rebuild(prefix: str) -> list[str]:
    option = f", prefix = '{prefix}'" if prefix else ""
    return [
        "DROP TABLE IF EXISTS catalog_search_vocab",
        f"CREATE VIRTUAL TABLE catalog_search_fts_new USING fts5({COLUMNS}{option})",
        "INSERT INTO catalog_search_fts_new (rowid, name, titles, body) "
        "SELECT rowid, name, titles, body FROM catalog_search_fts",
        "DROP TABLE catalog_search_fts",
        "ALTER TABLE catalog_search_fts_new RENAME TO catalog_search_fts",
        *([VOCABULARY] if prefix else []),
    ]


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0009_drop_redundant_asset_indexes"),
    ]

    operations = [
        on_vendor("sqlite", rebuild("3 4 5"), rebuild("")),
    ]
