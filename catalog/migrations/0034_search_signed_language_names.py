""""C#" and "F#" are held in the search index as "csharp" and "fsharp", as "C++" is held as
"cpp", not as the letter alone (querytext.SYMBOLIC): the entries of the assets whose texts
or languages hold a "#" are written again."""

from django.db import migrations
from django.db.models import Q

from catalog.migrations._sql import reindex_some

_TEXTS = ("name", "external_id", "summary", "curated_summary", "subtype",
          "organization__name", "capabilities__title", "capabilities__description")


def _holding_a_sign(apps, alias: str) -> list[int]:
    assets = apps.get_model("catalog", "Asset").objects.using(alias)
    held = Q()
    for field in _TEXTS:
        held |= Q(**{f"{field}__contains": "#"})
    ids = set(assets.filter(held).values_list("id", flat=True))
    # The languages: a list of codes ("c#-Code"), read as stored on both databases.
    ids.update(asset_id for asset_id, codes in assets.values_list("id", "languages").iterator()
               if isinstance(codes, list) and any("#" in str(code) for code in codes))
    return sorted(ids)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0033_search_doc_statistics"),
    ]

    operations = [reindex_some(_holding_a_sign)]
