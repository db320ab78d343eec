"""Turn whatever was typed into the search box into safe search terms.

No operator a person types reaches the database as syntax: SQLite gets only double-quoted
terms, PostgreSQL only runs of letters, marks and digits. Index `index_text()` (or at least
`fold()`) of the searched text, so the index and the query agree on NFKC and case folding.
"""

from __future__ import annotations

import functools
import itertools
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Container
from dataclasses import dataclass, field

MAX_TERMS = 12
PREFIX_MIN_CHARS = 3  # shorter prefixes match too many rows to rank quickly

# Dropped only when some other term remains, so "the who" still finds something.
STOP_WORDS = frozenset(
    {
        "a", "about", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have",
        "in", "is", "it", "its", "not", "of", "on", "onto", "or", "over", "than", "that", "the",
        "this", "to", "under", "via", "was", "were", "what", "which", "with",
    }
)  # fmt: skip

# Words about the asker, not the need ("i need something to detect objects"): dropped as
# stop words are. A result rarely holds them, so as terms they left only those holding some
# of the words, and "something" found a dataset named SomethingSomethingV2.
ASKING_WORDS = frozenset(
    {
        "i", "im", "me", "my", "we", "our", "you", "need", "needs", "want", "wants", "looking",
        "something", "anything", "please", "can", "could", "would", "should", "help", "find",
        "recommend", "suggest", "some", "good", "best", "like",
    }
)  # fmt: skip
_DROPPED = STOP_WORDS | ASKING_WORDS

# Verbs that both databases' stemmers keep apart from the name of what they do
# ("transcribe": transcrib, "transcription": transcript): a need put as the verb also finds
# the tasks and texts that name it, as if the two were joined by "or".
TASK_VERBS = {
    "transcribe": "transcription", "transcribes": "transcription",
    "transcribing": "transcription", "classify": "classification",
    "classifies": "classification", "classifying": "classification", "embed": "embedding",
    "embeds": "embedding", "recognize": "recognition", "recognise": "recognition",
    "synthesize": "synthesis", "synthesise": "synthesis",
}

# Words spelt one way in the catalog and another by many who search it: the catalog writes
# British English ("licence", 4,000 times in the bundled one; "summarisation"), publishers
# often American ("quantized"), and the stemmers keep the two apart. A word typed either way
# also finds the other spelling, as if the two were joined by "or" (spelt_otherwise()).
_AMERICAN_BRITISH = {
    "license": "licence", "licenses": "licences", "color": "colour", "colors": "colours",
    "colored": "coloured", "modeling": "modelling", "labeled": "labelled",
    "labeling": "labelling", "center": "centre", "centers": "centres",
    "behavior": "behaviour", "behaviors": "behaviours", "dialog": "dialogue",
    "dialogs": "dialogues", "analyze": "analyse", "analyzed": "analysed",
    "analyzer": "analyser", "analyzing": "analysing",
}
_SPELT_OTHERWISE = {
    **_AMERICAN_BRITISH,
    **{british: american for american, british in _AMERICAN_BRITISH.items()},
    # One way: British English spells the verb with an s too; the catalog's noun is "licence".
    "licensed": "licence", "licensing": "licence",
}
# The stems whose -ize words are -ise words in British English (tokenize, tokenise;
# quantization, quantisation), and those words.
_IZE_STEMS = frozenset(
    {
        "summar", "token", "quant", "optim", "normal", "visual", "categor", "local", "organ",
        "character", "real", "standard", "special", "general", "vector", "regular", "util",
        "lemmat", "anonym", "custom", "synthes", "recogn", "serial", "stabil", "minim",
        "maxim", "prior", "personal", "digit", "binar", "random", "parameter", "discret",
        "styl", "emphas", "memor", "central", "author", "canonical",
    }
)  # fmt: skip
_IZE_WORD = re.compile(
    "(" + "|".join(sorted(_IZE_STEMS)) + ")i([sz])(ations?|e[sdr]?|ers|ing)"
)


# Words naming a kind of asset, and the kinds (catalog.models.Asset.Kind) a need put with
# one asks for: a model may be a fine-tune or one served behind an API. In a query with
# other terms they also steer (normalise()): "tools for evaluation" wants evaluation tools
# first, not the datasets named "ToolBench".
KIND_STEERS = {
    **dict.fromkeys(("model", "models"), ("model", "fine-tune", "api")),
    **dict.fromkeys(("dataset", "datasets"), ("dataset",)),
    **dict.fromkeys(("tool", "tools"), ("tool",)),
    **dict.fromkeys(("library", "libraries"), ("library",)),
    **dict.fromkeys(("api", "apis"), ("api",)),
    **dict.fromkeys(("finetune", "finetunes", "finetuned"), ("fine-tune",)),
}
# Two words naming a kind side by side, "fine tune" and "fine-tuned" (typed with a hyphen,
# they are two words): the first, and the words that may follow it. Each steers as a word of
# KIND_STEERS does, but only beside the other ("fine" alone is no kind).
KIND_PAIRS = {"fine": frozenset({"tune", "tunes", "tuned"})}
_PAIRED_STEERS = dict.fromkeys(("fine", "tune", "tunes", "tuned"), ("fine-tune",))


# "open source" typed side by side, as many say it of any model whose weights anyone may
# download, also finds the open-weights models ("open-weights", written as one by
# catalog.search.hyphened_words()), as if "source" and "openweights" were joined by "or":
# they state no licence, so none holds "open source" ("open source llm" listed LLM2Vec's
# embedding models, under MIT, and no LLM). Not after "not", taken as typed.
OPEN_SOURCE = ("open", "source")
OPEN_WEIGHTS = "openweights"


# Words asking for the lowest price: not words the assets' texts hold, but an order. With
# other terms they are not searched for; those holding the others come cheapest first, by
# list price (catalog.search): "cheapest embedding api".
PRICE_WORDS = frozenset({"cheap", "cheaper", "cheapest", "inexpensive", "affordable"})
# Words asking, right before "context", for the longest context window ("long context llm",
# "largest context window"): an order too. Those holding the other words (and "context",
# which the assets listing a context window hold) come longest first (catalog.search).
CONTEXT_SIZE_WORDS = frozenset({"long", "longer", "longest", "large", "larger", "largest",
                                "big", "bigger", "biggest"})
CONTEXT = "context"
# Words asking for the fewest or the most parameters ("smallest embedding model", "largest
# llm"): an order too, by parameter count, when no other order is asked for. Only these: a
# "small" or a "mini" is as often part of a name ("Mistral Small", "gpt-4o mini").
SIZE_WORDS = {"smallest": "smallest", "tiniest": "smallest", "largest": "largest",
              "biggest": "largest"}
# The orders words may ask for (Normalised.order), one at a time, the first found of these:
# by list price, by context window, and by parameter count ("smallest", "largest").
ORDER_PRICE, ORDER_CONTEXT = "price", "context"


def reads_open_weights(n: Normalised) -> bool:
    """Whether normalise() read "open source" in `n` as open weights too (OPEN_SOURCE)."""
    return f"{OPEN_SOURCE[1]} {OPEN_WEIGHTS}" in n.alternatives


def spelt_otherwise(word: str) -> str | None:
    """`word` as the other side of the Atlantic spells it ("license": licence,
    "tokenisation": tokenization), or None."""
    if other := _SPELT_OTHERWISE.get(word):
        return other
    if found := _IZE_WORD.fullmatch(word):
        stem, letter, ending = found.groups()
        return f"{stem}i{'s' if letter == 'z' else 'z'}{ending}"
    return None


def excluded_texts(entry: str) -> list[str]:
    """What an entry of Normalised.excluded leaves out: the word or phrase, and then, when
    some of its words are spelt otherwise on the other side of the Atlantic, the same
    spelt that way ("license": licence), as a term would also find it."""
    words = entry.split(" ")
    other = " ".join(spelt_otherwise(word) or word for word in words)
    return [entry, other] if other != entry else [entry]


# "non" written before a word as its own word ("non-commercial"), which the index and the
# query both join to it (noncommercial): else "commercial" would find whatever is
# non-commercial, the opposite of what it asks for.
NEGATING = "non"
NEGATED_WORDS = ("commercial",)  # and the words they start ("commercially")
_NEGATED_INDEXED = re.compile(r"\b" + NEGATING + r" (?=(?:" + "|".join(NEGATED_WORDS) + r"))")


def negated_word(first: str, second: str) -> str | None:
    """The one word that `first` and `second`, side by side, stand for ("non",
    "commercial": noncommercial; and while it is typed, "non", "comm": noncomm), or None."""
    if first == NEGATING and (second.startswith(NEGATED_WORDS) or (
            len(second) >= PREFIX_MIN_CHARS and any(w.startswith(second)
                                                    for w in NEGATED_WORDS))):
        return first + second
    return None


# Control, format, surrogate and unassigned characters: removed, never searched.
_REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Cn"})
# ASCII text, the common case, takes short cuts that give what the general code gives: its
# only removed characters are the control characters that are not whitespace, case folding
# is lower(), NFKC leaves it as it is, and its term characters are letters and digits.
_ASCII_CONTROLS = {c: None for c in [*range(32), 127] if not chr(c).isspace()}
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")
# Leading and trailing characters of the raw input that cannot change the result.
_IGNORABLE = "".join(map(chr, range(33))) + "\x7f\x85\xa0\u2028\u2029\u3000\ufeff"


@dataclass(frozen=True)
class Normalised:
    text: str  # folded and trimmed; fit for display and for websearch_to_tsquery
    terms: list[str]
    truncated: bool
    prefix: str | None  # the last term, when it may still be being typed
    # As a web search reads them (websearch_to_tsquery()): words typed with a minus sign in
    # front ("segmentation -dataset") and phrases in double quotes with one in front
    # (-"text to speech"): results holding any of them are left out; never terms, never a
    # prefix. Phrases in double quotes ("text to speech" model): results must hold each,
    # its words side by side, stop words included. A phrase's words one space apart.
    excluded: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    # Terms joined by "or" ("bert or roberta"), and a verb with the name of what it does
    # (TASK_VERBS: "transcribe transcription"): results need hold only one of each group.
    # Unlike websearch_to_tsquery(), "or" joins only the words beside it, as web search
    # engines read it: "image or video segmentation" needs segmentation, and image or video.
    alternatives: list[str] = field(default_factory=list)
    # The terms naming kinds of asset that steer (KIND_STEERS): results of those kinds come
    # first (catalog.search). Not when such a word is quoted, joined by "or", or every term
    # is one.
    steering: list[str] = field(default_factory=list)
    # The order the words ask for, "" for none; the words asking for it are then no terms.
    # ORDER_PRICE: words asking for the lowest price (PRICE_WORDS) typed beside other
    # terms, results cheapest first. ORDER_CONTEXT, failing that: a word asking for the
    # longest context window (CONTEXT_SIZE_WORDS) typed right before "context", results
    # longest context first. "smallest" or "largest", failing both: a word asking for the
    # fewest or the most parameters (SIZE_WORDS) typed beside other terms. Never for such
    # words quoted or joined by "or".
    order: str = ""
    # Whether the last term, after others, may still be being typed but is too short to be
    # a prefix (PREFIX_MIN_CHARS: "speech r"): it is searched as a word, and when nothing
    # holds every word, those holding the others follow, not those holding some of them
    # (catalog.search), which a letter alone would fill with the names holding it.
    partial: bool = False
    # Whether the last term may still be being typed but is too short to be a prefix, after
    # other terms or alone ("ge": the search page then lists the names it starts).
    short: bool = False

    @property
    def by_price(self) -> bool:
        return self.order == ORDER_PRICE

    @property
    def by_context(self) -> bool:
        return self.order == ORDER_CONTEXT

    @property
    def by_size(self) -> str:
        """"smallest" or "largest" when the words ask for that order, else ""."""
        return self.order if self.order in SIZE_WORDS.values() else ""

    @property
    def kinds(self) -> list[str]:
        """The kinds the steering terms ask for, in the order KIND_STEERS first names them."""
        return [kind for kind in dict.fromkeys(itertools.chain(*KIND_STEERS.values()))
                if any(kind in (KIND_STEERS.get(word) or _PAIRED_STEERS[word])
                       for word in self.steering)]

    @functools.cached_property
    def wanted(self) -> str:
        """`text` without what is left out, minus signs and quotes included: what names are
        matched against and the phrase of the whole query is read from."""
        if "-" not in self.text:
            return self.text
        cuts = [(start, end) for start, end, minus in _spans(self.text) if minus]
        # From the minus sign before each word left out (which may be "non" and a word
        # joined into one: negated_word()).
        cuts += [(self.text.rfind("-", 0, _start(self.text, word, end)), end)
                 for word, end, minus, span in _marked(self.text) if minus and span is None]
        kept, at = [], 0
        for start, end in sorted(cuts):
            kept.append(self.text[at:start])
            at = end
        kept.append(self.text[at:])
        return " ".join("".join(kept).split())

    @property
    def left_out(self) -> str:
        """What is left out, for a reader: "dataset, “text to speech”", and what else it
        leaves out: "license (or licence)"."""
        shown = []
        for entry in self.excluded:
            # A language named with a sign as it is written ("C#", not csharp).
            texts = [" ".join(_SIGNED.get(word, word) for word in text.split(" "))
                     for text in excluded_texts(entry)]
            quoted = [f"“{text}”" if " " in text else text for text in texts]
            shown.append(quoted[0] + (f" (or {quoted[1]})" if len(quoted) > 1 else ""))
        return ", ".join(shown)

    @property
    def loose(self) -> str:
        """The words wanted, without quotes: the same search with nothing required side by
        side and nothing left out."""
        return " ".join(self.wanted.replace('"', " ").split())


def fold(raw: str) -> str:
    """Remove control characters, apply NFKC and case folding, and collapse whitespace."""
    if raw.isascii():
        return " ".join(raw.translate(_ASCII_CONTROLS).lower().split())
    return _fold_any(raw)


def _fold_any(raw: str) -> str:
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in raw
        if ch.isspace() or unicodedata.category(ch) not in _REMOVED_CATEGORIES
    )
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", kept).casefold())
    # Normalisation can bring back a format character (e.g. from a compatibility form).
    folded = "".join(ch for ch in folded if unicodedata.category(ch) not in _REMOVED_CATEGORIES)
    return " ".join(folded.split())


def index_text(raw: str) -> str:
    """The words of `raw` as `normalise()` finds them, one space apart, for a search index.

    SQLite's tokenizer knows Unicode 6.1 only and glues later characters (most emoji) to the
    word beside them; indexing this text instead keeps the index and the query in step.
    """
    text = " ".join(word for word, _ in _words(fold(raw)))
    return _NEGATED_INDEXED.sub(NEGATING, text) if NEGATING in text else text


# The address of a repository on the Hugging Face Hub or GitHub, pasted whole: what is
# searched for is the id it names ("https://huggingface.co/BAAI/bge-m3": BAAI/bge-m3).
_REPOSITORY_URL = re.compile(
    r"\s*(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co|github\.com)/"
    r"(?:(?:models|datasets|spaces)/)?([^/\s?#]+/[^/\s?#]+)[^\s]*\s*",
    re.IGNORECASE,
)


# Words asking for what follows them to be left out, as a minus sign in front of it does
# ("embedding model not from openai": -openai; "segmentation except datasets"), past the
# words that may come between ("not from", "without an"), and the words joined to it by
# "or", "nor" or a comma ("not from openai or google", "neither openai nor google"; not
# "and", which may go on with what is wanted: "without an api and with ..."); "no" only
# before a kind ("no api": "no code" is a need of its own). Not "not open source", which
# names licences, and not in a query holding quotes, whose words are taken as typed
# (negations_written()).
_LEAVING_OUT = re.compile(
    r"(?<![^\s])(?:not|neither|without|except|excluding|other than"
    r"|no(?= (?:apis?|datasets?|models?|tools?|librar(?:y|ies)|finetunes?|fine-tunes?)\b))"
    r"(?: (?:a|an|the|any|from|by|of|made by|using))* (?!open\b)(?=[^\W_])(?P<word>[^\s,]+)"
    r"(?P<more>(?:(?:,? (?:or|nor)|,) (?!open\b)(?=[^\W_])[^\s,]+)*)")
_JOINING = frozenset({"or", "nor"})  # (between words left out, they go)


def negations_written(text: str) -> str:
    """Folded `text` with each word that words before it ask to leave out (_LEAVING_OUT)
    written with a minus sign in front instead, as web searches take it: "embedding model
    not from openai" is "embedding model -openai", "segmentation and not depth or normals"
    "segmentation and -depth -normals". Not a stop word ("to be or not to be")."""
    if '"' in text:
        return text

    def written(m: re.Match) -> str:
        words = _words(m.group("word"))
        if not words or words[0][0] in _DROPPED:
            return m.group(0)
        # (The words and commas joining them go: each is left out on its own.)
        more = [w for w in m.group("more").replace(",", " ").split() if w not in _JOINING]
        return " ".join(["-" + m.group("word"),
                         *(("" if word in _DROPPED else "-") + word for word in more)])

    return _LEAVING_OUT.sub(written, text)


def normalise(raw: str | None, max_chars: int = 200) -> Normalised:
    raw = raw if isinstance(raw, str) else ""
    max_chars = max(max_chars, 0)
    if (pasted := _REPOSITORY_URL.fullmatch(raw[:2048])) is not None:
        raw = pasted.group(1)

    # Bound the work on huge input before the per-character pass; what is cut off counts as
    # cut only if it held something other than whitespace and control characters.
    budget = max_chars * 4 + 256
    truncated = bool(raw[budget:].strip(_IGNORABLE))
    mid_word = truncated and not (raw[budget - 1].isspace() or raw[budget].isspace())
    raw = raw[:budget]

    text = fold(raw)
    if mid_word and " " in text:
        text = text[: text.rfind(" ")]
    ends_open = bool(text) and _ends_open(raw)
    if len(text) > max_chars:
        text = _cut(text, max_chars)
        truncated = True
    text = negations_written(text)

    # (word, end, typed with a minus sign in front, the quoted span it is in).
    words = _marked(text)
    last_word = words[-1] if words else None
    keep_stop_words = not any(w not in _DROPPED for w, _, minus, _ in words if not minus)
    terms: list[str] = []
    excluded: list[str] = []
    kept_until = len(text)
    for word, end, minus, span in words:
        # A stop word is dropped when some other term remains ("the who" still finds
        # something); one to leave out always is, as nearly every document holds it. A
        # quoted phrase left out is one entry, when its last word is reached.
        if minus and span is not None:
            quoted = [w for w, e, _, sp in words if sp == span]
            if _last_end(words, span) != end or (len(quoted) == 1 and word in STOP_WORDS):
                continue
            word = " ".join(quoted)
        elif (word in STOP_WORDS and minus) or (
                not minus and word in _DROPPED and not keep_stop_words):
            continue
        into = excluded if minus else terms
        if word in into:
            continue
        if len(terms) + len(excluded) == MAX_TERMS:
            text = text[:kept_until]
            truncated = True
            break
        into.append(word)
        kept_until = end
    phrases = [] if '"' not in text else [p for p in dict.fromkeys(
        " ".join(w for w, e, _, sp in words if sp == span and e <= kept_until)
        for span, (_, _, minus) in enumerate(_spans(text)) if not minus
    ) if " " in p]
    alternatives = _alternatives(words, terms)
    order = (ORDER_PRICE if _asks_for_price(words, terms, alternatives) else
             ORDER_CONTEXT if _asks_for_context(words, terms, alternatives) else
             _asks_for_size(words, terms, alternatives))
    being_typed = ends_open and last_word is not None and not last_word[2]
    for verb in [t for t in terms if t in TASK_VERBS]:
        noun = TASK_VERBS[verb]
        if (noun in terms or any(verb in group for group in alternatives)
                or len(terms) == MAX_TERMS or (being_typed and verb == last_word[0])):
            continue  # a verb being typed is a prefix still
        _add_alternative(terms, alternatives, verb, noun)
    for word in list(terms):
        # Unlike a verb, a word being typed is given its other spelling: it is a whole word
        # (the list holds no prefix of another), and its stem matches what the prefix did.
        other = spelt_otherwise(word)
        if other is None or other in terms or len(terms) == MAX_TERMS:
            continue
        _add_alternative(terms, alternatives, word, other)

    for i, ((first, _, minus, span), (second, _, minus_too, span_too)) in enumerate(
            itertools.pairwise(words)):
        if ((first, second) == OPEN_SOURCE and not (minus or minus_too)
                and span is None and span_too is None and OPEN_WEIGHTS not in terms
                and (i == 0 or words[i - 1][0] != "not")  # taken as typed (_LEAVING_OUT)
                and len(terms) < MAX_TERMS and not any(second in g for g in alternatives)):
            _add_alternative(terms, alternatives, second, OPEN_WEIGHTS)
    steering = _steering(words, terms, alternatives)
    prefix, partial, short = None, False, False
    if (terms and ends_open and not truncated and last_word[0] == terms[-1]
            and not last_word[2] and not any(terms[-1] in group for group in alternatives)):
        # (A word being typed after "or" is taken as typed: a group of words and prefixes
        # would need its own candidates and stand-ins.)
        if len(terms[-1]) >= PREFIX_MIN_CHARS:
            prefix = terms[-1]
        else:
            short = text.endswith(terms[-1]) and last_word[3] is None
            partial = short and len(terms) > 1
    return Normalised(text=text, terms=terms, truncated=truncated, prefix=prefix,
                      excluded=excluded, phrases=phrases,
                      alternatives=[" ".join(group) for group in alternatives],
                      steering=steering, order=order, partial=partial, short=short)


def _asks_for_price(words: list[tuple[str, int, bool, int | None]], terms: list[str],
                    alternatives: list[list[str]]) -> bool:
    """Whether `terms` hold words asking for the lowest price (PRICE_WORDS), typed as they
    are (not quoted, not joined by "or") beside other terms; if so, those words are taken
    out of `terms`."""
    asking = _plain(words, terms, alternatives, PRICE_WORDS)
    if not asking or len(asking) == len(terms):
        return False
    terms[:] = [term for term in terms if term not in asking]
    return True


def _asks_for_size(words: list[tuple[str, int, bool, int | None]], terms: list[str],
                   alternatives: list[list[str]]) -> str:
    """The order of parameter count `terms` ask for ("smallest", "largest"; the first word
    of SIZE_WORDS typed as it is, beside other terms), "" for none; if one, the words of
    SIZE_WORDS typed so are taken out of `terms`."""
    asking = _plain(words, terms, alternatives, SIZE_WORDS)
    if not asking or len(asking) == len(terms):
        return ""
    terms[:] = [term for term in terms if term not in asking]
    return SIZE_WORDS[asking[0]]


def _asks_for_context(words: list[tuple[str, int, bool, int | None]], terms: list[str],
                      alternatives: list[list[str]]) -> bool:
    """Whether `terms` hold a word asking for the longest context window
    (CONTEXT_SIZE_WORDS) typed right before "context", both as they are (not quoted, not
    joined by "or", not left out); if so, those words are taken out of `terms`, "context"
    kept."""
    plain = set(_plain(words, terms, alternatives, CONTEXT_SIZE_WORDS | {CONTEXT}))
    asking = {first for (first, _, minus, _), (second, _, minus_too, _)
              in itertools.pairwise(words)
              if second == CONTEXT and first in CONTEXT_SIZE_WORDS
              and {first, second} <= plain and not (minus or minus_too)}
    if not asking:
        return False
    terms[:] = [term for term in terms if term not in asking]
    return True


def _steering(words: list[tuple[str, int, bool, int | None]], terms: list[str],
              alternatives: list[list[str]]) -> list[str]:
    """The terms that steer to the kinds they name (KIND_STEERS, and KIND_PAIRS typed side
    by side); none when every term is such a word. A word typed in quotes, or joined by "or"
    ("model or dataset"), does not steer."""
    steering = _plain(words, terms, alternatives, KIND_STEERS)
    paired = set(_plain(words, terms, alternatives, _PAIRED_STEERS))
    for (first, _, minus, _), (second, _, minus_too, _) in itertools.pairwise(words):
        if (second in KIND_PAIRS.get(first, ()) and not (minus or minus_too)
                and {first, second} <= paired):
            steering += [word for word in (first, second) if word not in steering]
    return [] if len(steering) == len(terms) else steering


def _plain(words: list[tuple[str, int, bool, int | None]], terms: list[str],
           alternatives: list[list[str]], among: Container[str]) -> list[str]:
    """The terms `among` these words typed as they are: never in quotes, not joined by
    "or"."""
    grouped = {word for group in alternatives for word in group}
    return [word for word in terms if word in among and word not in grouped
            and all(span is None for w, _, _, span in words if w == word)]


def _add_alternative(terms: list[str], alternatives: list[list[str]], word: str,
                     other: str) -> None:
    """Put `other` after `word` in the terms and in `word`'s "or" group, made if it has none."""
    group = next((group for group in alternatives if word in group), None)
    if group is None:
        alternatives.append(group := [word])
    group.insert(group.index(word) + 1, other)
    terms.insert(terms.index(word) + 1, other)


def _alternatives(
    words: list[tuple[str, int, bool, int | None]], terms: list[str]
) -> list[list[str]]:
    """The groups of terms that "or" joins: each "or" (unquoted) the words on either side of
    it, when both are terms, neither left out nor in a quoted phrase; "a or b or c" is one
    group. A term is in one group at most. None when "or" is a term itself, in a query of
    stop words only ("to be or not to be")."""
    if "or" in terms or not any(word == "or" for word, *_ in words):
        return []
    in_phrase = {sp for _, _, _, sp in words if sp is not None and
                 sum(1 for _, _, _, other in words if other == sp) > 1}
    single = [not minus and sp not in in_phrase and word in terms
              for word, _, minus, sp in words]
    groups: list[list[str]] = []
    grouped: set[str] = set()
    for i in range(1, len(words) - 1):
        word, _, minus, span = words[i]
        if word != "or" or minus or span is not None or not (single[i - 1] and single[i + 1]):
            continue
        left, right = words[i - 1][0], words[i + 1][0]
        if not (groups and groups[-1][-1] == left):  # else "a or b or c": b ended a group
            if left in grouped:
                continue
            groups.append([left])
            grouped.add(left)
        if right not in grouped:
            groups[-1].append(right)
            grouped.add(right)
    return [group for group in groups if len(group) > 1]


def term_groups(n: Normalised) -> list[list[str]]:
    """The terms in order, each alone or, joined by "or", with its group (n.alternatives)."""
    group_of = {word: group for group in n.alternatives for word in group.split(" ")}
    out, seen = [], set()
    for term in n.terms:
        group = group_of.get(term)
        if group is None:
            out.append([term])
        elif group not in seen:
            seen.add(group)
            out.append(group.split(" "))
    return out


def fts5_terms(n: Normalised, finished: bool = False) -> list[str]:
    """Each term as FTS5 MATCH input, in order: quoted, and the prefix starred, unless
    `finished` (the word being typed taken as typed in full). FTS5 stems a starred word as
    it does the others: "images"* is every indexed word starting with imag."""
    return [
        fts5_quote(group[0]) + ("*" if group[0] == n.prefix and not finished else "")
        if len(group) == 1 else "(" + " OR ".join(map(fts5_quote, group)) + ")"
        for group in term_groups(n)
    ]


def fts5_match(n: Normalised) -> str:
    """An FTS5 MATCH expression that requires every term, as search() joins them; "" when
    there is nothing to search. (AND, not a space: FTS5 reads no implicit AND before a
    group in parentheses.)"""
    return " AND ".join(fts5_terms(n))


# SQLite's index tokenizer, as migration 0010 declares it.
FTS5_TOKENIZER = "porter unicode61 remove_diacritics 2"
_stemmers = threading.local()


@functools.lru_cache(maxsize=4096)
def porter_stem(word: str) -> tuple[str, str]:
    """`word` (one term of normalise()) as SQLite's tokenizer reads it, without and with its
    stemmer: ("images", "imag"), ("café", "cafe") with diacritics removed. Read off FTS5
    itself, in a private in-memory database of this thread, so that it is the index's own."""
    db = getattr(_stemmers, "db", None)
    if db is None:
        db = sqlite3.connect(":memory:", isolation_level=None)
        for table, tokenizer in [("p", FTS5_TOKENIZER), ("u", FTS5_TOKENIZER.split(" ", 1)[1])]:
            db.execute(f"CREATE VIRTUAL TABLE {table} USING fts5(t, tokenize = '{tokenizer}')")
            db.execute(f"CREATE VIRTUAL TABLE {table}v USING fts5vocab({table}, 'instance')")
        _stemmers.db = db
    db.execute("BEGIN")
    try:
        found = []
        for table in "up":
            db.execute(f"INSERT INTO {table} (rowid, t) VALUES (1, ?)", [word])
            found.append([row[0] for row in db.execute(f"SELECT term FROM {table}v")])
    finally:
        db.execute("ROLLBACK")
    plain, stem = found
    return (plain[0], stem[0]) if len(plain) == len(stem) == 1 else (word, word)


def retyped(n: Normalised, text: str) -> Normalised:
    """`text`, `n`'s words with some put right, normalised as `n` was typed: its last word
    still being typed only if `n`'s was (a space after it says not)."""
    return normalise(text if n.prefix else text + " ")


def quoted_words(n: Normalised) -> set[str]:
    """The words of `n` typed in double quotes, to be held as typed: they name no task to
    steer to (catalog.search.tasks_named()), as they name no kind (steering)."""
    if '"' not in n.text:
        return set()
    return {word for word, _, minus, span in _marked(n.text) if span is not None and not minus}


def typed_terms(n: Normalised, directed: Container[str] = ()) -> list[str]:
    """The terms of `n` in the order typed, a term typed twice twice ("image to image": not
    "image" alone, which `terms` holds once), each followed by the terms normalise() put
    after it (its other spelling, a verb's task name), which were not typed: what runs of
    the words may name (catalog.search.tasks_named()). Two terms either side of "from"
    (and of a word dropped after it: "from an image") whose stems (porter_stem()) are both
    in `directed` come in the order "to" would put them ("images from text": text, images),
    as a direction is named (text to image)."""
    terms = set(n.terms)
    words = [word for word, _ in _words(n.wanted)]
    for before, after in _from(words, terms, directed):
        words[before], words[after] = words[after], words[before]
    typed = [word for word in words if word in terms]
    added: dict[str, list[str]] = {}
    before = None
    for term in n.terms:
        if term in typed:
            before = term
        elif before is not None:
            added.setdefault(before, []).append(term)
    out: list[str] = []
    for word in typed:
        out += [word, *added.pop(word, [])]
    return out + [term for term in n.terms if term not in out]  # none, as normalise() adds


def _from(words: list[str], terms: Container[str], directed: Container[str]
          ) -> list[tuple[int, int]]:
    """Where the two terms either side of each "from" in `words` are (and of a word dropped
    after it: "from an image"), when their stems are both in `directed` and differ."""
    found = []
    for i in range(1, len(words) - 1):
        if words[i] != "from":
            continue
        after = i + 1 if words[i + 1] in terms or i + 2 == len(words) else i + 2
        pair = (words[i - 1], words[after])
        if pair[0] != pair[1] and all(w in terms and porter_stem(w)[1] in directed for w in pair):
            found.append((i - 1, after))
    return found


def compounded(n: Normalised) -> frozenset[str]:
    """The terms typed right before another term, no word between them ("text embeddings":
    text; not "images" in "classify images of plants"): the first word of a compound, not
    all of what a verb before it acts on (catalog.search.tasks_named())."""
    terms = set(n.terms)
    words = [word for word, _ in _words(n.wanted)]
    return frozenset(a for a, b in itertools.pairwise(words) if a in terms and b in terms)


def phrase_words(n: Normalised) -> list[str]:
    """The words of the query in the order typed, stop words included, when two of them
    or more are terms, the same term twice included ("audio to audio"): results holding
    them side by side rank first. [] otherwise. The last word counts as typed in full: a
    prefix in a phrase costs FTS5 a merge of every word it starts, positions included."""
    words = [word for word, _ in _words(n.wanted)]
    if any(all(w in words for w in group.split(" ")) for group in n.alternatives):
        return []  # "speech or text" is no phrase (a verb's task name is not typed)
    terms = set(n.terms)
    at = [i for i, word in enumerate(words) if word in terms]
    # Nor, of three terms or more, a word naming a kind at either end: "image generation
    # api" asks for what holds "image generation" (the image generation APIs), before what
    # holds the two words apart ("image" of one task, "generation" of another: the vision
    # language models); nothing but the kind's own label holds "generation api".
    steering = set(n.steering)
    while len(at) > 2 and words[at[-1]] in steering:
        at.pop()
    while len(at) > 2 and words[at[0]] in steering:
        at.pop(0)
    if len(at) < 2:
        return []
    # From the first term to the last: what is said around them ("looking for an image
    # segmentation model") is no part of it.
    return words[at[0]:at[-1] + 1]


def turned_around(n: Normalised, directed: Container[str] = ()) -> tuple[list[str], list[str]]:
    """A need naming a direction, two terms (no stop words) with "to" between them ("image
    to text"), and the same turned around ("text to image"): results holding only the
    second say the opposite, and rank after those holding the words otherwise. The first
    such three words of phrase_words(); ([], []) when there are none. Two terms with "from"
    between them whose stems are in `directed` (typed_terms()) name the direction "to"
    would name the other way round ("text from images": image to text)."""
    words = phrase_words(n)
    terms = set(n.terms)
    turned = dict(_from(words, terms, directed))
    for i in range(1, len(words) - 1):
        before, after = words[i - 1], words[i + 1]
        if (words[i] == "to" and before != after and {before, after} <= terms
                and not {before, after} & STOP_WORDS):
            return [before, "to", after], [after, "to", before]
        if i - 1 in turned:
            before, after = words[i - 1], words[turned[i - 1]]
            return [after, "to", before], [before, "to", after]
    return [], []


def fts5_turned_around(n: Normalised, directed: Container[str] = ()) -> str:
    """An FTS5 MATCH expression for the documents holding turned_around()'s second phrase
    and not its first; "" when there is none."""
    there, back = turned_around(n, directed)
    return f"({fts5_phrase_of(back)}) NOT ({fts5_phrase_of(there)})" if there else ""


def pg_turned_around_text(n: Normalised, directed: Container[str] = ()) -> str:
    """The same as input for `to_tsquery(config, ...)`."""
    there, back = turned_around(n, directed)
    return f"({' <-> '.join(back)}) & !({' <-> '.join(there)})" if there else ""


def phrase_pairs(n: Normalised) -> list[list[str]]:
    """The stretches of phrase_words() from one term to the next, when there are three
    terms or more ("speech to text for german": "speech to text", "text for german"): for
    results holding only some of the words, those holding one of these side by side rank
    first. [] otherwise. Not those of words naming a kind only ("fine tune" in "fine tune
    llama": every fine-tune holds it)."""
    words = phrase_words(n)
    terms = set(n.terms)
    at = [i for i, word in enumerate(words) if word in terms]
    if len(at) < 3:
        return []
    return [list(pair) for pair in dict.fromkeys(
        tuple(words[i:j + 1]) for i, j in itertools.pairwise(at))
        if not {pair[0], pair[-1]} <= set(n.steering)]


def fts5_phrase(n: Normalised) -> str:
    """An FTS5 phrase of phrase_words(); "" when there is none."""
    return fts5_phrase_of(phrase_words(n))


def fts5_pairs(n: Normalised) -> str:
    """An FTS5 MATCH expression for the documents holding any of phrase_pairs()."""
    return " OR ".join(fts5_phrase_of(pair) for pair in phrase_pairs(n))


def pg_pairs_text(n: Normalised) -> str:
    """Input for `to_tsquery(config, ...)` holding any of phrase_pairs() side by side."""
    return " | ".join(" <-> ".join(pair) for pair in phrase_pairs(n))


def pg_phrase_text(n: Normalised) -> str:
    """Input for `to_tsquery(config, ...)` holding phrase_words() side by side (`<->`); ""
    when there is none. The configuration keeps stop words (catalog.search.CONFIG), so the
    phrase holds them as FTS5's does."""
    # normalise()'s words hold term characters only: no tsquery operator.
    return " <-> ".join(phrase_words(n))


def excluded_words(n: Normalised) -> list[list[str]]:
    """The words of each text left out (excluded_texts() of each of n.excluded), in order."""
    return [text.split(" ") for entry in n.excluded for text in excluded_texts(entry)]


def fts5_excluded(n: Normalised) -> str:
    """An FTS5 MATCH expression for the documents holding anything left out; "" if none."""
    return " OR ".join(fts5_phrase_of(words) for words in excluded_words(n))


def fts5_required(n: Normalised) -> str:
    """An FTS5 MATCH expression for the documents holding every quoted phrase; "" if none."""
    return " AND ".join(fts5_phrase_of(phrase.split(" ")) for phrase in n.phrases)


def fts5_phrase_of(words: list[str]) -> str:
    """An FTS5 phrase of `words` side by side."""
    return " + ".join(fts5_quote(word) for word in words)


def pg_phrase_of(words: list[str]) -> str:
    """Input for `to_tsquery(config, ...)` holding `words` side by side (`<->`), reduced to
    their term characters, as pg_tsquery_text() reduces the terms: no tsquery operator
    but its own; "" when none is left."""
    return " <-> ".join(_term_chars(words))


def pg_required_text(n: Normalised) -> str:
    """Input for `websearch_to_tsquery(config, ...)` matching the documents holding every
    quoted phrase; "" if none."""
    return " ".join(filter(None, map(_pg_quoted, n.phrases)))


def _pg_quoted(words: str) -> str:
    # Reduced to term characters, as pg_tsquery_text() reduces the terms: nothing in the
    # quotes that websearch_to_tsquery() could read as an operator.
    clean = _term_chars(words.split(" "))
    return f'"{" ".join(clean)}"' if clean else ""


def _term_chars(words: list[str]) -> list[str]:
    """The words reduced to their term characters, those left empty dropped."""
    clean = ("".join(ch for ch in word if _is_term_char(ch)) for word in words)
    return [word for word in clean if word]


def fts5_quote(term: str) -> str:
    """A term as an FTS5 string: no operator inside it is read as one."""
    return '"' + term.replace('"', '""') + '"'


def pg_tsquery_text(n: Normalised) -> str:
    """Input for `to_tsquery(config, ...)`: every term required, the prefix as `term:*`.

    Each term is reduced to letters, marks, digits and private-use characters, so no tsquery
    operator survives. When
    the prefix is not wanted, `websearch_to_tsquery(config, n.text)` is also safe: it never
    raises on syntax, and `text` holds no NUL.
    """
    parts = []
    for group in term_groups(n):
        clean = _term_chars(group)
        if len(clean) > 1:
            # "|" without spaces: " | " separates the terms of an any-term query.
            parts.append(f"({'|'.join(clean)})")
        elif clean:
            parts.append(clean[0] + ":*" if group[0] == n.prefix else clean[0])
    return " & ".join(parts)


def _ends_open(raw: str) -> bool:
    """The last character typed is not whitespace, so the last word may be unfinished."""
    for ch in reversed(raw):
        if ch.isspace():
            return False
        if unicodedata.category(ch) not in _REMOVED_CATEGORIES:
            return True
    return False


def _spans(text: str) -> list[tuple[int, int, bool]]:
    """The quoted stretches of folded `text`: (start, end, with a minus sign in front),
    from each double quote to the next; a last one left open quotes nothing. Then the
    words joined by hyphens with a minus sign in front ("-fine-tuned"), outside quotes:
    left out together, as if quoted, not the first alone."""
    at = [i for i, ch in enumerate(text) if ch == '"']
    pairs = zip(at[::2], at[1::2], strict=False)
    spans = [(o - _negated(text, o), c + 1, _negated(text, o)) for o, c in pairs]
    if "-" in text:
        # (Ending one past the last word, as a quoted stretch ends past its closing quote.)
        spans += [(m.start(), m.end() + 1, True) for m in _NEGATED_RUN.finditer(text)
                  if not any(o <= m.start() < c for o, c, _ in spans)]
    return spans


# A minus sign, at the start or after a space, and words joined by hyphens.
_NEGATED_RUN = re.compile(r"(?<!\S)-[^\W_]+(?:-[^\W_]+)+")


def _marked(text: str) -> list[tuple[str, int, bool, int | None]]:
    """The words of folded `text` (_words()), each with whether it is left out (a minus
    sign in front of it or of its quotes) and the number of the quoted stretch it is in."""
    if '"' not in text and "-" not in text:
        marked = [(word, end, False, None) for word, end in _words(text)]
    else:
        spans = _spans(text)
        marked = []
        for word, end in _words(text):
            start = _start(text, word, end)
            span = next((i for i, (o, c, _) in enumerate(spans) if o < start and end < c),
                        None)
            minus = spans[span][2] if span is not None else _negated(text, start)
            marked.append((word, end, minus, span))
    return _negations_joined(marked, text) if NEGATING in text else marked


def _negations_joined(marked: list[tuple[str, int, bool, int | None]], text: str
                      ) -> list[tuple[str, int, bool, int | None]]:
    """`marked` with "non" and the word it negates, one space or hyphen apart, made one word
    (negated_word()), left out when "non" is, in the quotes "non" is in."""
    out = []
    for entry in marked:
        if out:
            first, first_end, minus, span = out[-1]
            word, end, _, _ = entry
            if (joined := negated_word(first, word)) and _start(text, word, end) == first_end + 1 \
                    and text[first_end] in " -":
                out[-1] = (joined, end, minus, span)
                continue
        out.append(entry)
    return out


def _last_end(words: list[tuple[str, int, bool, int | None]], span: int) -> int:
    """Where the last word of quoted stretch `span` ends."""
    return max(end for _, end, _, sp in words if sp == span)


def _negated(text: str, start: int) -> bool:
    """The word starting at `start` of folded `text` has a minus sign in front of it, at the
    start or after a space, as web searches read "-word" ("gpt-4o" holds none)."""
    return start > 0 and text[start - 1] == "-" and (start == 1 or text[start - 2] == " ")


def _cut(text: str, max_chars: int) -> str:
    if max_chars < len(text) and text[max_chars] == " ":
        return text[:max_chars]
    head = text[:max_chars]
    space = head.rfind(" ")
    return head[:space] if space > 0 else head


def _is_term_char(ch: str) -> bool:
    # FTS5's unicode61 tokenizer keeps letters, numbers and private-use characters in tokens;
    # marks ride along so that scripts written with combining marks stay in one term.
    category = unicodedata.category(ch)
    return category[0] in "LNM" or category == "Co"


def _words(text: str) -> list[tuple[str, int]]:
    """Runs of term characters with their end offsets; a run of marks alone is dropped.
    "c++", "c#" and "f#" (`text` is folded: lower-case) are the words "cpp", "csharp" and
    "fsharp" (SYMBOLIC), each ending where it does."""
    words = _ascii_words(text) if text.isascii() else _words_any(text)
    if "+" in text or "#" in text:
        # Where each such name's letter ends: its word, and where the name ends.
        named = {m.start() + 1: (SYMBOLIC[m.group().lower()], m.end())
                 for m in SYMBOLIC_NAMES.finditer(text)}
        if named:
            words = [named.get(end, (word, end)) if word in ("c", "f") else (word, end)
                     for word, end in words]
    return words


# Programming languages named with a sign, as people write them: the tokenizers keep only
# their letter, which a thousand names hold ("CMedQA"); read as the words they are written
# with where the sign cannot be ("llama.cpp", "csharp-Code").
SYMBOLIC = {"c++": "cpp", "c#": "csharp", "f#": "fsharp"}
SYMBOLIC_NAMES = re.compile(r"(?<![^\W_])(?:c\+\+|c#|f#)(?![^\W\d_]|[+#])", re.IGNORECASE)
SYMBOLIC_WORDS = frozenset(SYMBOLIC.values())
_SIGNED = {word: name.upper() for name, word in SYMBOLIC.items()}


def _start(text: str, word: str, end: int) -> int:
    """Where a word of _words(text) ending at `end` starts: one standing for a name written
    with a sign starts where the name does ("c#", two characters, is csharp)."""
    if word in SYMBOLIC_WORDS:
        found = SYMBOLIC_NAMES.search(text, max(end - 3, 0), end)
        if found is not None and found.end() == end:
            return found.start()
    return end - len(word)


def _ascii_words(text: str) -> list[tuple[str, int]]:
    """_words_any() of ASCII `text`, quicker."""
    return [(m.group(), m.end()) for m in _ASCII_WORD.finditer(text)]


def _words_any(text: str) -> list[tuple[str, int]]:
    words: list[tuple[str, int]] = []
    start = None
    for i, ch in enumerate(text + " "):
        if _is_term_char(ch):
            if start is None:
                start = i
            continue
        if start is not None:
            word = text[start:i]
            if any(unicodedata.category(c)[0] != "M" for c in word):
                words.append((word, i))
            start = None
    return words
