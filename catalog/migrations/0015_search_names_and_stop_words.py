"""Two changes to the search documents, so every asset's entry is written again:
- a name's words are there once, however many spellings of it hold them
  (catalog.search.name_words());
- PostgreSQL keeps stop words, as FTS5 does (catalog.search.CONFIG), so that a phrase such
  as "text to image" is matched word for word; the configuration is created first."""

from django.db import migrations

from catalog.migrations._sql import reindex_everything


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0014_search_more_task_names"),
    ]

    operations = [reindex_everything()]
