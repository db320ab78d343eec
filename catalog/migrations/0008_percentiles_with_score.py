"""Keep each asset's evidence percentiles with its Score, as one JSON text field.

recompute_scores used to store a percentile on every evidence row: a first recompute of
100,000 assets with 10 signals each rewrote a million evidence rows (12 s of a 26 s run on
PostgreSQL). Kept with the score, it writes one row per asset, which it writes anyway.
Existing percentiles move over; the evidence table no longer needs room for rewrites, so
its PostgreSQL fillfactor goes back to the default.
"""

import json
from collections import defaultdict

from django.db import migrations, models

CHUNK = 1000


def pack(apps, schema_editor):
    Evidence = apps.get_model("catalog", "Evidence")
    Score = apps.get_model("catalog", "Score")
    maps: dict[int, dict[int, float]] = defaultdict(dict)
    rows = (
        Evidence.objects.filter(percentile__isnull=False)
        .order_by("asset_id", "id").values_list("asset_id", "id", "percentile")
    )
    for asset_id, pk, percentile in rows.iterator():
        maps[asset_id][pk] = percentile
    owners = list(maps)
    for start in range(0, len(owners), CHUNK):
        scores = list(Score.objects.filter(asset_id__in=owners[start:start + CHUNK]))
        for score in scores:
            score.percentiles = json.dumps(maps[score.asset_id])
        Score.objects.bulk_update(scores, ["percentiles"])


def unpack(apps, schema_editor):
    Evidence = apps.get_model("catalog", "Evidence")
    Score = apps.get_model("catalog", "Score")
    for score in Score.objects.exclude(percentiles="").iterator():
        for pk, placing in json.loads(score.percentiles).items():
            # Later scores keep [percentile, count].
            percentile = placing[0] if isinstance(placing, list) else placing
            Evidence.objects.filter(pk=int(pk)).update(percentile=percentile)


def default_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE catalog_evidence RESET (fillfactor)")


def half_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE catalog_evidence SET (fillfactor = 50)")


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0007_recompute_fillfactor"),
    ]

    operations = [
        migrations.AddField(
            model_name="score",
            name="percentiles",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(pack, unpack),
        migrations.RemoveField(
            model_name="evidence",
            name="percentile",
        ),
        migrations.RunPython(default_fillfactor, half_fillfactor),
    ]
