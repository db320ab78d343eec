"""Full-text search over assets, their summaries and capability texts, on SQLite or PostgreSQL.

One document per asset, in three weighted parts: its names (weight A), its capability titles
(B) and everything else (C: summary, kind, licence, tasks, capability texts); and a fourth,
its maker's name (D), which the words match only when they name a maker (makers_apart():
"face detection" is no search for Hugging Face's assets). SQLite keeps them in an FTS5 table
(the fourth part a column of its own) ranked with bm25(); PostgreSQL in a stored, GIN-indexed
tsvector ranked with ts_rank(). Both are written by `reindex_assets()` from Python, through
`querytext.index_text()`, so the index and the query agree on case folding and word breaks.

Ranking: an exact name match first, then the names that match without the qualifier in
brackets that ends them ("gpt-4o": "GPT-4o (2024-05-13)", base_key()), then, of those
holding every term, the assets of the kinds the words name (querytext.KIND_STEERS:
"evaluation tools" lists tools before the datasets named ToolBench; those kinds find
candidates of their own), of an organisation they name ("openai embedding": OpenAI's
APIs before LLM2CLIP-Openai) and, within those kinds, listing a task they name
(tasks_named(): "llm for coding": the code generators before the embedding models named
C2LLM), those steered more ways before those steered fewer (_Filters.steering()), then
the assets holding the words side by side in the order typed (querytext.phrase_words():
"text to speech" is not "speech to text"), then the others; in each group the current
assets before those deprecated or superseded (_current()), then by text relevance;
UnfragileRank only reorders results whose relevance is within one band (RELEVANCE_BANDS) of
the best of their group. The assets whose names start with the words, the family they name
("claude", "gpt"), are all in the first band, and among those ranked alike the newest come
first (newness(): by the version their names give, then the release date); words ending with
a version name the names giving it, wherever they put it ("claude 4": Claude Opus 4.7 as
much as Claude 4.6 Opus, which starts with the words; _Family), several words the names
starting with the first and holding the others anywhere, after those starting with them all
("claude sonnet": Claude Sonnet 5, then Claude 4.6 Sonnet before Claude 3 Sonnet), and a
maker's name alone its assets ("anthropic": Claude Opus 5.5 first, not Claude Code). Words
asking for the lowest price (querytext.PRICE_WORDS: "cheapest embedding api") are no terms
but an order: after exact names (and those holding a task's name as typed, names_a_task()), the
assets with a list price come first, cheapest first; they find candidates of their own, the
cheapest matches. So do words asking for the longest context window (querytext.
CONTEXT_SIZE_WORDS: "long context llm"), by the window genai-prices lists. At most
CANDIDATES matches are ranked per query: ranking every match of a common word costs seconds
at a million texts. SQLite takes them in index order; PostgreSQL
first from the assets whose names or capability titles match (a short `head` vector with its
own GIN index), then from the rest. When that fills CANDIDATES, the matches among the
TOP_RANKED best-ranked assets are ranked as well, so that a broad need shows the best assets
for it. The assets holding the phrase are found on their own as well, up to CANDIDATES of
them: FTS5 from the positions in its index, PostgreSQL from the pairs of words side by side
(migration 0016). At 100,000 assets bench/search.py measures the whole search()
(bench/RESULTS.md, "Search").

When fewer assets than asked for hold every term, those holding some follow (search()):
each term finds its own share of the candidates, and the assets holding all the terms but
one (MOST_TERMS) come before those holding fewer; before both, those holding two of the
terms side by side as typed (querytext.phrase_pairs(): "speech to text for german" lists
the speech recognisers before the hate speech datasets).

What was typed is read as a web search reads it (querytext.normalise()): a word or a quoted
phrase with a minus sign in front ("segmentation -dataset") leaves out the assets whose
documents hold it, a phrase in double quotes must be held, its words side by side, in every
pass and in the exact name match: SQLite in its MATCH expressions (FTS5's NOT and AND),
PostgreSQL off each candidate's document (websearch_to_tsquery()). Words joined by "or" are
one term, held when any of them is ("image or video segmentation").

The last word, while it may still be being typed, is a prefix (querytext.normalise): both
databases stem it and take the indexed words its stem starts ("imag": imag, image,
imagenet). SQLite answers it from prefix indexes (migration 0010), PostgreSQL spells it out
as those words (_Postgres, catalog_search_word). A word the stemmer shortens is a whole
word ("images": imag), searched as its stem ("images" does not find ImageNet), and when
that finds nothing, beside the indexed words it starts ("imagene": imagenet). A word typed
past its stem ("segmentat", indexed "segment") starts none, or only names' words glued
together ("retrieva": retrieval32m): the words it may be the start of (completions())
stand in for it, as prefixes of their stems (stand_ins()); and a prefix finding nothing
stands for the indexed words it starts, or the word it is with a letter or two mistyped at
its end (search(), shorter_words(), MAX_STAND_INS).

Results mark the words that matched, stemmed as the database stems them (STEMMERS). When
nothing, or only some of the words, matched, the misspelt ones are put right (spelling(); the
search page then shows the results for the words put right when those hold every word, and
offers them when they find any) and the closest names found (closest_names()).
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import functools
import itertools
import re
import sqlite3
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

import snowballstemmer
from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count

from catalog import licences, querytext
from catalog.languages import known_words as known_language_words
from catalog.languages import names as language_names
from catalog.languages import searched_names as searched_language_names
from catalog.languages import searched_words as searched_language_words
from catalog.models import Asset, Organization, Score, Task, loaded_fields
from catalog.records import join_words, published_by
from unfragile import generation

CANDIDATES = 200  # matches ranked per query: enough for 20 results, cheap to rank
# When a query matches more than CANDIDATES assets, those among the TOP_RANKED best-ranked
# assets are ranked too, so that a broad need ("text generation") does not miss the best
# assets for it.
TOP_RANKED = 500
# When any term may match, the assets holding all the terms but one come first, for queries
# of three terms up to this many (the expression grows with the square of their number).
MOST_TERMS = 6
SHORTER_MIN = 4  # characters of an indexed word that a typed prefix may stand for
# Relevance within 1/n of the best result counts as a near-tie, n by database: ts_rank()
# spreads relevance about four times as wide as bm25 does. Measured on the bundled catalog,
# SQLite at 1/20 against PostgreSQL at 1/20, 1/10, 1/7, 1/5, 1/4 and 1/3 over 53 needs (its
# tasks with 8 assets or more, and 24 everyday needs): their top 10 shared 73, 79, 81, 86,
# 84 and 83 % of their assets, the same first result 29, 30, 35, 38, 38 and 38 times. Over
# 43 other needs (tasks with 2-7 assets, 20 more needs): 75 % at 1/20, 77 % at 1/5.
RELEVANCE_BANDS = {"sqlite": 20, "postgresql": 5}
CAPABILITIES_SHOWN = 3
# How far a name may be from a query and still be offered as a close name on PostgreSQL, in
# word distance (1 - word_similarity()). pg_trgm's own threshold (similarity 0.6, distance
# 0.4) left "stabel difusion" (0.43 from "Stable Diffusion XL") and "multiple" without a
# suggestion on the bundled catalog; 0.6 still keeps "bert-base" (0.8) from "bret". At
# 100,000 names the nearest five take 21-35 ms (15-28 ms within pg_trgm's threshold), on
# the no-results path only.
NAME_DISTANCE = 0.6
# Closer still, for names offered beside results that hold only some of the words: a
# misspelt name ("stable difusion": Stable Diffusion XL), not any name sharing a few letters.
CLOSE_NAME_DISTANCE = 0.3
# The most words a name of the bundled catalog is written in (spaces apart, each holding a
# letter or a digit: "Lexica Search with Stable Diffusion v1.5 (1B)"; a test keeps it true).
# A search of more words holding only some of them is a need described at length, no name
# misspelt: names close to it are not looked for (matching its trigrams took SQLite 50 ms at
# 100,000 names, for none).
NAME_WORDS_MAX = 7
SNIPPET_CHARS = 180
BATCH = 500
# PostgreSQL text search configuration: english stemming, as SQLite's porter, and, as FTS5,
# no stop words, so that a phrase is matched word for word: "english" drops "to", and
# 'text' <2> 'imag' then also holds in "text generation, image and text to text".
CONFIG = "unfragile"

# CamelCase: "SceneParsing", "HTMLParser"; not before a version ("YOLOv10" is not "YOL Ov10").
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])(?![A-Z]v[0-9])")
# Letters glued to a number in a name ("resnet50", "Qwen3", "YOLOv10", "mobilenetv3"): a
# version ("v" and its number) from four letters on, a number from three letters on, so
# that "in1k", "b4", "t5" and "conv2d" stay whole.
_GLUED = re.compile(r"(?<=[A-Za-z]{4})(?=v[0-9])|(?<=[A-Za-z]{3})(?<![vV])(?=[0-9])")

# Letters, then after a space or hyphen a number ("GPT-4o", "Llama 3"): _joined().
_APART = re.compile(r"(?<![^\s(-])([^\W\d_]{3,})[\s-]+(\d[^\W_]*)")

# A qualifier in brackets that ends a name: "GPT-4o (2024-05-13)", "Llama 3 (8B)".
_QUALIFIER = re.compile(r"\s*\([^()]*\)\s*$")
# `exact` of a ranked row: the query is the asset's name, or its name without the qualifier
# in brackets that ends it (base_key()), or, for several words, a name that starts with them
# (_Names); 0 for none.
EXACT_NAME, NAME_WITHOUT_QUALIFIER, NAME_STARTS = 3, 2, 1
NAMED_CANDIDATES = 20  # rows a name pass adds, at most: a name typed in part starts many

Part = tuple[str, bool]  # (text, is a matched term): templates wrap the True ones in <mark>


@dataclass
class MatchedCapability:
    id: int
    title: str
    title_parts: list[Part]


@dataclass
class Result:
    asset: Asset
    relevance: float
    exact: bool
    # False for an asset holding only some of the terms (search()).
    all_terms: bool
    capabilities: list[MatchedCapability] = field(default_factory=list)
    snippet: list[Part] = field(default_factory=list)
    # The asset's name, its matched words flagged.
    name_parts: list[Part] = field(default_factory=list)
    # When no capability matched: the tasks the asset lists that did (task_shown()).
    tasks: list[list[Part]] = field(default_factory=list)
    # When nothing else it shows matched: its external id, if that did (name_words() holds
    # the words of its last part).
    id_parts: list[Part] = field(default_factory=list)
    # The ids of the tasks it lists (tasks_shown_first()).
    task_ids: frozenset[int] = frozenset()
    # When its licence matched: its name and, if that matched, what it allows
    # (licences.terms_label()): "MIT (permissive, commercial use allowed; ...)".
    licence_parts: list[Part] = field(default_factory=list)
    # When a word named a language it covers (languages.searched_names()), which its page
    # may leave among "and 80 more": those languages, and how many it covers in all.
    language_parts: list[Part] = field(default_factory=list)

    @property
    def capability_ids(self) -> list[int]:
        return [c.id for c in self.capabilities]


def search(
    q: str | querytext.Normalised,
    kind: str | None = None,
    task: str | None = None,
    licence: str | None = None,
    limit: int = 20,
    using: str = DEFAULT_DB_ALIAS,
    offset: int = 0,
    language: str | None = None,
) -> list[Result]:
    """Published assets matching `q`: those holding every term, then, when they are fewer
    than `offset + limit` and there are several terms, those holding some of them
    (all_terms False); `limit` of them from `offset` on. Every page ranks the same
    candidates (CANDIDATES), so that pages follow on from one another.

    `licence="none"` selects assets with no stated licence, and a value of
    licences.ALLOWING ("commercial-use") those under the licences it stands for; what was
    typed with a minus sign in front (n.excluded) leaves out the assets whose documents hold
    it, and those lacking a quoted phrase (n.phrases) are left out too. Three queries, or
    four when the search for any term runs; none when the query holds no searchable term.
    On PostgreSQL a typed prefix adds one (_Postgres); when a typed prefix finds nothing,
    looking for the words that stand in for it adds one, and ranking with them another (the
    words standing in for a whole word, or for one typed past a stem, stand in from the
    first ranking without a query; when they find nothing, PostgreSQL reads the words the
    letters typed start with the prefix's spelling out, if they start with its stem). A last
    word too short to be a prefix while typed (n.partial): the search for the others stands
    for that for some of the words, and when fewer than asked for hold them all, the search
    for some of them adds one. When fewer than asked for hold every word and a word names
    a language, the search for the others among the assets covering it adds one (named
    alone, the assets covering it, best ranked: as many) (language_words(), read once per
    data generation, another). A `task` is looked up by
    its slug in tasks(), read once per data generation: a slug naming none finds nothing;
    the tasks the words name (tasks_named()) are read off the same.
    """
    n = q if isinstance(q, querytext.Normalised) else querytext.normalise(q)
    if not n.terms or limit <= 0:
        return []
    task_id = None
    if task:
        # By its id, which PostgreSQL's statistics know: how many assets list it decides
        # whether matches are found through the task or through the words.
        if task not in (listed := tasks(using)):
            return []
        task_id = listed[task][1]
    offset = max(offset, 0)
    wanted = offset + limit  # rows ranked: those of earlier pages, then this one's
    backend = _Postgres() if connections[using].vendor == "postgresql" else _SQLite()
    filters = _Filters(kind or "", task_id, licence or "", *backend.narrowing(n, using),
                       language=language or "", steer=() if kind else tuple(n.kinds),
                       organisations=makers_named(n, using),
                       makers_apart=makers_apart(n, using),
                       order=n.order, task_first=bool(n.order) and names_a_task(n, using),
                       tasks_named=tasks_named(n, using))
    names = _names(n, using)
    terms = backend.all_terms(n, using)
    # A word being typed that the stemmer shortens is a whole word ("parsing": pars;
    # "faces": face): it stands for itself, not for every word its stem starts (ParsiNLU,
    # facebook). A word being typed that runs past the stem of the word it is the start of
    # starts only names' words glued together ("embeddi": embeddinggemma,
    # Qwen3VLEmbedding2B; "embedding" is indexed as embed; "segmentat": none): the words it
    # may be the start of stand in for it, as prefixes of their stems (embed*), so that
    # results do not turn to those names, or vanish, in the middle of a word. Known before
    # ranking (stand_ins()): no query more.
    shorter, prefixes = backend.stand_ins(n, using) if n.prefix else ([], False)
    # The words side by side as typed hold its stem, not the letters typed: the results
    # holding "text classification" rank first for "text classifica" as for "text classif".
    phrased = n
    if shorter:
        terms = backend.all_terms(n, using, shorter, prefixes)
        if len(shorter) == 1:
            phrased = _typed_as(n, shorter[0])
    rows = backend.rank(using, terms, names, filters, wanted,
                        phrase=backend.phrase(phrased), turned=backend.turned_around(n, using))
    # A word being typed whose stem starts no indexed word ("analys": stemmed anali, the
    # index holds analysi) stands for the indexed words it starts, or the word it is
    # mistyped at its end ("segmentz"); a whole word that found nothing, for the indexed
    # words it starts beside it ("deepse", stemmed deeps: deepseek); the words standing in
    # for it as prefixes that found nothing, for the indexed words it starts instead
    # ("gemin" may be the start of "geming", stemmed geme, which no entry holds: gemini).
    # Failing those, the words people describe needs with that it starts ("portugue":
    # portuguese, whose stem, portugues, "portugue" does not start; "recogniti":
    # recognition), and the words it is the start of by an ending whose stems the index
    # holds ("harnes", stemmed harn as a word: harness, stemmed har; "supervis": supervise;
    # "gami": gaming). (It was searched as the words standing in for it, or as a prefix.)
    if n.prefix and not rows and (
            more := (backend.glued_words if shorter else backend.shorter_words)(n, using)
            or started_words(n.prefix, shorter or [n.prefix], prefixes or not shorter, using)):
        shorter, prefixes = (more if prefixes else [*shorter, *more]), False
        rows = backend.rank(using, backend.all_terms(n, using, shorter), names, filters, wanted)
    if len(rows) < wanted and not language and (named := _language_term(n, using)):
        # A word naming a language: the assets covering it that hold the other words
        # follow those holding them all. The index names only SPOKEN_MAX of an asset's
        # languages: "swahili embeddings" finds the embedding models covering a hundred
        # languages, Swahili among them, after those saying Swahili. (A backend of its own:
        # PostgreSQL's remembers the prefix spelled out for the words it was first given.)
        # The language named alone ("malagasy", "scottish gaelic": the words of its name
        # go together): the assets covering it, best ranked first.
        term, codes = named
        same = {t for t in n.terms if t == term or set(_names_language(t, using)) & set(codes)}
        reduced = dataclasses.replace(
            n, terms=[t for t in n.terms if t not in same],
            prefix=None if n.prefix in same else n.prefix)
        seen = {row[0] for row in rows}
        covering = type(backend)()
        kept = dataclasses.replace(filters, languages=codes)
        more = (covering.rank(using, covering.all_terms(
                    reduced, using, *((shorter, prefixes) if reduced.prefix else ())),
                    _names(reduced, using), kept, wanted)
                if reduced.terms else _best_ranked(using, kept, wanted))
        rows += [row for row in more if row[0] not in seen][: wanted - len(rows)]
    full = len(rows)
    if full < wanted and len(querytext.term_groups(n)) > 1:
        # Fewer assets than asked for hold every word ("depth estimation": one library
        # lists the task): those holding some of them follow, so that the depth models that
        # never say "estimation" are not missed. Those holding every word are among them
        # again: asked for as many more, so that the others still fill the page.
        # Words naming a kind find no candidates (an asset holding only "library", Granite
        # Library, is no answer to "evaluation library"), though they count among the words
        # an asset holds ("licensed image model": image models first). Those holding two of
        # the terms side by side as typed rank first (querytext.phrase_pairs()), then those
        # holding all but one; then, of each, those listing a task the words name ("small
        # llm for chat": the chat LLMs, not LLM2Vec's embedding models, which hold "llm"
        # and "chat" too). Not steered to kinds and organisations named.
        seen = {row[0] for row in rows}
        if n.partial:
            # A last word too short to be a prefix, which may be being typed ("speech r"):
            # those holding the other words follow, ranked as if it were not typed yet (a
            # backend of its own, as for a language), not the names holding the letter.
            before = dataclasses.replace(n, text=n.text.removesuffix(n.terms[-1]).rstrip(),
                                         terms=n.terms[:-1], partial=False)
            others = type(backend)()
            more = others.rank(using, others.all_terms(before, using), _names(before, using),
                               filters, wanted + full, phrase=others.phrase(before),
                               turned=others.turned_around(before, using))
            # Fewer than asked for holding them all, those holding some of them follow
            # (one query more).
            if len(more) < wanted + full and len(querytext.term_groups(before)) > 1:
                found = {row[0] for row in more}
                more += [row for row in others.rank(
                    using, others.any_term(before, using), _names(before, using),
                    _some_words(filters), wanted + full, phrase=others.pairs(before),
                ) if row[0] not in found]
        else:
            more = backend.rank(using, backend.any_term(n, using, shorter, prefixes), names,
                                _some_words(filters), wanted + full,
                                phrase=backend.pairs(phrased))
        rows += [row for row in more if row[0] not in seen][: wanted - full]
    rows, full = rows[offset:], max(full - offset, 0)
    if not rows:
        return []
    if shorter:
        # What the results show marked: the words that stood in for the one being typed.
        n = dataclasses.replace(n, terms=[*n.terms, *(w for w in shorter if w not in n.terms)])
    return _results(rows, n, full, using, filters.makers_apart)


@dataclass(frozen=True)
class _Makers:
    """What the search knows of the organisations' names (makers())."""

    # Each organisation's name, split, as written and as its namespace, as the terms
    # normalise() makes of it, joined by spaces ("hugging face", "huggingface", "open ai").
    names: tuple[str, ...]  # sorted
    # The organisations each of them names, by id.
    named: dict[str, frozenset[int]]
    # The words of those names the index holds (maker_words()), sorted, and their stems.
    words: tuple[str, ...]
    stems: frozenset[str]
    whole: frozenset[str]  # the words of `names`
    # The words of `words` of SPELLING_MIN letters or more, with how many makers' names hold
    # each, for putting them right (spelling()).
    spelt: dict[str, int]


# Read once per data generation.
_makers = generation.memo()


def makers(using: str = DEFAULT_DB_ALIAS) -> _Makers:
    def read() -> _Makers:
        names: dict[str, set[int]] = defaultdict(set)
        words: Counter[str] = Counter()
        for org_id, slug, name in _names_held(using)[1]:
            spelt, held = _maker_names(name, slug)
            words.update(set(held))
            for written in spelt:
                names[written].add(org_id)
        stemmer = STEMMERS[connections[using].vendor]
        return _Makers(tuple(sorted(names)),
                       {name: frozenset(ids) for name, ids in names.items()},
                       tuple(sorted(words)),
                       frozenset(stem(word, stemmer) for word in words),
                       frozenset(word for name in names for word in name.split()),
                       {word: used for word, used in words.items()
                        if len(word) >= SPELLING_MIN and word.isalpha()})

    return _makers.get(using, read)


@functools.lru_cache(maxsize=16_384)
def _maker_names(name: str, slug: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """An organisation's names as _Makers holds them, and the words its assets' entries
    hold of them (read again with every data generation, worked out once)."""
    # (normalise() reads hyphens and underscores as spaces: "meta-llama" is meta llama.)
    spelt = (" ".join(querytext.normalise(written).terms)
             for written in (name, split_words(name), slug))
    return (tuple(dict.fromkeys(filter(None, spelt))),
            tuple(_WORD.findall(querytext.index_text(maker_words(name, slug)))))


def makers_named(n: querytext.Normalised, using: str = DEFAULT_DB_ALIAS) -> tuple[int, ...]:
    """The ids of the organisations whose names some of `n`'s words in a row are (_runs():
    "hugging face", "huggingface", "open ai", "meta llama"), as the search steers to them
    (_Filters.organisations)."""
    named = makers(using).named
    return tuple(sorted({org_id for run in _runs(n.terms) for org_id in named.get(run, ())}))


def makers_apart(n: querytext.Normalised, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the search for `n` leaves out what its words match in makers' names
    (maker_words()): when a word is one of theirs ("face", "ai") or the word being typed
    starts one, and the words name no maker. They name one when some of them in a row
    (_runs()) are its name ("hugging face", "openai", "mistral ai", "facebook"), or, when
    the last may be being typed, start it ("hugging fa", "hugging", "mistr"): not a word
    being typed that is a whole word of a name ("face": not the start of "facebook"), nor
    one too short to be a prefix alone."""
    known = makers(using)
    stemmer = STEMMERS[connections[using].vendor]
    if not (any(stem(term, stemmer) in known.stems for term in n.terms)
            or n.prefix and _starts_one(n.prefix, known.words)):
        return False
    if any(run in known.named for run in _runs(n.terms)):
        return False
    if n.prefix or n.partial:
        # (A word too short to be a prefix, only after others: "hugging fa", not "chatbot ai",
        # which "ai singapore" starts.)
        ending = (" ".join(n.terms[-k:])
                  for k in range(1 + n.partial, min(RUN_WORDS, len(n.terms)) + 1))
        last = n.terms[-1]
        if any(_starts_one(f"{run} ", known.names)
               or last not in known.whole and _starts_one(run, known.names) for run in ending):
            return False
    return True


def left_out(n: querytext.Normalised, using: str = DEFAULT_DB_ALIAS) -> str:
    """What `n` leaves out (_Filters.excluded), as the index of `using` reads it: any of
    the texts left out (querytext.excluded_words()); one holding a word of a maker's name
    that names no maker (makers()) only where it is held elsewhere than in a maker's name
    ("segmentation -face": not Hugging Face's assets; "-openai": OpenAI's too). "" for
    nothing left out."""
    vendor = connections[using].vendor
    known = makers(using) if n.excluded else None
    parts = []
    for words in querytext.excluded_words(n):
        apart = (any(stem(word, STEMMERS[vendor]) in known.stems for word in words)
                 and " ".join(querytext.normalise(" ".join(words)).terms) not in known.named)
        if vendor == "postgresql":
            if text := querytext.pg_phrase_of(words):
                parts.append(f"({weighed(text) if apart else text})")
        else:
            phrase = querytext.fts5_phrase_of(words)
            parts.append(f"(-{{maker}} : ({phrase}))" if apart else phrase)
    return (" | " if vendor == "postgresql" else " OR ").join(parts)


def _starts_one(start: str, ordered: Sequence[str]) -> bool:
    """Whether `start` starts any of `ordered` (sorted)."""
    at = bisect.bisect_left(ordered, start)
    return at < len(ordered) and ordered[at].startswith(start)


def _some_words(filters: _Filters) -> _Filters:
    """`filters` for the search for some of the words: steered only to the tasks they name,
    and after those holding more of the words (_Filters.words_first)."""
    return dataclasses.replace(filters, steer=(), organisations=(), order="",
                               task_first=False, words_first=True)


def _typed_as(n: querytext.Normalised, stem: str) -> querytext.Normalised:
    """`n` with the word being typed, the last, as `stem`, which stands in for it."""
    if not (n.prefix and n.text.endswith(n.prefix)):
        return n
    return dataclasses.replace(n, text=n.text.removesuffix(n.prefix) + stem,
                               terms=[*n.terms[:-1], stem], prefix=stem)


# Every task and every organisation, (id, slug, name) by name: remembered while the data
# generation stands still, read in one statement, since every search asks which of them its
# words name (tasks_named(), makers()).
_catalog_names = generation.memo()


def _names_held(using: str) -> tuple[list[tuple[int, str, str]], list[tuple[int, str, str]]]:
    def read() -> tuple[list[tuple[int, str, str]], list[tuple[int, str, str]]]:
        held: tuple[list, list] = ([], [])
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"SELECT 0, id, slug, name FROM {Task._meta.db_table} UNION ALL "
                f"SELECT 1, id, slug, name FROM {Organization._meta.db_table} ORDER BY 1, 4, 3")
            for of, *row in cursor.fetchall():
                held[of].append(tuple(row))
        return held

    return _catalog_names.get(using, read)


# Every task, {slug: (name, id)} by name. The search form lists them; a task filter looks its
# id up.
_tasks = generation.memo()


def tasks(using: str = DEFAULT_DB_ALIAS) -> dict[str, tuple[str, int]]:
    return _tasks.get(using, lambda: {
        slug: (name, task_id) for task_id, slug, name in _names_held(using)[0]})


def names_a_task(n: querytext.Normalised, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the words typed side by side (querytext.phrase_words()) are a task's name,
    slug or other name (TASK_ALIASES): "image generation", not "embedding api"."""
    phrase = " ".join(querytext.phrase_words(n))
    if not phrase:
        return False
    return phrase in {
        spelling for slug, (name, _) in tasks(using).items()
        for spelling in (name.lower(), slug.replace("-", " "),
                         *TASK_ALIASES.get(slug, "").lower().split(", "))
    }


@dataclass(frozen=True)
class _TaskSpellings:
    """Every way the tasks are spelt: their names, slugs and other names (TASK_ALIASES)."""

    # {the stems of its terms (querytext.typed_terms()): ids of the tasks spelt so}
    stems: dict[tuple[str, ...], frozenset[int]]
    # {the stems of all its terms but the last: [(the last term, its stem, the ids)]}, the
    # terms as typed too, without those normalise() adds
    ends: dict[tuple[str, ...], list[tuple[str, str, frozenset[int]]]]
    # {the stems of its two terms the other way round: ids}, of the spellings of two terms
    # that name no direction ("image classification", not "image to text"): what a verb and
    # the word it acts on name ("classify images")
    turned: dict[tuple[str, ...], frozenset[int]]
    # The stems of the words of the spellings naming a direction ("image to text"): image,
    # text; "images from text" names one as "text to images" would (typed_terms()).
    directed: frozenset[str]

    def started(self, head: tuple[str, ...], typed: str) -> frozenset[int]:
        """The ids of the tasks spelt with the stems `head` and then a term that `typed`,
        a word being typed past its stem, starts ("text generati": text generation)."""
        return frozenset().union(*(
            ids for term, stem, ids in self.ends.get(head, ())
            if term.startswith(typed) and _typed_past(typed, stem)))


# Read once per data generation.
_task_spellings = generation.memo()


def _spellings(using: str) -> _TaskSpellings:
    def read() -> _TaskSpellings:
        found: dict[tuple[str, ...], set[int]] = defaultdict(set)
        # {(stems, the last term): ids}, also without the terms normalise() adds (a word's
        # other spelling), which a word being typed is not given: "summarizatio" is the
        # start of Summarisation.
        ending: dict[tuple[tuple[str, ...], str], set[int]] = defaultdict(set)
        turned: dict[tuple[str, ...], set[int]] = defaultdict(set)
        directed: set[str] = set()
        for slug, (name, task_id) in tasks(using).items():
            for spelling in (name, slug, *TASK_ALIASES.get(slug, "").split(",")):
                text = spelling.replace("-", " ")
                terms = querytext.typed_terms(querytext.normalise(text))
                if not terms:
                    continue
                found[_stems(terms)].add(task_id)
                if "to" in text.lower().split():
                    directed.update(_stems(terms))
                elif len(terms) == 2:
                    turned[_stems(terms)[::-1]].add(task_id)
                written = set(re.findall(r"[a-z0-9]+", text.lower()))
                for spelt in (terms, [t for t in terms if t in written]):
                    if spelt:
                        ending[_stems(spelt), spelt[-1]].add(task_id)
        ends: dict[tuple[str, ...], list[tuple[str, str, frozenset[int]]]] = defaultdict(list)
        for (stems, term), ids in ending.items():
            ends[stems[:-1]].append((term, stems[-1], frozenset(ids)))
        return _TaskSpellings({stems: frozenset(ids) for stems, ids in found.items()},
                              dict(ends),
                              {stems: frozenset(ids) for stems, ids in turned.items()},
                              frozenset(directed))

    return _task_spellings.get(using, read)


def _stems(terms: Sequence[str]) -> tuple[str, ...]:
    return tuple(querytext.porter_stem(term)[1] for term in terms)


def tasks_named(n: querytext.Normalised, using: str = DEFAULT_DB_ALIAS) -> tuple[int, ...]:
    """The ids of the tasks that runs of `n`'s terms spell, stemmed, by name, slug or other
    name ("large language models", "llm": text generation): their assets are steered first
    (_Filters.task_steering()), so that "llm for coding" lists the code generators before the
    embedding models named C2LLM, which hold "llm" and "code" too, and "vlm" the vision
    language models before VLM2Vec. The longest runs first: a shorter one within a longer
    names nothing ("image classification": not the datasets of the task named
    Classification evaluation, whose slug is "classification"). A direction is named with
    "from" as with "to" ("images from text": text to image, not image to text). A verb and
    the word it acts on name what a name of two words says the other way round ("classify
    images": image classification; "generate text": text generation), after the runs in
    order and before single words, unless that word begins a compound ("generate text
    embeddings": not text generation). Words in quotes name none, as they steer to no kind;
    words joined by "or" do, each ("llm or vlm"), and so does a word with its other
    spelling ("summarization": Summarisation). A last word being typed names with the word
    it starts once typed past its stem, as it is searched (stand_ins()): "image classifi"
    as "image classification", not "image cla". The tasks are read once per data
    generation (tasks(), which the search page reads anyway)."""
    if not n.terms:
        return ()
    spellings = _spellings(using)
    quoted, terms = querytext.quoted_words(n), querytext.typed_terms(n, spellings.directed)
    stems = _stems(terms)
    typed = n.prefix if n.prefix and terms[-1] == n.prefix else None
    covered: set[int] = set()
    named: set[int] = set()

    def name(i: int, k: int, ids: frozenset[int] | None) -> None:
        if ids:
            named.update(ids)
            covered.update(range(i, i + k))

    def runs(k: int) -> Iterator[int]:
        """Where a run of `k` terms neither named nor quoted starts."""
        for i in range(len(stems) - k + 1):
            if covered.isdisjoint(range(i, i + k)) and quoted.isdisjoint(terms[i:i + k]):
                yield i

    def in_order(k: int) -> None:
        for i in runs(k):
            ids = spellings.stems.get(stems[i:i + k])
            if not ids and typed and i + k == len(stems):
                ids = spellings.started(stems[i:i + k - 1], typed)
            name(i, k, ids)

    for k in range(min(len(stems), max(map(len, spellings.stems), default=0)), 1, -1):
        in_order(k)
    compound = querytext.compounded(n)
    for i in runs(2):
        if terms[i + 1] not in compound:
            name(i, 2, spellings.turned.get(stems[i:i + 2]))
    in_order(1)
    return tuple(sorted(named))


# The words naming the languages assets cover, {word: their ISO 639-3 codes}, as the
# index holds them (languages.searched_words(): "swahili": swa, swh): remembered while the
# data generation stands still.
_language_words = generation.memo()


def language_words(using: str = DEFAULT_DB_ALIAS) -> dict[str, tuple[str, ...]]:
    def read() -> dict[str, tuple[str, ...]]:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT DISTINCT code FROM catalog_search_language")
            codes = sorted(row[0] for row in cursor.fetchall())
        words: dict[str, set[str]] = defaultdict(set)
        for code in codes:
            for name in searched_language_names([code]):
                for word in querytext.index_text(searched_language_words(name)).split():
                    words[word].add(code)
        return {word: tuple(sorted(found)) for word, found in words.items()}

    return _language_words.get(using, read)


def _names_language(term: str, using: str) -> tuple[str, ...]:
    """The codes of the widely known languages (languages.known_words()) `term` names that
    some asset covers; () for none, told without a query for a word naming none."""
    return language_words(using).get(term, ()) if term in known_language_words() else ()


def _language_term(n: querytext.Normalised, using: str) -> tuple[str, tuple[str, ...]] | None:
    """The first term of `n` naming a widely known language (languages.known_words()) some
    asset covers, with the codes it names; None for none, the usual case, told without a
    query. A word among others joined by "or", in quotes, or also left out ("swahili
    -swahili x"), is taken as typed."""
    if len(n.terms) < 2 and (n.phrases or n.alternatives):
        return None
    quoted = querytext.quoted_words(n)
    grouped = {word for group in n.alternatives for word in group.split()}
    for term in n.terms:
        if term not in quoted and term not in grouped and term not in n.excluded \
                and (codes := _names_language(term, using)):
            return term, codes
    return None


# Published assets under each licence, {id: assets}, remembered while the data generation
# stands still: the licence filters list those licences.
_licences_held = generation.memo()


def licences_held(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    return _licences_held.get(using, lambda: dict(
        Asset.objects.using(using).published().exclude(licence="").values("licence")
        .annotate(n=Count("id")).values_list("licence", "n")))


# Where each database keeps the name keys of the assets (name_key, base_key; indexed).
NAME_KEYS = {"postgresql": "catalog_search_doc", "sqlite": "catalog_search_name"}
# "A vs B" typed as a search: two names and the word between them ("vs", "vs." or "versus").
_VERSUS = re.compile(r"\s+(?:vs\.?|versus)\s+")


@dataclass(frozen=True)
class Named:
    """An asset a search names, enough to link to and to find its alternatives: its slug,
    name, id, kind and subtype (the role of a tool listing no task: comparisons.pairs)."""

    slug: str
    name: str
    id: int
    kind: str
    subtype: str = ""


def versus_named(n: querytext.Normalised, using: str = DEFAULT_DB_ALIAS
                 ) -> tuple[Named, Named] | None:
    """The two published assets the words name when they read "A vs B": each side by the
    name it is as typed, or without the qualifier that ends it ("claude 3.5 sonnet": Claude
    3.5 Sonnet (20241022)), as the search finds exact names (_name_keys()); of several, the
    one named exactly, then the best ranked, then the newest. None unless each side names
    one and not the same: one query, none when the words hold no such word between two
    others."""
    sides = _VERSUS.split(n.text)
    if len(sides) != 2 or not all(side.strip() for side in sides):
        return None
    found = _assets_named(sides, using)
    return (found[0], found[1]) if found and found[0].slug != found[1].slug else None


# What asks for the alternatives to an asset, its name after ("alternatives to gpt-4o",
# "an open model similar to whisper-base") or before ("gpt-4o alternatives").
_ALTERNATIVES_TO = re.compile(
    r"(?:^|\s)(?:alternatives?|replacements?|substitutes?|competitors?|similar)"
    r"\s+(?:to|for|of)\s+(?P<name>\S.*)$")
_ALTERNATIVES_AFTER = re.compile(r"^(?P<name>.*\S)\s+(?:alternatives?|replacements?|competitors?)$")


def alternatives_named(n: querytext.Normalised, using: str = DEFAULT_DB_ALIAS
                       ) -> Named | None:
    """The published asset whose alternatives the words ask for ("alternatives to X",
    "similar to X", "X alternatives"), X named as in versus_named(); None when they ask for
    none or X names no asset: one query, none when the words do not ask."""
    asked = _ALTERNATIVES_TO.search(n.text) or _ALTERNATIVES_AFTER.match(n.text)
    if asked is None:
        return None
    found = _assets_named([asked.group("name")], using)
    return found[0] if found else None


def _assets_named(names: Sequence[str], using: str) -> list[Named] | None:
    """The published asset each of `names` names (versus_named()), or None unless each names
    one; one query."""
    keys = [_name_keys(querytext.normalise(name + " ")) for name in names]
    if not all(key[0] for key in keys):
        return None
    wanted = sorted({k for key in keys for k in key if k})
    marks = ", ".join(["%s"] * len(wanted))
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"""SELECT n.name_key, n.base_key, a.slug, a.name, s.rank, a.released_on, a.id,
                a.kind, a.subtype
            FROM {NAME_KEYS[connections[using].vendor]} n JOIN catalog_asset a ON a.id = n.asset_id
            LEFT JOIN catalog_score s ON s.asset_id = n.asset_id
            WHERE a.status = 'published' AND (n.name_key IN ({marks})
                OR n.base_key IN ({marks}) AND n.base_key <> '')""",
            [*wanted, *wanted],
        )
        rows = cursor.fetchall()

    def first(row: tuple, key: tuple[str, ...]) -> tuple:
        # Named exactly, the best ranked, the newest (a date, or its ISO text on SQLite),
        # then by slug.
        name_key, _, slug, _, rank, released, _, _, _ = row
        day = date.fromisoformat(str(released)).toordinal() if released else 0
        return (name_key not in key, -(rank if rank is not None else -1.0), -day, slug)

    found = []
    for key in keys:
        if not (named := [row for row in rows if row[0] in key or row[1] in key]):
            return None
        _, _, slug, name, _, _, pk, kind, subtype = min(
            named, key=lambda row, key=key: first(row, key))
        found.append(Named(slug, name, pk, kind, subtype))
    return found


def closest_names(
    q: str | querytext.Normalised, limit: int = 5, using: str = DEFAULT_DB_ALIAS,
    close: bool = False, kind: str | None = None, task: str | None = None,
    licence: str | None = None, language: str | None = None,
) -> list[Asset]:
    """Published assets whose names are closest to `q`: by trigram similarity (on SQLite,
    then by the longest shared prefix when those are fewer than `limit`). `close`: only
    those within CLOSE_NAME_DISTANCE, none by prefix alone, for a search that found only
    assets holding some of its words ("stable difusion"), and none for a search of more
    words than a name is written in (NAME_WORDS_MAX). The filters keep what they keep
    in search(). One query (and one for the assets; on SQLite, trigrams_held() one, once
    per data generation, for a key whose trigrams are not all matched alike)."""
    distance = CLOSE_NAME_DISTANCE if close else NAME_DISTANCE
    n = q if isinstance(q, querytext.Normalised) else querytext.normalise(q)
    key = querytext.index_text(n.wanted)
    if len(key) < 3 or (close and words_written(n.wanted) > NAME_WORDS_MAX):
        return []
    connection = connections[using]
    if (kept := _kept(connection.vendor, kind, task, licence, language, using)) is None:
        return []
    where, params = kept
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # `<<->`: word distance, 1 - the similarity of the query to the closest stretch
            # of a name, which the GiST trigram index on lower(name_key) (migration 0012)
            # hands over nearest first, so the scan stops after `limit` names; those within
            # NAME_DISTANCE are kept.
            nearest = (
                "SELECT asset_id, dist FROM ("
                "SELECT d.asset_id, %s <<-> lower(d.name_key) AS dist FROM catalog_search_doc d "
                f"JOIN catalog_asset a ON a.id = d.asset_id AND {where} {{few}}"
                "ORDER BY %s <<-> lower(d.name_key) LIMIT %s) nearest WHERE dist <= %s")
            args = [key, *params, key, limit, distance]
            if kind or task or licence or language:
                # The nearest names are walked until `limit` of them are in the filters: for
                # a filter keeping few assets, thousands of them, most too far to show (a
                # tenth of a second and more at 100,000 assets). When it keeps FEW_KEPT or
                # fewer, those are measured instead, as PostgreSQL tells apart by counting
                # at most one more of them (a rare task at 100,000 assets: 10-30 ms, not
                # 50-400; a common one, 2-3 ms more).
                cursor.execute(
                    f"WITH kept AS MATERIALIZED (SELECT a.id FROM catalog_asset a "
                    f"WHERE {where} LIMIT {FEW_KEPT + 1}) "
                    "SELECT asset_id, dist FROM ("
                    "SELECT d.asset_id, %s <<-> lower(d.name_key) AS dist FROM kept "
                    "JOIN catalog_search_doc d ON d.asset_id = kept.id "
                    f"WHERE (SELECT count(*) FROM kept) <= {FEW_KEPT} "
                    "ORDER BY dist LIMIT %s) few WHERE dist <= %s UNION ALL "
                    + nearest.format(few=f"WHERE (SELECT count(*) FROM kept) > {FEW_KEPT} "),
                    [*params, key, limit, distance, *args],
                )
            else:
                cursor.execute(nearest.format(few=""), args)
            # Equally close names in a fixed order.
            ids = [row[0] for row in sorted(cursor.fetchall(), key=lambda row: (row[1], row[0]))]
        else:
            ids = _sqlite_closest(cursor, key, limit, distance, by_prefix=not close,
                                  where=(where, params))
    return _for_cards(ids, using)


def _kept(vendor: str, kind: str | None, task: str | None, licence: str | None,
          language: str | None, using: str) -> tuple[str, list] | None:
    """The SQL condition on an asset (`a`) keeping what the filters keep in search(), and
    its parameters; None for a task slug naming no task (tasks())."""
    task_id = None
    if task:
        if task not in (listed := tasks(using)):
            return None
        task_id = listed[task][1]
    return _Filters(kind or "", task_id, licence or "", language=language or "").sql(vendor)


def _for_cards(ids: list[int], using: str) -> list[Asset]:
    """The assets of `ids`, in that order, as cards show them; no query for none."""
    if not ids:
        return []
    assets = Asset.objects.using(using).filter(id__in=ids).for_cards().in_bulk()
    return [assets[i] for i in ids if i in assets]


def names_started(
    q: str | querytext.Normalised, limit: int = 5, using: str = DEFAULT_DB_ALIAS,
    kind: str | None = None, task: str | None = None, licence: str | None = None,
    language: str | None = None,
) -> list[Asset]:
    """Published assets whose names start with what was typed, the best ranked first, then
    the newest (newness()): for a word too short to be searched by its start (querytext:
    PREFIX_MIN_CHARS), the search page lists these ("ge": Gemma, GeoEmbedding). Read from the
    name index, a range of it, up to STARTED_READ names; the filters keep what they keep in
    search(). One query, and one for the assets; none when nothing was typed."""
    n = q if isinstance(q, querytext.Normalised) else querytext.normalise(q)
    key = querytext.index_text(n.wanted)
    if not key or limit <= 0:
        return []
    connection = connections[using]
    vendor = connection.vendor
    if (kept := _kept(vendor, kind, task, licence, language, using)) is None:
        return []
    where, params = kept
    # A range of the name index, in byte order (on PostgreSQL the index of migration 0026,
    # in the "C" collation), as _Names.passes() reads it.
    name = f"""d.name_key{' COLLATE "C"' if vendor == "postgresql" else ""}"""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.asset_id FROM (SELECT d.asset_id, d.newness FROM {NAME_KEYS[vendor]} d "
            f"JOIN catalog_asset a ON a.id = d.asset_id "
            f"WHERE {name} >= %s AND {name} < %s AND {where} LIMIT {STARTED_READ}) d "
            "LEFT JOIN catalog_score s ON s.asset_id = d.asset_id "
            "ORDER BY COALESCE(s.rank, -1.0) DESC, d.newness DESC, d.asset_id LIMIT %s",
            [key, key + "\U0010ffff", *params, limit])
        ids = [row[0] for row in cursor.fetchall()]
    return _for_cards(ids, using)


# The names names_started() reads at most, in the index's order, to list the best ranked of:
# a letter starts a twentieth of them.
STARTED_READ = 2000


# Assets a filter may keep for the closest names to be measured among them all, not found by
# walking the nearest names until enough are in the filter (PostgreSQL; closest_names()).
FEW_KEPT = 1000


# What the kinds are called, with their plurals: words people describe needs with.
KIND_WORDS = "model models fine-tune fine-tunes dataset datasets tool tools library libraries"
SPELLING_MIN = 4  # letters of a word that spelling() may put right
# Letters of a word that spelling() may put right two letters off. Shorter, two letters are
# a third of the word and more, and the word is as likely one of its own: "sports" is not
# "shots", nor "device" "devin".
TWO_EDITS_MIN = 8
# Letters of a word that spelling() may put right to a word of a name by a letter changed or
# two swapped; shorter, only by a letter it lacks or has too many (_closest_word()).
NAME_CHANGE_MIN = 6
# Assets covering a language for its name to be a word spelling() puts words right to: the
# catalog names over a thousand, most covered by one multilingual set ("time series" is not
# "time sepiks").
SPELLING_LANGUAGE_MIN = 5


def spelling(n: querytext.Normalised, using: str = DEFAULT_DB_ALIAS,
             names: Sequence[str] = ()) -> str | None:
    """`n`'s text with its misspelt words put right, or None when none is: a word the index
    does not hold that is a letter off (two, from TWO_EDITS_MIN letters on) a word people
    describe needs with (need_words(), with the same first letter): "segmentaton modl":
    "segmentation model"; failing that, a letter off a word of `names` (the names closest
    to what was typed: "stable difusion", Stable Diffusion XL: "stable diffusion"), or of a
    maker's name (makers(): "antropic claude": "anthropic claude"), under NAME_CHANGE_MIN
    letters only by a letter lacking or too many (_closest_word()). A word the index holds
    is put right, a letter off, only where the words then name a task or a maker ("imge
    segmentation"). A word being typed that starts one of those, or a word the index holds
    (completions()), is not misspelt. For the no-results path and for results holding only
    some of the words: one query, none when every word is one of those (and need_words()
    one, once per data generation).
    """
    stemmer = STEMMERS[connections[using].vendor]
    words, stems = need_words(using)
    # (Only the words typed: not the task of a verb or the other spelling of a word, which
    # normalise() adds.)
    typed = set(re.findall(r"[a-z]+", n.text))
    doubtful = [
        term for term in dict.fromkeys(n.terms)
        if len(term) >= SPELLING_MIN and term in typed
        and stem(term, stemmer) not in stems
        and not (term == n.prefix and any(word.startswith(term) for word in words))
    ]
    if not doubtful:
        return None
    # A word being typed past the stem of a word the index holds is that word's start, not
    # a word misspelt ("math reasonin": reasoning, not "math reasonir", a maker's name):
    # the words it may be the start of (completions()) asked for in the same query.
    being_typed = n.prefix if n.prefix in doubtful and _may_run_past_stem(n.prefix) else ""
    completed = [w for w in completions(being_typed) if w not in doubtful] if being_typed else []
    held = _held([*doubtful, *completed], stemmer, using)
    if being_typed and not held.isdisjoint(completed):
        doubtful.remove(being_typed)
        held.discard(being_typed)
    held.difference_update(completed)
    if not doubtful:
        return None
    named = Counter(word for name in names for word in re.findall(r"[a-z]+", name.lower())
                    if len(word) >= SPELLING_MIN)
    fixes = {}
    # To a word of a name, a letter off only: two letters off, a word the index does not
    # hold is as likely a word of its own ("on device" is not "on devin", nor "deepfake
    # detection" "deepfile detection"). The word being typed is not put right to a word it
    # starts: that is typing it on ("reinforcement lear": learn).
    for term in set(doubtful) - held:
        fix = (_closest_word(term, words) or _closest_word(term, named, names=True)
               or _closest_word(term, makers(using).spelt, names=True))
        if fix and not (term == n.prefix and fix.startswith(term)):
            fixes[term] = fix
    # A word the index holds may be misspelt still, stemmed as another word is ("imge" as
    # "img", of Sent2Img; "huging" as "huge"): put right when a letter off a word that then
    # names a task or a maker the words did not name ("imge segmentation": image
    # segmentation; "huging face": hugging face), not otherwise ("imge" alone); the others
    # put right as well ("imge segmentaton"). A word the index holds is more likely a word
    # than a name misspelt: not put right two letters off ("math reasoning" is not "math
    # reasonir", a maker's name), nor when the stemmer leaves it as typed, as the index then
    # holds it as a word of its own ("unit test generation" is not "unit text generation",
    # nor "song lyrics" "sony lyrics"). Taken in the order typed, each against the words
    # with those before it put right.
    for term in [t for t in doubtful if t in held and stem(t, stemmer) != t]:
        if not (fix := _closest_word(term, words, most=1)
                or _closest_word(term, makers(using).spelt, names=True)):
            continue
        before = querytext.retyped(n, _respelt(n.text, fixes)) if fixes else n
        respelt = querytext.retyped(n, _respelt(n.text, {**fixes, term: fix}))
        if (set(tasks_named(respelt, using)) - set(tasks_named(before, using))
                or set(makers_named(respelt, using)) - set(makers_named(before, using))):
            fixes[term] = fix
    spelled = _respelt(n.text, fixes)
    return spelled if spelled != n.text else None


def _respelt(text: str, fixes: dict[str, str]) -> str:
    """`text` with the words `fixes` maps put right."""
    return re.sub(r"[a-z]+", lambda m: fixes.get(m.group(), m.group()), text)


# need_words(), remembered while the data generation stands still.
_need_words = generation.memo()


def need_words(using: str = DEFAULT_DB_ALIAS) -> tuple[dict[str, int], frozenset[str]]:
    """The words people describe needs with (of SPELLING_MIN letters or more, and their
    plurals): the tasks' names, slugs and other names, the kinds, and the names of the
    languages SPELLING_LANGUAGE_MIN assets cover; with how many of those names hold each;
    and their stems as the index of `using` holds them. One query for the languages (and
    tasks() its own)."""
    def read() -> tuple[dict[str, int], frozenset[str]]:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT code FROM catalog_search_language GROUP BY code "
                           "HAVING count(*) >= %s", [SPELLING_LANGUAGE_MIN])
            spoken = language_names([row[0] for row in cursor.fetchall()])
        texts = [*TASK_ALIASES.values(), *spoken,
                 *(f"{name} {slug}" for slug, (name, _) in tasks(using).items())]
        words = Counter(word for text in texts for word in re.findall(r"[a-z]+", text.lower())
                        if len(word) >= SPELLING_MIN)
        # Every asset is of a kind: the kinds' words count as held by every name.
        words.update({word: len(texts) for word in re.findall(r"[a-z]+", KIND_WORDS)
                      if len(word) >= SPELLING_MIN})
        for word, count in list(words.items()):
            if not word.endswith("s"):
                words[word + "s"] = max(words[word + "s"], count)
        stemmer = STEMMERS[connections[using].vendor]
        return dict(words), frozenset(stem(word, stemmer) for word in words)

    return _need_words.get(using, read)


def started_words(typed: str, searched: Sequence[str], prefixes: bool,
                  using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The words a word being typed may be the start of (need_words_started(),
    completed_words()) that its own search did not reach: it was searched as the words
    `searched` (their stems; as prefixes of them when `prefixes`), and those it reached are
    of no use ("detection", a whole word stemmed detect: not detections)."""
    stemmer = STEMMERS[connections[using].vendor]
    stems = [stem(word, stemmer) for word in searched]

    def reached(word: str) -> bool:
        stemmed = stem(word, stemmer)
        return any(stemmed == s or (prefixes and stemmed.startswith(s)) for s in stems)

    return [word for word in need_words_started(typed, using) if not reached(word)] + [
        *completed_words(typed, using, reached)]


def need_words_started(typed: str, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The words people describe needs with (need_words()) that `typed` is the start of,
    shortest first, up to MAX_STAND_INS; no query but need_words()'s."""
    words = sorted((w for w in need_words(using)[0] if w.startswith(typed) and w != typed),
                   key=lambda w: (len(w), w))
    return words[:MAX_STAND_INS]


def completed_words(typed: str, using: str = DEFAULT_DB_ALIAS,
                    skipped: Callable[[str], bool] = lambda word: False) -> list[str]:
    """The words `typed` may be the start of by an ending (completions(), and the endings
    that make the commonest words of any: "claus", clause; "uncas", uncased) whose stems
    the index holds, as words, but those `skipped`; one query, none for a word of other
    than ASCII letters or when every word is skipped."""
    if not _ascii_letters(typed):
        return []
    stemmer = STEMMERS[connections[using].vendor]
    # One word a stem, the first (recognition, not recognitic; clause, not clausing).
    by_stem: dict[str, str] = {}
    for word in [*completions(typed), *(
            typed + ending for ending in ("e", "s", "ed", "es", "ing"))]:
        if word != typed and not skipped(word):
            by_stem.setdefault(stem(word, stemmer), word)
    if not by_stem:
        return []
    held = _held(list(by_stem.values()), stemmer, using)
    return [word for word in by_stem.values() if word in held][:MAX_STAND_INS]


def _held(terms: list[str], stemmer: str, using: str) -> set[str]:
    """Those of `terms` whose stems the index holds."""
    stems: dict[str, list[str]] = defaultdict(list)
    for term in terms:
        stems[stem(term, stemmer)].append(term)
    marks = ", ".join(["%s"] * len(stems))
    table, column = (("catalog_search_word", "word")
                     if connections[using].vendor == "postgresql"
                     else ("catalog_search_vocab", "term"))
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {column} IN ({marks})", list(stems))
        return {term for row in cursor.fetchall() for term in stems[row[0]]}


def _closest_word(term: str, words: dict[str, int], most: int = 2,
                  names: bool = False) -> str | None:
    """The word of `words` fewest edits from `term` (a letter added, dropped, changed or two
    swapped), with the same first letter, a length at most one apart and at most one edit
    off (`most`, from TWO_EDITS_MIN letters on); of equally close ones, the most used
    ("modl": model, not modal), then the first in alphabetical order. `names`: words of
    names, a letter off at most, and for a word shorter than NAME_CHANGE_MIN only by a
    letter it lacks or has too many ("lama": llama, "gogle": google, "metta": meta), a
    letter changed making another word as often as a name ("clone" is not Cline, nor
    "song" Sony)."""
    most = 1 if names or len(term) < TWO_EDITS_MIN else most
    added_or_dropped = names and len(term) < NAME_CHANGE_MIN
    best: tuple[int, int, str] | None = None
    for word, used in words.items():
        if word[0] != term[0] or abs(len(word) - len(term)) > 1:
            continue
        if added_or_dropped and len(word) == len(term):
            continue
        edits = _edits(term, word, most)
        if edits <= most and (best is None or (edits, -used, word) < best):
            best = (edits, -used, word)
    return best[2] if best else None


def _edits(a: str, b: str, most: int) -> int:
    """Edits from `a` to `b` (optimal string alignment), or `most + 1` once past `most`."""
    before, row = None, list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            cost = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (x != y))
            if before is not None and i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if min(current) > most:
            return most + 1
        before, row = row, current
    return row[-1]


# Names the SQLite trigram pass scores in Python, of those FTS5 ranks best: ranked on every
# trigram of the key, or on the rarest alone (trigram_match()), which tell the closest less
# well. Over 28 queries finding nothing at 100,000 assets, the five closest of all were
# found for 20 ranking 50 on every trigram, 16 ranking 50 on the rarest, 24 ranking 200 on
# the rarest (4-8 times faster than the first).
TRIGRAM_CANDIDATES = 50
RAREST_TRIGRAM_CANDIDATES = 200
# FTS5's trigram tokenizer came with SQLite 3.34: with an older library migration 0021
# makes no trigram table, and close names are found by their prefix alone.
SQLITE_TRIGRAMS = sqlite3.sqlite_version_info >= (3, 34, 0)


def _padded(word: str) -> str:
    """A word padded as pg_trgm pads it: two spaces before, one after."""
    return f"  {word} "


def padded_words(text: str) -> str:
    """`text` with each word padded (_padded()), so that the trigrams FTS5 takes of it hold
    those of the words' starts and ends."""
    return "".join(map(_padded, text.split()))


def _word_trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams of `text`: those of each word padded."""
    grams = set()
    for padded in map(_padded, text.split()):
        grams.update(padded[i:i + 3] for i in range(len(padded) - 2))
    return grams


def _within(held: int, wanted: int, distance: float) -> bool:
    """Whether a name holding `held` of the `wanted` trigrams of a key is within `distance`
    of it, as pg_trgm's word distance tells."""
    return held / wanted >= 1 - distance


def trigram_match(wanted: set[str], distance: float,
                  held: Callable[[], dict[str, int]] = dict) -> tuple[str, bool]:
    """An FTS5 MATCH expression for the names that may hold enough of the trigrams `wanted`
    to be within `distance`, and whether it holds every one of them. Such a name lacks at
    most `most` of them, so it holds one of any `most` + 1: when every one of two or more
    disjoint groups that size may be asked for, one of each group ("(a OR b) AND (c OR
    d)"), the rest in the last; else, when it may lack over half of them (NAME_DISTANCE),
    one of the `most` + 1 rarest alone. The rarest come first (`held()`: how many names
    hold each trigram, asked for only when there are fewer), so that FTS5 reads the few
    names holding one of those and looks the others up in them. (A long need at 100,000
    assets: 3,700 names, not the 91,000 holding any, in a tenth of the time; a query
    finding nothing, whose trigrams a close name may half lack, 50-200 ms, not 0.3-0.6 s.)
    Grouped, every trigram is in it once, so bm25() ranks a name as it would for any of
    them; the rarest alone rank names on those only (_sqlite_closest() scores more)."""
    grams = sorted(wanted)
    total = len(grams)
    most = max(lacking for lacking in range(total + 1)
               if _within(total - lacking, total, distance))
    size = most + 1
    quoted = list(map(querytext.fts5_quote, grams))
    if size >= total:
        return " OR ".join(quoted), True
    names = held()
    rarest = sorted(range(total), key=lambda i: (names.get(grams[i], 0), grams[i]))
    groups = total // size
    if groups < 2:
        return " OR ".join(quoted[i] for i in rarest[:size]), False
    parts = [rarest[i * size:(i + 1) * size] for i in range(groups - 1)]
    parts.append(rarest[(groups - 1) * size:])
    return " AND ".join(f"({' OR '.join(quoted[i] for i in part)})" for part in parts), True


# trigrams_held(), remembered while the data generation stands still.
_trigrams_held = generation.memo()


def trigrams_held(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """How many names each trigram of the SQLite name index is held by (migration 0036): one
    query, once per data generation (a fifth of a second at 100,000 assets)."""
    def read() -> dict[str, int]:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT term, doc FROM catalog_search_trigram_vocab")
            return dict(cursor.fetchall())

    return _trigrams_held.get(using, read)


def words_written(text: str) -> int:
    """How many words `text` is written in: those spaces apart holding a letter or a digit
    ("Granite 3.1 - 1B - Base": 4)."""
    return sum(1 for word in text.split() if any(ch.isalnum() for ch in word))


def _sqlite_closest(cursor, key: str, limit: int, distance: float = NAME_DISTANCE,
                    by_prefix: bool = True,
                    where: tuple[str, list] = ("a.status = 'published'", [])) -> list[int]:
    """Published assets whose names share the most of the typed key's trigrams (migration
    0021), then those sharing the longest prefix with it, in one statement. FTS5 finds the
    names that may hold enough of the trigrams (trigram_match()), best ranked first, and
    each is scored as pg_trgm's word similarity would, by the share of the key's trigrams
    it holds, and kept within `distance`; the prefix pass fills the rest."""
    wanted = _word_trigrams(key)
    stem = key[:3]
    by_trigrams, params = "", []
    if SQLITE_TRIGRAMS:
        match, every = trigram_match(wanted, distance, lambda: trigrams_held(cursor.db.alias))
        by_trigrams = (
            "SELECT * FROM (SELECT 1, t.rowid, t.name_key FROM catalog_search_trigram t "
            f"CROSS JOIN catalog_asset a ON a.id = t.rowid AND {where[0]} "
            "WHERE catalog_search_trigram MATCH %s ORDER BY t.rank "
            f"LIMIT {TRIGRAM_CANDIDATES if every else RAREST_TRIGRAM_CANDIDATES}) UNION ALL "
        )
        params = [*where[1], match]
    cursor.execute(
        by_trigrams
        + "SELECT * FROM (SELECT 0, n.asset_id, n.name_key FROM catalog_search_name n "
        f"JOIN catalog_asset a ON a.id = n.asset_id AND {where[0]} "
        "WHERE n.name_key >= %s AND n.name_key < %s LIMIT 200)",
        [*params, *where[1], stem, stem + "\U0010ffff"],
    )
    rows = cursor.fetchall()
    scored = []
    for _, asset_id, padded in (row for row in rows if row[0]):
        held = len(wanted & _word_trigrams(padded))
        if _within(held, len(wanted), distance):
            scored.append((-held / len(wanted), len(padded), asset_id))
    ids = [asset_id for _, _, asset_id in sorted(scored)[:limit]]
    if not by_prefix:
        return ids
    prefixed = sorted((row for row in rows if not row[0]),
                      key=lambda row: (-_shared_prefix(row[2], key), len(row[2]), row[1]))
    ids += [row[1] for row in prefixed if row[1] not in ids][: limit - len(ids)]
    return ids


def reindex_assets(asset_ids: Iterable[int], using: str | None = None, apps=None) -> None:
    """Rewrite the index entries of these assets; ids of deleted assets lose their entry.

    Runs in the caller's transaction, so a save and its index entry commit together. `apps`
    is the migration's model registry when called from a migration.
    """
    using = using or DEFAULT_DB_ALIAS
    # A migration's registry: the migration that adds the word table fills it itself, one
    # before 0042 writes SQLite's index without the makers' column, and one before 0043 the
    # names without their newness.
    words = apps is None
    held = _Held() if words else _Held.read(using)
    apps = apps or global_apps
    ids = sorted({int(i) for i in asset_ids})
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        docs = _documents(chunk, using, apps)
        _write(chunk, docs, using, words=words, held=held)


# The GIN indexes of the search entries on PostgreSQL (migrations 0004, 0006 and 0016).
GIN_INDEXES = ("catalog_search_doc_fts", "catalog_search_doc_head", "catalog_search_doc_pairs")


def merge_pending(using: str = DEFAULT_DB_ALIAS) -> list[int]:
    """After writing many entries: on PostgreSQL, the entries the GIN indexes hold pending
    merged into them. A GIN index takes new entries into a pending list that every search
    reads through whole, until a VACUUM merges it or it outgrows 4 MB: after load_catalog it
    held every entry of the bundled catalog, and on a server whose autovacuum is off, or has
    not come round, it stays (searches for 50 everyday needs and their prefixes took 18-24 ms
    at the median and 38-48 ms at p95, against 11.5-14.5 ms and 18-22 ms merged). The list is kept
    for the writes it gathers: without it (fastupdate off) the 100,000 entries of
    bench/search.py were written in 390 s instead of 232 s. The pages of pending entries
    each index held, in the order of GIN_INDEXES; SQLite: nothing to do, none."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"gin_clean_pending_list('{index}'::regclass)"
                                             for index in GIN_INDEXES))
        return list(cursor.fetchone())


def remove_assets(asset_ids: Iterable[int], using: str | None = None) -> None:
    ids = sorted({int(i) for i in asset_ids})
    for start in range(0, len(ids), BATCH):
        _write(ids[start:start + BATCH], [], using or DEFAULT_DB_ALIAS)


# Signal handlers, connected in catalog.apps: admin saves and deletes keep the index current.


def asset_saved(sender, instance, **kwargs) -> None:
    reindex_assets([instance.pk], using=kwargs.get("using"))


def asset_deleted(sender, instance, **kwargs) -> None:
    remove_assets([instance.pk], using=kwargs.get("using"))


def capability_changed(sender, instance, **kwargs) -> None:
    reindex_assets([instance.asset_id], using=kwargs.get("using"))


def asset_tasks_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse:  # task.assets.add(...): instance is the task
        ids = pk_set or []
        if action == "post_clear":
            return  # the cleared ids are gone by now; the index keeps a stale task name
    else:
        ids = [instance.pk]
    reindex_assets(ids, using=kwargs.get("using"))


def _assets_of(instance, using: str | None) -> list[int]:
    """Assets whose documents hold this organisation's or task's name."""
    assets = Asset.objects.using(using or DEFAULT_DB_ALIAS)
    if instance._meta.model_name == "organization":
        assets = assets.filter(organization_id=instance.pk)
    else:
        assets = assets.filter(tasks__id=instance.pk)
    return list(assets.values_list("pk", flat=True))


def name_holder_saved(sender, instance, created, **kwargs) -> None:
    """An organisation or task renamed: its assets' documents carry the old name. Added or
    renamed, it is known at once where it is listed (tasks(), the filters of the search and
    browse pages, remembered per data generation), assets or none."""
    if not created:
        reindex_assets(_assets_of(instance, kwargs.get("using")), using=kwargs.get("using"))
    generation.advance()


def name_holder_deleting(sender, instance, **kwargs) -> None:
    # The links are gone by post_delete; remember whose documents name it.
    instance._search_assets = _assets_of(instance, kwargs.get("using"))


def name_holder_deleted(sender, instance, **kwargs) -> None:
    reindex_assets(getattr(instance, "_search_assets", []), using=kwargs.get("using"))
    generation.advance()


# Documents ---------------------------------------------------------------------------------


@dataclass
class _Document:
    asset_id: int
    name_key: str
    base_key: str
    name: str
    titles: str
    body: str
    # Its maker's names (maker_words()): matched only when a query names a maker (makers()).
    maker: str = ""
    # The languages it covers, as their ISO 639-3 codes (language_codes()).
    languages: tuple[str, ...] = ()
    # How new it is (newness()): the order of a family's members ranked alike.
    newness: int = 0


# Languages an asset may cover for the index to hold the names of all it covers that people
# name needs by (languages.searched_names()): its page names a few, the rest would stay
# unfound ("swahili": the sets of African languages, and the models covering dozens). Not
# the names of those covering a hundred or more: their entries would grow three times as
# long, and ranking weighs every word of a long entry down (bm25() and ts_rank() alike:
# FTS5 counts every column in a row's length), so that they would sink for every other
# need; the Language filter finds them. Of 40 everyday needs, 4 reorder within their
# first five.
SPOKEN_MAX = 50


def _spoken(languages) -> list[str]:
    """The names of the languages `languages` covers to index (SPOKEN_MAX), by the words
    the search finds them by (languages.searched_words())."""
    named = searched_language_names(languages if isinstance(languages, list) else [])
    return [searched_language_words(n) for n in named] if len(named) <= SPOKEN_MAX else []


def language_codes(languages) -> list[str]:
    """The ISO 639-3 codes of an asset's languages, each once and without their scripts
    ("kor-Hang", "kor-Kore": kor), as the Language filter looks them up."""
    if not isinstance(languages, list):
        return []
    codes = (code.split("-")[0].strip() for code in languages if isinstance(code, str))
    return list(dict.fromkeys(code for code in codes if code))


def split_words(text: str) -> str:
    """`text` with CamelCase and letter-digit runs split, so "SceneParsing" finds "scene"."""
    return _CAMEL.sub(" ", text)


# Words joined by hyphens in a text ("fine-tuned", "zero-shot", "multi-label").
_HYPHENED = re.compile(r"(?<![\w-])[A-Za-z]{2,}(?:-[A-Za-z]{2,})+(?![\w-])")


def hyphened_words(texts: Iterable[str]) -> str:
    """The words that `texts` join with hyphens, written as one ("fine-tuned": finetuned),
    as people also type them: the index holds them beside the words apart, so that
    "finetuned" finds the fine-tunes whose lineage says "Fine-tuned from", and "multilabel"
    the multi-label sets. A document holds them with its other text. A change ships with a
    migration running migrations._sql.reindex_everything()."""
    found = dict.fromkeys(match.replace("-", "").lower() for text in texts
                          for match in _HYPHENED.findall(text))
    return " ".join(found)


# A word written as one, letters and digits (what split_words() may split).
_WORD = re.compile(r"[^\W_]+")


def cased_words(texts: Iterable[str]) -> str:
    """The words of `texts` that change case within them ("ImageNet", "HotpotQA",
    "LibriSpeech"), whole and lower-cased, as people type them: the index holds them beside
    the words apart (split_words(): "image net"), so that "librispeech" finds the models
    trained on LibriSpeech, as "scene" still finds "SceneParsing". A document holds them
    with its other text. A change ships with a migration running
    migrations._sql.reindex_everything()."""
    found = dict.fromkeys(word.lower() for text in texts for word in _WORD.findall(text)
                          if _CAMEL.search(word))
    return " ".join(found)


# Other names people give some tasks, by slug: searched as the task's own words. The index
# holds them: a change ships with a migration running migrations._sql.reindex_everything().
# (A result shows them as written, the commas too; the index holds only the words.) A chatbot
# is what most who search for one want a text generator for: "chatbot" listed only the
# datasets of chatbot conversations (SynPerChatbot...), named for it.
TASK_ALIASES = {
    "automatic-speech-recognition": "speech to text, transcription, ASR",
    "text-to-speech": "speech synthesis, TTS",
    "token-classification": "named entity recognition, NER",
    "text-to-image": "image generation",
    "text-generation": "LLM, large language model, chatbot",
    "image-text-to-text": "vision language model, VLM, multimodal",
    "audio-text-to-text": "audio language model",
}


_SPEECH_TO_TEXT = "automatic speech recognition, speech to text, transcription"

# What some words in names stand for, by the word: searched as the words they stand for.
# Only words with one meaning in this catalog. A change ships with a migration running
# migrations._sql.reindex_everything(), or reindex_some() for the assets named with the words.
NAME_ALIASES = {
    "vit": "vision transformer",
    "ocr": "optical character recognition",
    "nli": "natural language inference",
    "vqa": "visual question answering",
    # Code models named for it (StarCoder, DeepSeek-Coder): both stemmers keep "coder" apart
    # from "code".
    "coder": "code",
    # The speech models and libraries named for what they do, which list no task: the APIs
    # (tts-1, gpt-4o-transcribe, whisper-1, Gemini 2.5 Flash TTS) and the libraries (ChatTTS,
    # F5-TTS, WhisperKit) were found by none of the task's names; and Whisper's models are
    # listed as embedding models only. Each stands for its task's names: the task's own and
    # its other names (TASK_ALIASES).
    "tts": "text to speech, speech synthesis",
    "asr": _SPEECH_TO_TEXT,
    "transcribe": _SPEECH_TO_TEXT,
    "whisper": _SPEECH_TO_TEXT,
}


# What a word stands for in the name of an API listing no task, besides NAME_ALIASES: the
# image generation APIs (GPT Image 1, gpt-5-image, Gemini 2.5 Flash Image: 14 in the bundled
# catalog) list neither a task nor a modality, and "image generation api" found none of them.
# Only there: in the names of models and datasets, "image" as often says what they take in.
# A change ships with a migration, as NAME_ALIASES's do.
UNTASKED_API_ALIASES = {"image": "text to image generation"}
_UNTASKED_API_NAME_ALIASES = {**NAME_ALIASES, **UNTASKED_API_ALIASES}


def alias_words(names: str, untasked_api: bool = False) -> str:
    """The words that the abbreviations among an asset's name words (name_words()) stand
    for (NAME_ALIASES), so that "vision transformer" finds the ViT models; for an API
    listing no task, UNTASKED_API_ALIASES's too."""
    aliases = _UNTASKED_API_NAME_ALIASES if untasked_api else NAME_ALIASES
    found = dict.fromkeys(aliases[w] for w in names.split() if w in aliases)
    return " ".join(found)


def task_words(name: str, slug: str) -> str:
    """A task as its assets' documents hold it: its name, the words of its slug (the
    registry's own name for it) that the name lacks, and its other names (TASK_ALIASES), so
    that "summarization" finds the task named "Summarisation", and "automatic speech
    recognition" or "transcription" the one named "Speech recognition"."""
    have = set(name.lower().replace("-", " ").split())
    extra = [word for word in slug.split("-") if word and word not in have]
    return " ".join([name, *extra, *([TASK_ALIASES[slug]] if slug in TASK_ALIASES else [])])


def task_shown(name: str, slug: str) -> tuple[str, int]:
    """A task as a search result shows it, and the length of its name there: the name, then
    in brackets what else its document calls it (task_words()), the slug's words when the
    name lacks some and its other names, so that a result found by "NER" says why: "Token
    classification (named entity recognition, NER)"."""
    have = set(name.lower().replace("-", " ").split())
    others = [slug.replace("-", " ")] if any(
        word and word not in have for word in slug.split("-")) else []
    if slug in TASK_ALIASES:
        others.append(TASK_ALIASES[slug])
    return (f"{name} ({', '.join(others)})" if others else name), len(name)


def name_words(name: str, external_id: str) -> str:
    """An asset's names as its document holds them: the name, then the words that other
    spellings of it add, in their order: the name split ("SceneParsing": scene parsing) and
    the last part of the external id ("nvidia/segformer-b4-finetuned-ade-512-512"). A word
    is there once however many spellings hold it, so that a name with a spelling of its own
    does not weigh twice."""
    return " ".join(_spelled_words(name, external_id, split_words))


def namespace_words(name: str, slug: str) -> str:
    """The words of an organisation's slug, its namespace, when its name lacks some of them
    ("facebook" for Meta, "jinaai" for Jina AI, "meta llama" for Meta), as its assets'
    documents hold them beside the name; "" when the name holds them all."""
    words = slug.replace("-", " ")
    return words if set(words.split()) - set(querytext.index_text(name).split()) else ""


def maker_words(name: str, slug: str) -> str:
    """The words an asset's document holds of its maker, an organisation: its name with
    CamelCase split ("Open AI"), as written when that splits it ("deepfloyd": DeepFloyd),
    and its namespace when named otherwise (namespace_words(): "facebook" for Meta,
    "huggingface"). Apart from the rest of the document: a word of a maker's name matches
    only when the query names a maker (makers()), or "face detection" would open with
    Hugging Face's libraries and "ai" match every asset of a maker named "... AI"."""
    whole = name if split_words(name) != name else ""
    return " ".join(filter(None, [split_words(name), whole, namespace_words(name, slug)]))


def unpublished(summary: str, maker: str | None) -> str:
    """A summary without the "published by" its maker that ends the first sentence of the
    summaries written from records (records.summary()): the maker's name is held apart
    (maker_words())."""
    return summary.replace(published_by(maker), ".", 1) if maker else summary


def base_key(name: str) -> str:
    """The name key (querytext.index_text()) of a name without the qualifier in brackets
    that ends it, so that "gpt-4o" finds "GPT-4o (2024-05-13)" right after an asset named
    GPT-4o; "" for a name without one."""
    base = _QUALIFIER.sub("", name)
    return querytext.index_text(base) if base != name else ""


# A number in a name as its version: one or two digits, a point and one or two more ("Claude
# Opus 4.7", "Llama-2-7b-hf", "Qwen2.5-VL", "whisper-large-v3"), not a size ("7B", "32k",
# "8x7b"), nor three digits or more ("0613", "512"), nor in brackets ("(2024-05-13)").
_VERSION = re.compile(r"(?<![\d.])(\d{1,2})(?:\.(\d{1,2}))?(?!\d)")
_SIZE_AFTER = re.compile(r"\s?(?:[bkmt](?![a-z])|x\d)")
# A letter standing alone before a number names a model, not a version ("e5", "bge-m3",
# "t5", "o3", "MiniLM-L6"); "v" does ("v1.3").
_LONE_LETTER = re.compile(r"(?:^|[^a-z])[a-uw-z]$")
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


def name_version(name: str) -> tuple[int, int] | None:
    """The version a name gives the asset, as (major, minor): its first number that is no
    size, date or model letter (_VERSION); None for a name without one. Among a family's
    members ranked alike, the newer come first (newness())."""
    text = _BRACKETED.sub(" ", name.lower())
    for m in _VERSION.finditer(text):
        if _LONE_LETTER.search(text, 0, m.start()) or _SIZE_AFTER.match(text, m.end()):
            continue
        return int(m[1]), int(m[2] or 0)
    return None


def newness(name: str, released: date | None) -> int:
    """How new an asset is, as one number the index holds: by the version its name gives
    (name_version()), then by its release date; 0 for neither. The search orders a family's
    members ranked alike by it (_ordered(): "claude" opens with Claude Opus 5.5, not Claude
    Instant V1). A name giving a version comes before one giving none, whatever their
    dates: a date and a version do not compare, and many of the newest have no date here
    (those only a price list names)."""
    version = name_version(name)
    day = released.year * 10000 + released.month * 100 + released.day if released else 0
    return (_versioned(*version) if version else 0) + day


def _versioned(major: int, minor: int) -> int:
    """The newness of a name giving this version, before its release date (yyyymmdd) is
    added."""
    return (major * 1000 + minor) * 100_000_000


def glued_words(name: str, external_id: str, names: str | None = None) -> str:
    """The words a name holds with its letters and numbers apart ("resnet50.a1_in1k":
    resnet 50) that name_words() lacks, so that "resnet" finds it, and those it holds apart
    joined (_joined(): "GPT-4o" gpt4o), so that "gpt4o" finds it. A document holds them
    with its other text, not its names: a word being typed that starts both "embedding2"
    and "embed" would otherwise count twice at a name's weight ("Embeddings" opened with
    the reranking sets named after Qwen3-VL-Embedding-2B). `names`: name_words() of the
    same, when the caller has it."""
    have = set((names if names is not None else name_words(name, external_id)).split())
    words = [w for w in _spelled_words(name, external_id, _split_glued) if w not in have]
    have.update(words)
    for text in (_QUALIFIER.sub("", name), external_id.rsplit("/", 1)[-1]):
        for word in _joined(text):
            if word not in have:
                have.add(word)
                words.append(word)
    return " ".join(words)


def _joined(text: str) -> list[str]:
    """A word of letters and the number a space or hyphen sets after it ("GPT-4o", "Llama 3
    Instruct"), joined as people also type them: gpt4o, llama3. Only from three letters
    on, as _GLUED takes them apart; not across the underscores and dots of a name like
    "mobilenetv3_large_100"."""
    return [word for _, _, word, _ in _joined_spans(text)]


def _joined_spans(text: str) -> list[tuple[int, int, str, int]]:
    """Where each of _joined()'s words stands in `text` (start, end), the word, and how
    many of its characters are letters."""
    return [(m.start(1), m.end(2), querytext.index_text(m[1] + m[2]), len(m[1]))
            for m in _APART.finditer(text)]


def _split_glued(text: str) -> str:
    return split_words(_GLUED.sub(" ", text))


def _spelled_words(name: str, external_id: str, split) -> list[str]:
    words = querytext.index_text(name).split()
    have = set(words)
    for other in (split(name), split(external_id.rsplit("/", 1)[-1])):
        for word in querytext.index_text(other).split():
            if word not in have:
                have.add(word)
                words.append(word)
    return words


# What the index holds of a kind besides its label: a fine-tune and an API are models too
# (querytext.KIND_STEERS), and "speech to text model" finds them as it finds the models. A
# change ships with a migration running migrations._sql.reindex_everything().
KIND_INDEXED = {"fine-tune": "Fine-tune model", "api": "API model"}


def _documents(ids: list[int], using: str, apps) -> list[_Document]:
    asset_model = apps.get_model("catalog", "Asset")
    capability_model = apps.get_model("catalog", "Capability")
    assets = asset_model.objects.using(using).filter(id__in=ids).values_list(
        "id", "name", "external_id", "kind", "subtype", "summary", "curated_summary", "licence",
        "organization__name", "organization__slug", "languages", "released_on",
    )
    task_names: dict[int, list[str]] = defaultdict(list)
    for asset_id, task_name, task_slug in asset_model.tasks.through.objects.using(using).filter(
        asset_id__in=ids
    ).values_list("asset_id", "task__name", "task__slug"):
        task_names[asset_id].append(task_words(task_name, task_slug))
    caps: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for asset_id, title, description in capability_model.objects.using(using).filter(
        asset_id__in=ids
    ).order_by("asset_id", "position", "id").values_list("asset_id", "title", "description"):
        caps[asset_id].append((title, description))

    kind_labels = {**dict(Asset.Kind.choices), **KIND_INDEXED}
    docs = []
    for (asset_id, name, external_id, kind, subtype, summary, curated, licence, org, org_slug,
         languages, released) in assets:
        names = name_words(name, external_id)
        summary = curated or unpublished(summary, org)
        # (The kind's label too: every fine-tune is found by "finetune".)
        texts = [summary, kind_labels.get(kind, kind), subtype,
                 *(text for pair in caps[asset_id] for text in pair)]
        body = [
            glued_words(name, external_id, names),
            alias_words(names, untasked_api=kind == "api" and not task_names[asset_id]),
            summary, kind_labels.get(kind, kind), subtype,
            licences.display_name(licence) if licence else "", licences.terms_label(licence),
            *task_names[asset_id],
            *(description for _, description in caps[asset_id]),
            hyphened_words(texts), cased_words(texts),
        ]
        docs.append(_Document(
            asset_id=asset_id,
            name_key=querytext.index_text(name),
            base_key=base_key(name),
            name=names,
            titles=querytext.index_text(" ".join(split_words(t) for t, _ in caps[asset_id])),
            # The languages it covers as written, not split: "JavaScript" is no "Java".
            body=querytext.index_text(" ".join(
                [*(split_words(part) for part in body if part), *_spoken(languages)])),
            maker=querytext.index_text(maker_words(org, org_slug)) if org else "",
            languages=tuple(language_codes(languages)),
            newness=newness(name, released),
        ))
    return docs


def ensure_configuration(cursor) -> None:
    """Create CONFIG (PostgreSQL) unless it exists: a copy of "english" whose stemmer keeps
    stop words. Migrations that write the index call this first (migrations._sql)."""
    cursor.execute(f"""DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_dict WHERE dictname = '{CONFIG}_stem') THEN
            CREATE TEXT SEARCH DICTIONARY {CONFIG}_stem (TEMPLATE = snowball, LANGUAGE = english);
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{CONFIG}') THEN
            CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = english);
            ALTER TEXT SEARCH CONFIGURATION {CONFIG}
                ALTER MAPPING REPLACE english_stem WITH {CONFIG}_stem;
        END IF;
    END $$""")


@dataclass(frozen=True)
class _Held:
    """What the index's tables hold besides what the first migrations made them with: the
    current code writes all of it; a migration's reindex_assets() what its schema has."""

    # SQLite's makers' column (migration 0042; PostgreSQL's makers take a weight).
    makers_apart: bool = True
    # The names' newness (migration 0043).
    newness: bool = True

    @classmethod
    def read(cls, using: str) -> _Held:
        vendor = connections[using].vendor
        with connections[using].cursor() as cursor:
            if vendor == "sqlite":
                cursor.execute(
                    "SELECT 1 FROM pragma_table_info('catalog_search_fts') "
                    "WHERE name = 'maker'")
                makers_apart = cursor.fetchone() is not None
            else:
                makers_apart = True
            cursor.execute(f"SELECT * FROM {NAME_KEYS[vendor]} LIMIT 0")
            columns = {column[0] for column in cursor.description}
        return cls(makers_apart=makers_apart, newness="newness" in columns)


def _write(ids: list[int], docs: list[_Document], using: str, words: bool = True,
           held: _Held = _Held()) -> None:
    # Search results and listings are cached per data generation: the index moving moves it.
    generation.advance()
    connection = connections[using]
    marks = ", ".join(["%s"] * len(ids))
    # A name row's columns (beside the document on PostgreSQL) and each document's values.
    named = ("asset_id", "name_key", "base_key", *(("newness",) if held.newness else ()))
    columns = ", ".join(named)

    def name_row(d: _Document) -> tuple:
        return tuple(getattr(d, column) for column in named)

    with connection.cursor() as cursor:
        # The languages each covers, for the Language filter: an index of their own.
        cursor.execute(f"DELETE FROM catalog_search_language WHERE asset_id IN ({marks})", ids)
        cursor.executemany(
            "INSERT INTO catalog_search_language (code, asset_id) VALUES (%s, %s)",
            [(code, d.asset_id) for d in docs for code in d.languages],
        )
        if connection.vendor == "postgresql":
            if docs:
                updated = ", ".join(f"{column} = EXCLUDED.{column}" for column in named[1:])
                cursor.executemany(
                    f"INSERT INTO catalog_search_doc ({columns}, document) "
                    f"VALUES ({', '.join(['%s'] * len(named))}, "
                    f"setweight(to_tsvector('{CONFIG}', %s), 'A') || "
                    f"setweight(to_tsvector('{CONFIG}', %s), 'B') || "
                    f"setweight(to_tsvector('{CONFIG}', %s), 'C') || "
                    f"setweight(to_tsvector('{CONFIG}', %s), 'D')) "
                    f"ON CONFLICT (asset_id) DO UPDATE SET {updated}, "
                    "document = EXCLUDED.document",
                    [(*name_row(d), d.name, d.titles, d.body, d.maker) for d in docs],
                )
            if docs and words:
                # The words of these documents, for spelling out typed prefixes.
                marks = ", ".join(["%s"] * len(docs))
                cursor.execute(
                    "INSERT INTO catalog_search_word (word) SELECT DISTINCT "
                    "unnest(tsvector_to_array(document)) FROM catalog_search_doc "
                    f"WHERE asset_id IN ({marks}) ON CONFLICT DO NOTHING",
                    [d.asset_id for d in docs],
                )
            gone = sorted(set(ids) - {d.asset_id for d in docs})
            if gone:
                marks = ", ".join(["%s"] * len(gone))
                cursor.execute(f"DELETE FROM catalog_search_doc WHERE asset_id IN ({marks})", gone)
            return
        cursor.execute(f"DELETE FROM catalog_search_fts WHERE rowid IN ({marks})", ids)
        cursor.execute(f"DELETE FROM catalog_search_name WHERE asset_id IN ({marks})", ids)
        if SQLITE_TRIGRAMS:
            cursor.execute(f"DELETE FROM catalog_search_trigram WHERE rowid IN ({marks})", ids)
        if docs and not held.makers_apart:
            # An index written by a migration before the makers' column came (0042), which
            # writes every entry again: their words with the rest, as then.
            docs = [dataclasses.replace(d, body=f"{d.body} {d.maker}".strip()) for d in docs]
            cursor.executemany(
                "INSERT INTO catalog_search_fts (rowid, name, titles, body) "
                "VALUES (%s, %s, %s, %s)",
                [(d.asset_id, d.name, d.titles, d.body) for d in docs],
            )
        elif docs:
            cursor.executemany(
                "INSERT INTO catalog_search_fts (rowid, name, titles, body, maker) "
                "VALUES (%s, %s, %s, %s, %s)",
                [(d.asset_id, d.name, d.titles, d.body, d.maker) for d in docs],
            )
        if docs:
            cursor.executemany(
                f"INSERT INTO catalog_search_name ({columns}) "
                f"VALUES ({', '.join(['%s'] * len(named))})",
                [name_row(d) for d in docs],
            )
            if SQLITE_TRIGRAMS:
                cursor.executemany(
                    "INSERT INTO catalog_search_trigram (rowid, name_key) VALUES (%s, %s)",
                    [(d.asset_id, padded_words(d.name_key)) for d in docs],
                )


# Querying ----------------------------------------------------------------------------------


# An operand of to_tsquery() input ("image", "imag:*", 'imag', 'imag':*), or an operator
# between words side by side ("<->", "<2>").
_OPERAND = re.compile(r"('(?:[^']|'')*'|[^\s()|&!<>:']+)(:\*)?|<[^>]*>")


def weighed(tsquery: str | None) -> str | None:
    """to_tsquery() input (as _Postgres writes it) whose every operand matches only words of
    weight A, B or C: not those of a maker's name (D, _write())."""
    if not tsquery:
        return tsquery
    return _OPERAND.sub(lambda m: m[0] if m[1] is None else
                        f"{m[1]}:{'*' if m[2] else ''}ABC", tsquery)


@dataclass(frozen=True)
class _Filters:
    kind: str
    task: int | None  # its id
    licence: str
    # Documents holding any of what was left out are left out, and only those holding every
    # quoted phrase kept: left_out(), and querytext.fts5_required() on SQLite,
    # pg_required_text() on PostgreSQL ("" for none).
    excluded: str = ""
    required: str = ""
    # A language as its ISO 639-3 code ("kor"): assets covering it in any script.
    language: str = ""
    # Assets covering any of these languages (search(): a word naming one).
    languages: tuple[str, ...] = ()
    # Kinds the query's words ask for (querytext.KIND_STEERS), when no kind is chosen: no
    # condition, but candidates of their own, ranked first (_ordered()).
    steer: tuple[str, ...] = ()
    # The organisations the words name, by id (makers_named()): their assets are ranked
    # first too ("openai embedding": OpenAI's, before LLM2CLIP-Openai).
    organisations: tuple[int, ...] = ()
    # What the words match in makers' names is left out: they name none (makers_apart()).
    makers_apart: bool = False
    # The order the words ask for (querytext.Normalised.order), by the figure
    # _order_figure() gives, "" for none: the lowest price, the longest context window, or
    # the fewest or most parameters. Those giving it find candidates of their own and come
    # first, in its order (_ordered()).
    order: str = ""
    # ...and those holding the name of a task as typed come before them ("cheap image
    # generation": the image generators first, then the cheapest of the rest).
    task_first: bool = False
    # The tasks the words name (tasks_named()): their assets are steered first, within the
    # kinds steered to if any, as those of the kinds and organisations named are.
    tasks_named: tuple[int, ...] = ()
    # In the search for some of the words: those holding two of them side by side, then
    # those holding all but one, come before those steered to (_ordered()).
    words_first: bool = False

    @property
    def steers(self) -> bool:
        """Whether some candidates are found apart (steer_sql())."""
        return bool(self.steer) or bool(self.order)

    def steering(self) -> str:
        """What steers a candidate first, read off its asset row `a` where the candidate
        passes find it: SQL counting whether it is of a kind the words ask for and of an
        organisation they name ("0" for nothing). The ids are integers, written in as
        literals."""
        parts = []
        if kinds := self._kinds_sql():
            parts.append(kinds)
        if self.organisations:
            ids = ", ".join(str(int(i)) for i in self.organisations)
            parts.append(f"a.organization_id IN ({ids})")
        counted = " + ".join(f"CASE WHEN {part} THEN 1 ELSE 0 END" for part in parts)
        return counted or "0"

    def task_steering(self) -> str:
        """SQL counting whether the candidate `c` (_ordered()) lists a task the words name,
        within the kinds they name, if any: "retrieval model" steers to no dataset of the
        task named Retrieval evaluation (its slug is "retrieval"), which would otherwise
        count as much as the models the words ask for; "" for none. Counted once per
        candidate, not in every pass as steering() is: on PostgreSQL, in every pass it made
        searches naming a task 12 % slower on the bundled catalog. The ids are integers,
        written in as literals."""
        if not self.tasks_named:
            return ""
        ids = ", ".join(str(int(i)) for i in self.tasks_named)
        kinds = self._kinds_sql("k")
        return ("CASE WHEN EXISTS (SELECT 1 FROM catalog_asset_tasks at "
                f"{'JOIN catalog_asset k ON k.id = at.asset_id ' if kinds else ''}"
                f"WHERE at.asset_id = c.asset_id AND at.task_id IN ({ids})"
                f"{f' AND {kinds}' if kinds else ''}) THEN 1 ELSE 0 END")

    def steer_sql(self, vendor: str) -> str:
        """A condition on catalog_asset `a` keeping the kinds steered to and, when the words
        ask for an order (`order`), those giving its figure (a list price, a context
        window, a parameter count); "" for none. The kinds are Asset.Kind values, written
        in as literals."""
        conditions = [self._kinds_sql()] if self.steer else []
        if self.order:
            conditions.append(f"{_order_figure(self.order, vendor, 'a')} IS NOT NULL")
        return " AND ".join(conditions)

    def _kinds_sql(self, alias: str = "a") -> str:
        """A condition on catalog_asset `alias` keeping the kinds steered to; "" for none."""
        if not self.steer:
            return ""
        kinds = [kind for kind in self.steer if kind in Asset.Kind.values]
        return f"{alias}.kind IN ({', '.join(f"'{kind}'" for kind in kinds)})"

    def sql(self, vendor: str, row: str = "a.id") -> tuple[str, list]:
        """Conditions on catalog_asset `a` (and on PostgreSQL its catalog_search_doc `d`),
        with their parameters. `row`: the asset's id in the rows they filter, read first.

        A task or a language keeps a few hundred of 100,000 assets, so a search for a common
        word with it reads tens of thousands of matches to find enough: they are tested on
        the id of each match as the index gives it, before its asset row is read (on SQLite
        three times faster than after)."""
        sql, params = ["a.status = 'published'"], []
        if vendor == "postgresql":
            # Read off each candidate's document, already at hand for ts_rank(). (SQLite
            # has them in its MATCH expressions: _SQLite.rank().)
            # websearch_to_tsquery() reads the quoted words as a phrase (<->), as the words
            # were typed; it never raises on its input.
            if self.required:
                sql.append(f"d.document @@ websearch_to_tsquery('{CONFIG}', %s)")
                params.append(self.required)
            if self.excluded:
                sql.append(f"NOT d.document @@ to_tsquery('{CONFIG}', %s)")
                params.append(self.excluded)
        if self.kind:
            sql.append("a.kind = %s")
            params.append(self.kind)
        if (ids := licences.filter_ids(self.licence)) is not None:
            sql.append(f"a.licence IN ({', '.join(['%s'] * len(ids))})")
            params.extend(ids)
        elif self.licence:
            sql.append("a.licence = %s")
            params.append("" if self.licence == "none" else self.licence)
        if self.task is not None:
            sql.append("EXISTS (SELECT 1 FROM catalog_asset_tasks at "
                       f"WHERE at.asset_id = {row} AND at.task_id = %s)")
            params.append(self.task)
        if self.language:
            # Records write a language with its script ("kor-Hang", "kor-Kore"), a curator
            # may write the code alone: the index keeps the code (language_codes()).
            sql.append("EXISTS (SELECT 1 FROM catalog_search_language l "
                       f"WHERE l.code = %s AND l.asset_id = {row})")
            params.append(self.language)
        if self.languages:
            marks = ", ".join(["%s"] * len(self.languages))
            sql.append("EXISTS (SELECT 1 FROM catalog_search_language l "
                       f"WHERE l.code IN ({marks}) AND l.asset_id = {row})")
            params.extend(self.languages)
        return " AND ".join(sql), params


def _shorter_candidates(prefix: str, stemmer: str) -> list[str]:
    """The words a typed prefix mistyped at its end may stand for: the stems of it without
    its last letter or two, of at least SHORTER_MIN characters ("segmentz",
    "segmentationz": segment), not every shorter start of it ("complet" never stands for
    "comp", the start of BrowseComp, nor "segmentat" for "seg"; a word cut past its stem
    has the words it may be the start of stand for it, stand_ins())."""
    return list(dict.fromkeys(
        word for k in (1, 2) if len(word := stem(prefix[:-k], stemmer)) >= SHORTER_MIN))


# Endings of English words that stemmers take off (or shorten): what a word being typed
# may go on with past its stem ("classificati" + "on": classification, stem classif).
ENDINGS = (
    "ation", "ations", "ational", "ative", "atives", "ator", "ators", "ition", "itions",
    "ication", "ications", "ization", "izations", "isation", "ion", "ions", "ing", "ings",
    "ed", "er", "ers", "es", "al", "als", "ally", "ive", "ives", "ity", "ities", "ment",
    "ments", "ness", "ize", "izer", "izers", "ized", "ise", "ism", "ist", "ists", "able",
    "ible", "ance", "ence", "ical", "ic", "ics", "ous", "ly", "ies", "ier", "ied", "y",
)


# Endings a word's last consonant is doubled before ("embedd": embedding, embedded).
DOUBLING_ENDINGS = ("ing", "ings", "ed", "er", "ers")


def completions(typed: str) -> list[str]:
    """The words a typed prefix may be the start of, past its stem: it, ended by each of
    ENDINGS whose first letters it already ends with ("retrieva": retrieval; "embeddi":
    embedding; "generati": generation, generative); by a single one only if a vowel, as
    the last letter of a word is more often its own than an ending's ("vision" is no
    "visio" and "ness"). Ending in a consonant doubled, also by each of DOUBLING_ENDINGS
    whole ("embedd": embedding, "modell": modelling)."""
    doubled = len(typed) > 2 and typed[-1] == typed[-2] and typed[-1] not in "aeiou"
    return list(dict.fromkeys([
        *(typed + ending[k:] for ending in ENDINGS for k in range(1, len(ending))
          if typed.endswith(ending[:k]) and (k > 1 or ending[0] in "aeiou")),
        *(typed + ending for ending in DOUBLING_ENDINGS if doubled),
    ]))


def _past_stem(typed: str, completed: Iterable[tuple[str, str]]) -> list[str]:
    """The words standing for a typed prefix, as prefixes: of `completed` (its completions()
    with their stems, as the index stems them), one word for each stem that it runs past
    (_typed_past()), and of those stems only the ones no other starts ("embeddi":
    embedding, for embed, not embedd too, which would count every word the two start
    twice). A word, not its stem, as the database stems what it searches again, and a
    stem may not be its own ("embed" is searched as emb; "embedding" as embed).
    "classificati" starts only names' words glued together in the index
    ("classificationv2"), never the way to type "classification": classification (classif)
    stands for it (not "class": no completion stems so); "classr" goes on as no ending does
    (classroom), and nothing stands for it."""
    found: dict[str, str] = {}
    for word, stemmed in completed:
        if (stemmed and stemmed != typed and len(stemmed) >= SHORTER_MIN
                and _typed_past(typed, stemmed)):
            found.setdefault(stemmed, word)
    return [word for stemmed, word in found.items()
            if not any(other != stemmed and stemmed.startswith(other) for other in found)]


def _typed_past(typed: str, stem: str) -> bool:
    """Whether `typed` runs past `stem`, the stem of a word it starts: it starts with it, or
    with all of it but the final e an ending drops ("minin", mining: mine; "codin": code)."""
    return typed.startswith(stem) or (
        stem.endswith("e") and len(typed) >= len(stem) and typed.startswith(stem[:-1])
        and typed[len(stem) - 1] in "aeiouy")


def _stand_ins(typed: str, stemmed: str, stemmer: str,
               completed: Iterable[tuple[str, str]] | None = None) -> tuple[list[str], bool]:
    """The words standing in for `typed`, the word being typed as the index reads it, whose
    stem is `stemmed` (see search()), and whether as prefixes: when the stemmer shortens
    it, it, as a word; when it may run past its stem, one word for each stem of the words it
    may be the start of (_past_stem(); `completed`: its completions() with their stems, when
    read), as prefixes; else none. Only words of ASCII letters."""
    if _whole_word(typed, stemmed):
        return [typed], False
    if not _may_run_past_stem(typed):
        return [], False
    words = _past_stem(typed, completed if completed is not None else (
        (word, stem(word, stemmer)) for word in completions(typed)))
    return words, bool(words)


def _glued(typed: str, words: Iterable[str], stemmer: str) -> list[str]:
    """Of indexed `words`, those starting with `typed` that the database reads as they are
    (it stems a word again when it searches it), up to MAX_STAND_INS."""
    return [word for word in words
            if word.startswith(typed) and stem(word, stemmer) == word][:MAX_STAND_INS]


def _whole_word(typed: str, stemmed: str) -> bool:
    """Whether a word being typed, whose stem is `stemmed`, is a whole word to the search
    (search()): the stemmer shortens it, and it is of ASCII letters."""
    return stemmed != typed and _ascii_letters(typed)


def _ascii_letters(word: str) -> bool:
    """Whether `word` is of ASCII letters only: a word the index holds as typed, and that
    the stemmer may shorten as an English word."""
    return word.isascii() and word.isalpha()


def _may_run_past_stem(prefix: str) -> bool:
    """Whether a typed prefix may run past the stem of the word being typed, told without a
    query: letters only, longer than the shortest word that may stand for it."""
    return _ascii_letters(prefix) and len(prefix) > SHORTER_MIN


# The stand-ins for a word being typed whose stem starts no indexed word, on both databases
# (shorter_words()): the indexed words starting with the letters typed, which the stemmer
# may have cut otherwise ("analys" is stemmed anali; analysi is indexed); else, if the
# stemmer leaves the letters as typed, the word mistyped at its end (_shorter_candidates():
# "segmentz", segment). A whole word the stemmer shortens ("completion": complet) is not
# cut short: "comp" never stands for it. At most MAX_STAND_INS of them.
MAX_STAND_INS = 64


RUN_WORDS = 3  # words in a row that may name an organisation ("sentence transformers")
# What names a licence never names an organisation: "mit license" asks for the MIT licence,
# not the assets of the organisation MIT.
_LICENCE_NAMES = frozenset(
    name for licence_id, (shown, _) in licences.LICENCES.items()
    for name in (licence_id, querytext.index_text(shown)))


def organisations_named(n: querytext.Normalised, assets: Sequence[Asset],
                        using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The names of the organisations of `assets` (read off their loaded organisation) that
    `n`'s words name, as the search steers to them (makers_named()): in the order the
    assets come. No query while the data generation stands still."""
    named = set(makers_named(n, using))
    return list({asset.organization.pk: asset.organization.name for asset in assets
                 if asset.organization is not None and asset.organization.pk in named}
                .values())


def tasks_shown_first(n: querytext.Normalised, results: Sequence[Result],
                      using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The names of the tasks `n`'s words name (tasks_named()) that `results` list, as the
    search steers to them: in the order the results come. No query while the data
    generation stands still."""
    named = set(tasks_named(n, using))
    if not named:
        return []
    names = {task_id: name for name, task_id in tasks(using).values()}
    shown: dict[int, str] = {}
    for result in results:
        for task_id in sorted(result.task_ids & named):
            shown.setdefault(task_id, names[task_id])
    return list(shown.values())


def _runs(terms: Sequence[str]) -> tuple[str, ...]:
    """The terms, and each run of up to RUN_WORDS of them, joined by spaces, that may name
    an organisation (not a licence)."""
    return tuple(run for run in dict.fromkeys(
        " ".join(terms[i:i + k]) for k in range(1, RUN_WORDS + 1)
        for i in range(len(terms) - k + 1)) if run not in _LICENCE_NAMES)


# Words every asset here is about: held by a name or a text, they say little of the need
# ("best ai for coding": the assets named "... AI" are no answer).
WIDE_WORDS = frozenset({"ai"})


def _finders(n: querytext.Normalised) -> list[bool]:
    """For each term group of `n`, whether it finds candidates when any term may match: not
    a word naming a kind that steers (querytext.KIND_STEERS), which nearly every asset of
    that kind holds, nor one of WIDE_WORDS."""
    return [not (len(group) == 1 and (group[0] in n.steering or group[0] in WIDE_WORDS))
            for group in querytext.term_groups(n)]


def _all_but_one(terms: Sequence[str], both: str, either: str,
                 finds: Sequence[bool] = ()) -> str:
    """A match for all the terms but one, any one ("" when there are under three of them, or
    over MOST_TERMS): each term already an operand, joined with `both` and `either`.
    `finds`: whether each term finds candidates (_finders()), when known: the terms left
    once one is taken out must hold one that does ("fine tune llama": not "fine tune",
    which every fine-tune holds)."""
    if not 3 <= len(terms) <= MOST_TERMS:
        return ""
    finding = finds if len(finds) == len(terms) else [True] * len(terms)
    return either.join(
        "(" + both.join(t for j, t in enumerate(terms) if j != i) + ")" for i in range(len(terms))
        if any(found for j, found in enumerate(finding) if j != i)
    )


@dataclass(frozen=True)
class _Fts5Query:
    """What _SQLite.rank() searches for: `text`, an FTS5 MATCH expression; `finished`, the
    same with the word being typed taken as typed in full; for any of several terms, `terms`
    and `finished_terms`, each term's own expression (rank() finds candidates term by term)."""

    text: str
    finished: str
    terms: tuple[str, ...] = ()
    finished_terms: tuple[str, ...] = ()
    # Any term: all the terms but one (_all_but_one()), as typed in full.
    most: str = ""


class _SQLite:
    def phrase(self, n: querytext.Normalised) -> str:
        return querytext.fts5_phrase(n)

    def pairs(self, n: querytext.Normalised) -> str:
        return querytext.fts5_pairs(n)

    def turned_around(self, n: querytext.Normalised, using: str = DEFAULT_DB_ALIAS) -> str:
        return querytext.fts5_turned_around(n, _spellings(using).directed)

    def narrowing(self, n: querytext.Normalised, using: str = DEFAULT_DB_ALIAS
                  ) -> tuple[str, str]:
        """What was left out (left_out()) and the quoted phrases (_Filters.excluded,
        required)."""
        return left_out(n, using), querytext.fts5_required(n)

    def all_terms(
        self, n: querytext.Normalised, using: str = DEFAULT_DB_ALIAS, shorter: Sequence[str] = (),
        prefixes: bool = False,
    ) -> _Fts5Query:
        return self._query(n, shorter, " AND ", prefixes)

    def any_term(
        self, n: querytext.Normalised, using: str = DEFAULT_DB_ALIAS, shorter: Sequence[str] = (),
        prefixes: bool = False,
    ) -> _Fts5Query:
        return self._query(n, shorter, " OR ", prefixes)

    def _query(self, n: querytext.Normalised, shorter: Sequence[str], join: str,
               prefixes: bool = False) -> _Fts5Query:
        parts = querytext.fts5_terms(n)
        finished = querytext.fts5_terms(n, finished=True)
        if shorter:
            # The word being typed is the last term; the words standing in for it replace
            # it, as prefixes when `prefixes` (stand_ins(): as the word typed in full would
            # be; finished, as words, for `best`).
            words = " OR ".join(querytext.fts5_quote(w) for w in shorter)
            parts[-1] = (f"({' OR '.join(querytext.fts5_quote(w) + '*' for w in shorter)})"
                         if prefixes else f"({words})")
            finished[-1] = f"({words})"
        if join == " OR " and len(parts) > 1:
            finders = [(part, done) for part, done, finds in zip(
                parts, finished, _finders(n), strict=True) if finds]
            return _Fts5Query(join.join(parts), join.join(finished),
                              *map(tuple, zip(*finders, strict=True)),
                              _all_but_one(finished, " AND ", " OR ", _finders(n)))
        return _Fts5Query(join.join(parts), join.join(finished))

    def stand_ins(self, n: querytext.Normalised, using: str) -> tuple[list[str], bool]:
        """The words standing in for the word being typed (_stand_ins()), without a query."""
        return _stand_ins(*querytext.porter_stem(n.prefix), STEMMERS["sqlite"])

    def glued_words(self, n: querytext.Normalised, using: str) -> list[str]:
        """The indexed words the word being typed starts, for when the words standing in for
        it found nothing ("deepse", stemmed deeps: deepseek); a statement (_glued())."""
        typed = querytext.porter_stem(n.prefix)[0]
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT term FROM catalog_search_vocab WHERE term >= %s AND term < %s "
                f"ORDER BY term LIMIT {MAX_STAND_INS}", [typed, typed + "\U0010ffff"])
            return _glued(typed, [row[0] for row in cursor.fetchall()], STEMMERS["sqlite"])

    def shorter_words(self, n: querytext.Normalised, using: str) -> list[str]:
        """Words to stand for the word being typed when it found nothing and the stem FTS5
        makes of it starts no indexed word: the indexed words it starts, or it mistyped at
        its end (see MAX_STAND_INS; a statement). FTS5 stems them again when it reads them:
        only those the stemmer leaves as they are."""
        typed, stem = querytext.porter_stem(n.prefix)
        candidates = _shorter_candidates(typed, STEMMERS["sqlite"]) if stem == typed else []
        marks = ", ".join(["%s"] * len(candidates))
        with connections[using].cursor() as cursor:
            # catalog_search_vocab (fts5vocab) reads the entries of each word it lists, to
            # count them: a range that the stem starts is empty whenever this asks.
            cursor.execute(
                "SELECT term FROM (SELECT term FROM catalog_search_vocab "
                "WHERE term >= %s AND term < %s"
                + (f" UNION SELECT term FROM catalog_search_vocab WHERE term IN ({marks})"
                   if candidates else "")
                + ") WHERE NOT EXISTS (SELECT 1 FROM catalog_search_vocab "
                f"WHERE term >= %s AND term < %s) ORDER BY term LIMIT {MAX_STAND_INS}",
                [typed, typed + "\U0010ffff", *candidates, stem, stem + "\U0010ffff"],
            )
            words = [row[0] for row in cursor.fetchall()]
        return [w for w in words if querytext.porter_stem(w)[1] == w]

    def rank(self, using, query: _Fts5Query, names: _Names, filters, limit,
             phrase: str = "", turned: str = "") -> list[tuple]:
        """(asset id, relevance, exact name, holds the phrase, UnfragileRank) rows.
        `turned`: what the assets saying the opposite of a direction hold
        (querytext.fts5_turned_around()): they rank after the others (_ordered())."""
        where, params = filters.sql("sqlite", row="catalog_search_fts.rowid")
        steering = filters.steering()
        named_where, _ = filters.sql("sqlite", row="n.asset_id")
        name_passes = names.passes("n", "sqlite")
        # What was left out and the quoted phrases, in each MATCH: FTS5 skips the documents
        # holding the one or lacking the others as it reads the index. (bm25() adds up only
        # what a row matched: a phrase adds its words' score once more, to every row alike.)
        excluded, required = filters.excluded, filters.required

        def within(text: str) -> str:
            if filters.makers_apart:
                text = f"-{{maker}} : ({text})"
            text = f"({text}) AND {required}" if required else text
            return f"({text}) NOT ({excluded})" if excluded else text

        def matches(name: str, ranked: bool, top: bool, hits: str, cap: int,
                    steered: bool = False) -> str:
            # The LIMIT caps the rows bm25() is computed for (see CANDIDATES). CROSS JOIN
            # keeps SQLite's planner from scanning catalog_asset and running the full-text
            # match once per asset: the index is read first, then each hit's row. `top`:
            # only when `hits` is full, and all those of the TOP_RANKED assets; this reads
            # every match (about 3 ms for a common word at 100,000 assets), the condition on
            # `hits` is tested once, before.
            return f"""{name} AS (
                SELECT catalog_search_fts.rowid AS asset_id,
                    {"-bm25(catalog_search_fts, 10.0, 4.0, 1.0)" if ranked else "0.0"} AS rel,
                    {steering} AS steered
                FROM catalog_search_fts
                CROSS JOIN catalog_asset a ON a.id = catalog_search_fts.rowid
                WHERE {f"(SELECT count(*) FROM {hits}) >= {cap} AND" if top else ""}
                catalog_search_fts MATCH %s AND {where}
                {f"AND {filters.steer_sql('sqlite')}" if steered else ""}
                {f"AND +catalog_search_fts.rowid IN ({_top_ranked_sql()})" if top else ""}
                {f"ORDER BY {_order_figure(filters.order, 'sqlite', 'a')}"
                 if steered and filters.order else ""}
                {"" if top else f"LIMIT {cap}"}
            )"""

        # Any of several terms: each term finds its own share of the candidates, ranked by
        # its own bm25(), and an asset's relevance is the sum over the terms it was found
        # by, as bm25() of the whole query would add them up. Found by the whole query, the
        # first CANDIDATES in index order could all hold a common term ("generation") and
        # none the rare one that matters ("video").
        groups = (list(zip(query.terms, query.finished_terms, strict=True)) if query.terms
                  else [(query.text, query.finished)])
        share = CANDIDATES // len(groups)
        # FTS5 cannot tell which rows of a match hold a phrase, so the assets holding it are
        # a match of their own, unranked: they take the relevance the words give them, and
        # come after the others holding it when the words' match did not reach them.
        # A word being typed counts as finished for `best`: every word a short prefix
        # starts would make it read a large share of the index.
        # The assets holding all the terms but one are a match of their own as well,
        # unranked like the phrase's, and come before those holding fewer.
        # The kinds the words ask for find a share of their own, so that the matches of
        # other kinds do not crowd them out.
        # (name, ranked, of the TOP_RANKED, match, holds the phrase, all but one, term, cap,
        # of the kinds steered to)
        ctes = []
        for t, (text, finished) in enumerate(groups):
            ctes += [(f"hits{t}", True, False, text, 0, 0, t, share, False),
                     (f"best{t}", True, True, finished, 0, 0, t, share, False)]
            if filters.steers:
                ctes.append((f"steered{t}", True, False, text, 0, 0, t, share, True))
        if phrase:
            # Holding the words too: a phrase may leave out a word naming a kind
            # (querytext.phrase_words()), which a candidate of all the words still holds.
            ctes += [("phrased", False, False, f"({phrase}) AND ({query.text})", 1, 0, 0,
                      CANDIDATES, False),
                     ("phrased_best", False, True, f"({phrase}) AND ({query.finished})", 1, 0,
                      0, CANDIDATES, False)]
        if query.most:
            ctes.append(("most", False, False, query.most, 0, 1, -1, CANDIDATES, False))
        found = " UNION ALL ".join(
            f"SELECT asset_id, rel, {phrased}, {most}, {t}, steered FROM {name}"
            for name, _, _, _, phrased, most, t, _, _ in ctes
        )
        sql = f"""
            WITH {", ".join(matches(name, ranked, top, f"hits{t}", cap, steered)
                       for name, ranked, top, _, _, _, t, cap, steered in ctes)},
            found (asset_id, rel, phrase, most, term, steered) AS ({found}),
            cand (asset_id, rel, exact, phrase, most, steered) AS (
                SELECT asset_id, SUM(rel), 0, MAX(phrase), MAX(most), MAX(steered) FROM (
                    SELECT asset_id, MAX(rel) AS rel, MAX(phrase) AS phrase, MAX(most) AS most,
                        MAX(steered) AS steered
                    FROM found GROUP BY asset_id, term
                ) GROUP BY asset_id
                {" ".join(f"""
                UNION ALL SELECT * FROM (
                SELECT n.asset_id, 0.0, {value}, 0, 0, {steering} FROM catalog_search_name n
                CROSS JOIN catalog_asset a ON a.id = n.asset_id
                WHERE {condition} AND {named_where} {"" if not required else """
                    AND EXISTS (SELECT 1 FROM catalog_search_fts
                        WHERE catalog_search_fts MATCH %s AND rowid = n.asset_id)"""}
                {"" if not excluded else """
                    AND NOT EXISTS (SELECT 1 FROM catalog_search_fts
                        WHERE catalog_search_fts MATCH %s AND rowid = n.asset_id)"""}
                LIMIT {NAMED_CANDIDATES})"""
                    for condition, value, _ in name_passes)}
            )
            {_ordered("sqlite", filters.order, filters.task_first, bool(turned),
                      filters.task_steering(), filters.words_first, names.family)}
        """
        args = [arg for _, _, _, text, *_ in ctes for arg in (within(text), *params)]
        with connections[using].cursor() as cursor:
            exact = [text for text in (required, excluded) if text]
            named = [arg for _, _, keys in name_passes for arg in (*keys, *params, *exact)]
            cursor.execute(sql, [*args, *named, *([turned] if turned else []),
                                 *names.family_params(), limit])
            return cursor.fetchall()


@dataclass(frozen=True)
class _Spelling:
    """What _Postgres._spelled() reads of the word being typed, once a search: each term as
    to_tsquery() reads it (`operands`); the word as typed and its stem; the indexed words
    spelling it out; and its completions() with their stems, when the stemmer leaves it as
    typed."""

    operands: list[str]
    typed: str
    stemmed: str | None
    words: list[str]
    completed: list[tuple[str, str]]


@dataclass(frozen=True)
class _TsQuery:
    """What _Postgres.rank() searches for: `text`, input for to_tsquery(), ranks; `spelled`,
    when set, is the same query as a finished tsquery with its typed prefix spelled out as
    the words it starts, and finds the candidates."""

    text: str
    spelled: str | None = None
    # Any of several terms: each term, and each as `spelled` holds it when set (rank() finds
    # candidates term by term).
    terms: tuple[str, ...] = ()
    spelled_terms: tuple[str, ...] = ()
    # Any term: all the terms but one (_all_but_one()), as typed in full.
    most: str = ""


class _Postgres:
    """Typed prefixes are spelled out to find candidates: the planner cannot tell how many
    documents `clas:*` matches, so it reads them all through the GIN index (25-50 ms for a
    common 3-4 letter prefix at 100,000 assets), while for the words it starts ("class",
    "classif") it knows, and stops at the first candidates (1-3 ms). catalog_search_word
    holds every word of the index; a prefix starting more than MAX_SPELLED words stays a
    prefix. Ranking keeps the prefix: ts_rank() against dozens of words costs more than
    the search saves."""

    MAX_SPELLED = 64

    def __init__(self) -> None:
        self._found: _Spelling | None = None

    def phrase(self, n: querytext.Normalised) -> str:
        return querytext.pg_phrase_text(n)

    def pairs(self, n: querytext.Normalised) -> str:
        return querytext.pg_pairs_text(n)

    def turned_around(self, n: querytext.Normalised, using: str = DEFAULT_DB_ALIAS) -> str:
        return querytext.pg_turned_around_text(n, _spellings(using).directed)

    def narrowing(self, n: querytext.Normalised, using: str = DEFAULT_DB_ALIAS
                  ) -> tuple[str, str]:
        """What was left out (left_out()) and the quoted phrases (_Filters.excluded,
        required)."""
        return left_out(n, using), querytext.pg_required_text(n)

    def all_terms(
        self, n: querytext.Normalised, using: str = DEFAULT_DB_ALIAS, shorter: Sequence[str] = (),
        prefixes: bool = False,
    ) -> _TsQuery:
        return self._query(self._terms(n, shorter, prefixes), " & ", using)

    def any_term(
        self, n: querytext.Normalised, using: str = DEFAULT_DB_ALIAS, shorter: Sequence[str] = (),
        prefixes: bool = False,
    ) -> _TsQuery:
        return self._query(self._terms(n, shorter, prefixes), " | ", using, _finders(n))

    def _terms(self, n: querytext.Normalised, shorter: Sequence[str], prefixes: bool = False
               ) -> list[str]:
        # pg_tsquery_text joins terms of letters and digits with " & ".
        terms = querytext.pg_tsquery_text(n).split(" & ")
        if shorter:
            # The words standing in, stemmed by to_tsquery() as the index was, as prefixes
            # when `prefixes` (stand_ins(); then not spelled out); "|" without spaces, as
            # " | " separates the alternatives of an any-term query.
            ops = [f"{w}:*" for w in shorter] if prefixes else shorter
            terms = [f"({'|'.join(ops)})" if t.endswith(":*") else t for t in terms]
        return terms

    def _query(self, terms: list[str], join: str, using: str,
               finds: Sequence[bool] = ()) -> _TsQuery:
        """`finds`: whether each term finds candidates when any term may match (_finders(),
        one for each of `terms`, which pg_tsquery_text() writes one for each term group)."""
        spelled = self._spelled(terms, using)
        any_term = join == " | " and len(terms) > 1

        def finding(operands: Sequence[str]) -> tuple[str, ...]:
            if len(finds) != len(operands):  # (a term read as nothing is left out)
                return tuple(operands)
            return tuple(op for op, kept in zip(operands, finds, strict=True) if kept)

        return _TsQuery(
            join.join(terms),
            join.join(f"({op})" for op in spelled) if spelled else None,
            finding(terms) if any_term else (),
            finding(spelled or ()) if any_term else (),
            _all_but_one([t.removesuffix(":*") for t in terms], " & ", " | ", finds)
            if any_term else "",
        )

    def stand_ins(self, n: querytext.Normalised, using: str) -> tuple[list[str], bool]:
        """As _SQLite.stand_ins(), read with the prefix's spelling out (_spelled(), run by
        all_terms() first)."""
        if (found := self._found) is None:
            return [], False
        return _stand_ins(found.typed, found.stemmed or found.typed, STEMMERS["postgresql"],
                          found.completed)

    def glued_words(self, n: querytext.Normalised, using: str) -> list[str]:
        """As _SQLite.glued_words(): read with the prefix's spelling out (which, when the
        stemmer shortens it, spells out only its stem and the words the letters typed
        start), or, when the letters typed do not start with its stem ("analys": anali), a
        statement."""
        if (found := self._found) is None:
            return []
        typed, words = found.typed, found.words
        if not (found.stemmed and typed.startswith(found.stemmed)):
            with connections[using].cursor() as cursor:
                cursor.execute("SELECT word FROM catalog_search_word WHERE word >= %s "
                               "AND word < %s || chr(1114111) ORDER BY word LIMIT %s",
                               [typed, typed, MAX_STAND_INS])
                words = [row[0] for row in cursor.fetchall()]
        return _glued(typed, words, STEMMERS["postgresql"])

    def shorter_words(self, n: querytext.Normalised, using: str) -> list[str]:
        """Words to stand for the word being typed when it found nothing and the stem
        to_tsquery() makes of it starts no indexed word: the indexed words it starts, or it
        mistyped at its end (see MAX_STAND_INS; a statement)."""
        prefixed = [t for t in querytext.pg_tsquery_text(n).split(" & ") if t.endswith(":*")]
        if not prefixed:
            return []
        typed = prefixed[0].removesuffix(":*")
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"""WITH stem AS (SELECT {_stem(f"to_tsquery('{CONFIG}', %s)::text")} AS s)
                SELECT word FROM catalog_search_word
                WHERE (word >= %s AND word < %s || chr(1114111)
                    OR (SELECT s FROM stem) = %s AND word = ANY (%s::text[]))
                AND NOT EXISTS (SELECT 1 FROM catalog_search_word WHERE {_STARTS_STEM})
                ORDER BY word LIMIT {MAX_STAND_INS}""",
                [prefixed[0], typed, typed, typed,
                 _shorter_candidates(typed, STEMMERS["postgresql"])],
            )
            # Only words to_tsquery() reads as one word.
            return [row[0] for row in cursor.fetchall() if row[0].isalnum()]

    def _spelled(self, terms: list[str], using: str) -> list[str] | None:
        """The terms as finished tsquery operands, the prefix spelled out; None when there
        is no prefix, or it starts no indexed word or more than MAX_SPELLED of them."""
        prefixed = [i for i, term in enumerate(terms) if term.endswith(":*")]
        if not prefixed:
            return None
        at = prefixed[0]
        if self._found is None:
            # Each term as to_tsquery() reads it, the prefix's stem, and the words that start
            # it (when the stemmer shortens the word, a whole word: only its stem and the
            # words the letters typed start, see search()); once a search, also when it
            # falls back to any term. And, for stand_ins(), the prefix's completions with
            # their stems, when the stemmer leaves it as typed.
            typed = terms[at].removesuffix(":*")
            ends = completions(typed) if _may_run_past_stem(typed) else []
            with _planned_each_time(using), connections[using].cursor() as cursor:
                cursor.execute(
                    f"""WITH ops AS (
                        SELECT i, to_tsquery('{CONFIG}', t)::text AS op
                        FROM unnest(%s::text[]) WITH ORDINALITY AS u (t, i)
                    ), stem AS (
                        SELECT {_stem("op")} AS s FROM ops WHERE i = %s
                    )
                    SELECT (SELECT array_agg(op ORDER BY i) FROM ops), (SELECT s FROM stem),
                        (SELECT array_agg(word) FROM (
                            SELECT word FROM catalog_search_word WHERE {_STARTS_STEM}
                            AND (NOT %s OR (SELECT s FROM stem) = %s
                                OR word = (SELECT s FROM stem)
                                OR word >= %s AND word < %s || chr(1114111))
                            ORDER BY word LIMIT %s) found),
                        (SELECT array_agg(ARRAY[c, st]) FROM (
                            SELECT c, substring(to_tsquery('{CONFIG}', c)::text
                                FROM '^''(.+)''$') AS st
                            FROM unnest(%s::text[]) AS c) completed
                         WHERE st IS NOT NULL AND (SELECT s FROM stem) = %s)""",
                    [terms, at + 1, _ascii_letters(typed), typed, typed, typed,
                     self.MAX_SPELLED + 1, ends, typed],
                )
                operands, stemmed, words, completed = cursor.fetchone()
            self._found = _Spelling(list(operands), typed, stemmed, words or [],
                                    [(word, st) for word, st in completed or []])
        words = self._found.words
        if not 0 < len(words) <= self.MAX_SPELLED:
            return None
        spelled = list(self._found.operands)
        spelled[at] = " | ".join(_lexeme(w) for w in words)
        # A term to_tsquery() reads as nothing gives an empty operand: left out, as there.
        return [op for op in spelled if op]

    def rank(self, using, query: _TsQuery, names: _Names, filters, limit,
             phrase: str = "", turned: str = "") -> list[tuple]:
        """(asset id, relevance, exact name, holds the phrase, UnfragileRank) rows. Whether
        a candidate holds the phrase is read off its document; the assets holding it are
        also found on their own (`ph`). `turned`: as on SQLite
        (querytext.pg_turned_around_text())."""
        where, params = filters.sql("postgresql", row="d.asset_id")
        steering = filters.steering()
        name_passes = names.passes("d", "postgresql")
        if not query.text:
            return []
        # The typed prefix taken as a finished word, for the first pass (below); the words
        # of the phrase, whose pairs find the assets holding it (`ph`, below).
        finished, paired = query.text.replace(":*", ""), phrase
        if filters.makers_apart:
            # Not the makers' names, weight D: each operand asks for A, B or C.
            query = _TsQuery(weighed(query.text), weighed(query.spelled),
                             tuple(map(weighed, query.terms)),
                             tuple(map(weighed, query.spelled_terms)), weighed(query.most))
            finished, phrase = weighed(finished), weighed(phrase)
        tsquery = query.text
        # ts_rank() scores a document holding one rare term in its name above one holding
        # several of the terms; when any term may match, weigh by how many of them matched.
        alternatives = tsquery.split(" | ") if " | " in tsquery else []
        words = f"to_tsquery('{CONFIG}', %s)"
        weight = " + ".join([f"(d.document @@ {words})::int"] * len(alternatives)) or "1"
        # See below for ts_rank(); every pass and `ph` rank alike.
        # (Weights D, C, B, A: a maker's name, D, counts as the rest of the texts, C.)
        relevance, relevance_params = (
            f"ts_rank('{{0.2, 0.2, 0.4, 1.0}}', d.document, {words}, 1) * ({weight})"), [
            tsquery, *alternatives]
        holds_phrase = f"(d.document @@ {words})"
        found = ("%s::tsquery", query.spelled) if query.spelled else (words, tsquery)
        # Candidates in passes, each only while there is room left under its share of
        # CANDIDATES: assets whose names or capability titles match (the short `head` vector,
        # its own GIN index), then the rest. A typed prefix is also taken as a finished word
        # ("imag"), in a pass of its own before the others: usually what is being typed, and
        # cheap to find. Any of several terms: each term finds its own share, as on SQLite,
        # so that a rare term ("video") is not crowded out by a common one ("generation").
        if query.spelled_terms:
            finders = [("%s::tsquery", f"({op})") for op in query.spelled_terms]
        elif query.terms:
            finders = [(words, term) for term in query.terms]
        else:
            finders = [found]
        share = CANDIDATES // len(finders)
        passes = []  # (column, match, its input, the finder's number, its share, condition)
        if query.most:
            # The assets holding all the terms but one, first: they rank before the others.
            passes.append(("document", words, query.most, "most", CANDIDATES, ""))
        for f, finder in enumerate(finders):
            if ":*" in tsquery and not query.terms:
                passes.append(("head", words, finished, f, share, ""))
            passes += [("head", *finder, f, share, ""), ("document", *finder, f, share, "")]
        # Then, when the passes found a share, the matches among the TOP_RANKED assets:
        # read by their ids, a few milliseconds at 100,000 assets; none when there is room.
        top = len(passes)
        passes.append(("document", *found, None, share, ""))
        if filters.steers:
            # The kinds the words ask for (and those giving the figure of an order) find
            # a share of their own, so that the matches of others do not crowd them out.
            passes += [("document", *finder, ("steered", f), share,
                        filters.steer_sql("postgresql"))
                       for f, finder in enumerate(finders)]
        # ts_rank() runs only on the rows a pass lets through, always against the whole
        # query, so an asset found by two passes scores the same in both; normalisation 1
        # divides by the log of the document length, so long documents do not win by size.
        # ts_rank(), not ts_rank_cd(): each repeat of a word adds less, as with bm25; ranked
        # with ts_rank_cd(), which adds every repeat in full, the top 10 of 53 needs on the
        # bundled catalog (its tasks and everyday needs) shared 63 % of their assets with
        # SQLite's, the first result 21 times; with ts_rank(), 73 % and 29 times.
        ctes, pass_params = [], []
        holds_most = f"(d.document @@ {words})::int" if query.most else "0"
        # The steered passes, when the words ask for an order: the first matches in it (the
        # cheapest, the longest context windows, the fewest or most parameters).
        in_order = (f"ORDER BY {_order_figure(filters.order, 'postgresql', 'a')}"
                    if filters.order else "")
        for i, (column, match, text, f, cap, condition) in enumerate(passes):
            if i == top:
                earlier = " UNION ALL ".join(f"SELECT asset_id FROM p{j}" for j in range(i))
                room = (f"AND (SELECT count(*) FROM ({earlier}) e) >= {cap} "
                        f"AND d.asset_id = ANY (ARRAY({_top_ranked_sql()}))")
                limit_to, mine = "ALL", []
            else:
                mine = [j for j in range(i) if passes[j][3] == f]
                earlier = " UNION ALL ".join(f"SELECT asset_id FROM p{j}" for j in mine)
                room = f"AND d.asset_id NOT IN ({earlier})" if mine else ""
                limit_to = f"{cap}"
            # A pass after others of its finder matches apart, as m{i} (see below).
            name = f"m{i} AS MATERIALIZED" if mine else f"p{i} AS"
            ctes.append(f"""{name} (
                SELECT d.asset_id, {relevance} AS rel,
                    {f"{holds_phrase}::int" if phrase else "0"} AS phrase, {holds_most} AS most,
                    {steering} AS steered, d.name_key, d.newness
                FROM catalog_search_doc d JOIN catalog_asset a ON a.id = d.asset_id
                WHERE d.{column} @@ {match} AND {where} {f"AND {condition}" if condition else ""}
                {room}
                {in_order if isinstance(f, tuple) else ""}
                LIMIT {limit_to}
            )""")
            if mine:
                # The room left under the share, taken from the first `cap` matches. Worked
                # out in the pass itself, the LIMIT was one the planner cannot read: it
                # guessed it small and scanned the whole table for a few rows, expecting
                # them early (4-5 ms a pass on the bundled catalog, against well under 1 ms
                # through the index). The matches apart, planned for their constant cap;
                # MATERIALIZED, so that they are not folded back in.
                ctes.append(f"p{i} AS (SELECT * FROM m{i} "
                            f"LIMIT {cap} - (SELECT count(*) FROM ({earlier}) e))")
            pass_params += [*relevance_params, *([phrase] if phrase else []),
                            *([query.most] if query.most else []), text, *params]
        # (With each, its name and newness, read off the row in hand: looked up again by
        # the candidate's id, they made searches 8 % slower at 100,000 assets.)
        hits = " UNION ALL ".join(
            f"SELECT asset_id, rel, 0, phrase, most, steered, name_key, newness FROM p{i}"
            for i in range(len(passes)))
        if phrase:
            # The assets holding the phrase, up to CANDIDATES of them besides the others
            # (as on SQLite): the passes above may fill up with assets holding the words
            # apart. Found by the pairs of its words (migration 0016); the positions are
            # then read off those documents only (IS TRUE: not through `document`'s index,
            # which would list every document holding the words). Any of several phrases
            # (querytext.pg_pairs_text()): by the pairs of the words of any.
            texts = paired.split(" | ")
            pairs = " || ".join(
                [f"catalog_search_pair_query(to_tsvector('{CONFIG}', %s))"] * len(texts))
            # Holding the words too: a phrase may leave out a word naming a kind
            # (querytext.phrase_words()), which a candidate of all the words still holds.
            ctes.append(f"""ph AS (
                SELECT d.asset_id, {relevance} AS rel, {holds_most} AS most,
                    {steering} AS steered, d.name_key, d.newness
                FROM catalog_search_doc d JOIN catalog_asset a ON a.id = d.asset_id
                WHERE d.pairs @@ ({pairs}) AND {holds_phrase} IS TRUE
                    AND (d.document @@ {found[0]}) IS TRUE AND {where}
                LIMIT {CANDIDATES}
            )""")
            pass_params += [*relevance_params, *([query.most] if query.most else []), *texts,
                            phrase, found[1], *params]
            hits += (" UNION ALL SELECT asset_id, rel, 0, 1, most, steered, name_key, newness "
                     "FROM ph")
        sql = f"""
            WITH {", ".join(ctes)},
            cand (asset_id, rel, exact, phrase, most, steered, name_key, newness) AS (
                {hits}
                {" ".join(f"""
                UNION ALL (
                SELECT d.asset_id, 0.0, {value}, 0, 0, {steering}, d.name_key, d.newness
                FROM catalog_search_doc d
                JOIN catalog_asset a ON a.id = d.asset_id
                WHERE {condition} AND {where} LIMIT {NAMED_CANDIDATES})"""
                    for condition, value, _ in name_passes)}
            )
            {_ordered("postgresql", filters.order, filters.task_first, bool(turned),
                      filters.task_steering(), filters.words_first, names.family)}
        """
        named = [arg for _, _, keys in name_passes for arg in (*keys, *params)]
        with _planned_each_time(using), connections[using].cursor() as cursor:
            cursor.execute(sql, [*pass_params, *named,
                                 *([turned] if turned else []), *names.family_params(), limit])
            return cursor.fetchall()


# A version ending the words typed, one or two numbers of one or two digits after words
# naming what it is of: "claude 4", "claude 4 5" (4.5), "resnet 50" (from "resnet50").
_FAMILY_VERSION = re.compile(r"(.*[a-z]) (\d{1,2})(?: (\d{1,2}))?")


@dataclass(frozen=True)
class _Family:
    """The family the words typed name (_ordered()): the assets whose names start with
    them (`start`, a name key, its last word whole unless `typing`). When the words end with
    a version, also those whose names start with the words before it (`lead`) and give that
    version wherever they put it (name_version(), held as newness within `newness`):
    "claude 4" takes Claude Opus 4.7 in beside Claude 4.6 Opus, "qwen 3" Qwen3.5 9B,
    "resnet 50" the resnet50 models. When the words (before a version, if any) are several,
    all of letters, also those whose names start with the first (`first`) and hold the
    others (`held`) as words wherever they put them (by_words()): "claude sonnet" takes
    Claude 4.6 Sonnet in beside Claude Sonnet 5, "gemini flash" Gemini 3.8 Flash, "claude
    opus 4" Claude 4.5 Opus. When the words are a maker's name and no more, its assets
    (`makers`, ids): "anthropic" opens with Claude Opus 5.5, "openai" with GPT-6.1, not
    Claude Code and GPT-2, whose entries are the shortest."""

    start: str
    typing: bool = False
    lead: str = ""
    # (low, high): a name giving the version typed has a newness from low up to below high
    # (_versioned()).
    newness: tuple[int, int] = (0, 0)
    makers: tuple[int, ...] = ()
    first: str = ""
    held: tuple[str, ...] = ()

    @classmethod
    def of(cls, key: str, spaced: str, typing: bool,
           makers: tuple[int, ...] = ()) -> _Family | None:
        """The family named by the name key `key`, whose version is read from `spaced`, the
        same with letters and numbers apart (_name_keys()), and the makers it names alone;
        None for no key."""
        if not key:
            return None
        version = _FAMILY_VERSION.fullmatch(spaced)
        words = (version[1] if version else spaced).split(" ")
        first, held = "", ()
        if len(words) > 1 and all(w.isascii() and w.isalpha() for w in words):
            first, held = words[0], tuple(words[1:])
        if not version:
            return cls(key, typing, makers=makers, first=first, held=held)
        lead, major, minor = version[1], int(version[2]), version[3]
        low = _versioned(major, int(minor or 0))
        high = _versioned(major, int(minor) + 1) if minor else _versioned(major + 1, 0)
        return cls(key, typing, lead, (low, high), makers, first, held)

    def member(self, key: str, newness: str) -> str:
        """SQL for whether a candidate (`c`) is a member, from SQL for its name key and its
        newness: a start of the name is a whole word when the name goes on with a space or
        a number ("bert": not "BERTopic"; "qwen": Qwen3.5). Its parameters lead params()."""
        either = [self._starts(key, self.start, not self.typing)]
        if alike := self.alike(key, newness):
            either.append(alike)
        if self.makers:
            # The ids are integers, written in as literals; their assets read once.
            ids = ", ".join(str(int(i)) for i in self.makers)
            either.append(f"c.asset_id IN (SELECT id FROM {Asset._meta.db_table} "
                          f"WHERE organization_id IN ({ids}))")
        return f"({' OR '.join(either)})" if len(either) > 1 else either[0]

    def by_version(self, key: str, newness: str) -> str:
        """SQL for whether a name is a member by the version it gives (`lead`); its
        parameter follows member()'s."""
        # (The newness bounds are integers, written in as literals.)
        low, high = (int(n) for n in self.newness)
        return (f"({self._starts(key, self.lead, True)} "
                f"AND {newness} >= {low} AND {newness} < {high})")

    def by_words(self, key: str, newness: str) -> str:
        """SQL for whether a name is a member by starting with the first word and holding
        the others (`first`, `held`), giving the version typed if any; its parameters
        follow by_version()'s. While typing, the last word may be the start of a word
        ("gemini fla")."""
        holds = [f"(' ' || {key} || ' ') LIKE %s" for _ in self.held]
        if self.lead:
            low, high = (int(n) for n in self.newness)
            holds.append(f"{newness} >= {low} AND {newness} < {high}")
        return f"({self._starts(key, self.first, True)} AND {' AND '.join(holds)})"

    def alike(self, key: str, newness: str) -> str | None:
        """SQL for whether a name is a member by the version it gives or by the words it
        holds (by_version(), by_words()), which count as starting with the words typed;
        None when neither can be. Its parameters follow member()'s."""
        either = ([self.by_version(key, newness)] if self.lead else []) + (
            [self.by_words(key, newness)] if self.first else [])
        return f"({' OR '.join(either)})" if either else None

    def alike_params(self) -> list[str]:
        """The parameters of alike()."""
        params = [self.lead] if self.lead else []
        if self.first:
            partial = self.typing and not self.lead
            params += [self.first, *(f"% {word} %" for word in self.held[:-1]),
                       f"% {self.held[-1]}{'%' if partial else ' %'}"]
        return params

    def partly(self, key: str) -> str:
        """SQL for whether a name starts with the word being typed only as the start of a
        longer word ("phi": PhincBitextMining, not Phi-3.5 MoE); its parameter follows
        by_version()'s. Only while typing."""
        return f"{self._starts(key, self.start, False)} AND NOT ({self._bound(key, self.start)})"

    @classmethod
    def _starts(cls, key: str, words: str, whole: bool) -> str:
        bound = f" AND {cls._bound(key, words)}" if whole else ""
        return f"substr({key}, 1, {len(words)}) = %s{bound}"

    @staticmethod
    def _bound(key: str, words: str) -> str:
        """SQL for whether a name starting with `words` goes on with no more letters."""
        after = f"substr({key}, {len(words) + 1}, 1)"
        bounds = ", ".join(f"'{c}'" for c in " 0123456789")
        return f"({after} = '' OR {after} IN ({bounds}))"

    def params(self) -> list[str]:
        """The parameters of member(), alike() and partly() while typing, in that order."""
        alike = self.alike_params()
        return [self.start, *alike, *alike, *([self.start] if self.typing else [])]


def family_named(text: str) -> _Family | None:
    """The family words being typed name beyond the names they start, as the search reads
    them (_Family.of()): "claude 4" the names starting with "claude" that give version 4
    wherever they put it (Claude Opus 4.7 as much as Claude 4.6 Opus), "claude son" those
    starting with "claude" that hold a word "son" starts (Claude 4.6 Sonnet); None for a
    word and no version. Its alike() reads a name row's name_key and newness (NAME_KEYS),
    with alike_params()."""
    family = _Family.of(querytext.index_text(text),
                        querytext.index_text(_split_glued(text)), typing=True)
    return family if family and (family.lead or family.first) else None


@dataclass(frozen=True)
class _Names:
    """The name passes of a query: the assets named by it exactly (by any of `keys`,
    _name_keys()), named by it without the qualifier that ends their names, and the names
    that start with what was typed when it is several words (`start`): "sentence transf"
    finds the sentence-transformers library, which a common pair of words leaves out of
    the text search's capped candidates. And the assets of the makers `owners` named by
    the rest of it (`owned`), exactly or without their qualifier: "hugging face
    transformers", "openai gpt-4o", "whisper openai" (_owned())."""

    keys: tuple[str, str, str]
    start: str = ""
    owned: str = ""
    owners: tuple[int, ...] = ()
    # Whether the last word of the key may be being typed (querytext.Normalised.prefix,
    # partial).
    typing: bool = False
    # The organisations whose name the words are, and no more (makers()), by id.
    makers: tuple[int, ...] = ()

    @functools.cached_property
    def family(self) -> _Family | None:
        """The family the name key typed names (_ordered())."""
        return _Family.of(self.keys[0], self.keys[1], self.typing, self.makers)

    def family_params(self) -> list[str]:
        """The parameters of _ordered()'s `family`, if any."""
        return self.family.params() if self.family else []

    def passes(self, alias: str, vendor: str) -> list[tuple[str, int, list[str]]]:
        """(SQL condition on the name row `alias`, the `exact` it gives, its parameters).
        A name without a qualifier has an empty base key, never looked up (the partial
        indexes of migration 0018 hold the others)."""
        out = [(f"{alias}.{column} IN (%s, %s, %s) AND {alias}.{column} <> ''", value,
                list(self.keys))
               for column, value in (("name_key", EXACT_NAME),
                                     ("base_key", NAME_WITHOUT_QUALIFIER))]
        if self.start:
            # A range of the name index: byte order (on PostgreSQL the index of migration
            # 0026, in the "C" collation).
            collate = ' COLLATE "C"' if vendor == "postgresql" else ""
            key = f"{alias}.name_key{collate}"
            out.append((f"{key} >= %s AND {key} < %s", NAME_STARTS,
                        [self.start, self.start + "\U0010ffff"]))
        if self.owned:
            # The ids are integers, written in as literals.
            owners = ", ".join(str(int(i)) for i in self.owners)
            out += [(f"{alias}.{column} = %s AND a.organization_id IN ({owners})", value,
                     [self.owned])
                    for column, value in (("name_key", EXACT_NAME),
                                          ("base_key", NAME_WITHOUT_QUALIFIER))]
        return out


def _names(n: querytext.Normalised, using: str = DEFAULT_DB_ALIAS) -> _Names:
    keys = _name_keys(n)
    start = ""
    # A last word too short to be a prefix, being typed (n.partial), is a start all the
    # same: "stable d" finds Stable Diffusion XL as "stable dif" does.
    typing = bool(n.prefix) or n.partial
    if " " in keys[0] and not (n.excluded or n.phrases or n.alternatives):
        if typing and keys[0].endswith(" " + (n.prefix or n.terms[-1])):
            start = keys[0]
        elif not typing:
            # Finished words: the names they start as words ("stable diffusion": Stable
            # Diffusion XL, not "Lexica Search with Stable Diffusion v1.5").
            start = keys[0] + " "
    alone = makers(using).named.get(" ".join(n.terms), frozenset())
    return _Names(keys, start, *_owned(keys[0], using), typing=typing,
                  makers=tuple(sorted(alone)))


def _owned(key: str, using: str) -> tuple[str, tuple[int, ...]]:
    """A name key that starts or ends with a maker's name (makers(): up to RUN_WORDS words),
    split into the rest and the ids of the makers so named; ("", ()) for none."""
    words = key.split(" ")
    if len(words) < 2:
        return "", ()
    named = makers(using).named
    for k in range(1, min(RUN_WORDS, len(words) - 1) + 1):
        for maker, rest in ((words[:k], words[k:]), (words[-k:], words[:-k])):
            if owners := named.get(" ".join(maker)):
                return " ".join(rest), tuple(sorted(owners))
    return "", ()


# An id as registries write them, "owner/name", alone in the query ("BAAI/bge-m3").
_ID_LIKE = re.compile(r"[^\s/]+/([^\s/]+)")


def _name_keys(n: querytext.Normalised) -> tuple[str, str, str]:
    """What a name matching the query exactly holds as its key: the query's own, the same
    with letters glued to a number taken apart, as names often write them ("gpt4o":
    GPT-4o (2024-05-13), whose key without its qualifier is "gpt 4o"), and for an id pasted
    whole, the name it ends with ("BAAI/bge-m3": bge-m3; the owner is a word of the text
    search, so among assets of that name the owner's comes first)."""
    key = querytext.index_text(n.wanted)
    glued = querytext.index_text(_split_glued(n.wanted))
    pasted = _ID_LIKE.fullmatch(n.wanted)
    return key, glued, querytext.index_text(pasted.group(1)) if pasted else key


def _best_ranked(using: str, filters: _Filters, limit: int) -> list[tuple]:
    """The assets `filters` keep that cover one of its languages, best ranked first, as
    rank() gives them (relevance 0): for a word naming a language and no other to find,
    words left out aside (search()). Read from the assets covering them
    (catalog_search_language), each once."""
    vendor = connections[using].vendor
    where, params = dataclasses.replace(filters, languages=()).sql(vendor)
    # (PostgreSQL's conditions may read the asset's document: what was left out. SQLite's
    # MATCH reads it once, not looked up by the id.)
    doc = "JOIN catalog_search_doc d ON d.asset_id = a.id" if vendor == "postgresql" else ""
    if vendor == "sqlite" and filters.excluded:
        where += (" AND a.id NOT IN (SELECT rowid FROM catalog_search_fts "
                  "WHERE catalog_search_fts MATCH %s)")
        params = [*params, filters.excluded]
    marks = ", ".join(["%s"] * len(filters.languages))
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT a.id, 0.0, 0, 0, s.rank FROM (SELECT DISTINCT asset_id FROM "
            f"catalog_search_language WHERE code IN ({marks})) l "
            f"JOIN catalog_asset a ON a.id = l.asset_id {doc} "
            f"LEFT JOIN catalog_score s ON s.asset_id = a.id WHERE {where} "
            "ORDER BY COALESCE(s.rank, -1.0) DESC, a.id LIMIT %s",
            [*filters.languages, *params, limit],
        )
        return cursor.fetchall()


def _top_ranked_sql() -> str:
    return f"SELECT asset_id FROM catalog_score ORDER BY rank DESC LIMIT {TOP_RANKED}"


def _list_price(vendor: str, alias: str) -> str:
    """SQL for the list price per 1M input tokens of catalog_asset `alias`, NULL for none."""
    if vendor == "postgresql":
        return f"({alias}.price_facts ->> 'input_per_mtok')::float"
    return f"json_extract({alias}.price_facts, '$.input_per_mtok')"


def _context_window(vendor: str, alias: str) -> str:
    """SQL for the context window, in tokens, of catalog_asset `alias` as genai-prices lists
    it (the capability catalog.records writes from the same), NULL for none: a number above
    0 only, as the capability takes it."""
    if vendor == "postgresql":
        window = f"{alias}.attributes -> 'genai_prices' -> 'context_window'"
        # (Nested: the cast runs only on a number.)
        return (f"CASE WHEN jsonb_typeof({window}) = 'number' THEN CASE WHEN "
                f"({window})::float > 0 THEN ({window})::float END END")
    path = "'$.genai_prices.context_window'"
    return (f"CASE WHEN json_type({alias}.attributes, {path}) IN ('integer', 'real') AND "
            f"json_extract({alias}.attributes, {path}) > 0 "
            f"THEN json_extract({alias}.attributes, {path}) END")


def _order_figure(order: str, vendor: str, alias: str) -> str:
    """SQL for the figure of catalog_asset `alias` that `order` (_Filters.order) ranks by,
    lowest first, NULL for an asset giving none: the list price, the context window negated
    (the longest first), or the parameter count ("smallest"; negated for "largest")."""
    if order == querytext.ORDER_PRICE:
        return _list_price(vendor, alias)
    if order == querytext.ORDER_CONTEXT:
        return f"-({_context_window(vendor, alias)})"
    count = f"CASE WHEN {alias}.n_parameters > 0 THEN {alias}.n_parameters END"
    return count if order == "smallest" else f"-({count})"


def _ordered(vendor: str, order: str = "", task_first: bool = False,
             turned: bool = False, tasks: str = "", words_first: bool = False,
             family: _Family | None = None) -> str:
    """The candidates (`cand`: asset_id, rel, exact, phrase, most, steered, and on
    PostgreSQL name_key and newness) one row an asset, ranked (see the module's docstring;
    `most`: holds all the terms but one, when any term may match, and `phrase` then holds
    any of phrase_pairs(); `steered`: how many of the ways _Filters.steering() counts steer
    it first, and `tasks`, the SQL counting one more, _Filters.task_steering()): the band is
    how far below the best of its group a relevance is, in 1/RELEVANCE_BANDS[vendor] of it;
    rank only orders within a band. Each candidate's rank is looked up by its id: joined,
    PostgreSQL hashed the whole of catalog_score (27 ms at 100,000 assets). `order`
    (_Filters.order): after exact names (and, with `task_first`, those holding the phrase, a
    task's name), those giving its figure come first, in its order: with a list price,
    cheapest first; with a context window, longest first; with a parameter count, the
    fewest or the most first. `turned`: a parameter before the
    LIMIT's, what an asset saying the opposite of a direction the words name holds
    (querytext.turned_around()): those holding it and not the phrase take `phrase` -1, after
    the others ("image to text": not the text-to-image generators first). Looked up by the
    candidate's id, as the rank: the candidates are the same, only their order changes.
    Within each group, the current before the deprecated and superseded (_current()), then
    by band. `words_first`: `phrase` and `most` come before `steered` (the search for some
    of the words, _Filters.words_first). `family`: the family what was typed names
    (_Names.family), its parameters after `turned`'s: its members are in the first band of
    their group (what tells their relevance apart is how long their texts are:
    SQLite's bm25() weighs a name's words down by the length of the whole entry), and among
    those ranked alike the newest come first (newness(): "claude" opens with Claude Opus
    5.5, not Claude Instant V1; "gpt" with GPT-6.1). Newness orders only them: the version
    in the name of an asset the words do not name says nothing of how well it answers them
    ("evaluation framework" would open with video-mme-v2)."""
    phrase = "MAX(c.phrase)"
    if turned:
        # On SQLite the documents holding it are read once, not looked up by the
        # candidate's id: FTS5 looking for a phrase from a rowid on reads on past it to the
        # next document holding the phrase, to the end of the index when there is none
        # ("text to image" took 10 s at 100,000 assets; this, 30 ms).
        holds = ("c.asset_id IN (SELECT rowid FROM catalog_search_fts "
                 "WHERE catalog_search_fts MATCH %s)" if vendor == "sqlite" else
                 f"(SELECT t.document @@ to_tsquery('{CONFIG}', %s) FROM catalog_search_doc t "
                 "WHERE t.asset_id = c.asset_id)")
        phrase = f"CASE WHEN MAX(c.phrase) > 0 THEN 1 WHEN {holds} THEN -1 ELSE 0 END"
    band = (f"(MAX(rel) OVER w - rel) / COALESCE(NULLIF(MAX(rel) OVER w, 0), 1.0) "
            f"* {RELEVANCE_BANDS[vendor]}")
    # PostgreSQL rounds a float cast to an integer; SQLite truncates (floor() of these
    # non-negative values), and may lack floor().
    band = f"floor({band})" if vendor == "postgresql" else f"CAST({band} AS INTEGER)"
    # `newness`: a family's member's newness + 1, so that every member is above 0; 0 for
    # the others.
    # `alike`: 2 for a member by the version its name gives (_Family.alike()), which
    # counts as starting with the words (NAME_STARTS) and holding their phrase: "claude 4"
    # names Claude Opus 4.7 as much as Claude 4.6 Opus, "claude opus 4" Claude 4.5 Opus as
    # much as Claude Opus 4.7. 1 for a member by the words its name holds, no version
    # typed, which counts as holding their phrase only: "claude sonnet" opens with the
    # names starting with the words (Claude Sonnet 5.5), then Claude 4.6 Sonnet before
    # Claude 3 Sonnet; "gpt image" with GPT Image 2.5, then gpt-5-image, another line.
    # `partly`, while typing: 1 for a member only by the start of a longer word
    # (_Family.partly()); when the word is whole in some member's name, those come after
    # the rest of the first band: "phi" opens with Phi-3.5 MoE, as "phi " does, not with
    # PhincBitextMining, better ranked ("qwe" is a start in every name).
    newer, alike, phrased, named, partly = "0", "0", "phrase", "exact", "0"
    named_rows = ""
    if family:
        # (PostgreSQL's candidates come with their names' rows, _Postgres.rank(); SQLite's
        # join theirs, once for all the columns reading them.)
        key, new = (("MAX(c.name_key)", "MAX(c.newness)") if vendor == "postgresql"
                    else ("MAX(n.name_key)", "MAX(n.newness)"))
        if vendor == "sqlite":
            named_rows = f"LEFT JOIN {NAME_KEYS[vendor]} n ON n.asset_id = c.asset_id"
        newer = f"CASE WHEN {family.member(key, new)} THEN {new} + 1 ELSE 0 END"
        if member_alike := family.alike(key, new):
            alike = f"CASE WHEN {member_alike} THEN {2 if family.lead else 1} ELSE 0 END"
            phrased = "CASE WHEN alike > 0 THEN 1 ELSE phrase END"
            named = (f"CASE WHEN alike = 2 AND exact < {NAME_STARTS} "
                     f"THEN {NAME_STARTS} ELSE exact END")
        if family.typing:
            partly = f"CASE WHEN {family.partly(key)} THEN 1 ELSE 0 END"
    # (Not a bare 0 when not typing: SQLite reads an integer in ORDER BY as a column's
    # number.)
    partly_last = "" if partly == "0" else (
        "CASE WHEN partly = 1 THEN MAX(CASE WHEN newness > 0 AND partly = 0 THEN 1 ELSE 0 END) "
        "OVER () ELSE 0 END,")
    figure_column, phrase_first, in_order = "", "", ""
    if order:
        figure_column = (f", (SELECT {_order_figure(order, vendor, 'p')} FROM catalog_asset p "
                         "WHERE p.id = c.asset_id) AS figure")
        phrase_first = f"{phrased} DESC," if task_first else ""
        # Within what the words steer to (kinds, makers, tasks named): "smallest llm" lists
        # the text generators by size, not first the embedding models named F2LLM-80M.
        in_order = "steered DESC, figure IS NULL, figure,"
    return f"""
        SELECT asset_id, rel, exact, phrase, rank FROM (
            SELECT c.asset_id, MAX(c.rel) AS rel, MAX(c.exact) AS exact,
                {phrase} AS phrase, MAX(c.most) AS most,
                MAX(c.steered){f" + {tasks}" if tasks else ""} AS steered,
                (SELECT s.rank FROM catalog_score s WHERE s.asset_id = c.asset_id) AS rank,
                {newer} AS newness, {alike} AS alike, {partly} AS partly,
                {_current(vendor)} AS current_
                {figure_column}
            FROM cand c {named_rows}
            GROUP BY c.asset_id
        ) g
        WINDOW w AS (PARTITION BY steered, {phrased}, most)
        ORDER BY {named} DESC, {phrase_first} {in_order}
            {f"{phrased} DESC, most DESC, steered DESC" if words_first
             else f"steered DESC, {phrased} DESC, most DESC"},
            current_ DESC, CASE WHEN newness > 0 THEN 0 ELSE {band} END, {partly_last}
            COALESCE(rank, -1.0) DESC, newness DESC, rel DESC, asset_id
        LIMIT %s
    """


# The assets deprecated or superseded, as SQL on catalog_asset: the condition of the partial
# index holding them (migration 0041), which a query must spell the same to read it.
RETIRED_SQL = {
    "sqlite": "successor_id IS NOT NULL OR deprecated_in <> '[]'",
    "postgresql": "successor_id IS NOT NULL OR deprecated_in <> '[]'::jsonb",
}


def _current(vendor: str) -> str:
    """SQL for whether a candidate (`c`) is current (Asset.objects.current(): neither listed
    as deprecated nor superseded by an asset here), 1 or 0: among those holding as many of
    the words, and the phrase as much, the current come first, then the others ranked
    alike ("openai embeddings": text-embedding-3-large, not the four text-similarity
    models of 2022 that HELM lists as deprecated; "bge base": bge-base-en-v1.5 before
    bge-base-en). In the same statement: the ids of the retired read once from their
    partial index (RETIRED_SQL), a few percent of the catalog, not each candidate's row."""
    return (f"CASE WHEN c.asset_id IN (SELECT id FROM {Asset._meta.db_table} "
            f"WHERE {RETIRED_SQL[vendor]}) THEN 0 ELSE 1 END")


def _stem(operand: str) -> str:
    """SQL for the stem of a prefix operand's text ("'clas':*" gives clas), else NULL."""
    return f"substring({operand} FROM '^''([^'']+)'':[*]$')"


# The words of catalog_search_word that start with the stem of a `stem` CTE; scalar
# subqueries, so the bounds reach the primary key's index (C collation: byte order).
_STARTS_STEM = "word >= (SELECT s FROM stem) AND word < (SELECT s FROM stem) || chr(1114111)"


@contextlib.contextmanager
def _planned_each_time(using: str) -> Iterator[None]:
    """PostgreSQL plans the statements run inside for their own parameters every time.

    A statement a connection runs for the fifth time is prepared (unfragile.settings), and
    PostgreSQL may then keep one generic plan for it, made without knowing the terms: for a
    common word it reads every match through the index before taking the first few. Under
    load on the bench's 100,000 assets that made search requests' p99 268 ms instead of
    48 ms. Planning a ranking statement costs 3-8 ms (5.4 at the median of the bench's
    queries at 100,000 assets, a fifth of the statement's time), most of it estimating each
    full-text match from the index's word statistics (migration 0033: ten thousand words,
    read afresh for each): hidden from the planner (a subquery for each match), they planned
    in 4.7 ms, but a typed prefix was then read through the index in full, 35-50 ms more."""
    connection = connections[using]
    connection.ensure_connection()
    raw = connection.connection
    threshold = raw.prepare_threshold
    raw.prepare_threshold = None
    try:
        yield
    finally:
        raw.prepare_threshold = threshold


def _lexeme(word: str) -> str:
    """A word as a tsquery operand, quoted as tsquery input wants it."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _results(
    rows: list[tuple], n: querytext.Normalised, full: int, using: str,
    makers_apart: bool = False,
) -> list[Result]:
    # `rows` come ranked (_ordered()), the first `full` of them holding every term. With
    # `makers_apart` (makers_apart()), what a summary says of its maker is not marked.
    ids = [row[0] for row in rows]
    stemmer = STEMMERS[connections[using].vendor]
    assets = _result_assets(ids, using)
    caps: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    listed_tasks: dict[int, list[tuple[str, int]]] = defaultdict(list)
    task_ids: dict[int, set[int]] = defaultdict(set)
    among, params = _among("asset_id", ids, using)
    listed, _ = _among("at.asset_id", ids, using)
    with connections[using].cursor() as cursor:
        # Their capabilities, then the tasks they list (a result matched by one of those
        # alone says so), in one statement.
        cursor.execute(
            "SELECT asset_id, 0, position, id, title, description FROM catalog_capability "
            f"WHERE {among} UNION ALL "
            "SELECT at.asset_id, 1, 0, t.id, t.name, t.slug FROM catalog_asset_tasks at "
            f"JOIN catalog_task t ON t.id = at.task_id WHERE {listed} ORDER BY 1, 2, 3, 5, 4",
            params * 2,
        )
        for asset_id, is_task, _, row_id, title, text in cursor.fetchall():
            if is_task:
                listed_tasks[asset_id].append(task_shown(title, text))
                task_ids[asset_id].add(row_id)
            else:
                caps[asset_id].append((row_id, title, text))

    # The matched words of every name, capability title and text, task and licence (its name
    # and what it allows), in the order the loop below takes them.
    shown = [asset_id for asset_id in ids if asset_id in assets]
    licence_texts = {
        asset_id: (licences.display_name(licence), licences.terms_label(licence))
        if (licence := assets[asset_id].licence) else ("", "") for asset_id in shown
    }
    found = iter(_hits_of([
        text for asset_id in shown
        for text in (
            assets[asset_id].name,
            *(text for _, title, description in caps[asset_id] for text in (title, description)),
            *(task for task, _ in listed_tasks[asset_id]),
            *licence_texts[asset_id],
        )
    ], n, stemmer))
    # How many of the words a text holds: words joined by "or", or a word and its other
    # spelling, count once ("Summarisation (summarization)" holds one word of the need); a
    # word naming a kind that steers not at all (nearly every text of its kind holds it).
    group_of = {term: i for i, group in enumerate(querytext.term_groups(n)) for term in group}

    def words_held(*hits: list) -> int:
        return len({group_of.get(hit[2], hit[2]) for found_hits in hits for hit in found_hits
                    if hit[2] not in n.steering})

    phrase = querytext.phrase_words(n)
    spoken = _may_name_language(n)
    results = []
    for at, (asset_id, rel, exact, _phrase, _rank) in enumerate(rows):
        asset = assets.get(asset_id)
        if asset is None:  # deleted between the two queries
            continue
        result = Result(asset=asset, relevance=float(rel or 0.0), exact=exact == EXACT_NAME,
                        all_terms=at < full, task_ids=frozenset(task_ids[asset_id]),
                        name_parts=_parts(asset.name, _with_aliases(
                            asset.name, _with_joined(asset.name, next(found), n), n, stemmer)))
        # ((holds the phrase, terms matched), -position, description, its hits)
        best_cap: tuple[tuple[bool, int], int, str, list] | None = None
        # (holds the phrase, terms matched), position, shown
        matched: list[tuple[tuple[bool, int], int, MatchedCapability]] = []
        for position, (cap_id, title, description) in enumerate(caps[asset_id]):
            title_hits, text_hits = next(found), next(found)
            if not (title_hits or text_hits):
                continue
            hits = (_holds_phrase(title, title_hits, phrase)
                    or _holds_phrase(description, text_hits, phrase),
                    words_held(title_hits, text_hits))
            matched.append((hits, position,
                            MatchedCapability(cap_id, title, _parts(title, title_hits))))
            if best_cap is None or (hits, -position) > best_cap[:2]:
                best_cap = (hits, -position, description, text_hits)
        # Those holding the words side by side as typed first ("speech to text": Speech
        # recognition, not Text to speech), then those matching the most of the words: an
        # asset doing many things matches a word such as "model" in most of them, and the
        # one the need names in one.
        matched.sort(key=lambda entry: ((not entry[0][0], -entry[0][1]), entry[1]))
        by_task = [(task, name_length, hits, words_held(hits))
                   for task, name_length in listed_tasks[asset_id] if (hits := next(found))]
        if max((terms for *_, terms in by_task), default=0) <= (matched[0][0][1] if matched else 0):
            result.capabilities = [shown for *_, shown in matched[:CAPABILITIES_SHOWN]]
        else:
            # A task it lists names more of the need than any of its capabilities.
            by_task.sort(key=lambda entry: -entry[3])
            for task, name_length, hits, _ in by_task[:CAPABILITIES_SHOWN]:
                # The name alone when it holds a match, else what else the task is called.
                in_name = [hit for hit in hits if hit[1] <= name_length]
                result.tasks.append(_parts(task[:name_length], in_name) if in_name
                                    else _parts(task, hits))
        licence, terms = licence_texts[asset_id]
        licence_hits, terms_hits = next(found), next(found)
        if licence_hits or terms_hits:
            result.licence_parts = _parts(licence, licence_hits)
            if {hit[2] for hit in terms_hits} - {hit[2] for hit in licence_hits}:
                # (Not when its name says as much: "Licence (non-commercial)".)
                result.licence_parts += [(" (", False), *_parts(terms, terms_hits), (")", False)]
        if best_cap:
            result.snippet = snippet(best_cap[2], n, stemmer, hits=best_cap[3])
        else:
            summary = asset.display_summary
            hits = _word_hits(summary, n, stemmer)
            if makers_apart and hits and asset.organization is not None:
                hits = _outside(hits, summary, published_by(asset.organization.name))
            result.snippet = snippet(summary, n, stemmer, hits=hits)
        named = _languages_named(asset.languages, n, stemmer, spoken)
        if not _marked_words(named) <= _marked_words(result.snippet):
            result.language_parts = named  # (not when its text shown names them already)
        if not (result.capabilities or result.tasks or _flagged(result.name_parts)
                or _flagged(result.snippet) or result.licence_parts or result.language_parts):
            hits = _word_hits(asset.external_id, n, stemmer)
            result.id_parts = _parts(asset.external_id, hits) if hits else []
        results.append(result)
    return results


LANGUAGES_NAMED = 3  # languages a result names that the words named, at most


def _may_name_language(n: querytext.Normalised) -> bool:
    """Whether a word of `n` may name a widely known language (languages.known_words()), or
    start one when being typed: worked out once for a page of results."""
    known = known_language_words()
    return any(term in known or (term == n.prefix and any(w.startswith(term) for w in known))
               for term in n.terms)


def _languages_named(codes, n: querytext.Normalised, stemmer: str,
                     spoken: bool) -> list[Part]:
    """The languages of `codes` that words of `n` name, as the index finds them
    (languages.searched_names()), marked, and how many it covers when more: "Swahili,
    among its 94 languages". A programming language by its name alone: "code" names none.
    [] when no word names one, the usual case, told cheaply: only words of the widely
    known languages' names (`spoken`: _may_name_language()), or the name of a programming
    language it covers, can."""
    if not isinstance(codes, list) or not codes:
        return []
    if not spoken and not any(isinstance(code, str) and code.endswith("-Code")
                              for code in codes):
        return []
    named = [(name, words) for name in searched_language_names(codes)
             if _word_hits(words := searched_language_words(name), n, stemmer)]
    if not named:
        return []
    shown = [name for name, _ in named[:LANGUAGES_NAMED]]
    text = join_words(shown) if len(named) <= LANGUAGES_NAMED else (
        f"{', '.join(shown)} and {len(named) - LANGUAGES_NAMED} more")
    if (count := len(language_names(codes))) > len(named):
        text += f", among its {count:,} languages"
    # Marked: the words each was found by ("Modern Greek": Greek).
    found = {word.casefold() for _, words in named for word in words.split(" ")}
    hits = [hit for hit in _word_hits(text, n, stemmer)
            if text[hit[0]:hit[1]].casefold() in found]
    return _parts(text, hits)


def _holds_phrase(text: str, hits: list[tuple[int, int, str]], phrase: list[str]) -> bool:
    """Whether `text` holds the words of `phrase` (querytext.phrase_words()) side by side in
    their order: its terms where `hits` found them, stemmed as the index stems them, the
    other words as typed, with nothing but spaces and punctuation between them ("speech to
    text", "Speech-to-text")."""
    if not phrase or not hits:
        return False
    at_start = {start: (end, term) for start, end, term in hits}
    for _, end, term in hits:
        if term != phrase[0]:
            continue
        cursor = end
        for word in phrase[1:]:
            while cursor < len(text) and not text[cursor].isalnum():
                cursor += 1
            if (found := at_start.get(cursor)) is not None and found[1] == word:
                cursor = found[0]
            elif (text[cursor:cursor + len(word)].casefold() == word
                  and not text[cursor + len(word):cursor + len(word) + 1].isalnum()):
                cursor += len(word)
            else:
                break
        else:
            return True
    return False


# What a result shows of its asset, organisation and score (as `for_cards()` would load them,
# plus the summaries a snippet may come from), read in one statement into model instances:
# through the ORM, building the query took longer than running it.
_RESULT_ASSET = loaded_fields(
    Asset, "id", "slug", "name", "external_id", "kind", "licence", "summary", "curated_summary",
    "organization", "price_facts", "languages", "deprecated_in", "successor", "n_parameters",
)
# Its JSON fields, by where they stand in a row: raw rows hold the JSON as the database
# gives it, and each field reads it as queries do.
_RESULT_JSON = tuple((_RESULT_ASSET.index(name), Asset._meta.get_field(name))
                     for name in ("price_facts", "languages", "deprecated_in"))
_RESULT_ORG = loaded_fields(Organization, "id", "name", "slug")
_RESULT_SCORE = loaded_fields(Score, "asset", "rank", "coverage", "provisional")
_ORG_AT = len(_RESULT_ASSET)
_SCORE_AT = _ORG_AT + len(_RESULT_ORG)


@functools.cache
def _result_assets_sql(using: str) -> str:
    """The statement of `_result_assets()`, made once per database; `{among}` is left for
    the condition on the ids."""
    q = connections[using].ops.quote_name

    def columns(model: type, alias: str, names: tuple[str, ...]) -> list[str]:
        column = {f.attname: f.column for f in model._meta.concrete_fields}
        return [f"{alias}.{q(column[name])}" for name in names]

    selected = ", ".join(
        columns(Asset, "a", _RESULT_ASSET) + columns(Organization, "o", _RESULT_ORG)
        + columns(Score, "s", _RESULT_SCORE)
    )
    # Last, the context window (_context_window()), not the attributes it is read from.
    window = _context_window(connections[using].vendor, "a")
    return (
        f"SELECT {selected}, {window} FROM {q(Asset._meta.db_table)} a "
        f"LEFT JOIN {q(Organization._meta.db_table)} o ON o.id = a.organization_id "
        f"LEFT JOIN {q(Score._meta.db_table)} s ON s.asset_id = a.id "
        "WHERE {among}"
    )


def _among(column: str, ids: list[int], using: str) -> tuple[str, list]:
    """`column` is one of `ids`, as SQL and its parameters. On PostgreSQL one array: the
    statement stays the same for any number of ids, so it is prepared once, and it ran in
    two thirds of the time of a list of 20 parameters."""
    if connections[using].vendor == "postgresql":
        return f"{column} = ANY(%s)", [ids]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", ids


def _result_assets(ids: list[int], using: str) -> dict[int, Asset]:
    connection = connections[using]
    among, params = _among("a.id", ids, using)
    with connection.cursor() as cursor:
        cursor.execute(_result_assets_sql(using).format(among=among), params)
        rows = cursor.fetchall()
    assets = {}
    for row in rows:
        values = list(row[:_ORG_AT])
        for at, json_field in _RESULT_JSON:
            values[at] = json_field.from_db_value(values[at], None, connection)
        asset = Asset.from_db(using, _RESULT_ASSET, values)
        org, score, window = row[_ORG_AT:_SCORE_AT], row[_SCORE_AT:-1], row[-1]
        # (What Asset.context_window would read from the attributes.)
        asset.__dict__["context_window"] = int(window) if window else None
        asset.organization = Organization.from_db(using, _RESULT_ORG, org) if org[0] else None
        score = Score.from_db(using, _RESULT_SCORE, score) if score[0] else None
        if score is not None:
            score.provisional = bool(score.provisional)  # 0 or 1 on SQLite
        # Unlike assigning to `asset.score`, this also caches "no score".
        Asset.score.related.set_cached_value(asset, score)
        assets[asset.pk] = asset
    return assets


# Highlighting: done here from the query terms, never from HTML made by the database. --------


def _term_matches(word: str, n: querytext.Normalised, stemmer: str) -> str | None:
    """The query term that `word` (already folded) stands for, or None.

    As the index matched it: the word is the term, or the database's stemmer makes them one
    word (STEMMERS: "captions" marks "captioning", "segmentation" "segment"; not "open"
    "OpenAI", nor "image" "ImageNet"). The word being typed marks every word it starts, and
    every word whose stem starts with its stem, as the index finds them ("happi": "happy",
    stemmed happi); when the stemmer shortens it, a whole word (search()), the words it
    starts and those of its stem ("parsing": "parses", not "ParsiNLU").
    """
    for term in n.terms:
        if word == term:
            return term
        if term == n.prefix:
            stemmed, word_stem = stem(term, stemmer), stem(word, stemmer)
            if word.startswith(term) or (word_stem == stemmed if _whole_word(term, stemmed)
                                         else word_stem.startswith(stemmed)):
                return term
        elif stem(word, stemmer) == stem(term, stemmer):
            return term
    return None


# The stemmer of each index, by its name in snowballstemmer: FTS5's porter tokenizer is
# Porter's algorithm; PostgreSQL's CONFIG the snowball dictionary for English (Porter2).
STEMMERS = {"sqlite": "porter", "postgresql": "english"}
_stemmers = threading.local()  # a stemmer keeps its word while it works: one a thread


@functools.lru_cache(maxsize=65_536)
def stem(word: str, stemmer: str) -> str:
    """`word` (folded) as the index of `stemmer` holds it."""
    if stemmer == "porter" and not 3 <= len(word.encode()) <= 64:
        return word  # FTS5 leaves these as they are
    try:
        algorithm = getattr(_stemmers, stemmer)
    except AttributeError:
        algorithm = snowballstemmer.stemmer(stemmer)
        setattr(_stemmers, stemmer, algorithm)
    stemmed = algorithm.stemWord(word)
    if stemmer == "porter" and stemmed.endswith("logi") and _measure(stemmed[:-4]):
        # FTS5 also takes "logi" to "log" ("psychology": psycholog; not "biology"), a rule
        # Porter added to his algorithm later.
        return stemmed[:-1]
    return stemmed


def _measure(word: str) -> int:
    """Porter's m: how many times a consonant follows a vowel in `word` ("y" is a vowel
    after a consonant)."""
    m, after_vowel = 0, False
    for i, ch in enumerate(word):
        vowel = ch in "aeiou" or (ch == "y" and i > 0 and not after_vowel)
        if after_vowel and not vowel:
            m += 1
        after_vowel = vowel
    return m


def _head(term: str, stemmer: str) -> str:
    """What every word standing for `term` holds: the start of its stem, up to four
    characters, less a last "e" or "i" the stemmer may have written ("hoping": hope;
    "happy": happi). The few irregular words Porter2 lists ("dying": die) are not marked."""
    return _stem_held(term, stemmer)[:4] or term[:4]


def _stem_held(term: str, stemmer: str) -> str:
    """What every word standing for `term` holds whole: its stem, less a last "e" or "i"
    the stemmer may have written (_head())."""
    stemmed = stem(term, stemmer)
    return stemmed[:-1] if len(stemmed) > 1 and stemmed[-1] in "ei" else stemmed


def _fold(text: str) -> str:
    # querytext.fold() without its per-character pass: enough to compare words with terms.
    return unicodedata.normalize("NFKC", text.casefold())


def _spans(text: str) -> Iterable[tuple[int, int]]:
    """Start and end of each run of letters, marks and digits in `text`."""
    start = None
    for i, ch in enumerate(text):
        if unicodedata.category(ch)[0] in "LNM":
            if start is None:
                start = i
        elif start is not None:
            yield start, i
            start = None
    if start is not None:
        yield start, len(text)


def _word_hits(text: str, n: querytext.Normalised, stemmer: str
               ) -> list[tuple[int, int, str]]:
    """(start, end, term) of each word of `text` that stands for a query term."""
    return _hits_of([text], n, stemmer)[0]


def _unicode_hits(text: str, n: querytext.Normalised, stemmer: str
                  ) -> list[tuple[int, int, str]]:
    """`_word_hits()` of a text that is not all ASCII, folded as the index folds it."""
    # Every match holds the head of its term (_head()): texts, and then words, without any
    # of them are skipped before the slower tests.
    heads = {_head(term, stemmer) for term in n.terms}
    folded_text = _fold(text)
    if not any(head in folded_text for head in heads):
        return []
    hits = []
    for start, end in _spans(text):
        word = text[start:end]
        if any(head in _fold(word) for head in heads):
            hits += [(start + a, start + b, term) for a, b, term in _word_spans(word, n, stemmer)]
    return hits


def _word_spans(word: str, n: querytext.Normalised, stemmer: str
                ) -> list[tuple[int, int, str]]:
    """(start, end, term) within `word` of what stands for a query term: the whole word, or
    else each of its CamelCase parts that does ("HateSpeechPortuguese": only "Speech" is
    marked for "speech"; "SceneParsing" for "scene", "Scene")."""
    term = _term_matches(_fold(word), n, stemmer)
    if term and term != n.prefix:
        return [(0, len(word), term)]
    # (A word the term being typed starts is marked by its parts that stand for it, when any
    # does: "<mark>Speech</mark>Commands" for "speech".)
    parts = [(start, end, part_term) for start, end in _camel_parts(word)
             if (part_term := _term_matches(_fold(word[start:end]), n, stemmer))]
    return parts if parts or not term else [(0, len(word), term)]


def _camel_parts(word: str) -> list[tuple[int, int]]:
    """Start and end of each CamelCase part of `word` (split_words()), when it has several."""
    cuts = [0, *(m.start() for m in _CAMEL.finditer(word)), len(word)]
    parts = [(start, end) for start, end in itertools.pairwise(cuts) if start < end]
    return parts if len(parts) > 1 else []


@functools.lru_cache(maxsize=256)
def _ascii_terms(
    terms: tuple[str, ...], prefix: str | None, stemmer: str
) -> tuple[dict[str, list[tuple[int, int, str]]], list[str]]:
    """For ASCII text and these terms: a memo of what in each word stands for a term
    (_word_spans()), shared by all the texts of a search and by the searches for the same
    terms; and the heads of the terms (_head()), one of which every word that stands for a
    term holds."""
    return {}, sorted({head for term in terms if (head := _head(term, stemmer)).isascii()})


def _hits_of(texts: Sequence[str], n: querytext.Normalised, stemmer: str
             ) -> list[list[tuple[int, int, str]]]:
    """`_word_hits()` of each of `texts`, for the hundreds of texts of a page of results.

    Most of them hold no term. The ASCII ones are lower-cased and joined, the heads of the
    terms looked for in that, and only the words around what turns up are looked at."""
    out: list[list[tuple[int, int, str]]] = [[] for _ in texts]
    joined = "\n".join(texts)
    if joined.isascii():
        ascii_at: Sequence[int] = range(len(texts))
    else:
        ascii_at = [i for i, text in enumerate(texts) if text.isascii()]
        for i in set(range(len(texts))).difference(ascii_at):
            out[i] = _unicode_hits(texts[i], n, stemmer)
        joined = "\n".join([texts[i] for i in ascii_at])
    joined = joined.lower()
    # The whole page lower-cased, when every text is ASCII: _with_negated() reads it too.
    page = joined if len(ascii_at) == len(texts) else None
    backwards = joined[::-1]  # to find where a word starts, as where it ends backwards
    size = len(joined)
    term_of, heads = _ascii_terms(tuple(n.terms), n.prefix, stemmer)
    spans = set()
    for head in heads:
        at = joined.find(head)
        while at >= 0:
            start = at - (_WORD_TAIL.match(backwards, size - at).end() - (size - at))
            end = _WORD_TAIL.match(joined, at + len(head)).end()
            spans.add((start, end))
            at = joined.find(head, end)
    if not spans:
        return _with_negated(texts, out, n, stemmer, page)
    starts = [0]
    for i in ascii_at:
        starts.append(starts[-1] + len(texts[i]) + 1)
    for start, end in sorted(spans):
        k = bisect.bisect_right(starts, start) - 1
        text, offset = texts[ascii_at[k]], starts[k]
        word = text[start - offset:end - offset]
        found = term_of.get(word)
        if found is None:
            found = term_of[word] = _word_spans(word, n, stemmer)
        at = start - offset
        out[ascii_at[k]] += [(at + a, at + b, term) for a, b, term in found]
    return _with_negated(texts, out, n, stemmer, page)


_WORD_TAIL = re.compile(r"[a-z0-9]*")
# "non" and a word it negates, written apart (querytext.negated_word()), within one line: in
# lower-case text (a pattern starting with letters is looked for as fast as str.find), and
# in any text.
_NEGATED_LOWER = re.compile(querytext.NEGATING + r"(?:[^\w\n]|_)+(?:"
                            + "|".join(querytext.NEGATED_WORDS) + r")\w*")
_NEGATED_ANY = re.compile(r"\b" + _NEGATED_LOWER.pattern, re.IGNORECASE)


def _with_negated(texts: Sequence[str], hits: list[list[tuple[int, int, str]]],
                  n: querytext.Normalised, stemmer: str, lowered: str | None = None
                  ) -> list[list[tuple[int, int, str]]]:
    """The hits of `texts`, where "non" and the word it negates are written apart
    ("Non-commercial"), as the index holds them: one word (noncommercial), marked for a
    term it stands for, and the negated word alone not marked ("commercial" does not find
    it). The texts of a page, hundreds, are looked at joined, once (`lowered`: them joined
    by newlines and lower-cased, when at hand)."""
    if lowered is None:
        joined = "\n".join(texts)
        lowered = joined.lower()
        if len(lowered) != len(joined):  # a character lower-cased to more: offsets moved
            lowered = None
    if lowered is not None:
        scanned = lowered
        matches = (m for m in _NEGATED_LOWER.finditer(lowered)
                   if not (m.start() and (lowered[m.start() - 1].isalnum()
                                          or lowered[m.start() - 1] == "_")))
    else:
        scanned = joined
        matches = _NEGATED_ANY.finditer(joined)
    found: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    starts = None
    for m in matches:
        if starts is None:
            starts = _starts(texts)
        k = bisect.bisect_right(starts, m.start()) - 1
        found[k].append((m.start() - starts[k], m.end() - starts[k], scanned[m.start():m.end()]))
    for k, spans in found.items():
        kept = [h for h in hits[k] if not any(start < h[1] and h[0] < end
                                                for start, end, _ in spans)]
        for start, end, words in spans:
            if term := _term_matches(querytext.index_text(words), n, stemmer):
                kept.append((start, end, term))
        hits[k] = sorted(kept)
    return _with_symbolic(texts, _with_hyphened(texts, hits, n, stemmer, scanned), n, scanned)


def _with_hyphened(texts: Sequence[str], hits: list[list[tuple[int, int, str]]],
                   n: querytext.Normalised, stemmer: str, scanned: str
                   ) -> list[list[tuple[int, int, str]]]:
    """The hits of `texts`, where words joined by hyphens stand, written as one, for a term
    (hyphened_words(): "finetuned" finds "fine-tuned"): the whole of them marked for it, in
    place of what their parts matched. `scanned`: the texts joined by newlines, lower-cased
    or not. Looked for only when the term's stem turns up in the page once its hyphens are
    gone and not before, as in few searches."""
    if "-" not in scanned:
        return hits
    lowered = scanned.lower()
    flat = lowered.replace("-", "")
    stems = set()
    for term in n.terms:
        held = _stem_held(term, stemmer)
        if held.isascii() and flat.count(held) > lowered.count(held):
            stems.add(held)
    if not stems:
        return hits
    starts = _starts(texts)
    for m in _HYPHENED.finditer(scanned):
        word = m.group().replace("-", "").lower()
        if any(s in word for s in stems) and (term := _term_matches(word, n, stemmer)):
            _mark_whole(hits, starts, m, term)
    return hits


def _with_symbolic(texts: Sequence[str], hits: list[list[tuple[int, int, str]]],
                   n: querytext.Normalised, scanned: str) -> list[list[tuple[int, int, str]]]:
    """The hits of `texts`, where a programming language named with a sign ("C++", "C#")
    stands for the word searched for it (querytext.SYMBOLIC: "cpp"): marked whole. Looked
    for only when such a word was searched for. `scanned`: the texts joined by newlines."""
    wanted = querytext.SYMBOLIC_WORDS.intersection(n.terms)
    if not wanted or ("+" not in scanned and "#" not in scanned):
        return hits
    starts = _starts(texts)
    for m in querytext.SYMBOLIC_NAMES.finditer(scanned):
        if (term := querytext.SYMBOLIC[m.group().lower()]) in wanted:
            _mark_whole(hits, starts, m, term)
    return hits


def _starts(texts: Sequence[str]) -> list[int]:
    """Where each of `texts` starts in them joined by newlines (and where that ends)."""
    return list(itertools.accumulate((len(text) + 1 for text in texts), initial=0))


def _mark_whole(hits: list[list[tuple[int, int, str]]], starts: list[int], m: re.Match,
                term: str) -> None:
    """Mark what `m` found in the texts joined (`starts`: _starts()) whole for `term`, in
    place of the hits of its text it overlaps."""
    k = bisect.bisect_right(starts, m.start()) - 1
    start, end = m.start() - starts[k], m.end() - starts[k]
    hits[k] = sorted([h for h in hits[k] if not (start < h[1] and h[0] < end)]
                     + [(start, end, term)])


def _parts(text: str, hits: Iterable[tuple[int, int, str]]) -> list[Part]:
    """`text` cut at these hits into parts, the hits flagged; hits side by side are one part
    ("HateSpeech" for "hate speech")."""
    parts: list[Part] = []
    at = 0
    for start, end, _ in hits:
        if start > at:
            parts.append((text[at:start], False))
        elif parts and parts[-1][1] and start == at:
            parts[-1] = (parts[-1][0] + text[start:end], True)
            at = end
            continue
        parts.append((text[start:end], True))
        at = end
    if at < len(text):
        parts.append((text[at:], False))
    return parts


def snippet(
    text: str, n: querytext.Normalised, stemmer: str, chars: int = SNIPPET_CHARS,
    hits: list[tuple[int, int, str]] | None = None,
) -> list[Part]:
    """About `chars` characters of `text` around its first matched word, highlighted.
    `hits`: the text's `_word_hits()`, when already found."""
    if hits is None:
        hits = _word_hits(text, n, stemmer)
    if len(text) > chars:
        first = hits[0][0] if hits else 0
        start = max(0, min(first - chars // 3, len(text) - chars))
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < first else start
        end = start + chars
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
        # The ellipses are added to the parts, not to the text: an ellipsis never joins a
        # word.
        parts = _parts(text[start:end], [(a - start, b - start, term) for a, b, term in hits
                                         if start <= a and b <= end])
        if start:
            _join(parts, 0, "…")
        if end < len(text):
            _join(parts, len(parts), "…")
        return parts
    return _parts(text, hits)


def _outside(hits: list[tuple[int, int, str]], text: str, said: str
             ) -> list[tuple[int, int, str]]:
    """The hits of `text` outside where it says `said`, if it does."""
    at = text.find(said)
    if at < 0:
        return hits
    return [hit for hit in hits if hit[1] <= at or hit[0] >= at + len(said)]


def _with_joined(name: str, hits: list[tuple[int, int, str]], n: querytext.Normalised
                 ) -> list[tuple[int, int, str]]:
    """A name's hits, with the words it holds apart that a term joins (_joined()) marked as
    one in place of their own hits: "gpt4o" marks "GPT-4o", "mistral7b" "Mistral 7B"."""
    if not any(ch.isdigit() for term in n.terms for ch in term):
        return hits  # every joined word holds a number
    joined = []
    for start, end, word, letters in _joined_spans(name):
        term = next((t for t in n.terms if t == word or (t == n.prefix and word.startswith(t)
                                                         and len(t) > letters)), None)
        if term:
            joined.append((start, end, term))
    if not joined:
        return hits
    apart = [h for h in hits if not any(h[0] < end and start < h[1] for start, end, _ in joined)]
    return sorted(apart + joined)


def _with_aliases(name: str, hits: list[tuple[int, int, str]], n: querytext.Normalised,
                  stemmer: str) -> list[tuple[int, int, str]]:
    """A name's hits, with its words holding an abbreviation whose words (NAME_ALIASES, which
    the index holds with the name) stand for a term marked too: "question answering" marks
    "VisRAGRetSlideVQA", "vision transformer" the "vit" of "vit_base_patch16_224"."""
    lowered = name.lower()
    if not any(short in lowered for short in NAME_ALIASES):
        return hits
    more = []
    for start, end in _spans(name):
        if any(h[0] < end and start < h[1] for h in hits):
            continue
        word = name[start:end]
        # The word, else the CamelCase part of it that is the abbreviation (StarCoder).
        for a, b in [(0, len(word)), *_camel_parts(word)]:
            term = next((t for w in _WORD.findall(NAME_ALIASES.get(_fold(word[a:b]), ""))
                         if (t := _term_matches(w, n, stemmer))), None)
            if term:
                more.append((start + a, start + b, term))
                break
    return sorted(hits + more) if more else hits


def _flagged(parts: list[Part]) -> bool:
    return any(hit for _, hit in parts)


def _marked_words(parts: list[Part]) -> set[str]:
    return {text.casefold() for text, hit in parts if hit}


def _join(parts: list[Part], at: int, text: str) -> None:
    """Put unmatched `text` into `parts` at the start (`at` 0) or the end, merged with an
    unmatched part there, as highlighting the longer text would have given it."""
    beside = at - 1 if at else 0
    if parts and not parts[beside][1]:
        old = parts[beside][0]
        parts[beside] = (text + old if at == 0 else old + text, False)
    else:
        parts.insert(at, (text, False))


def _shared_prefix(a: str, b: str) -> int:
    size = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        size += 1
    return size
