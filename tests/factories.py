"""Plain factory functions: each makes one row with sensible defaults; keywords override."""

from __future__ import annotations

import itertools
from datetime import date

from catalog.models import Asset, Capability, Evidence, Organization, Task

_seq = itertools.count(1)


def make_org(name: str = "", **kw) -> Organization:
    n = next(_seq)
    name = name or f"Org {n}"
    kw.setdefault("slug", f"org-{n}")
    return Organization.objects.create(name=name, **kw)


def make_task(slug: str = "", **kw) -> Task:
    slug = slug or f"task-{next(_seq)}"
    kw.setdefault("name", slug.replace("-", " ").capitalize())
    task, _ = Task.objects.get_or_create(slug=slug, defaults=kw)
    return task


def make_asset(slug: str = "", tasks: list[Task] | None = None, **kw) -> Asset:
    n = next(_seq)
    slug = slug or f"asset-{n}"
    kw.setdefault("name", slug)
    kw.setdefault("kind", Asset.Kind.MODEL)
    kw.setdefault("uid", f"hf-model:test/{slug}")
    kw.setdefault("external_id", f"test/{slug}")
    kw.setdefault("id_scheme", "hf-model")
    kw.setdefault("status", Asset.Status.PUBLISHED)
    kw.setdefault("licence", "apache-2.0")
    kw.setdefault("summary", f"A test asset called {slug}.")
    asset = Asset.objects.create(slug=slug, **kw)
    if tasks:
        asset.tasks.set(tasks)
    return asset


def make_capability(asset: Asset, **kw) -> Capability:
    n = next(_seq)
    kw.setdefault("title", f"Capability {n}")
    kw.setdefault("description", f"Does thing number {n}.")
    kw.setdefault("position", asset.capabilities.count())
    return Capability.objects.create(asset=asset, **kw)


def make_evidence(asset: Asset, **kw) -> Evidence:
    kw.setdefault("dimension", Evidence.Dimension.QUALITY)
    kw.setdefault("name", f"signal_{next(_seq)}")
    kw.setdefault("value", 1.0)
    kw.setdefault("source_name", "test source")
    kw.setdefault("source_url", "https://example.org/source")
    kw.setdefault("observed_at", date(2025, 1, 1))
    kw.setdefault("verification", Evidence.Verification.CLAIMED)
    return Evidence.objects.create(asset=asset, **kw)
