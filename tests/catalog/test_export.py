from __future__ import annotations

import gzip
import json
from io import StringIO

import pytest
from django.core.management import call_command

from catalog import search
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
from comparisons.models import PairNote
from tests.factories import make_asset, make_capability, make_evidence

pytestmark = pytest.mark.django_db


def load(path, *args):
    call_command("load_catalog", str(path), "--no-recompute", *args, stdout=StringIO())


def export(path):
    call_command("export_catalog", str(path), stdout=StringIO())
    return path.read_bytes()


def wipe():
    """Empty the catalog fast: Asset.delete() would send a search signal per asset."""
    search.remove_assets(list(Asset.objects.values_list("id", flat=True)))
    Asset.objects.update(base=None)
    for model in (PairNote, ScoreHistory, Score, EvidenceHistory, Evidence, Capability,
                  DismissedCapability,
                  Asset.tasks.through, Asset.trained_on.through, Asset, Organization, Task):
        model.objects.all()._raw_delete(model.objects.db)
    assert not Asset.objects.exists()


def curate() -> None:
    seg = Asset.objects.get(slug="segformer-b4-finetuned-ade-512-512")
    stack = Asset.objects.get(slug="the-stack-v2")
    seg.curated_summary = "Curated: a scene-parsing fine-tune."
    seg.homepage_url = "https://example.org/segformer"
    seg.save()
    stack.status = Asset.Status.ARCHIVED
    stack.save()
    cap = seg.capabilities.get(key="task:image-segmentation")
    cap.description = "Rewritten by a curator."
    cap.unique_override = "A curated claim."
    cap.is_curated = True
    cap.save()
    make_capability(seg, title="Curator-added", description="Added by hand.", is_curated=True,
                    position=9)
    # An imported capability the curator deleted (as the admin records it).
    gone = seg.capabilities.get(key="frameworks")
    DismissedCapability.objects.create(asset=seg, key=gone.key)
    gone.delete()
    make_evidence(stack, dimension="adoption", name="downloads", value=1234.0,
                  unit="downloads", origin="", source_name="curator")
    make_evidence(seg, dimension="quality", name="imagenet_top1", value=80.1, unit="%",
                  settings={"img_size": 224}, settings_key='{"img_size":224}', origin="timm")
    PairNote.objects.create(asset_a=seg, asset_b=stack, note="They do different jobs.")
    hand = make_asset("hand-made", uid="tool:hand-made", external_id="hand-made",
                      id_scheme="tool", kind=Asset.Kind.TOOL, frameworks=["pytorch"])
    make_capability(hand, title="Runs things", is_curated=True)


class TestExportCatalog:
    def test_a_hand_made_asset_names_its_organisation_as_a_load_finds_it(self, tmp_path):
        # Named after its maker, a namespace is written by its slug; else by its name.
        for org, written in ((Organization.objects.create(name="Meta", slug="meta-llama"),
                              "meta-llama"),
                             (Organization.objects.create(name="Stability AI",
                                                          slug="stabilityai"), "Stability AI")):
            make_asset(f"hand-{org.slug}", uid=f"tool:hand-{org.slug}",
                       external_id=f"hand-{org.slug}", id_scheme="tool",
                       kind=Asset.Kind.TOOL, organization=org)
            export(tmp_path / "out.jsonl.gz")
            with gzip.open(tmp_path / "out.jsonl.gz", "rt", encoding="utf-8") as fh:
                rows = {r["uid"]: r for r in map(json.loads, fh)}
            assert rows[f"tool:hand-{org.slug}"]["organization"] == written

    def check_schema(self, path):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh]
        with gzip.open("catalog/data/catalog.jsonl.gz", "rt", encoding="utf-8") as fh:
            bundled = [json.loads(line) for line in fh]
        uids = [r["uid"] for r in rows]
        assert uids == sorted(uids)
        assert set(uids) == {r["uid"] for r in bundled} | {"tool:hand-made"}
        assert list(rows[0])[:30] == list(bundled[0])
        # Apart from the extension, a record is the bundled one.
        assert {k: v for k, v in rows[0].items() if k != "unfragile"} == bundled[0]
        assert rows[0]["unfragile"]["curated"]["status"] == "published"

    def test_the_round_trip_gives_the_same_bytes(self, tmp_path):
        # One test, not three: each step needs the whole bundled catalog loaded, which is
        # most of the time the suite takes.
        load("catalog/data/catalog.jsonl.gz")
        curate()
        first = export(tmp_path / "one.jsonl.gz")
        self.check_schema(tmp_path / "one.jsonl.gz")

        # Loaded over a live catalog, the export restores the curated state.
        seg = Asset.objects.get(slug="segformer-b4-finetuned-ade-512-512")
        seg.curated_summary = "A later mistake."
        seg.save()
        Capability.objects.filter(title="Curator-added").delete()
        load(tmp_path / "one.jsonl.gz")
        seg.refresh_from_db()
        assert seg.curated_summary.startswith("Curated")
        assert seg.capabilities.filter(title="Curator-added").count() == 1

        # Into an empty database, then exported again: the same bytes.
        wipe()
        load(tmp_path / "one.jsonl.gz")
        second = export(tmp_path / "two.jsonl.gz")
        assert first == second

        # The curated work came back.
        seg = Asset.objects.get(slug="segformer-b4-finetuned-ade-512-512")
        assert seg.curated_summary.startswith("Curated") and seg.homepage_url
        assert Asset.objects.get(slug="the-stack-v2").status == "archived"
        cap = seg.capabilities.get(key="task:image-segmentation")
        assert cap.is_curated and cap.description == "Rewritten by a curator."
        assert cap.unique_text == "A curated claim."
        assert seg.capabilities.filter(title="Curator-added").exists()
        assert [d.key for d in seg.dismissed_capabilities.all()] == ["frameworks"]
        assert not seg.capabilities.filter(key="frameworks").exists()
        assert Evidence.objects.get(name="downloads").value == 1234.0
        assert Evidence.objects.get(name="imagenet_top1", origin="timm").settings == {
            "img_size": 224
        }
        assert PairNote.objects.get().note == "They do different jobs."
        assert Asset.objects.get(slug="hand-made").capabilities.filter(is_curated=True).exists()
        assert Asset.objects.count() == 5539
