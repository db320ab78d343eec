from __future__ import annotations

from django.apps import AppConfig


class ComparisonsConfig(AppConfig):
    name = "comparisons"
    verbose_name = "Comparisons"

    def ready(self) -> None:
        # Pair notes travel inside catalog exports; catalog announces loads and exports with
        # signals so that it never has to import this app.
        from catalog.exporter import collecting_extensions
        from catalog.loader import extensions_loaded
        from comparisons import notes_io

        extensions_loaded.connect(notes_io.restore_notes, dispatch_uid="pair-notes-restore")
        collecting_extensions.connect(notes_io.export_notes, dispatch_uid="pair-notes-export")
