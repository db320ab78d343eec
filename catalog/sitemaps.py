from __future__ import annotations

from django.contrib.sitemaps import Sitemap

from catalog.models import Asset


class AssetSitemap(Sitemap):
    limit = 50_000
    changefreq = "weekly"

    def items(self):
        return Asset.objects.published().order_by("id").only("slug", "updated_at")

    def lastmod(self, asset: Asset):
        return asset.updated_at
