"""An asset's successor (the asset mteb names as superseding it) and the sources listing it as
deprecated (HELM, genai-prices), read off the attributes each asset already holds
(catalog.records.successor_id(), deprecated_in()); the assets so marked, and their successors,
have their pages made anew. Unapplied: the columns go."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F


def mark(apps, schema_editor) -> None:
    from catalog import records
    from unfragile import generation

    using = schema_editor.connection.alias
    Asset = apps.get_model("catalog", "Asset")
    named: dict[int, str] = {}
    deprecated: dict[int, list[str]] = {}
    for pk, external_id, attributes in Asset.objects.using(using).values_list(
            "id", "external_id", "attributes").iterator():
        data = {"id": external_id, "attributes": attributes}
        if successor := records.successor_id(data):
            named[pk] = successor
        if sources := records.deprecated_in(data):
            deprecated[pk] = sources
    ids = dict(Asset.objects.using(using).filter(external_id__in=set(named.values()))
               .values_list("external_id", "id"))
    for pk, sources in deprecated.items():
        Asset.objects.using(using).filter(pk=pk).update(deprecated_in=sources)
    for pk, successor in named.items():
        if successor in ids:
            Asset.objects.using(using).filter(pk=pk).update(successor_id=ids[successor])
    marked = set(deprecated) | set(named) | set(ids.values())
    if marked:
        Asset.objects.using(using).filter(pk__in=marked).update(version=F("version") + 1)
        generation.advance()


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0038_search_cased_words_whole"),
    ]

    operations = [
        migrations.AddField(
            model_name="asset",
            name="deprecated_in",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="asset",
            name="successor",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                related_name="predecessors", to="catalog.asset",
            ),
        ),
        migrations.RunPython(mark, migrations.RunPython.noop),
    ]
