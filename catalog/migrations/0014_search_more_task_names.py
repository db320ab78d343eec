"""More other names of tasks in the search documents (catalog.search.TASK_ALIASES: vision
language model, audio language model, large language model): every asset's entry is
written again."""

from django.db import migrations

from catalog.migrations._sql import reindex_everything


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0013_search_task_slugs"),
    ]

    operations = [reindex_everything()]
