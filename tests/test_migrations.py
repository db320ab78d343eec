"""The migrations describe the models: a model change without its migration fails here."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_its_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        pytest.fail(f"makemigrations --check exited {exit_.code}:\n{out.getvalue()}")


@pytest.mark.django_db
def test_postgresql_knows_ten_times_the_search_words():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the statistics target is PostgreSQL's (migration 0033)")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstattarget FROM pg_attribute "
            "WHERE attrelid = 'catalog_search_doc'::regclass "
            "AND attname IN ('document', 'head', 'pairs') ORDER BY attname")
        assert cursor.fetchall() == [("document", 1000), ("head", 1000), ("pairs", 1000)]
