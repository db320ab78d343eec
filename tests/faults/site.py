"""Run the site as a real process over its own small database, for tests that take its
servers away: a gunicorn process, the databases it runs on, and plain HTTP against it."""

from __future__ import annotations

import contextlib
import gzip
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
BUNDLED = ROOT / "catalog" / "data" / "catalog.jsonl.gz"
PG_HOST, PG_PORT = "127.0.0.1", 5432
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# The Redis database the tests write to, each run under its own key prefix.
REDIS_DB = 5
# Variables of the surrounding environment the site under test must not inherit.
SITE_VARS = ("DATABASE_URL", "CACHE_URL", "CACHE_KEY_PREFIX", "SECRET_KEY", "DEBUG",
             "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "DATABASE_POOL_TIMEOUT",
             "DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT", "PAGE_GENERATION_FILE")
TABLES = ("catalog_organization", "catalog_task", "catalog_asset", "catalog_capability",
          "catalog_evidence", "catalog_score")


def _reachable(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return False
    return True


def require_redis() -> None:
    if not _reachable(REDIS_HOST, REDIS_PORT):
        pytest.skip(f"Redis is not reachable at {REDIS_HOST}:{REDIS_PORT}")


def require_postgres() -> None:
    if not _reachable(PG_HOST, PG_PORT):
        pytest.skip(f"PostgreSQL is not reachable at {PG_HOST}:{PG_PORT}")


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SITE_VARS}
    env.update(extra)
    return env


def manage(*args: str, database_url: str, timeout: float = 180, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
        env=clean_env(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="unfragile.settings",
                      **env),
        timeout=timeout,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stderr}"
    return result.stdout


def write_small_catalog(path: Path, size: int = 40) -> Path:
    """The first `size` records of the bundled catalog that stand on their own (no lineage)."""
    kept: list[str] = []
    with gzip.open(BUNDLED, "rt", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if record["type"] == "model" and not record["base_model"] and not record["trained_on"]:
                kept.append(line)
            if len(kept) == size:
                break
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.writelines(kept)
    return path


def prepare(database_url: str, workdir: Path) -> None:
    """Migrate the database and load a small catalog into it."""
    manage("migrate", "--noinput", "-v0", database_url=database_url)
    manage("load_catalog", str(write_small_catalog(workdir / "small.jsonl.gz")),
           database_url=database_url)


_sqlite_template: list[Path] = []


def sqlite_template(tmp_path_factory) -> Path:
    """A migrated SQLite database holding a small catalog, built once per test session and
    copied by each test that needs one."""
    if not _sqlite_template:
        workdir = tmp_path_factory.mktemp("sqlite-template")
        path = workdir / "template.sqlite3"
        prepare(sqlite_url(path), workdir)
        _sqlite_template.append(path)
    return _sqlite_template[0]


def copy_sqlite(template: Path, target: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{template}{suffix}")
        if source.exists():
            shutil.copyfile(source, f"{target}{suffix}")
    return target


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def postgres_url(name: str, port: int = PG_PORT) -> str:
    return f"postgres://postgres@{PG_HOST}:{port}/{name}"


def pg_admin():
    import psycopg

    return psycopg.connect(host=PG_HOST, port=PG_PORT, user="postgres", dbname="postgres",
                           autocommit=True, connect_timeout=5)


def create_pg_database(name: str, template: str | None = None) -> None:
    with pg_admin() as conn:
        if template:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        else:
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_pg_database(name: str) -> None:
    with pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def connect(database_url: str):
    """A DB-API connection straight to the test's database (never through a proxy)."""
    if database_url.startswith("sqlite:///"):
        import sqlite3

        return sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=20)
    import psycopg

    return psycopg.connect(database_url, autocommit=True, connect_timeout=5)


def snapshot(database_url: str) -> dict:
    """What a load may change: every asset's identity, content hash and version, and how many
    rows each catalog table holds."""
    conn = connect(database_url)
    try:
        cur = conn.cursor()
        cur.execute("SELECT uid, import_hash, version FROM catalog_asset ORDER BY uid")
        assets = [tuple(row) for row in cur.fetchall()]
        counts = {}
        for table in TABLES:
            cur.execute(f"SELECT COUNT(*) FROM {table}")
            counts[table] = cur.fetchone()[0]
    finally:
        conn.close()
    return {"assets": assets, "counts": counts}


def published_slugs(database_url: str, n: int = 2) -> list[str]:
    conn = connect(database_url)
    try:
        cur = conn.cursor()
        cur.execute(
            f"SELECT slug FROM catalog_asset WHERE status = 'published' ORDER BY slug LIMIT {n:d}"
        )
        return [row[0] for row in cur.fetchall()]
    finally:
        conn.close()


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        return sock.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str
    seconds: float


class Site:
    """The site in a gunicorn process (one worker, a few threads) with DEBUG off."""

    def __init__(self, workdir: Path, name: str = "site", **env: str) -> None:
        self.port = free_port()
        self.log_path = workdir / f"{name}.log"
        self.env = clean_env(
            DJANGO_SETTINGS_MODULE="tests.faults.site_settings", DEBUG="0",
            SECRET_KEY="fault-tests-" + uuid.uuid4().hex * 2, ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="0", PYTHONUNBUFFERED="1", **env,
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> Site:
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "unfragile.wsgi",
                 "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "4",
                 "--graceful-timeout", "2", "--timeout", "60"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the site exited:\n{self.log()}"
            with contextlib.suppress(OSError):
                self.get("/healthz", timeout=5)
                return self
            time.sleep(0.1)
        raise AssertionError(f"the site did not answer in 30 s:\n{self.log()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # quick shutdown
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Site:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def get(self, path: str, timeout: float = 20, headers: dict[str, str] | None = None
            ) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        started = time.monotonic()
        try:
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            body = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        return Response(response.status, dict(response.getheaders()), body,
                        time.monotonic() - started)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")
