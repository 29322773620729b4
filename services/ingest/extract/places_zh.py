"""Chinese place names read with the one gazetteer (the [zh] tables of lexicon/places.toml).

A Chinese place is written as a chain from the largest unit down, each name with or
without its descriptor: "厦门", "厦门市", "福建省厦门市", "福建厦门", "北京市海淀区",
"新疆自治区昌吉州", "恩施土家族苗族自治州". The reader finds the longest chain the gazetteer
knows and gives its English entry, so Chinese and English pages name one place alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from services.ingest.extract import lexicon

# "土家族苗族" before 自治州 or 自治县: the peoples of an autonomous unit, part of its name
_PEOPLES = r"(?:[\u4e00-\u9fff]{1,4}?族)*"


@dataclass(frozen=True, slots=True)
class ZhPlace:
    """A Chinese place as written, its English gazetteer entry, level and province."""

    written: str  # "福建省厦门市"
    english: str  # "Xiamen"; a district names its city: "Haidian, Beijing"
    level: str  # "province", "municipality", "city" or "district"
    province: str | None  # the English province or municipality that holds it
    start: int = 0
    end: int = 0


@dataclass(frozen=True, slots=True)
class _Unit:
    english: str
    level: str
    parent: str | None  # Chinese name of the unit above it


@dataclass(frozen=True, slots=True)
class _ZhGazetteer:
    provinces: dict[str, _Unit]
    cities: dict[str, list[_Unit]]  # one name may sit in two provinces
    districts: dict[str, list[_Unit]]
    pattern: dict[str, re.Pattern[str]]  # level -> name followed by its descriptor


def _names_pattern(names: list[str], suffixes: list[str]) -> re.Pattern[str]:
    alt = "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
    suf = "|".join(map(re.escape, sorted(suffixes, key=len, reverse=True)))
    return re.compile(rf"(?P<name>{alt})(?P<suffix>{_PEOPLES}自治[州县]|{suf})?")


@cache
def _gazetteer() -> _ZhGazetteer:
    data = lexicon.load("places")["zh"]
    english = lexicon.load("places")
    municipalities = {str(m) for m in english["municipalities"]}
    provinces = {
        zh: _Unit(en, "municipality" if en in municipalities else "province", None)
        for zh, en in data["provinces"].items()
    }
    cities: dict[str, list[_Unit]] = {}
    for province, table in data["cities"].items():
        for zh, en in table.items():
            cities.setdefault(zh, []).append(_Unit(en, "city", province))
    districts: dict[str, list[_Unit]] = {}
    for city, table in data["districts"].items():
        for zh, en in table.items():
            districts.setdefault(zh, []).append(_Unit(en, "district", city))
    suffixes = data["suffixes"]
    pattern = {
        "province": _names_pattern(
            list(provinces), suffixes["province"] + suffixes["municipality"]
        ),
        "city": _names_pattern(list(cities), suffixes["city"]),
        "district": _names_pattern(list(districts), suffixes["district"]),
    }
    return _ZhGazetteer(provinces, cities, districts, pattern)


def _english_of(zh_name: str) -> str:
    """The English entry of a Chinese city or province name."""
    g = _gazetteer()
    if zh_name in g.provinces:
        return g.provinces[zh_name].english
    return g.cities[zh_name][0].english


def _chains(text: str, pos: int) -> list[tuple[int, ZhPlace]]:
    """Every place chain that starts at `pos`, with where it ends."""
    g = _gazetteer()
    out: list[tuple[int, ZhPlace]] = []
    prov = g.pattern["province"].match(text, pos)
    if prov:
        unit = g.provinces[prov["name"]]
        if prov["suffix"] != "市" or unit.level == "municipality":
            out.append((prov.end(), ZhPlace("", unit.english, unit.level, unit.english)))
        out += _below(text, prov.end(), prov["name"], unit.english)
    out += _below(text, pos, None, None)
    return out


def _below(
    text: str, pos: int, parent: str | None, province: str | None
) -> list[tuple[int, ZhPlace]]:
    """Cities and districts that start at `pos` under a parent (None: any parent)."""
    g = _gazetteer()
    out: list[tuple[int, ZhPlace]] = []
    city = g.pattern["city"].match(text, pos)
    if city:
        for unit in g.cities[city["name"]]:
            if parent in (None, unit.parent):
                prov = _english_of(str(unit.parent))
                out.append((city.end(), ZhPlace("", unit.english, "city", prov)))
                out += _districts(text, city.end(), city["name"], unit.english, prov)
    if parent is None or g.provinces[parent].level == "municipality":
        out += _districts(text, pos, parent, None, province)
    return out


def _districts(
    text: str, pos: int, city: str | None, city_en: str | None, province: str | None
) -> list[tuple[int, ZhPlace]]:
    """Districts that start at `pos` and belong to `city` (None: any city)."""
    g = _gazetteer()
    m = g.pattern["district"].match(text, pos)
    if not m:
        return []
    out: list[tuple[int, ZhPlace]] = []
    for unit in g.districts[m["name"]]:
        if city in (None, unit.parent):
            owner = city_en or _english_of(str(unit.parent))
            prov = province or _province_of(str(unit.parent))
            out.append((m.end(), ZhPlace("", f"{unit.english}, {owner}", "district", prov)))
    return out


def _province_of(zh_city: str) -> str | None:
    g = _gazetteer()
    if zh_city in g.provinces:
        return g.provinces[zh_city].english
    units = g.cities.get(zh_city)
    return _english_of(str(units[0].parent)) if units else None


@cache
def _any_name() -> re.Pattern[str]:
    g = _gazetteer()
    names = sorted({*g.provinces, *g.cities, *g.districts}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)))


def next_name(text: str, pos: int, end: int) -> int | None:
    """Where the next name the gazetteer holds starts in `text[pos:end]`, None if none does."""
    m = _any_name().search(text, pos, end)
    return m.start() if m else None


def zh_place_at(text: str, pos: int) -> ZhPlace | None:
    """The longest Chinese place chain that starts exactly at `pos`, or None."""
    chains = _chains(text, pos)
    if not chains:
        return None
    end, place = max(chains, key=lambda c: c[0])
    return ZhPlace(text[pos:end], place.english, place.level, place.province, pos, end)


def zh_place(name: str) -> ZhPlace | None:
    """The place a whole Chinese name writes ("福建省厦门市" -> Xiamen), None if unknown."""
    name = name.strip()
    for end, place in sorted(_chains(name, 0), key=lambda c: -c[0]):
        if end == len(name):
            return ZhPlace(name, place.english, place.level, place.province, 0, end)
    return None
