"""The Redis cache: shared by every site process, and harmless when Redis is away."""

from __future__ import annotations

import logging
import pickle
import time
import uuid
from pathlib import Path

import pytest

from tests.faults import site
from tests.faults.proxy import TcpProxy
from unfragile import cache as resilient

UNAVAILABLE = "is unavailable, serving without it"


def make_cache(location: str, prefix: str = "") -> resilient.ResilientRedisCache:
    params = {"KEY_PREFIX": prefix or uuid.uuid4().hex, "TIMEOUT": 60,
              "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}}
    return resilient.ResilientRedisCache(location, params)


@pytest.fixture
def dead_redis(monkeypatch) -> resilient.ResilientRedisCache:
    """A cache whose Redis refuses connections: a port nothing listens on."""
    monkeypatch.setattr(resilient, "_health", {})
    return make_cache(f"redis://127.0.0.1:{site.free_port()}/0")


def outage_logs(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "unfragile.cache"]


class TestResilientRedisCache:
    def test_it_answers_like_an_empty_cache_while_redis_is_down(self, dead_redis):
        assert dead_redis.get("k") is None
        assert dead_redis.get("k", "fallback") == "fallback"
        assert dead_redis.set("k", 1) is None
        assert dead_redis.add("k", 1) is False
        # For callers whose unique constraint settles repeats: go on and write.
        assert dead_redis.add_first("k", 1) is True
        assert dead_redis.get_or_set("k", 5) == 5
        assert dead_redis.get_many(["a", "b"]) == {}
        assert dead_redis.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert dead_redis.has_key("k") is False
        assert dead_redis.touch("k") is False
        assert dead_redis.delete("k") is False
        assert dead_redis.delete_many(["a"]) is None
        assert dead_redis.clear() is False

    def test_it_counts_from_zero_while_redis_is_down(self, dead_redis):
        # View counters and rate limits call incr(); a ValueError would send them to add() and
        # incr() again, which would fail the same way.
        assert dead_redis.incr("views") == 1
        assert dead_redis.incr("views", 5) == 5
        assert dead_redis.decr("views") == -1

    def test_count_gives_one_while_redis_is_down(self, dead_redis):
        assert dead_redis.count("rate", 60) == 1
        assert dead_redis.count("rate", 60) == 1

    def test_count_counts_in_one_round_trip_and_expires(self, monkeypatch):
        site.require_redis()
        cache = make_cache(f"redis://{site.REDIS_HOST}:{site.REDIS_PORT}/{site.REDIS_DB}")
        sent = []  # what each call sent to Redis: commands alone, or pipelines
        real = cache._cache.get_client

        def client(*args, **kwargs):
            found = real(*args, **kwargs)
            monkeypatch.setattr(found, "execute_command", lambda *a, **k: sent.append(a[0]))
            pipeline = found.pipeline

            def counted_pipeline(**options):
                made = pipeline(**options)
                execute = made.execute
                made.execute = lambda: sent.append("pipeline") or execute()
                return made

            monkeypatch.setattr(found, "pipeline", counted_pipeline)
            return found

        monkeypatch.setattr(cache._cache, "get_client", client)
        try:
            assert [cache.count("rate", 60) for _ in range(3)] == [1, 2, 3]
            assert sent == ["pipeline"] * 3
            monkeypatch.setattr(cache._cache, "get_client", real)
            # The counter is an ordinary cache integer that expires with its first timeout.
            assert cache.get("rate") == 3
            assert 0 < real("rate").ttl(cache.make_key("rate")) <= 60
            assert cache.incr("rate") == 4
            assert cache.count("forever", None) == 1
            assert real("forever").ttl(cache.make_key("forever")) == -1
            assert cache.count("by", 60, by=5) == 5 and cache.count("by", 60, by=2) == 7
        finally:
            cache.delete_many(["rate", "forever", "by"])

    def test_it_logs_an_outage_once_not_per_call(self, dead_redis, monkeypatch, caplog):
        monkeypatch.setattr(resilient, "RETRY_AFTER", 0)  # every call really tries Redis
        caplog.set_level(logging.INFO, logger="unfragile.cache")
        for n in range(50):
            dead_redis.get(f"k{n}")
            dead_redis.set(f"k{n}", n)
        logs = outage_logs(caplog)
        assert len(logs) == 1
        assert UNAVAILABLE in logs[0]

    def test_it_reminds_at_most_once_a_minute(self, dead_redis, monkeypatch, caplog):
        clock = [1000.0]
        monkeypatch.setattr(resilient, "monotonic", lambda: clock[0])
        caplog.set_level(logging.INFO, logger="unfragile.cache")
        for _ in range(30):
            clock[0] += 5  # past the retry pause each time, so each call fails anew
            dead_redis.get("k")
        logs = outage_logs(caplog)
        # 150 s of failures: the first, then a reminder after 60 s and after 120 s.
        assert len(logs) == 3
        assert "still unavailable after 60 s" in logs[1]

    def test_it_leaves_redis_alone_for_a_moment_after_a_failure(self, dead_redis, monkeypatch):
        dead_redis.get("k")
        calls = []
        monkeypatch.setattr(
            resilient.RedisCache, "get", lambda *args: calls.append(args) or "from redis"
        )
        assert dead_redis.get("k", "fallback") == "fallback"
        assert calls == []

    def test_it_caches_again_when_redis_comes_back(self, monkeypatch, caplog):
        site.require_redis()
        monkeypatch.setattr(resilient, "_health", {})
        monkeypatch.setattr(resilient, "RETRY_AFTER", 0.2)
        caplog.set_level(logging.INFO, logger="unfragile.cache")
        with TcpProxy(site.REDIS_HOST, site.REDIS_PORT) as proxy:
            cache = make_cache(f"redis://127.0.0.1:{proxy.port}/{site.REDIS_DB}")
            try:
                cache.set("k", "before")
                assert cache.get("k") == "before"

                proxy.cut()
                assert cache.get("k") is None
                cache.set("k", "during")

                proxy.restore()
                time.sleep(0.3)
                assert cache.get("k") == "before"
                cache.set("k", "after")
                assert cache.get("k") == "after"
            finally:
                cache.delete("k")
        logs = outage_logs(caplog)
        assert len(logs) == 2
        assert UNAVAILABLE in logs[0]
        assert "is back after" in logs[1]


class TestCount:
    def test_it_counts_in_the_memory_cache_from_one(self, settings):
        from django.core.cache import cache

        from unfragile.cache import count

        cache.delete("counted")
        assert [count("counted", 60) for _ in range(3)] == [1, 2, 3]
        assert cache.get("counted") == 3
        assert count("counted", 60, by=4) == 7 and count("more", 60, by=4) == 4


@pytest.fixture
def shared_site_db(tmp_path_factory, tmp_path: Path) -> str:
    site.require_redis()
    template = site.sqlite_template(tmp_path_factory)
    return site.sqlite_url(site.copy_sqlite(template, tmp_path / "site.sqlite3"))


class TestSharedCache:
    @pytest.mark.parametrize("kind", ["versus", "asset"])
    def test_it_shares_pages_between_processes(
        self, shared_site_db: str, tmp_path: Path, kind: str
    ):
        import redis

        client = redis.Redis(host=site.REDIS_HOST, port=site.REDIS_PORT, db=site.REDIS_DB)
        prefix = f"shared-{uuid.uuid4().hex[:12]}"
        env = {"DATABASE_URL": shared_site_db, "CACHE_KEY_PREFIX": prefix,
               "CACHE_URL": f"redis://{site.REDIS_HOST}:{site.REDIS_PORT}/{site.REDIS_DB}"}
        a, b = site.published_slugs(shared_site_db)
        page = f"/compare/{a}-vs-{b}/" if kind == "versus" else f"/assets/{a}/"
        # Behind a load balancer every process sees the same public host name.
        host = {"Host": "127.0.0.1"}
        marker = f"<!-- cached by the first process {uuid.uuid4().hex} -->".encode()

        def page_keys() -> list[bytes]:
            return sorted(client.scan_iter(f"{prefix}:*:{kind}:*"))

        # Cached pages are keyed by the hour too; start well inside one.
        if time.time() % 3600 > 3600 - 30:
            time.sleep(3600 - time.time() % 3600 + 1)
        try:
            with site.Site(tmp_path, "one", **env) as one, site.Site(tmp_path, "two", **env) as two:
                first = one.get(page, headers=host)
                assert first.status == 200, one.log()
                [key] = page_keys()
                # Mark the page in Redis: whoever serves the mark read the shared entry.
                body = pickle.loads(client.get(key))
                client.set(key, pickle.dumps(body.replace(b"</main>", marker + b"</main>")),
                           keepttl=True)

                second = two.get(page, headers=host)
                assert second.status == 200, two.log()
                assert marker.decode() in second.body
                assert second.headers["ETag"] == first.headers["ETag"]
                assert page_keys() == [key]

                # A third process edits the asset, as the admin would: its save bumps the
                # version and moves the data generation in Redis, which both servers read.
                site.manage(
                    "shell", "-c",
                    f"from catalog.models import Asset; Asset.objects.get(slug={a!r}).save()",
                    database_url=shared_site_db, CACHE_URL=env["CACHE_URL"],
                    CACHE_KEY_PREFIX=prefix,
                )

                for web in (two, one):
                    fresh = web.get(page, headers=host)
                    assert fresh.status == 200, web.log()
                    assert marker.decode() not in fresh.body
                    assert fresh.headers["ETag"] != first.headers["ETag"]
                assert len(page_keys()) == 2
                assert UNAVAILABLE not in one.log() + two.log()
        finally:
            for key in client.scan_iter(f"{prefix}:*"):
                client.delete(key)
            client.close()
