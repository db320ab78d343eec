from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.loader import refresh_planner_statistics
from catalog.models import Asset
from catalog.recompute import recompute_scores


class Command(BaseCommand):
    help = "Recompute every UnfragileRank (or only --asset ones), writing only what changed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--asset", action="append", default=[], metavar="SLUG",
            help="Write only this asset's score (repeatable); percentiles still use all peers.",
        )
        parser.add_argument("--reason", default="", help="Recorded in each history row written.")

    def handle(self, *args, asset: list[str], reason: str, **options) -> None:
        asset_ids = None
        if asset:
            found = dict(Asset.objects.filter(slug__in=asset).values_list("slug", "id"))
            missing = sorted(set(asset) - set(found))
            if missing:
                raise CommandError(f"No asset with slug {', '.join(missing)}. Nothing written.")
            asset_ids = list(found.values())
        result = recompute_scores(asset_ids=asset_ids, reason=reason or "recompute_scores")
        if result["changed"] or result["percentiles"]:
            refresh_planner_statistics()
        self.stdout.write(
            f"{result['assets']} assets scored, {result['changed']} changed, "
            f"{result['history']} history rows, {result['percentiles']} percentiles updated; "
            f"derived evidence {result['evidence_created']} created, "
            f"{result['evidence_updated']} updated, {result['evidence_deleted']} deleted "
            f"({result['seconds']:.2f} s)."
        )
