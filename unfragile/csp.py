"""Django's Content-Security-Policy middleware, with each policy built once.

Django builds the header from the SECURE_CSP dict on every response: sorting, joining and
formatting every directive, a noticeable part of what a cached page costs. The header only
differs by its nonce, so this middleware builds each policy once per setting (with a
placeholder where the nonce goes, and once without a nonce) and puts the response's nonce
in. Headers a view set itself are left alone, as Django does.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import ContentSecurityPolicyMiddleware, get_nonce
from django.utils.csp import CSP, build_policy

_PLACEHOLDER = "0noncegoeshere0"
_SENTINEL = object()


class CachedPolicyMiddleware(ContentSecurityPolicyMiddleware):
    def __init__(self, get_response) -> None:
        super().__init__(get_response)
        # header -> (the config it was built from, with a nonce placeholder, without a nonce)
        self._built: dict[str, tuple[object, str, str]] = {}

    def _policy(self, header: str, config: dict, nonce) -> str:
        built = self._built.get(header)
        # Compared by identity: settings overrides (tests) swap the dict for another one.
        if built is None or built[0] is not config:
            built = (config, build_policy(config, _PLACEHOLDER), build_policy(config))
            self._built[header] = built
        # A nonce nobody used is never generated: Django then leaves it out of the header.
        return built[1].replace(_PLACEHOLDER, str(nonce)) if nonce else built[2]

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        nonce = get_nonce(request)
        for header, name, attr in (
            (CSP.HEADER_ENFORCE, "SECURE_CSP", "_csp_config"),
            (CSP.HEADER_REPORT_ONLY, "SECURE_CSP_REPORT_ONLY", "_csp_ro_config"),
        ):
            config = getattr(response, attr, _SENTINEL)
            if config is _SENTINEL:
                config = getattr(settings, name)
            if config and header not in response:
                response.headers[str(header)] = self._policy(str(header), config, nonce)
        return response
