"""Hedges before a value or a rate ("more than 1.2 million", "nearly 5%") and the words
that make a rate a fall rather than a rise."""

from __future__ import annotations

import re

from services.ingest.extract.stat_values import Qual

_CHANGE_HEDGE = re.compile(
    r"\b(?P<h>about|nearly|almost|approximately|around|some|over|more than)\s*$", re.I
)
_VALUE_HEDGE = re.compile(
    r"\b(?P<h>more than|over|exceed\w*|surpass\w*|topp\w*|above|at least|no less than|"
    r"about|some|approximately|around|roughly|nearly|almost|close to|less than|under|"
    r"nearing)\s*(?:a total of\s*|the\s+)?$",
    re.I,
)
HEDGE_MAP: dict[str, Qual] = {
    "more than": "at_least", "over": "at_least", "exceed": "at_least",
    "surpass": "at_least", "topp": "at_least", "above": "at_least", "at least": "at_least",
    "no less than": "at_least", "about": "approx", "some": "approx",
    "approximately": "approx", "around": "approx", "roughly": "approx",
    "nearly": "approx_below", "almost": "approx_below", "close to": "approx_below",
    "less than": "approx_below", "under": "approx_below", "nearing": "approx_below",
}  # fmt: skip
DOWN = re.compile(
    r"^(?:down|decreas|drop|fell|fall|declin|shr|lower|plunge|slump|reduc|dip|edg\w* down|"
    r"less|fewer)",
    re.I,
)


def value_qualifier(before: str) -> Qual:
    """The qualifier a hedge right before a value gives it ("more than" = at_least)."""
    m = _VALUE_HEDGE.search(before)
    if not m:
        return "exact"
    word = m.group("h").lower()
    for key, qual in HEDGE_MAP.items():
        if word.startswith(key):
            return qual
    return "exact"


def change_qualifier(before: str) -> Qual:
    """The qualifier a hedge right before a rate gives it ("nearly 5%" = approx_below)."""
    hm = _CHANGE_HEDGE.search(before)
    return HEDGE_MAP.get(hm.group("h").lower(), "exact") if hm else "exact"
