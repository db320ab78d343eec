from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.sitemaps import Sitemap

from catalog.models import Asset


class AssetSitemap(Sitemap):
    limit = 50_000
    changefreq = "weekly"

    def items(self):
        return Asset.objects.published().order_by("id").only("slug", "updated_at")

    def lastmod(self, asset: Asset):
        return asset.updated_at


class ListSitemap(Sitemap):
    """The lists people look for by what assets do or who makes them: each task's, and each
    maker's (its namespaces as one, under the address its filter goes by), as the browse
    filters offer them; not the makers of one asset, whose list says no more than its page."""

    limit = 50_000
    changefreq = "weekly"

    def items(self) -> list[str]:
        from catalog.views import filter_lists

        tasks, _, makers = filter_lists()
        return ([f"/assets/?{urlencode({'task': slug})}" for slug, _ in tasks]
                + [f"/assets/?{urlencode({'org': slug})}" for slug, _, n in makers if n > 1])

    def location(self, item: str) -> str:
        return item
