""""Chatbot" is another name of text generation in the search entries
(catalog.search.TASK_ALIASES): "chatbot" finds the LLMs, not only the datasets of chatbot
conversations. The entries of the assets listing the task are written again."""

from django.db import migrations

from catalog.migrations._sql import reindex_some


def _generating_text(apps, alias: str) -> list[int]:
    return list(apps.get_model("catalog", "Asset").objects.using(alias)
                .filter(tasks__slug="text-generation").values_list("id", flat=True).distinct())


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0045_search_image_api_names"),
    ]

    operations = [reindex_some(_generating_text)]
