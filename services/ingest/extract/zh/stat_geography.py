"""Geography of Chinese statistics: 全国 / 我国 / 中国 / 国内 are CN; a place name ending in
a descriptor (省, 市, 区, 自治区, 示范区 ...) or a province's short name is kept as written;
我省 / 本市 / 全市 refer to the place the document names elsewhere, and stay unresolved
when it names none; 全球 / 美国 ... are other countries' figures, which are dropped.

A figure takes the last place word before it in its sentence (a share's "占全省" names the
whole, not the place), else the place carried from the sentences before. The words come from
`lexicon/zh_stat_geography.toml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from services.ingest.extract import lexicon
from services.ingest.extract.pattern_gates import starts_with

_NAME = "zh_stat_geography"
CN = "CN"
FOREIGN = "foreign"
LOCAL = "local"


@dataclass(frozen=True, slots=True)
class PlaceWord:
    """A place word in a sentence: CN, FOREIGN, LOCAL (我省) or a place name."""

    start: int
    end: int
    place: str


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _grammar() -> tuple[re.Pattern[str], frozenset[str], str, dict[str, str]]:
    d = lexicon.load(_NAME)
    words = [*d["national"], *d["local_references"], *d["foreign"], *d["provinces"]]
    gate = starts_with([*words, *d["descriptors"]])
    pattern = re.compile(rf"{gate}(?:(?P<w>{_alt(words)})|(?P<desc>{_alt(d['descriptors'])}))")
    return pattern, frozenset(d["not_places"]), str(d["stop_characters"]), d["provinces"]


@cache
def _cities() -> dict[str, str]:
    """The gazetteer's cities by their short names ("深圳"), with their province's full name
    ("广东省"): a city is often written without its 市."""
    provinces: dict[str, str] = lexicon.load(_NAME)["provinces"]
    tables: dict[str, dict[str, str]] = lexicon.load("places")["zh"]["cities"]
    return {
        city: provinces.get(province, province)
        for province, table in tables.items()
        for city in table
        if len(city) >= 2 and city not in provinces
    }


def full_name(name: str) -> str:
    """A province's or city's name with its descriptor ("安徽" -> "安徽省", "深圳" -> "深圳市")."""
    provinces: dict[str, str] = lexicon.load(_NAME)["provinces"]
    if name in provinces:
        return provinces[name]
    return name + "市" if name in _cities() else name


def province_of(name: str) -> str | None:
    """The full name of the province that holds a city ("深圳市" -> "广东省"), if known."""
    short = name.removesuffix("市")
    return _cities().get(short)


def _named(view: str, m: re.Match[str]) -> str | None:
    """The place name that ends in the descriptor at `m`, scanning back to a stop."""
    _, not_places, stops, _ = _grammar()
    start = m.start()
    while start > 0 and start > m.start() - 8 and view[start - 1] not in stops:
        if not ("\u4e00" <= view[start - 1] <= "\u9fff"):
            break
        start -= 1
    name = view[start : m.end()]
    if m.start() - start < 2 or any(name.endswith(w) for w in not_places):
        return None
    desc = m["desc"]
    for w in not_places:  # "市场", "产品市场": the descriptor is part of another word
        i = w.find(desc)
        if i >= 0 and view.startswith(w, m.start() - i):
            return None
    return name


@cache
def _kinds() -> dict[str, str]:
    """The kind of each national, local and foreign word (the first list holding it wins)."""
    d = lexicon.load(_NAME)
    kinds: dict[str, str] = {}
    for key, kind in (("foreign", FOREIGN), ("local_references", LOCAL), ("national", CN)):
        kinds.update(dict.fromkeys(d[key], kind))
    return kinds


def place_words(view: str) -> list[PlaceWord]:
    """The place words of a width-normalised sentence, in text order."""
    pattern = _grammar()[0]
    kinds, in_china = _kinds(), lexicon.load(_NAME)["in_china"]
    out: list[PlaceWord] = []
    for m in pattern.finditer(view):
        if m["desc"]:
            name = _named(view, m)
            if name is not None:
                # "上海市徐汇区": the district written with its city is one place; the words
                # before end before this match and start in ascending order
                while out and out[-1].start >= m.end() - len(name):
                    out.pop()
                out.append(PlaceWord(m.end() - len(name), m.end(), name))
            continue
        w = m["w"]
        kind = kinds.get(w)
        if kind == FOREIGN and any(i in view[m.end() : m.end() + 8] for i in in_china):
            kind = CN  # "日本在华申请": filings made in China
        if kind is None:
            # a province's short name, unless a descriptor follows and names it in full
            kind = w if not view.startswith(("省", "市", "自治区"), m.end()) else full_name(w)
        out.append(PlaceWord(m.start(), m.end(), kind))
    out = sorted(out + _city_words(view, out), key=lambda p: p.start)
    return [p for p in out if not (_whole_or_rank(view, p.start) or _dateline(view, p.end))]


@cache
def _city_index() -> tuple[re.Pattern[str], frozenset[str], tuple[int, ...]]:
    """The first characters of the gazetteer's short city names, their first two, and their
    lengths."""
    cities = _cities()
    firsts = "".join(sorted({re.escape(c[0]) for c in cities}))
    lengths = tuple(sorted({len(c) for c in cities}, reverse=True))
    return re.compile(f"[{firsts}]"), frozenset(c[:2] for c in cities), lengths


def _city_words(view: str, found: list[PlaceWord]) -> list[PlaceWord]:
    """Cities written without their 市 ("深圳"), outside the place words already found: a
    look-up where a city's first character stands, as an alternation of every city name
    is slow to search."""
    cities = _cities()
    firsts, pairs, lengths = _city_index()
    out: list[PlaceWord] = []
    free = 0
    for m in firsts.finditer(view):
        i = m.start()
        if i < free or view[i : i + 2] not in pairs:
            continue
        name = next((view[i : i + n] for n in lengths if view[i : i + n] in cities), None)
        if name is None:
            continue
        free = i + len(name)
        if not any(p.start < free and i < p.end for p in found):
            full = view.startswith("市", free)  # "深圳市" that no descriptor read
            out.append(PlaceWord(i, free, full_name(name) if full else name))
    return out


_DATELINE = re.compile(r"\s*\d{1,2}\s*[月日]")


def _dateline(view: str, end: int) -> bool:
    """ "新华社上海3月12日电": the place a report was filed from, not the figure's owner."""
    return bool(_DATELINE.match(view, end))


def _whole_or_rank(view: str, start: int) -> bool:
    """ "占全省54.3%", "居全国第5位", "比全国平均": the place is a whole or a yardstick."""
    before = view[max(0, start - 3) : start]
    return before.endswith(lexicon.words(_NAME, "not_owner_before"))


def site_place(url: str | None) -> str | None:
    """The city a local government site ("scjgj.nantong.gov.cn") publishes for."""
    host = urlsplit(url).hostname if url else None
    if not host or not host.endswith(".gov.cn"):
        return None
    labels = [x for x in host[: -len(".gov.cn")].split(".") if x not in ("en", "english", "www")]
    places: dict[str, str] = lexicon.load("zh_stat_sites")["gov_host_places"]
    return places.get(labels[-1]) if labels else None
