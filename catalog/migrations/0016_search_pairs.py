"""PostgreSQL finds the assets holding a phrase through an index, as FTS5 does.

GIN indexes no positions: `document @@ 'speech' <-> 'to' <-> 'text'` reads every document
holding all three words to look at their positions (over 100 ms for two common words at
100,000 assets, bench/search.py). `pairs` holds each two words side by side in `document` as
one lexeme ('speech to', 'to text'), generated from it, with its own GIN index: a phrase's
pairs find the few documents that may hold it, and their positions settle it.

- catalog_search_pairs(tsvector): the pairs of a document's words, by position.
- catalog_search_pair_query(tsvector): the pairs of a phrase's words, all required, as a
  tsquery; NULL for fewer than two words.

SQLite needs none of it: FTS5 keeps positions in its index.
"""

from django.db import migrations

from catalog.migrations._sql import on_vendor

PAIRS = """
    SELECT {aggregate}
    FROM (SELECT lexeme, unnest(positions) AS at FROM unnest(words)) a
    JOIN (SELECT lexeme, unnest(positions) AS at FROM unnest(words)) b ON b.at = a.at + 1
"""
POSTGRES_FORWARD = [
    "CREATE FUNCTION catalog_search_pairs(words tsvector) RETURNS tsvector "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$" + PAIRS.format(
        aggregate="array_to_tsvector(coalesce(array_agg(DISTINCT a.lexeme || ' ' || b.lexeme), "
        "'{}'))"
    ) + "$$",
    "CREATE FUNCTION catalog_search_pair_query(words tsvector) RETURNS tsquery "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$" + PAIRS.format(
        aggregate="string_agg(quote_literal(a.lexeme || ' ' || b.lexeme), ' & ')::tsquery"
    ) + "$$",
    "ALTER TABLE catalog_search_doc ADD COLUMN pairs tsvector "
    "GENERATED ALWAYS AS (catalog_search_pairs(document)) STORED",
    "CREATE INDEX catalog_search_doc_pairs ON catalog_search_doc USING gin (pairs)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS catalog_search_doc_pairs",
    "ALTER TABLE catalog_search_doc DROP COLUMN IF EXISTS pairs",
    "DROP FUNCTION IF EXISTS catalog_search_pair_query(tsvector)",
    "DROP FUNCTION IF EXISTS catalog_search_pairs(tsvector)",
]


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0015_search_names_and_stop_words"),
    ]

    operations = [
        on_vendor("postgresql", POSTGRES_FORWARD, POSTGRES_BACKWARD),
    ]
