"""PostgreSQL: the planner knows more of the search index's words (statistics target 1000 for
`document`, `head` and `pairs`, from the default 100).

With 100 it knows the thousand or so most common words and guesses every other at half the
rarest of those. A word being typed spelled out as the rare words it starts (catalog.search,
_Postgres: "segmentati" as forty names' "segmentation" followed by a number) was then guessed
to match a tenth of the index, and the planner read the whole table in id order to fill the
first candidates instead of looking the words up: 0.5 s at 100,000 assets (bench/search.py),
against 20-30 ms. With 1000 it knows ten thousand words and guesses the others at far less.
ANALYZE of the table takes longer: 12 s instead of 5 at 100,000 assets. SQLite: nothing to do.
"""

from django.db import migrations

from catalog.migrations._sql import on_vendor

COLUMNS = ("document", "head", "pairs")


def statistics(target: int) -> list[str]:
    return [
        "ALTER TABLE catalog_search_doc "
        + ", ".join(f"ALTER COLUMN {column} SET STATISTICS {target}" for column in COLUMNS),
        "ANALYZE catalog_search_doc",
    ]


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0032_search_kind_words"),
    ]

    operations = [
        on_vendor("postgresql", statistics(1000), statistics(-1)),
    ]
