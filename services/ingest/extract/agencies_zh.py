"""Chinese agency names -> the same stable ids as English ones (agencies.toml `names_zh`).

"国家知识产权局" is CNIPA, "国家知识产权局办公室" and "财政部办公厅" are general offices
(CNIPA-GO, MOF-GO), and a local bureau is its place's code and its kind ("厦门市知识产权局"
-> XM-IPA), the place read with the Chinese gazetteer.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from events.types import Issuer
from services.ingest.extract.agencies import UNKNOWN, AgencyMention
from services.ingest.extract.places import place_codes
from services.ingest.extract.places_zh import zh_place, zh_place_at

_DATA = Path(__file__).with_name("agencies.toml")
_OFFICE = ("办公厅", "办公室")
_LOCAL_REACH = 16  # the longest place chain written before a bureau's kind ("新疆维吾尔自治区")


@dataclass(frozen=True, slots=True)
class _Tables:
    by_name: dict[str, str]
    general_office: dict[str, str]
    kinds: dict[str, str]
    national: re.Pattern[str]
    local: re.Pattern[str]


@cache
def _tables() -> _Tables:
    with _DATA.open("rb") as fh:
        data: dict[str, Any] = tomllib.load(fh)
    by_name: dict[str, str] = {}
    general_office: dict[str, str] = {}
    for agency in data["agency"]:
        aid = str(agency["id"])
        by_name.update({str(n): aid for n in agency.get("names_zh", [])})
        general_office[aid] = str(agency.get("general_office", f"{aid}-GO"))
    kinds = {str(k): kid for kid, forms in data["local_kinds_zh"].items() for k in forms}
    alt = "|".join(map(re.escape, sorted(by_name, key=len, reverse=True)))
    office = "|".join(_OFFICE)
    kind_alt = "|".join(map(re.escape, sorted(kinds, key=len, reverse=True)))
    return _Tables(
        by_name,
        general_office,
        kinds,
        re.compile(rf"(?:{alt})(?:{office})?"),
        re.compile(rf"(?:{kind_alt})(?:{office})?"),
    )


def _local_id(name: str, t: _Tables) -> str | None:
    for kind in sorted(t.kinds, key=len, reverse=True):
        for office in ("", *_OFFICE):
            if name.endswith(kind + office):
                place = zh_place(name[: -len(kind + office)])
                if place is None:
                    return None
                code = place_codes().get(place.english.split(",")[0].lower())
                base = f"{code or place.english.upper().replace(' ', '_')}-{t.kinds[kind]}"
                return f"{base}-GO" if office else base
    return None


@lru_cache(maxsize=1024)
def normalise_issuer_zh(name: str) -> Issuer:
    """The issuer for a Chinese agency name as written (id UNKNOWN when not recognised)."""
    t = _tables()
    written = "".join(name.split())
    if written in t.by_name:
        return Issuer(id=t.by_name[written], name=written)
    for office in _OFFICE:
        parent = t.by_name.get(written.removesuffix(office))
        if written.endswith(office) and parent:
            return Issuer(id=t.general_office[parent], name=written)
    return Issuer(id=_local_id(written, t) or UNKNOWN, name=written)


def _local_start(text: str, kind_start: int, floor: int) -> int | None:
    """Where the place written right before a bureau's kind starts, if one is."""
    for pos in range(max(floor, kind_start - _LOCAL_REACH), kind_start):
        place = zh_place_at(text, pos)
        if place and place.end == kind_start:
            return pos
    return None


def find_agencies_zh(text: str, start: int = 0, end: int | None = None) -> list[AgencyMention]:
    """Every national agency and local bureau named in Chinese in `text[start:end]`."""
    t = _tables()
    stop = len(text) if end is None else end
    found = [
        AgencyMention(m.start(), m.end(), normalise_issuer_zh(m.group(0)))
        for m in t.national.finditer(text, start, stop)
    ]
    for m in t.local.finditer(text, start, stop):
        if any(f.start <= m.start() < f.end for f in found):
            continue  # "国家知识产权局" holds the kind word "知识产权局"
        begin = _local_start(text, m.start(), start)
        if begin is not None:
            name = text[begin : m.end()]
            found.append(AgencyMention(begin, m.end(), normalise_issuer_zh(name)))
    return sorted(found, key=lambda f: f.start)
