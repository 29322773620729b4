"""Lists of places as pages write them: "the cities of A, B and C", "Ningbo (Zhejiang),
Xiamen (Fujian)", "Jiangsu, Zhejiang and Guangdong provinces", "Taizhou, Zhejiang Province".
"""

from __future__ import annotations

import re
from functools import cache

from services.ingest.extract import lexicon
from services.ingest.extract.place_plurals import counted_list, plural_list
from services.ingest.extract.places import (
    WORD,
    Place,
    never_place,
    place_at,
    provinces_of,
)

_WORD = re.compile(WORD)
_LEAD_REACH = 60  # "the provinces of the south-west China's ": the longest lead words
_PLURAL = re.compile(r"\s+(?:provinces|cities|municipalities|districts|counties)\b")
_LOCATIVE = re.compile(r",\s*(?:in|of)\s+(?:the\s+)?(?:(?:[a-z-]+\s+)?China['’]s\s+)?")
_LIST_GOES_ON = re.compile(r"\s*(?:,|and\b|、|;)")
_ASIDE = re.compile(r"\s*\((?![^()]*\d)[^()]{1,30}\)(?=\s*(?:,|;|and\b|、))")


@cache
def _list_words() -> tuple[re.Pattern[str], re.Pattern[str]]:
    lead = lexicon.load("places")["lead"]
    nouns = "|".join(sorted(map(re.escape, lead["nouns"]), key=len, reverse=True))
    dirs = "|".join(sorted(map(re.escape, lead["directions"]), key=len, reverse=True))
    prefix = re.compile(
        rf"(?:(?:the|its)\s+)?(?:(?i:{nouns})\s+of\s+(?:the\s+)?)?"
        # a direction only before "China's": "East Lake" is a name, "east China's" no part
        rf"(?:(?:(?i:{dirs})\s+)?China\s*['’]\s*s\s+)?"
    )
    seps = sorted(lead["separators"], key=len, reverse=True)
    sep = re.compile(
        r"\s*(?:" + "|".join(r"\s+".join(map(re.escape, s.split())) for s in seps) + r")\s*"
    )
    return prefix, sep


def _unlisted_at(text: str, pos: int) -> Place | None:
    """A capitalised word that the gazetteer does not know, as a city ("Yiwu" unlisted)."""
    m = _WORD.match(text, pos)
    if not m or never_place(m.group(0)):
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
    known = provinces_of(city.name)
    return province.level == "province" and province.name.lower() in known


def _known_next(text: str, pos: int, stop: int) -> bool:
    """Whether the word at `pos` is followed, as a list item, by a place the gazetteer knows."""
    word = _unlisted_at(text, pos)
    gap = _list_words()[1].match(text, word.end, stop) if word else None
    return gap is not None and place_at(text, gap.end()) is not None


def _locative_end(text: str, pos: int, stop: int) -> int:
    """ "Xiamen, in Fujian province, and Ningbo": a province named after "in" says where the
    place before it lies, it is no item of the list; the list goes on after it."""
    m = _LOCATIVE.match(text, pos, stop)
    province = place_at(text, m.end()) if m else None
    if province is None or province.level != "province" or province.end > stop:
        return pos
    return province.end if _LIST_GOES_ON.match(text, province.end, stop) else pos


def place_list(text: str, pos: int, limit: int | None = None) -> list[Place]:
    """The places of a list that starts at `pos` ("the cities of A, B and C"), maybe none.

    A word the gazetteer does not know counts as a city only in a list with known places."""
    prefix, sep = _list_words()
    stop = len(text) if limit is None else limit
    if shared := plural_list(text, pos, stop) or counted_list(text, pos, stop):
        return shared  # "the Jiangning and Pukou districts of Nanjing"
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
        elif out or _known_next(text, start, stop):
            place = _unlisted_at(text, start)  # "Pingyang and Anji": Anji vouches for it
        if place is not None and place.end <= stop:
            out.append(place)
        elif not (out and out[-1].end > at):
            break
        after = out[-1].end
        if aside := _ASIDE.match(text, after, stop):
            after = aside.end()  # "Ningbo (Zhejiang), Xiamen (Fujian) and ..."
        after = _locative_end(text, after, stop)
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
    # lead words are a few short words: search only the stretch they can fill
    m = _lead_end().search(text, max(start, pos - _LEAD_REACH), pos)
    return m.start() if m else pos
