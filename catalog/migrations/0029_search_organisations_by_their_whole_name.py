"""An organisation's name is searched as written as well as split ("DeepFloyd": deepfloyd,
and deep floyd), so that "deepfloyd" or "openai" typed finds its assets: every asset's
entry is written again."""

from django.db import migrations

from catalog.migrations._sql import reindex_everything


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0028_licence_choices_by_name_case_aside"),
    ]

    operations = [reindex_everything()]
