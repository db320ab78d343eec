"""Language names for the codes the catalog records languages by.

Records name the natural languages an asset covers as an ISO 639-3 code and a script
(`kor-Hang`, `zho-Hans`, from mteb), programming languages as `<name>-Code` (`python-Code`)
and the hand-curated code dataset as `code`. Pages and the search index want the names:
"Korean" finds what covers Korean, which `kor-Hang` never did. The ISO tables come from
pycountry; a few codes ISO has since retired or never gave a language of its own are named
here.
"""

from __future__ import annotations

import functools
import re

import pycountry

# Codes pycountry does not know (retired from ISO 639-3, or a collective code).
RETIRED = {
    "ajp": "South Levantine Arabic",
    "kzj": "Coastal Kadazan",
    "ber": "Berber",
}
# What ISO names "no linguistic content": audio, images or video without speech or text.
NO_LANGUAGE = "zxx"
PROGRAMMING = {
    "c#": "C#", "c++": "C++", "javascript": "JavaScript", "typescript": "TypeScript",
    "php": "PHP", "sql": "SQL",
}
# What ISO adds to some names to tell them from others ("Swahili (macrolanguage)", "Modern
# Greek (1453-)"): dropped, as nobody searches for it.
_QUALIFIER = re.compile(r"\s*\([^()]*\)$")


@functools.cache
def name(code: str) -> str | None:
    """The English name of a language code, or None for "no linguistic content". A code
    nothing names is its own name."""
    language, _, script = code.partition("-")
    if code == "code":
        return "programming code"
    if script == "Code":
        return f"{PROGRAMMING.get(language, language[:1].upper() + language[1:])} code"
    if language == NO_LANGUAGE:
        return None
    # Three letters as records give them; two (ISO 639-1, "en") as a curator may.
    found = pycountry.languages.get(**{f"alpha_{len(language)}": language}) if len(
        language) in (2, 3) else None
    if found is None:
        return RETIRED.get(language, code)
    return _QUALIFIER.sub("", getattr(found, "common_name", None) or found.name)


def names(codes: list[str]) -> list[str]:
    """The names of `codes`, each once, in their order ("zho-Hans" and "zho-Hant" are both
    Chinese); "no linguistic content" is not one."""
    return list(dict.fromkeys(n for n in map(name, codes) if n))


@functools.cache
def _widely_known() -> frozenset[str]:
    """The names of the languages ISO 639-1 gives a two-letter code, as name() writes them:
    the languages people name a need by ("Swahili", "Welsh"), not the thousands of
    ISO 639-3, whose names include "Bench", "Even" and "Mono"."""
    return frozenset(_QUALIFIER.sub("", getattr(found, "common_name", None) or found.name)
                     for found in pycountry.languages if hasattr(found, "alpha_2"))


def searched_names(codes: list[str]) -> list[str]:
    """The names of `codes` a search finds the asset by, each once: the widely known
    languages (_widely_known(): "swh", Swahili, is one, as "swa" is) and their varieties
    named after them ("Standard Arabic", "Mandarin Chinese"), and the programming
    languages ("Rust code"). Pages name only a few of many; the search index holds those
    (searched_words()), so that "swahili" finds the assets covering it, not only those
    whose first few languages, by name, hold it."""
    known = _widely_known()
    return [n for n in names(codes) if n in known or n.rsplit(" ", 1)[-1] in known
            or (n.endswith(" code") and n != "programming code")]


# Words of the widely known languages' names that tell where or when, not which language:
# not searched ("modern" is no Greek, "north" no Ndebele).
_TELLING_WHICH_NOT = frozenset({"modern", "north", "northern", "south", "southern", "western",
                                "church"})


def searched_words(name: str) -> str:
    """The words of a name of searched_names() the search finds it by: a variety by the
    language it is one of ("Standard Arabic": Arabic; "Low German" is no "low"), a widely
    known language by its own words but those telling where or when ("Modern Greek":
    Greek), a programming language by its name ("Rust code": Rust)."""
    if name.endswith(" code"):
        return name.removesuffix(" code")
    if name not in _widely_known():
        return name.rsplit(" ", 1)[-1]
    return " ".join(w for w in name.split(" ") if w.lower() not in _TELLING_WHICH_NOT)


@functools.cache
def known_words() -> frozenset[str]:
    """The words searched_words() keeps of the widely known languages' names, lower-cased
    ("swahili", "greek"): a query holding none of them names no natural language a search
    finds by name."""
    return frozenset(word.lower() for known in _widely_known()
                     for word in re.findall(r"[^\W\d_]+", searched_words(known)))
