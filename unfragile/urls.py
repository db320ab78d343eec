from __future__ import annotations

from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.cache import cache_control

from catalog.login_guard import guarded_login
from catalog.sitemaps import AssetSitemap, ListSitemap
from comparisons.sitemaps import VersusSitemap
from unfragile.http import read_only
from unfragile.sitemaps import cached

SITEMAPS = {"assets": AssetSitemap, "lists": ListSitemap, "compare": VersusSitemap}


@read_only
@cache_control(public=True, max_age=3600)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /search/",
        "Disallow: /admin/",
        "Disallow: /compare/?",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@read_only
@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and crawlers ask for /favicon.ico whatever the pages link: the site's icon."""
    return HttpResponsePermanentRedirect(static("img/icon.svg"))


urlpatterns = [
    path("admin/login/", guarded_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("robots.txt", robots_txt, name="robots"),
    path("favicon.ico", favicon, name="favicon"),
    path(
        "sitemap.xml",
        read_only(cached(sitemap_views.index)),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        read_only(cached(sitemap_views.sitemap)),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("", include("catalog.urls")),
    path("", include("comparisons.urls")),
]
