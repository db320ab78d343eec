"""The verdict on a versus page, written from the numbers.

Plain values in, plain values out: the view builds two `Side`s, the template renders the
`Sentence`s part by part (linking the parts that carry a URL) and escapes every text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from catalog.records import article, price_figure

# Dimension keys in display order, with their labels.
DIMENSIONS: dict[str, str] = {
    "adoption": "Adoption",
    "quality": "Quality",
    "ecosystem": "Ecosystem",
    "match_graph": "Match graph",
}
TIE_POINTS = 2  # a rank difference of at most this many whole points is a tie
LEAD_POINTS = 5  # a sub-score lead counts from this many whole points
SUMMARY_CHARS = 160

# A fine-tune is still a model, and so is a model served behind an API: either can replace
# one doing the same job, so they count as the same kind.
_KIND_FAMILY = {"fine-tune": "model", "api": "model"}


@dataclass(frozen=True)
class Side:
    name: str
    slug: str
    url: str
    kind: str  # display label ("Fine-tune", "Dataset", "API"); the code works too
    tasks: Sequence[str]
    rank: float
    provisional: bool
    coverage: float  # share of the evidence weight that is known, 0 to 1
    sub_scores: Mapping[str, float | None]  # keys of DIMENSIONS; None or missing = unknown
    base_slug: str | None = None
    trained_on_slugs: Sequence[str] = ()
    alternative: tuple[str, str] | None = None  # (name, url) of the closest of the same kind
    # How the alternative was found: "co-matched" (searches matched them together), "rank"
    # (the best-ranked of the same kind sharing a task) or "unranked" (the same, at the
    # neutral starting point); "role" and "role-unranked" alike, of the same role.
    alternative_source: str = "rank"
    # A list price: (input, output or None, its unit: "USD per 1M tokens").
    price: tuple[float, float | None, str] | None = None
    # The sources listing it as deprecated ("crfm-helm 0.5.16"), and the asset its registry
    # names as superseding it, as (name, url).
    deprecated_by: Sequence[str] = ()
    successor: tuple[str, str] | None = None
    # Listing no task, the role a registry lists it for ("agent harness"): its job.
    role: str = ""


@dataclass(frozen=True)
class Part:
    text: str
    url: str | None = None


@dataclass(frozen=True)
class Sentence:
    topic: str  # rank, provisional, leads, unknown, retired, lineage, price, jobs, alternatives
    parts: list[Part]

    @property
    def text(self) -> str:
        return "".join(part.text for part in self.parts)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Verdict:
    sentences: list[Sentence]
    summary: str
    leader: Literal["a", "b"] | None  # None for a tie
    margin: int  # whole-point difference of the displayed ranks, also for a tie
    leads_a: list[str] = field(default_factory=list)  # dimension keys, display order
    leads_b: list[str] = field(default_factory=list)
    substitutes: bool = True
    # False when a side has no evidence at all: its rank is the neutral starting point, and
    # the two ranks do not compare (no leader, and no tie either).
    ranked: bool = True
    # Which lists the lower price, when both list one in the same unit ("tie" when equal).
    cheaper: Literal["a", "b", "tie"] | None = None


def whole_points(value: float) -> int:
    """Round half up, as `floatformat` does; the verdict judges the numbers the reader sees."""
    return math.floor(value + 0.5)


def decide(a: Side, b: Side) -> Verdict:
    rank_a, rank_b = whole_points(a.rank), whole_points(b.rank)
    margin = abs(rank_a - rank_b)
    unmeasured = [side for side in (a, b) if _unmeasured(side)]
    leader: Literal["a", "b"] | None = None
    if margin > TIE_POINTS and not unmeasured:
        leader = "a" if rank_a > rank_b else "b"

    leads_a, leads_b = _leads(a, b), _leads(b, a)
    substitutes = are_substitutes(a, b)

    if unmeasured:
        sentences = [_unranked_sentence(a, b, unmeasured)]
    else:
        sentences = [_rank_sentence(a, b, leader, margin)]
        if a.provisional or b.provisional:
            sentences.append(_provisional_sentence(a, b))
    # With no evidence on either side, the provisional sentence has said all there is to
    # say of the dimensions.
    measured = not (_unmeasured(a) and _unmeasured(b))
    if measured:
        sentences.append(_leads_sentence(a, b, leads_a, leads_b))
    cheaper, price = _price_sentence(a, b)
    if price:
        # With nothing known on either side, the price is what tells them apart: it leads
        # (and opens the page's summary).
        sentences.insert(len(sentences) if measured else 0, price)
    if measured and (unknown := _unknown_sentence(a, b)):
        sentences.append(unknown)
    sentences += _retired_sentences(a) + _retired_sentences(b)
    sentences += _lineage_sentences(a, b) + _lineage_sentences(b, a)
    if not substitutes:
        sentences += [_jobs_sentence(a, b), _alternatives_sentence(a, b)]

    return Verdict(
        sentences=sentences,
        summary=_summary(sentences, a, b),
        leader=leader,
        margin=margin,
        leads_a=leads_a,
        leads_b=leads_b,
        substitutes=substitutes,
        ranked=not unmeasured,
        cheaper=cheaper,
    )


def _price_sentence(a: Side, b: Side) -> tuple[Literal["a", "b", "tie"] | None,
                                                  Sentence | None]:
    """Which lists the lower price, judged on input first, then output, when both list one
    in the same unit; the cheaper is named first, so the sentence reads the same whichever
    side it is on."""
    if not (a.price and b.price) or a.price[2] != b.price[2]:
        return None, None
    unit = a.price[2]
    per = unit.split(" ", 1)[1] if " " in unit else unit  # "per 1M tokens"
    outputs = a.price[1] is not None and b.price[1] is not None
    key_a = (a.price[0], a.price[1] if outputs else 0.0)
    key_b = (b.price[0], b.price[1] if outputs else 0.0)
    if key_a == key_b:
        return "tie", Sentence("price", [Part(
            f"Both list the same price: {price_figure(a.price[0])} {unit} of input"
            + (f" and {price_figure(a.price[1])} of output." if outputs else ".")
        )])
    cheap, dear, side = (a, b, "a") if key_a < key_b else (b, a, "b")
    figures = f"{price_figure(cheap.price[0])} vs {price_figure(dear.price[0])}"
    if outputs and cheap.price[0] < dear.price[0] and cheap.price[1] > dear.price[1]:
        # Cheaper to send, dearer to receive: each has its side.
        return side, Sentence("price", [
            _name(cheap),
            Part(f" costs less for input ({figures} {unit}), "),
            _name(dear),
            Part(f" for output ({price_figure(dear.price[1])} vs"
                 f" {price_figure(cheap.price[1])} {per})."),
        ])
    text = f" lists the lower price: {figures} {unit} of input"
    if outputs:
        text += f", {price_figure(cheap.price[1])} vs {price_figure(dear.price[1])} of output"
    return side, Sentence("price", [_name(cheap), Part(text + ".")])


def are_substitutes(a: Side, b: Side) -> bool:
    """Whether the two do the same job: the same kind, and a task in common where both name
    tasks. Only assets that are not need the closest like-for-like alternative."""
    return _same_kind(a, b) and not _no_shared_task(a, b)


def join(items: Sequence[str]) -> str:
    """Natural English list, without the Oxford comma: "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _score(side: Side, key: str) -> float | None:
    return side.sub_scores.get(key)


def _leads(side: Side, other: Side) -> list[str]:
    leads = []
    for key in DIMENSIONS:
        mine, theirs = _score(side, key), _score(other, key)
        if mine is None or theirs is None:
            continue
        if whole_points(mine) - whole_points(theirs) >= LEAD_POINTS:
            leads.append(key)
    return leads


def _family(side: Side) -> str:
    kind = side.kind.strip().casefold()
    return _KIND_FAMILY.get(kind, kind)


def _same_kind(a: Side, b: Side) -> bool:
    return _family(a) == _family(b)


def _jobs(side: Side) -> set[str]:
    """What it does: its tasks, else the role it is listed for (an agent harness)."""
    return {task.casefold() for task in side.tasks} or ({side.role} if side.role else set())


def _no_shared_task(a: Side, b: Side) -> bool:
    # An asset with no task (or role) listed is not known to do a different job.
    jobs_a, jobs_b = _jobs(a), _jobs(b)
    return bool(jobs_a and jobs_b) and not jobs_a & jobs_b


def _name(side: Side) -> Part:
    return Part(side.name, side.url or None)


def _with_article(noun: str) -> str:
    return f"{article(noun) if noun else 'a'} {noun}"


def _kind_phrase(side: Side) -> str:
    kind = side.kind.strip()
    if not kind.isupper():
        kind = kind.lower()
    return _with_article(kind)


def _rank_sentence(a: Side, b: Side, leader: Literal["a", "b"] | None, margin: int) -> Sentence:
    rank_a, rank_b = whole_points(a.rank), whole_points(b.rank)
    if leader is None:
        if margin == 0:
            tail = f" both have an UnfragileRank of {rank_a}."
        else:
            tail = (
                f" are within {TIE_POINTS} points of each other on UnfragileRank"
                f" ({rank_a} vs {rank_b})."
            )
        return Sentence(
            "rank", [Part("It is a tie: "), _name(a), Part(" and "), _name(b), Part(tail)]
        )
    high, low = (a, b) if leader == "a" else (b, a)
    return Sentence(
        "rank",
        [
            _name(high),
            Part(" ranks above "),
            _name(low),
            Part(
                f" on UnfragileRank by {margin} points,"
                f" {whole_points(high.rank)} vs {whole_points(low.rank)}."
            ),
        ],
    )


def _percent(coverage: float) -> int:
    # Floored, so a provisional coverage just under half never reads as 50%.
    return max(0, math.floor(coverage * 100 + 1e-6))


def _unmeasured(side: Side) -> bool:
    """No evidence on any dimension: the rank is the neutral starting point."""
    return side.provisional and _percent(side.coverage) == 0


def _unranked_sentence(a: Side, b: Side, unmeasured: list[Side]) -> Sentence:
    """In place of the rank sentence when a side has no evidence: a rank of 50 that nothing
    stands behind is not below 53, nor tied with 49."""
    if len(unmeasured) == 2:
        return Sentence("rank", [
            Part("UnfragileRank cannot tell "), _name(a), Part(" and "), _name(b),
            Part(" apart yet: neither has evidence on any dimension, so both ranks are the"
                 " neutral starting point, not measurements."),
        ])
    (bare,) = unmeasured
    known = b if bare is a else a
    basis = f"{_percent(known.coverage)}% of its evidence weight known"
    if known.provisional:
        basis += ", provisional"
    return Sentence("rank", [
        Part("Only "), _name(known),
        Part(f" has evidence behind its UnfragileRank ({whole_points(known.rank)}, {basis}); "),
        _name(bare),
        Part(f" has none yet, and its {whole_points(bare.rank)} is the neutral starting point,"
             " so the two ranks do not compare."),
    ])


def _provisional_sentence(a: Side, b: Side) -> Sentence:
    # (Only when both have some evidence: _unranked_sentence() speaks of those with none.)
    if a.provisional and b.provisional:
        return Sentence(
            "provisional",
            [
                Part(
                    "Both ranks are provisional: less than half of the evidence weight is known"
                    f" for either ({_percent(a.coverage)}% for "
                ),
                Part(a.name),
                Part(f", {_percent(b.coverage)}% for "),
                Part(b.name),
                Part(")."),
            ],
        )
    side = a if a.provisional else b
    return Sentence(
        "provisional",
        [
            Part("The rank of "),
            Part(side.name),
            Part(
                f" is provisional: only {_percent(side.coverage)}% of its evidence weight is known."
            ),
        ],
    )


def _lead_list(side: Side, other: Side, keys: list[str]) -> str:
    # Only called with dimensions known on both sides.
    return join(
        [
            f"{DIMENSIONS[key].lower()} ({whole_points(side.sub_scores[key])}"  # type: ignore[arg-type]
            f" vs {whole_points(other.sub_scores[key])})"  # type: ignore[arg-type]
            for key in keys
        ]
    )


def _leads_sentence(a: Side, b: Side, leads_a: list[str], leads_b: list[str]) -> Sentence:
    comparable = [
        key for key in DIMENSIONS if _score(a, key) is not None and _score(b, key) is not None
    ]
    if not comparable:
        return Sentence(
            "leads",
            [Part("No dimension is known for both, so they cannot be compared on any of them.")],
        )
    if not leads_a and not leads_b:
        return Sentence(
            "leads",
            [Part(f"Neither leads on any dimension by {LEAD_POINTS} points or more.")],
        )
    parts: list[Part] = []
    for side, other, keys in ((a, b, leads_a), (b, a, leads_b)):
        if not keys:
            continue
        if parts:
            parts.append(Part("; "))
        parts += [Part(side.name), Part(f" leads on {_lead_list(side, other, keys)}")]
    if not (leads_a and leads_b):
        trailing = b if leads_a else a
        parts += [
            Part("; "),
            Part(trailing.name),
            Part(f" has no lead of {LEAD_POINTS} points or more"),
        ]
    if a.kind.strip().casefold() != b.kind.strip().casefold():
        # A sub-score places an asset among its own kind: a dataset's 5 and a fine-tune's 66
        # are each against different peers, and so are a model's and a fine-tune's, though
        # one can replace the other.
        parts.append(Part(" (each sub-score places an asset among its own kind)"))
    parts.append(Part("."))
    return Sentence("leads", parts)


def _unknown_sentence(a: Side, b: Side) -> Sentence | None:
    groups: list[tuple[list[str], Side | None]] = [([], None), ([], a), ([], b)]
    for key, label in DIMENSIONS.items():
        unknown_a, unknown_b = _score(a, key) is None, _score(b, key) is None
        if unknown_a and unknown_b:
            groups[0][0].append(label)
        elif unknown_a:
            groups[1][0].append(label)
        elif unknown_b:
            groups[2][0].append(label)
    parts: list[Part] = []
    for labels, side in groups:
        if not labels:
            continue
        names = [labels[0]] + [label.lower() for label in labels[1:]]
        if parts:
            parts.append(Part("; "))
            names[0] = names[0].lower()
        verb = "is" if len(names) == 1 else "are"
        parts.append(Part(f"{join(names)} {verb} unknown for "))
        parts.append(Part("both") if side is None else Part(side.name))
    if not parts:
        return None
    parts.append(Part("."))
    return Sentence("unknown", parts)


def _retired_sentences(side: Side) -> list[Sentence]:
    sentences = []
    if side.deprecated_by:
        sentences.append(Sentence("retired", [
            _name(side), Part(f" is listed as deprecated by {join(side.deprecated_by)}.")]))
    if side.successor:
        name, url = side.successor
        sentences.append(Sentence("retired", [
            _name(side), Part(" is superseded by "), Part(name, url), Part(".")]))
    return sentences


def _lineage_sentences(parent: Side, child: Side) -> list[Sentence]:
    sentences = []
    if child.base_slug and child.base_slug == parent.slug:
        sentences.append(
            Sentence(
                "lineage", [_name(child), Part(" is a fine-tune of "), _name(parent), Part(".")]
            )
        )
    if parent.slug in child.trained_on_slugs:
        sentences.append(
            Sentence("lineage", [_name(child), Part(" was trained on "), _name(parent), Part(".")])
        )
    return sentences


def _tasks_phrase(side: Side) -> str:
    tasks = list(side.tasks)
    if len(tasks) > 3:
        tasks = tasks[:3] + [f"{len(tasks) - 3} more tasks"]
    return join(tasks)


def _jobs_sentence(a: Side, b: Side) -> Sentence:
    opening = Part("They do different jobs and are not substitutes: ")
    if not _same_kind(a, b):
        return Sentence(
            "jobs",
            [
                opening,
                Part(a.name),
                Part(f" is {_kind_phrase(a)}, "),
                Part(b.name),
                Part(f" is {_kind_phrase(b)}."),
            ],
        )
    return Sentence(
        "jobs",
        [
            opening,
            Part(a.name),
            Part(f" is listed {_listed(a)}, "),
            Part(b.name),
            Part(f" {_listed(b)}."),
        ],
    )


def _listed(side: Side) -> str:
    """How it is listed: "under text generation", or for an asset listing no task, "as an
    agent harness"."""
    if side.tasks or not side.role:
        return f"under {_tasks_phrase(side)}"
    return f"as {_with_article(side.role)}"


_HOW_FOUND = {
    "co-matched": " (most often matched with it by searches)",
    "rank": " (the best-ranked of its kind sharing a task)",
    # The best by number, but at the neutral starting point: among equals, first by name.
    "unranked": " (of its kind sharing a task; no evidence stands behind its rank yet)",
    "role": " (the best-ranked of its kind listed for the same role)",
    "role-unranked": " (of its kind listed for the same role; no evidence stands behind its "
                     "rank yet)",
}


def _alternatives_sentence(a: Side, b: Side) -> Sentence:
    listed = [side for side in (a, b) if side.alternative is not None]
    if not listed:
        return Sentence(
            "alternatives", [Part("No like-for-like alternative is listed for either yet.")]
        )
    parts = [Part("To compare like with like, ")]
    for i, side in enumerate(listed):
        alt_name, alt_url = side.alternative or ("", "")
        parts += [Part(" and " if i else "set "), Part(side.name)]
        how = _HOW_FOUND[side.alternative_source]
        parts += [Part(" against "), Part(alt_name, alt_url), Part(how)]
    for side in (a, b):
        if side.alternative is None:
            parts += [
                Part("; no like-for-like alternative is listed for "),
                Part(side.name),
                Part(" yet"),
            ]
    parts.append(Part("."))
    return Sentence("alternatives", parts)


def _summary(sentences: list[Sentence], a: Side, b: Side) -> str:
    """The first sentence (the rank's, or the price's when neither side has evidence), then
    shorter facts in order of importance while they fit."""
    summary = sentences[0].text
    if len(summary) > SUMMARY_CHARS:
        return summary[: SUMMARY_CHARS - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
    extras = []
    for sentence in sentences:
        if sentence.topic == "jobs":
            extras.insert(0, "They do different jobs and are not substitutes.")
        elif sentence.topic in ("retired", "lineage"):
            extras.append(sentence.text)
    if a.provisional and b.provisional:
        extras.append("Both ranks are provisional.")
    for text in extras:
        if len(summary) + 1 + len(text) <= SUMMARY_CHARS:
            summary += " " + text
    return summary
