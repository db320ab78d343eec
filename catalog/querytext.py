"""Turn whatever was typed into the search box into safe search terms.

No operator a person types reaches the database as syntax: SQLite gets only double-quoted
terms, PostgreSQL only runs of letters, marks and digits. Index `index_text()` (or at least
`fold()`) of the searched text, so the index and the query agree on NFKC and case folding.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass, field

MAX_TERMS = 12
PREFIX_MIN_CHARS = 3  # shorter prefixes match too many rows to rank quickly

# Dropped only when some other term remains, so "the who" still finds something.
STOP_WORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in",
        "is", "it", "its", "not", "of", "on", "or", "that", "the", "this", "to", "was", "were",
        "what", "which", "with",
    }
)  # fmt: skip

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
    # Words typed with a minus sign in front ("segmentation -dataset"), as in a web search:
    # results holding them are left out. Never terms, never a prefix.
    excluded: list[str] = field(default_factory=list)

    @functools.cached_property
    def wanted(self) -> str:
        """`text` without the excluded words and their minus signs: what names are matched
        against and phrases read from."""
        if not self.excluded:
            return self.text
        kept, at = [], 0
        for word, end in _words(self.text):
            start = end - len(word)
            if _negated(self.text, start):
                kept.append(self.text[at : start - 1])
                at = end
        kept.append(self.text[at:])
        return " ".join("".join(kept).split())


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
    return " ".join(word for word, _ in _words(fold(raw)))


def normalise(raw: str | None, max_chars: int = 200) -> Normalised:
    raw = raw if isinstance(raw, str) else ""
    max_chars = max(max_chars, 0)

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

    # (word, end, typed with a minus sign in front).
    words = [(word, end, _negated(text, end - len(word))) for word, end in _words(text)]
    last_word = words[-1] if words else None
    keep_stop_words = not any(w not in STOP_WORDS for w, _, minus in words if not minus)
    terms: list[str] = []
    excluded: list[str] = []
    kept_until = len(text)
    for word, end, minus in words:
        # A stop word is dropped when some other term remains ("the who" still finds
        # something); one to leave out always is, as nearly every document holds it.
        if word in STOP_WORDS and (minus or not keep_stop_words):
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

    prefix = None
    if terms and ends_open and not truncated and last_word[0] == terms[-1] and not last_word[2]:
        prefix = terms[-1] if len(terms[-1]) >= PREFIX_MIN_CHARS else None
    return Normalised(text=text, terms=terms, truncated=truncated, prefix=prefix,
                      excluded=excluded)


def fts5_terms(n: Normalised, finished: bool = False) -> list[str]:
    """Each term as FTS5 MATCH input, in order: quoted, and the prefix starred, unless
    `finished` (the word being typed taken as typed in full). FTS5 stems a starred word as
    it does the others: "images"* is every indexed word starting with imag."""
    return [
        fts5_quote(term) + ("*" if term == n.prefix and not finished else "")
        for term in n.terms
    ]


def fts5_match(n: Normalised) -> str:
    """An FTS5 MATCH expression that requires every term; "" when there is nothing to search."""
    return " ".join(fts5_terms(n))


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


def phrase_words(n: Normalised) -> list[str]:
    """The words of the query in the order typed, stop words included, when two of them
    or more are terms, the same term twice included ("audio to audio"): results holding
    them side by side rank first. [] otherwise. The last word counts as typed in full: a
    prefix in a phrase costs FTS5 a merge of every word it starts, positions included."""
    words = [word for word, _ in _words(n.wanted)]
    terms = set(n.terms)
    if sum(word in terms for word in words) < 2:
        return []
    return words


def fts5_phrase(n: Normalised) -> str:
    """An FTS5 phrase of phrase_words(); "" when there is none."""
    return " + ".join(fts5_quote(word) for word in phrase_words(n))


def pg_phrase_text(n: Normalised) -> str:
    """Input for `to_tsquery(config, ...)` holding phrase_words() side by side (`<->`); ""
    when there is none. The configuration keeps stop words (catalog.search.CONFIG), so the
    phrase holds them as FTS5's does."""
    # normalise()'s words hold term characters only: no tsquery operator.
    return " <-> ".join(phrase_words(n))


def fts5_excluded(n: Normalised) -> str:
    """An FTS5 MATCH expression for the documents holding any excluded word; "" if none."""
    return " OR ".join(fts5_quote(word) for word in n.excluded)


def pg_excluded_text(n: Normalised) -> str:
    """Input for `to_tsquery(config, ...)` matching the documents holding any excluded word;
    "" if none. Reduced to term characters as pg_tsquery_text() reduces the terms."""
    words = ("".join(ch for ch in word if _is_term_char(ch)) for word in n.excluded)
    return " | ".join(word for word in words if word)


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
    for term in n.terms:
        clean = "".join(ch for ch in term if _is_term_char(ch))
        if not clean:
            continue
        parts.append(clean + ":*" if term == n.prefix else clean)
    return " & ".join(parts)


def _ends_open(raw: str) -> bool:
    """The last character typed is not whitespace, so the last word may be unfinished."""
    for ch in reversed(raw):
        if ch.isspace():
            return False
        if unicodedata.category(ch) not in _REMOVED_CATEGORIES:
            return True
    return False


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
    """Runs of term characters with their end offsets; a run of marks alone is dropped."""
    if text.isascii():
        return [(m.group(), m.end()) for m in _ASCII_WORD.finditer(text)]
    return _words_any(text)


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
