"""Words a text writes changing case within them are searched whole as well ("ImageNet":
imagenet, "HotpotQA": hotpotqa, catalog.search.cased_words()), beside the words apart that
the index held alone: every asset's entry is written again."""

from django.db import migrations

from catalog.migrations._sql import reindex_everything


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0037_search_language_names_whole"),
    ]

    operations = [reindex_everything()]
