from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from catalog.admin import CatalogAdmin, ReadOnlyAdmin, bump_versions
from comparisons.models import CoMatch, PairNote, PairView, SearchEvent


class PairNoteForm(forms.ModelForm):
    class Meta:
        model = PairNote
        fields = ("asset_a", "asset_b", "note")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        a, b = cleaned.get("asset_a"), cleaned.get("asset_b")
        if a and b:
            if a.pk == b.pk:
                raise forms.ValidationError(
                    "A note is about two different assets; pick another asset for B.",
                    code="same_asset",
                )
            # Stored in the versus page's canonical order, so the pair has one note and the
            # uniqueness check below sees the same order as the database.
            if a.slug > b.slug:
                cleaned["asset_a"], cleaned["asset_b"] = b, a
        return cleaned


@admin.register(PairNote)
class PairNoteAdmin(CatalogAdmin):
    form = PairNoteForm
    list_display = ("__str__", "author", "updated_at")
    list_select_related = ("asset_a", "asset_b", "author")
    search_fields = ("asset_a__name", "asset_a__slug", "asset_b__name", "asset_b__slug", "note")
    autocomplete_fields = ("asset_a", "asset_b")
    readonly_fields = ("author", "updated_at")
    fields = ("asset_a", "asset_b", "note", "author", "updated_at")

    def save_model(self, request: HttpRequest, obj: PairNote, form: forms.ModelForm, change: bool):
        obj.author = request.user
        super().save_model(request, obj, form, change)
        # The note shows on the versus page, which is cached by its assets' versions; a note
        # moved to another pair must also leave the old pair's page.
        old = [form.initial.get("asset_a"), form.initial.get("asset_b")]
        bump_versions({obj.asset_a_id, obj.asset_b_id, *old} - {None})

    def delete_model(self, request: HttpRequest, obj: PairNote) -> None:
        super().delete_model(request, obj)
        bump_versions([obj.asset_a_id, obj.asset_b_id])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        pairs = list(queryset.values_list("asset_a_id", "asset_b_id"))
        super().delete_queryset(request, queryset)
        bump_versions({pk for pair in pairs for pk in pair})


@admin.register(PairView)
class PairViewAdmin(ReadOnlyAdmin):
    list_display = ("asset_a", "asset_b", "day", "count")
    list_select_related = ("asset_a", "asset_b")
    date_hierarchy = "day"
    show_full_result_count = False


@admin.register(CoMatch)
class CoMatchAdmin(ReadOnlyAdmin):
    list_display = ("asset_a", "asset_b", "weight", "last_seen")
    list_select_related = ("asset_a", "asset_b")
    search_fields = ("asset_a__name", "asset_b__name")
    show_full_result_count = False


@admin.register(SearchEvent)
class SearchEventAdmin(ReadOnlyAdmin):
    list_display = ("query", "day", "created_at")
    search_fields = ("query",)
    date_hierarchy = "day"
    show_full_result_count = False
