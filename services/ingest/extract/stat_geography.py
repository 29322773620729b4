"""Where a statistic belongs: a place named before it or as its owner after it, a district,
zone or park the text defined, the place "the city" refers to, or the city whose government
site published the page; else China (CN).

Word lists are in lexicon/stat_geography.toml and lexicon/stat_sites.toml; the gazetteer of
places is the one the statistics stage has always used.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Protocol
from urllib.parse import urlsplit

from services.ingest.extract import lexicon
from services.ingest.extract.places import district_name, level_of, listed_parent, place_at
from services.ingest.extract.span_index import matches_before
from services.ingest.extract.stat_text import lower

# "Shenzhen, in south China's Guangdong province, ...": a province set off after a place
# says where that place lies
_LOCATIVE_BEFORE = re.compile(r",\s*(?:(?:in|of)\s+)?(?:the\s+)?(?:(?:[a-z-]+\s+)?China['’]s\s+)?")
_LOCATIVE_AFTER = re.compile(r"(?:\s+[Pp]rovince)?\s*,")


class PlaceContext(Protocol):
    """What a document has established about places so far."""

    place: str | None  # the place the text last named
    places: dict[str, str]  # defined names ("Haimen") and what they stand for


# Chinese provinces, municipalities and cities that publish IP statistics of their own.
PLACES = (
    "Beijing|Shanghai|Tianjin|Chongqing|Guangdong|Jiangsu|Zhejiang|Shandong|Fujian|Hebei|"
    "Henan|Hubei|Hunan|Anhui|Jiangxi|Sichuan|Shaanxi|Shanxi|Liaoning|Jilin|Heilongjiang|"
    "Yunnan|Guizhou|Guangxi|Hainan|Gansu|Qinghai|Ningxia|Xinjiang|Tibet|Inner Mongolia|"
    "Guangzhou|Shenzhen|Hangzhou|Ningbo|Wenzhou|Suzhou|Nanjing|Wuxi|Changzhou|Xiamen|"
    "Fuzhou|Quanzhou|Taizhou|Jinan|Qingdao|Yantai|Wuhan|Changsha|Chengdu|Xi'an|Hefei|"
    "Zhengzhou|Shijiazhuang|Dalian|Shenyang|Harbin|Changchun|Kunming|Nanning|Nanchang|"
    "Dongguan|Foshan|Zhuhai|Huizhou|Zhongshan|Shantou|Haikou|Lanzhou|Urumqi|Hohhot|Taiyuan|"
    "Guiyang|Xining|Yinchuan|Lhasa|Jiaxing|Shaoxing|Jinhua|Nantong|Yangzhou|Xuzhou|"
    "Huangpu|Pudong|Haidian|Chaoyang|Nansha|Qianhai|Binhai|Zhongguancun"
)


def geography(s: str, pos: int, state: PlaceContext) -> str:
    """The place a statistic is about: a named city or district before it, else CN."""
    best: str | None = None
    k = bisect_right(_place_ends(s), pos)  # the places that end before the value
    owner = _owners(s)[k - 1] if k else None
    if owner is not None:
        best = state.places.get(owner, owner)
    if best is None and state.place and matches_before(_PLACE_REF, s, pos):
        best = state.place
    if best is None:
        best = _owner_after(s, pos, state) or _located_after(s, pos, state)
    if best is None and state.place:
        # "59,902 applications were filed by companies in the zone": the place its clause
        # refers to after the value
        stop = CLAUSE_END.search(s, pos)
        if _PLACE_REF.search(s, pos, stop.start() if stop else len(s)):
            best = state.place
    if best is None:
        return "CN"
    return best


@lru_cache(maxsize=1)
def _owner_pattern() -> re.Pattern[str]:
    nouns = "|".join(re.escape(w) for w in lexicon.words("stat_geography", "owner_nouns"))
    return re.compile(rf"\b(?:by|from|of|to)\s+(?P<place>[A-Z][a-z]+)\s+(?:{nouns})\b")


def _owner_after(s: str, pos: int, state: PlaceContext) -> str | None:
    """A place named as the owner after the value, in its clause ("... by Beijing residents")."""
    stop = CLAUSE_END.search(s, pos)
    m = _owner_pattern().search(s, pos, stop.start() if stop else len(s))
    if m is None or m.group("place") not in PLACE_NAMES:
        return None
    return state.places.get(m.group("place"), m.group("place"))


def _located_after(s: str, pos: int, state: PlaceContext) -> str | None:
    """A place the value's clause locates it in after the value ("... were filed in Hangzhou")."""
    stop = CLAUSE_END.search(s, pos)
    end = stop.start() if stop else len(s)
    for start, place_end, name in places_in(s):
        if start >= end:
            break
        located = start > pos and _LOCATIVE.search(s, max(pos, start - 12), start)
        if located and not _ORG_AFTER.match(s[place_end : place_end + 40]):
            return state.places.get(name, name)
    return None


# "in Hangzhou", "across Jiangsu", "in the city of Suzhou": the preposition right before
_LOCATIVE = re.compile(r"\b(?:in|across|within)\s+(?:the\s+(?:city|province) of\s+)?$")
# a full stop inside a number ("33.92") ends no clause
CLAUSE_END = re.compile(r";|\.(?!\d)|,\s+(?:and|while|with|up|down)\b")


PLACE_NAMES = frozenset(PLACES.split("|"))
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:'an)?(?: Mongolia)?")


_WORD_START = re.compile(r"(?<![\w'’])[A-Z]")


@lru_cache(maxsize=1)
def _descriptor() -> re.Pattern[str]:
    """The last words of the gazetteer's district descriptors ("zone", "district"): a
    sentence without one names no district by its descriptor."""
    tails = {w.split()[-1] for w in lexicon.load("places")["descriptors"]["district"]}
    return re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(tails))) + r")\b")


@lru_cache(maxsize=64)
def _owners(s: str) -> tuple[str | None, ...]:
    """For each place of a sentence, the place a value after it is about: the last one so
    far that no organisation's name continues, a province set off as an aside skipped."""
    out: list[str | None] = []
    best: str | None = None
    prev_end = -1
    for start, end, name in places_in(s):
        aside = prev_end >= 0 and _LOCATIVE_BEFORE.fullmatch(s, prev_end, start)
        if aside and level_of(name) == "province" and _LOCATIVE_AFTER.match(s, end):
            out.append(best)  # "Shenzhen, in south China's Guangdong province, filed ...
            continue
        if not _ORG_AFTER.match(s[end : end + 40]):
            best = name
        prev_end = end
        out.append(best)
    return tuple(out)


@lru_cache(maxsize=64)
def _place_ends(s: str) -> list[int]:
    return [end for _, end, _ in places_in(s)]


@lru_cache(maxsize=64)
def places_in(s: str) -> tuple[tuple[int, int, str], ...]:
    """Chinese places in a sentence: (start, end, name). A name of the list above counts
    ("Guangzhou's" too); a district or zone is read with the shared gazetteer and named
    with its descriptor and city ("Songjiang District", "Pidu District, Chengdu")."""
    out: list[tuple[int, int, str]] = []
    end = 0
    described = bool(_descriptor().search(lower(s)))
    for m in _WORD_START.finditer(s):
        if m.start() < end:
            continue
        place = place_at(s, m.start()) if described else None
        if place is not None and place.level == "district":
            out.append((place.start, place.end, place.name))
            end = place.end
            continue
        word = _CAPITALISED.match(s, m.start())
        name = word.group(0) if word else ""
        after = s[m.start() + len(name) : m.start() + len(name) + 2]
        if name in PLACE_NAMES and (after[:1] != "'" or after == "'s"):
            out.append((m.start(), m.start() + len(name), _bare(name)))
            end = m.start() + len(name)
    return tuple(out)


def _bare(name: str) -> str:
    """A name of the list above as the gazetteer names it: a district with its city
    ("Haidian" -> "Haidian, Beijing"), a city or province as written."""
    parent = listed_parent(name)
    return f"{name}, {parent}" if parent else name


_ORG_AFTER = re.compile(
    r"^(?:'s)?\s*(?:and\s+\w+\s+)?(?:"
    + "|".join(lexicon.words("stat_geography", "org_after_place"))
    + ")",
    re.I,
)
# "in the city", "the district has had ...": the place the text last named
_PLACE_REF = re.compile(
    r"\b(?:the|this)\s+(?:city|district|province|municipality|county|zone|park|"
    r"development zone|new area)\b",
    re.I,
)
_DISTRICT_DEF = re.compile(
    rf"\b(?P<city>{PLACES})'s\s+(?P<name>[A-Z][a-z]+)\s+(?:district|District|new area)"
)
_DISTRICT_IN = re.compile(
    rf"\b(?P<name>[A-Z][a-z]+)\s+(?:district|District)\s+(?:in|of)\s+(?P<city>{PLACES})\b"
)
# "the Zhongguancun Science Park in Beijing": a zone of a city
_ZONE_IN = re.compile(
    rf"\b(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z-]+){{0,5}}\s+(?:Zone|Park|New Area))\s+(?:in|of)\s+"
    rf"(?P<city>{PLACES})\b"
)


def update_places(s: str, state: PlaceContext) -> None:
    places = places_in(s)
    for name, full in state.places.items():
        if name in s and re.search(rf"\b{re.escape(name)}\b", s):
            state.place = full  # a district defined before, named again ("Haimen has ...")
    if not places:
        return
    for _start, _end, name in places:
        state.place = state.places.get(name, name)
    # "Guangzhou's Huangpu district", "Haimen district in Nantong": the district, not the city
    defs = [*_DISTRICT_DEF.finditer(s)] if "'s " in s else []
    for dm in [*defs, *_DISTRICT_IN.finditer(s)]:
        name = dm.group("name")
        state.places[name] = district_name(name, f"{name} District", "district", dm.group("city"))
        state.place = state.places[name]
    for zm in _ZONE_IN.finditer(s) if ("Zone" in s or "Park" in s or "Area" in s) else ():
        state.places[zm.group("name")] = f"{zm.group('name')}, {zm.group('city')}"
        state.place = state.places[zm.group("name")]


@lru_cache(maxsize=256)
def site_place(url: str | None) -> str | None:
    """The place a local government site ("en.nantong.gov.cn") publishes figures for."""
    host = urlsplit(url).hostname if url else None
    if not host or not host.endswith(".gov.cn"):
        return None
    labels = [x for x in host[: -len(".gov.cn")].split(".") if x not in ("en", "english", "www")]
    places: dict[str, str] = lexicon.load("stat_sites")["gov_host_places"]
    return places.get(labels[-1]) if labels else None
