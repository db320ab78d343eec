"""A catalog load killed half way leaves the database as it was before the load began."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from tests.faults import site

# How far into its writes the load gets before it is killed: well past its first rows, well
# short of the end (the bundled catalog writes tens of megabytes).
WRITTEN = 512 * 1024


def start_load(database_url: str, output: Path) -> subprocess.Popen:
    with open(output, "wb") as out:
        return subprocess.Popen(
            [sys.executable, "manage.py", "load_catalog", str(site.BUNDLED)], cwd=site.ROOT,
            env=site.clean_env(DATABASE_URL=database_url, PYTHONUNBUFFERED="1",
                               DJANGO_SETTINGS_MODULE="unfragile.settings"),
            stdout=out, stderr=subprocess.STDOUT,
        )


def kill_mid_write(load: subprocess.Popen, written: Callable[[], int], output: Path) -> None:
    """Wait until the load has written WRITTEN bytes, then kill it, before it commits."""
    start = written()
    deadline = time.monotonic() + 120
    while written() - start < WRITTEN:
        assert load.poll() is None, f"the load ended before it was killed:\n{output.read_text()}"
        assert time.monotonic() < deadline, "the load wrote nothing in 120 s"
        time.sleep(0.05)
    # The command reports its counts the moment its transaction commits; nothing yet means
    # the kill lands inside the transaction.
    assert output.read_text() == ""
    os.kill(load.pid, signal.SIGKILL)
    assert load.wait(timeout=10) == -signal.SIGKILL
    assert output.read_text() == "", "the load committed before it was killed"


class TestInterruptedLoad:
    # A sqlite:// DATABASE_URL runs with a rollback journal; the default database with WAL.
    @pytest.mark.parametrize("journal_mode", ["delete", "wal"])
    def test_it_leaves_sqlite_as_it_was(self, sqlite_db: str, journal_mode: str, tmp_path: Path):
        path = Path(sqlite_db.removeprefix("sqlite:///"))
        conn = sqlite3.connect(path)
        # The mode is kept in the file; TRUNCATE empties the log a reused file would have.
        conn.execute(f"PRAGMA journal_mode={journal_mode}")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        before = site.snapshot(sqlite_db)
        assert before["counts"]["catalog_asset"] > 0

        def written() -> int:
            # Uncommitted pages spill into the database file (rollback journal) or the log.
            return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())

        output = tmp_path / "load.out"
        kill_mid_write(start_load(sqlite_db, output), written, output)

        assert site.snapshot(sqlite_db) == before
        # The killed writer left no lock behind: the next write goes through at once.
        conn = sqlite3.connect(path, timeout=0, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        conn.close()

    def test_it_leaves_postgres_as_it_was(self, pg_db: str, tmp_path: Path):
        url = site.postgres_url(pg_db)
        before = site.snapshot(url)
        assert before["counts"]["catalog_asset"] > 0

        def written() -> int:
            # Inserted rows take room in the table before they are committed.
            with psycopg.connect(url, autocommit=True) as conn:
                return conn.execute("SELECT pg_relation_size('catalog_asset')").fetchone()[0]

        output = tmp_path / "load.out"
        load = start_load(url, output)
        kill_mid_write(load, written, output)

        with psycopg.connect(url, autocommit=True) as conn:
            # The server ends the dead client's session (rolling its transaction back) as soon
            # as it notices the closed socket.
            deadline = time.monotonic() + 10
            query = (
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
                " AND pid <> pg_backend_pid()"
            )
            while conn.execute(query, [pg_db]).fetchone()[0]:
                assert time.monotonic() < deadline, "the killed load's session lingers"
                time.sleep(0.1)
        assert site.snapshot(url) == before
