from __future__ import annotations

from django import forms

from catalog.models import Asset


class VersusForm(forms.Form):
    """Options of the versus page; other parameters (tracking tags) are ignored."""

    more = forms.ChoiceField(
        required=False,
        choices=[("", "First cards"), ("a", "All of A"), ("b", "All of B"), ("all", "All")],
    )


class SuggestForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)


class AssetField(forms.CharField):
    """A published asset, typed as its slug or its exact name (any case). A name several
    assets share is an error (code "ambiguous"); those assets are kept in `namesakes`, with
    what a list of them shows, for the form to offer by their slugs."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 255)
        super().__init__(**kwargs)
        self.namesakes: list[Asset] = []

    def clean(self, value: str) -> Asset:
        text = super().clean(value)
        published = Asset.objects.published().only("slug", "name")
        asset = published.filter(slug=text).first()
        if asset is not None:
            return asset
        named = list(
            published.filter(name__iexact=text).select_related("organization")
            .only("slug", "name", "kind", "external_id", "organization__name")
            .order_by("slug")[:6]
        )
        if len(named) == 1:
            return named[0]
        if named:
            self.namesakes = named
            slugs = ", ".join(a.slug for a in named[:5])
            raise forms.ValidationError(
                f"Several assets are called “{text}”. Type the slug of the one you mean: {slugs}.",
                code="ambiguous",
            )
        raise forms.ValidationError(
            f"No published asset is called “{text}”. Pick one of the suggestions, or type its "
            "exact name or slug.",
            code="unknown",
        )


class CompareForm(forms.Form):
    a = AssetField(label="First asset", error_messages={"required": "Name the first asset."})
    b = AssetField(label="Second asset", error_messages={"required": "Name the second asset."})

    def clean(self) -> dict:
        cleaned = super().clean()
        a, b = cleaned.get("a"), cleaned.get("b")
        if a and b and a.pk == b.pk:
            raise forms.ValidationError("Pick two different assets.", code="same")
        return cleaned
