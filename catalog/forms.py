from __future__ import annotations

from django import forms

from catalog import licences
from catalog.models import Asset, name_holds


class BrowseForm(forms.Form):
    """The browse filters. Every field is optional; an unknown value is a bad request."""

    q = forms.CharField(required=False, max_length=200, label="Name contains")
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *Asset.Kind.choices])
    task = forms.SlugField(required=False, max_length=200)
    licence = forms.ChoiceField(required=False, choices=licences.FILTER_CHOICES)
    pricing = forms.ChoiceField(
        required=False, choices=[("", "Any pricing"), *Asset.Pricing.choices]
    )
    org = forms.SlugField(required=False, max_length=200, label="Organisation")
    # Lineage, by the slug of the asset it starts from (links on asset pages): its
    # fine-tunes, and the assets trained on it.
    base = forms.SlugField(required=False, max_length=255, label="Fine-tunes of")
    trained_on = forms.SlugField(required=False, max_length=255, label="Trained on")
    sort = forms.ChoiceField(
        required=False,
        choices=[("name", "Name"), ("newest", "Newest"), ("size", "Largest"), ("rank", "Rank"),
                 ("price", "Lowest price")],
    )

    def __init__(self, data, *, task_slugs: set[str],
                 org_slugs: dict[str, tuple[str, ...]]) -> None:
        """`org_slugs`: each organisation's slug with the slugs of its maker's namespaces
        (itself among them), which its filter lists as one."""
        super().__init__(data)
        self.task_slugs = task_slugs
        self.org_slugs = org_slugs

    def clean_task(self) -> str:
        task = self.cleaned_data["task"]
        if task and task not in self.task_slugs:
            raise forms.ValidationError(f"There is no task {task!r}.")
        return task

    def clean_org(self) -> str:
        org = self.cleaned_data["org"]
        if org and org not in self.org_slugs:
            raise forms.ValidationError(f"There is no organisation {org!r}.")
        return org

    def clean_base(self) -> Asset | None:
        return self._lineage_asset("base")

    def clean_trained_on(self) -> Asset | None:
        return self._lineage_asset("trained_on")

    def _lineage_asset(self, field: str) -> Asset | None:
        slug = self.cleaned_data[field]
        if not slug:
            return None
        asset = Asset.objects.published().only("id", "slug", "name").filter(slug=slug).first()
        if asset is None:
            raise forms.ValidationError(f"No published asset has the address {slug!r}.")
        return asset

    def clean_sort(self) -> str:
        return self.cleaned_data["sort"] or "name"

    def filter(self, qs):
        data = self.cleaned_data
        if data["q"]:
            qs = qs.filter(name_holds(data["q"]))
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["task"]:
            qs = qs.filter(tasks__slug=data["task"])
        if data["licence"] == "none":
            qs = qs.filter(licence="")
        elif (ids := licences.filter_ids(data["licence"])) is not None:
            qs = qs.filter(licence__in=ids)
        elif data["licence"]:
            qs = qs.filter(licence=data["licence"])
        if data["pricing"]:
            qs = qs.filter(pricing=data["pricing"])
        if data["org"]:
            qs = qs.filter(organization__slug__in=self.org_slugs[data["org"]])
        if data["base"]:
            qs = qs.filter(base=data["base"])
        if data["trained_on"]:
            qs = qs.filter(trained_on=data["trained_on"])
        return qs

