"""The APIs listing no task whose names say they make images (GPT Image 1, gpt-5-image,
Gemini 2.5 Flash Image) are found by what the word stands for there
(catalog.search.UNTASKED_API_ALIASES): "image generation api" finds them. Their entries
are written again."""

from django.db import migrations

from catalog.migrations._sql import reindex_some


def _untasked_apis_named_for_images(apps, alias: str) -> list[int]:
    from catalog.search import UNTASKED_API_ALIASES, name_words

    return [asset_id for asset_id, name, external_id in apps.get_model("catalog", "Asset")
            .objects.using(alias).filter(kind="api", tasks=None)
            .values_list("id", "name", "external_id")
            if UNTASKED_API_ALIASES.keys() & set(name_words(name, external_id).split())]


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0044_search_speech_names"),
    ]

    operations = [reindex_some(_untasked_apis_named_for_images)]
