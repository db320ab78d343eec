from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator():
    return get_user_model().objects.create_user(
        "ed@example.org", "ed@example.org", "a-correct-horse-battery", is_staff=True
    )


def attempt(client, username: str, password: str, addr: str = "10.0.0.1"):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password},
        REMOTE_ADDR=addr,
    )


class TestAdminLogin:
    def test_it_signs_a_curator_in(self, client, curator):
        r = attempt(client, "ed@example.org", "a-correct-horse-battery")
        assert r.status_code == 302 and r["Location"] == "/admin/"

    def test_it_throttles_an_account_after_five_failures(self, client, curator):
        for i in range(5):
            assert attempt(client, "ed@example.org", "wrong", addr=f"10.0.0.{i}").status_code == 200
        r = attempt(client, "ed@example.org", "a-correct-horse-battery", addr="10.9.9.9")
        assert r.status_code == 429
        assert b"Too many sign-in attempts" in r.content
        assert r["Retry-After"] == "900"

    def test_it_throttles_a_client_trying_many_accounts(self, client, curator, settings):
        settings.LOGIN_FAILURES_PER_CLIENT = 3
        for i in range(3):
            attempt(client, f"someone{i}@example.org", "wrong")
        assert attempt(client, "ed@example.org", "a-correct-horse-battery").status_code == 429
        # Another client is not affected.
        r = attempt(client, "ed@example.org", "a-correct-horse-battery", addr="10.0.0.2")
        assert r.status_code == 302

    def test_the_login_page_itself_still_shows(self, client):
        r = client.get("/admin/login/")
        assert r.status_code == 200 and b"password" in r.content.lower()
