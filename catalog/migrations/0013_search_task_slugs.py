"""The search documents hold the words of each task's slug that its name lacks, and other
names of some tasks (catalog.search.task_words): every asset's entry is written again."""

from django.db import migrations

from catalog.migrations._sql import reindex_everything


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0012_search_names_gist"),
    ]

    operations = [reindex_everything()]
