"""One settings module for every environment.

With no environment at all it runs locally: SQLite in the project directory, DEBUG on and a
local-memory cache. Production sets DATABASE_URL, CACHE_URL, SECRET_KEY, DEBUG=0 and
ALLOWED_HOSTS; a malformed value stops the start with a message naming the variable.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}"
    )


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer; got {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name} must list at least one value, comma-separated")
    return items


SQLITE_OPTIONS = {
    # WAL lets readers go on while the loader writes; the busy timeout makes a second writer
    # wait instead of failing at once.
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


def env_database(name: str) -> dict:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "unfragile.sqlite3",
            # Opening a SQLite connection re-reads the schema, about 1 ms a request: keep it.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": SQLITE_OPTIONS,
        }
    scheme = urlsplit(raw).scheme
    if scheme not in {"postgres", "postgresql", "sqlite"}:
        raise ImproperlyConfigured(
            f"{name} must be a postgres:// or sqlite:// URL; got scheme {scheme!r}"
        )
    try:
        config = dj_database_url.parse(raw)
    except Exception as exc:  # the parser raises several types for malformed URLs
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 600
        config["CONN_HEALTH_CHECKS"] = True
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    if config["ENGINE"] == "django.db.backends.postgresql":
        from unfragile import dbpool

        # psycopg's pool keeps connections open between requests; Django requires
        # CONN_MAX_AGE 0 with it.
        config["CONN_MAX_AGE"] = 0
        # A connection broken by a database restart is dropped when taken from the pool,
        # never handed to a view; unfragile.dbpool checks only connections idle for a while.
        config["CONN_HEALTH_CHECKS"] = True
        config.setdefault("OPTIONS", {})
        # Parameters sent apart from the SQL, so psycopg prepares a statement that a
        # connection runs again and again (from its 5th run): PostgreSQL then plans it once.
        # Planning the versus page's pair lookup took longer than running it. A pooler in
        # transaction mode (PgBouncer) cannot keep prepared statements: DATABASE_PREPARE=0.
        if env_bool("DATABASE_PREPARE", True):
            config["OPTIONS"]["server_side_binding"] = True
            config["OPTIONS"].setdefault("prepare_threshold", 5)
        config["OPTIONS"]["pool"] = {
            "check": dbpool.check,
            "min_size": env_int("DATABASE_POOL_MIN", 2, minimum=1),
            "max_size": env_int("DATABASE_POOL_MAX", 10, minimum=1),
            # Seconds a request waits for a connection before it gets the 503 page; the pool
            # keeps reconnecting in the background and the site recovers on its own.
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 3, minimum=1),
        }
        config["TEST"] = {"NAME": f"test_{config['NAME']}"}
    return config


def env_cache(name: str) -> dict:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "unfragile"}
    scheme = urlsplit(raw).scheme
    if scheme in {"redis", "rediss"}:
        return {
            # Django's RedisCache, answering like an empty cache while Redis is unreachable.
            "BACKEND": "unfragile.cache.ResilientRedisCache",
            "LOCATION": raw,
            # Several sites (or test runs) can share one Redis database with their own prefix.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "").strip() or "unfragile",
            "TIMEOUT": 60 * 60 * 24,
            # A dead or stalled Redis costs a request a fraction of a second, not the kernel's
            # connect timeout; a local Redis answers in well under a millisecond.
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "unfragile"}
    raise ImproperlyConfigured(
        f"{name} must be a redis://, rediss:// or locmem:// URL; got {raw!r}"
    )


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "unfragile-local-development-only-not-a-secret-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_htmx",
    "catalog",
    "comparisons",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "unfragile.csp.CachedPolicyMiddleware",
    # Cached versus pages for anonymous readers, and live-search keystrokes whose results
    # are cached, leave here, with the headers above.
    "comparisons.middleware.VersusCacheMiddleware",
    "comparisons.middleware.LiveSearchCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Counts a browser's first search, held until it came back with the session cookie.
    "comparisons.middleware.HeldSearchMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "unfragile.htmx.HistoryRestoreMiddleware",
    "unfragile.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "unfragile.urls"
WSGI_APPLICATION = "unfragile.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL")}
CACHES = {"default": env_cache("CACHE_URL")}
# Without a Redis cache, where every process of this machine sees that the data changed
# (unfragile.generation); by default a file per database in the temporary directory.
PAGE_GENERATION_FILE = os.environ.get("PAGE_GENERATION_FILE", "").strip() or None

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGIN_URL = "admin:login"

# Searches one client may make per minute before getting a 429 page.
SEARCH_RATE_LIMIT = env_int("SEARCH_RATE_LIMIT", 60, minimum=1)
# Suggestions of the compare form per client and minute; past it the list stays empty.
TYPEAHEAD_RATE_LIMIT = env_int("TYPEAHEAD_RATE_LIMIT", 240, minimum=1)
# Failed admin sign-ins allowed in 15 minutes, per account and per client.
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5, minimum=1)
LOGIN_FAILURES_PER_CLIENT = env_int("LOGIN_FAILURES_PER_CLIENT", 20, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"unfragile": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

# Where `load_catalog` reads when no file is named.
BUNDLED_CATALOG = BASE_DIR / "catalog" / "data" / "catalog.jsonl.gz"
