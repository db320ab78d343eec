"""Organisations whose names differ only in how a source writes them ("Stability-AI" from
GitHub, "stabilityai" from the Hub: their slugs without hyphens are the same,
catalog.records.organisation_key()) become one: the one with the most assets keeps its name
and slug, and takes the others' assets (and their address, when it has none). The assets
moved are indexed again (their entries hold the organisation's name) and their pages made
anew. Unapplied: nothing to undo, the organisations stay one."""

from collections import defaultdict

from django.db import migrations
from django.db.models import Count, F


def merge_organisations(apps, using: str) -> list[int]:
    """Merge them; the ids of the assets moved."""
    from catalog.search import reindex_assets

    Organization = apps.get_model("catalog", "Organization")
    Asset = apps.get_model("catalog", "Asset")
    groups = defaultdict(list)
    for org in (Organization.objects.using(using).annotate(n=Count("assets"))
                .order_by("-n", "id")):
        groups[org.slug.replace("-", "")].append(org)
    moved: list[int] = []
    for keeper, *others in groups.values():
        if not others:
            continue
        if not keeper.url and (url := next((o.url for o in others if o.url), "")):
            keeper.url = url
            keeper.save(update_fields=["url"])
        assets = Asset.objects.using(using).filter(organization__in=others)
        ids = list(assets.values_list("id", flat=True))
        assets.update(organization=keeper, version=F("version") + 1)
        Organization.objects.using(using).filter(id__in=[o.id for o in others]).delete()
        moved += ids
    if moved:
        reindex_assets(moved, using=using, apps=apps)
    return moved


def apply(apps, schema_editor) -> None:
    merge_organisations(apps, schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0029_search_organisations_by_their_whole_name"),
    ]

    operations = [migrations.RunPython(apply, migrations.RunPython.noop)]
