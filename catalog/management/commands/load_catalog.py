from __future__ import annotations

import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.loader import load_file, refresh_planner_statistics
from catalog.records import CatalogFileError
from catalog.search import merge_pending

SHOWN_REJECTIONS = 10


class Command(BaseCommand):
    help = "Upsert a catalog JSON Lines file (gzip) by external id, in one transaction."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", nargs="?", default=str(settings.BUNDLED_CATALOG))
        parser.add_argument("--dry-run", action="store_true", help="Check and count; write nothing")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the catalog has assets"
        )
        parser.add_argument(
            "--no-recompute", action="store_true", help="Skip recomputing scores afterwards"
        )

    def handle(self, *args, file: str, dry_run: bool, if_empty: bool, no_recompute: bool,
               **options) -> None:
        from catalog.models import Asset

        if if_empty and Asset.objects.exists():
            self.stdout.write("The catalog already has assets; nothing loaded.")
            return
        started = time.monotonic()
        show_progress = sys.stderr.isatty() and options["verbosity"] > 0
        try:
            report = load_file(Path(file), dry_run=dry_run,
                               progress=self._progress if show_progress else _quiet)
        except CatalogFileError as exc:
            raise CommandError(f"{exc}. Nothing was written.") from None
        if show_progress:
            sys.stderr.write("\n")
        elapsed = time.monotonic() - started
        prefix = "Dry run, nothing written: would have " if dry_run else ""
        self.stdout.write(
            f"{prefix}{report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {len(report.rejected)} rejected "
            f"({report.total} records in {elapsed:.1f} s)."
        )
        for rejection in report.rejected[:SHOWN_REJECTIONS]:
            self.stdout.write(f"  rejected {rejection}")
        if len(report.rejected) > SHOWN_REJECTIONS:
            self.stdout.write(f"  ... and {len(report.rejected) - SHOWN_REJECTIONS} more")
        if not dry_run and (report.created or report.updated):
            merge_pending()
            if not no_recompute:
                self._recompute()
            refresh_planner_statistics()

    def _recompute(self) -> None:
        try:
            from catalog.recompute import recompute_scores
        except ImportError:
            return
        result = recompute_scores(reason="catalog loaded")
        self.stdout.write(f"Scores recomputed: {result}")

    def _progress(self, stage: str, done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(f"\r{stage:<8} [{bar}] {done}/{total}")
        sys.stderr.flush()


def _quiet(stage: str, done: int, total: int) -> None:
    pass
