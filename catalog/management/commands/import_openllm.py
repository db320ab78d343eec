from __future__ import annotations

from pathlib import Path
from typing import Any

from catalog.importers import ImportCommand, OpenLLMFormat


class Command(ImportCommand):
    help = "Import Open LLM Leaderboard v2 scores and Hub likes (huggingface_v2.csv) as evidence."

    def make_format(self, path: Path, options: dict[str, Any]) -> OpenLLMFormat:
        return OpenLLMFormat()
