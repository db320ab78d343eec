from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.exporter import export_file


class Command(BaseCommand):
    help = "Write the whole catalog, curated work included, to a gzip JSON Lines file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")

    def handle(self, *args, file: str, **options) -> None:
        path = Path(file)
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent} is not a directory")
        count = export_file(path)
        self.stdout.write(f"Exported {count} assets to {path}.")
