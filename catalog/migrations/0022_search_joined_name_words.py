"""A document also holds the words its name writes apart joined as people type them
("GPT-4o": gpt4o, "Llama 3": llama3; catalog.search.glued_words()), so that "gpt4o" finds
GPT-4o, and what the abbreviations in its name stand for (catalog.search.NAME_ALIASES:
"ViT", vision transformer): every asset's entry is written again."""

from django.db import migrations

from catalog.migrations._sql import reindex_everything


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0021_search_name_trigrams"),
    ]

    operations = [reindex_everything()]
