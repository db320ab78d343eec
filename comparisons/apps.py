from __future__ import annotations

from django.apps import AppConfig


class ComparisonsConfig(AppConfig):
    name = "comparisons"
    verbose_name = "Comparisons"

    def ready(self) -> None:
        # Pair notes travel inside catalog exports; catalog announces loads and exports with
        # signals so that it never has to import this app.
        # A pair's note is part of what finding a versus page reads (unfragile.generation).
        from django.db.models.signals import post_delete, post_save

        from catalog.exporter import collecting_extensions
        from catalog.loader import extensions_loaded
        from comparisons import notes_io
        from comparisons.models import PairNote
        from unfragile import generation

        def advance(**kwargs) -> None:
            generation.advance()

        post_save.connect(advance, sender=PairNote, weak=False, dispatch_uid="generation-note")
        post_delete.connect(advance, sender=PairNote, weak=False, dispatch_uid="generation-note-")
        extensions_loaded.connect(notes_io.restore_notes, dispatch_uid="pair-notes-restore")
        collecting_extensions.connect(notes_io.export_notes, dispatch_uid="pair-notes-export")
