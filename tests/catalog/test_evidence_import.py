"""The evidence importers: import_openllm, import_lmarena and import_timm.

The files under tests/fixtures/evidence/ are written by hand in the real formats; their models,
names and numbers are made up.
"""

from __future__ import annotations

import csv
import os
import sys
import types
from abc import ABC, abstractmethod
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Asset, Evidence, EvidenceHistory
from tests.factories import make_asset

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "evidence"
REAL = Path(settings.BASE_DIR).parent / "shared" / "data" / "evidence"

pytestmark = pytest.mark.django_db


def run(command: str, *args: object, recompute: bool = False) -> str:
    out = StringIO()
    extra = () if recompute else ("--no-recompute",)
    call_command(command, *(str(a) for a in args), *extra, stdout=out)
    return out.getvalue()


def stored(asset: Asset) -> dict[tuple[str, str], Evidence]:
    return {(e.name, e.settings_key): e for e in Evidence.objects.filter(asset=asset)}


def versions() -> dict[int, int]:
    return dict(Asset.objects.values_list("id", "version"))


def without_column(source: Path, column: str, target: Path) -> Path:
    with source.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    header = [name for name in rows[0] if name != column]
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return target


class ImporterContract(ABC):
    """What every importer promises; each Test class below fills in its format."""

    command = ""
    fixture = ""
    newer = ""
    args: tuple[str, ...] = ()
    newer_args: tuple[str, ...] = ()
    required = ""  # a column the format cannot do without
    created = 0  # evidence rows the fixture creates

    @pytest.fixture(autouse=True)
    def _assets(self, db) -> None:
        self.assets = self.make_assets()

    @abstractmethod
    def make_assets(self) -> dict[str, Asset]:
        """The assets the fixture's rows name."""

    @abstractmethod
    def generated(self, tmp_path: Path, n: int, prefix: str) -> Path:
        """A valid file of n rows, each matching an asset made here."""

    def test_it_rejects_a_file_with_a_missing_column(self, tmp_path):
        path = without_column(FIXTURES / self.fixture, self.required, tmp_path / self.fixture)
        with pytest.raises(CommandError, match=f"missing column {self.required}"):
            run(self.command, path, *self.args)
        assert not Evidence.objects.exists()

    def test_it_changes_nothing_on_reimport(self):
        run(self.command, FIXTURES / self.fixture, *self.args)
        before = {e.pk: (e.value, e.observed_at, e.updated_at) for e in Evidence.objects.all()}
        asset_versions = versions()

        out = run(self.command, FIXTURES / self.fixture, *self.args)

        assert f"created 0, updated 0, unchanged {self.created}," in out
        assert "assets changed 0" in out
        after = {e.pk: (e.value, e.observed_at, e.updated_at) for e in Evidence.objects.all()}
        assert after == before
        assert versions() == asset_versions
        assert not EvidenceHistory.objects.exists()

    def test_it_writes_nothing_on_dry_run(self):
        asset_versions = versions()

        out = run(self.command, FIXTURES / self.fixture, *self.args, "--dry-run")

        assert f"would be created {self.created}," in out
        assert "Dry run: nothing was written." in out
        assert not Evidence.objects.exists()
        assert versions() == asset_versions

    def test_it_runs_a_fixed_number_of_queries(self, tmp_path):
        small = self.generated(tmp_path / "small", 2, "small")
        large = self.generated(tmp_path / "large", 20, "large")
        # SAVEPOINT, the asset lookup, the stored evidence of these signals, one INSERT of
        # the new rows, one UPDATE of the asset versions, RELEASE SAVEPOINT.
        with CaptureQueriesContext(connection) as few:
            run(self.command, small, *self.args)
        with CaptureQueriesContext(connection) as many:
            run(self.command, large, *self.args)
        assert len(few) == len(many) == 6, [q["sql"][:80] for q in many]


class TestImportOpenLLM(ImporterContract):
    command = "import_openllm"
    fixture = "openllm.csv"
    newer = "newer/openllm.csv"
    required = "evaluations_gpqa_normalized_score"
    created = 16  # alpha and beta, 7 scores and the likes each

    def make_assets(self) -> dict[str, Asset]:
        return {
            "alpha": make_asset("alpha", external_id="testlab/alpha-7b"),
            # The file writes this one "TestLab/Beta-1B": Hub ids match ignoring case.
            "beta": make_asset("beta", external_id="testlab/beta-1b"),
            "gamma": make_asset("gamma", external_id="testlab/gamma-2b"),
            "delta": make_asset("delta", external_id="testlab/delta-1b"),
            # Not a Hub repository, so not a match even with the same id.
            "ghost": make_asset("ghost", external_id="nobody/ghost-3b", id_scheme="api-model",
                                kind=Asset.Kind.API),
        }

    def generated(self, tmp_path: Path, n: int, prefix: str) -> Path:
        header = (FIXTURES / self.fixture).read_text().splitlines()[0]
        template = (FIXTURES / self.fixture).read_text().splitlines()[1]
        lines = [header]
        for i in range(n):
            name = f"{prefix}/model-{i}"
            make_asset(f"{prefix}-{i}", external_id=name)
            lines.append(template.replace("testlab/alpha-7b", name))
        tmp_path.mkdir()
        path = tmp_path / "openllm.csv"
        path.write_text("\n".join(lines) + "\n")
        return path

    def test_it_imports_one_evaluation_per_model(self):
        run(self.command, FIXTURES / self.fixture)

        alpha = stored(self.assets["alpha"])
        bf16 = ''
        # Lines 2 and 4 share the latest date; line 2 has the higher average. Line 3 has the
        # highest average of all but is older.
        assert sorted(alpha) == sorted(
            [(f"openllm_{b}", bf16) for b in
             ("average", "ifeval", "bbh", "math", "gpqa", "musr", "mmlu_pro")]
            + [("hub_likes", "")]
        )
        ifeval = alpha["openllm_ifeval", bf16]
        assert ifeval.value == 40.0
        assert ifeval.dimension == Evidence.Dimension.QUALITY
        assert ifeval.label == "Open LLM Leaderboard v2 · IFEval (bfloat16)"
        assert ifeval.unit == "points (0-100)"
        assert ifeval.settings == {}
        assert ifeval.observed_at == date(2024, 9, 1)
        assert ifeval.verification == Evidence.Verification.VERIFIED
        assert ifeval.origin == "open-llm-leaderboard"
        assert ifeval.source_name == (
            "Open LLM Leaderboard v2 (Hugging Face), via fboulnois/llm-leaderboard-csv"
        )
        assert ifeval.source_url.startswith("https://huggingface.co/spaces/open-llm-leaderboard/")
        assert alpha["openllm_average", bf16].value == 30.0
        likes = alpha["hub_likes", ""]
        assert (likes.dimension, likes.value, likes.unit) == ("adoption", 12.0, "likes")
        assert stored(self.assets["beta"])["openllm_mmlu_pro", bf16].value == 25.0

    def test_it_reports_matched_unmatched_and_rejected_rows(self):
        out = run(self.command, FIXTURES / self.fixture)

        assert "8 rows in openllm.csv" in out
        assert "matched 2, unmatched 1 (0 ambiguous), rejected 3" in out
        assert "skipped 2 other evaluations: one evaluation per model is kept" in out
        assert "line 6: nobody/ghost-3b (no hf-model asset with this Hub id)" in out
        assert "line 7: evaluations_bbh_normalized_score: 'n/a' is not a number" in out
        assert "line 8: duplicate of line 5" in out
        assert "line 9: testlab/delta-1b is flagged on the leaderboard" in out
        assert not Evidence.objects.filter(
            asset__in=[self.assets["gamma"], self.assets["delta"], self.assets["ghost"]]
        ).exists()
        assert versions()[self.assets["alpha"].pk] == 2
        assert versions()[self.assets["gamma"].pk] == 1

    def test_it_updates_from_a_newer_file_and_keeps_history(self):
        run(self.command, FIXTURES / self.fixture)

        out = run(self.command, FIXTURES / self.newer)

        assert "created 8, updated 8, unchanged 8, older than stored 0; history rows 8" in out
        bf16 = ''
        ifeval = stored(self.assets["alpha"])["openllm_ifeval", bf16]
        assert (ifeval.value, ifeval.observed_at) == (45.0, date(2025, 1, 15))
        [change] = ifeval.history.all()
        assert (change.old_value, change.new_value) == (40.0, 45.0)
        assert (change.old_observed_at, change.new_observed_at) == (
            date(2024, 9, 1), date(2025, 1, 15)
        )
        assert stored(self.assets["alpha"])["hub_likes", ""].value == 20.0
        assert len(stored(self.assets["gamma"])) == 8
        assert not EvidenceHistory.objects.filter(evidence__asset=self.assets["beta"]).exists()
        assert versions()[self.assets["alpha"].pk] == 3
        assert versions()[self.assets["beta"].pk] == 2

    def test_it_keeps_newer_values_when_an_older_file_comes_later(self):
        run(self.command, FIXTURES / self.newer)

        out = run(self.command, FIXTURES / self.fixture)

        assert "created 0, updated 0, unchanged 8, older than stored 8" in out
        ifeval = stored(self.assets["alpha"])["openllm_ifeval", ""]
        assert ifeval.value == 45.0

    def test_it_imports_an_undated_row_without_a_date(self, tmp_path):
        text = (FIXTURES / self.newer).read_text().replace(",2025-01-15,", ",,")
        path = tmp_path / "openllm.csv"
        path.write_text(text)

        out = run(self.command, path)

        assert "1 matched rows have no date" in out
        assert stored(self.assets["alpha"])["hub_likes", ""].observed_at is None


class TestImportLMArena(ImporterContract):
    command = "import_lmarena"
    fixture = "lmarena_text.csv"
    newer = "newer/lmarena_text.csv"
    args = ("--as-of", "2025-05-01")
    required = "95_pct_ci"
    created = 4  # score and votes for Nimbus and Acorn

    def make_assets(self) -> dict[str, Asset]:
        return {
            "nimbus": make_asset("nimbus", external_id="nimbus/nimbus-pro-2", name="Nimbus Pro 2",
                                 kind=Asset.Kind.API, id_scheme="api-model"),
            # Matched by its name: "Acorn 70B Chat (v2)" and "Acorn-70B-Chat-v2" fold alike.
            "acorn": make_asset("acorn", external_id="acorn-ai/acorn-70b-chat",
                                name="Acorn-70B-Chat-v2"),
            "pebble": make_asset("pebble", external_id="pebble/pebble-8b", name="Pebble 8B"),
            "twin-a": make_asset("twin-a", external_id="twinco/twin-1", name="Twin One"),
            "twin-b": make_asset("twin-b", external_id="labs/twin-one-b", name="Twin 1"),
            # Arenas rank models, so a dataset of the same name is no match.
            "mystery": make_asset("mystery", external_id="data/mystery", name="Mystery-Model-X",
                                  kind=Asset.Kind.DATASET, id_scheme="hf-dataset"),
        }

    def generated(self, tmp_path: Path, n: int, prefix: str) -> Path:
        lines = [(FIXTURES / self.fixture).read_text().splitlines()[0]]
        for i in range(n):
            make_asset(f"{prefix}-{i}", external_id=f"{prefix}/{prefix}-chat-{i}",
                       kind=Asset.Kind.API)
            lines.append(f"{i + 1},{i + 1},{prefix} chat {i},{1000 + i},+5/-5,{100 + i},X,MIT,,")
        tmp_path.mkdir()
        path = tmp_path / "lmarena_text.csv"
        path.write_text("\n".join(lines) + "\n")
        return path

    def test_it_imports_the_score_with_its_interval_and_the_votes(self):
        run(self.command, FIXTURES / self.fixture, *self.args)

        nimbus = stored(self.assets["nimbus"])
        score = nimbus["lmarena_text_score", '{"arena":"text"}']
        assert (score.value, score.unit, score.dimension) == (1400.0, "Elo", "quality")
        assert score.label == "LMArena text arena score (95% CI +6/-5)"
        assert score.settings == {"arena": "text"}
        assert score.observed_at == date(2025, 5, 1)
        assert score.origin == "lmarena"
        assert score.source_name == "LMArena leaderboard, via fboulnois/llm-leaderboard-csv"
        votes = nimbus["lmarena_text_votes", '{"arena":"text"}']
        assert (votes.value, votes.unit, votes.dimension) == (12000.0, "votes", "adoption")
        acorn = stored(self.assets["acorn"])
        assert acorn["lmarena_text_score", '{"arena":"text"}'].value == 1350.0

    def test_it_reports_matched_unmatched_and_rejected_rows(self):
        out = run(self.command, FIXTURES / self.fixture, *self.args)

        assert "matched 2, unmatched 3 (1 ambiguous), rejected 3" in out
        assert "line 4: Mystery-Model-X (no model, fine-tune or API asset with this name)" in out
        assert "line 5: arena_score: 'high' is not a number" in out
        assert "line 6: 95_pct_ci: '±5' is not an interval of the form +a/-b" in out
        assert "line 7: duplicate of line 2" in out
        assert "line 8: Twin-1 (ambiguous: matches labs/twin-one-b, twinco/twin-1)" in out
        # "+" names another model: "Acorn 70B Chat+" is not acorn-70b-chat.
        assert "line 9: Acorn 70B Chat+ (no model" in out
        assert set(Evidence.objects.values_list("asset__slug", flat=True)) == {"nimbus", "acorn"}

    def test_it_updates_from_a_newer_file_and_keeps_history(self):
        run(self.command, FIXTURES / self.fixture, *self.args)

        out = run(self.command, FIXTURES / self.newer, "--as-of", "2025-06-01")

        # Nimbus changed (history for score and votes); Acorn's unchanged values are only
        # re-dated; Pebble is new.
        assert "created 2, updated 4, unchanged 0, older than stored 0; history rows 2" in out
        score = stored(self.assets["nimbus"])["lmarena_text_score", '{"arena":"text"}']
        assert (score.value, score.observed_at) == (1410.0, date(2025, 6, 1))
        assert score.label == "LMArena text arena score (95% CI +4/-4)"
        assert sorted(
            EvidenceHistory.objects.values_list("evidence__name", "old_value", "new_value")
        ) == [("lmarena_text_score", 1400.0, 1410.0), ("lmarena_text_votes", 12000.0, 15000.0)]
        acorn = stored(self.assets["acorn"])["lmarena_text_votes", '{"arena":"text"}']
        assert (acorn.value, acorn.observed_at) == (8000.0, date(2025, 6, 1))

    def test_it_takes_the_arena_from_the_option_over_the_file_name(self, tmp_path):
        path = tmp_path / "arena.csv"
        path.write_text((FIXTURES / self.fixture).read_text())

        with pytest.raises(CommandError, match="cannot tell the arena"):
            run(self.command, path, *self.args)
        run(self.command, path, "--arena", "vision", *self.args)

        assert set(Evidence.objects.values_list("name", "settings_key")) == {
            ("lmarena_vision_score", '{"arena":"vision"}'),
            ("lmarena_vision_votes", '{"arena":"vision"}'),
        }

    def test_it_dates_values_by_the_file_without_as_of(self, tmp_path):
        path = tmp_path / "lmarena_text.csv"
        path.write_text((FIXTURES / self.fixture).read_text())
        stamp = datetime(2025, 3, 4, 12, tzinfo=UTC).timestamp()
        os.utime(path, (stamp, stamp))

        out = run(self.command, path)

        assert "observed at 2025-03-04 (the file's modification date" in out
        assert set(Evidence.objects.values_list("observed_at", flat=True)) == {date(2025, 3, 4)}

    def test_it_rejects_a_malformed_as_of(self):
        with pytest.raises(CommandError, match="--as-of must be a date"):
            run(self.command, FIXTURES / self.fixture, "--as-of", "May 2025")


class TestImportTimm(ImporterContract):
    command = "import_timm"
    fixture = "results-imagenet.csv"
    newer = "newer/results-imagenet.csv"
    args = ("--as-of", "2025-10-30")
    required = "top5"
    created = 8  # top-1 and top-5 for small (two sizes), tiny and nano

    def make_assets(self) -> dict[str, Asset]:
        return {
            "small": make_asset("small", external_id="timm/testnet_small.a1_in1k"),
            # Matched through the model names in its attributes ("TestNet_Tiny" in the file).
            "tiny": make_asset("tiny", external_id="someorg/tiny-weights",
                               attributes={"timm": {"model_names": ["testnet_tiny.b2_in1k"]}}),
            "nano": make_asset("nano", external_id="testnet_nano.d4_in1k", id_scheme="timm-name"),
            "micro": make_asset("micro", external_id="timm/testnet_micro.c3_in1k"),
        }

    def generated(self, tmp_path: Path, n: int, prefix: str) -> Path:
        lines = [(FIXTURES / self.fixture).read_text().splitlines()[0]]
        for i in range(n):
            make_asset(f"{prefix}-{i}", external_id=f"timm/{prefix}net_{i}.x_in1k")
            lines.append(f"{prefix}net_{i}.x_in1k,224,{50 + i},{50 - i},90.0,10.0,1.0,0.9,bicubic")
        tmp_path.mkdir()
        path = tmp_path / "results-imagenet.csv"
        path.write_text("\n".join(lines) + "\n")
        return path

    def test_it_imports_top1_and_top5_per_image_size(self):
        run(self.command, FIXTURES / self.fixture, *self.args)

        small = stored(self.assets["small"])
        at_224 = '{"crop_pct":0.95,"img_size":224,"interpolation":"bicubic"}'
        at_288 = '{"crop_pct":1.0,"img_size":288,"interpolation":"bicubic"}'
        assert sorted(small) == sorted(
            [("imagenet_top1", at_224), ("imagenet_top5", at_224),
             ("imagenet_top1", at_288), ("imagenet_top5", at_288)]
        )
        top1 = small["imagenet_top1", at_224]
        assert (top1.value, top1.unit, top1.dimension) == (80.5, "%", "quality")
        assert top1.settings == {"img_size": 224, "crop_pct": 0.95, "interpolation": "bicubic"}
        assert top1.label == "ImageNet-1k val top-1 (224 px)"
        assert top1.verification == Evidence.Verification.VERIFIED
        assert top1.source_url == (
            "https://github.com/huggingface/pytorch-image-models/tree/main/results"
        )
        assert small["imagenet_top5", at_288].value == 95.75
        assert {e.name for e in stored(self.assets["tiny"]).values()} == {
            "imagenet_top1", "imagenet_top5"
        }
        assert len(stored(self.assets["nano"])) == 2

    def test_it_reports_matched_unmatched_and_rejected_rows(self):
        out = run(self.command, FIXTURES / self.fixture, *self.args)

        assert "matched 4, unmatched 1 (0 ambiguous), rejected 2" in out
        assert "assets changed 3" in out
        assert "line 5: unknownnet_huge.x_in1k (no asset timm/<model>" in out
        assert "line 6: top1: 'abc' is not a number" in out
        assert "line 7: duplicate of line 3" in out
        assert not Evidence.objects.filter(asset=self.assets["micro"]).exists()

    def test_it_updates_from_a_newer_file_and_keeps_history(self):
        run(self.command, FIXTURES / self.fixture, *self.args)

        out = run(self.command, FIXTURES / self.newer, *self.args)

        assert "created 2, updated 2, unchanged 4, older than stored 0; history rows 2" in out
        at_224 = '{"crop_pct":0.95,"img_size":224,"interpolation":"bicubic"}'
        top1 = stored(self.assets["small"])["imagenet_top1", at_224]
        assert top1.value == 80.875
        assert list(top1.history.values_list("old_value", "new_value")) == [(80.5, 80.875)]
        assert len(stored(self.assets["micro"])) == 2
        # A model missing from the newer file keeps what it had.
        assert len(stored(self.assets["nano"])) == 2

    def test_it_takes_the_test_set_from_the_file_name(self):
        out = run(self.command, FIXTURES / "results-imagenet-real.csv", *self.args)

        assert out.startswith("timm results on ImageNet ReaL: 1 rows")
        top1 = Evidence.objects.get(name="imagenet_real_top1")
        assert (top1.asset, top1.value) == (self.assets["small"], 86.0)
        assert top1.label == "ImageNet ReaL top-1 (224 px)"

    def test_it_needs_a_test_set_when_the_file_name_has_none(self, tmp_path):
        path = tmp_path / "timm.csv"
        path.write_text((FIXTURES / self.fixture).read_text())

        with pytest.raises(CommandError, match="cannot tell the test set"):
            run(self.command, path, *self.args)
        run(self.command, path, "--test-set", "imagenet-r", *self.args)

        assert set(Evidence.objects.values_list("name", flat=True)) == {
            "imagenet_r_top1", "imagenet_r_top5"
        }


class TestRecomputeAfterImport:
    @pytest.fixture
    def calls(self, monkeypatch) -> list[tuple]:
        calls: list[tuple] = []

        def recompute_scores(asset_ids=None, reason=""):
            calls.append((asset_ids, reason))
            return {"changed": 1}

        module = types.ModuleType("catalog.recompute")
        module.recompute_scores = recompute_scores
        monkeypatch.setitem(sys.modules, "catalog.recompute", module)
        return calls

    def test_it_recomputes_every_score_once_evidence_changed(self, calls):
        make_asset("small", external_id="timm/testnet_small.a1_in1k")
        fixture = FIXTURES / "results-imagenet.csv"

        out = run("import_timm", fixture, "--as-of", "2025-10-30", recompute=True)
        run("import_timm", fixture, "--as-of", "2025-10-30", recompute=True)

        assert calls == [(None, "timm import of results-imagenet.csv")]
        assert "Scores recomputed: changed 1" in out

    def test_it_skips_recompute_on_request_and_on_dry_run(self, calls):
        make_asset("small", external_id="timm/testnet_small.a1_in1k")
        fixture = FIXTURES / "results-imagenet.csv"

        run("import_timm", fixture, "--as-of", "2025-10-30", "--dry-run", recompute=True)
        run("import_timm", fixture, "--as-of", "2025-10-30")

        assert calls == []

    def test_it_says_so_when_recompute_is_not_available(self, monkeypatch):
        make_asset("small", external_id="timm/testnet_small.a1_in1k")
        # None in sys.modules makes the import fail as if the module did not exist.
        monkeypatch.setitem(sys.modules, "catalog.recompute", None)

        out = run("import_timm", FIXTURES / "results-imagenet.csv", "--as-of", "2025-10-30",
                  recompute=True)

        assert "Scores not recomputed: catalog.recompute is not available." in out
        assert Evidence.objects.exists()


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.skipif(not REAL.exists(), reason=f"the real leaderboard files are not at {REAL}")
def test_it_imports_the_real_files():
    llm = REAL / "fboulnois__llm-leaderboard-csv" / "csv"
    results = REAL / "huggingface__pytorch-image-models" / "results"
    # Ids are picked from the files as they are now, so nothing of them is copied here.
    openllm_rows = _read(llm / "huggingface_v2.csv")
    counts: dict[str, int] = {}
    for row in openllm_rows:
        counts[row["model_name"].lower()] = counts.get(row["model_name"].lower(), 0) + 1
    single = [r for r in openllm_rows if counts[r["model_name"].lower()] == 1
              and r["features_is_flagged"] == "FALSE" and r["metadata_submission_date"]][:3]
    hub = [make_asset(f"real-hub-{i}", external_id=r["model_name"]) for i, r in enumerate(single)]

    arena_rows = _read(llm / "lmarena_text.csv")
    names = [r["model"] for r in arena_rows]
    picked = [r for r in arena_rows if names.count(r["model"]) == 1][:2]
    arena = [make_asset(f"real-arena-{i}", external_id=f"arena/{i}", name=r["model"],
                        kind=Asset.Kind.API) for i, r in enumerate(picked)]

    timm_rows = _read(results / "results-imagenet.csv")[:3]
    timm = [make_asset(f"real-timm-{i}", external_id=f"timm/{r['model']}")
            for i, r in enumerate(timm_rows)]

    out = run("import_openllm", llm / "huggingface_v2.csv")
    assert "matched 3, unmatched" in out
    for asset, row in zip(hub, single, strict=True):
        key = ""
        assert stored(asset)["openllm_average", key].value == float(row["model_average_score"])
        assert stored(asset)["hub_likes", ""].value == float(row["metadata_hub_hearts"])

    for name in ("text", "vision", "image"):
        run("import_lmarena", llm / f"lmarena_{name}.csv", "--as-of", "2025-08-06")
    for asset, row in zip(arena, picked, strict=True):
        score = stored(asset)["lmarena_text_score", '{"arena":"text"}']
        assert score.value == float(row["arena_score"])

    for path in sorted(results.glob("results-*.csv")):
        out = run("import_timm", path, "--as-of", "2025-10-30")
        assert "rejected 0" in out
    for asset in timm:
        assert {"imagenet_top1", "imagenet_real_top1", "imagenet_sketch_top1"} <= {
            e.name for e in stored(asset).values()
        }
    again = run("import_timm", results / "results-imagenet.csv", "--as-of", "2025-10-30")
    assert "created 0, updated 0, unchanged 6," in again
