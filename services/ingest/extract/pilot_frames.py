"""Frames around a place list that are not its designation: where the subject lies
("Taizhou in east China's Zhejiang province", "A and B, both in Guangdong Province,"),
what a list ends with ("A, B, etc."), and lists that only locate others ("the pilot
cities in Jiangsu are A and B")."""

from __future__ import annotations

import re

from services.ingest.extract.place_lists import lead_start
from services.ingest.extract.places import place_at

# a subject's location after it: ", both in", " in", " located in"
_LOCATIVE = re.compile(r"\s*,?\s+(?:(?:both|all|each|also)\s+)?(?:(?:located|based)\s+)?in\s+")
_LEAD_WORDS = re.compile(
    r"(?:the\s+)?(?:(?:north|south|east|west|central|northeast|northwest|southeast|southwest)"
    r"(?:ern)?\s+China\s*['’]\s*s\s+)"
)
_LOCATIVE_END = re.compile(r"(?:\s+(?i:province|municipality|city|region))?(?:\s*,)?")
# a list right after "in" or "both in": a location, not a subject
_IN_LEFT = re.compile(
    r"\b(?:in|under|near|outside|(?:capital|part|outskirts|suburbs|heart)\s+of)\s+(?:the\s+)?$"
)
# ... and one that only locates the place named before it ("Taizhou in Zhejiang")
_LOCATIVE_LEFT = re.compile(
    r"(?:[A-Z][\w'’-]*(?:\s+(?:District|County|City|New\s+Area))?|\bboth|\ball|\beach)"
    r"\s+in\s+(?:the\s+)?$"
)
# a list intro right after a place: the place frames the members named next
_MEMBERS_AFTER = re.compile(
    r"\s*,?\s*(?:(?:are|were|is|include|includes|included)\s+(?=[A-Z])|namely\b|:)"
)
_AND_PART = re.compile(
    r"\s+and\s+(?:the|its|their)\s+(?:[\w’'-]+\s+){0,3}?"
    r"(?:parks?|zones?|districts?|areas?|count(?:y|ies)|towns?)\b(?=\s+(?:was|were|have|has)\b)"
)
_ET_CETERA = re.compile(r"\s*,?\s*(?:etc\.?|and\s+so\s+on|and\s+others|among\s+others)(?=[\s,])")


def _past_locative(text: str, end: int, e: int) -> int:
    """Where a subject's location ends ("Taizhou in east China's Zhejiang province",
    "Foshan and Dongguan, both in Guangdong Province,"), else `end` itself."""
    m = _LOCATIVE.match(text, end, e)
    if not m:
        return end
    at = lead_start(text, m.end(), m.end())
    lead = _LEAD_WORDS.match(text, m.end(), e)
    place = place_at(text, lead.end() if lead else at)
    if place is None:
        return end
    close = _LOCATIVE_END.match(text, place.end, e)
    return close.end() if close else place.end


def past_frame(text: str, end: int, e: int) -> int:
    """Where a subject's location, a closing "etc." and an unnamed part joined to it
    ("A and the district's industrial park were ...") end, else `end` itself."""
    end = _past_locative(text, end, e)
    more = _ET_CETERA.match(text, end, e) or _AND_PART.match(text, end, e)
    return more.end() if more else end  # "Beijing, Shanghai, Shenzhen, etc. were ..."


def located(left: str) -> bool:
    """Whether the list after `left` stands after 'in' or 'capital of': a location."""
    return bool(_IN_LEFT.search(left))


def locates_named(left: str) -> bool:
    """Whether the list after `left` only locates the place before it ("Taizhou in")."""
    return bool(_LOCATIVE_LEFT.search(left))


def members_after(text: str, end: int, e: int) -> bool:
    """Whether a list intro follows a place: the members come next, the place frames them."""
    return bool(_MEMBERS_AFTER.match(text, end, e))
