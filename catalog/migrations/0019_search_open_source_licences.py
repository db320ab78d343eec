"""A document of an asset under a licence the Open Source Initiative approved also holds
"open source (OSI-approved)" (catalog.licences.OSI_APPROVED), so that "open source" finds
it: every asset's entry is written again."""

from django.db import migrations

from catalog.migrations._sql import reindex_everything


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0018_search_names_without_qualifiers"),
    ]

    operations = [reindex_everything()]
