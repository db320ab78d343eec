"""A maker's name is held apart from the rest of an asset's entry (catalog.search.maker_words()),
so that its words match only when a query names a maker: "face detection" no longer opens with
Hugging Face's libraries, nor does "ai" match every asset of a maker named "... AI".

SQLite: the index gains a fourth column, `maker`. FTS5 cannot add a column to a table, so the
index is made anew, empty, with the same tokenizer and prefix indexes as migration 0010's, and
its word list (catalog_search_vocab) with it. PostgreSQL: the maker's words take weight D in
`document`, which the other words never have, and queries that name no maker ask for A, B or C.
Both then write every entry again. Unapplied, SQLite's index goes back to three columns, the
maker's words written into `body` as before.
"""

from django.db import migrations

from catalog.migrations._sql import on_vendor, reindex_everything

TOKENS = "tokenize = 'porter unicode61 remove_diacritics 2', prefix = '3 4 5'"
VOCABULARY = "CREATE VIRTUAL TABLE catalog_search_vocab USING fts5vocab(catalog_search_fts, 'row')"


def made_anew(columns: str) -> list[str]:
    return [
        "DROP TABLE IF EXISTS catalog_search_vocab",
        "DROP TABLE catalog_search_fts",
        f"CREATE VIRTUAL TABLE catalog_search_fts USING fts5({columns}, {TOKENS})",
        VOCABULARY,
    ]


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0041_asset_retired_index"),
    ]

    # Unapplied, the entries are written again once the index is back to three columns.
    operations = [
        migrations.RunPython(migrations.RunPython.noop, reindex_everything().code),
        on_vendor("sqlite", made_anew("name, titles, body, maker"),
                  made_anew("name, titles, body")),
        reindex_everything(),
    ]
