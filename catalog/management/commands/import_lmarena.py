from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from catalog.importers import ARENAS, ImportCommand, LMArenaFormat, arena_from_name


class Command(ImportCommand):
    help = "Import LMArena ratings and votes (lmarena_<arena>.csv) as evidence."
    dated_by_file = True

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--arena", choices=ARENAS, help="Which arena the file ranks (default: from its name)."
        )

    def make_format(self, path: Path, options: dict[str, Any]) -> LMArenaFormat:
        arena = options["arena"] or arena_from_name(path)
        return LMArenaFormat(arena, *self.observed_at(path, options))
