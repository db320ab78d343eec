"""Evidence importers: read a leaderboard file, match its rows to assets, upsert evidence rows.

One pipeline (`import_file`) serves every format. A format only says which columns it needs,
how one row becomes readings, and by which names its file may call an asset; reading, checking,
de-duplicating, matching and writing are shared, so the three commands behave the same way.
"""

from __future__ import annotations

import csv
import json
import math
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from catalog.models import Asset, Evidence, EvidenceHistory
from unfragile import generation

# How many rejection reasons and unmatched names a report lists.
SAMPLE = 5

# Strict decimal syntax: float() alone would also accept "nan", "inf" and "1_000".
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

QUALITY = Evidence.Dimension.QUALITY
ADOPTION = Evidence.Dimension.ADOPTION


class RowError(ValueError):
    """Why a row cannot be imported; the message is the reason shown in the report."""


def settings_key(settings: dict[str, Any]) -> str:
    # The catalog loader's convention: no settings is "", otherwise compact JSON, sorted keys.
    return json.dumps(settings, sort_keys=True, separators=(",", ":")) if settings else ""


def parse_number(
    row: dict[str, str], column: str, low: float | None = None, high: float | None = None
) -> float:
    raw = row[column].strip()
    if not _NUMBER.fullmatch(raw):
        raise RowError(f"{column}: {raw!r} is not a number")
    value = float(raw)
    if not math.isfinite(value):
        raise RowError(f"{column}: {raw!r} is out of range")
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"{low:g} to {high:g}" if high is not None else f"at least {low:g}"
        raise RowError(f"{column}: {raw} is outside {bounds}")
    return value


def parse_date(row: dict[str, str], column: str) -> date | None:
    raw = row[column].strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw) if len(raw) == 10 else datetime.fromisoformat(raw).date()
    except ValueError:
        raise RowError(f"{column}: {raw!r} is not a date (YYYY-MM-DD)") from None


def file_date(path: Path) -> date:
    """The file's modification date, for formats that carry no date of their own."""
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date()


@dataclass
class Reading:
    """One signal value a row yields for its asset."""

    name: str
    dimension: str
    label: str
    value: float
    unit: str
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def settings_key(self) -> str:
        return settings_key(self.settings)


@dataclass
class Row:
    line: int
    key: str  # the model as the file names it
    readings: list[Reading]
    observed_at: date | None
    identity: str  # two rows with the same identity are duplicates
    rank: tuple = ()  # for Format.keep_one: the highest rank among a model's rows is kept


class Format(ABC):
    origin: str = ""
    title: str = ""
    source_name: str = ""
    source_url: str = ""
    verification: str = Evidence.Verification.VERIFIED
    columns: tuple[str, ...] = ()
    # When set, the file may evaluate a model several times and only the row with the highest
    # `rank` is imported; the text says which one, for the report.
    keep_one: str = ""
    no_match: str = "no asset with this name"
    note: str = ""

    def fold(self, name: str) -> str:
        return name.strip().lower()

    @abstractmethod
    def parse(self, line: int, row: dict[str, str]) -> Row:
        """One row of the file, or RowError with the reason it is rejected."""

    @abstractmethod
    def candidates(self) -> Iterable[tuple[int, str, list[str]]]:
        """(asset id, external id, names the file may use for it), from one query."""


@dataclass
class Report:
    title: str
    file: str
    dry_run: bool
    rows: int = 0
    matched: int = 0
    skipped: int = 0
    ambiguous: int = 0
    undated: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    unmatched: list[tuple[int, str, str]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    older: int = 0
    history: int = 0
    assets_changed: int = 0

    def lines(self, fmt: Format) -> list[str]:
        would = "would be " if self.dry_run else ""
        out = [f"{self.title}: {self.rows} rows in {self.file}"]
        if fmt.note:
            out.append(f"  {fmt.note}")
        out.append(
            f"  matched {self.matched}, unmatched {len(self.unmatched)}"
            f" ({self.ambiguous} ambiguous), rejected {len(self.rejected)}"
        )
        if self.skipped:
            out.append(f"  skipped {self.skipped} other evaluations: {fmt.keep_one}")
        if self.undated:
            out.append(f"  {self.undated} matched rows have no date: imported, date unknown")
        out.append(
            f"  evidence {would}created {self.created}, {would}updated {self.updated},"
            f" unchanged {self.unchanged}, older than stored {self.older};"
            f" history rows {self.history}; assets changed {self.assets_changed}"
        )
        if self.rejected:
            out.append("  first rejections:")
            out += [f"    line {n}: {why}" for n, why in sorted(self.rejected)[:SAMPLE]]
        if self.unmatched:
            out.append("  first unmatched:")
            out += [f"    line {n}: {key} ({why})" for n, key, why in self.unmatched[:SAMPLE]]
        if self.dry_run:
            out.append("Dry run: nothing was written.")
        return out


def import_file(path: Path, fmt: Format, *, dry_run: bool = False) -> Report:
    """Import one file in one transaction; raise CommandError, having written nothing, on a
    file that cannot be read at all. Bad rows are rejected and reported, never fatal."""
    report = Report(title=fmt.title, file=path.name, dry_run=dry_run)
    rows = _drop_duplicates(_read(path, fmt, report), report)
    if fmt.keep_one:
        rows = _keep_one(rows, fmt, report)
    try:
        # Matching and writing share the transaction, so the stored rows compared against are
        # the ones overwritten (on SQLite the IMMEDIATE mode also queues a concurrent import).
        with transaction.atomic():
            _write(_match(rows, fmt, report), fmt, report, dry_run)
    except IntegrityError as exc:
        raise CommandError(
            f"{path.name}: another import wrote the same evidence at the same time ({exc});"
            " nothing was written, run it again"
        ) from exc
    return report


def _read(path: Path, fmt: Format, report: Report) -> list[Row]:
    rows: list[Row] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = [name.strip() for name in reader.fieldnames or []]
            if not header:
                raise CommandError(f"{path.name}: the file is empty; expected a header row")
            missing = [name for name in fmt.columns if name not in header]
            if missing:
                raise CommandError(
                    f"{path.name}: missing column{'s' if len(missing) > 1 else ''}"
                    f" {', '.join(missing)}; nothing was imported"
                )
            reader.fieldnames = header
            for raw in reader:
                report.rows += 1
                try:
                    if None in raw:
                        raise RowError(f"more fields than the {len(header)} in the header")
                    if None in raw.values():
                        raise RowError(f"fewer fields than the {len(header)} in the header")
                    rows.append(fmt.parse(reader.line_num, raw))
                except RowError as exc:
                    report.rejected.append((reader.line_num, str(exc)))
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path.name}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except csv.Error as exc:
        raise CommandError(f"{path.name}: not a readable CSV file ({exc})") from exc
    return rows


def _drop_duplicates(rows: list[Row], report: Report) -> list[Row]:
    first: dict[str, int] = {}
    kept = []
    for row in rows:
        if row.identity in first:
            report.rejected.append((row.line, f"duplicate of line {first[row.identity]}"))
        else:
            first[row.identity] = row.line
            kept.append(row)
    return kept


def _keep_one(rows: list[Row], fmt: Format, report: Report) -> list[Row]:
    best: dict[str, Row] = {}
    for row in rows:
        key = fmt.fold(row.key)
        # Strictly greater, so that on a full tie the first row in the file wins.
        if key not in best or row.rank > best[key].rank:
            best[key] = row
    kept = [row for row in rows if best[fmt.fold(row.key)] is row]
    report.skipped = len(rows) - len(kept)
    return kept


def _match(rows: list[Row], fmt: Format, report: Report) -> list[tuple[int, Row]]:
    found: dict[str, dict[int, str]] = {}
    for asset_id, external_id, names in fmt.candidates():
        for name in names:
            if folded := fmt.fold(name):
                found.setdefault(folded, {})[asset_id] = external_id

    taken: dict[tuple[int, str, str], int] = {}
    matched = []
    for row in rows:
        assets = found.get(fmt.fold(row.key), {})
        if len(assets) != 1:
            if assets:
                report.ambiguous += 1
                why = "ambiguous: matches " + ", ".join(sorted(assets.values()))
            else:
                why = fmt.no_match
            report.unmatched.append((row.line, row.key, why))
            continue
        [(asset_id, external_id)] = assets.items()
        signals = [(asset_id, r.name, r.settings_key) for r in row.readings]
        if clash := next((taken[s] for s in signals if s in taken), None):
            report.rejected.append(
                (row.line, f"{row.key} is {external_id}, already imported from line {clash}")
            )
            continue
        taken.update(dict.fromkeys(signals, row.line))
        matched.append((asset_id, row))
        report.matched += 1
        report.undated += row.observed_at is None
    return matched


_DETAILS = ("dimension", "label", "unit", "settings", "source_name", "source_url", "verification")


def _write(matched: list[tuple[int, Row]], fmt: Format, report: Report, dry_run: bool) -> None:
    names = {r.name for _, row in matched for r in row.readings}
    stored = {
        (e.asset_id, e.name, e.settings_key): e
        for e in Evidence.objects.filter(origin=fmt.origin, name__in=names)
    }
    now = timezone.now()
    create: list[Evidence] = []
    update: list[Evidence] = []
    history: list[EvidenceHistory] = []
    changed_assets: set[int] = set()
    for asset_id, row in matched:
        for r in row.readings:
            details = {
                "dimension": r.dimension, "label": r.label, "unit": r.unit,
                "settings": r.settings, "source_name": fmt.source_name,
                "source_url": fmt.source_url, "verification": fmt.verification,
            }
            old = stored.get((asset_id, r.name, r.settings_key))
            if old is None:
                create.append(Evidence(
                    asset_id=asset_id, name=r.name, settings_key=r.settings_key,
                    origin=fmt.origin, value=r.value, observed_at=row.observed_at, **details,
                ))
                changed_assets.add(asset_id)
                continue
            if old.observed_at and row.observed_at and row.observed_at < old.observed_at:
                # An older file must not roll back what a newer one stored.
                report.older += 1
                continue
            if old.value != r.value:
                history.append(EvidenceHistory(
                    evidence=old, old_value=old.value, new_value=r.value,
                    old_observed_at=old.observed_at, new_observed_at=row.observed_at,
                ))
            elif old.observed_at == row.observed_at and all(
                getattr(old, k) == v for k, v in details.items()
            ):
                report.unchanged += 1
                continue
            # The same value seen again later, or with a new label (an LMArena interval), is
            # refreshed in place; history records changes of value only.
            old.value, old.observed_at, old.updated_at = r.value, row.observed_at, now
            for k, v in details.items():
                setattr(old, k, v)
            update.append(old)
            changed_assets.add(asset_id)

    report.created, report.updated, report.history = len(create), len(update), len(history)
    report.assets_changed = len(changed_assets)
    if dry_run:
        return
    Evidence.objects.bulk_create(create)
    Evidence.objects.bulk_update(update, ["value", "observed_at", "updated_at", *_DETAILS])
    EvidenceHistory.objects.bulk_create(history)
    if changed_assets:
        # Pages are cached by asset version; one UPDATE invalidates every changed asset.
        Asset.objects.filter(pk__in=changed_assets).update(version=F("version") + 1)
        generation.advance()


def recompute_scores_after(reason: str) -> str:
    try:
        from catalog.recompute import recompute_scores
    except ImportError as exc:
        if exc.name != "catalog.recompute":
            raise
        return "Scores not recomputed: catalog.recompute is not available."
    # Percentiles are taken among all assets of a kind, so a new value moves other assets'
    # scores too: recompute everything, not only the assets this file touched.
    result = recompute_scores(asset_ids=None, reason=reason)
    summary = ", ".join(f"{k} {v}" for k, v in result.items()) if isinstance(result, dict) else ""
    return f"Scores recomputed{': ' + summary if summary else '.'}"


def _as_of(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"--as-of must be a date (YYYY-MM-DD); got {raw!r}") from None


class ImportCommand(BaseCommand, ABC):
    """The arguments, run and report shared by the import_* commands."""

    # Formats without a date column take the observation date from --as-of or the file.
    dated_by_file = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file to import.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )
        parser.add_argument(
            "--no-recompute", action="store_true", help="Do not recompute scores afterwards."
        )
        if self.dated_by_file:
            parser.add_argument(
                "--as-of", type=_as_of, metavar="YYYY-MM-DD",
                help="When the values were observed (default: the file's modification date).",
            )

    @abstractmethod
    def make_format(self, path: Path, options: dict[str, Any]) -> Format:
        """The file's format, set up from the command's options."""

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        fmt = self.make_format(path, options)
        report = import_file(path, fmt, dry_run=options["dry_run"])
        for line in report.lines(fmt):
            self.stdout.write(line)
        if report.dry_run or options["no_recompute"] or not report.assets_changed:
            return
        self.stdout.write(recompute_scores_after(f"{fmt.origin} import of {path.name}"))

    def observed_at(self, path: Path, options: dict[str, Any]) -> tuple[date, str]:
        if options.get("as_of"):
            return options["as_of"], f"observed at {options['as_of']} (--as-of)"
        day = file_date(path)
        return day, f"observed at {day} (the file's modification date; set it with --as-of)"


# Open LLM Leaderboard v2 ------------------------------------------------------------------

HUB_MODEL_SCHEME = "hf-model"

OPENLLM_SCORES = (
    # (signal suffix, column, label): the normalised scores, on one 0-100 scale.
    ("average", "model_average_score", "Average"),
    ("ifeval", "evaluations_ifeval_normalized_score", "IFEval"),
    ("bbh", "evaluations_bbh_normalized_score", "BBH"),
    ("math", "evaluations_math_normalized_score", "MATH Level 5"),
    ("gpqa", "evaluations_gpqa_normalized_score", "GPQA"),
    ("musr", "evaluations_musr_normalized_score", "MuSR"),
    ("mmlu_pro", "evaluations_mmlu_pro_normalized_score", "MMLU-Pro"),
)


class OpenLLMFormat(Format):
    origin = "open-llm-leaderboard"
    title = "Open LLM Leaderboard v2"
    source_name = "Open LLM Leaderboard v2 (Hugging Face), via fboulnois/llm-leaderboard-csv"
    source_url = "https://huggingface.co/spaces/open-llm-leaderboard/open_llm_leaderboard"
    columns = (
        "id", "model_name", "model_precision", *(column for _, column, _ in OPENLLM_SCORES),
        "features_is_flagged", "metadata_submission_date", "metadata_hub_hearts",
    )
    keep_one = (
        "one evaluation per model is kept: the latest submission date, then the highest"
        " average, then the first in the file"
    )
    no_match = "no hf-model asset with this Hub id"

    def parse(self, line: int, row: dict[str, str]) -> Row:
        key = row["model_name"].strip()
        if not key:
            raise RowError("model_name is empty")
        if row["features_is_flagged"].strip().upper() == "TRUE":
            # The leaderboard hides flagged models (contamination, misreported details).
            raise RowError(f"{key} is flagged on the leaderboard")
        precision = row["model_precision"].strip()
        if not precision:
            raise RowError("model_precision is empty")
        # A few rows have no submission date; they are kept, undated, rather than dropped,
        # and lose to any dated evaluation of the same model.
        submitted = parse_date(row, "metadata_submission_date")
        # The leaderboard keeps one evaluation per model here, and a model's score barely moves
        # between bfloat16 and float16, so precision is noted in the label rather than made a
        # setting: as a setting it would split the models into groups that are never compared.
        readings = [
            Reading(f"openllm_{suffix}", QUALITY,
                    f"Open LLM Leaderboard v2 · {label} ({precision})",
                    parse_number(row, column, 0, 100), "points (0-100)")
            for suffix, column, label in OPENLLM_SCORES
        ]
        # Likes belong to the repository, not to one evaluation, so they carry no precision.
        readings.append(Reading(
            "hub_likes", ADOPTION, "Hugging Face Hub likes (Open LLM Leaderboard v2)",
            parse_number(row, "metadata_hub_hearts", 0), "likes",
        ))
        return Row(
            line=line, key=key, readings=readings, observed_at=submitted,
            identity=row["id"].strip() or f"{key.lower()}|{precision}",
            rank=(submitted or date.min, readings[0].value),
        )

    def candidates(self) -> Iterator[tuple[int, str, list[str]]]:
        # Only Hub model repositories: an API or HELM id can look like owner/name too.
        for asset_id, external_id in Asset.objects.filter(id_scheme=HUB_MODEL_SCHEME).values_list(
            "id", "external_id"
        ):
            yield asset_id, external_id, [external_id]


# LMArena -----------------------------------------------------------------------------------

ARENAS = ("text", "vision", "image")
_CI = re.compile(r"\+(\d+(?:\.\d+)?)/-(\d+(?:\.\d+)?)")


def arena_from_name(path: Path) -> str:
    if m := re.match(rf"lmarena_({'|'.join(ARENAS)})(?![a-z])", path.name):
        return m[1]
    raise CommandError(
        f"{path.name}: cannot tell the arena from the file name (lmarena_<arena>.csv);"
        f" pass --arena {'|'.join(ARENAS)}"
    )


class LMArenaFormat(Format):
    origin = "lmarena"
    source_name = "LMArena leaderboard, via fboulnois/llm-leaderboard-csv"
    columns = ("model", "arena_score", "95_pct_ci", "votes")
    no_match = "no model, fine-tune or API asset with this name"

    def __init__(self, arena: str, observed_at: date, note: str = "") -> None:
        self.arena, self.observed_at, self.note = arena, observed_at, note
        self.title = f"LMArena {arena} arena"
        self.source_url = f"https://lmarena.ai/leaderboard/{arena}"

    def fold(self, name: str) -> str:
        # Arena names are display names ("Claude 3.5 Sonnet (20241022)"); ours are ids
        # ("claude-3-5-sonnet-20241022"). Runs of anything but letters and digits compare
        # equal, except "+", which names another model ("Command R+" is not "Command R").
        return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("+", "-plus-")).strip("-")

    def parse(self, line: int, row: dict[str, str]) -> Row:
        key = row["model"].strip()
        if not key:
            raise RowError("model is empty")
        score = parse_number(row, "arena_score", 0)
        votes = parse_number(row, "votes", 0)
        raw_ci = row["95_pct_ci"].replace(" ", "")
        if not (ci := _CI.fullmatch(raw_ci)):
            raise RowError(f"95_pct_ci: {raw_ci!r} is not an interval of the form +a/-b")
        # The interval changes with every vote, so it goes in the label: in `settings` it would
        # change the settings key and turn each new file into new rows instead of updates.
        plus, minus = float(ci[1]), float(ci[2])
        settings = {"arena": self.arena}
        readings = [
            Reading(f"lmarena_{self.arena}_score", QUALITY,
                    f"LMArena {self.arena} arena score (95% CI +{plus:g}/-{minus:g})",
                    score, "Elo", settings),
            Reading(f"lmarena_{self.arena}_votes", ADOPTION, f"LMArena {self.arena} arena votes",
                    votes, "votes", settings),
        ]
        # Duplicates are the same name; two names that only fold together are told apart by
        # matching (the second is rejected if both reach one asset).
        return Row(line, key, readings, self.observed_at, identity=key.lower())

    def candidates(self) -> Iterator[tuple[int, str, list[str]]]:
        kinds = [Asset.Kind.MODEL, Asset.Kind.FINE_TUNE, Asset.Kind.API]
        for asset_id, external_id, name in Asset.objects.filter(kind__in=kinds).values_list(
            "id", "external_id", "name"
        ):
            yield asset_id, external_id, [external_id.rsplit("/", 1)[-1], name]


# timm --------------------------------------------------------------------------------------

TIMM_NAME_SCHEME = "timm-name"

TIMM_TEST_SETS = {
    # file name part: (signal prefix, label)
    "imagenet": ("imagenet", "ImageNet-1k val"),
    "imagenet-real": ("imagenet_real", "ImageNet ReaL"),
    "imagenetv2-matched-frequency": ("imagenetv2", "ImageNetV2 matched frequency"),
    "sketch": ("imagenet_sketch", "ImageNet-Sketch"),
    "imagenet-a": ("imagenet_a", "ImageNet-A"),
    "imagenet-r": ("imagenet_r", "ImageNet-R"),
}


def timm_test_set(path: Path) -> str:
    if m := re.fullmatch(r"results-([a-z0-9][a-z0-9-]*)\.csv", path.name):
        return m[1]
    raise CommandError(
        f"{path.name}: cannot tell the test set from the file name (results-<test set>.csv);"
        " pass --test-set"
    )


class TimmFormat(Format):
    origin = "timm"
    source_name = "timm ImageNet validation results (huggingface/pytorch-image-models, results/)"
    source_url = "https://github.com/huggingface/pytorch-image-models/tree/main/results"
    columns = ("model", "img_size", "top1", "top5", "crop_pct", "interpolation")
    no_match = "no asset timm/<model> or with this timm model name"

    def __init__(self, test_set: str, observed_at: date, note: str = "") -> None:
        default = (re.sub(r"[^a-z0-9]+", "_", test_set.lower()).strip("_"), test_set)
        self.prefix, self.set_label = TIMM_TEST_SETS.get(test_set, default)
        self.observed_at = observed_at
        self.title = f"timm results on {self.set_label}"
        self.note = note

    def parse(self, line: int, row: dict[str, str]) -> Row:
        key = row["model"].strip()
        if not key:
            raise RowError("model is empty")
        img_size = row["img_size"].strip()
        if not re.fullmatch(r"[1-9][0-9]{0,4}", img_size):
            raise RowError(f"img_size: {img_size!r} is not a whole number of pixels")
        interpolation = row["interpolation"].strip()
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,29}", interpolation):
            raise RowError(f"interpolation: {interpolation!r} is not a filter name")
        settings = {
            "img_size": int(img_size),
            "crop_pct": parse_number(row, "crop_pct", 0),
            "interpolation": interpolation,
        }
        readings = [
            Reading(f"{self.prefix}_top{k}", QUALITY,
                    f"{self.set_label} top-{k} ({img_size} px)",
                    parse_number(row, f"top{k}", 0, 100), "%", settings)
            for k in (1, 5)
        ]
        return Row(line, key, readings, self.observed_at,
                   identity=f"{self.fold(key)}|{settings_key(settings)}")

    def candidates(self) -> Iterator[tuple[int, str, list[str]]]:
        assets = Asset.objects.filter(
            Q(external_id__istartswith="timm/") | Q(id_scheme=TIMM_NAME_SCHEME)
            | Q(attributes__has_key="timm")
        ).values_list("id", "external_id", "id_scheme", "attributes__timm__model_names")
        for asset_id, external_id, scheme, model_names in assets:
            listed = model_names if isinstance(model_names, list) else []
            names = [n for n in listed if isinstance(n, str)]
            if external_id.lower().startswith("timm/"):
                names.append(external_id[len("timm/"):])
            if scheme == TIMM_NAME_SCHEME:
                names.append(external_id)
            yield asset_id, external_id, names
