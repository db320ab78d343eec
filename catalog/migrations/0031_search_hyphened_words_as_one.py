"""Words a text joins with hyphens are searched as one word as well ("fine-tuned":
finetuned, "multi-label": multilabel, catalog.search.hyphened_words()): every asset's entry
is written again."""

from django.db import migrations

from catalog.migrations._sql import reindex_everything


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0030_one_organisation_however_written"),
    ]

    operations = [reindex_everything()]
