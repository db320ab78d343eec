"""Django's Redis cache, made to degrade instead of failing when Redis is away.

The cache only ever saves work: every page can be built from the database. So while Redis is
unreachable each call answers as an empty cache would (`get` gives the default, `set` stores
nothing), the outage is logged once (and reminded at most once a minute), and calls skip Redis
for a moment after a failure so a page that makes ten cache calls does not wait ten timeouts.
The first call that reaches Redis again logs the recovery; nothing needs a restart.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from time import monotonic
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger("unfragile.cache")

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
# After a failure, calls go straight to their fallback for this long before Redis is tried again.
RETRY_AFTER = 2.0
# While Redis stays away, the log says so again at most this often.
REMIND_EVERY = 60.0


class _Health:
    """Whether one Redis location answers. Django builds a cache backend per thread; this
    state is shared by all of them so a process logs an outage once, not once per thread."""

    def __init__(self, location: str) -> None:
        self.location = location
        self.lock = threading.Lock()
        self.down_since: float | None = None
        self.retry_at = 0.0
        self.reminded_at = 0.0
        self.failed_calls = 0

    def should_try(self) -> bool:
        if self.down_since is None or monotonic() >= self.retry_at:
            return True
        with self.lock:
            self.failed_calls += 1
        return False

    def failed(self, exc: Exception) -> None:
        now = monotonic()
        with self.lock:
            self.failed_calls += 1
            self.retry_at = now + RETRY_AFTER
            if self.down_since is None:
                self.down_since = self.reminded_at = now
                self.failed_calls = 1
                log.error(
                    "Redis cache at %s is unavailable, serving without it: %s", self.location, exc
                )
            elif now - self.reminded_at >= REMIND_EVERY:
                self.reminded_at = now
                log.error(
                    "Redis cache at %s still unavailable after %.0f s (%d calls without it): %s",
                    self.location, now - self.down_since, self.failed_calls, exc,
                )

    def succeeded(self) -> None:
        if self.down_since is None:
            return
        with self.lock:
            if self.down_since is None:
                return
            log.warning(
                "Redis cache at %s is back after %.0f s (%d calls went without it)",
                self.location, monotonic() - self.down_since, self.failed_calls,
            )
            self.down_since = None


_health: dict[str, _Health] = {}
_health_lock = threading.Lock()


def _health_of(location: str) -> _Health:
    with _health_lock:
        return _health.setdefault(location, _Health(location))


def _redacted(servers: list[str]) -> str:
    # The URL may carry a password; the log only needs host, port and database.
    return ",".join(server.rpartition("@")[2] for server in servers)


class ResilientRedisCache(RedisCache):
    """RedisCache whose calls answer like an empty cache while Redis is unreachable."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._health = _health_of(_redacted(self._servers))

    def _call(self, fallback: Any, method: str | Callable, *args: Any, **kwargs: Any) -> Any:
        if not self._health.should_try():
            return fallback
        call = method if callable(method) else getattr(super(), method)
        try:
            result = call(*args, **kwargs)
        except UNAVAILABLE as exc:
            self._health.failed(exc)
            return fallback
        self._health.succeeded()
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._call(False, "add", key, value, timeout, version)

    def get(self, key, default=None, version=None) -> Any:
        return self._call(default, "get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        self._call(None, "set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._call(False, "touch", key, timeout, version)

    def delete(self, key, version=None) -> bool:
        return self._call(False, "delete", key, version)

    def get_many(self, keys, version=None) -> dict[str, Any]:
        return self._call({}, "get_many", keys, version)

    def has_key(self, key, version=None) -> bool:
        return self._call(False, "has_key", key, version)

    def incr(self, key, delta=1, version=None) -> int:
        # As if the counter had just been created: callers count views and rate limits with
        # incr (decr comes here too) and a missing key (ValueError) would make them add() and
        # incr() again, which fails the same way. A rate limit therefore lets clients through
        # while Redis is away rather than turning them all away.
        return self._call(delta, "incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list[str]:
        return self._call(list(data), "set_many", data, timeout, version)

    def delete_many(self, keys, version=None) -> None:
        self._call(None, "delete_many", keys, version)

    def clear(self) -> bool:
        return self._call(False, "clear")

    def add_first(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        """See `add_first()`: add(), but True while Redis is away."""
        return self._call(True, "add", key, value, timeout, version)

    def count(
        self, key: str, timeout: int | None, by: int = 1, version: int | None = None
    ) -> int:
        """See `count()`: one round trip instead of add() and incr() (incr() alone is two).
        While Redis is away, `by`, as `incr` answers."""
        return self._call(by, self._count, key, timeout, by, version)

    def _count(self, key: str, timeout: int | None, by: int, version: int | None) -> int:
        key = self.make_and_validate_key(key, version=version)
        pipe = self._cache.get_client(key, write=True).pipeline(transaction=False)
        # Django's Redis serializer keeps integers as plain numbers, so get() reads it back.
        pipe.set(key, 0, ex=timeout, nx=True)
        pipe.incr(key, by)
        return pipe.execute()[1]


def count(key: str, timeout: int | None, by: int = 1) -> int:
    """Add `by` to the counter `key` in the default cache, created at zero with this timeout
    when missing; its new value (`by`: this call created it). Atomic on Redis and in
    memory."""
    backend = caches["default"]
    if isinstance(backend, ResilientRedisCache):
        return backend.count(key, timeout, by)
    try:
        return backend.incr(key, by)
    except ValueError:  # missing: create it, unless another process just did
        if backend.add(key, by, timeout):
            return by
        return backend.incr(key, by)


def add_first(key: str, value: Any, timeout: int | None) -> bool:
    """Store `key` in the default cache unless it is there; whether this call stored it.

    For callers whose own store settles repeats anyway (a unique constraint) and who use the
    cache only to skip that work: while Redis is away this answers True, so that the caller
    goes on to its store instead of dropping what it came to write, as add()'s False (the key
    is taken) would make it."""
    backend = caches["default"]
    if isinstance(backend, ResilientRedisCache):
        return backend.add_first(key, value, timeout)
    return backend.add(key, value, timeout)
