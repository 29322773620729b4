"""The shared place gazetteer (lexicon/places.toml), loaded once: names and their admin
levels, districts' cities, descriptors and the compiled patterns of place phrases."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from services.ingest.extract import lexicon

AdminLevel = str  # "city", "district", "province" or "municipality"

# "Xi'an", never a possessive "'s"; a determiner is never the first word of a name
WORD = r"(?!(?:The|This|That|These|Those|Its|Their)\b)[A-Z][a-z]+(?:['’-](?!s\b)[A-Za-z]+)*"
NAME = rf"{WORD}(?:\s+{WORD}){{0,3}}"
NAME_LAZY = rf"{WORD}(?:\s+{WORD}){{0,3}}?"
APOS = str.maketrans({"’": "'"})


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """The gazetteer's tables and the patterns compiled from them."""

    levels: dict[str, AdminLevel]  # lower-case name -> level
    provinces: dict[str, frozenset[str]]  # lower-case city -> lower-case provinces
    not_places: frozenset[str]
    parents: dict[str, str]  # lower-case district -> its city
    descriptors: dict[str, AdminLevel]  # lower-case descriptor -> level
    phrase: re.Pattern[str]
    headed: re.Pattern[str]
    ends: frozenset[str]  # last words of descriptors and heads: a place phrase ends there


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer, read and compiled on first use."""
    data = lexicon.load("places")
    levels: dict[str, AdminLevel] = {}
    provinces: dict[str, set[str]] = {}
    for province, cities in data["cities"].items():
        levels.update({c.lower(): "city" for c in cities})
        levels[province.lower()] = "province"
        for c in cities:
            provinces.setdefault(c.lower(), set()).add(province.lower())
    levels.update({p.lower(): "province" for p in data["provinces"]})
    levels.update({m.lower(): "municipality" for m in data["municipalities"]})
    parents = {d.lower(): str(c) for d, c in data["districts"].items() if c}
    levels.update({d.lower(): "district" for d in data["districts"]})
    for d in parents:
        levels.setdefault(d, "district")
    descriptors = {
        w: kind for kind, ws in data["descriptors"].items() if kind != "heads" for w in ws
    }
    alt = "|".join(
        r"\s+".join(map(re.escape, d.split())) for d in sorted(descriptors, key=len, reverse=True)
    )
    # First a name with a descriptor (the name as short as it can be: "Caohejing" +
    # "Development Zone"), else a bare name as long as it can be ("Inner Mongolia").
    phrase = re.compile(
        r"China\s*\(\s*(?P<inner>" + NAME + r")\s*\)"
        # "Wuxi's national high-tech zone": the owner's zone, named by its descriptor only
        rf"|(?P<owner2>{NAME})['’]s\s+(?:(?i:national|state-level|provincial)\s+)?"
        rf"(?P<desc2>(?i:{alt}))\b"
        rf"|(?:(?P<owner>{NAME})['’]s\s+)?(?:(?P<name>{NAME_LAZY})\s+(?P<desc>(?i:{alt}))\b"
        rf"|(?P<bare>{NAME}))"
    )
    heads: list[str] = data["descriptors"]["heads"]
    return Gazetteer(
        levels,
        {c: frozenset(p) for c, p in provinces.items()},
        # the largest filers' names are never places ("Huawei and Shenzhen were named ...")
        frozenset(w.lower() for w in data["lead"]["not_places"])
        | {w.lower() for w in lexicon.words("stat_distractors", "company_names")},
        parents,
        descriptors,
        phrase,
        _headed(heads),
        frozenset(d.split()[-1] for d in descriptors) | {h.lower() for h in heads},
    )


def _headed(heads: list[str]) -> re.Pattern[str]:
    """A name, words of its own and a capitalised head noun ("Zhengzhou Airport Economy
    Zone"); the words may join with "and" or "&" ("Science and Education Town")."""
    alt = "|".join(map(re.escape, heads))
    return re.compile(
        rf"(?P<name>{WORD}(?:\s+(?:(?:and|&)\s+)?{WORD}){{1,5}}?)\s+(?:{alt})\b(?![-'’])"
    )


def level_of(name: str) -> AdminLevel | None:
    """The admin level of a gazetteer name ("Gansu" -> province), None when not listed."""
    return gazetteer().levels.get(" ".join(name.split()).lower().translate(APOS))
