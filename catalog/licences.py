"""The licence ids the catalog accepts, with a display name and a family.

Ids follow the Hugging Face Hub convention: a lower-case SPDX id where one exists, otherwise the
Hub's or the publisher's own id. An id that is not listed here is rejected on import, so a typo
never becomes a new licence. Add an id here (with its family) to accept it.
"""

from __future__ import annotations

PERMISSIVE = "permissive"
COPYLEFT = "copyleft"
NON_COMMERCIAL = "non-commercial"
CUSTOM = "custom"

# What a family allows, in words a need is put in: the search document of an asset holds
# them ("permissive", "commercial use"), and a result they matched shows them.
FAMILY_LABELS = {
    PERMISSIVE: "permissive, commercial use allowed",
    COPYLEFT: "copyleft / share-alike, commercial use allowed",
    NON_COMMERCIAL: "non-commercial",
    CUSTOM: "custom terms",
}

# id -> (display name, family)
LICENCES: dict[str, tuple[str, str]] = {
    "apache-2.0": ("Apache 2.0", PERMISSIVE),
    "mit": ("MIT", PERMISSIVE),
    "bsd-2-clause": ("BSD 2-Clause", PERMISSIVE),
    "bsd-3-clause": ("BSD 3-Clause", PERMISSIVE),
    "isc": ("ISC", PERMISSIVE),
    "unlicense": ("The Unlicense", PERMISSIVE),
    "cc0-1.0": ("CC0 1.0", PERMISSIVE),
    "cc-by-2.0": ("CC BY 2.0", PERMISSIVE),
    "cc-by-3.0": ("CC BY 3.0", PERMISSIVE),
    "cc-by-4.0": ("CC BY 4.0", PERMISSIVE),
    "odc-by": ("ODC-By", PERMISSIVE),
    "afl-3.0": ("Academic Free Licence 3.0", PERMISSIVE),
    "openmdw-1.1": ("OpenMDW 1.1", PERMISSIVE),
    "cc-by-sa-3.0": ("CC BY-SA 3.0", COPYLEFT),
    "cc-by-sa-4.0": ("CC BY-SA 4.0", COPYLEFT),
    "cdla-sharing-1.0": ("CDLA Sharing 1.0", COPYLEFT),
    "gpl-2.0": ("GPL 2.0", COPYLEFT),
    "gpl-3.0": ("GPL 3.0", COPYLEFT),
    "lgpl-3.0": ("LGPL 3.0", COPYLEFT),
    "agpl-3.0": ("AGPL 3.0", COPYLEFT),
    "mpl-2.0": ("MPL 2.0", COPYLEFT),
    "eupl-1.2": ("EUPL 1.2", COPYLEFT),
    "cc-by-nc-2.0": ("CC BY-NC 2.0", NON_COMMERCIAL),
    "cc-by-nc-3.0": ("CC BY-NC 3.0", NON_COMMERCIAL),
    "cc-by-nc-4.0": ("CC BY-NC 4.0", NON_COMMERCIAL),
    "cc-by-nc-sa-3.0": ("CC BY-NC-SA 3.0", NON_COMMERCIAL),
    "cc-by-nc-sa-4.0": ("CC BY-NC-SA 4.0", NON_COMMERCIAL),
    "cc-by-nc-nd-4.0": ("CC BY-NC-ND 4.0", NON_COMMERCIAL),
    "cc-by-nd-4.0": ("CC BY-ND 4.0", CUSTOM),
    "cc-by-nd-2.1-jp": ("CC BY-ND 2.1 JP", CUSTOM),
    "fair-noncommercial-research-license": ("FAIR Non-Commercial Research", NON_COMMERCIAL),
    "msr-la-nc": ("Microsoft Research Licence (non-commercial)", NON_COMMERCIAL),
    "openrail": ("OpenRAIL", CUSTOM),
    "openrail++": ("OpenRAIL++", CUSTOM),
    "creativeml-openrail-m": ("CreativeML OpenRAIL-M", CUSTOM),
    "bigscience-openrail-m": ("BigScience OpenRAIL-M", CUSTOM),
    "llama2": ("Llama 2 Community", CUSTOM),
    "llama3": ("Llama 3 Community", CUSTOM),
    "llama3.1": ("Llama 3.1 Community", CUSTOM),
    "gemma": ("Gemma Terms of Use", CUSTOM),
    "qwen-community-1.0": ("Qwen Community 1.0", CUSTOM),
    "apple-ascl": ("Apple Sample Code Licence", CUSTOM),
    "apple-amlr": ("Apple Machine Learning Research", CUSTOM),
    "dinov3-license": ("DINOv3 Licence", CUSTOM),
    "cvnets-license": ("CVNets Licence", CUSTOM),
    "fastvit-license": ("FastViT Licence", CUSTOM),
    "mobileone-license": ("MobileOne Licence", CUSTOM),
    "seer-license": ("SEER Licence", CUSTOM),
    "sapiens2-license": ("Sapiens2 Licence", CUSTOM),
    "nvidia-open-model-license": ("NVIDIA Open Model Licence", CUSTOM),
    "other": ("Other (see source)", CUSTOM),
}

# The ids above of licences the Open Source Initiative has approved (its list at
# opensource.org/licenses). Search finds the assets under them by the words "open source".
OSI_APPROVED = frozenset({
    "apache-2.0", "mit", "bsd-2-clause", "bsd-3-clause", "isc", "unlicense", "afl-3.0",
    "gpl-2.0", "gpl-3.0", "lgpl-3.0", "agpl-3.0", "mpl-2.0", "eupl-1.2",
})
OPEN_SOURCE_LABEL = "open source (OSI-approved)"

CHOICES = sorted(((key, name) for key, (name, _family) in LICENCES.items()),
                 key=lambda c: (c[1].casefold(), c[0]))

# The licence filters (browse, search) also take what a licence allows: {value in the URL:
# (label, the ids of the licences it keeps)}. No value is a licence id.
def _of(*families: str) -> tuple[str, ...]:
    return tuple(sorted(key for key, (_, family_) in LICENCES.items() if family_ in families))


ALLOWING = {
    "commercial-use": ("Commercial use allowed", _of(PERMISSIVE, COPYLEFT)),
    "open-source": ("Open source (OSI-approved)", tuple(sorted(OSI_APPROVED))),
    "permissive": ("Permissive", _of(PERMISSIVE)),
    "copyleft": ("Copyleft / share-alike", _of(COPYLEFT)),
    "non-commercial": ("Non-commercial", _of(NON_COMMERCIAL)),
    "custom-terms": ("Custom terms", _of(CUSTOM)),
}
assert not ALLOWING.keys() & LICENCES.keys()
FILTER_CHOICES = [
    ("", "Any licence"), ("none", "Not stated"),
    ("By what it allows", [(value, label) for value, (label, _) in ALLOWING.items()]),
    ("By licence", CHOICES),
]


def filter_choices(held: dict[str, int], selected: str = "") -> list:
    """FILTER_CHOICES as a filter shows them: the licences by name only those `held` (id:
    published assets under it), with how many, and the one `selected` whatever it holds.
    Every value stays valid in a link: Llama 3 with no asset under it lists none."""
    by_licence = [(key, f"{name} ({held[key]:,})" if key in held else name)
                  for key, name in CHOICES if key in held or key == selected]
    return [*FILTER_CHOICES[:-1], ("By licence", by_licence)]


def filter_ids(value: str) -> tuple[str, ...] | None:
    """The licence ids a licence filter of what a licence allows (ALLOWING) keeps, or None
    when `value` is no such filter."""
    return ALLOWING[value][1] if value in ALLOWING else None


def is_known(licence_id: str) -> bool:
    return licence_id in LICENCES


def display_name(licence_id: str) -> str:
    if not licence_id:
        return "unknown"
    return LICENCES.get(licence_id, (licence_id, CUSTOM))[0]


def open_source_label(licence_id: str) -> str:
    """OPEN_SOURCE_LABEL for a licence the OSI approved, "" for any other (terms_label())."""
    return OPEN_SOURCE_LABEL if licence_id in OSI_APPROVED else ""


def terms_label(licence_id: str) -> str:
    """What the licence's family allows (FAMILY_LABELS) and, if approved by the Open
    Source Initiative, that: "permissive, commercial use allowed; open source
    (OSI-approved)". "" when no licence is stated. The asset page says it beside the
    licence; the search document holds it."""
    if not licence_id:
        return ""
    return "; ".join(filter(None, [FAMILY_LABELS[family(licence_id)],
                                   open_source_label(licence_id)]))


def family(licence_id: str) -> str | None:
    if not licence_id:
        return None
    return LICENCES.get(licence_id, (licence_id, CUSTOM))[1]
