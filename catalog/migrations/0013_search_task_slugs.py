"""The search documents hold the words of each task's slug that its name lacks, and other
names of some tasks (catalog.search.task_words): every asset's entry is written again. PostgreSQL also learns the
new words, for spelling out typed prefixes (migration 0011). Unapplied: nothing to undo, the
extra words only find more."""

from django.db import migrations

WORDS = (
    "INSERT INTO catalog_search_word (word) SELECT DISTINCT "
    "unnest(tsvector_to_array(document)) FROM catalog_search_doc ON CONFLICT DO NOTHING"
)


def reindex(apps, schema_editor) -> None:
    from catalog.search import reindex_assets

    Asset = apps.get_model("catalog", "Asset")
    ids = list(Asset.objects.values_list("id", flat=True))
    if not ids:
        return
    using = schema_editor.connection.alias
    reindex_assets(ids, using=using, apps=apps)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(WORDS)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0012_search_names_gist"),
    ]

    operations = [
        migrations.RunPython(reindex, migrations.RunPython.noop),
    ]
