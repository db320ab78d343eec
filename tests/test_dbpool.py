from __future__ import annotations

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from unfragile import dbpool

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the connection pool is PostgreSQL's"
)


class TestPoolCheck:
    @pytest.fixture
    def checks(self, monkeypatch) -> list:
        made: list = []
        monkeypatch.setattr(dbpool.ConnectionPool, "check_connection", made.append)
        return made

    @pytest.fixture
    def conn(self, django_db_blocker):
        params = connection.get_connection_params()
        params.pop("pool", None)
        params.pop("cursor_factory", None)
        params.pop("context", None)
        with django_db_blocker.unblock(), psycopg.connect(**params) as conn:
            yield conn

    def test_it_checks_a_connection_taken_for_the_first_time(self, checks, conn):
        dbpool.check(conn)
        assert checks == [conn]

    def test_it_trusts_a_connection_taken_moments_ago(self, checks, conn):
        dbpool.check(conn)
        dbpool.check(conn)
        assert checks == [conn]

    def test_it_checks_a_connection_idle_for_a_while(self, checks, conn, monkeypatch):
        dbpool.check(conn)
        monkeypatch.setattr(dbpool, "CHECK_AFTER_IDLE", -1.0)
        dbpool.check(conn)
        assert checks == [conn, conn]

    def test_a_broken_connection_raises_and_is_checked_again_next_time(self, conn):
        conn.close()
        with pytest.raises(psycopg.OperationalError):
            dbpool.check(conn)
        with pytest.raises(psycopg.OperationalError):
            dbpool.check(conn)

    def test_returned_connections_go_straight_back_to_the_pool(self):
        # A `reset` callback makes the pool return every connection through its worker
        # thread, and the next request waits for it.
        pool = settings.DATABASES["default"]["OPTIONS"]["pool"]
        assert pool["check"] is dbpool.check and "reset" not in pool
