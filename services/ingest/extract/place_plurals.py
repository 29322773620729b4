"""Lists that share one plural descriptor: "Beijing's Haidian, Chaoyang and Fengtai
districts", "the Jiangning and Pukou districts of Nanjing", "Deqing and Changxing counties
in Huzhou". The descriptor after the last name makes every name of the list a place below
city level, whether or not the gazetteer knows it, and the owner before the list or the
parent after it is the city of each.
"""

from __future__ import annotations

import re
from functools import cache

from services.ingest.extract import lexicon
from services.ingest.extract.place_gazetteer import NAME, WORD, level_of
from services.ingest.extract.places import (
    Place,
    descriptor_title,
    district_name,
    district_parent,
)

_ITEM = re.compile(rf"(?!and\b){WORD}(?:\s+(?!and\b){WORD}){{0,2}}")


def _plural(desc: str) -> str:
    head, _, last = desc.rpartition(" ")
    many = last[:-1] + "ies" if last.endswith("y") else last + "s"
    return f"{head} {many}".strip()


@cache
def _plurals() -> tuple[dict[str, str], str]:
    """The plural district descriptors (each to its singular) and their alternation."""
    descs = lexicon.load("places")["descriptors"]["district"]
    singular = {_plural(d): d for d in descs}
    alt = "|".join(
        r"\s+".join(map(re.escape, p.split())) for p in sorted(singular, key=len, reverse=True)
    )
    return singular, alt


@cache
def _pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    singular, alt = _plurals()
    item = rf"{WORD}(?:\s+{WORD}){{0,2}}"
    names = rf"{item}(?:\s*,\s*{item})*\s*,?\s+and\s+{item}"
    return (
        re.compile(
            rf"(?:(?P<owner>{NAME})['’]s\s+)?(?:the\s+)?(?P<names>{names})\s+(?P<desc>(?i:{alt}))\b"
        ),
        singular,
    )


def plural_list(text: str, pos: int, limit: int) -> list[Place]:
    """The places of a list at `pos` that ends in a plural descriptor, or none."""
    pattern, singular = _pattern()
    m = pattern.match(text, pos, limit)
    if not m:
        return []
    owner = m.group("owner")
    if owner and level_of(owner) not in ("city", "municipality"):
        return []
    desc = descriptor_title(singular[" ".join(m.group("desc").lower().split())])
    parent, end = (owner, m.end()) if owner else district_parent(text, m.end())
    items = list(_ITEM.finditer(m.group("names")))
    out = []
    for i, w in enumerate(items):
        name = district_name(w.group(0), f"{w.group(0)} {desc}", desc, parent)
        start = m.start("names") + w.start()
        stop = end if i == len(items) - 1 else m.start("names") + w.end()
        out.append(Place(name, "district", start, stop))
    return out


@cache
def _counted() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    """ "Three districts in Chengdu — A, B and C": a plural descriptor and its parent before
    a list of bare names, set off by a dash or a colon."""
    singular, alt = _plurals()
    before = re.compile(
        rf"\b(?P<desc>(?i:{alt}))\s+(?:in|of)\s+(?P<parent>{NAME})\s*(?:[-–—:]+|,)\s*$"
    )
    item = rf"{WORD}(?:\s+{WORD}){{0,2}}"
    names = re.compile(rf"{item}(?:\s*,\s*{item})*\s*,?\s+and\s+{item}")
    return before, names, singular


def counted_list(text: str, pos: int, limit: int) -> list[Place]:
    """The places of a list of bare names that a counted plural descriptor and its parent
    introduce ("three districts in Chengdu — Wuhou, Jinjiang and Qingyang"), or none."""
    mark = text[max(0, pos - 4) : pos].rstrip()
    if not mark or mark[-1] not in "-–—:,":
        return []  # the commonest case: no dash, colon or comma right before the list
    before, names, singular = _counted()
    head = before.search(text, max(0, pos - 80), pos)
    if head is None or level_of(head.group("parent")) not in ("city", "municipality"):
        return []
    m = names.match(text, pos, limit)
    if m is None:
        return []
    desc = descriptor_title(singular[" ".join(head.group("desc").lower().split())])
    parent = head.group("parent")
    return [
        Place(
            district_name(w.group(0), f"{w.group(0)} {desc}", desc, parent),
            "district", pos + w.start(), pos + w.end(),
        )
        for w in _ITEM.finditer(m.group(0))
    ]

