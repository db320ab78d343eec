from __future__ import annotations

import pytest
from django.core.cache import cache

from unfragile import generation


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher is slow on purpose; tests only need passwords that check.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rolled-back test data never moves the data generation: forget remembered lookups too.
    from comparisons import pairs

    generation.forget_all()
    cache.clear()
    pairs.forget_pending_views()
    yield
    pairs.forget_pending_views()
    cache.clear()
    generation.forget_all()


@pytest.fixture(autouse=True)
def _search_index_emptied_after_committing_tests(request, django_db_blocker):
    """A test that commits (live_server, transaction=True) is followed by a flush of the
    tables of Django's models, which leaves the search index's own tables as they were: its
    assets' entries would stay, to be counted and searched by later tests. Drop them."""
    yield
    marker = request.node.get_closest_marker("django_db")
    committed = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server"))
    if not committed:
        return
    from django.db import connection

    from catalog import search

    table, key = (("catalog_search_doc", "asset_id") if connection.vendor == "postgresql"
                  else ("catalog_search_fts", "rowid"))
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"SELECT {key} FROM {table}")
        search.remove_assets([row[0] for row in cursor.fetchall()])


@pytest.fixture(scope="session", autouse=True)
def _own_generation_file(tmp_path_factory):
    """This run's own data generation file. By default the file is named after the database,
    and SQLite test databases in memory all share one name: two runs on one machine moved
    each other's generation, and a test expecting a remembered answer saw it dropped."""
    from django.conf import settings

    settings.PAGE_GENERATION_FILE = str(tmp_path_factory.mktemp("generation") / "generation")


@pytest.fixture(scope="session", autouse=True)
def _close_database_pools(django_db_setup, django_db_blocker):
    """Close psycopg's pools before the test databases are dropped: their idle connections
    would otherwise keep PostgreSQL from dropping them."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for conn in connections.all(initialized_only=True):
            if getattr(conn, "pool", None) is not None:
                conn.close_pool()
