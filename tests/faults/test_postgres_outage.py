"""PostgreSQL goes away while the site runs, and comes back."""

from __future__ import annotations

import time
from pathlib import Path

from tests.faults import site
from tests.faults.proxy import TcpProxy

# Short, so the outage costs the test a few seconds; production waits 3 s by default.
POOL_TIMEOUT = 2


class TestPostgresOutage:
    def test_it_answers_503_then_recovers_without_a_restart(self, pg_db: str, tmp_path: Path):
        a, b, c = site.published_slugs(site.postgres_url(pg_db), n=3)
        pages = ["/", f"/assets/{a}/", f"/compare/{a}-vs-{b}/"]
        # Cached pages whose lookup this process remembers, and the home page's cards, need
        # no database: readers keep them through the outage. The rest (a page nobody opened
        # yet) get the 503 page.
        cached = pages
        needs_database = [f"/assets/{c}/", f"/compare/{a}-vs-{c}/"]
        with TcpProxy(site.PG_HOST, site.PG_PORT) as proxy, site.Site(
            tmp_path, DATABASE_URL=site.postgres_url(pg_db, port=proxy.port),
            DATABASE_POOL_TIMEOUT=str(POOL_TIMEOUT),
        ) as web:
            # /healthz was the first request of this server, so it opened the pool itself.
            assert web.get("/healthz").status == 200, web.log()
            for path in pages:
                assert web.get(path).status == 200, web.log()
            pid = web.process.pid

            proxy.cut()
            health = web.get("/healthz")
            assert health.status == 503
            assert health.seconds < POOL_TIMEOUT + 1.5
            for path in cached:
                response = web.get(path)
                assert response.status == 200, (path, response.body[:500])
                assert response.seconds < 0.5
            for path in needs_database:
                response = web.get(path)
                assert response.status == 503, (path, response.body[:500])
                assert "back in a moment" in response.body
                assert 'href="/static/css/site.css"' in response.body
                assert response.headers["Retry-After"].isdigit()
                assert "Traceback" not in response.body
                assert response.seconds < POOL_TIMEOUT + 1.5

            proxy.restore()
            deadline = time.monotonic() + 30
            while web.get("/healthz").status != 200:
                assert time.monotonic() < deadline, f"the site did not recover:\n{web.log()}"
                time.sleep(0.25)
            for path in pages:
                assert web.get(path).status == 200, web.log()
            assert web.process.poll() is None and web.process.pid == pid
