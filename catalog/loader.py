"""Upsert a catalog file into the database in one transaction, with bulk writes only."""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Replace
from django.dispatch import Signal
from django.utils.text import slugify

from catalog import claims, search
from catalog import records as rec
from catalog.models import Asset, Capability, DismissedCapability, Evidence, Organization, Task
from unfragile import generation

BATCH = 500

# Asset fields the importer owns; curated fields (status, curated_summary, homepage_url) are
# never written by a re-import.
IMPORTED_FIELDS = [
    "external_id", "id_scheme", "name", "kind", "subtype", "organization", "summary", "licence",
    "pricing", "price_facts", "released_on", "release_basis", "n_parameters", "dataset_samples",
    "dataset_bytes", "size_basis", "modalities", "languages", "frameworks", "base_relation",
    "base_unresolved", "trained_on_unresolved", "deprecated_in", "urls", "attributes",
    "sources", "conflicts", "import_hash", "record",
]
# Evidence the catalog itself writes or derives; an export leaves it out and a load rebuilds it.
DERIVED_ORIGINS = ("catalog", "catalog-graph", "match-graph")

# Sent after a load with what the file's extensions say about other apps' rows (pair notes),
# so the comparisons app can apply them without catalog importing it.
extensions_loaded = Signal()


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[rec.Rejection] = field(default_factory=list)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.rejected)


class _DryRun(Exception):
    pass


Progress = Callable[[str, int, int], None]


def refresh_planner_statistics() -> None:
    """After a bulk write, let the query planner see the tables as they now are.

    Until autovacuum gets to a freshly loaded PostgreSQL database, its planner guesses from
    the empty tables and picks plans that made an uncached versus page twice as slow. SQLite
    samples each index (analysis_limit) rather than reading it whole."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
        else:
            cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute("ANALYZE")


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


def load_file(path: Path, dry_run: bool = False, progress: Progress = _no_progress) -> Report:
    """Load `path`; raises records.CatalogFileError, having written nothing, if it is unreadable."""
    lines = rec.read_lines(path)
    records, rejections = rec.parse(lines)
    report = Report(rejected=rejections, dry_run=dry_run)
    try:
        with transaction.atomic():
            _apply(records, report, progress)
            if dry_run:
                raise _DryRun
            # New, changed and restored assets: slugs that were unknown may now be pages.
            generation.advance()
    except _DryRun:
        pass
    report.rejected.sort(key=lambda r: r.line)
    return report


def _apply(records: list[rec.Record], report: Report, progress: Progress) -> None:
    existing = {
        row["uid"]: row
        for row in Asset.objects.values("id", "uid", "slug", "import_hash", "base__uid")
    }
    known_bases = {uid: row["base__uid"] for uid, row in existing.items()}
    file_uids = {r.uid for r in records}

    # Lineage checks need every record first: a reference may point forward in the file.
    cycles = rec.lineage_cycles(records, known_bases)
    valid: list[rec.Record] = []
    for r in records:
        missing = [
            uid for uid in [r.data.get("base_model"), *r.data.get("trained_on", [])]
            if uid and uid not in file_uids and uid not in existing
        ]
        if r.uid in cycles:
            report.rejected.append(rec.Rejection(r.line, r.uid, "lineage cycle through base_model"))
        elif missing:
            report.rejected.append(
                rec.Rejection(r.line, r.uid, f"refers to unknown asset {missing[0]!r}")
            )
        else:
            valid.append(r)
    # A record rejected above may be the base of another: those become unresolved references.
    loadable = {r.uid for r in valid} | set(existing)

    changed = [r for r in valid if existing.get(r.uid, {}).get("import_hash") != r.digest]
    report.unchanged = len(valid) - len(changed)
    if not changed:
        return

    names = {r.uid: r.data["name"] for r in valid}
    datas = [r.data for r in valid]
    creators = rec.creator_names(datas)
    orgs = _organizations(changed, rec.organisation_names(datas, creators), creators)
    tasks = _tasks(changed)
    slugs = _slugs(changed, existing)

    new_assets: list[Asset] = []
    updated_assets: list[Asset] = []
    for done, r in enumerate(changed, start=1):
        values = _asset_values(r, orgs, names)
        values.update(_ext(r).get("curated", {}))
        if r.uid in existing:
            row = existing[r.uid]
            updated_assets.append(Asset(id=row["id"], uid=r.uid, slug=row["slug"], **values))
        else:
            new_assets.append(Asset(uid=r.uid, slug=slugs[r.uid], **values))
        if done % BATCH == 0:
            progress("reading", done, len(changed))
    progress("reading", len(changed), len(changed))

    Asset.objects.bulk_create(new_assets, batch_size=BATCH)
    # An upsert on uid rewrites the imported fields of existing rows in one statement per
    # batch; bulk_update's CASE expressions cost seconds per thousand rows.
    restoring = {r.uid for r in changed if "curated" in _ext(r)}
    for curated in (False, True):
        fields = IMPORTED_FIELDS + ["updated_at"] + (list(rec.CURATED_FIELDS) if curated else [])
        Asset.objects.bulk_create(
            [a for a in updated_assets if (a.uid in restoring) == curated], batch_size=BATCH,
            update_conflicts=True, unique_fields=["uid"], update_fields=fields,
        )
    if updated_assets:
        Asset.objects.filter(id__in=[a.id for a in updated_assets]).update(
            version=F("version") + 1
        )
    report.created = len(new_assets)
    report.updated = len(updated_assets)
    progress("writing", len(changed) // 3, len(changed))

    ids = dict(Asset.objects.filter(uid__in=loadable).values_list("uid", "id"))
    _links(changed, ids, tasks, loadable)
    progress("writing", 2 * len(changed) // 3, len(changed))
    _capabilities(changed, ids, tasks, names)
    _evidence(changed, ids)
    notes = [
        (r.uid, note["with"], note["note"])
        for r in changed for note in _ext(r).get("pair_notes", []) if note["with"] in ids
    ]
    extensions_loaded.send(sender=Asset, pair_notes=notes, ids=ids)
    search.reindex_assets([ids[r.uid] for r in changed])
    progress("writing", len(changed), len(changed))


def rewrite_capabilities(asset: Asset) -> None:
    """Write an imported asset's generated capabilities again from its stored record, as a
    load of its changed record would, with their computed claims ("Unique:", "vs
    alternatives:"): curated ones and the keys still dismissed are left as they are. For a
    dismissal a curator took back in the admin. Nothing for an asset made by hand (it has
    no record)."""
    data = asset.record or {}
    if not data.get("name"):
        return
    record = rec.Record(0, asset.uid, data, asset.import_hash)
    lineage = [uid for uid in [data.get("base_model"), *data.get("trained_on", [])] if uid]
    names = dict(Asset.objects.filter(uid__in=lineage).values_list("uid", "name"))
    _capabilities([record], {asset.uid: asset.pk}, _tasks([record]), names)
    claims.refresh_claims({asset.pk})
    search.reindex_assets([asset.pk])


def _ext(r: rec.Record) -> dict:
    return r.data.get(rec.EXTENSION) or {}


def _slugs(records: list[rec.Record], existing: dict[str, dict]) -> dict[str, str]:
    """New assets' slugs: the one an export carried when it is free, else the slug rule."""
    kept = {uid: row["slug"] for uid, row in existing.items()}
    taken = set(kept.values())
    for r in records:
        wanted = _ext(r).get("slug")
        if r.uid not in kept and wanted and wanted not in taken:
            kept[r.uid] = wanted
            taken.add(wanted)
    carried = {uid: slug for uid, slug in kept.items() if uid not in existing}
    others = [r for r in records if r.uid not in kept]
    return carried | rec.assign_slugs(others, kept)


def _organizations(records: list[rec.Record], named: dict[str, str],
                   creators: dict[str, str]) -> dict[str, Organization]:
    """The organisations the records name, by rec.organisation_key(): those already here,
    however another source wrote the name, and the others created, slugged as first
    written. Each is named as `named` says (rec.organisation_names()), else as first
    written; one already here takes the name `named` gives while it is still named as a
    source writes it, its namespace or the maker HELM's records name (`creators`,
    rec.creator_names(): "HuggingFace" gives way to "Hugging Face"): a name a curator gave
    is kept."""
    handles: dict[str, str] = {}
    for r in records:
        handle = r.data.get("organization")
        if handle and (key := rec.organisation_key(handle)):
            handles.setdefault(key, handle)
    # A slug is the name slugged: its key is the slug without hyphens.
    have: dict[str, Organization] = {}
    for org in (Organization.objects.alias(key=Replace("slug", Value("-"), Value("")))
                .filter(key__in=handles).order_by("id")):
        have.setdefault(rec.organisation_key(org.slug), org)
    for key, org in have.items():
        if key in named and org.name != named[key] and (
                rec.organisation_key(org.name) == key or org.name == creators.get(key)):
            org.name = named[key]
            # Saved one by one, as the admin saves it: its assets' index entries hold the
            # name (search.name_holder_saved()), and their pages are made anew.
            org.save(update_fields=["name"])
            Asset.objects.filter(organization=org).update(version=F("version") + 1)
    missing = [Organization(slug=slugify(handle), name=named.get(key, handle))
               for key, handle in handles.items() if key not in have]
    Organization.objects.bulk_create(missing, batch_size=BATCH)
    for org in Organization.objects.filter(slug__in=[o.slug for o in missing]):
        have[rec.organisation_key(org.slug)] = org
    return have


def organisation_saved(sender, instance: Organization, created: bool, **kwargs) -> None:
    """An organisation renamed (by a curator, or by a load): the summaries written from its
    assets' records say "published by" its name, so those saying another are written again
    from the stored records, as a load writes them (rec.summary()), and their pages made
    anew. Not a curator's own summary (curated_summary, shown before it), nor those of
    assets made by hand, which hold no record. Connected before the search index's receiver,
    which then indexes the new texts."""
    if created:
        return
    using = kwargs.get("using") or "default"
    # Told in Python, case counting: SQLite's LIKE folds ASCII case ("OpenAI" for "openai").
    said = rec.published_by(instance.name)
    mine = Asset.objects.using(using).filter(organization=instance).exclude(record={})
    ids = [pk for pk, text in mine.values_list("id", "summary") if said not in text]
    if not ids:
        return
    stale = list(mine.filter(id__in=ids).only("id", "summary", "record"))
    # The names of the bases and training sets they name, as their records write them.
    wanted = {uid for a in stale
              for uid in [a.record.get("base_model"), *a.record.get("trained_on", [])] if uid}
    names = {uid: (record or {}).get("name") or name for uid, name, record in
             Asset.objects.using(using).filter(uid__in=wanted).values_list("uid", "name",
                                                                            "record")}
    changed = []
    for asset in stale:
        text = rec.summary(asset.record, names, instance.name)
        if text != asset.summary:
            asset.summary = text
            changed.append(asset)
    Asset.objects.using(using).bulk_update(changed, ["summary"], batch_size=BATCH)
    Asset.objects.using(using).filter(id__in=[a.id for a in changed]).update(
        version=F("version") + 1)


def _tasks(records: list[rec.Record]) -> dict[str, Task]:
    wanted = {slug for r in records for slug in r.data.get("tasks", [])}
    wanted |= {
        cap["task"] for r in records for cap in _ext(r).get("capabilities", [])
        if isinstance(cap.get("task"), str) and cap["task"]
    }
    have = {t.slug: t for t in Task.objects.filter(slug__in=wanted)}
    missing = [
        Task(slug=s, name=rec.task_name(s), modality=rec.task_modality(s))
        for s in sorted(wanted - set(have))
    ]
    Task.objects.bulk_create(missing, batch_size=BATCH)
    have.update({t.slug: t for t in Task.objects.filter(slug__in=[t.slug for t in missing])})
    return have


def _asset_values(r: rec.Record, orgs: dict[str, Organization], names: dict[str, str]) -> dict:
    d = r.data
    org_key = rec.organisation_key(d.get("organization") or "")
    base = d.get("base_model")
    unresolved = d.get("base_model_unresolved") or ""
    return {
        "external_id": d["id"],
        "id_scheme": d["id_scheme"],
        "name": d["name"],
        "kind": rec.kind_of(d),
        "subtype": (d.get("subtype") or "")[:120],
        "organization": (org := orgs.get(org_key)),
        "summary": rec.summary(d, names, org.name if org else ""),
        "licence": d.get("license") or "",
        "pricing": rec.pricing_of(d),
        "price_facts": d.get("pricing") or {},
        "deprecated_in": rec.deprecated_in(d),
        **rec.release_fields(d),
        **rec.size_fields(d),
        "modalities": d.get("modalities", []),
        "languages": d.get("languages", []),
        "frameworks": d.get("frameworks", []),
        "base_relation": (d.get("base_model_relation") or "")[:255],
        "base_unresolved": (unresolved or (base if base and base not in names else ""))[:255],
        "trained_on_unresolved": d.get("trained_on_unresolved", []),
        "urls": {k: v for k, v in d.get("urls", {}).items() if k in rec.URL_ROLES},
        "attributes": d.get("attributes", {}),
        "sources": d.get("sources", []),
        "conflicts": d.get("conflicts", {}),
        "import_hash": r.digest,
        "record": {k: v for k, v in d.items() if k != rec.EXTENSION},
    }


def _links(records: list[rec.Record], ids: dict[str, int], tasks: dict[str, Task],
           loadable: set[str]) -> None:
    """Tasks, base model, training sets and successor, set after every asset of the file
    exists."""
    changed_ids = [ids[r.uid] for r in records]
    TaskLink = Asset.tasks.through
    TrainedLink = Asset.trained_on.through
    for chunk in _chunks(changed_ids):
        TaskLink.objects.filter(asset_id__in=chunk).delete()
        TrainedLink.objects.filter(from_asset_id__in=chunk).delete()
    TaskLink.objects.bulk_create(
        [
            TaskLink(asset_id=ids[r.uid], task_id=tasks[slug].id)
            for r in records for slug in dict.fromkeys(r.data.get("tasks", []))
        ],
        batch_size=BATCH,
    )
    TrainedLink.objects.bulk_create(
        [
            TrainedLink(from_asset_id=ids[r.uid], to_asset_id=ids[uid])
            for r in records for uid in dict.fromkeys(r.data.get("trained_on", []))
            if uid in loadable and uid in ids and uid != r.uid
        ],
        batch_size=BATCH,
    )
    # A successor is named by its external id, and may be here from an earlier file.
    named = {r.uid: rec.successor_id(r.data) for r in records}
    successors = {}
    for chunk in _chunks(sorted(set(named.values()) - {None})):
        successors.update(Asset.objects.filter(external_id__in=chunk)
                          .values_list("external_id", "id"))
    wanted = {
        ids[r.uid]: (ids.get(r.data["base_model"]) if r.data.get("base_model") in loadable
                     else None, successors.get(named[r.uid]))
        for r in records
    }
    # Written where they change: most assets have neither, and bulk_update's CASE
    # expressions cost seconds per thousand rows.
    held = {}
    for chunk in _chunks(list(wanted)):
        held.update((pk, (base, successor)) for pk, base, successor in Asset.objects.filter(
            id__in=chunk).values_list("id", "base_id", "successor_id"))
    Asset.objects.bulk_update(
        [Asset(id=pk, base_id=base, successor_id=successor)
         for pk, (base, successor) in wanted.items() if held.get(pk) != (base, successor)],
        ["base", "successor"], batch_size=BATCH,
    )
    # The assets stored earlier that name one of these as their successor; these, written or
    # created above, have their pages made anew already.
    _late_successors(records, ids)
    # Their pages list what they supersede.
    for chunk in _chunks(sorted(set(successors.values()))):
        Asset.objects.filter(id__in=chunk).update(version=F("version") + 1)


def _late_successors(records: list[rec.Record], ids: dict[str, int]) -> None:
    """Link the assets stored earlier that name one of `records` as their successor (a file
    brought the successor after the one bringing them), as their own reload would."""
    link_named_successors({r.data["id"]: ids[r.uid] for r in records if r.data.get("id")},
                                 loaded={ids[r.uid] for r in records})


def link_named_successors(arrived: dict[str, int], loaded: Container[int] = ()) -> dict[int, int]:
    """Link the assets whose stored record names one of `arrived` (external id: asset id) as
    their successor and that have none linked yet, but those in `loaded` (linked from their
    own records). Returns them, by id, with their successor's id; their pages are made anew
    (their versions moved)."""
    named = f"attributes__{rec.SUCCESSOR_SOURCE}__superseded_by"
    # Those naming any successor not here yet are few: one read of them, not one per chunk.
    late = {
        pk: arrived[external_id] for pk, external_id in Asset.objects.filter(
            successor__isnull=True, **{f"{named}__isnull": False}).values_list("id", named)
        if isinstance(external_id, str) and external_id in arrived and pk not in loaded
        and pk != arrived[external_id]
    }
    for chunk in _chunks(sorted(late)):
        Asset.objects.bulk_update(
            [Asset(id=pk, successor_id=late[pk], version=F("version") + 1) for pk in chunk],
            ["successor", "version"], batch_size=BATCH,
        )
    return late


def _capabilities(records: list[rec.Record], ids: dict[str, int], tasks: dict[str, Task],
                  names: dict[str, str]) -> None:
    """Upsert generated capabilities by (asset, key); curated ones are left as they are."""
    changed_ids = [ids[r.uid] for r in records]
    current: dict[tuple[int, str], Capability] = {}
    curated: set[tuple[int, str]] = set()
    for chunk in _chunks(changed_ids):
        for cap in Capability.objects.filter(asset_id__in=chunk).exclude(key=""):
            if cap.is_curated:
                curated.add((cap.asset_id, cap.key))
            else:
                current[(cap.asset_id, cap.key)] = cap
    restored = {ids[r.uid]: _ext(r)["capabilities"] for r in records
                if "capabilities" in _ext(r)}
    for asset_id, caps in restored.items():
        curated.update((asset_id, c["key"]) for c in caps if c.get("key"))
    # Imported capabilities a curator deleted stay deleted: an exported file carries them
    # (they replace what is stored), else those stored hold.
    dismissed = {ids[r.uid]: set(_ext(r)["dismissed_capabilities"]) for r in records
                 if "dismissed_capabilities" in _ext(r)}
    for chunk in _chunks(changed_ids):
        for asset_id, key in DismissedCapability.objects.filter(
            asset_id__in=chunk
        ).values_list("asset_id", "key"):
            if asset_id not in dismissed:
                curated.add((asset_id, key))
    curated.update((asset_id, key) for asset_id, keys in dismissed.items() for key in keys)
    for chunk in _chunks(list(dismissed)):
        DismissedCapability.objects.filter(asset_id__in=chunk).delete()
    DismissedCapability.objects.bulk_create(
        [DismissedCapability(asset_id=asset_id, key=key)
         for asset_id, keys in dismissed.items() for key in sorted(keys)],
        batch_size=BATCH,
    )
    create: list[Capability] = []
    update: list[Capability] = []
    keep: set[tuple[int, str]] = set()
    for r in records:
        asset_id = ids[r.uid]
        for position, text in enumerate(rec.capabilities(r.data, names)):
            key = (asset_id, text.key)
            if key in curated:
                continue
            keep.add(key)
            task = tasks.get(text.task_slug) if text.task_slug else None
            values = {"position": position, "title": text.title[:200],
                      "description": text.description, "task_id": task.id if task else None}
            cap = current.get(key)
            if cap is None:
                create.append(Capability(asset_id=asset_id, key=text.key, **values))
            elif any(getattr(cap, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(cap, k, v)
                update.append(cap)
    stale = [cap.id for key, cap in current.items() if key not in keep]
    for chunk in _chunks(stale):
        Capability.objects.filter(id__in=chunk).delete()
    Capability.objects.bulk_create(create, batch_size=BATCH)
    Capability.objects.bulk_update(
        update, ["position", "title", "description", "task"], batch_size=BATCH
    )
    # An exported file carries the curated capabilities whole: they replace what is stored.
    for chunk in _chunks(list(restored)):
        Capability.objects.filter(asset_id__in=chunk, is_curated=True).delete()
        Capability.objects.filter(
            asset_id__in=chunk, key__in=[c.get("key") for a in chunk for c in restored[a]
                                         if c.get("key")]
        ).exclude(is_curated=True).delete()
    Capability.objects.bulk_create(
        [
            Capability(
                asset_id=asset_id, key=c.get("key", ""), position=c.get("position", 0),
                title=c["title"][:200], description=c["description"],
                task_id=tasks[c["task"]].id if c.get("task") in tasks else None,
                unique_override=c.get("unique_override", ""),
                vs_override=c.get("vs_override", ""), is_curated=True,
            )
            for asset_id, caps in restored.items() for c in caps
        ],
        batch_size=BATCH,
    )


def _evidence_rows(r: rec.Record, asset_id: int) -> list[Evidence]:
    d = r.data
    rows: list[Evidence] = []
    for bench in d.get("benchmarks", []):
        settings = bench.get("settings") or {}
        as_of = bench.get("as_of")
        rows.append(Evidence(
            asset_id=asset_id,
            dimension=Evidence.Dimension.QUALITY,
            name=rec.benchmark_signal(bench),
            label=f"{bench['benchmark']} {bench.get('metric', '')}".strip(),
            value=float(bench["value"]),
            unit=bench.get("unit", ""),
            settings=settings,
            settings_key=rec.settings_key(settings),
            source_name=bench.get("source") or "catalog",
            source_url=bench.get("source_url", ""),
            observed_at=date.fromisoformat(as_of) if as_of else None,
            verification=(Evidence.Verification.CLAIMED
                          if "claimed" in (bench.get("kind") or "claimed")
                          else Evidence.Verification.VERIFIED),
            origin="catalog",
        ))
    price = d.get("pricing") or {}
    as_of = date.fromisoformat(price["as_of"]) if price.get("as_of") else None
    for key, label in (("input_per_mtok", "Input price"), ("output_per_mtok", "Output price")):
        if key in price:
            rows.append(Evidence(
                asset_id=asset_id, dimension=Evidence.Dimension.PRICING, name=f"price_{key}",
                label=label, value=float(price[key]),
                unit=f"{price.get('currency', 'USD')} {price.get('unit', 'per 1M tokens')}",
                settings={}, settings_key="", source_name=price.get("source", "catalog"),
                source_url=price.get("pricing_url", ""), observed_at=as_of,
                verification=Evidence.Verification.CLAIMED, origin="catalog",
            ))
    integration = (d.get("ecosystem") or {}).get("hf_hub_integration")
    if isinstance(integration, dict) and integration.get("value") is True:
        rows.append(Evidence(
            asset_id=asset_id, dimension=Evidence.Dimension.ECOSYSTEM, name="hf_hub_integration",
            label="Integrated with the Hugging Face Hub", value=1.0, unit="",
            settings={}, settings_key="", source_name=integration.get("source", "catalog"),
            source_url="https://www.npmjs.com/package/@huggingface/tasks", observed_at=None,
            verification=Evidence.Verification.CLAIMED, origin="catalog",
        ))
    return rows


def _evidence(records: list[rec.Record], ids: dict[str, int]) -> None:
    """The record's own facts (benchmarks, prices, Hub integration) as evidence rows, and the
    imported or curated evidence an exported file carries."""
    changed_ids = [ids[r.uid] for r in records]
    for chunk in _chunks(changed_ids):
        Evidence.objects.filter(asset_id__in=chunk, origin="catalog").delete()
    restored = [r for r in records if "evidence" in _ext(r)]
    for chunk in _chunks([ids[r.uid] for r in restored]):
        Evidence.objects.filter(asset_id__in=chunk).exclude(origin__in=DERIVED_ORIGINS).delete()
    rows = [row for r in records for row in _evidence_rows(r, ids[r.uid])]
    rows += [
        Evidence(
            asset_id=ids[r.uid], dimension=e["dimension"], name=e["name"][:100],
            label=e.get("label", ""), value=float(e["value"]), unit=e.get("unit", ""),
            settings=e.get("settings") or {}, settings_key=rec.settings_key(e.get("settings")),
            source_name=e.get("source_name", ""), source_url=e.get("source_url", ""),
            observed_at=date.fromisoformat(e["observed_at"]) if e.get("observed_at") else None,
            verification=e["verification"], origin=e.get("origin", ""),
        )
        for r in restored for e in _ext(r)["evidence"]
    ]
    Evidence.objects.bulk_create(rows, batch_size=BATCH)


def _chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start:start + size]
