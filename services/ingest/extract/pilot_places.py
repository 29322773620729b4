"""The place lists of a sentence that pilot designations may be about: known places and
aliases, and names the gazetteer does not list right before a designating verb
("Jimo was named a ... pilot city")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from services.ingest.extract.pilot_cues import alias_at
from services.ingest.extract.pilot_triggers import read_subject
from services.ingest.extract.place_lists import place_list, unlisted_list
from services.ingest.extract.places import Place

_CAPS = re.compile(r"(?<![\w'’-])[A-Z]")
# A programme that designates places ends in a noun for places, not "enterprise".
_PLACE_LIKE = re.compile(
    r"\b(?:cit(?:y|ies)|count(?:y|ies)|zones?|parks?|districts?|areas?|bases?|regions?"
    r"|provinces?|cent(?:er|re)s?|clusters?|towns?)\b",
    re.IGNORECASE,
)
# Only a verb can follow a subject; most capitalised words have none after them.
_VERB_NEXT = re.compile(
    r"\s*(?:\([^()]{1,40}\)\s*)?,?\s*(?:[-–—]+\s*)?(?:was|were|has|have|had|is|are|became"
    r"|become|got|joined|won|received|obtained|earned|gained|secured)\b"
)
_FRAME = re.compile(r"\b[Ii]n\s+(?:the\s+)?$")


def place_lists(
    text: str, s: int, e: int, aliases: dict[str, Place] | None = None
) -> Iterator[list[Place]]:
    """The place lists of sentence text[s:e], in text order."""
    pos = s
    for m in _CAPS.finditer(text, s, e):
        if m.start() < pos:
            continue
        places = (
            place_list(text, m.start(), e)
            or alias_at(text, m.start(), aliases or {})
            or _unlisted_subject(text, m.start(), e)
        )
        if places:
            pos = places[-1].end
            framed = _FRAME.search(text, s, m.start())
            nested = len(places) > 1 and places[1].level != "province"
            if nested and places[0].level == "province" and framed:
                places = places[1:]  # "In Shandong Province, Qingdao and Yantai were ...": a frame
            yield places


def _unlisted_subject(text: str, pos: int, e: int) -> list[Place]:
    """Unlisted names right before a designating verb ("Jimo was named a ... pilot city")."""
    places = unlisted_list(text, pos, e)
    if not places or not _VERB_NEXT.match(text, places[-1].end, e):
        return []
    before = text[max(0, pos - 40) : pos].rstrip().rsplit(None, 1)
    if before and before[-1][:1].isupper() and text[pos - 1 : pos].isspace():
        return []  # "Guoxin Group": a name's second word is no place
    hit = read_subject(text, e, places[-1].end)
    if hit is None or hit.programme is None or not _PLACE_LIKE.search(hit.programme.text):
        return []
    return places
