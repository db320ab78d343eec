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
