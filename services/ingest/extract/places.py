"""Place phrases as pages write them, read with the shared gazetteer (lexicon/places.toml).

A place phrase is a name, perhaps with a descriptor ("Pidu District", "Chengdu High-tech
Zone", "Gansu Province") and a parent ("Haimen district in Nantong", "X District of Y",
"Chengdu's Pidu District", "Huangpu District, Shanghai", "Taizhou in Zhejiang province",
"China (Dalian)"). A name counts as a place when the gazetteer knows it or when a
descriptor below city level follows it, so company and person names stay out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from services.ingest.extract import lexicon

AdminLevel = str  # "city", "district", "province" or "municipality"

# "Xi'an", never a possessive "'s"; a determiner is never the first word of a name
_WORD = r"(?!(?:The|This|That|These|Those|Its|Their)\b)[A-Z][a-z]+(?:['’-](?!s\b)[A-Za-z]+)*"
_NAME = rf"{_WORD}(?:\s+{_WORD}){{0,3}}"
_NAME_LAZY = rf"{_WORD}(?:\s+{_WORD}){{0,3}}?"
_PARENT = re.compile(
    rf"(?P<sep>\s+(?:of|in)\s+|,\s*)(?:the\s+)?(?P<p>{_NAME})(?:\s+(?i:province|city))?"
)
_PLURAL = re.compile(r"\s+(?:provinces|cities|municipalities|districts|counties)\b")
_ASIDE = re.compile(r"\s*\((?![^()]*\d)[^()]{1,30}\)(?=\s*(?:,|;|and\b|、))")
_PARENT_TAIL = re.compile(r"\s+(?i:province|city)\b")
_APOS = str.maketrans({"’": "'"})


@dataclass(frozen=True, slots=True)
class Place:
    """A place as the facts name it ("Haimen District, Nantong") and its admin level."""

    name: str
    level: AdminLevel
    start: int
    end: int
    known: bool = True  # False: a name the gazetteer does not list


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    levels: dict[str, AdminLevel]  # lower-case name -> level
    provinces: dict[str, frozenset[str]]  # lower-case city -> lower-case provinces
    not_places: frozenset[str]
    parents: dict[str, str]  # lower-case district -> its city
    descriptors: dict[str, AdminLevel]  # lower-case descriptor -> level
    phrase: re.Pattern[str]


@cache
def _gazetteer() -> _Gazetteer:
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
    parents = {d.lower(): str(c) for d, c in data["districts"].items()}
    for d in parents:
        levels.setdefault(d, "district")
    descriptors = {w: kind for kind, ws in data["descriptors"].items() for w in ws}
    alt = "|".join(
        r"\s+".join(map(re.escape, d.split())) for d in sorted(descriptors, key=len, reverse=True)
    )
    # First a name with a descriptor (the name as short as it can be: "Caohejing" +
    # "Development Zone"), else a bare name as long as it can be ("Inner Mongolia").
    phrase = re.compile(
        r"China\s*\(\s*(?P<inner>" + _NAME + r")\s*\)"
        rf"|(?:(?P<owner>{_NAME})['’]s\s+)?(?:(?P<name>{_NAME_LAZY})\s+(?P<desc>(?i:{alt}))\b"
        rf"|(?P<bare>{_NAME}))"
    )
    return _Gazetteer(
        levels,
        {c: frozenset(p) for c, p in provinces.items()},
        frozenset(w.lower() for w in data["lead"]["not_places"]),
        parents,
        descriptors,
        phrase,
    )


def _strip_kind(name: str) -> str:
    return re.sub(r"\s+(?:Province|Municipality|City)$", "", name)


def _title(word: str) -> str:
    return word if word in ("and", "of") else word[:1].upper() + word[1:]


def level_of(name: str) -> AdminLevel | None:
    """The admin level of a gazetteer name ("Gansu" -> province), None when not listed."""
    return _gazetteer().levels.get(" ".join(name.split()).lower().translate(_APOS))


def _longest_known(name: str) -> str | None:
    """The longest run of leading words that the gazetteer knows ("Zhengzhou New ..." -> 1)."""
    words = name.split()
    for n in range(len(words), 0, -1):
        if level_of(" ".join(words[:n])):
            return " ".join(words[:n])
    return None


def _parent(text: str, end: int, *, district: bool) -> tuple[str | None, int]:
    """A parent after a place: 'of Y', 'in Y [province]', and for districts ', Y'."""
    m = _PARENT.match(text, end)
    if not m:
        return None, end
    parent = _longest_known(m.group("p"))
    comma = m.group("sep").lstrip().startswith(",")
    if parent is None or (comma and (not district or level_of(parent) == "province")):
        return None, end  # ", Fuzhou" after a city starts the next item of a list
    stop = m.start("p") + len(parent)
    tail = _PARENT_TAIL.match(text, stop)
    return parent, tail.end() if tail else stop


def place_at(text: str, pos: int) -> Place | None:
    """The place phrase that starts exactly at `pos`, or None when none does."""
    g = _gazetteer()
    m = g.phrase.match(text, pos)
    if not m:
        return None
    if m.group("inner"):
        known = _longest_known(m.group("inner"))
        level = level_of(known) if known else None
        return Place(known, level, m.start(), m.end()) if known and level else None
    desc = m.group("desc")
    name = " ".join((m.group("name") or m.group("bare")).split())
    kind = g.descriptors.get(" ".join(desc.lower().split())) if desc else None
    if kind == "district":
        written = f"{name} " + " ".join(_title(w) for w in desc.split())
        owner = m.group("owner")
        parent, end = (owner, m.end()) if owner else _parent(text, m.end(), district=True)
        if parent is None and level_of(name) == "district":
            parent = g.parents[name.lower().translate(_APOS)]
        return Place(f"{written}, {parent}" if parent else written, "district", m.start(), end)
    known = _longest_known(name)
    owner = m.group("owner")
    owner_level = level_of(_strip_kind(owner)) if owner else None
    if known is None or (owner and owner_level not in ("province", "municipality")):
        return None  # "Zhejiang Province's Ningbo" is Ningbo; "Tom's Bakery" no place
    level = level_of(known) or "city"
    end = m.end() if (kind and known == name) else m.start("name" if desc else "bare") + len(known)
    if level == "district":
        parent, end = _parent(text, end, district=True)
        parent = parent or g.parents.get(known.lower().translate(_APOS))
        return Place(f"{known}, {parent}" if parent else known, "district", m.start(), end)
    _, end = _parent(text, end, district=False)  # "Taizhou in Zhejiang province" is Taizhou
    return Place(known, level, m.start(), end)


@cache
def _list_words() -> tuple[re.Pattern[str], re.Pattern[str]]:
    lead = lexicon.load("places")["lead"]
    nouns = "|".join(sorted(map(re.escape, lead["nouns"]), key=len, reverse=True))
    dirs = "|".join(sorted(map(re.escape, lead["directions"]), key=len, reverse=True))
    prefix = re.compile(
        rf"(?:(?:the|its)\s+)?(?:(?i:{nouns})\s+of\s+(?:the\s+)?)?"
        rf"(?:(?i:{dirs})\s+)?(?:China\s*['’]\s*s\s+)?"
    )
    seps = sorted(lead["separators"], key=len, reverse=True)
    sep = re.compile(
        r"\s*(?:" + "|".join(r"\s+".join(map(re.escape, s.split())) for s in seps) + r")\s*"
    )
    return prefix, sep


def _unlisted_at(text: str, pos: int) -> Place | None:
    """A capitalised word that the gazetteer does not know, as a city ("Yiwu" unlisted)."""
    m = re.compile(_WORD).match(text, pos)
    if not m or m.group(0).lower() in _gazetteer().not_places:
        return None
    return Place(m.group(0), "city", m.start(), m.end(), known=False)


def unlisted_list(text: str, pos: int, limit: int) -> list[Place]:
    """Capitalised names the gazetteer does not know, as a list ("Jimo and Laixi"); only a
    sentence shape that designates its subject can make them places."""
    _prefix, sep = _list_words()
    out: list[Place] = []
    at = pos
    while (place := _unlisted_at(text, at)) is not None and place.end <= limit:
        out.append(place)
        gap = sep.match(text, place.end, limit)
        if not gap:
            break
        at = gap.end()
    return out


def _inside(city: Place, province: Place) -> bool:
    """'Taizhou, Zhejiang Province': the province says which Taizhou, it is no new item."""
    known = _gazetteer().provinces.get(city.name.lower(), frozenset())
    return province.level == "province" and province.name.lower() in known


def place_list(text: str, pos: int, limit: int | None = None) -> list[Place]:
    """The places of a list that starts at `pos` ("the cities of A, B and C"), maybe none.

    A word the gazetteer does not know counts as a city only in a list with known places."""
    prefix, sep = _list_words()
    stop = len(text) if limit is None else limit
    out: list[Place] = []
    known = 0
    at, comma = pos, False
    while at < stop:
        lead = prefix.match(text, at, stop)
        start = lead.end() if lead else at
        place = place_at(text, start)
        if place is not None and out and comma and _inside(out[-1], place):
            out[-1] = Place(out[-1].name, out[-1].level, out[-1].start, place.end)
            place = None
        elif place is not None:
            known += 1
        elif out:
            place = _unlisted_at(text, start)
        if place is not None and place.end <= stop:
            out.append(place)
        elif not (out and out[-1].end > at):
            break
        after = out[-1].end
        if aside := _ASIDE.match(text, after, stop):
            after = aside.end()  # "Ningbo (Zhejiang), Xiamen (Fujian) and ..."
        gap = sep.match(text, after, stop)
        if not gap:
            break
        at, comma = gap.end(), gap.group(0).strip() == ","
    if not known:
        return []
    plural = _PLURAL.match(text, out[-1].end, stop)
    if plural:  # "Jiangsu, Zhejiang and Guangdong provinces": the list ends after the noun
        out[-1] = Place(out[-1].name, out[-1].level, out[-1].start, plural.end())
    return out


@cache
def _lead_end() -> re.Pattern[str]:
    prefix, _sep = _list_words()
    return re.compile(f"(?:{prefix.pattern})$")


def lead_start(text: str, start: int, pos: int) -> int:
    """Where the lead words of a list at `pos` ("the cities of", "east China's") begin."""
    m = _lead_end().search(text, start, pos)
    return m.start() if m else pos
