from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import F
from django.db.models.functions import Greatest

from catalog.models import Asset
from comparisons.models import CoMatch, PairNote


class VersusSitemap(Sitemap):
    """Versus pages with evidence behind them: a co-match edge, a curator's note, or an asset
    made from the other (a fine-tune and its base); never every possible pair."""

    limit = 50_000
    changefreq = "weekly"

    def items(self):
        published = Asset.Status.PUBLISHED
        sources = [
            model.objects.filter(asset_a__status=published, asset_b__status=published)
            .annotate(changed=Greatest(F("asset_a__updated_at"), F("asset_b__updated_at")))
            .values_list("asset_a__slug", "asset_b__slug", "changed")
            for model in (CoMatch, PairNote)
        ]
        sources.append(
            Asset.objects.filter(status=published, base__status=published)
            .annotate(changed=Greatest(F("updated_at"), F("base__updated_at")))
            .values_list("slug", "base__slug", "changed")
        )
        pairs: dict[tuple[str, str], object] = {}
        for rows in sources:
            for a, b, changed in rows:
                key = (a, b) if a < b else (b, a)
                pairs[key] = max(changed, pairs.get(key, changed))
        return sorted((a, b, changed) for (a, b), changed in pairs.items())

    def location(self, item) -> str:
        return f"/compare/{item[0]}-vs-{item[1]}/"

    def lastmod(self, item):
        return item[2]
