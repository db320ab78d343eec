from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import ValidationError
from django.db.models import Count, F, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponseRedirect
from django.template.defaultfilters import pluralize

from catalog import licences
from catalog.loader import link_named_successors, rewrite_capabilities
from catalog.models import (
    Asset,
    Capability,
    DismissedCapability,
    Evidence,
    EvidenceHistory,
    Organization,
    Score,
    ScoreHistory,
    Task,
)
from unfragile import generation


class AssetAutocompleteView(AutocompleteJsonView):
    """The admin's pickers (base, trained on, pair notes) show an asset with its kind and
    slug: names are not unique ("Gemini 1.5 Flash" is two APIs, "Deepseek R1" an API and a
    model)."""

    def serialize_result(self, obj: Any, to_field_name: str) -> dict:
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, Asset):
            result["text"] = f"{obj.name} · {obj.get_kind_display()} · {obj.slug}"
        return result


admin.site.autocomplete_view = lambda request: AssetAutocompleteView.as_view(
    admin_site=admin.site)(request)
admin.site.site_header = "Unfragile catalog"
admin.site.site_title = "Unfragile curators"
admin.site.index_title = "Assets, evidence and pair notes"

# Written by `load_catalog`; a re-import overwrites them, so curators change the curated fields.
IMPORTED_FIELDS = (
    "uid", "external_id", "id_scheme", "slug", "name", "kind", "subtype", "organization",
    "summary", "licence", "pricing", "price_facts", "released_on", "release_basis",
    "n_parameters", "dataset_samples", "dataset_bytes", "size_basis", "tasks", "modalities",
    "languages", "frameworks", "base", "base_relation", "base_unresolved", "trained_on",
    "trained_on_unresolved", "successor", "deprecated_in", "urls", "attributes", "sources",
    "conflicts",
)
CURATED_FIELDS = ("status", "curated_summary", "homepage_url")
RECORD_FIELDS = ("version", "import_hash", "created_at", "updated_at")


def bump_versions(asset_ids: set[int] | list[int]) -> None:
    """Invalidate the cached pages of these assets, which are keyed by their version."""
    Asset.objects.filter(pk__in=asset_ids).update(version=F("version") + 1)
    generation.advance()


class CatalogAdmin(admin.ModelAdmin):
    """Every change list here: a year, month or day in its filters (the date hierarchy's, or
    a lookup such as ?released_on__year=) that no date has gets the list's "invalid filter"
    answer. Django reads them as numbers its dates take only when the query runs, and a
    number past those raised OverflowError or ValueError there: a 500."""

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        if not all(_date_part(key, value) for key, value in request.GET.items()):
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return super().changelist_view(request, extra_context)


class ReadOnlyAdmin(CatalogAdmin):
    """Rows written by commands (scores, histories, search logs): people look, never edit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# The range of each part of a date a filter may name.
_DATE_PARTS = {"year": (1, 9999), "month": (1, 12), "day": (1, 31)}


def _date_part(key: str, value: str) -> bool:
    """Whether `value` can be the part of a date a lookup `key` names (any other is)."""
    bounds = _DATE_PARTS.get(key.rpartition("__")[2]) if "__" in key else None
    if bounds is None:
        return True
    return (value.isascii() and value.isdigit() and len(value) <= 4
            and bounds[0] <= int(value) <= bounds[1])


class LicenceFilter(admin.SimpleListFilter):
    """By licence, the ones some asset is under by name, and "Not stated" for the assets
    whose sources state none (a third of the bundled catalog)."""

    title = "licence"
    parameter_name = "licence"
    NONE = "none"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        held = (Asset.objects.exclude(licence="").order_by()
                .values_list("licence", flat=True).distinct())
        return [(self.NONE, "Not stated"), *sorted(
            ((key, licences.display_name(key)) for key in held), key=lambda c: c[1].casefold())]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if not value:
            return queryset
        return queryset.filter(licence="" if value == self.NONE else value)


class TopOrganizationFilter(admin.SimpleListFilter):
    # The catalog has hundreds of organisations; the sidebar lists the biggest and search
    # (organisation name is a search field) finds the rest.
    title = "organisation"
    parameter_name = "org"
    limit = 25

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        top = (
            Organization.objects.annotate(n_assets=Count("assets"))
            .filter(n_assets__gt=0)
            .order_by("-n_assets", "name")
            .values_list("pk", "name")[: self.limit]
        )
        return [(str(pk), name) for pk, name in top]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if not value:
            return queryset
        # An id, as lookups() offers them; anything else is a bad filter, not a crash.
        if not (value.isascii() and value.isdigit() and len(value) <= 18):
            raise IncorrectLookupParameters(f"no organisation has the id {value!r}")
        return queryset.filter(organization_id=int(value))


class CapabilityForm(ModelForm):
    def save(self, commit: bool = True) -> Capability:
        # The importer rewrites only capabilities with is_curated=False, so a curator's edit
        # must flip it or the next import would silently undo the edit.
        if self.has_changed():
            self.instance.is_curated = True
        return super().save(commit)


class CapabilityInline(admin.TabularInline):
    model = Capability
    form = CapabilityForm
    verbose_name_plural = (
        "capabilities (an imported one you delete stays out of later imports; it is listed "
        "below as dismissed)"
    )
    fields = (
        "position", "title", "description", "task", "unique_claim", "unique_override",
        "vs_alternatives", "vs_override", "is_curated",
    )
    readonly_fields = ("unique_claim", "vs_alternatives", "is_curated")
    ordering = ("position", "id")
    extra = 0

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "task":
            # Each inline row gets a copy of this field that would query the tasks again for
            # its <select>; a fixed list keeps the change form at one task query however many
            # capabilities the asset has. iter() skips the COUNT that list() would ask for.
            formfield.choices = list(iter(formfield.choices))
        return formfield


class DismissedCapabilityInline(admin.TabularInline):
    """Imported capabilities a curator deleted: imports leave them out. Deleting one here
    writes it again (AssetAdmin.save_formset())."""

    model = DismissedCapability
    verbose_name_plural = (
        "dismissed imported capabilities (imports leave them out; delete one to have it "
        "written again)"
    )
    fields = ("key", "dismissed_at")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CuratedEvidenceForm(ModelForm):
    def validate_unique(self) -> None:
        # Django skips a constraint that names a field missing from the form, and
        # settings_key and origin never are on it; checking it here turns a second curated
        # value for the same signal into a form error instead of an IntegrityError.
        exclude = self._get_validation_exclusions() - {"settings_key", "origin"}
        try:
            self.instance.validate_unique(exclude=exclude)
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as exc:
            self._update_errors(exc)


EVIDENCE_FIELDS = (
    "dimension", "name", "label", "value", "unit", "source_name", "source_url", "observed_at",
    "verification",
)


class ImportedEvidenceInline(admin.TabularInline):
    model = Evidence
    verbose_name = "imported evidence"
    verbose_name_plural = "imported evidence (read-only, rewritten by each import)"
    fields = (*EVIDENCE_FIELDS, "origin")
    ordering = ("dimension", "name")
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).exclude(origin="")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CuratedEvidenceInline(admin.TabularInline):
    model = Evidence
    form = CuratedEvidenceForm
    verbose_name = "curated evidence"
    verbose_name_plural = "curated evidence"
    fields = EVIDENCE_FIELDS
    ordering = ("dimension", "name")
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(origin="")


class ScoreInline(admin.StackedInline):
    model = Score
    fields = (
        "rank", "coverage", "provisional", "adoption", "quality", "ecosystem", "match_graph",
        "computed_at", "formula_version",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Asset)
class AssetAdmin(CatalogAdmin):
    list_display = ("name", "kind", "organization", "licence", "status", "rank")
    list_filter = ("kind", "status", LicenceFilter, TopOrganizationFilter, "tasks")
    search_fields = ("name", "external_id", "slug", "uid", "organization__name")
    list_select_related = ("organization", "score")
    # Counting every asset again on each filtered page is slow at catalog size.
    show_full_result_count = False
    autocomplete_fields = ("organization", "base", "trained_on", "tasks", "successor")
    inlines = (ScoreInline, CapabilityInline, DismissedCapabilityInline, ImportedEvidenceInline,
               CuratedEvidenceInline)
    actions = ("publish", "archive", "recompute_score")

    @admin.display(description="Rank", ordering="score__rank", empty_value="unknown")
    def rank(self, obj: Asset) -> str | None:
        # select_related leaves the reverse one-to-one unset when an asset has no score yet.
        score = getattr(obj, "score", None)
        return f"{score.rank:.1f}" if score else None

    def get_fieldsets(self, request: HttpRequest, obj: Asset | None = None) -> list:
        if obj is None:
            # Nothing has been imported for a hand-made asset: the curator supplies the facts.
            return [
                ("Curated", {"fields": CURATED_FIELDS}),
                ("Catalog facts", {"fields": IMPORTED_FIELDS}),
            ]
        return [
            ("Curated", {"fields": CURATED_FIELDS}),
            (
                "Imported (read-only, from the catalog file)",
                {
                    "fields": IMPORTED_FIELDS,
                    "description": "Written by load_catalog; the next import overwrites "
                    "them. Use the curated fields above to correct what visitors see.",
                },
            ),
            ("Record", {"fields": RECORD_FIELDS, "classes": ["collapse"]}),
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Asset | None = None) -> tuple:
        if obj is None:
            return ()
        return IMPORTED_FIELDS + RECORD_FIELDS

    def save_formset(self, request: HttpRequest, form: ModelForm, formset, change: bool):
        super().save_formset(request, form, formset, change)
        asset = form.instance
        if formset.model is Capability:
            # An imported capability deleted here would come back with the next import of
            # the asset: its key is remembered, and imports leave it out.
            keys = {cap.key for cap in formset.deleted_objects if cap.key}
            DismissedCapability.objects.bulk_create(
                [DismissedCapability(asset=asset, key=key) for key in sorted(keys)],
                ignore_conflicts=True,
            )
        elif formset.model is DismissedCapability and formset.deleted_objects:
            # Taken back: the capability is written again at once, from the asset's record.
            rewrite_capabilities(asset)

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: list, change: bool):
        super().save_related(request, form, formsets, change)
        asset = form.instance
        if change and any(formset.has_changed() for formset in formsets):
            # Asset.save bumped the version before the inlines were saved; a page cached in
            # between would otherwise outlive the inline change.
            bump_versions([asset.pk])
        if not change and asset.external_id and link_named_successors(
                {asset.external_id: asset.pk}):
            # Made by hand under the id other assets' records name as their successor: they
            # are superseded by it (their pages made anew), as a load bringing it would have
            # marked them; its page lists them.
            bump_versions([asset.pk])

    def _set_status(self, request: HttpRequest, queryset: QuerySet, status: str) -> int:
        label = Asset.Status(status).label
        # Logged first: the history must name the rows the update is about to change.
        LogEntry.objects.log_actions(
            user_id=request.user.pk, queryset=queryset, action_flag=CHANGE,
            change_message=f"{label} (bulk action).",
        )
        # The version bump is what invalidates the cached pages of these assets.
        updated = queryset.update(status=status, version=F("version") + 1)
        generation.advance()
        return updated

    @admin.action(description="Publish selected assets", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        n = self._set_status(request, queryset, Asset.Status.PUBLISHED)
        self.message_user(request, f"Published {n} asset(s).", messages.SUCCESS)

    @admin.action(description="Archive selected assets", permissions=["change"])
    def archive(self, request: HttpRequest, queryset: QuerySet) -> None:
        n = self._set_status(request, queryset, Asset.Status.ARCHIVED)
        self.message_user(request, f"Archived {n} asset(s).", messages.SUCCESS)

    @admin.action(description="Recompute score of selected assets", permissions=["change"])
    def recompute_score(self, request: HttpRequest, queryset: QuerySet) -> None:
        from catalog.recompute import recompute_scores  # heavy: only when the action runs

        result = recompute_scores(
            asset_ids=list(queryset.values_list("pk", flat=True)),
            reason=f"Recomputed from the admin by {request.user.get_username()}",
        )
        assets, changed = result.get("assets", 0), result.get("changed", 0)
        self.message_user(
            request,
            f"Scores recomputed for {assets} asset{pluralize(assets)}: {changed} changed"
            + ("." if changed else ", as nothing behind them had."),
            messages.SUCCESS,
        )


class EvidenceAdminForm(CuratedEvidenceForm):
    class Meta:
        model = Evidence
        fields = ("asset", *EVIDENCE_FIELDS)


@admin.register(Evidence)
class EvidenceAdmin(CatalogAdmin):
    form = EvidenceAdminForm
    list_display = ("__str__", "asset", "dimension", "verification", "origin", "observed_at")
    list_filter = ("dimension", "verification", "origin")
    search_fields = ("name", "label", "asset__name", "asset__slug")
    list_select_related = ("asset",)
    autocomplete_fields = ("asset",)
    fields = ("asset", *EVIDENCE_FIELDS, "origin", "settings", "created_at", "updated_at")
    readonly_fields = ("origin", "settings", "created_at", "updated_at")
    show_full_result_count = False

    # Imported rows belong to their importer: a curator's change would be overwritten on the
    # next run, so they are shown but not editable.
    def has_change_permission(self, request: HttpRequest, obj: Evidence | None = None) -> bool:
        if obj is not None and obj.is_imported:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Evidence | None = None) -> bool:
        if obj is not None and obj.is_imported:
            return False
        return super().has_delete_permission(request, obj)

    # The asset page shows its evidence, so each write here invalidates the asset's pages.
    def save_model(self, request: HttpRequest, obj: Evidence, form: ModelForm, change: bool):
        super().save_model(request, obj, form, change)
        bump_versions({obj.asset_id, form.initial.get("asset", obj.asset_id)})

    def delete_model(self, request: HttpRequest, obj: Evidence) -> None:
        super().delete_model(request, obj)
        bump_versions([obj.asset_id])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        asset_ids = set(queryset.values_list("asset_id", flat=True))
        super().delete_queryset(request, queryset)
        bump_versions(asset_ids)


class NameHolderAdmin(CatalogAdmin):
    """Organisations and tasks: their names show on asset and versus pages, which are cached
    by asset version, so a change bumps the versions of the assets that show them."""

    prepopulated_fields = {"slug": ("name",)}

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            bump_versions(list(obj.assets.values_list("pk", flat=True)))

    def delete_model(self, request: HttpRequest, obj) -> None:
        asset_ids = list(obj.assets.values_list("pk", flat=True))
        super().delete_model(request, obj)
        bump_versions(asset_ids)


@admin.register(Organization)
class OrganizationAdmin(NameHolderAdmin):
    list_display = ("name", "slug", "url")
    search_fields = ("name", "slug")


@admin.register(Task)
class TaskAdmin(NameHolderAdmin):
    list_display = ("name", "slug", "modality")
    list_filter = ("modality",)
    search_fields = ("name", "slug")


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ("asset", "rank", "coverage", "provisional", "formula_version", "computed_at")
    list_filter = ("provisional", "formula_version", "asset__kind")
    search_fields = ("asset__name", "asset__slug")
    list_select_related = ("asset",)
    show_full_result_count = False


@admin.register(ScoreHistory)
class ScoreHistoryAdmin(ReadOnlyAdmin):
    list_display = ("asset", "at", "old_rank", "new_rank", "reason")
    list_filter = ("at",)
    search_fields = ("asset__name", "asset__slug")
    list_select_related = ("asset",)
    date_hierarchy = "at"
    show_full_result_count = False


@admin.register(EvidenceHistory)
class EvidenceHistoryAdmin(ReadOnlyAdmin):
    list_display = ("evidence", "old_value", "new_value", "new_observed_at", "changed_at")
    search_fields = ("evidence__name", "evidence__asset__name")
    list_select_related = ("evidence",)
    show_full_result_count = False

