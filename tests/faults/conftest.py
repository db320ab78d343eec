from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults import site


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    return site.sqlite_template(tmp_path_factory)


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> str:
    return site.sqlite_url(site.copy_sqlite(sqlite_template, tmp_path / "site.sqlite3"))


@pytest.fixture(scope="session")
def pg_template(tmp_path_factory) -> Iterator[str]:
    """A PostgreSQL database of our own, migrated and holding a small catalog; tests copy it
    with CREATE DATABASE ... TEMPLATE, which is much faster than migrating again."""
    site.require_postgres()
    name = site.unique("unfragile_faults_tpl")
    site.create_pg_database(name)
    try:
        site.prepare(site.postgres_url(name), tmp_path_factory.mktemp("pg-template"))
        yield name
    finally:
        site.drop_pg_database(name)


@pytest.fixture
def pg_db(pg_template: str) -> Iterator[str]:
    name = site.unique("unfragile_faults")
    site.create_pg_database(name, template=pg_template)
    try:
        yield name
    finally:
        site.drop_pg_database(name)
