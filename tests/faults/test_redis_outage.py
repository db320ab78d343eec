"""Redis goes away while the site runs, and comes back."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

from tests.faults import site
from tests.faults.proxy import TcpProxy

UNAVAILABLE = "is unavailable, serving without it"


@pytest.fixture
def redis_client():
    site.require_redis()
    import redis

    client = redis.Redis(host=site.REDIS_HOST, port=site.REDIS_PORT, db=site.REDIS_DB)
    prefix = f"faults-{uuid.uuid4().hex[:12]}"
    yield client, prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


class TestRedisOutage:
    def test_it_serves_pages_logs_once_and_caches_again_after(
        self, redis_client, sqlite_db: str, tmp_path: Path
    ):
        client, prefix = redis_client
        a, b = site.published_slugs(sqlite_db)
        pages = ["/", f"/assets/{a}/", f"/compare/{a}-vs-{b}/"]

        def versus_keys() -> list[bytes]:
            return list(client.scan_iter(f"{prefix}:*versus:*"))

        with TcpProxy(site.REDIS_HOST, site.REDIS_PORT) as proxy, site.Site(
            tmp_path, DATABASE_URL=sqlite_db, CACHE_KEY_PREFIX=prefix,
            CACHE_URL=f"redis://127.0.0.1:{proxy.port}/{site.REDIS_DB}",
        ) as web:
            for path in pages:
                assert web.get(path).status == 200, web.log()
            assert versus_keys(), "the versus page was not cached in Redis"

            proxy.cut()
            client.delete(*versus_keys())
            for _ in range(10):
                for path in pages:
                    response = web.get(path)
                    assert response.status == 200, web.log()
                    assert path == "/" or a in response.body
                    # No request waits on the dead Redis for long.
                    assert response.seconds < 2
            assert web.log().count(UNAVAILABLE) == 1, web.log()
            assert not versus_keys()

            proxy.restore()
            # Calls skip Redis for a moment after a failure; then the next page is cached.
            deadline = time.monotonic() + 15
            while not versus_keys() and time.monotonic() < deadline:
                assert web.get(pages[2]).status == 200
                time.sleep(0.5)
            assert versus_keys(), f"caching did not resume:\n{web.log()}"
            log = web.log()
            assert log.count(UNAVAILABLE) == 1, log
            assert "is back after" in log
            assert "Traceback" not in log
