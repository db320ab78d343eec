"""Reading and checking catalog records, and writing their texts from the facts.

Plain module: no ORM. `load_catalog` uses it to turn a JSON Lines record into the values of an
Asset and its generated capabilities. Every sentence here is assembled from fields (task,
size, licence, lineage, ...); no prose is copied from any source.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.utils.text import slugify

from catalog import licences
from catalog.languages import names as language_names

KINDS = {"model", "fine-tune", "dataset", "library", "tool", "api"}
# What records of models served behind an API list among their frameworks: where a model is
# served, not a framework it runs on.
NOT_A_FRAMEWORK = "api"
ID_SCHEMES = {"hf-model", "hf-dataset", "api-model", "helm-model", "timm-name", "library", "tool"}
URL_ROLES = ("hub", "reference", "origin", "repo", "docs", "homepage", "paper", "license")


class CatalogFileError(Exception):
    """The file as a whole cannot be read: nothing from it may be written."""


@dataclass
class Rejection:
    line: int
    uid: str
    reason: str

    def __str__(self) -> str:
        who = f" ({self.uid})" if self.uid else ""
        return f"line {self.line}{who}: {self.reason}"


# The version of what this module writes from a record (summary(), capabilities()). It is part
# of each record's digest: raising it makes the next load rewrite the texts of every asset.
WRITER_VERSION = 9
# Languages a capability text names before "and N more".
LANGUAGES_NAMED = 8


@dataclass
class Record:
    line: int
    uid: str
    data: dict
    digest: str = field(default="")


def read_lines(path: Path) -> list[str]:
    """Decompress the whole file before anything is written, so a broken file changes nothing."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            text = fh.read()
    except FileNotFoundError:
        raise CatalogFileError(f"{path}: no such file") from None
    except gzip.BadGzipFile:
        raise CatalogFileError(f"{path}: not a gzip file") from None
    except EOFError:
        raise CatalogFileError(f"{path}: the gzip stream is truncated") from None
    except (zlib.error, OSError) as exc:
        raise CatalogFileError(f"{path}: cannot be decompressed ({exc})") from None
    except UnicodeDecodeError as exc:
        raise CatalogFileError(f"{path}: not UTF-8 text ({exc.reason})") from None
    return text.splitlines()


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_str_list(data: dict, key: str) -> str | None:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return f"{key} must be a list of strings"
    return None


def check_record(data: object) -> str | None:
    """The reason a record cannot be loaded, or None when it can."""
    if not isinstance(data, dict):
        return "a record must be a JSON object"
    for key in ("uid", "id", "id_scheme", "name", "type"):
        value = data.get(key)
        if value is None or value == "":
            return f"missing {key}"
        if not isinstance(value, str):
            return f"{key} must be a string, got {type(value).__name__}"
    if data["id_scheme"] not in ID_SCHEMES:
        return f"unknown id_scheme {data['id_scheme']!r}"
    if data["uid"] != f"{data['id_scheme']}:{data['id']}":
        return "uid must be id_scheme:id"
    if data["type"] not in KINDS:
        return f"unknown type {data['type']!r}"
    if len(data["id"]) > 200 or len(data["name"]) > 250:
        return "id or name too long"
    licence = data.get("license")
    if licence is not None:
        if not isinstance(licence, str):
            return "license must be a string or null"
        if not licences.is_known(licence):
            return f"unknown licence {licence!r}"
    for key in ("tasks", "modalities", "languages", "frameworks", "trained_on",
                "trained_on_unresolved"):
        if problem := _check_str_list(data, key):
            return problem
    n_params = data.get("n_parameters")
    if n_params is not None and (not _is_int(n_params) or n_params < 0):
        return "n_parameters must be a non-negative integer or null"
    released = data.get("release_date")
    if released is not None:
        try:
            date.fromisoformat(released)
        except (TypeError, ValueError):
            return f"release_date must be YYYY-MM-DD, got {released!r}"
    for key in ("base_model", "organization", "subtype", "base_model_unresolved"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            return f"{key} must be a string or null"
    if data.get("base_model") == data["uid"]:
        return "an asset cannot be its own base model"
    size = data.get("size")
    if size is not None:
        if not isinstance(size, dict):
            return "size must be an object or null"
        for key in ("n_samples", "bytes"):
            if key in size and (not _is_int(size[key]) or size[key] < 0):
                return f"size.{key} must be a non-negative integer"
    for key in ("urls", "attributes", "ecosystem", "adoption", "conflicts"):
        if not isinstance(data.get(key, {}), dict):
            return f"{key} must be an object"
    if not all(isinstance(v, str) for v in data.get("urls", {}).values()):
        return "urls must map roles to strings"
    pricing = data.get("pricing")
    if pricing is not None:
        if not isinstance(pricing, dict):
            return "pricing must be an object or null"
        for key in ("input_per_mtok", "output_per_mtok", "cache_read_per_mtok",
                    "cache_write_per_mtok"):
            if key in pricing and (not _is_number(pricing[key]) or pricing[key] < 0):
                return f"pricing.{key} must be a non-negative number"
    benchmarks = data.get("benchmarks", [])
    if not isinstance(benchmarks, list):
        return "benchmarks must be a list"
    for bench in benchmarks:
        if not isinstance(bench, dict) or not isinstance(bench.get("benchmark"), str):
            return "each benchmark needs a name"
        if not _is_number(bench.get("value")):
            return f"benchmark {bench.get('benchmark')!r} has no numeric value"
    if not isinstance(data.get("sources", []), list):
        return "sources must be a list"
    if EXTENSION in data:
        return check_extension(data[EXTENSION])
    return None


# What an export adds to a record: the curated state the bundled schema has no field for.
# See catalog/data/schema.md.
EXTENSION = "unfragile"
CURATED_FIELDS = ("status", "curated_summary", "homepage_url")
STATUSES = {"draft", "published", "archived"}
EVIDENCE_DIMENSIONS = {"adoption", "quality", "ecosystem", "match_graph", "pricing"}
VERIFICATIONS = {"claimed", "verified", "computed"}


def check_extension(ext: object) -> str | None:
    if not isinstance(ext, dict):
        return f"{EXTENSION} must be an object"
    slug = ext.get("slug")
    if slug is not None and (
        not isinstance(slug, str) or slugify(slug) != slug or not slug or "-vs-" in slug
    ):
        return f"{EXTENSION}.slug must be a slug without '-vs-'"
    curated = ext.get("curated", {})
    if not isinstance(curated, dict) or not all(
        isinstance(curated.get(k, ""), str) for k in CURATED_FIELDS
    ):
        return f"{EXTENSION}.curated must map {', '.join(CURATED_FIELDS)} to strings"
    if curated.get("status", "published") not in STATUSES:
        return f"{EXTENSION}.curated.status must be one of {', '.join(sorted(STATUSES))}"
    for cap in ext.get("capabilities", []):
        if not isinstance(cap, dict) or not isinstance(cap.get("title"), str) or not (
            isinstance(cap.get("description"), str)
        ):
            return f"{EXTENSION}.capabilities need a title and a description"
        if not _is_int(cap.get("position", 0)):
            return f"{EXTENSION}.capabilities position must be an integer"
    dismissed = ext.get("dismissed_capabilities", [])
    if not isinstance(dismissed, list) or not all(
        isinstance(key, str) and 0 < len(key) <= 100 for key in dismissed
    ):
        return f"{EXTENSION}.dismissed_capabilities must be a list of capability keys"
    for ev in ext.get("evidence", []):
        if not isinstance(ev, dict) or not isinstance(ev.get("name"), str) or not ev["name"]:
            return f"{EXTENSION}.evidence rows need a name"
        if ev.get("dimension") not in EVIDENCE_DIMENSIONS:
            return f"{EXTENSION}.evidence {ev['name']!r} has an unknown dimension"
        if ev.get("verification") not in VERIFICATIONS:
            return f"{EXTENSION}.evidence {ev['name']!r} has an unknown verification"
        if not _is_number(ev.get("value")):
            return f"{EXTENSION}.evidence {ev['name']!r} has no numeric value"
        if ev.get("observed_at") is not None:
            try:
                date.fromisoformat(ev["observed_at"])
            except (TypeError, ValueError):
                return f"{EXTENSION}.evidence {ev['name']!r} has a bad observed_at"
    for note in ext.get("pair_notes", []):
        if not isinstance(note, dict) or not all(
            isinstance(note.get(k), str) and note[k] for k in ("with", "note")
        ):
            return f"{EXTENSION}.pair_notes need 'with' (a uid) and 'note'"
    return None


def parse(lines: list[str]) -> tuple[list[Record], list[Rejection]]:
    records: list[Record] = []
    rejections: list[Rejection] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            rejections.append(Rejection(number, "", f"malformed JSON ({exc.msg})"))
            continue
        uid = data.get("uid", "") if isinstance(data, dict) else ""
        uid = uid if isinstance(uid, str) else ""
        if reason := check_record(data):
            rejections.append(Rejection(number, uid, reason))
            continue
        if uid.lower() in seen:
            rejections.append(Rejection(number, uid, "duplicate uid (first one kept)"))
            continue
        seen.add(uid.lower())
        canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256(f"{WRITER_VERSION}\n{canonical}".encode()).hexdigest()
        records.append(Record(number, uid, data, digest))
    return records, rejections


def lineage_cycles(records: list[Record], known_bases: dict[str, str | None]) -> set[str]:
    """uids whose chain of base models loops back on itself.

    `known_bases` maps uids already in the database to their base uid; the file's own values win.
    """
    base_of = dict(known_bases)
    for rec in records:
        base_of[rec.uid] = rec.data.get("base_model")
    in_cycle: set[str] = set()
    for start in (rec.uid for rec in records):
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node not in on_path and node not in in_cycle:
            path.append(node)
            on_path.add(node)
            node = base_of.get(node)
        if node is not None and node in on_path:
            in_cycle.update(path[path.index(node):])
    return in_cycle


# --- slugs -------------------------------------------------------------------------------------


def base_slug(external_id: str) -> str:
    """The last path segment of the external id, slugified (dots become hyphens)."""
    segment = external_id.rsplit("/", 1)[-1].replace(".", "-")
    slug = slugify(segment).strip("-_")
    return _without_vs(slug) or "asset"


def _without_vs(slug: str) -> str:
    # "-vs-" separates the two slugs of a versus URL, so it may never appear inside one.
    while "-vs-" in slug:
        slug = slug.replace("-vs-", "-versus-")
    return slug


def org_slug(organization: str | None, id_scheme: str) -> str:
    return slugify(organization or "") or slugify(id_scheme)


def assign_slugs(records: list[Record], existing: dict[str, str]) -> dict[str, str]:
    """Slug per uid for the records that have none yet.

    `existing` maps uid -> slug for assets already stored; those never change. A base slug claimed
    by more than one record (in the file or the database) is prefixed with the organisation's
    slug, for every record that wants it, so the outcome does not depend on load order; a
    remaining clash gets a short digest of the uid.
    """
    taken = set(existing.values())
    wanted: dict[str, list[Record]] = {}
    for rec in records:
        wanted.setdefault(base_slug(rec.data["id"]), []).append(rec)
    claimed_by_existing = {base_slug(uid.split(":", 1)[1]) for uid in existing}
    result: dict[str, str] = {}
    for slug, group in sorted(wanted.items()):
        for rec in sorted(group, key=lambda r: r.uid):
            if rec.uid in existing:
                continue
            collides = len(group) > 1 or slug in claimed_by_existing or slug in taken
            candidate = slug
            if collides:
                prefix = org_slug(rec.data.get("organization"), rec.data["id_scheme"])
                candidate = _without_vs(f"{prefix}-{slug}")[:240]
            if candidate in taken:
                digest = hashlib.sha1(rec.uid.encode()).hexdigest()[:6]
                candidate = f"{candidate[:232]}-{digest}"
            taken.add(candidate)
            result[rec.uid] = candidate
    return result


# --- facts to field values ---------------------------------------------------------------------


def kind_of(data: dict) -> str:
    if data["id_scheme"] == "api-model":
        return "api"
    return data["type"]


def pricing_of(data: dict) -> str:
    has_price = bool(data.get("pricing"))
    if data["id_scheme"] == "api-model":
        return "paid" if has_price else "unknown"
    if data["type"] in {"library", "tool"}:
        return "free" if data.get("license") else "unknown"
    if data["id_scheme"] == "helm-model":
        # HELM lists open-weights and never-released models without a place to get them.
        return "freemium" if has_price else "unknown"
    if has_price:
        # Open weights that their maker also sells through an API.
        return "freemium"
    return "free" if data.get("hf_id") else "unknown"


def size_fields(data: dict) -> dict:
    size = data.get("size") or {}
    return {
        "n_parameters": data.get("n_parameters"),
        "dataset_samples": size.get("n_samples"),
        "dataset_bytes": size.get("bytes"),
        "size_basis": (size.get("basis") or "")[:255],
    }


# Task slug -> (what the capability title says, modality). Tasks not listed get a title made
# from their slug.
TASKS: dict[str, tuple[str, str]] = {
    "image-classification": ("Image classification", "image"),
    "image-segmentation": ("Image segmentation", "image"),
    "image-feature-extraction": ("Image feature extraction", "image"),
    "object-detection": ("Object detection", "image"),
    "zero-shot-image-classification": ("Zero-shot image classification", "image"),
    "zero-shot-object-detection": ("Zero-shot object detection", "image"),
    "depth-estimation": ("Depth estimation", "image"),
    "image-to-image": ("Image-to-image generation", "image"),
    "mask-generation": ("Mask generation", "image"),
    "image-clustering": ("Image clustering", "image"),
    "text-to-image": ("Text-to-image generation", "multimodal"),
    "image-to-text": ("Image captioning", "multimodal"),
    "image-text-to-text": ("Image and text to text", "multimodal"),
    "visual-question-answering": ("Visual question answering", "multimodal"),
    "document-question-answering": ("Document question answering", "multimodal"),
    "document-understanding": ("Document understanding", "multimodal"),
    "text-generation": ("Text generation", "text"),
    "text-classification": ("Text classification", "text"),
    "token-classification": ("Token classification", "text"),
    "zero-shot-classification": ("Zero-shot classification", "text"),
    "summarization": ("Summarisation", "text"),
    "translation": ("Translation", "text"),
    "question-answering": ("Question answering", "text"),
    "table-question-answering": ("Table question answering", "text"),
    "fill-mask": ("Masked-token prediction", "text"),
    "sentence-similarity": ("Sentence similarity", "text"),
    "feature-extraction": ("Feature extraction", "text"),
    "embedding": ("Embeddings", "text"),
    "sparse-embedding": ("Sparse embeddings", "text"),
    "reranking": ("Reranking", "text"),
    "late-interaction-retrieval": ("Late-interaction retrieval", "text"),
    "hybrid-retrieval": ("Hybrid retrieval", "text"),
    "retrieval": ("Retrieval evaluation", "text"),
    "instruction-retrieval": ("Instruction-following retrieval", "text"),
    "instruction-reranking": ("Instruction-following reranking", "text"),
    "classification": ("Classification evaluation", "text"),
    "multilabel-classification": ("Multi-label classification", "text"),
    "clustering": ("Clustering", "text"),
    "sts": ("Semantic textual similarity", "text"),
    "pair-classification": ("Pair classification", "text"),
    "bitext-mining": ("Bitext mining", "text"),
    "any2any-retrieval": ("Cross-modal retrieval", "multimodal"),
    "any2any-multilingual-retrieval": ("Multilingual cross-modal retrieval", "multimodal"),
    "any2any-reranking": ("Cross-modal reranking", "multimodal"),
    "visual-sts": ("Visual semantic similarity", "multimodal"),
    "compositionality": ("Compositional understanding", "multimodal"),
    "vision-centric-qa": ("Vision-centric question answering", "multimodal"),
    "audio-classification": ("Audio classification", "audio"),
    "audio-clustering": ("Audio clustering", "audio"),
    "audio-pair-classification": ("Audio pair classification", "audio"),
    "audio-multilabel-classification": ("Audio multi-label classification", "audio"),
    "audio-reranking": ("Audio reranking", "audio"),
    "audio-zeroshot-classification": ("Zero-shot audio classification", "audio"),
    "audio-text-to-text": ("Audio and text to text", "audio"),
    "automatic-speech-recognition": ("Speech recognition", "audio"),
    "text-to-speech": ("Text to speech", "audio"),
    "text-to-audio": ("Text to audio", "audio"),
    "audio-to-audio": ("Audio to audio", "audio"),
    "video-classification": ("Video classification", "video"),
    "video-clustering": ("Video clustering", "video"),
    "video-pair-classification": ("Video pair classification", "video"),
    "video-zeroshot-classification": ("Zero-shot video classification", "video"),
    "video-centric-qa": ("Video question answering", "video"),
    "tabular-classification": ("Tabular classification", "other"),
    "tabular-regression": ("Tabular regression", "other"),
    "regression": ("Regression", "other"),
}


# What an asset doing the task does, in a phrase that follows "it".
TASK_DOES: dict[str, str] = {
    "image-classification": "assigns one of a fixed set of labels to a whole image",
    "image-segmentation": "labels every pixel of an image with a class",
    "image-feature-extraction": "turns an image into a feature vector for other models",
    "object-detection": "finds objects in an image and draws boxes around them",
    "depth-estimation": "estimates the depth of each pixel from a single image",
    "text-to-image": "generates images from a text prompt",
    "image-to-text": "writes a caption for an image",
    "image-text-to-text": "answers in text from an image and a prompt",
    "text-generation": "generates text from a prompt",
    "text-classification": "assigns labels to a piece of text",
    "token-classification": "labels each token of a text, e.g. named entities",
    "zero-shot-classification": "classifies text into labels given at run time",
    "summarization": "condenses a long text into a short one",
    "translation": "translates text between languages",
    "question-answering": "answers questions from a given passage",
    "fill-mask": "predicts masked words in a sentence",
    "sentence-similarity": "scores how similar two sentences are",
    "feature-extraction": "turns text into feature vectors",
    # {inputs}: what the record's modalities say it takes in (_modalities()).
    "embedding": "turns {inputs} into dense vectors for search, clustering and similarity",
    "sparse-embedding": "turns text into sparse weighted-term vectors for retrieval",
    "reranking": "reorders retrieved candidates by relevance to a query",
    "late-interaction-retrieval": "retrieves by matching query and document token vectors",
    "hybrid-retrieval": "retrieves with dense and sparse signals together",
    "audio-classification": "assigns labels to audio clips",
    "automatic-speech-recognition": "transcribes speech to text",
    "text-to-speech": "reads text aloud as synthesised speech",
    "audio-text-to-text": "answers in text from audio and a prompt",
    "video-classification": "assigns labels to video clips",
    "zero-shot-image-classification": "classifies images into labels given at run time",
    "visual-question-answering": "answers questions about an image",
}


# A record's modalities in a fixed order: as words before a noun ("audio embedding model") and
# as what a model takes in ("turns images and text into vectors").
MODALITY_WORDS = {
    "text": ("text", "text"),
    "image": ("image", "images"),
    "audio": ("audio", "audio"),
    "video": ("video", "video"),
}


def _modalities(data: dict, plural: bool) -> str:
    stated = set(data.get("modalities") or [])
    return join_words([words[plural] for m, words in MODALITY_WORDS.items() if m in stated])


def article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def task_name(slug: str) -> str:
    return TASKS.get(slug, (slug.replace("-", " ").capitalize(), "other"))[0]


def task_modality(slug: str) -> str:
    return TASKS.get(slug, ("", "other"))[1]


def price_figure(value: float) -> str:
    """A list price as its list writes it: 2, 1.25, 0.075, 0.00015."""
    return f"{value:,.6f}".rstrip("0").rstrip(".") or "0"


def human_count(n: int | float) -> str:
    """64100000 -> '64.1M'; 1234 -> '1,234'."""
    for threshold, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if n >= threshold:
            value = n / threshold
            text = f"{value:.1f}".rstrip("0").rstrip(".") if value < 100 else f"{value:.0f}"
            return f"{text}{suffix}"
    return f"{int(n):,}"


def human_bytes(n: int) -> str:
    for threshold, suffix in ((1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")):
        if n >= threshold:
            return f"{n / threshold:.1f}".rstrip("0").rstrip(".") + f" {suffix}"
    return f"{n} bytes"


def organisation_key(name: str) -> str:
    """What tells an organisation apart, however a source writes its name: its slug
    without hyphens ("Stability-AI" and "stabilityai" are one; case already counts for
    nothing in a slug). "" for a name with nothing to slug."""
    return slugify(name).replace("-", "")


# The names people know some organisations by, where their registry namespace is a handle
# ("huggingface", "facebook", "jinaai") and HELM's records name no maker for it, or spell it
# otherwise ("HuggingFace" for HuggingFaceTB), by organisation_key(). Namespaces of one maker
# take its name alike ("Meta" for facebook and facebookresearch, as HELM's records name it
# for meta-llama); the browse filter lists them as one maker. The namespaces named
# after a library or a benchmark (timm, sentence-transformers, mteb) are no maker's: they
# keep theirs. A change raises WRITER_VERSION: the loader names organisations as it writes
# the records that name them, and their summaries say the name.
KNOWN_NAMES = {
    **dict.fromkeys(["huggingface", "huggingfacetb", "huggingfacem4"], "Hugging Face"),
    **dict.fromkeys(["facebook", "facebookai", "facebookresearch"], "Meta"),
    **dict.fromkeys(["deepmind", "googledeepmind"], "Google DeepMind"),
    **dict.fromkeys(["perplexity", "perplexityai"], "Perplexity"),
    **dict.fromkeys(["llamaindex", "runllama"], "LlamaIndex"),
    **dict.fromkeys(["minimax", "minimaxai"], "MiniMax"),
    # The GitHub organisations of some makers' tools (Claude Code, Gemini CLI, ...).
    "anthropics": "Anthropic",
    "googlegemini": "Google",
    "qwenlm": "Qwen",
    "xaiorg": "xAI",
    "pytorch": "PyTorch",
    "allenai": "Ai2",
    "amazon": "Amazon",
    "apple": "Apple",
    "bedrock": "Amazon Bedrock",
    "bigcode": "BigCode",
    "bigscience": "BigScience",
    "bytedance": "ByteDance",
    "cerebras": "Cerebras",
    "databricks": "Databricks",
    "googleresearch": "Google Research",
    "ibmresearch": "IBM Research",
    "jinaai": "Jina AI",
    "kerasteam": "Keras",
    "laion": "LAION",
    "lightonai": "LightOn",
    "liquidai": "Liquid AI",
    "lmsys": "LMSYS",
    "mixedbreadai": "Mixedbread",
    "mongodb": "MongoDB",
    "naver": "NAVER",
    "nomicai": "Nomic AI",
    "salesforce": "Salesforce",
    "sony": "Sony",
    "speechbrain": "SpeechBrain",
    "tencent": "Tencent",
    "ultralytics": "Ultralytics",
    "upstage": "Upstage",
    "voyageai": "Voyage AI",
}


def organisation_names(datas: Iterable[dict],
                       creators: dict[str, str] | None = None) -> dict[str, str]:
    """The names to show for the organisations the records name, by organisation_key(),
    where they differ from the namespace as first written: the name people know it by
    (KNOWN_NAMES), else the maker its records name (`creators`, creator_names() of the same
    records, read here when the caller has not)."""
    datas = list(datas)
    handles: dict[str, str] = {}
    for data in datas:
        handle = data.get("organization") or ""
        if key := organisation_key(handle):
            handles.setdefault(key, handle)
    known = {key: KNOWN_NAMES[key] for key, handle in handles.items()
             if key in KNOWN_NAMES and KNOWN_NAMES[key] != handle}
    return {**(creator_names(datas) if creators is None else creators), **known}


def creator_names(datas: Iterable[dict]) -> dict[str, str]:
    """The names of the organisations the records name, by organisation_key(), where their
    records say who made them: HELM's creator ("Mistral AI" for "mistralai", "Meta" for
    "meta-llama"), the one named most often (the first of a tie) among those that are a
    spelling of the namespace or of its start, or that it starts; where it differs from the
    namespace as first written. Not where none is: "Tsinghua" for a model named under
    "salesforce", or the studios of the image models HELM lists under "huggingface", may
    make a model but are no name for the namespace."""
    handles: dict[str, str] = {}
    counted: dict[str, dict[str, int]] = {}
    for data in datas:
        handle = data.get("organization") or ""
        if not (key := organisation_key(handle)):
            continue
        handles.setdefault(key, handle)
        creator = _attributes(data, "helm").get("creator")
        if not isinstance(creator, str):
            continue
        name = " ".join(creator.split()).rstrip(".")
        shorter, longer = sorted((organisation_key(name), key), key=len)
        if shorter and (shorter == longer or (len(shorter) >= 3 and longer.startswith(shorter))):
            names = counted.setdefault(key, {})
            names[name] = names.get(name, 0) + 1
    return {key: name for key, names in counted.items()
            if (name := max(names, key=names.__getitem__)) != handles[key]}


# Where a registry package's release can be read, by the registry a source's origin names
# ("PyPI mteb", "npm @huggingface/tasks").
_REGISTRY_PAGES = {
    "PyPI": "https://pypi.org/project/{package}/{version}/",
    "npm": "https://www.npmjs.com/package/{package}/v/{version}",
}
_ORIGIN = re.compile(r"(PyPI|npm) ([@\w./-]+)(?:\s|$)")
_VERSION = re.compile(r"[\w.+!-]+")
_ARXIV = re.compile(r"arXiv:(\d{4}\.\d{4,5}(?:v\d+)?)")


def source_url(source: dict) -> str:
    """The page of the package release a record's source entry came from ("" when its
    origin names no registry or it has no version): {"origin": "PyPI mteb", "version":
    "2.26.24"} gives https://pypi.org/project/mteb/2.26.24/."""
    found = _ORIGIN.match(str(source.get("origin") or ""))
    version = str(source.get("version") or "")
    if not (found and _VERSION.fullmatch(version)):
        return ""
    return _REGISTRY_PAGES[found[1]].format(package=found[2], version=version)


def evidence_link(text: str) -> tuple[str, str, str]:
    """A hand-curated source's evidence as (its address, the address as shown, what it
    says), the address "" when it has none: "https://x.org/a (licence mit)" gives
    ("https://x.org/a", "x.org/a", "licence mit"); "arXiv:2402.19173" links its abstract
    page under that name."""
    text = text.strip()
    if found := _ARXIV.fullmatch(text):
        return f"https://arxiv.org/abs/{found[1]}", text, ""
    url, _, rest = text.partition(" ")
    if re.match(r"https?://\S+$", url):
        return url, url.split("://", 1)[1], rest.strip().removeprefix("(").removesuffix(")")
    return "", "", text


def join_words(words: list[str], last: str = "and") -> str:
    """"a, b and c"; `last`, the word before the last ("or": "a, b or c")."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {last} " + words[-1]


def join_names(names: list[str]) -> str:
    """`join_words`, but names holding "and" themselves are joined with "as well as": "text
    generation as well as image and text to text", not "text generation and image and text
    to text"."""
    return join_words(names, "as well as" if any(" and " in name for name in names) else "and")


KIND_NOUN = {
    "model": "model",
    "fine-tune": "fine-tuned model",
    "dataset": "dataset",
    "library": "library",
    "tool": "tool",
    "api": "model served through an API",
}


@dataclass
class CapabilityText:
    key: str
    title: str
    description: str
    task_slug: str | None = None


_HUB_ADDRESS = re.compile(r"https?://(?:www\.)?huggingface\.co/([^/?#\s]+/[^/?#\s]+)/?$")


def unresolved_base_label(unresolved: str | None) -> str | None:
    """How a base model the catalog does not hold is named to readers: as its source wrote
    it, a Hub address as the repo id it names; None for a path on the publisher's own disk
    ("/root/.cache/..."), which names nothing a reader could find."""
    if not unresolved:
        return None
    if hub := _HUB_ADDRESS.match(unresolved):
        return hub[1]
    if unresolved.startswith(("/", "~", "./", "../")) or "\\" in unresolved:
        return None
    return unresolved


# How the sources know a base model, put for readers: the catalog writes a relation with its
# basis in brackets ("fine-tuned from (timm tag '<pretrain>_ft_<target>')").
_RELATION_BASES = {
    "mteb ModelMeta.adapted_from": "as mteb records it",
    "timm tag '<pretrain>_ft_<target>'": "as its timm tag says",
}
_RELATION = re.compile(r"(.+?) \((.+)\)")


def relation_parts(relation: str | None) -> tuple[str, str]:
    """A base model's relation as (how, what the brackets add, put for readers):
    "fine-tuned from (timm tag '<pretrain>_ft_<target>')": ("fine-tuned from", "as its timm
    tag says"); none: ("derived from", "")."""
    relation = relation or "derived from"
    if found := _RELATION.fullmatch(relation):
        return found[1], _RELATION_BASES.get(found[2], found[2])
    return relation, ""


# What timm's pretrained tags call the data weights were trained on, by the tag's token, as a
# reader knows it ("in22k": ImageNet-22k). The tokens a tag holds are kept as they are in the
# record (trained_on_unresolved); only what is shown is spelt out.
TRAINING_DATA_TOKENS = {
    "in1k": "ImageNet-1k", "in12k": "ImageNet-12k", "in21k": "ImageNet-21k",
    "in22k": "ImageNet-22k", "laion2b": "LAION-2B", "laion400m": "LAION-400M",
    "webli": "WebLI", "lvd1689m": "LVD-1689M", "lvd142m": "LVD-142M",
    "openai": "OpenAI's CLIP training data",
}


def training_data_label(name: str) -> str:
    """A training set a source names but this catalog does not hold, as shown."""
    return TRAINING_DATA_TOKENS.get(name, name)


def _labels(data: dict, names: dict[str, str]) -> tuple[str | None, list[str]]:
    """Display names of the base model and training sets (resolved or as the source wrote them)."""
    base = data.get("base_model")
    label = names.get(base, base) if base else unresolved_base_label(
        data.get("base_model_unresolved"))
    trained = [names.get(uid, uid) for uid in data.get("trained_on", [])]
    trained += map(training_data_label, data.get("trained_on_unresolved", []))
    return label, trained


def _size_phrase(data: dict) -> str:
    if data.get("n_parameters"):
        return f"{human_count(data['n_parameters'])} parameters"
    size = data.get("size") or {}
    if size.get("n_samples"):
        return f"{human_count(size['n_samples'])} samples"
    if size.get("bytes"):
        return human_bytes(size["bytes"])
    return ""


def published_by(name: str) -> str:
    """How summary() ends its first sentence when an organisation publishes the asset."""
    return f", published by {name}."


def summary(data: dict, names: dict[str, str], publisher: str = "") -> str:
    """`publisher`: the name the organisation goes by here, if not as the record writes it."""
    kind = kind_of(data)
    slugs = list(data.get("tasks", []))
    noun = data.get("subtype") or KIND_NOUN[kind]
    if "embedding" in slugs and "embedding" in noun:
        # "An audio embedding model", not "An embedding model for embeddings".
        slugs.remove("embedding")
        if inputs := _modalities(data, plural=False):
            noun = f"{inputs} {noun}"
    tasks = [task_name(t).lower() for t in slugs[:3]]
    said = noun.lower().replace("-", " ")
    if tasks and len(slugs) <= 3 and all(task.replace("-", " ") in said for task in tasks):
        tasks = []  # "An image-classification dataset", not "... for image classification"
    first = f"{article(noun).capitalize()} {noun}"
    if len(slugs) > 3:
        # Three of 28 would read as all it does.
        first += f" for {len(slugs)} tasks, among them {join_names(tasks)}"
    elif tasks:
        first += f" for {join_names(tasks)}"
    publisher = publisher or data.get("organization")
    parts = [first + (published_by(publisher) if publisher else ".")]
    base_label, trained = _labels(data, names)
    if base_label:
        parts.append(f"Derived from {base_label}.")
    if trained:
        shown = trained[:3]
        more = f" and {len(trained) - 3} more" if len(trained) > 3 else ""
        parts.append(f"Trained on {', '.join(shown)}{more}.")
    facts = []
    if size := _size_phrase(data):
        facts.append(size)
    if data.get("license"):
        facts.append(f"licence {licences.display_name(data['license'])}")
    if data.get("release_date"):
        facts.append(f"released {data['release_date']}")
    if facts:
        parts.append(join_words(facts)[0].upper() + join_words(facts)[1:] + ".")
    return " ".join(parts)


def capabilities(data: dict, names: dict[str, str]) -> list[CapabilityText]:
    """Capabilities written from the record's facts, most specific first."""
    kind = kind_of(data)
    out: list[CapabilityText] = []
    base_label, trained = _labels(data, names)
    size = _size_phrase(data)
    modalities = join_words(data.get("modalities", []))
    for slug in data.get("tasks", []):
        title = task_name(slug)
        if slug in TASK_DOES:
            does = TASK_DOES[slug].format(inputs=_modalities(data, plural=True) or "its inputs")
        else:
            does = f"handles {title.lower()}"
        if kind == "dataset":
            sentence = f"Data for {title.lower()} ({modalities or 'modality not stated'})."
        elif kind in {"library", "tool"}:
            noun = data.get("subtype") or KIND_NOUN[kind]
            sentence = f"{article(noun).capitalize()} {noun} that {does}."
        else:
            sentence = f"{does[0].upper()}{does[1:]}."
        details = []
        if kind == "dataset":
            if size:
                details.append(f"It holds {size}")
            mteb = (data.get("attributes") or {}).get("mteb")
            splits = mteb.get("eval_splits") if isinstance(mteb, dict) else None
            if isinstance(splits, list) and all(isinstance(x, str) for x in splits) and splits:
                noun = "split" if len(splits) == 1 else "splits"
                details.append(f"evaluated on the {join_words(splits)} {noun}")
        else:
            if size:
                details.append(f"It has {size}")
            if base_label:
                details.append(f"derived from {base_label}")
            if trained:
                details.append(f"trained on {join_words(trained[:3])}")
        if details:
            said = ", ".join(details)
            sentence += f" {said[0].upper()}{said[1:]}."
        out.append(CapabilityText(f"task:{slug}", title, sentence, slug))

    attributes = data.get("attributes") if isinstance(data.get("attributes"), dict) else {}
    mteb = attributes.get("mteb") if isinstance(attributes.get("mteb"), dict) else {}
    dims = _ints(mteb.get("embed_dim"))
    max_tokens = _ints(mteb.get("max_tokens"))
    if kind != "dataset" and (dims or max_tokens):
        spec = []
        if dims:
            spec.append(f"produces vectors of {_or_words(dims)} dimensions")
        if max_tokens:
            spec.append(f"reads inputs of up to {max(max_tokens):,} tokens")
        text = join_words(spec)
        text = f"{text[0].upper()}{text[1:]}."
        if dims and (measure := mteb.get("similarity_fn_name")) in SIMILARITY_NAMES:
            text += f" They are compared by {SIMILARITY_NAMES[measure]}."
        memory = mteb.get("memory_usage_mb")
        if _is_number(memory) and memory > 0:
            text += f" Its weights take about {memory:,.0f} MB of memory, as mteb gives it."
        if mteb.get("use_instructions") is True:
            text += " It expects an instruction saying what the text is for."
        out.append(CapabilityText("embedding-spec", "Vector output", text))

    timm = attributes.get("timm") if isinstance(attributes.get("timm"), dict) else {}
    size_in = _ints(timm.get("input_size"))
    if len(size_in) == 3:
        text = f"Takes {size_in[1]}×{size_in[2]} images at training resolution"
        size_test = _ints(timm.get("test_input_size"))
        if len(size_test) == 3 and size_test != size_in:
            text += f" and is evaluated at {size_test[1]}×{size_test[2]}"
        classes = _ints(timm.get("num_classes"))
        if classes and classes[0] > 0:
            text += f"; its head predicts {classes[0]:,} classes"
        elif classes == [0]:
            text += "; it ships without a classifier head, as a feature extractor"
        out.append(CapabilityText("input-resolution", "Input resolution", text + "."))

    if kind == "fine-tune" and base_label:
        how, aside = relation_parts(data.get("base_model_relation"))
        text = f"{how[0].upper()}{how[1:]} {base_label}" + (f" ({aside})." if aside else ".")
        if trained:
            text += f" Training data named by the source: {join_words(trained[:5])}."
        out.append(CapabilityText("lineage", "Lineage", text))

    frameworks = data.get("frameworks", [])
    if frameworks and frameworks != [NOT_A_FRAMEWORK]:
        out.append(CapabilityText(
            "frameworks", "Frameworks", f"Works with {join_words(frameworks)}."
        ))

    codes = data.get("languages", [])
    hand = (data.get("attributes") or {}).get("hand")
    programming = _ints(hand.get("programming_languages_min")) if isinstance(hand, dict) else []
    if (spoken := language_names(codes)) == ["programming code"]:
        # Code is no one language: "Covers 1 language: programming code" said The Stack v2's
        # 600 were one.
        text = "Holds source code"
        if programming and programming[0] > 1:
            text += f" in at least {programming[0]:,} programming languages"
        out.append(CapabilityText("languages", "Languages", text + "."))
    elif spoken:
        noun = "language" if len(spoken) == 1 else "languages"
        shown = spoken if len(spoken) <= LANGUAGES_NAMED else [
            *spoken[:LANGUAGES_NAMED], f"{len(spoken) - LANGUAGES_NAMED} more"]
        out.append(CapabilityText(
            "languages", "Languages", f"Covers {len(spoken)} {noun}: {join_words(shown)}."
        ))
    elif codes:  # only "no linguistic content"
        out.append(CapabilityText(
            "languages", "Languages", "Its source marks it as holding no linguistic content."
        ))

    price = data.get("pricing")
    if price:
        unit = price.get("unit", "per 1M tokens")
        currency = price.get("currency", "USD")
        parts = []
        if "input_per_mtok" in price:
            parts.append(f"{price['input_per_mtok']:g} {currency} input")
        if "output_per_mtok" in price:
            parts.append(f"{price['output_per_mtok']:g} {currency} output")
        text = f"List price {unit}: {join_words(parts)}" if parts else "Has a vendor list price"
        if price.get("as_of"):
            text += f", as of {price['as_of']}"
        if price.get("tiered"):
            text += " (base tier; longer contexts cost more)"
        out.append(CapabilityText("api-pricing", "API pricing", text + "."))

    if window := context_window(data):
        out.append(CapabilityText(
            "context-window", "Context window",
            f"Has a context window of {window:,} tokens, as genai-prices lists it."))

    if kind in {"library", "tool"}:
        # Its kind, when nothing else says what it does; what the registries listing it say
        # of it (ROLES), the role its kind names under "role".
        noun = data.get("subtype") or KIND_NOUN[kind]
        roles = _roles(data)
        if not data.get("tasks") and noun not in roles:
            out.append(CapabilityText(
                "role", noun[0].upper() + noun[1:], f"{article(noun).capitalize()} {noun}."
            ))
        for role in roles:
            out.append(CapabilityText(
                "role" if role == noun else f"role:{slugify(role)}",
                role[0].upper() + role[1:], ROLES[role]))

    if not out:
        noun = data.get("subtype") or KIND_NOUN[kind]
        text = f"Listed as {article(noun)} {noun}"
        if size:
            text += f" with {size}"
        out.append(CapabilityText("role", noun[0].upper() + noun[1:], text + "."))
    return out


# How mteb names the measure an embedding model's vectors are compared by.
SIMILARITY_NAMES = {"cosine": "cosine similarity", "dot": "dot product",
                    "euclidean": "Euclidean distance", "MaxSim": "late interaction (MaxSim)"}


def _ints(value) -> list[int]:
    """Whole numbers found in an attribute that may be a number, a list of them, or junk."""
    items = value if isinstance(value, list) else [value]
    return [int(v) for v in items if _is_number(v) and float(v).is_integer()]


def _or_words(numbers: list[int]) -> str:
    words = [f"{n:,}" for n in sorted(set(numbers))]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


# Where a source's record says the asset is deprecated: the source's name, and the key of its
# attributes holding `deprecated`.
DEPRECATION_FLAGS = {"crfm-helm": "helm", "genai-prices": "genai_prices"}


# What some of the registries of @huggingface/tasks listing tools say of those they list, by
# the role each gives (attributes.hf_tasks_roles): "Local app" alone said nothing of what a
# local app does, and "llm inference" found none of vLLM, TGI or Ollama. Short, and not for
# the libraries' roles, which their kinds say: every word more in a short entry weighs its
# name down (LVFace, named for faces, would no longer come first for "face detection"). Not
# "Hugging Face" either: "face detection" would find them all.
ROLES = {
    "local app": "The Hub offers it to run models on your own computer (local inference).",
    "evaluation framework": "The Hub lists it for evaluating models on benchmarks.",
    "agent harness": "The Hub lists it for running a model as an agent that calls tools to "
                     "carry out tasks.",
}


def _roles(data: dict) -> list[str]:
    """The roles the registries give a library or tool that ROLES says more of, in the
    record's order."""
    attributes = data.get("attributes")
    roles = attributes.get("hf_tasks_roles") if isinstance(attributes, dict) else None
    if not isinstance(roles, list):
        return []
    return list(dict.fromkeys(r for r in roles if isinstance(r, str) and r in ROLES))


def context_window(data: dict) -> int | None:
    """The context window in tokens genai-prices lists for the asset of record `data` (or
    {"attributes": ...}), None for none: a whole number above 0 only."""
    window = _ints(_attributes(data, "genai_prices").get("context_window"))
    return window[0] if window and window[0] > 0 else None


def _attributes(data: dict, key: str) -> dict:
    attributes = data.get("attributes")
    found = attributes.get(key) if isinstance(attributes, dict) else None
    return found if isinstance(found, dict) else {}


def deprecated_in(data: dict) -> list[str]:
    """The names of the sources listing the asset as deprecated: HELM's model metadata,
    genai-prices' price list."""
    return [source for source, key in DEPRECATION_FLAGS.items()
            if _attributes(data, key).get("deprecated") is True]


SUCCESSOR_SOURCE = "mteb"  # the source whose attributes name a successor


def successor_id(data: dict) -> str | None:
    """The external id of the asset mteb names as superseding this one; None for none, or
    for the asset itself (mteb names one model its own successor)."""
    named = _attributes(data, SUCCESSOR_SOURCE).get("superseded_by")
    return named if isinstance(named, str) and named.strip() and named != data.get("id") else None


def release_fields(data: dict) -> dict:
    released = data.get("release_date")
    return {
        "released_on": date.fromisoformat(released) if released else None,
        "release_basis": (data.get("release_date_basis") or "")[:255],
    }


def benchmark_signal(bench: dict) -> str:
    name = f"{bench['benchmark']}_{bench.get('metric', 'score')}"
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:100]


def settings_key(settings: dict) -> str:
    if not settings:
        return ""
    return json.dumps(settings, sort_keys=True, separators=(",", ":"))[:255]
