"""The data generation: a token that moves whenever a write changes which page a URL shows.

Cached pages are keyed by the versions of the assets on them, and finding those versions
(which also tells an unknown or unpublished slug from a published one) was a database query
on every view of a cached page: as much as the rest of serving it. A process now remembers
what such a lookup answered (`Memo`) for as long as the generation has not moved, so a view of
a cached page asks the database nothing.

Every write that changes what those lookups read moves the generation: an asset saved,
created or deleted, a version bumped in bulk (imports, recomputes, admin actions, loads), a
pair's note saved or deleted. `advance()` moves it at once and again when the transaction
commits, so no process keeps an answer read before the commit.

Where the token lives, so every process sees it move:
- with a Redis cache (CACHE_URL), in the cache: every process on every machine;
- otherwise in a file's modification time (`PAGE_GENERATION_FILE`, by default one per
  database in the system's temporary directory): every process on this machine. Several
  machines behind a load balancer share a Redis cache (README, "Production").

When the token cannot be read (Redis unreachable, the file's directory not writable) the
lookups go to the database as before. A remembered answer is also dropped after
`MAX_AGE` seconds whatever the generation says: a write that could not move the token
(Redis away at that moment) shows within that time.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import tempfile
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

log = logging.getLogger("unfragile.generation")

CACHE_KEY = "data-generation"
MAX_AGE = 30.0
# Past this many remembered answers a memo starts again from empty (a crawler walking
# unknown URLs must not grow a process without bound).
MAX_ENTRIES = 50_000

_warned: set[str] = set()
MISSING = object()


def _shared_cache() -> bool:
    return "Redis" in settings.CACHES["default"]["BACKEND"]


def _file() -> str:
    configured = getattr(settings, "PAGE_GENERATION_FILE", None)
    if configured:
        return str(configured)
    db = connection.settings_dict
    ident = "|".join(str(db.get(k) or "") for k in ("ENGINE", "HOST", "PORT", "NAME"))
    # Read on every view of a cached page: the hash and the path are made once per database.
    path = _default_files.get(ident)
    if path is None:
        digest = hashlib.sha256(ident.encode()).hexdigest()[:16]
        path = _default_files[ident] = os.path.join(
            tempfile.gettempdir(), f"unfragile-generation-{digest}"
        )
    return path


_default_files: dict[str, str] = {}


def _warn_once(what: str, exc: Exception) -> None:
    if what not in _warned:
        _warned.add(what)
        log.warning("Data generation %s: %s; page lookups ask the database", what, exc)


def current() -> Hashable | None:
    """The token now, or None when it cannot be known (then ask the database)."""
    if _shared_cache():
        token = cache.get(CACHE_KEY)
        if token is None:
            # First use, or Redis lost its data: start a generation nobody remembers.
            cache.add(CACHE_KEY, secrets.token_hex(8), None)
            token = cache.get(CACHE_KEY)
        return token
    path = _file()
    try:
        return os.stat(path).st_mtime_ns
    except FileNotFoundError:
        _advance_file(path)
        try:
            return os.stat(path).st_mtime_ns
        except OSError:
            return None
    except OSError as exc:
        _warn_once(f"file {path} unreadable", exc)
        return None


def _advance_file(path: str) -> None:
    try:
        try:
            old = os.stat(path).st_mtime_ns
        except FileNotFoundError:
            Path(path).touch()
            old = 0
        # Strictly later than what anyone read, even within one tick of the clock.
        new = max(time.time_ns(), old + 1)
        os.utime(path, ns=(new, new))
    except OSError as exc:
        _warn_once(f"file {path} not writable", exc)


def _advance_now() -> None:
    if _shared_cache():
        cache.set(CACHE_KEY, secrets.token_hex(8), None)
    else:
        _advance_file(_file())


def advance() -> None:
    """Move the generation now and, inside a transaction, again once it commits."""
    _advance_now()
    if connection.in_atomic_block:
        transaction.on_commit(_advance_now)


class Memo:
    """Answers of one database lookup, remembered in this process while the generation
    stays the same (and for at most MAX_AGE seconds)."""

    def __init__(self) -> None:
        self._entries: dict[Hashable, tuple[Hashable, float, Any]] = {}

    def get(self, key: Hashable, load: Callable[[], Any]) -> Any:
        token = current()
        if token is None:
            return load()
        value = self.lookup(key, token)
        if value is MISSING:
            value = load()
            self.remember(key, token, value)
        return value

    def lookup(self, key: Hashable, token: Hashable | None) -> Any:
        """The answer remembered for `key` in generation `token` (read before looking it up
        anywhere else), or MISSING."""
        entry = self._entries.get(key)
        # Each entry carries the generation it was read in: no lock, and an answer read
        # before a write can never pass for one read after it.
        if (token is not None and entry is not None and entry[0] == token
                and time.monotonic() - entry[1] < MAX_AGE):
            return entry[2]
        return MISSING

    def remember(self, key: Hashable, token: Hashable | None, value: Any) -> None:
        """Keep `value`, read after `token` was, as the answer for `key` in that generation."""
        if token is None:
            return
        if len(self._entries) >= MAX_ENTRIES:
            self._entries = {}
        self._entries[key] = (token, time.monotonic(), value)

    def clear(self) -> None:
        self._entries = {}


_memos: list[Memo] = []


def memo() -> Memo:
    """A new memo, registered so tests can empty every one between them."""
    made = Memo()
    _memos.append(made)
    return made


def forget_all() -> None:
    for made in _memos:
        made.clear()
