"""Plain SQL that a migration runs on one kind of database only (the search index is written
in each database's own SQL). Django's migration loader skips modules whose names start with
an underscore, so this is a helper, not a migration."""

from __future__ import annotations

from django.db import migrations


def on_vendor(vendor: str, forward: list[str], backward: list[str]) -> migrations.RunPython:
    """An operation running `forward` (and `backward` when unapplied) on `vendor` only."""

    def run(statements: list[str]):
        def apply(apps, schema_editor) -> None:
            if schema_editor.connection.vendor == vendor:
                for sql in statements:
                    schema_editor.execute(sql)

        return apply

    return migrations.RunPython(run(forward), run(backward))
