"""The speech models and libraries named for what they do ("tts", "asr", "transcribe",
"whisper") are found by what the words stand for (catalog.search.NAME_ALIASES): "text to
speech api" finds tts-1, "speech to text" gpt-4o-transcribe. The entries of the assets named
with the words are written again."""

from django.db import migrations

from catalog.migrations._sql import reindex_some

WORDS = {"tts", "asr", "transcribe", "whisper"}


def _named_for_speech(apps, alias: str) -> list[int]:
    from catalog.search import name_words

    return [asset_id for asset_id, name, external_id in apps.get_model("catalog", "Asset")
            .objects.using(alias).values_list("id", "name", "external_id")
            if WORDS & set(name_words(name, external_id).split())]


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0043_search_names_newness"),
    ]

    operations = [reindex_some(_named_for_speech)]
