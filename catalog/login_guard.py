"""Throttle failed admin sign-ins, per account and per client, with counters in the cache.

No IP address is stored: the client key is a salted hash of it. With CACHE_URL pointing at
Redis the counters are shared by every app server.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

log = logging.getLogger("unfragile.security")

WINDOW_SECONDS = 15 * 60


def _limits() -> tuple[int, int]:
    return (
        getattr(settings, "LOGIN_FAILURES_PER_ACCOUNT", 5),
        getattr(settings, "LOGIN_FAILURES_PER_CLIENT", 20),
    )


def _digest(text: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{text}".encode()).hexdigest()[:32]


def _keys(request: HttpRequest | None, username: str) -> list[str]:
    keys = [f"login-fail:user:{_digest(username.strip().lower())}"]
    if request is not None:
        keys.append(f"login-fail:client:{_digest(request.META.get('REMOTE_ADDR', ''))}")
    return keys


def _count(key: str) -> int:
    try:
        return int(cache.get(key) or 0)
    except Exception:  # a cache outage must not lock curators out
        log.warning("login guard: cache unavailable", exc_info=True)
        return 0


@receiver(user_login_failed)
def _failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    username = str(credentials.get("username", ""))
    for key in _keys(request, username):
        try:
            cache.add(key, 0, WINDOW_SECONDS)
            cache.incr(key)
        except Exception:
            log.warning("login guard: cache unavailable", exc_info=True)
    log.info("failed admin sign-in for account hash %s", _digest(username.lower())[:8])


@receiver(user_logged_in)
def _succeeded(sender, request: HttpRequest, user, **kwargs) -> None:
    try:
        cache.delete(_keys(None, user.get_username())[0])
    except Exception:
        log.warning("login guard: cache unavailable", exc_info=True)


def is_throttled(request: HttpRequest) -> bool:
    per_account, per_client = _limits()
    user_key, client_key = _keys(request, request.POST.get("username", ""))
    return _count(user_key) >= per_account or _count(client_key) >= per_client


def guarded_login(request: HttpRequest, extra_context=None) -> HttpResponse:
    """The admin's login view, refusing further attempts once the limits are reached."""
    if request.method == "POST" and is_throttled(request):
        response = render(request, "429_login.html", status=429)
        response["Retry-After"] = str(WINDOW_SECONDS)
        return response
    return admin.site.__class__.login(admin.site, request, extra_context)
