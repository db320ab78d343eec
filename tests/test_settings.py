from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import django, json; from django.conf import settings; django.setup(); "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
    "'cache': settings.CACHES['default']['BACKEND'], 'debug': settings.DEBUG, "
    "'hosts': settings.ALLOWED_HOSTS, "
    "'pool': 'pool' in settings.DATABASES['default'].get('OPTIONS', {}), "
    "'prepare': settings.DATABASES['default'].get('OPTIONS', {}).get('prepare_threshold')}))"
)
VARS = ("DATABASE_URL", "CACHE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DATABASE_POOL_MAX",
        "DATABASE_PREPARE",
        # The browser tests allow sync database access inside Playwright's event loop; a
        # production process never has it.
        "DJANGO_ALLOW_ASYNC_UNSAFE")


def run_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in VARS}
    clean.update(env, DJANGO_SETTINGS_MODULE="unfragile.settings")
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True,
        timeout=60,
    )


class TestSettings:
    def test_it_runs_with_no_environment(self):
        result = run_settings()
        assert result.returncode == 0, result.stderr
        assert '"engine": "django.db.backends.sqlite3"' in result.stdout
        assert "LocMemCache" in result.stdout
        assert '"debug": true' in result.stdout

    def test_it_uses_postgres_with_a_pool(self):
        result = run_settings(DATABASE_URL="postgres://postgres@127.0.0.1:5432/x")
        assert result.returncode == 0, result.stderr
        assert "postgresql" in result.stdout
        assert '"pool": true' in result.stdout
        assert '"prepare": 5' in result.stdout

    def test_it_leaves_statements_unprepared_for_a_transaction_pooler(self):
        result = run_settings(DATABASE_URL="postgres://postgres@127.0.0.1:5432/x",
                              DATABASE_PREPARE="0")
        assert result.returncode == 0, result.stderr
        assert '"prepare": null' in result.stdout

    def test_it_uses_redis_for_the_cache(self):
        result = run_settings(CACHE_URL="redis://127.0.0.1:6379/0")
        assert result.returncode == 0, result.stderr
        assert "RedisCache" in result.stdout

    def test_it_reads_allowed_hosts(self):
        result = run_settings(ALLOWED_HOSTS="example.org, www.example.org")
        assert '"hosts": ["example.org", "www.example.org"]' in result.stdout

    @pytest.mark.parametrize(
        ("env", "named"),
        [
            ({"DEBUG": "maybe"}, "DEBUG"),
            ({"DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL"),
            ({"CACHE_URL": "memcached://localhost"}, "CACHE_URL"),
            ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS"),
            (
                {"DATABASE_URL": "postgres://x@h/db", "DATABASE_POOL_MAX": "lots"},
                "DATABASE_POOL_MAX",
            ),
        ],
    )
    def test_it_names_the_variable_with_a_bad_value(self, env, named):
        result = run_settings(**env)
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert named in result.stderr

    def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off(self):
        result = run_settings(DEBUG="0")
        assert result.returncode != 0
        assert "SECRET_KEY" in result.stderr

    def test_it_starts_with_debug_off_and_a_secret_key(self):
        result = run_settings(DEBUG="0", SECRET_KEY="x" * 50)
        assert result.returncode == 0, result.stderr
        assert '"debug": false' in result.stdout


class TestDeployCheck:
    def test_it_is_clean_with_the_documented_production_environment(self):
        clean = {k: v for k, v in os.environ.items() if k not in VARS}
        clean.update(
            DEBUG="0", SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
            ALLOWED_HOSTS="unfragile.example", DJANGO_SETTINGS_MODULE="unfragile.settings",
        )
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "no issues" in result.stdout
