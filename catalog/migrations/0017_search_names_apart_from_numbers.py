"""A document also holds its name's letters and numbers apart ("resnet50": resnet 50,
"YOLOv10": yolo v10; catalog.search.glued_words()), so every asset's entry is written
again."""

from django.db import migrations

from catalog.migrations._sql import reindex_everything


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0016_search_pairs"),
    ]

    operations = [reindex_everything()]
