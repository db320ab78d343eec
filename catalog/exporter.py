"""Write the whole catalog back out in the bundled file's schema, plus the curated extension.

The output is canonical (records sorted by uid, the schema's keys in its order, nested keys
sorted, gzip mtime 0), so exporting, loading the file into an empty database and exporting
again gives the same bytes. See catalog/data/schema.md for the `unfragile` extension.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from pathlib import Path

from django.db.models import Prefetch, Q
from django.dispatch import Signal

from catalog import records as rec
from catalog.loader import DERIVED_ORIGINS
from catalog.models import Asset, Capability, Evidence, Organization

SCHEMA_KEYS = (
    "uid", "id", "id_scheme", "hf_id", "name", "type", "subtype", "organization", "license",
    "tasks", "modalities", "n_parameters", "release_date", "release_date_basis", "base_model",
    "base_model_relation", "base_model_unresolved", "trained_on", "trained_on_unresolved",
    "frameworks", "languages", "size", "benchmarks", "adoption", "ecosystem", "pricing", "urls",
    "attributes", "sources", "conflicts",
)
CHUNK = 1000

# Sent once per export with {uid: extension dict}; other apps add what they keep about an
# asset (the comparisons app adds pair notes) without catalog importing them.
collecting_extensions = Signal()


def _canonical(value):
    if isinstance(value, dict):
        return {k: _canonical(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def _namespace(org: Organization | None) -> str | None:
    """The organisation as a record writes it, which a load finds it by: its name, unless
    that names its maker and not it ("Meta" for meta-llama, records.organisation_names())."""
    if org is None:
        return None
    same = rec.organisation_key(org.name) == rec.organisation_key(org.slug)
    return org.name if same else org.slug


def _synthesised(asset: Asset) -> dict:
    """A record for an asset a curator created by hand, from its fields."""
    size = None
    if asset.dataset_samples is not None or asset.dataset_bytes is not None:
        size = {k: v for k, v in (("n_samples", asset.dataset_samples),
                                  ("bytes", asset.dataset_bytes)) if v is not None}
        size["basis"] = asset.size_basis or "curated"
    return {
        "uid": asset.uid, "id": asset.external_id, "id_scheme": asset.id_scheme,
        "hf_id": None, "name": asset.name,
        "type": "model" if asset.kind == Asset.Kind.API else asset.kind,
        "subtype": asset.subtype or None,
        "organization": _namespace(asset.organization),
        "license": asset.licence or None,
        "tasks": [t.slug for t in asset.tasks.all()],
        "modalities": asset.modalities, "n_parameters": asset.n_parameters,
        "release_date": asset.released_on.isoformat() if asset.released_on else None,
        "release_date_basis": asset.release_basis or None,
        "base_model": asset.base.uid if asset.base else None,
        "base_model_relation": asset.base_relation or None,
        "base_model_unresolved": asset.base_unresolved or None,
        "trained_on": sorted(a.uid for a in asset.trained_on.all()),
        "trained_on_unresolved": asset.trained_on_unresolved, "frameworks": asset.frameworks,
        "languages": asset.languages, "size": size, "benchmarks": [], "adoption": {},
        "ecosystem": {}, "pricing": asset.price_facts or None, "urls": asset.urls,
        "attributes": asset.attributes, "sources": asset.sources or [{"source": "curated"}],
        "conflicts": asset.conflicts,
    }


def _extension(asset: Asset) -> dict:
    ext: dict = {
        "slug": asset.slug,
        "curated": {field: getattr(asset, field) for field in rec.CURATED_FIELDS},
    }
    curated = [c for c in asset.capabilities.all() if c.is_curated]
    if curated:
        ext["capabilities"] = [
            {"key": c.key, "position": c.position, "title": c.title,
             "description": c.description, "task": c.task.slug if c.task else "",
             "unique_override": c.unique_override, "vs_override": c.vs_override}
            for c in sorted(curated, key=lambda c: (c.position, c.key, c.title, c.description))
        ]
    dismissed = [d.key for d in asset.dismissed_capabilities.all()]
    if dismissed:
        ext["dismissed_capabilities"] = sorted(dismissed)
    kept = list(asset.evidence.all())
    if kept:
        ext["evidence"] = sorted(
            (
                {"dimension": e.dimension, "name": e.name, "label": e.label, "value": e.value,
                 "unit": e.unit, "settings": e.settings, "source_name": e.source_name,
                 "source_url": e.source_url,
                 "observed_at": e.observed_at.isoformat() if e.observed_at else None,
                 "verification": e.verification, "origin": e.origin}
                for e in kept
            ),
            key=lambda e: (e["name"], json.dumps(e["settings"], sort_keys=True), e["origin"]),
        )
    return ext


def iter_lines():
    """The export, one JSON line per asset, in uid order."""
    extensions: dict[str, dict] = {}
    collecting_extensions.send(sender=Asset, extensions=extensions)
    assets = (
        Asset.objects.order_by("uid")
        .select_related("organization", "base")
        .prefetch_related(
            "tasks", "trained_on", "dismissed_capabilities",
            Prefetch("capabilities",
                     queryset=Capability.objects.filter(is_curated=True).select_related("task")),
            Prefetch("evidence",
                     queryset=Evidence.objects.filter(~Q(origin__in=DERIVED_ORIGINS))),
        )
    )
    for asset in assets.iterator(chunk_size=CHUNK):
        record = dict(asset.record) if asset.record else _synthesised(asset)
        ext = _extension(asset) | extensions.get(asset.uid, {})
        ordered = {key: _canonical(record.get(key)) for key in SCHEMA_KEYS}
        ordered |= {key: _canonical(record[key]) for key in sorted(record)
                    if key not in ordered and key != rec.EXTENSION}
        ordered[rec.EXTENSION] = _canonical(ext)
        yield json.dumps(ordered, ensure_ascii=False, separators=(",", ":"))


def export_file(path: Path) -> int:
    """Write the export atomically (a temporary file renamed into place); returns the count."""
    path = Path(path)
    count = 0
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as raw, gzip.GzipFile(
            filename="", mode="wb", fileobj=raw, mtime=0
        ) as fh:
            for line in iter_lines():
                fh.write(line.encode("utf-8") + b"\n")
                count += 1
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count
