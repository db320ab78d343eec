"""A document holds what its licence allows (catalog.licences.terms_label(): "permissive,
commercial use allowed"), and "non" joined to the word it negates ("non-commercial":
noncommercial; catalog.querytext.negated_word()), so that "commercial use" finds the assets
licensed for it and no longer those licensed for anything but: every asset's entry is
written again."""

from django.db import migrations

from catalog.migrations._sql import reindex_everything


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0024_search_languages"),
    ]

    operations = [reindex_everything()]
