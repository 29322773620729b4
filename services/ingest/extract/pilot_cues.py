"""Cheap cues of the pilot stages, compiled from lexicon/pilots.toml: the words without
which a sentence designates nothing, anaphors, other fields' programmes, and the
abbreviations a text defines for places."""

from __future__ import annotations

import re
from functools import cache

from services.ingest.extract import lexicon
from services.ingest.extract.pattern_gates import starts_with
from services.ingest.extract.places import Place, place_at

_CAPS = re.compile(r"(?<![\w'’-])[A-Z]")
_ABBR_DEFINED = re.compile(r"\(\s*([A-Z]{2,6})\s*\)")
_ABBR = re.compile(r"[A-Z]{2,6}\b")


@cache
def anaphor() -> re.Pattern[str]:
    """Subjects that point back to a place named before ("it", "the city", and "the" with
    any descriptor of a zone: "the high-tech zone", "the new area")."""
    zones = [f"the {d}" for d in lexicon.load("places")["descriptors"]["district"]]
    found = sorted({*lexicon.words("pilots", "anaphors"), *zones}, key=len, reverse=True)
    words = "|".join(r"\s+".join(map(re.escape, w.split())) for w in found)
    return re.compile(rf"(?i:{starts_with(found)})\b(?i:{words})\b(?!\s*['’])")


@cache
def ip_context() -> re.Pattern[str]:
    """Words of a text about IP: designations matter only in such texts."""
    found = lexicon.words("pilots", "ip_context")
    words = "|".join(r"[\s-]+".join(map(re.escape, w.split())) for w in found)
    return re.compile(rf"\b(?:{words})\b", re.IGNORECASE)


@cache
def other_domain() -> re.Pattern[str]:
    """Words of programmes outside IP policy ("free trade", "e-commerce")."""
    found = lexicon.words("pilots", "other_domains")
    words = "|".join(re.escape(w) for w in found)
    return re.compile(rf"(?i:{starts_with(found)})\b(?i:{words})\b")


@cache
def cue() -> re.Pattern[str]:
    """A word without which no shape can designate anything in a sentence."""
    lex = lexicon.load("pilots")
    pairs = [w for pair in lex["mark_pairs"] for w in pair]
    words = [w.lower() for w in (*lex["marks"], *lex["cues"], *pairs)]
    alt = "|".join(sorted((r"\s+".join(map(re.escape, w.split())) for w in words), key=len))
    # searched in lower-cased text: cheaper than IGNORECASE; the lookahead spares the word
    # boundary test at positions no cue word starts at
    return re.compile(rf"{starts_with(words)}\b(?:{alt})")


@cache
def back_opener() -> re.Pattern[str]:
    """The start of a sentence that may list the members of the programme named in the
    sentence before it ("The nine parks are ...", "So was X.")."""
    lex = lexicon.load("pilots")
    words = "|".join(r"\s+".join(map(re.escape, w.split())) for w in lex["back_openers"])
    units = "|".join(lex["counted"]["units"])
    return re.compile(rf"\s*(?:(?i:{words})|The\s+[\w-]+\s+(?:{units}))\b")


def aliases(text: str) -> dict[str, Place]:
    """Abbreviations a text defines for places: 'Guangzhou Development District (GDD)'."""
    out: dict[str, Place] = {}
    for m in _ABBR_DEFINED.finditer(text):
        floor = max(0, m.start() - 80)
        for cap in _CAPS.finditer(text, floor, m.start()):
            place = place_at(text, cap.start())
            if place and not text[place.end : m.start()].strip():
                out[m.group(1)] = place
                break
    return out


def alias_at(text: str, pos: int, aliases: dict[str, Place]) -> list[Place]:
    """The place an abbreviation at `pos` stands for, as a one-place list, or none."""
    m = _ABBR.match(text, pos)
    place = aliases.get(m.group(0)) if m else None
    return [Place(place.name, place.level, pos, m.end())] if place and m else []
