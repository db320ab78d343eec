"""The data generation: remembered page lookups, and every write that must forget them."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.contrib.admin.sites import site as admin_site
from django.test import RequestFactory

from catalog.admin import AssetAdmin, bump_versions
from catalog.models import Asset
from comparisons.models import PairNote
from tests.factories import make_asset
from tests.faults import site
from unfragile import generation

URL = "/compare/alpha-vs-beta/"


@pytest.fixture
def own_file(settings, tmp_path: Path) -> Path:
    settings.PAGE_GENERATION_FILE = str(tmp_path / "generation")
    return tmp_path / "generation"


class TestToken:
    def test_advance_moves_it_every_time(self, own_file):
        seen = {generation.current()}
        for _ in range(5):
            generation.advance()
            seen.add(generation.current())
        assert len(seen) == 6 and None not in seen
        assert own_file.exists()

    def test_a_missing_file_is_made_on_first_read(self, own_file):
        assert not own_file.exists()
        assert generation.current() is not None
        assert own_file.exists()

    def test_an_unwritable_place_means_unknown(self, settings, tmp_path):
        blocker = tmp_path / "a-file"
        blocker.write_text("")
        settings.PAGE_GENERATION_FILE = str(blocker / "generation")  # under a file: no dir
        assert generation.current() is None
        generation.advance()  # harmless
        assert generation.current() is None

    def test_the_default_file_is_one_per_database(self, settings):
        from django.db import connection

        del settings.PAGE_GENERATION_FILE  # tests run with their own (conftest)

        first = generation._file()
        original = connection.settings_dict["NAME"]
        connection.settings_dict["NAME"] = f"{original}-other"
        try:
            assert generation._file() != first
        finally:
            connection.settings_dict["NAME"] = original

    @pytest.mark.django_db(transaction=True)
    def test_inside_a_transaction_it_moves_again_at_the_commit(self, own_file):
        from django.db import transaction

        with transaction.atomic():
            generation.advance()
            during = generation.current()
        assert generation.current() != during

    def test_with_redis_it_lives_in_the_shared_cache(self, settings):
        site.require_redis()
        settings.CACHES = {"default": {
            "BACKEND": "unfragile.cache.ResilientRedisCache",
            "LOCATION": f"redis://{site.REDIS_HOST}:{site.REDIS_PORT}/{site.REDIS_DB}",
            "KEY_PREFIX": f"generation-{uuid.uuid4().hex[:12]}",
        }}
        from django.core.cache import cache

        try:
            first = generation.current()
            assert first is not None and cache.get(generation.CACHE_KEY) == first
            generation.advance()
            assert generation.current() not in (None, first)
        finally:
            cache.delete(generation.CACHE_KEY)


class TestMemo:
    def loads(self, memo: generation.Memo, key: str = "k") -> list[int]:
        calls: list[int] = []

        def load() -> int:
            calls.append(1)
            return len(calls)

        memo.get(key, load)
        memo.get(key, load)
        return calls

    def test_it_loads_once_while_the_generation_stands(self, own_file):
        memo = generation.Memo()
        assert self.loads(memo) == [1]
        assert memo.get("k", lambda: 99) == 1

    def test_it_loads_again_after_a_write(self, own_file):
        memo = generation.Memo()
        memo.get("k", lambda: "old")
        generation.advance()
        assert memo.get("k", lambda: "new") == "new"

    def test_an_answer_expires_whatever_the_generation(self, own_file, monkeypatch):
        memo = generation.Memo()
        memo.get("k", lambda: "old")
        monkeypatch.setattr(generation, "MAX_AGE", 0.0)
        assert memo.get("k", lambda: "new") == "new"

    def test_without_a_token_it_always_asks(self, settings, tmp_path):
        (tmp_path / "a-file").write_text("")
        settings.PAGE_GENERATION_FILE = str(tmp_path / "a-file" / "generation")
        assert self.loads(generation.Memo()) == [1, 1]

    def test_it_stays_bounded(self, own_file, monkeypatch):
        monkeypatch.setattr(generation, "MAX_ENTRIES", 3)
        memo = generation.Memo()
        for i in range(10):
            memo.get(i, lambda: "x")
        assert len(memo._entries) <= 3


@pytest.mark.django_db
class TestWritesForgetLookups:
    """A page served from a remembered lookup must change with every write that changes it."""

    @pytest.fixture(autouse=True)
    def pair(self, own_file) -> tuple[Asset, Asset]:
        self.alpha = make_asset("alpha", name="Alpha")
        self.beta = make_asset("beta", name="Beta")

    def remembered(self, client, django_assert_num_queries, url: str = URL) -> bytes:
        assert client.get(url).status_code == 200
        with django_assert_num_queries(0):
            return client.get(url).content

    def test_a_save_shows_at_once(self, client, django_assert_num_queries):
        self.remembered(client, django_assert_num_queries)
        self.alpha.name = "Alpha Renamed"
        self.alpha.save()
        assert b"Alpha Renamed" in client.get(URL).content

    def test_unpublishing_in_the_admin_answers_404_at_once(
        self, client, django_assert_num_queries, admin_user
    ):
        self.remembered(client, django_assert_num_queries)
        self.remembered(client, django_assert_num_queries, "/assets/beta/")
        request = RequestFactory().post("/admin/")
        request.user = admin_user
        AssetAdmin(Asset, admin_site)._set_status(
            request, Asset.objects.filter(pk=self.beta.pk), Asset.Status.DRAFT
        )
        assert client.get(URL).status_code == 404
        assert client.get("/assets/beta/").status_code == 404

    def test_a_bulk_version_bump_renders_anew(self, client, django_assert_num_queries):
        self.remembered(client, django_assert_num_queries)
        etag = client.get(URL)["ETag"]
        bump_versions([self.alpha.pk])
        assert client.get(URL)["ETag"] != etag

    def test_a_deleted_asset_is_gone_at_once(self, client, django_assert_num_queries):
        self.remembered(client, django_assert_num_queries)
        self.beta.delete()
        assert client.get(URL).status_code == 404

    def test_a_new_asset_is_found_at_once(self, client, django_assert_num_queries):
        assert client.get("/compare/alpha-vs-gamma/").status_code == 404
        make_asset("gamma", name="Gamma")
        assert client.get("/compare/alpha-vs-gamma/").status_code == 200

    def test_a_pair_note_shows_and_goes_at_once(self, client, django_assert_num_queries):
        self.remembered(client, django_assert_num_queries)
        note = PairNote.objects.create(asset_a=self.alpha, asset_b=self.beta,
                                       note="Curated words on the pair")
        assert b"Curated words on the pair" in client.get(URL).content
        note.delete()
        assert b"Curated words on the pair" not in client.get(URL).content


class TestAcrossProcesses:
    def test_an_edit_in_one_process_reaches_another_without_redis(self, tmp_path_factory,
                                                                  tmp_path: Path):
        """Two servers on one SQLite file, each with its own local-memory cache: the edit
        made by a third process moves the generation file they both read."""
        template = site.sqlite_template(tmp_path_factory)
        db = site.sqlite_url(site.copy_sqlite(template, tmp_path / "site.sqlite3"))
        a, b = site.published_slugs(db)
        page = f"/compare/{a}-vs-{b}/"
        with site.Site(tmp_path, "one", DATABASE_URL=db) as one, \
                site.Site(tmp_path, "two", DATABASE_URL=db) as two:
            before = {web: web.get(page).headers["ETag"] for web in (one, two)}
            assert {web.get(page).headers["ETag"] for web in (one, two)} == set(before.values())
            site.manage(
                "shell", "-c",
                f"from catalog.models import Asset; Asset.objects.get(slug={a!r}).save()",
                database_url=db,
            )
            for web in (one, two):
                after = web.get(page)
                assert after.status == 200, web.log()
                assert after.headers["ETag"] != before[web]
