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
from services.ingest.extract.places_zh import ZhPlace as ZhPlace
from services.ingest.extract.places_zh import next_name as next_name
from services.ingest.extract.places_zh import zh_place as zh_place
from services.ingest.extract.places_zh import zh_place_at as zh_place_at

AdminLevel = str  # "city", "district", "province" or "municipality"

# "Xi'an", never a possessive "'s"; a determiner is never the first word of a name
WORD = r"(?!(?:The|This|That|These|Those|Its|Their)\b)[A-Z][a-z]+(?:['’-](?!s\b)[A-Za-z]+)*"
_NAME = rf"{WORD}(?:\s+{WORD}){{0,3}}"
_NAME_LAZY = rf"{WORD}(?:\s+{WORD}){{0,3}}?"
_PARENT = re.compile(
    rf"(?P<sep>\s+(?:of|in)\s+|,\s*)(?:the\s+)?(?P<p>{_NAME})(?:\s+(?i:province|city))?"
)
_PAREN_PARENT = re.compile(rf"\s*\(\s*(?P<p>{_NAME})\s*\)")
_CAPITAL_NEXT = re.compile(r"\s+[A-Z]")
_PARENT_TAIL = re.compile(r"\s+(?i:province|city)\b")
_AND = re.compile(r"(?P<before>[\w-]+)\s+and\s+")
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
    headed: re.Pattern[str]
    ends: frozenset[str]  # last words of descriptors and heads: a place phrase ends there


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
        r"China\s*\(\s*(?P<inner>" + _NAME + r")\s*\)"
        # "Wuxi's national high-tech zone": the owner's zone, named by its descriptor only
        rf"|(?P<owner2>{_NAME})['’]s\s+(?:(?i:national|state-level|provincial)\s+)?"
        rf"(?P<desc2>(?i:{alt}))\b"
        rf"|(?:(?P<owner>{_NAME})['’]s\s+)?(?:(?P<name>{_NAME_LAZY})\s+(?P<desc>(?i:{alt}))\b"
        rf"|(?P<bare>{_NAME}))"
    )
    heads = "|".join(map(re.escape, data["descriptors"]["heads"]))
    # the descriptor's own words may join with "and" ("Science and Education Town")
    headed = re.compile(
        rf"(?P<name>{WORD}(?:\s+(?:and\s+)?{WORD}){{1,5}}?)\s+(?:{heads})\b(?![-'’])"
    )
    return _Gazetteer(
        levels,
        {c: frozenset(p) for c, p in provinces.items()},
        frozenset(w.lower() for w in data["lead"]["not_places"]),
        parents,
        descriptors,
        phrase,
        headed,
        frozenset(d.split()[-1] for d in descriptors) | {h.lower() for h in heads.split("|")},
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
    if district and (paren := _PAREN_PARENT.match(text, end)):
        known = _longest_known(paren.group("p"))
        if known and known == paren.group("p"):  # "Jiangning District (Nanjing)"
            return known, paren.end()
    m = _PARENT.match(text, end)
    if not m:
        return None, end
    comma = m.group("sep").lstrip().startswith(",")
    inner = _place_at(text, m.start("p")) if district and not comma else None
    if inner is not None and inner.level == "district":  # "X Park in Beijing's Haidian district"
        return inner.name, inner.end
    parent = _longest_known(m.group("p"))
    above = level_of(parent) in ("city", "municipality") if parent else False
    if parent is None or (comma and not (district and above)):
        # ", Fuzhou" after a city starts the next item of a list, and so does
        # ", Zhongguancun" after a district: a district's parent after a comma is a city
        return None, end
    stop = m.start("p") + len(parent)
    if comma and _CAPITAL_NEXT.match(text, stop):
        return None, end  # ", Suzhou Industrial Park": the next item, not a parent
    tail = _PARENT_TAIL.match(text, stop)
    return parent, tail.end() if tail else stop


def _headed(text: str, pos: int, found: Place | None) -> Place | None:
    """A known place, words of its own and a zone's head noun ("Zhengzhou Airport Economy
    Zone"), when it runs past what the descriptors read; else None."""
    m = _gazetteer().headed.match(text, pos)
    if not m or (found is not None and found.end >= m.end()):
        return None
    if _longest_known(m.group("name")) is None:
        return None  # "National Demonstration Zone": no place starts it
    for joint in _AND.finditer(text, pos, m.end()):
        if _place_at(text, joint.end()) or joint.group("before").lower() in _gazetteer().ends:
            return None  # "Jinjiang City and Pudong New Area": two places of a list
    parent, end = _parent(text, m.end(), district=True)
    name = " ".join(m.group(0).split())
    return Place(f"{name}, {parent}" if parent else name, "district", pos, end)


def place_at(text: str, pos: int) -> Place | None:
    """The place phrase that starts exactly at `pos`, or None when none does."""
    found = _place_at(text, pos)
    return _headed(text, pos, found) or found


def _place_at(text: str, pos: int) -> Place | None:
    g = _gazetteer()
    m = g.phrase.match(text, pos)
    if not m:
        return None
    if m.group("inner"):
        known = _longest_known(m.group("inner"))
        level = level_of(known) if known else None
        return Place(known, level, m.start(), m.end()) if known and level else None
    if m.group("owner2"):
        owner, desc = m.group("owner2"), m.group("desc2")
        if g.descriptors.get(" ".join(desc.lower().split())) != "district" or not level_of(owner):
            return None
        return Place(
            f"{owner} " + " ".join(_title(w) for w in desc.split()), "district", pos, m.end()
        )
    desc = m.group("desc")
    kind = g.descriptors.get(" ".join(desc.lower().split())) if desc else None
    if kind == "district":
        return _described(text, m)
    return _named(text, m, kind)


def _described(text: str, m: re.Match[str]) -> Place:
    """'Pidu District of Chengdu', "Chengdu's Pidu District", 'Suzhou New District'."""
    g = _gazetteer()
    name = " ".join(m.group("name").split())
    written = f"{name} " + " ".join(_title(w) for w in m.group("desc").split())
    owner = m.group("owner")
    parent, end = (owner, m.end()) if owner else _parent(text, m.end(), district=True)
    if parent is None and level_of(name) == "district":
        parent = g.parents.get(name.lower().translate(_APOS))
    if parent and parent.lower() in name.lower():
        parent = None  # "Wuhan East Lake High-tech Zone" names its city already
    return Place(f"{written}, {parent}" if parent else written, "district", m.start(), end)


def _named(text: str, m: re.Match[str], kind: str | None) -> Place | None:
    """A gazetteer name, maybe with 'City' or 'Province' and a parent after it."""
    g = _gazetteer()
    name = " ".join((m.group("name") or m.group("bare")).split())
    known = _longest_known(name)
    owner = m.group("owner")
    if known is None or (owner and level_of(_strip_kind(owner)) is None):
        return None  # "Zhejiang Province's Ningbo" is Ningbo; "Tom's Bakery" no place
    level = level_of(known) or "city"
    end = (
        m.end()
        if (kind and known == name)
        else m.start("name" if m.group("desc") else "bare") + len(known)
    )
    if level == "district":
        parent, end = (_strip_kind(owner), end) if owner else _parent(text, end, district=True)
        parent = parent or g.parents.get(known.lower().translate(_APOS))
        return Place(f"{known}, {parent}" if parent else known, "district", m.start(), end)
    _, end = _parent(text, end, district=False)  # "Taizhou in Zhejiang province" is Taizhou
    return Place(known, level, m.start(), end)


def provinces_of(city: str) -> frozenset[str]:
    """The provinces (lower case) that hold a city of this name ("taizhou": two)."""
    return _gazetteer().provinces.get(city.lower(), frozenset())


def never_place(word: str) -> bool:
    """Whether a capitalised word is never a place ("The", "Group", "Ministry")."""
    return word.lower() in _gazetteer().not_places


def place_codes() -> dict[str, str]:
    """Lower-case place name -> short code (provinces, municipalities, coded cities)."""
    data = lexicon.load("places")
    codes = {**data["provinces"], **data["municipalities"], **data["codes"]}
    return {str(k).lower().translate(_APOS): str(v) for k, v in codes.items()}
