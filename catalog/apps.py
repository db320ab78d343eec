from __future__ import annotations

from django.apps import AppConfig


def _advance_generation(**kwargs) -> None:
    from unfragile import generation

    generation.advance()


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        # Saves and deletes through the ORM (the admin) refresh the search index in the same
        # transaction; the importer's bulk writes send no signals and call reindex_assets itself.
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

        from catalog import loader, search
        from catalog.models import Asset, Capability, Organization, Task

        post_save.connect(search.asset_saved, sender=Asset, dispatch_uid="search-asset-saved")
        post_delete.connect(search.asset_deleted, sender=Asset, dispatch_uid="search-asset-del")
        post_save.connect(search.capability_changed, sender=Capability, dispatch_uid="search-cap")
        post_delete.connect(
            search.capability_changed, sender=Capability, dispatch_uid="search-cap-del"
        )
        m2m_changed.connect(
            search.asset_tasks_changed, sender=Asset.tasks.through, dispatch_uid="search-tasks"
        )
        # Lookups of cached pages are remembered per data generation (unfragile.generation);
        # Asset.save moves it, and so must a delete.
        post_delete.connect(_advance_generation, sender=Asset, dispatch_uid="generation-asset-del")
        # Summaries say who published an asset: a rename rewrites them, before the
        # receivers below index them.
        post_save.connect(loader.organisation_saved, sender=Organization,
                          dispatch_uid="loader-organisation-saved")
        # Documents hold organisation and task names: a rename or delete rewrites them.
        for model in (Organization, Task):
            name = model._meta.model_name
            post_save.connect(search.name_holder_saved, sender=model,
                              dispatch_uid=f"search-{name}-saved")
            pre_delete.connect(search.name_holder_deleting, sender=model,
                               dispatch_uid=f"search-{name}-deleting")
            post_delete.connect(search.name_holder_deleted, sender=model,
                                dispatch_uid=f"search-{name}-deleted")
