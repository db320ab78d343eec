from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Lower, Replace
from django.db.models.lookups import Contains
from django.urls import reverse

from catalog import languages, licences, records
from unfragile import generation


@functools.cache
def _url_pattern(name: str, n_args: int) -> str:
    # Placeholders the slug converter accepts, and that no route's own text contains.
    return reverse(name, args=[f"slot{i}x7q" for i in range(n_args)])


def url_for(name: str, *slugs: str) -> str:
    """reverse() for URLs whose arguments are slugs, from a pattern reversed once: pages
    link to dozens of assets, and reverse() was a tenth of an uncached versus page."""
    url = _url_pattern(name, len(slugs))
    for i, slug in enumerate(slugs):
        url = url.replace(f"slot{i}x7q", slug)
    return url


class Organization(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{url_for('catalog:browse')}?org={self.slug}"


class Task(models.Model):
    class Modality(models.TextChoices):
        TEXT = "text", "Text"
        IMAGE = "image", "Image"
        AUDIO = "audio", "Audio"
        VIDEO = "video", "Video"
        MULTIMODAL = "multimodal", "Multimodal"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    modality = models.CharField(max_length=20, choices=Modality, default=Modality.OTHER)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{url_for('catalog:browse')}?task={self.slug}"


# An asset's size for ordering: parameters, else dataset samples, else bytes.
SIZE = Coalesce("n_parameters", "dataset_samples", "dataset_bytes")
# What that size counts (parameters 0, samples 1, bytes 2, none 3): sizes are ordered among
# those counting the same thing, as a terabyte is no number of parameters.
SIZE_MEASURE = models.Case(
    models.When(n_parameters__isnull=False, then=Value(0)),
    models.When(dataset_samples__isnull=False, then=Value(1)),
    models.When(dataset_bytes__isnull=False, then=Value(2)),
    default=Value(3),
)
# Alphabetical order of names, case aside: both databases compare bytes ("Zeta" before
# "all-MiniLM"), and the catalog's names are written in either case.
BY_NAME = (Lower("name"), "name", "id")


# What people write between the words of a name in as many ways ("Llama 3", "Llama-3",
# "llama3"): left out on both sides by name_holds().
NAME_SEPARATORS = (" ", "-", "_", ".")


def squashed(text: str) -> str:
    """`text` in lower case without NAME_SEPARATORS: "Llama-3" and "llama 3" are llama3."""
    text = text.lower()
    for mark in NAME_SEPARATORS:
        text = text.replace(mark, "")
    return text


def squashed_name() -> Replace:
    """An asset's name as squashed() makes it, in SQL."""
    name = Lower("name")
    for mark in NAME_SEPARATORS:
        name = Replace(name, Value(mark), Value(""))
    return name


def name_holds(text: str) -> Q:
    """The condition that an asset's name holds `text`, case aside, and when `text` holds a
    number, however either writes it apart from its letters (NAME_SEPARATORS aside: "llama3"
    finds "Meta-Llama-3-8B", "gpt 4o" GPT-4o). Only then: without the marks between its
    words "seg" would find "Chinese-General". A scan of the names, as `icontains` is."""
    holds = Q(name__icontains=text)
    if any(ch.isdigit() for ch in text) and (wanted := squashed(text)):
        holds |= Q(Contains(squashed_name(), wanted))
    return holds


class AssetQuerySet(models.QuerySet):
    def published(self) -> AssetQuerySet:
        return self.filter(status=Asset.Status.PUBLISHED)

    def sorted_by(self, key: str) -> AssetQuerySet:
        """Order for browse: "name", "newest", "size", "rank" or "price"; unknown values go
        last. Names in alphabetical order, case aside (BY_NAME). By size: the parameter
        counts, then the datasets' samples, then the sizes known only in bytes (SIZE_MEASURE)."""
        if key == "newest":
            return self.order_by(F("released_on").desc(nulls_last=True), *BY_NAME)
        if key == "size":
            return self.order_by(SIZE_MEASURE, SIZE.desc(nulls_last=True), *BY_NAME)
        if key == "rank":
            return self.order_by(F("score__rank").desc(nulls_last=True), *BY_NAME)
        if key == "price":
            # The vendor's list price per input token, lowest first.
            given = Cast(KT("price_facts__input_per_mtok"), models.FloatField())
            return self.order_by(given.asc(nulls_last=True), *BY_NAME)
        return self.order_by(*BY_NAME)

    def current(self) -> AssetQuerySet:
        """Neither listed as deprecated nor superseded by an asset here: those worth
        suggesting."""
        return self.filter(deprecated_in=[], successor__isnull=True)

    def for_cards(self) -> AssetQuerySet:
        """What a list of asset cards shows, without a query per card."""
        return self.select_related("organization", "score").only(
            "slug", "name", "external_id", "kind", "subtype", "licence", "pricing", "released_on",
            "n_parameters", "dataset_samples", "dataset_bytes", "price_facts", "deprecated_in",
            "successor", "organization__name", "organization__slug", "score__rank",
            "score__coverage", "score__provisional",
        )


class Asset(models.Model):
    class Kind(models.TextChoices):
        MODEL = "model", "Model"
        FINE_TUNE = "fine-tune", "Fine-tune"
        DATASET = "dataset", "Dataset"
        TOOL = "tool", "Tool"
        API = "api", "API"
        LIBRARY = "library", "Library"

    class Pricing(models.TextChoices):
        FREE = "free", "Free"
        FREEMIUM = "freemium", "Freemium"
        PAID = "paid", "Paid"
        CONTACT = "contact", "Contact sales"
        UNKNOWN = "unknown", "Unknown"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    # Identity, set by the importer.
    uid = models.CharField(max_length=255, unique=True, help_text="Catalog key: scheme:id")
    external_id = models.CharField(max_length=255, unique=True)
    id_scheme = models.CharField(max_length=32)
    slug = models.SlugField(max_length=255, unique=True)
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=20, choices=Kind)
    subtype = models.CharField(max_length=120, blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="assets"
    )
    summary = models.TextField(blank=True, help_text="Written from the imported facts")
    licence = models.CharField(max_length=64, blank=True, choices=licences.CHOICES)
    pricing = models.CharField(max_length=20, choices=Pricing, default=Pricing.UNKNOWN)
    price_facts = models.JSONField(default=dict, blank=True)
    released_on = models.DateField(null=True, blank=True)
    release_basis = models.CharField(max_length=255, blank=True)
    n_parameters = models.BigIntegerField(null=True, blank=True)
    dataset_samples = models.BigIntegerField(null=True, blank=True)
    dataset_bytes = models.BigIntegerField(null=True, blank=True)
    size_basis = models.CharField(max_length=255, blank=True)
    tasks = models.ManyToManyField(Task, blank=True, related_name="assets")
    modalities = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    frameworks = models.JSONField(default=list, blank=True)
    base = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="derivatives"
    )
    base_relation = models.CharField(max_length=255, blank=True)
    base_unresolved = models.CharField(max_length=255, blank=True)
    trained_on = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="trained_models"
    )
    trained_on_unresolved = models.JSONField(default=list, blank=True)
    # The asset its registry names as superseding it (mteb's superseded_by), when here.
    successor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="predecessors"
    )
    # The sources listing it as deprecated, by name (records.deprecated_in()).
    deprecated_in = models.JSONField(default=list, blank=True)
    urls = models.JSONField(default=dict, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    sources = models.JSONField(default=list, blank=True)
    conflicts = models.JSONField(default=dict, blank=True)
    import_hash = models.CharField(max_length=64, blank=True, editable=False)
    # The catalog record as loaded (without the curated extension), so an export gives back
    # exactly what came in.
    record = models.JSONField(default=dict, blank=True, editable=False)

    # Curated by people in the admin; a re-import never touches these.
    curated_summary = models.TextField(blank=True, help_text="Replaces the generated summary")
    homepage_url = models.URLField(blank=True, max_length=500)
    status = models.CharField(max_length=20, choices=Status, default=Status.PUBLISHED)

    # Bumped by every write that changes what a page shows; pages are cached by it.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssetQuerySet.as_manager()

    class Meta:
        ordering = ["name", "slug"]
        constraints = [
            # Versus URLs split on "-vs-", so no slug may contain it.
            models.CheckConstraint(condition=~Q(slug__contains="-vs-"), name="asset_slug_no_vs"),
            models.CheckConstraint(condition=~Q(slug=""), name="asset_slug_not_empty"),
            models.CheckConstraint(condition=~Q(base=F("pk")), name="asset_not_own_base"),
        ]
        indexes = [
            # Browse: published assets of a kind, ordered by name (BY_NAME).
            models.Index(F("status"), F("kind"), Lower("name"), name="asset_browse_kind_lname"),
            # Browse sorted by newest, and "newest per kind" on the home page.
            models.Index(fields=["kind", "released_on"], name="asset_kind_released"),
            # "Largest per kind" and browse sorted by size.
            models.Index(fields=["kind", "n_parameters"], name="asset_kind_params"),
            models.Index(fields=["kind", "dataset_samples"], name="asset_kind_samples"),
            # Browse filtered by licence.
            models.Index(fields=["licence"], name="asset_licence"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return url_for("catalog:asset", self.slug)

    # Django's generated get_FOO_display() rebuilds a dict of the choices on every call,
    # which pages that show dozens of assets paid for; these read a dict built once.
    def get_kind_display(self) -> str:
        return _KIND_LABELS.get(self.kind, self.kind)

    def get_pricing_display(self) -> str:
        return _PRICING_LABELS.get(self.pricing, self.pricing)

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            self.version = F("version") + 1
        super().save(*args, **kwargs)
        if not isinstance(self.version, int):
            self.refresh_from_db(fields=["version"])
        generation.advance()

    @property
    def display_summary(self) -> str:
        return self.curated_summary or self.summary

    @property
    def licence_name(self) -> str:
        return licences.display_name(self.licence)

    @property
    def base_unresolved_label(self) -> str | None:
        """base_unresolved as readers see it (records.unresolved_base_label()): None when
        it is only a path on its publisher's disk."""
        return records.unresolved_base_label(self.base_unresolved)

    @property
    def base_relation_shown(self) -> str:
        """base_relation put for readers (records.relation_parts()): "fine-tuned from (as its
        timm tag says)"; "" when none is recorded."""
        if not self.base_relation:
            return ""
        how, aside = records.relation_parts(self.base_relation)
        return f"{how} ({aside})" if aside else how

    @property
    def licence_terms(self) -> str:
        return licences.terms_label(self.licence)

    @functools.cached_property
    def language_names(self) -> list[str]:
        """The languages it covers by name, each once ("zho-Hans" and "zho-Hant": Chinese)."""
        return languages.names(self.languages or [])

    @functools.cached_property
    def context_window(self) -> int | None:
        """The context window in tokens genai-prices lists, None for none (the capability
        "Context window" says the same). A search's results have it read with them
        (catalog.search._result_assets()), not their attributes."""
        return records.context_window({"attributes": self.attributes})

    @property
    def price_figures(self) -> tuple[float, float | None, str, str] | None:
        """The vendor's list price: (input, output or None, currency, "per 1M tokens");
        None without an input price."""
        facts = self.price_facts or {}
        given, made = facts.get("input_per_mtok"), facts.get("output_per_mtok")
        if not isinstance(given, int | float):
            return None
        made = float(made) if isinstance(made, int | float) else None
        return float(given), made, facts.get("currency", ""), facts.get("unit", "")

    @property
    def list_price(self) -> str:
        """The list price as shown beside the asset: "2 USD in / 6 out per 1M tokens"; ""
        without one."""
        from catalog.records import price_figure

        if (figures := self.price_figures) is None:
            return ""
        given, made, currency, per = figures
        if made is None:  # "0.02 USD per 1M tokens of input", not "0.02 USD in per 1M tokens"
            return " ".join(filter(None, [price_figure(given), currency, per, "of input"]))
        text = " ".join(filter(None, [price_figure(given), currency, "in"]))
        text += f" / {price_figure(made)} out"
        return " ".join(filter(None, [text, per]))

    @property
    def frameworks_shown(self) -> list[str]:
        """The frameworks it runs on (records.NOT_A_FRAMEWORK is none)."""
        from catalog.records import NOT_A_FRAMEWORK

        return [name for name in self.frameworks if isinstance(name, str)
                and name.lower() != NOT_A_FRAMEWORK] if isinstance(self.frameworks, list) else []

    @property
    def trained_on_unresolved_shown(self) -> list[str]:
        """The training sets its source names that this catalog does not hold, as a reader
        knows them ("in22k": ImageNet-22k)."""
        from catalog.records import training_data_label

        return [training_data_label(name) for name in self.trained_on_unresolved]

    @property
    def subtype_shown(self) -> str:
        """The subtype beside the kind, without repeating it: an API's "API embedding model"
        or "embedding model (API)" is an "embedding model"."""
        label = re.escape(self.get_kind_display())
        shown = re.sub(rf"^{label}\s+|\s*\({label}\)$", "", self.subtype, flags=re.IGNORECASE)
        return "" if shown.casefold() == self.get_kind_display().casefold() else shown

    @property
    def size_value(self) -> int | None:
        if self.kind == self.Kind.DATASET:
            return self.dataset_samples or self.dataset_bytes
        return self.n_parameters

    @property
    def hub_url(self) -> str:
        return self.urls.get("hub", "")

    @property
    def provenance(self) -> list[dict]:
        """Where the facts of an imported asset come from, as its page lists them: each
        source with the page of the package release it came from, and for hand-curated
        facts each piece of evidence with its address (records.source_url(),
        evidence_link())."""
        shown = []
        for source in self.sources:
            if not isinstance(source, dict):
                continue
            evidence = [records.evidence_link(str(text))
                        for text in source.get("evidence") or [] if str(text).strip()]
            shown.append({**source, "url": records.source_url(source), "evidence": evidence})
        return shown

    def basis_source(self, basis: str) -> tuple[str, str]:
        """The source a basis names first ("mteb ModelMeta.release_date": mteb) as (its
        name and version, the page of that release), or ("", "") when it names none with
        a page."""
        for source in self.provenance:
            if source["url"] and basis.startswith(f"{source.get('source')} "):
                return f"{source['source']} {source['version']}", source["url"]
        return "", ""

    @property
    def retired_label(self) -> str:
        """"Deprecated" when a source lists it so, else "Superseded" when its successor is
        here; "" for neither."""
        if self.deprecated_in:
            return "Deprecated"
        return "Superseded" if self.successor_id else ""

    def source_named(self, name: str) -> tuple[str, str]:
        """The source of that name as (its name and version, the page of that release or
        "")."""
        source = next((s for s in self.provenance if s.get("source") == name), {})
        return f"{name} {source.get('version') or ''}".strip(), source.get("url", "")

    @property
    def deprecation_sources(self) -> list[tuple[str, str]]:
        """The sources listing it as deprecated (source_named())."""
        return [self.source_named(name) for name in self.deprecated_in]

    @property
    def successor_source(self) -> tuple[str, str]:
        """The source naming its successor (source_named())."""
        return self.source_named(records.SUCCESSOR_SOURCE)

    @property
    def successor_named(self) -> str:
        """The external id of its successor as its registry names it, when that asset is
        not in this catalog ("" otherwise)."""
        if self.successor_id:
            return ""
        return records.successor_id({"id": self.external_id, "attributes": self.attributes}) or ""

    @property
    def release_basis_url(self) -> str:
        return self.basis_source(self.release_basis)[1]

    @property
    def size_basis_url(self) -> str:
        return self.basis_source(self.size_basis)[1]

    @property
    def source_link(self) -> str:
        for role in ("hub", "repo", "reference", "homepage", "docs", "paper"):
            if self.urls.get(role):
                return self.urls[role]
        return ""


_KIND_LABELS = dict(Asset.Kind.choices)
# Each kind in the plural, as a sentence says it ("the 250 text generation models")...
KIND_PLURAL = {
    "model": "models",
    "fine-tune": "fine-tunes",
    "dataset": "datasets",
    "library": "libraries",
    "tool": "tools",
    "api": "APIs",
}
# ...and as a heading or a link, in the order of Asset.Kind.
KIND_PLURAL_LABELS = [(kind, KIND_PLURAL[kind][:1].upper() + KIND_PLURAL[kind][1:])
                      for kind in Asset.Kind.values]
_PRICING_LABELS = dict(Asset.Pricing.choices)


class CapabilityQuerySet(models.QuerySet):
    def generated(self) -> CapabilityQuerySet:
        return self.filter(is_curated=False)


class Capability(models.Model):
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="capabilities")
    position = models.PositiveSmallIntegerField(default=0)
    # Stable key of a capability written by the importer ("task:image-segmentation");
    # empty for one a curator added.
    key = models.CharField(max_length=100, blank=True, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField()
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL)
    evidence = models.ForeignKey(
        "Evidence", null=True, blank=True, on_delete=models.SET_NULL, related_name="capabilities"
    )
    # Computed claims, refreshed by recompute; the curated overrides win when set.
    unique_claim = models.TextField(blank=True, editable=False)
    vs_alternatives = models.TextField(blank=True, editable=False)
    unique_override = models.TextField(blank=True, verbose_name="Unique (curated)")
    vs_override = models.TextField(blank=True, verbose_name="vs alternatives (curated)")
    # Once a curator edits it, the importer leaves it alone.
    is_curated = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CapabilityQuerySet.as_manager()

    class Meta:
        ordering = ["asset", "position", "id"]
        verbose_name_plural = "capabilities"
        constraints = [
            # The importer upserts generated capabilities by (asset, key).
            models.UniqueConstraint(
                fields=["asset", "key"], condition=~Q(key=""), name="capability_asset_key"
            ),
        ]
        indexes = [
            # Capability cards of one asset, in order.
            models.Index(fields=["asset", "position"], name="capability_asset_position"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def unique_text(self) -> str:
        return self.unique_override or self.unique_claim

    @property
    def vs_text(self) -> str:
        return self.vs_override or self.vs_alternatives


class DismissedCapability(models.Model):
    """An imported capability a curator deleted, by its key: imports leave it out for that
    asset, so the deletion sticks. Deleting this row lets the next import write it again."""

    asset = models.ForeignKey(
        Asset, on_delete=models.CASCADE, related_name="dismissed_capabilities"
    )
    key = models.CharField(max_length=100)
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["asset", "key"]
        verbose_name = "dismissed imported capability"
        constraints = [
            models.UniqueConstraint(fields=["asset", "key"], name="dismissed_capability_key"),
        ]

    def __str__(self) -> str:
        return self.key


class Evidence(models.Model):
    class Dimension(models.TextChoices):
        ADOPTION = "adoption", "Adoption"
        QUALITY = "quality", "Quality"
        ECOSYSTEM = "ecosystem", "Ecosystem"
        MATCH_GRAPH = "match_graph", "Match graph"
        PRICING = "pricing", "Pricing"

    class Verification(models.TextChoices):
        CLAIMED = "claimed", "Claimed"
        VERIFIED = "verified", "Verified"
        COMPUTED = "computed", "Computed"

    # No index of its own: evidence_signal_unique starts with the asset, and every recompute
    # inserts derived rows that would maintain both.
    asset = models.ForeignKey(
        Asset, on_delete=models.CASCADE, related_name="evidence", db_index=False
    )
    dimension = models.CharField(max_length=20, choices=Dimension)
    name = models.CharField(max_length=100, help_text="Signal name, e.g. ade20k_miou")
    label = models.CharField(max_length=200, blank=True)
    value = models.FloatField()
    unit = models.CharField(max_length=40, blank=True)
    settings = models.JSONField(default=dict, blank=True)
    # Canonical text of `settings`, so the same benchmark under other settings is a new row.
    settings_key = models.CharField(max_length=255, blank=True, default="")
    source_name = models.CharField(max_length=200)
    source_url = models.URLField(max_length=500, blank=True)
    observed_at = models.DateField(null=True, blank=True)
    verification = models.CharField(max_length=20, choices=Verification)
    # Which importer wrote the row ("catalog", "open-llm-leaderboard", ...); "" for curators.
    origin = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["asset", "dimension", "name"]
        verbose_name_plural = "evidence"
        constraints = [
            # Importers upsert one value per signal, settings and origin.
            models.UniqueConstraint(
                fields=["asset", "name", "settings_key", "origin"], name="evidence_signal_unique"
            ),
        ]
        indexes = [
            # Score recompute reads every value of one signal across assets.
            models.Index(fields=["name", "settings_key"], name="evidence_signal"),
        ]

    def __str__(self) -> str:
        return f"{self.label or self.name}: {self.value:g}{self.unit and ' ' + self.unit}"

    @property
    def is_imported(self) -> bool:
        return bool(self.origin)

    @property
    def placing(self) -> tuple[float, int | None] | None:
        """Its percentile among published assets of the same kind with this signal, and how
        many those are (None when the score was written before the count was kept), as the
        last recompute left them (kept with the asset's Score); None before the first
        recompute, for pricing facts (not scored) and for assets not published. Pages that
        list evidence set it from the score they read, without a query each."""
        if "_placing" not in self.__dict__:
            score = Score.objects.filter(asset_id=self.asset_id).only("percentiles").first()
            self.__dict__["_placing"] = score.placings().get(self.pk) if score else None
        return self.__dict__["_placing"]

    @placing.setter
    def placing(self, value: tuple[float, int | None] | None) -> None:
        self.__dict__["_placing"] = value

    @property
    def percentile(self) -> float | None:
        return None if self.placing is None else self.placing[0]

    @property
    def peers(self) -> int | None:
        """How many assets the percentile places this one among, itself included."""
        return None if self.placing is None else self.placing[1]


class EvidenceHistory(models.Model):
    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="history")
    old_value = models.FloatField(null=True)
    new_value = models.FloatField()
    old_observed_at = models.DateField(null=True)
    new_observed_at = models.DateField(null=True)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at"]
        verbose_name_plural = "evidence history"

    def __str__(self) -> str:
        return f"{self.evidence_id}: {self.old_value} -> {self.new_value}"


class Score(models.Model):
    asset = models.OneToOneField(Asset, on_delete=models.CASCADE, primary_key=True)
    # A sub-score is NULL when the dimension has no signal: unknown, never 0.
    adoption = models.FloatField(null=True, blank=True)
    quality = models.FloatField(null=True, blank=True)
    ecosystem = models.FloatField(null=True, blank=True)
    match_graph = models.FloatField(null=True, blank=True)
    rank = models.FloatField()
    coverage = models.FloatField()
    provisional = models.BooleanField()
    computed_at = models.DateTimeField()
    formula_version = models.CharField(max_length=20)
    # The percentile of each of the asset's scored evidence rows and the number of assets it
    # places among, as JSON text {"<evidence id>": [percentile, count]}, written by
    # recompute_scores with the sub-scores they make ("" for none; a bare percentile in place
    # of the pair, as written before the counts were kept, is read too). One field per asset
    # rather than one per evidence row: a first recompute of a large catalog then writes a
    # row per asset, not per signal value.
    percentiles = models.TextField(blank=True, default="", editable=False)

    class Meta:
        ordering = ["-rank"]
        indexes = [
            # The leaderboard: assets by rank.
            models.Index(fields=["-rank"], name="score_rank"),
        ]

    def __str__(self) -> str:
        return f"UnfragileRank {self.rank:.0f}" + (" (provisional)" if self.provisional else "")

    def placings(self) -> dict[int, tuple[float, int | None]]:
        return read_placings(self.percentiles)


def name_qualifiers(assets: Sequence) -> list[str]:
    """What tells apart assets of one list that share a name (names are not unique: three
    HELM entries are all "PaLM-2 (Bison)"): for each, "" when no other in the list has its
    name, else the last part of its external id ("text-bison@001") or, when that is shared
    too, or when it differs only in case or says only the name, the whole id
    ("ibm/granite-3.1-2b-instruct" beside "ibm-granite/granite-3.1-2b-instruct";
    "facebook/SONAR" beside "perplexity/sonar"), or at last its slug. Reads `name`,
    `external_id` and `slug`."""
    groups: dict[str, list[int]] = {}
    for i, asset in enumerate(assets):
        groups.setdefault(asset.name.casefold(), []).append(i)
    told = [""] * len(assets)
    for group in groups.values():
        if len(group) < 2:
            continue
        for way in (lambda a: a.external_id.rsplit("/", 1)[-1], lambda a: a.external_id,
                    lambda a: a.slug):
            marks = [way(assets[i]) for i in group]
            # Told apart as a reader tells them: not by case alone ("SONAR", "sonar"), and
            # not by what repeats the name.
            folded = {mark.casefold() for mark in marks}
            if len(folded) == len(marks) and not folded & {assets[i].name.casefold()
                                                           for i in group}:
                break
        for i, mark in zip(group, marks, strict=True):
            told[i] = mark
    return told


def loaded_fields(model: type[models.Model], *names: str) -> tuple[str, ...]:
    """Column attnames in the model's field order, as `Model.from_db` takes them for an
    instance with only these fields loaded (the rest deferred, as with `.only()`)."""
    wanted = {model._meta.get_field(name).attname for name in names}
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname in wanted)


def read_percentiles(text: str) -> dict[int, float]:
    """Evidence id -> percentile, from the text Score.percentiles keeps ("" for none)."""
    return {pk: placing[0] for pk, placing in read_placings(text).items()}


def read_placings(text: str) -> dict[int, tuple[float, int | None]]:
    """Evidence id -> (percentile, assets placed among), from the text Score.percentiles
    keeps ("" for none); the count None where the text holds only the percentile."""
    if not text:
        return {}
    return {
        int(k): (v[0], v[1]) if isinstance(v, list) else (v, None)
        for k, v in json.loads(text).items()
    }


class ScoreHistory(models.Model):
    # No index of its own: scorehistory_asset_at starts with the asset.
    asset = models.ForeignKey(
        Asset, on_delete=models.CASCADE, related_name="score_history", db_index=False
    )
    at = models.DateTimeField()
    old_rank = models.FloatField(null=True)
    new_rank = models.FloatField()
    old_values = models.JSONField(default=dict)
    new_values = models.JSONField(default=dict)
    reason = models.CharField(max_length=500)

    class Meta:
        ordering = ["asset", "at"]
        verbose_name_plural = "score history"
        indexes = [
            # The rank history line on an asset page.
            models.Index(fields=["asset", "at"], name="scorehistory_asset_at"),
        ]

    def __str__(self) -> str:
        return f"{self.asset_id} {self.at:%Y-%m-%d}: {self.new_rank:.1f}"
