from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command


def _create(email: str) -> str:
    out = StringIO()
    call_command("createcurator", email, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
class TestCreateCurator:
    def test_it_creates_a_staff_curator_whose_password_works(self, client):
        output = _create("Ada@Example.org")

        password = re.search(r"One-time password: (\S+)", output).group(1)
        assert len(password) >= 20
        assert "change it after the first login" in output
        user = get_user_model().objects.get()
        # Only the domain of an address is case-insensitive.
        assert (user.username, user.email) == ("Ada@example.org", "Ada@example.org")
        assert user.is_staff and not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == ["curators"]
        assert user.has_perm("catalog.change_asset")
        assert not user.has_perm("catalog.delete_asset")
        assert client.login(username="Ada@example.org", password=password)
        assert client.get("/admin/catalog/asset/").status_code == 200

    def test_it_prints_a_new_password_each_time(self):
        first = re.search(r"password: (\S+)", _create("one@example.org")).group(1)
        second = re.search(r"password: (\S+)", _create("two@example.org")).group(1)

        assert first != second

    @pytest.mark.parametrize(
        "email", ["", "not-an-email", "two@@example.org", "a b@example.org", "x" * 150 + "@e.org"]
    )
    def test_it_rejects_a_bad_email(self, email):
        with pytest.raises(CommandError, match="is not a usable email address"):
            _create(email)

        assert not get_user_model().objects.exists()

    def test_it_rejects_an_existing_user(self):
        get_user_model().objects.create_user("taken@example.org", "taken@example.org")

        with pytest.raises(CommandError, match="already exists"):
            _create("TAKEN@example.org")

        assert get_user_model().objects.count() == 1
