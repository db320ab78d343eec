"""A name word "coder" stands for "code" (catalog.search.NAME_ALIASES), so that "code
generation model" finds StarCoder, SantaCoder and DeepSeek-Coder: every asset's entry is
written again."""

from django.db import migrations

from catalog.migrations._sql import reindex_everything


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0026_search_names_by_their_start"),
    ]

    operations = [reindex_everything()]
