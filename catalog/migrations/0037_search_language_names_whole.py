"""The search index holds the names of the languages an asset covers as written, not split
where the case changes: "JavaScript" and "TypeScript" were held as "java script" and "type
script", so that "javascript" found none of the assets covering it and "java" found them
all. The entries of the assets covering a language so named are written again."""

from django.db import migrations

from catalog.migrations._sql import reindex_some


def _covering_a_cased_name(apps, alias: str) -> list[int]:
    from catalog.languages import searched_names, searched_words
    from catalog.search import split_words

    def cased(codes) -> bool:
        return isinstance(codes, list) and any(
            split_words(words := searched_words(name)) != words
            for name in searched_names([code for code in codes if isinstance(code, str)]))

    assets = apps.get_model("catalog", "Asset").objects.using(alias)
    # The languages: a list of codes ("javascript-Code"), read as stored on both databases.
    return sorted(asset_id for asset_id, codes in
                  assets.values_list("id", "languages").iterator() if cased(codes))


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0036_search_trigram_counts"),
    ]

    operations = [reindex_some(_covering_a_cased_name)]
