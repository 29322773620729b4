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

from services.ingest.extract import lexicon
from services.ingest.extract.place_gazetteer import APOS as _APOS
from services.ingest.extract.place_gazetteer import NAME as _NAME
from services.ingest.extract.place_gazetteer import WORD as WORD
from services.ingest.extract.place_gazetteer import AdminLevel as AdminLevel
from services.ingest.extract.place_gazetteer import gazetteer as _gazetteer
from services.ingest.extract.place_gazetteer import level_of as level_of
from services.ingest.extract.places_zh import ZhPlace as ZhPlace
from services.ingest.extract.places_zh import next_name as next_name
from services.ingest.extract.places_zh import zh_place as zh_place
from services.ingest.extract.places_zh import zh_place_at as zh_place_at

_PARENT = re.compile(
    rf"(?P<sep>\s+(?:of|in)\s+|,\s*)(?:the\s+)?(?P<p>{_NAME})(?:\s+(?i:province|city))?"
)
_PAREN_PARENT = re.compile(rf"\s*\(\s*(?P<p>{_NAME})\s*\)")
_DISTRICT_NEXT = re.compile(rf"\s+({_NAME})")
_CAPITAL_NEXT = re.compile(r"\s+[A-Z]")
_SIBLING_NEXT = re.compile(r"\s+(?i:county|district)\b")
_PARENT_TAIL = re.compile(r"\s+(?i:province|city)\b")
_AND = re.compile(r"(?P<before>[\w-]+)\s+(?:and|&)\s+")


@dataclass(frozen=True, slots=True)
class Place:
    """A place as the facts name it ("Haimen District, Nantong") and its admin level."""

    name: str
    level: AdminLevel
    start: int
    end: int
    known: bool = True  # False: a name the gazetteer does not list


def _strip_kind(name: str) -> str:
    return re.sub(r"\s+(?:Province|Municipality|City)$", "", name)


def _title(word: str) -> str:
    return word if word in ("and", "of") else word[:1].upper() + word[1:]


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
    if parent is None:
        return None, end
    stop = m.start("p") + len(parent)
    tail = _PARENT_TAIL.match(text, stop)
    # ", Fuzhou" after a city starts the next item of a list, and so does ", Zhongguancun"
    # after a district: after a comma a district's parent is a city or "Y Province"
    above = level_of(parent) in ("city", "municipality") or (
        tail is not None and level_of(parent) == "province"
    )
    if comma and not (district and above):
        return None, end
    if comma and tail is None and _CAPITAL_NEXT.match(text, stop):
        return None, end  # ", Suzhou Industrial Park": the next item, not a parent
    if comma and _SIBLING_NEXT.match(text, stop):
        return None, end  # "Pingyang county, Anji county": a county is no county's parent
    return parent, tail.end() if tail else stop


def _headed(text: str, pos: int, found: Place | None) -> Place | None:
    """A known place, words of its own and a zone's head noun ("Zhengzhou Airport Economy
    Zone"), when it runs past what the descriptors read; else None."""
    if found is None:
        return None  # no known place starts here, so no headed name does: skip the pattern
    m = _gazetteer().headed.match(text, pos)
    if not m or found.end >= m.end():
        return None
    if _longest_known(m.group("name")) is None:
        return None  # "National Demonstration Zone": no place starts it
    ends = _gazetteer().ends
    for joint in _AND.finditer(text, pos, m.end()):
        if _longest_known(text[joint.end() : m.end()]) or joint.group("before").lower() in ends:
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
    name = " ".join(m.group("name").split())
    written = f"{name} " + " ".join(_title(w) for w in m.group("desc").split())
    owner = m.group("owner")
    parent, end = (owner, m.end()) if owner else _parent(text, m.end(), district=True)
    if parent is None:
        parent = listed_parent(name)
    if parent and parent.lower() in name.lower():
        parent = None  # "Wuhan East Lake High-tech Zone" names its city already
    return Place(district_name(name, written, m.group("desc"), parent), "district", m.start(), end)


def listed_parent(name: str) -> str | None:
    """The city the gazetteer puts a listed district in ("Haidian" -> "Beijing"), if one."""
    if level_of(name) != "district":
        return None
    return _gazetteer().parents.get(name.lower().translate(_APOS))


def district_name(name: str, written: str, desc: str, parent: str | None) -> str:
    """How a district is named: "Haidian District" of Beijing is the gazetteer's "Haidian,
    Beijing" (as 北京市海淀区 is), a descriptor of its own kept ("Suzhou New District")."""
    plain = lexicon.load("places")["district_names"]["plain_descriptors"]
    if parent and level_of(name) == "district" and " ".join(desc.lower().split()) in plain:
        return f"{name}, {parent}"
    return f"{written}, {parent}" if parent else written


def _named(text: str, m: re.Match[str], kind: str | None) -> Place | None:
    """A gazetteer name, maybe with 'City' or 'Province' and a parent after it."""
    g = _gazetteer()
    name = " ".join((m.group("name") or m.group("bare")).split())
    known = _longest_known(name)
    owner = m.group("owner")
    if known is None and kind == "city" and m.group("desc").istitle() and " " not in name:
        # "Xinzheng City of Henan Province": a one-word name that "City" follows is a city
        _, end = _parent(text, m.end(), district=False)
        return Place(name, "city", m.start(), end, known=False)
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
    if level != "province" and (part := _DISTRICT_NEXT.match(text, end)):
        district = _longest_known(part.group(1))
        if district and level_of(district) == "district":  # "Shanghai Pudong"
            stop = part.start(1) + len(district)
            return Place(f"{district}, {known}", "district", m.start(), stop)
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


def district_parent(text: str, end: int) -> tuple[str | None, int]:
    """The city (or district) a district phrase ending at `end` names after it, and the
    end of that parent ('of Nanjing', 'in Hangzhou', ', Shenzhen'); None when none."""
    return _parent(text, end, district=True)


def descriptor_title(desc: str) -> str:
    """A descriptor as a name writes it ("high-tech zone" -> "High-tech Zone")."""
    return " ".join(_title(w) for w in desc.split())
