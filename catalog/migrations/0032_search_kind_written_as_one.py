"""A kind's name joined by a hyphen is searched as one word as well: every fine-tune is found
by "finetune" and "finetuned" (catalog.search.hyphened_words() now reads the kind's label):
every asset's entry is written again."""

from django.db import migrations

from catalog.migrations._sql import reindex_everything


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0031_search_hyphened_words_as_one"),
    ]

    operations = [reindex_everything()]
