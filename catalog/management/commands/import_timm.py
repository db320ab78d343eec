from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from catalog.importers import ImportCommand, TimmFormat, timm_test_set


class Command(ImportCommand):
    help = "Import timm ImageNet top-1/top-5 results (results-<test set>.csv) as evidence."
    dated_by_file = True

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--test-set", metavar="NAME",
            help="The test set, e.g. imagenet-real (default: from the file name).",
        )

    def make_format(self, path: Path, options: dict[str, Any]) -> TimmFormat:
        test_set = options["test_set"] or timm_test_set(path)
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", test_set):
            raise CommandError(f"--test-set must be like imagenet-real; got {test_set!r}")
        return TimmFormat(test_set, *self.observed_at(path, options))
