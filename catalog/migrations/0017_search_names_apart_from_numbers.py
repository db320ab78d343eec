"""Names hold their letters and numbers apart as a further spelling ("resnet50": resnet 50,
"YOLOv10": yolo v10; catalog.search.name_words()), so every asset's entry is written
again."""

from django.db import migrations

from catalog.migrations._sql import reindex_everything


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0016_search_pairs"),
    ]

    operations = [reindex_everything()]
