"""Security headers and script hygiene on every page type, in development and production mode.

Production mode is the settings module itself, evaluated with DEBUG=0 (see `production`), so
these tests fail if the module stops turning HSTS or secure cookies on.
"""

from __future__ import annotations

import re
import runpy
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path
from django.utils.csp import CSP

import unfragile.urls as site_urls
from tests.factories import make_asset, make_capability, make_evidence, make_org, make_task

pytestmark = pytest.mark.django_db

SECRET_IN_ERROR = "database password is hunter2"


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET_IN_ERROR)


def _forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("curators only")


# This module is also the URLconf of TestErrorPages: the site's URLs and handlers plus two
# views that fail.
urlpatterns = [path("boom/", _boom), path("forbidden/", _forbidden), *site_urls.urlpatterns]
globals().update({k: v for k, v in vars(site_urls).items() if k.startswith("handler")})

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "unfragile" / "settings.py"

# Every page type: (name, path, expected status).
PAGES = [
    ("home", "/", 200),
    ("browse", "/assets/", 200),
    ("asset", "/assets/alpha/", 200),
    ("versus", "/compare/alpha-vs-beta/", 200),
    ("compare", "/compare/", 200),
    ("search", "/search/?q=x", 200),
    ("methodology", "/methodology/", 200),
    ("robots", "/robots.txt", 200),
    ("sitemap", "/sitemap.xml", 200),
    ("healthz", "/healthz", 200),
    ("not-found", "/assets/no-such-asset/", 404),
    ("bad-request", "/assets/?kind=nonsense", 400),
    ("admin-login", "/admin/login/", 200),
]
HTML_PAGES = [p for p in PAGES if p[0] not in {"robots", "sitemap", "healthz"}]
# Attributes whose value the browser may treat as a URL to navigate to or load.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster"}


class Page(HTMLParser):
    """The scripts, attributes and inline styles of one HTML page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict[str, str | None]] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.style_elements = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))
        if tag == "style":
            self.style_elements += 1
        self.attributes.extend((tag, name, value) for name, value in attrs)


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def nonce_of(header: str) -> str:
    sources = csp_directives(header)["script-src"]
    nonces = [s[len("'nonce-"):-1] for s in sources if s.startswith("'nonce-")]
    assert len(nonces) == 1, f"no nonce in script-src: {sources}"
    return nonces[0]


@pytest.fixture
def catalog_rows():
    org = make_org("Acme Labs")
    task = make_task("image-segmentation", name="Image segmentation")
    alpha = make_asset("alpha", name="Alpha", organization=org, tasks=[task])
    beta = make_asset("beta", name="Beta", organization=org, tasks=[task])
    for asset in (alpha, beta):
        evidence = make_evidence(asset, label="ADE20K mIoU", unit="%", value=50.0)
        make_capability(asset, title="Segments scenes", task=task, evidence=evidence)
    return alpha, beta


@pytest.fixture
def production(monkeypatch):
    """The settings module as production evaluates it (DEBUG=0), applied to this test."""
    monkeypatch.setenv("DEBUG", "0")
    monkeypatch.setenv("SECRET_KEY", "test-production-secret-key-" + "x" * 40)
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    module = runpy.run_path(str(SETTINGS_FILE))
    wanted = ("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_", "X_FRAME_OPTIONS")
    values = {k: v for k, v in module.items() if k.startswith(wanted)}
    assert values["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    with override_settings(DEBUG=False, **values):
        yield values


class TestHeaders:
    @pytest.mark.parametrize(("name", "path", "status"), PAGES, ids=[p[0] for p in PAGES])
    def test_it_sends_the_security_headers_on_every_page_type(
        self, client, catalog_rows, name, path, status
    ):
        r = client.get(path)
        assert r.status_code == status
        assert r["X-Content-Type-Options"] == "nosniff"
        assert r["Referrer-Policy"] == "same-origin"
        assert r["X-Frame-Options"] == "DENY"
        csp = csp_directives(r["Content-Security-Policy"])
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["object-src"] == ["'none'"]
        assert "'unsafe-inline'" not in csp["script-src"]
        assert "'unsafe-eval'" not in csp["script-src"]
        assert "'unsafe-inline'" not in csp.get("style-src", [])

    @pytest.mark.parametrize(("name", "path", "status"), HTML_PAGES, ids=[p[0] for p in HTML_PAGES])
    def test_it_puts_a_fresh_nonce_on_every_html_page(
        self, client, catalog_rows, name, path, status
    ):
        first = nonce_of(client.get(path)["Content-Security-Policy"])
        second = nonce_of(client.get(path)["Content-Security-Policy"])
        assert len(first) >= 16
        assert first != second

    def test_the_versus_page_from_the_cache_gets_the_nonce_of_its_own_response(
        self, client, catalog_rows
    ):
        client.get("/compare/alpha-vs-beta/")
        r = client.get("/compare/alpha-vs-beta/")  # this one comes from the cache
        nonce = nonce_of(r["Content-Security-Policy"])
        scripts = Page(r.content.decode()).scripts
        assert scripts and all(s.get("nonce") == nonce or s.get("src") for s in scripts)
        assert f'nonce="{nonce}"' in r.content.decode()


class TestPolicyBuiltOnce:
    """unfragile.csp builds each policy once: the header must be what Django would build."""

    def request_with_nonce(self, used: bool) -> HttpRequest:
        from django.utils.csp import LazyNonce

        request = HttpRequest()
        request._csp_nonce = LazyNonce()
        if used:
            str(request._csp_nonce)
        return request

    @pytest.mark.parametrize("used", [True, False])
    def test_it_sends_what_django_would(self, settings, used):
        from django.utils.csp import build_policy

        from unfragile.csp import CachedPolicyMiddleware

        settings.SECURE_CSP_REPORT_ONLY = {"default-src": ["'self'"], "script-src": [CSP.NONCE]}
        middleware = CachedPolicyMiddleware(lambda request: HttpResponse())
        for _ in range(2):  # built, then reused
            request = self.request_with_nonce(used)
            response = middleware.process_response(request, HttpResponse())
            nonce = request._csp_nonce if used else None
            assert response["Content-Security-Policy"] == build_policy(settings.SECURE_CSP, nonce)
            assert response["Content-Security-Policy-Report-Only"] == build_policy(
                settings.SECURE_CSP_REPORT_ONLY, nonce
            )
            assert ("'nonce-" in response["Content-Security-Policy"]) is used

    def test_a_changed_setting_takes_effect(self, settings):
        from unfragile.csp import CachedPolicyMiddleware

        middleware = CachedPolicyMiddleware(lambda request: HttpResponse())
        middleware.process_response(self.request_with_nonce(True), HttpResponse())
        settings.SECURE_CSP = {"default-src": ["'none'"]}
        response = middleware.process_response(self.request_with_nonce(True), HttpResponse())
        assert response["Content-Security-Policy"] == "default-src 'none'"

    def test_a_header_the_view_set_is_kept(self):
        from unfragile.csp import CachedPolicyMiddleware

        own = HttpResponse()
        own["Content-Security-Policy"] = "default-src 'self'"
        middleware = CachedPolicyMiddleware(lambda request: own)
        response = middleware.process_response(self.request_with_nonce(True), own)
        assert response["Content-Security-Policy"] == "default-src 'self'"


class TestMarkup:
    @pytest.mark.parametrize(("name", "path", "status"), HTML_PAGES, ids=[p[0] for p in HTML_PAGES])
    def test_every_script_is_ours_or_carries_the_nonce(
        self, client, catalog_rows, name, path, status
    ):
        r = client.get(path)
        nonce = nonce_of(r["Content-Security-Policy"])
        page = Page(r.content.decode())
        assert page.scripts, "every page loads htmx"
        for script in page.scripts:
            src = script.get("src")
            if src:
                # Same origin: a path, never another host or a protocol-relative URL.
                assert src.startswith("/") and not src.startswith("//"), script
            else:
                assert script.get("nonce") == nonce, script

    @pytest.mark.parametrize(("name", "path", "status"), HTML_PAGES, ids=[p[0] for p in HTML_PAGES])
    def test_it_has_no_inline_handlers_styles_or_javascript_urls(
        self, client, catalog_rows, name, path, status
    ):
        html = client.get(path).content.decode()
        page = Page(html)
        handlers = [(t, n) for t, n, _ in page.attributes if re.fullmatch(r"on[a-z]+", n)]
        assert handlers == []
        # Inline styles would be refused by style-src 'self' (and show up as CSP errors).
        assert [(t, n) for t, n, _ in page.attributes if n == "style"] == []
        assert page.style_elements == 0
        for tag, attr, value in page.attributes:
            if attr in URL_ATTRIBUTES and value:
                scheme = re.sub(r"[\x00-\x20]", "", value).lower()
                assert not scheme.startswith(("javascript:", "vbscript:", "data:text")), (
                    tag, attr, value,
                )
        assert not re.search(r"\son[a-z]+\s*=", html)

    def test_htmx_is_configured_for_csp(self, client, catalog_rows):
        html = client.get("/").content.decode()
        config = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'>', html)
        assert config, "htmx reads its config from a meta tag, not an inline script"
        assert '"includeIndicatorStyles": false' in config.group(1)
        assert '"allowEval": false' in config.group(1)


class TestProductionMode:
    def test_it_redirects_plain_http_to_https(self, client, production, catalog_rows):
        r = client.get("/assets/alpha/")
        assert r.status_code == 301
        assert r["Location"] == "https://testserver/assets/alpha/"

    @pytest.mark.parametrize(("name", "path", "status"), PAGES, ids=[p[0] for p in PAGES])
    def test_it_sends_hsts_on_every_page_type(
        self, client, production, catalog_rows, name, path, status
    ):
        r = client.get(path, secure=True)
        assert r.status_code == status
        hsts = r["Strict-Transport-Security"]
        assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
        assert "Content-Security-Policy" in r and r["X-Frame-Options"] == "DENY"

    def test_the_csrf_cookie_is_secure(self, client, production):
        r = client.get("/admin/login/", secure=True)
        cookie = r.cookies["csrftoken"]
        assert cookie["secure"] is True
        assert cookie["samesite"] == "Lax"

    def test_the_session_cookie_is_secure_and_httponly(self, client, production, catalog_rows):
        browser = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0"
        r = client.get("/search/?q=segment", secure=True, headers={"User-Agent": browser})
        cookie = r.cookies["sessionid"]
        assert cookie["secure"] is True
        assert cookie["httponly"] is True

    def test_the_admin_session_cookie_is_secure_and_httponly(self, client, production):
        get_user_model().objects.create_user("curator", password="pw-123456", is_staff=True)
        client.get("/admin/login/", secure=True)
        r = client.post(
            "/admin/login/?next=/admin/",
            {"username": "curator", "password": "pw-123456", "next": "/admin/"},
            secure=True,
        )
        assert r.status_code == 302
        cookie = r.cookies["sessionid"]
        assert cookie["secure"] is True and cookie["httponly"] is True


@pytest.mark.urls(__name__)
class TestErrorPages:
    """Every error page is in the site's style (the site header), and none says what broke."""

    def test_it_never_shows_a_traceback_on_a_500_with_debug_off(self, client, settings):
        settings.DEBUG = False
        client.raise_request_exception = False
        r = client.get("/boom/")
        assert r.status_code == 500
        body = r.content.decode()
        assert "Something went wrong on our side" in body
        for leak in (SECRET_IN_ERROR, "RuntimeError", "Traceback", "_boom", "File "):
            assert leak not in body

    def test_it_answers_403_in_the_site_style(self, client):
        r = client.get("/forbidden/")
        assert r.status_code == 403
        assert b'class="site-header"' in r.content
        assert b"You can't do that here" in r.content

    def test_a_csrf_failure_gets_the_site_style_403(self, catalog_rows):
        client = Client(enforce_csrf_checks=True)
        r = client.post("/admin/login/", {"username": "x", "password": "y"})
        assert r.status_code == 403
        body = r.content.decode()
        assert 'class="site-header"' in body and "That form has expired" in body
        assert "CSRF verification failed" not in body  # Django's own page
        assert "<style" not in body  # which CSP would refuse anyway
        assert "Content-Security-Policy" in r

    def test_it_answers_404_in_the_site_style(self, client):
        r = client.get("/no/such/page/")
        assert r.status_code == 404
        assert b'class="site-header"' in r.content and b"find that page" in r.content

    def test_it_answers_400_in_the_site_style(self, client, settings):
        settings.DEBUG = False
        r = client.get("/assets/?kind=nonsense")
        assert r.status_code == 400
        assert b'class="site-header"' in r.content and b"doesn't make sense" in r.content
        # Django's own 400 (a request for a host we do not serve) uses the same page.
        r = client.get("/", headers={"Host": "evil.example"})
        assert r.status_code == 400
        assert b'class="site-header"' in r.content and b"evil.example" not in r.content

    def test_it_answers_429_in_the_site_style(self, client, settings):
        settings.SEARCH_RATE_LIMIT = 1
        assert client.get("/search/?q=a").status_code == 200
        r = client.get("/search/?q=b")
        assert r.status_code == 429
        assert r["Retry-After"] == "60"
        assert b'class="site-header"' in r.content and b"Too many searches" in r.content

    def test_a_page_s_search_boxes_are_told_apart_by_screen_readers(self, client, settings):
        # Landmarks of one role need names of their own: the 404 keeps its own box, filled
        # from the address, not the header's too; the 429's box says whose search it holds.
        settings.SEARCH_RATE_LIMIT = 1
        client.get("/search/?q=a")
        for address, status in [("/assets/no-such-asset/", 404), ("/search/?q=b", 429),
                             ("/assets/", 200), ("/", 200), ("/search/?q=c", 429)]:
            r = client.get(address)
            assert r.status_code == status
            forms = re.findall(r'<form[^>]*role="search"[^>]*>', r.content.decode())
            names = [re.search(r'aria-label="([^"]*)"', f) for f in forms]
            names = [m and m.group(1) for m in names]
            assert forms and len(names) == len(set(names)), address
