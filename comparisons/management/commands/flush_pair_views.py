from __future__ import annotations

from django.core.management.base import BaseCommand

from comparisons import pairs


class Command(BaseCommand):
    help = "Add the versus page views counted in the cache to PairView and refresh the top list."

    def handle(self, *args, **options) -> None:
        written = pairs.flush_views()
        self.stdout.write(f"{written} view{'s' if written != 1 else ''} written.")
