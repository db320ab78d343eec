"""An organisation named otherwise than its namespace ("Meta" for facebook, "Mistral AI" for
mistralai) is found by the namespace too (catalog.search.namespace_words()): the entries of
its assets are written again."""

from django.db import migrations

from catalog.migrations._sql import reindex_some


def _named_otherwise(apps, alias: str) -> list[int]:
    from catalog.search import namespace_words

    orgs = [org_id for org_id, name, slug in apps.get_model("catalog", "Organization")
            .objects.using(alias).values_list("id", "name", "slug")
            if namespace_words(name, slug)]
    return list(apps.get_model("catalog", "Asset").objects.using(alias)
                .filter(organization_id__in=orgs).values_list("id", flat=True))


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0039_asset_successor_and_deprecation"),
    ]

    operations = [reindex_some(_named_otherwise)]
