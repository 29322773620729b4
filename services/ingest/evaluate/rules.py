"""The comparison rules of the evaluation: periods, values, places, titles and changes.

* Periods are compared by their compact key (`2020`, `2020-Q1`, `2020-H1`,
  `2018-M01-M09`, `2023-E06`): same kind and same fields.
* Values are equal when they differ by at most 0.1 % of the larger one (or 0.01 absolute
  for values below 10), so rounding in conversions such as "7 months and 2 days" = 7.07 or
  per-100,000 rates converted to per-10,000 do not count as misses, while a wrong scale
  always does.
* Geographies are compared case-insensitively after dropping the words district, city,
  province and municipality and punctuation; "Huangpu" matches "Huangpu District,
  Guangzhou" (the shorter name's words must all occur in the longer one); `CN` only
  matches `CN`.
  Chinese places are compared by their characters, the descriptors 省, 市, 区 and 县
  dropped: "厦门" matches "福建省厦门市".
* Titles and programmes are compared by the share of the shorter text's words (lower
  case, punctuation and the words "the", "of", "on", "and", "for", "in", ... dropped)
  that occur in the other; Chinese text, written without spaces, counts each pair of
  adjacent Han characters as a word.
* Two reported changes agree when both are absent, or both are present with the same kind
  (percent, percentage points, absolute), amount (same tolerance), direction and basis.
  The hedge on a change is not scored.

Passages with `published: null` are extracted with the approximate date that
`published_note` gives ("approx. July 2018" = 2018-07-15, "early 2018", "mid-2017",
"late 2011", a bare year = its middle, an ISO date as is), else with no date.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from services.ingest.extract.places_zh import zh_place

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "january", "february", "march", "april", "may", "june", "july", "august",
            "september", "october", "november", "december",
        ]
    )
}  # fmt: skip
_STOP = frozenset({"the", "of", "on", "and", "for", "in", "a", "an", "to", "its", "by", "with"})
_GEO_DROP = frozenset({"district", "city", "province", "municipality"})
_GEO_DROP_ZH = frozenset("省市区县")
_WORD = re.compile(r"[a-z0-9]+|[\u4e00-\u9fff]+")

ChangeTuple = tuple[str, Decimal, str, str]


def approximate_date(published: str | None, note: str | None) -> date | None:
    """The page date, else the approximate date the note gives, else None."""
    if published:
        return date.fromisoformat(published)
    text = (note or "").lower()
    if m := re.search(r"(\d{4})-(\d{2})-(\d{2})", text):
        return date(int(m[1]), int(m[2]), int(m[3]))
    if m := re.search(r"\b(" + "|".join(_MONTHS) + r")\b[^0-9]{0,30}?(\d{4})", text):
        return date(int(m[2]), _MONTHS[m[1]], 15)
    if m := re.search(r"\b(early|mid|late)[- ](\d{4})", text):
        month = {"early": 2, "mid": 7, "late": 11}[m[1]]
        return date(int(m[2]), month, 15 if month != 7 else 1)
    if m := re.search(r"\b((?:19|20)\d{2})\b", text):
        return date(int(m[1]), 7, 1)
    return None


def period_key(period: dict[str, Any]) -> str:
    """The compact key of a labelled period (`2020`, `2020-Q1`, `2023-E06`, ...)."""
    year = int(period["year"])
    if "quarter" in period:
        return f"{year}-Q{int(period['quarter'])}"
    if "half" in period:
        return f"{year}-H{int(period['half'])}"
    if "months" in period:
        a, b = period["months"]
        return f"{year}-M{int(a):02d}-M{int(b):02d}"
    if "as_of_month" in period:
        return f"{year}-E{int(period['as_of_month']):02d}"
    return f"{year}"


def period_kind(period: dict[str, Any]) -> str:
    """The kind of a labelled period, named as the events name it (`year`, `as_of`, ...)."""
    for field, kind in (("quarter", "quarter"), ("half", "half"), ("months", "months")):
        if field in period:
            return kind
    return "as_of" if "as_of_month" in period else "year"


def values_equal(a: Decimal | None, b: Decimal | None) -> bool:
    """Equal within 0.1 % of the larger magnitude (0.01 absolute below 10)."""
    if a is None or b is None:
        return a is b
    big = max(abs(a), abs(b))
    if big < 10:
        return abs(a - b) <= Decimal("0.01")
    return abs(a - b) <= big * Decimal("0.001")


def _is_han(word: str) -> bool:
    return "\u4e00" <= word[0] <= "\u9fff"


def _geo_words(geo: str) -> frozenset[str]:
    out: set[str] = set()
    for w in _WORD.findall(geo.lower()):
        if _is_han(w):
            out.update(ch for ch in w if ch not in _GEO_DROP_ZH)
        elif w not in _GEO_DROP:
            out.add(w)
    return frozenset(out)


def _in_english(geo: str) -> str:
    """A Chinese place name as the gazetteer writes it in English; other names as they are."""
    place = zh_place(geo) if geo and _is_han(geo) else None
    return place.english if place is not None else geo


def geographies_equal(a: str, b: str) -> bool:
    """CN only equals CN; places match when one's words all occur in the other's, a
    Chinese name the gazetteer knows read as its English name."""
    if a == "CN" or b == "CN":
        return a == b
    wa, wb = _geo_words(_in_english(a)), _geo_words(_in_english(b))
    if not wa or not wb:
        return a.lower() == b.lower()
    return wa <= wb or wb <= wa


def _words(text: str | None) -> list[str]:
    out: list[str] = []
    for w in _WORD.findall((text or "").lower()):
        if _is_han(w):
            out.extend([w] if len(w) == 1 else [w[i : i + 2] for i in range(len(w) - 1)])
        elif w not in _STOP:
            out.append(w)
    return out


def similarity(a: str | None, b: str | None) -> float:
    """Share of the shorter text's words (stop words dropped) found in the other."""
    wa, wb = set(_words(a)), set(_words(b))
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def decimal_or_none(x: Any) -> Decimal | None:
    """A labelled number as a Decimal (None stays None)."""
    return None if x is None else Decimal(str(x))


def change_tuple(change: dict[str, Any] | None) -> ChangeTuple | None:
    """(kind, amount, direction, basis) of a reported change, or None without one."""
    if not change:
        return None
    for kind in ("percent", "percentage_points", "absolute"):
        if change.get(kind) is not None:
            amount = decimal_or_none(change[kind])
            assert amount is not None
            return (kind, amount, str(change["direction"]), str(change.get("basis") or ""))
    return None


def changes_equal(gold: dict[str, Any] | None, pred: dict[str, Any] | None) -> bool:
    """Both absent, or the same kind, amount, direction and basis."""
    g, p = change_tuple(gold), change_tuple(pred)
    if g is None or p is None:
        return g is p
    return g[0] == p[0] and values_equal(g[1], p[1]) and g[2] == p[2] and g[3] == p[3]


def same_change_amount(gold: dict[str, Any] | None, pred: dict[str, Any] | None) -> bool:
    """Both present with the same kind, amount and direction (the basis aside)."""
    g, p = change_tuple(gold), change_tuple(pred)
    if g is None or p is None:
        return False
    return g[0] == p[0] and values_equal(g[1], p[1]) and g[2] == p[2]
