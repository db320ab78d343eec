from __future__ import annotations

import gzip
import importlib
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import loader, records
from catalog.models import Asset, Capability, DismissedCapability, Evidence, Organization
from catalog.search import merge_pending, search
from tests.factories import make_asset, make_capability, make_org

pytestmark = pytest.mark.django_db


def record(uid: str, **kw) -> dict:
    scheme, ident = uid.split(":", 1)
    data = {
        "uid": uid, "id": ident, "id_scheme": scheme, "hf_id": ident, "name": ident.split("/")[-1],
        "type": "model", "subtype": "image backbone", "organization": ident.split("/")[0],
        "license": "apache-2.0", "tasks": ["image-classification"], "modalities": ["image"],
        "n_parameters": 1_000_000, "release_date": None, "release_date_basis": None,
        "base_model": None, "base_model_relation": None, "base_model_unresolved": None,
        "trained_on": [], "trained_on_unresolved": [], "frameworks": ["pytorch"],
        "languages": [], "size": None, "benchmarks": [], "adoption": {}, "ecosystem": {},
        "pricing": None, "urls": {"hub": f"https://huggingface.co/{ident}"}, "attributes": {},
        "sources": [{"source": "test", "version": "1"}], "conflicts": {},
    }
    data.update(kw)
    return data


def write(path: Path, lines: list) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for line in lines:
            fh.write((line if isinstance(line, str) else json.dumps(line)) + "\n")
    return path


def load(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("load_catalog", str(path), "--no-recompute", *args, stdout=out)
    return out.getvalue()


def base_file(tmp_path: Path) -> Path:
    return write(tmp_path / "c.jsonl.gz", [
        record("hf-dataset:org/data-a", type="dataset", tasks=["image-classification"],
               n_parameters=None, size={"n_samples": 1000, "basis": "t"}),
        record("hf-model:org/base-b"),
        record("hf-model:org/tuned-c", type="fine-tune", base_model="hf-model:org/base-b",
               trained_on=["hf-dataset:org/data-a"],
               benchmarks=[{"benchmark": "ImageNet", "metric": "top1", "value": 80.5,
                            "unit": "%", "settings": {"size": 224}, "source": "paper",
                            "source_url": "https://example.org/p", "as_of": "2024-01-01",
                            "kind": "claimed (paper)"}]),
        record("api-model:vendor/chat-d", hf_id=None, license=None, tasks=["text-generation"],
               pricing={"input_per_mtok": 1.5, "output_per_mtok": 6.0, "currency": "USD",
                        "unit": "per 1M tokens", "as_of": "2026-11-25", "source": "prices 1",
                        "pricing_url": "https://example.org/pricing"}),
    ])


class TestLoadCatalog:
    def test_it_creates_assets_with_lineage_capabilities_and_evidence(self, tmp_path):
        output = load(base_file(tmp_path))
        assert "4 created, 0 updated, 0 unchanged, 0 rejected" in output
        tuned = Asset.objects.get(slug="tuned-c")
        assert tuned.kind == "fine-tune"
        assert tuned.base.slug == "base-b"
        assert [a.slug for a in tuned.trained_on.all()] == ["data-a"]
        assert tuned.capabilities.exists()
        bench = Evidence.objects.get(asset=tuned, name="imagenet_top1")
        assert bench.value == 80.5 and bench.verification == "claimed"
        chat = Asset.objects.get(slug="chat-d")
        assert chat.kind == "api" and chat.pricing == "paid" and chat.licence == ""
        assert Evidence.objects.filter(asset=chat, dimension="pricing").count() == 2
        assert Asset.objects.get(slug="data-a").dataset_samples == 1000
        # Every published asset has at least one capability written from its facts.
        assert not Asset.objects.filter(capabilities__isnull=True).exists()

    def test_an_organisation_written_two_ways_is_one(self, tmp_path):
        load(write(tmp_path / "a.jsonl.gz", [
            record("hf-model:stabilityai/sd-a", organization="stabilityai"),
            record("hf-model:Stability-AI/tools-b", organization="Stability-AI"),
        ]))
        assert list(Organization.objects.values_list("name", "slug")) == [
            ("stabilityai", "stabilityai")]
        # A later file writing it otherwise again, or in capitals, finds it.
        load(write(tmp_path / "b.jsonl.gz", [
            record("hf-model:stabilityai/sd-c", organization="Stability AI"),
            record("hf-model:cohere/embed-d", organization="Cohere"),
            record("hf-model:cohere/embed-e", organization="cohere"),
        ]))
        assert sorted(Organization.objects.values_list("slug", flat=True)) == [
            "cohere", "stabilityai"]
        assert Asset.objects.filter(organization__slug="stabilityai").count() == 3

    def test_organisations_written_two_ways_become_one_when_migrated(self):
        from django.apps import apps

        merge = importlib.import_module(
            "catalog.migrations.0030_one_organisation_however_written").merge_organisations
        big = Organization.objects.create(name="stabilityai", slug="stabilityai")
        small = Organization.objects.create(name="Stability-AI", slug="stability-ai",
                                            url="https://stability.ai")
        alone = Organization.objects.create(name="Other", slug="other")
        kept = [make_asset(f"hub-{i}", organization=big) for i in range(2)]
        moved = make_asset("tools", organization=small, summary="Audio tools.")
        version = moved.version
        make_asset("other-asset", organization=alone)
        assert merge(apps, "default") == [moved.pk]
        assert sorted(Organization.objects.values_list("slug", "url")) == [
            ("other", ""), ("stabilityai", "https://stability.ai")]
        moved.refresh_from_db()
        assert moved.organization_id == big.pk and moved.version == version + 1
        assert all(a.organization_id == big.pk for a in kept)
        # Its search entry holds the name it is now under.
        assert [r.asset.slug for r in search("stabilityai audio") if r.all_terms] == ["tools"]
        assert merge(apps, "default") == []  # once merged, nothing more to do

    def test_an_organisation_is_named_as_its_records_name_its_maker(self, tmp_path):
        def helm(uid: str, creator: str, **kw) -> dict:
            return record(uid, attributes={"helm": {"creator": creator}}, **kw)

        load(write(tmp_path / "a.jsonl.gz", [
            helm("api-model:mistralai/large", "Mistral AI", tasks=["text-generation"]),
            record("hf-model:mistralai/small-hf"),  # no creator: the namespace's name
            helm("api-model:meta-llama/llama", "Meta"),
            helm("api-model:acme-lab/other", "Tsinghua"),
        ]))
        assert sorted(Organization.objects.values_list("slug", "name")) == [
            ("acme-lab", "acme-lab"), ("meta-llama", "Meta"), ("mistralai", "Mistral AI")]
        assert Asset.objects.get(slug="small-hf").summary.startswith(
            "An image backbone for image classification, published by Mistral AI.")
        assert [r.asset.slug for r in search("mistral ai") if r.all_terms] == [
            "large", "small-hf"]

    def test_a_loaded_organisation_takes_the_name_unless_a_curator_gave_one(self, tmp_path):
        mistral = make_org("mistralai", slug="mistralai")
        curated = make_org("Meta Platforms", slug="meta-llama")
        held = make_asset("held", organization=mistral, summary="Kept by hand.")
        version = held.version
        load(write(tmp_path / "a.jsonl.gz", [
            record("api-model:mistralai/large", attributes={"helm": {"creator": "Mistral AI"}}),
            record("api-model:meta-llama/llama", attributes={"helm": {"creator": "Meta"}}),
        ]))
        mistral.refresh_from_db()
        curated.refresh_from_db()
        held.refresh_from_db()
        assert (mistral.name, curated.name) == ("Mistral AI", "Meta Platforms")
        # The asset the file does not hold: its page is made anew and its entry indexed
        # under the name.
        assert held.version > version
        assert [r.asset.slug for r in search("mistral ai kept") if r.all_terms] == ["held"]
        assert "published by Meta Platforms." in Asset.objects.get(slug="llama").summary

    def test_a_renamed_organisation_s_summaries_say_its_new_name(self, tmp_path):
        load(write(tmp_path / "a.jsonl.gz", [
            record("hf-model:acme/base"),
            record("hf-model:acme/tuned", base_model="hf-model:acme/base"),
        ]))
        org = Organization.objects.get(slug="acme")
        hand = make_asset("hand", organization=org, summary="Kept by hand, by acme.")
        Asset.objects.filter(slug="base").update(curated_summary="Written by a curator.")
        tuned = Asset.objects.get(slug="tuned")
        assert tuned.summary.startswith("An image backbone for image classification, "
                                        "published by acme. Derived from base.")
        version = tuned.version
        org.name = "Acme Labs"
        org.save()  # as the admin saves it
        tuned.refresh_from_db()
        assert tuned.summary.startswith("An image backbone for image classification, "
                                        "published by Acme Labs. Derived from base.")
        assert tuned.version > version
        base = Asset.objects.get(slug="base")
        assert "published by Acme Labs." in base.summary
        assert base.curated_summary == "Written by a curator."
        hand.refresh_from_db()
        assert hand.summary == "Kept by hand, by acme."
        # Indexed by its new name: the entries hold it apart from the summary, which says
        # it too (catalog.search.maker_words()).
        assert {r.asset.slug for r in search("acme labs ") if r.all_terms} == {
            "tuned", "base", "hand"}
        # Saved again unchanged: nothing to write.
        version = tuned.version
        org.save()
        tuned.refresh_from_db()
        assert tuned.version == version
        # Its case alone put right.
        org.name = "ACME Labs"
        org.save()
        tuned.refresh_from_db()
        assert "published by ACME Labs." in tuned.summary

    def test_an_organisation_people_know_by_a_name_takes_it(self, tmp_path):
        # Named by HELM's creator at an earlier load; a curator's name; a namespace.
        smol = make_org("HuggingFace", slug="huggingfacetb")
        curated = make_org("Meta AI Research", slug="facebookresearch")
        hub = make_org("huggingface", slug="huggingface")
        load(write(tmp_path / "a.jsonl.gz", [
            record("hf-model:HuggingFaceTB/SmolLM2",
                   attributes={"helm": {"creator": "HuggingFace"}}),
            record("hf-model:facebookresearch/dino"),
            record("library:transformers", name="Transformers", type="library",
                   subtype="model library", organization="huggingface",
                   tasks=["text-generation"]),
            record("hf-model:facebook/opt-1.3b", name="OPT", tasks=["text-generation"]),
            record("hf-model:jinaai/jina-embeddings", organization="jinaai"),
        ]))
        for org in (smol, curated, hub):
            org.refresh_from_db()
        assert (smol.name, curated.name, hub.name) == (
            "Hugging Face", "Meta AI Research", "Hugging Face")
        assert dict(Organization.objects.filter(slug__in=["facebook", "jinaai"])
                    .values_list("slug", "name")) == {"facebook": "Meta", "jinaai": "Jina AI"}
        assert "published by Hugging Face." in Asset.objects.get(slug="transformers").summary
        # Found by the name people say and by the namespace as written.
        assert [r.asset.slug for r in search("hugging face transformers")][:1] == [
            "transformers"]
        assert [r.asset.slug for r in search("huggingface transformers")][:1] == [
            "transformers"]
        assert [r.asset.slug for r in search("facebook opt") if r.all_terms] == ["opt-1-3b"]
        assert [r.asset.slug for r in search("meta opt") if r.all_terms] == ["opt-1-3b"]
        assert [r.asset.slug for r in search("jinaai") if r.all_terms] == ["jina-embeddings"]

    def test_it_marks_deprecated_assets_and_links_successors(self, tmp_path):
        earlier = make_asset("v2", uid="hf-model:org/v2", external_id="org/v2")
        version = earlier.version
        load(write(tmp_path / "a.jsonl.gz", [
            record("hf-model:org/v1", attributes={"mteb": {"superseded_by": "org/v2"}}),
            record("hf-model:org/old", attributes={"mteb": {"superseded_by": "org/new"}}),
            record("hf-model:org/new"),  # later in the file
            record("hf-model:org/gone", attributes={"mteb": {"superseded_by": "org/nowhere"}}),
            record("api-model:vendor/chat", attributes={"helm": {"deprecated": True},
                                                        "genai_prices": {"deprecated": True}}),
            record("api-model:vendor/live", attributes={"helm": {"deprecated": False}}),
        ]))
        successors = dict(Asset.objects.values_list("slug", "successor__slug"))
        assert successors == {"v1": "v2", "old": "new", "new": None, "gone": None, "chat": None,
                              "live": None, "v2": None}
        assert Asset.objects.get(slug="gone").successor_named == "org/nowhere"
        deprecated = dict(Asset.objects.values_list("slug", "deprecated_in"))
        assert deprecated["chat"] == ["crfm-helm", "genai-prices"] and deprecated["live"] == []
        # The successor's page lists what it supersedes: made anew.
        earlier.refresh_from_db()
        assert earlier.version > version

    def test_a_successor_loaded_later_is_linked_to_the_assets_naming_it(self, tmp_path):
        load(write(tmp_path / "a.jsonl.gz", [
            record("hf-model:org/v1", attributes={"mteb": {"superseded_by": "org/v2"}}),
            record("hf-model:org/beta", attributes={"mteb": {"superseded_by": "org/v2"}}),
            record("hf-model:org/other", attributes={"mteb": {"superseded_by": "org/v3"}}),
            # Named as no source names one: nothing to link.
            record("hf-model:org/odd", attributes={"mteb": {"superseded_by": ["org/v2"]}}),
            record("hf-model:org/null", attributes={"mteb": {"superseded_by": None}}),
        ]))
        assert not Asset.objects.filter(successor__isnull=False).exists()
        versions = dict(Asset.objects.values_list("slug", "version"))
        # Another file brings it: both naming it are linked, and their pages made anew.
        load(write(tmp_path / "b.jsonl.gz", [record("hf-model:org/v2")]))
        successors = dict(Asset.objects.values_list("slug", "successor__slug"))
        assert successors == {"v1": "v2", "beta": "v2", "other": None, "v2": None,
                              "odd": None, "null": None}
        after = dict(Asset.objects.values_list("slug", "version"))
        assert after["v1"] > versions["v1"] and after["beta"] > versions["beta"]
        assert after["other"] == versions["other"]
        v2 = Asset.objects.get(slug="v2")
        assert sorted(v2.predecessors.values_list("slug", flat=True)) == ["beta", "v1"]
        # No longer current: search and the best of each kind put them after the current.
        assert set(Asset.objects.current().values_list("slug", flat=True)) == {
            "other", "v2", "odd", "null"}

    def test_assets_held_are_marked_when_migrated(self):
        from django.apps import apps
        from django.db import connection

        mark = importlib.import_module(
            "catalog.migrations.0039_asset_successor_and_deprecation").mark
        old = make_asset("old", attributes={"mteb": {"superseded_by": "test/new"}})
        new = make_asset("new")
        chat = make_asset("chat", attributes={"genai_prices": {"deprecated": True}})
        versions = {a.pk: a.version for a in (old, new, chat)}
        mark(apps, type("Editor", (), {"connection": connection})())
        for asset in (old, new, chat):
            asset.refresh_from_db()
            assert asset.version == versions[asset.pk] + 1
        assert (old.successor, chat.deprecated_in, new.successor) == (new, ["genai-prices"], None)

    def test_a_second_run_reports_everything_unchanged(self, tmp_path):
        path = base_file(tmp_path)
        load(path)
        versions = dict(Asset.objects.values_list("slug", "version"))
        output = load(path)
        assert "0 created, 0 updated, 4 unchanged, 0 rejected" in output
        assert dict(Asset.objects.values_list("slug", "version")) == versions

    def test_it_updates_a_changed_record_and_bumps_its_version(self, tmp_path):
        load(base_file(tmp_path))
        before = Asset.objects.get(slug="base-b").version
        changed = write(tmp_path / "d.jsonl.gz", [record("hf-model:org/base-b", n_parameters=5)])
        assert "0 created, 1 updated" in load(changed)
        asset = Asset.objects.get(slug="base-b")
        assert asset.n_parameters == 5 and asset.version > before

    def test_it_keeps_curated_work(self, tmp_path):
        path = base_file(tmp_path)
        load(path)
        asset = Asset.objects.get(slug="base-b")
        asset.curated_summary = "Curated words."
        asset.status = Asset.Status.ARCHIVED
        asset.save()
        cap = asset.capabilities.get(key="task:image-classification")
        cap.description = "A curator rewrote this."
        cap.is_curated = True
        cap.save()
        own = make_capability(asset, title="Curator's own")
        load(write(tmp_path / "e.jsonl.gz", [record("hf-model:org/base-b", n_parameters=9)]))
        asset.refresh_from_db()
        assert asset.curated_summary == "Curated words." and asset.status == "archived"
        assert asset.capabilities.get(key="task:image-classification").description == (
            "A curator rewrote this."
        )
        assert Capability.objects.filter(pk=own.pk).exists()

    def test_a_new_version_of_the_texts_rewrites_them_and_keeps_curated_work(
        self, tmp_path, monkeypatch
    ):
        path = base_file(tmp_path)
        load(path)
        cap = Capability.objects.get(asset__slug="base-b", key="task:image-classification")
        Capability.objects.filter(pk=cap.pk).update(description="Words of an older version.")
        curated = Capability.objects.get(asset__slug="tuned-c", key="task:image-classification")
        curated.description, curated.is_curated = "A curator rewrote this.", True
        curated.save()
        assert "4 unchanged" in load(path)
        assert Capability.objects.get(pk=cap.pk).description == "Words of an older version."
        versions = dict(Asset.objects.values_list("slug", "version"))

        monkeypatch.setattr(records, "WRITER_VERSION", records.WRITER_VERSION + 1)
        assert "0 created, 4 updated, 0 unchanged" in load(path)
        assert Capability.objects.get(pk=cap.pk).description.startswith("Assigns one of")
        assert Capability.objects.get(pk=curated.pk).description == "A curator rewrote this."
        # Their pages are cached by version: a new version shows the new texts.
        for slug, version in Asset.objects.values_list("slug", "version"):
            assert version > versions[slug]
        assert "4 unchanged" in load(path)

    def test_an_imported_capability_a_curator_deleted_stays_deleted(self, tmp_path):
        path = base_file(tmp_path)
        load(path)
        asset = Asset.objects.get(slug="base-b")
        key = "task:image-classification"
        # What the admin does when a curator deletes it.
        DismissedCapability.objects.create(asset=asset, key=key)
        asset.capabilities.get(key=key).delete()
        changed = write(tmp_path / "d.jsonl.gz", [record("hf-model:org/base-b", n_parameters=9)])
        assert "1 updated" in load(changed)
        assert not asset.capabilities.filter(key=key).exists()
        assert asset.capabilities.filter(key="frameworks").exists()  # the others are written

        # Taken back in the admin, the capability is written again from the stored record,
        # and the search index follows.
        def found() -> list[str]:
            return [r.asset.slug for r in search("assigns labels whole image") if r.all_terms]

        assert "base-b" not in found()
        DismissedCapability.objects.all().delete()
        loader.rewrite_capabilities(asset)
        cap = asset.capabilities.get(key=key)
        assert cap.description.startswith("Assigns one of") and not cap.is_curated
        assert "base-b" in found()
        assert "1 unchanged" in load(changed)

    def test_rewriting_capabilities_keeps_curated_work_and_skips_hand_made_assets(
        self, tmp_path
    ):
        load(base_file(tmp_path))
        asset = Asset.objects.get(slug="base-b")
        cap = asset.capabilities.get(key="task:image-classification")
        cap.description, cap.is_curated = "A curator rewrote this.", True
        cap.save()
        DismissedCapability.objects.create(asset=asset, key="frameworks")
        loader.rewrite_capabilities(asset)
        assert asset.capabilities.get(pk=cap.pk).description == "A curator rewrote this."
        assert not asset.capabilities.filter(key="frameworks").exists()
        hand = make_asset("hand-made", uid="tool:hand-made")
        make_capability(hand, title="Runs things", is_curated=True)
        loader.rewrite_capabilities(hand)
        assert [c.title for c in hand.capabilities.all()] == ["Runs things"]

    def test_a_file_restores_the_dismissed_capabilities_it_carries(self, tmp_path):
        path = base_file(tmp_path)
        load(path)
        asset = Asset.objects.get(slug="base-b")
        DismissedCapability.objects.create(asset=asset, key="frameworks")
        carried = record("hf-model:org/base-b",
                         unfragile={"dismissed_capabilities": ["task:image-classification"]})
        load(write(tmp_path / "e.jsonl.gz", [carried]))
        assert [d.key for d in asset.dismissed_capabilities.all()] == [
            "task:image-classification"]
        keys = set(asset.capabilities.values_list("key", flat=True))
        assert "task:image-classification" not in keys and "frameworks" in keys

    @pytest.mark.parametrize("value", ["frameworks", [""], [3], ["x" * 101]])
    def test_it_rejects_dismissed_capabilities_that_are_not_keys(self, tmp_path, value):
        bad = record("hf-model:org/bad", unfragile={"dismissed_capabilities": value})
        output = load(write(tmp_path / "f.jsonl.gz", [bad]))
        assert "1 rejected" in output
        assert "unfragile.dismissed_capabilities must be a list of capability keys" in output

    def test_dry_run_writes_nothing(self, tmp_path):
        output = load(base_file(tmp_path), "--dry-run")
        assert "Dry run" in output and "4 created" in output
        assert Asset.objects.count() == 0

    @pytest.mark.parametrize(
        ("line", "reason"),
        [
            ("{not json", "malformed JSON"),
            (json.dumps(["a", "list"]), "must be a JSON object"),
            (json.dumps({k: v for k, v in record("hf-model:o/x").items() if k != "id"}),
             "missing id"),
            (json.dumps(record("hf-model:o/x", n_parameters="big")), "n_parameters"),
            (json.dumps(record("hf-model:o/x", tasks="image")), "tasks must be a list"),
            (json.dumps(record("hf-model:o/x", license="made-up-licence")), "unknown licence"),
            (json.dumps(record("hf-model:o/x", release_date="last year")), "release_date"),
            (json.dumps(record("hf-model:o/x", type="spaceship")), "unknown type"),
            (json.dumps(record("hf-model:o/x", base_model="hf-model:o/missing")), "unknown asset"),
        ],
    )
    def test_it_rejects_a_bad_record_with_a_reason_and_loads_the_rest(self, tmp_path, line, reason):
        path = write(tmp_path / "bad.jsonl.gz", [record("hf-model:o/good"), line])
        output = load(path)
        assert "1 created" in output and "1 rejected" in output
        assert "line 2" in output and reason in output
        assert Asset.objects.filter(slug="good").exists()

    def test_it_rejects_a_lineage_cycle(self, tmp_path):
        path = write(tmp_path / "cycle.jsonl.gz", [
            record("hf-model:o/a", base_model="hf-model:o/b"),
            record("hf-model:o/b", base_model="hf-model:o/a"),
            record("hf-model:o/c"),
        ])
        output = load(path)
        assert "1 created" in output and "2 rejected" in output and "cycle" in output
        assert list(Asset.objects.values_list("slug", flat=True)) == ["c"]

    def test_it_rejects_a_duplicate_uid(self, tmp_path):
        path = write(tmp_path / "dup.jsonl.gz", [record("hf-model:o/a"), record("hf-model:o/a")])
        assert "duplicate uid" in load(path)

    def test_a_truncated_file_writes_nothing(self, tmp_path):
        whole = base_file(tmp_path).read_bytes()
        broken = tmp_path / "broken.jsonl.gz"
        broken.write_bytes(whole[: len(whole) // 2])
        with pytest.raises(CommandError, match="truncated|decompressed"):
            load(broken)
        assert Asset.objects.count() == 0

    def test_a_file_that_is_not_gzip_writes_nothing(self, tmp_path):
        plain = tmp_path / "plain.jsonl"
        plain.write_text(json.dumps(record("hf-model:o/a")) + "\n")
        with pytest.raises(CommandError, match="not a gzip file"):
            load(plain)
        assert Asset.objects.count() == 0

    def test_it_prefixes_colliding_slugs_with_the_organisation(self, tmp_path):
        path = write(tmp_path / "c.jsonl.gz", [
            record("hf-model:alpha/same-name"), record("hf-model:beta/same-name"),
            record("hf-model:gamma/other.v1"),
        ])
        load(path)
        assert set(Asset.objects.values_list("slug", flat=True)) == {
            "alpha-same-name", "beta-same-name", "other-v1",
        }
        load(path)  # the same way on every load
        assert Asset.objects.filter(slug="alpha-same-name").exists()

    def test_a_published_slug_never_changes(self, tmp_path):
        load(write(tmp_path / "a.jsonl.gz", [record("hf-model:alpha/same-name")]))
        assert Asset.objects.get().slug == "same-name"
        # A newcomer with the same base slug takes the prefix; the published one keeps its slug.
        load(write(tmp_path / "b.jsonl.gz", [record("hf-model:alpha/same-name", name="Renamed"),
                                             record("hf-model:beta/same-name")]))
        assert Asset.objects.get(uid="hf-model:alpha/same-name").slug == "same-name"
        assert Asset.objects.get(uid="hf-model:beta/same-name").slug == "beta-same-name"

    def test_it_writes_in_batches_not_per_record(self, tmp_path):
        load(write(tmp_path / "w.jsonl.gz", [record("hf-model:w/warm")]))  # the task row exists
        small = write(tmp_path / "s.jsonl.gz", [record(f"hf-model:o/m{i}") for i in range(5)])
        large = write(tmp_path / "l.jsonl.gz", [record(f"hf-model:p/n{i}") for i in range(60)])
        with CaptureQueriesContext(connection) as few:
            load(small)
        with CaptureQueriesContext(connection) as many:
            load(large)
        assert len(many) == len(few)


@pytest.mark.skipif(
    not Path(__file__).resolve().parents[2].joinpath("catalog/data/catalog.jsonl.gz").exists(),
    reason="the bundled catalog file is missing",
)
class TestPlannerStatistics:
    def test_a_load_leaves_statistics_for_the_query_planner(self, tmp_path):
        load(write(tmp_path / "c.jsonl.gz", [record("hf-model:org/a"), record("hf-model:org/b")]))
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'catalog_asset'")
                assert cursor.fetchone()[0] >= 2  # -1 until the table is first analysed
            else:
                cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'catalog_asset'")
                assert cursor.fetchone()[0] > 0


class TestPendingEntries:
    def test_a_load_leaves_no_search_entry_pending(self, tmp_path):
        """On PostgreSQL every search reads the entries a GIN index holds pending."""
        if connection.vendor != "postgresql":
            pytest.skip("GIN's pending list is PostgreSQL's")
        load(write(tmp_path / "c.jsonl.gz", [record(f"hf-model:org/m{i}") for i in range(30)]))
        assert merge_pending() == [0, 0, 0]
        # (Saving one asset leaves its entries pending: what the load merged.)
        asset = Asset.objects.get(slug="m1")
        asset.summary = "A new summary about image classification backbones."
        asset.save()
        assert merge_pending() != [0, 0, 0]


class TestBundledCatalog:
    def test_it_loads_whole_and_twice_unchanged(self):
        out = StringIO()
        call_command("load_catalog", "--no-recompute", stdout=out)
        assert "5538 created, 0 updated, 0 unchanged, 0 rejected" in out.getvalue()
        seed = Asset.objects.get(slug="segformer-b4-finetuned-ade-512-512")
        assert seed.base.slug == "mit-b4" and seed.kind == "fine-tune"
        assert Asset.objects.get(slug="the-stack-v2").kind == "dataset"
        assert Asset.objects.filter(slug__contains="-vs-").count() == 0
        out = StringIO()
        call_command("load_catalog", "--no-recompute", stdout=out)
        assert "0 created, 0 updated, 5538 unchanged, 0 rejected" in out.getvalue()


class TestWrittenTexts:
    """What the importer writes from a record's facts (catalog.records)."""

    def embedder(self, **kw) -> dict:
        return record("hf-model:org/embed", **{"subtype": "embedding model",
                                               "tasks": ["embedding"], **kw})

    def test_an_embedding_model_says_what_it_embeds(self):
        audio = self.embedder(modalities=["audio"], organization="openai")
        assert records.summary(audio, {}).startswith(
            "An audio embedding model, published by openai."
        )
        caps = records.capabilities(audio, {})
        assert caps[0].title == "Embeddings"
        assert caps[0].description.startswith(
            "Turns audio into dense vectors for search, clustering and similarity."
        )
        both = self.embedder(modalities=["image", "text"], tasks=["embedding", "reranking"])
        assert records.summary(both, {}).startswith("A text and image embedding model for "
                                                    "reranking, published by org.")
        assert records.capabilities(both, {})[0].description.startswith(
            "Turns text and images into dense vectors"
        )

    def test_an_organisation_s_name_is_the_maker_its_records_name(self):
        def helm(org: str, *creators: str) -> list[dict]:
            return [{"organization": org, "attributes": {"helm": {"creator": c}}}
                    for c in creators]

        assert records.organisation_names([
            *helm("mistralai", "Mistral AI"),
            *helm("meta-llama", "Meta"),  # the maker's name starts the namespace
            *helm("ai21", "AI21 Labs"),  # the namespace starts the maker's name
            *helm("ibm-granite", "IBM-GRANITE", "IBM", "IBM"),  # the most named
            *helm("nicholasKluge", "Nicholas  Kluge."),
            *helm("acme-lab", "Tsinghua"),  # a maker, not the namespace
            *helm("stabilityai", "Stability AI", "Runway"),
            *helm("HuggingFaceTB", "HuggingFace"),  # known by another name
            *helm("ai21x", "AI"),  # too short a start to tell
            *helm("openai", "openai"),  # as written already
            {"organization": "cohere"}, {"organization": None}, {"organization": "@@"},
            {"organization": "x-lab", "attributes": {"helm": "X Lab"}},  # not a mapping
            {"organization": "y-lab", "attributes": ["helm"]},
            *helm("Cohere", "Cohere"),  # first written "cohere"
            {"organization": "facebook"}, {"organization": "Jina AI"},  # as it is known
        ]) == {"mistralai": "Mistral AI", "metallama": "Meta", "ai21": "AI21 Labs",
               "ibmgranite": "IBM", "nicholaskluge": "Nicholas Kluge", "cohere": "Cohere",
               "stabilityai": "Stability AI", "huggingfacetb": "Hugging Face",
               "facebook": "Meta"}

    def test_an_api_says_its_context_window(self):
        api = record("api-model:vendor/chat", attributes={"genai_prices": {
            "context_window": 1_048_576}})
        [window] = [c for c in records.capabilities(api, {}) if c.key == "context-window"]
        assert (window.title, window.description) == (
            "Context window", "Has a context window of 1,048,576 tokens, as genai-prices lists it.")
        for junk in (0, "128k", None, [128_000.5]):
            api["attributes"]["genai_prices"]["context_window"] = junk
            assert "context-window" not in [c.key for c in records.capabilities(api, {})]

    def test_deprecation_and_successor_are_read_whatever_the_attributes_hold(self):
        for attributes in (None, [], "x", {"helm": "yes"}, {"mteb": ["org/b"]},
                           {"mteb": {"superseded_by": " "}}, {"helm": {"deprecated": "true"}}):
            data = record("hf-model:org/a", attributes=attributes)
            assert (records.deprecated_in(data), records.successor_id(data)) == ([], None)
        # Named its own successor (mteb does so once): none.
        assert records.successor_id(
            record("hf-model:org/a", attributes={"mteb": {"superseded_by": "org/a"}})) is None

    def test_a_timm_tag_s_data_token_is_spelt_out(self):
        tuned = record("timm:convnext_base.fb_in22k_ft_in1k", trained_on_unresolved=["in22k"],
                       organization="timm")
        assert "Trained on ImageNet-22k." in records.summary(tuned, {})
        assert Asset(trained_on_unresolved=["in22k", "webli", "Other"]
                     ).trained_on_unresolved_shown == ["ImageNet-22k", "WebLI", "Other"]

    def test_an_embedding_model_says_its_vectors_and_inputs_as_one_sentence(self):
        spec = self.embedder(attributes={"mteb": {"embed_dim": 1024, "max_tokens": 8192}})
        [vectors] = [c for c in records.capabilities(spec, {}) if c.title == "Vector output"]
        assert vectors.description == ("Produces vectors of 1,024 dimensions and reads inputs "
                                       "of up to 8,192 tokens.")

    def test_an_embedding_model_says_its_measure_memory_and_instructions(self):
        spec = self.embedder(attributes={"mteb": {
            "embed_dim": [768, 1024], "max_tokens": 512, "similarity_fn_name": "cosine",
            "memory_usage_mb": 2166.0, "use_instructions": True}})
        [vectors] = [c for c in records.capabilities(spec, {}) if c.title == "Vector output"]
        assert vectors.description == (
            "Produces vectors of 768 or 1,024 dimensions and reads inputs of up to 512 tokens. "
            "They are compared by cosine similarity. Its weights take about 2,166 MB of memory, "
            "as mteb gives it. It expects an instruction saying what the text is for.")
        # A measure not known, a size that is none, instructions not used: not said.
        spec = self.embedder(attributes={"mteb": {
            "embed_dim": 64, "similarity_fn_name": "hamming", "memory_usage_mb": 0,
            "use_instructions": False}})
        [vectors] = [c for c in records.capabilities(spec, {}) if c.title == "Vector output"]
        assert vectors.description == "Produces vectors of 64 dimensions."

    def test_a_subtype_naming_the_task_is_not_followed_by_it_again(self):
        imagenet = record("hf-dataset:ilsvrc/imagenet-1k", type="dataset",
                          subtype="image-classification dataset", organization="ilsvrc")
        assert records.summary(imagenet, {}).startswith(
            "An image-classification dataset, published by ilsvrc.")

    def test_code_is_not_counted_as_one_language(self):
        stack = record("hf-dataset:bigcode/the-stack-v2", type="dataset", subtype="dataset",
                       tasks=["text-generation"], languages=["code"],
                       attributes={"hand": {"programming_languages_min": 600}})
        [languages] = [c for c in records.capabilities(stack, {}) if c.title == "Languages"]
        assert languages.description == "Holds source code in at least 600 programming languages."
        bare = dict(stack, attributes={})
        [languages] = [c for c in records.capabilities(bare, {}) if c.title == "Languages"]
        assert languages.description == "Holds source code."

    def test_every_task_is_a_capability_and_a_summary_counts_many(self):
        tasks = ["audio-classification", "automatic-speech-recognition", "depth-estimation",
                 "image-classification", "image-segmentation", "object-detection",
                 "summarization", "text-classification", "text-generation", "translation"]
        library = record("library:transformers", type="library", subtype="model library",
                         organization="huggingface", tasks=tasks)
        caps = records.capabilities(library, {})
        # The versus page shows the first cards and loads the others on demand.
        titles = [c.title for c in caps]
        assert titles[:10] == [records.task_name(t) for t in tasks]
        assert records.summary(library, {}).startswith(
            "A model library for 10 tasks, among them audio classification, speech "
            "recognition and depth estimation, published by huggingface.")

    def test_a_tool_says_what_the_registry_listing_it_lists_it_for(self):
        app = record("tool:vllm", type="tool", subtype="local app", tasks=["text-generation"],
                     n_parameters=None, frameworks=[],
                     attributes={"hf_tasks_roles": ["local app"]})
        assert [(c.key, c.title, c.description) for c in records.capabilities(app, {})] == [
            ("task:text-generation", "Text generation",
             "A local app that generates text from a prompt."),
            ("role", "Local app",
             "The Hub offers it to run models on your own computer (local inference)."),
        ]
        harness = record("tool:zed", type="tool", subtype="agent harness", tasks=[],
                         n_parameters=None, frameworks=[],
                         attributes={"hf_tasks_roles": ["agent harness"]})
        assert [(c.key, c.description) for c in records.capabilities(harness, {})] == [
            ("role", "The Hub lists it for running a model as an agent that calls tools to "
                     "carry out tasks.")]
        # Listed twice: its kind, then the other role.
        both = record("library:harbor", type="library", subtype="dataset library", tasks=[],
                      n_parameters=None, frameworks=[], attributes={
                          "hf_tasks_roles": ["dataset library", "evaluation framework"]})
        assert [(c.key, c.description) for c in records.capabilities(both, {})] == [
            ("role", "A dataset library."),
            ("role:evaluation-framework",
             "The Hub lists it for evaluating models on benchmarks.")]
        # A library's role says no more than its name: an entry's every word weighs the
        # others down.
        library = record("library:timm", type="library", subtype="model library", tasks=[],
                         n_parameters=None, frameworks=[],
                         attributes={"hf_tasks_roles": ["model library"]})
        assert [(c.key, c.description) for c in records.capabilities(library, {})] == [
            ("role", "A model library.")]

    def test_an_embedding_model_with_no_modality_stated_claims_none(self):
        bare = self.embedder(modalities=[])
        assert records.summary(bare, {}).startswith("An embedding model, published by org.")
        assert records.capabilities(bare, {})[0].description.startswith(
            "Turns its inputs into dense vectors"
        )

    def test_what_it_came_from_starts_a_sentence_when_its_size_is_unknown(self):
        trained = self.embedder(n_parameters=None, modalities=["text"],
                                trained_on_unresolved=["AFQMC"])
        assert records.capabilities(trained, {})[0].description == (
            "Turns text into dense vectors for search, clustering and similarity. "
            "Trained on AFQMC.")
        sized = self.embedder(modalities=["text"], trained_on_unresolved=["AFQMC"])
        assert records.capabilities(sized, {})[0].description.endswith(
            "It has 1M parameters, trained on AFQMC.")

    @pytest.mark.parametrize(("unresolved", "shown"), [
        ("https://huggingface.co/jhu-clsp/ettin-encoder-17m", "jhu-clsp/ettin-encoder-17m"),
        ("Qwen/Qwen3-0.6B", "Qwen/Qwen3-0.6B"),
        ("XLM-RoBERTa", "XLM-RoBERTa"),
        ("/root/.cache/torch/sentence_transformers/intfloat_e5-large-v2", None),
        ("/content/drive/MyDrive/project/gbert_large_sts_only", None),
    ])
    def test_a_base_model_not_in_the_catalog_is_named_as_readers_can_find_it(
        self, unresolved, shown
    ):
        tuned = record("hf-model:org/tuned", type="fine-tune", base_model_unresolved=unresolved)
        assert records.unresolved_base_label(unresolved) == shown
        lineage = [c.description for c in records.capabilities(tuned, {})
                   if c.title == "Lineage"]
        assert lineage == ([f"Derived from {shown}."] if shown else [])
        assert (unresolved in records.summary(tuned, {})) == (shown == unresolved)

    @pytest.mark.parametrize(("relation", "text", "shown"), [
        ("adapted from (mteb ModelMeta.adapted_from)", "Adapted from org/base (as mteb records "
         "it).", "adapted from (as mteb records it)"),
        ("fine-tuned from (timm tag '<pretrain>_ft_<target>')", "Fine-tuned from org/base (as "
         "its timm tag says).", "fine-tuned from (as its timm tag says)"),
        ("fine-tuned from (encoder pre-trained on ImageNet-1k)", "Fine-tuned from org/base "
         "(encoder pre-trained on ImageNet-1k).", "fine-tuned from (encoder pre-trained on "
         "ImageNet-1k)"),
        ("distilled from", "Distilled from org/base.", "distilled from"),
    ])
    def test_how_a_fine_tune_came_from_its_base_reads_as_a_sentence(self, relation, text, shown):
        tuned = record("hf-model:org/tuned", type="fine-tune", base_model_unresolved="org/base",
                       base_model_relation=relation)
        assert [c.description for c in records.capabilities(tuned, {})
                if c.title == "Lineage"] == [text]
        assert Asset(base_relation=relation).base_relation_shown == shown

    def test_tasks_whose_names_hold_and_are_told_apart(self):
        api = record("api-model:vendor/chat", subtype="API model",
                     tasks=["text-generation", "image-text-to-text"], organization="vendor")
        assert records.summary(api, {}).startswith(
            "An API model for text generation as well as image and text to text, published by")
        plain = record("api-model:vendor/two", subtype="API model",
                       tasks=["text-generation", "summarization"], organization="vendor")
        assert records.summary(plain, {}).startswith(
            "An API model for text generation and summarisation, published by")

    def test_other_nouns_keep_their_tasks(self):
        api = record("api-model:vendor/e", subtype="API model", tasks=["embedding"],
                     modalities=["text"], organization="vendor")
        assert records.summary(api, {}).startswith("An API model for embeddings, published by")
        assert records.capabilities(api, {})[0].description.startswith("Turns text into")
