"""The 503 page a request gets while the database is unreachable (no database needed)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.test import RequestFactory
from psycopg_pool import PoolTimeout

from unfragile.middleware import DatabaseUnavailableMiddleware


def handle(exception: Exception) -> HttpResponse | None:
    middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse())
    return middleware.process_exception(RequestFactory().get("/assets/x/"), exception)


class TestDatabaseUnavailableMiddleware:
    @pytest.mark.parametrize(
        "exception",
        [OperationalError("connection refused"), InterfaceError("connection already closed"),
         PoolTimeout("couldn't get a connection after 3.00 sec")],
    )
    def test_it_answers_503_in_the_site_style(self, exception):
        response = handle(exception)
        assert response.status_code == 503
        assert int(response["Retry-After"]) > 0
        assert response["Cache-Control"] == "no-store"
        body = response.content.decode()
        assert "back in a moment" in body
        assert 'class="site-header"' in body
        assert str(exception) not in body  # the error itself stays in the log

    def test_it_leaves_other_database_errors_to_the_500_page(self):
        assert handle(IntegrityError("duplicate key")) is None
        assert handle(ValueError("not a database error")) is None

    def test_it_shows_developers_the_traceback(self, settings):
        settings.DEBUG = True
        assert handle(OperationalError("no such table: catalog_asset")) is None
