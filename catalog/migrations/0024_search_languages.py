"""The languages each asset covers, for the search's Language filter: one row per asset and
ISO 639-3 code (catalog.search.language_codes()), written with its search entry. The filter
read each candidate's languages list, slow with a rare language at 100,000 assets; the
primary key lists an language's assets at once. Filled here from the assets' lists."""

from django.db import migrations

CREATE = {
    "sqlite": [
        "CREATE TABLE catalog_search_language (code text NOT NULL, asset_id integer NOT NULL, "
        "PRIMARY KEY (code, asset_id)) WITHOUT ROWID",
        "CREATE INDEX catalog_search_language_asset ON catalog_search_language (asset_id)",
    ],
    "postgresql": [
        "CREATE TABLE catalog_search_language (code text NOT NULL, asset_id bigint NOT NULL, "
        "PRIMARY KEY (code, asset_id))",
        "CREATE INDEX catalog_search_language_asset ON catalog_search_language (asset_id)",
    ],
}


def create(apps, schema_editor) -> None:
    from catalog.search import language_codes

    for sql in CREATE[schema_editor.connection.vendor]:
        schema_editor.execute(sql)
    assets = apps.get_model("catalog", "Asset").objects.using(schema_editor.connection.alias)
    rows = [(code, asset_id) for asset_id, languages in
            assets.exclude(languages=[]).values_list("id", "languages").iterator()
            for code in language_codes(languages)]
    with schema_editor.connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO catalog_search_language (code, asset_id) VALUES (%s, %s)", rows)
        if schema_editor.connection.vendor == "postgresql":
            # How many assets each code has, for the planner from the first search on (on
            # 100,000 assets, before autovacuum came by, a common language took 0.4 s).
            cursor.execute("ANALYZE catalog_search_language")


def drop(apps, schema_editor) -> None:
    schema_editor.execute("DROP TABLE IF EXISTS catalog_search_language")


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0023_browse_by_name_case_aside"),
    ]

    operations = [migrations.RunPython(create, drop)]
