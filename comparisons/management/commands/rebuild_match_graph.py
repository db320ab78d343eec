from __future__ import annotations

from django.core.management.base import BaseCommand

from comparisons.graph import rebuild_match_graph


class Command(BaseCommand):
    help = "Rebuild co-match edges and match graph signals from recorded searches, then rescore."

    def handle(self, *args, **options) -> None:
        report = rebuild_match_graph()
        self.stdout.write(
            f"{report.edges} co-match edges; times_matched written for {report.times_matched} "
            f"assets, weighted_degree for {report.weighted_degree}; {report.deleted} stale rows "
            f"deleted; {report.scores.get('changed', 0)} scores changed."
        )
