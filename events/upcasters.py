"""Upcasters turn stored payloads of older schema versions into the current one on read."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Raw = dict[str, Any]
Upcaster = Callable[[Raw], Raw]

# (event_type, from_version) -> function producing the payload of from_version + 1
UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def upcaster(event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register a function that lifts `event_type` payloads from `from_version` by one."""

    def register(fn: Upcaster) -> Upcaster:
        UPCASTERS[(event_type, from_version)] = fn
        return fn

    return register


def upcast(event_type: str, version: int, payload: Raw, current: int) -> Raw:
    """Apply upcasters until `payload` is at version `current`."""
    while version < current:
        step = UPCASTERS.get((event_type, version))
        if step is None:
            raise ValueError(f"no upcaster for {event_type} v{version} -> v{version + 1}")
        payload = step(payload)
        version += 1
    if version > current:
        raise ValueError(f"{event_type} v{version} is newer than this ipmon (v{current})")
    return payload


_V1_PERIOD = re.compile(r"^(\d{4})(?:Q([1-4])|H([12])|M(\d{1,2})-(\d{1,2})|E(\d{1,2}))?$")


@upcaster("StatisticPublished", 1)
def _statistic_v1_to_v2(p: Raw) -> Raw:
    """v1 wrote the period as compact text (`2020Q1`) and a bare `change_percent`."""
    out = {k: v for k, v in p.items() if k not in ("period", "change_percent")}
    m = _V1_PERIOD.match(str(p["period"]))
    if not m:
        raise ValueError(f"v1 period {p['period']!r} is not understood")
    year = int(m[1])
    if m[2]:
        out["period"] = {"kind": "quarter", "year": year, "quarter": int(m[2])}
    elif m[3]:
        out["period"] = {"kind": "half", "year": year, "half": int(m[3])}
    elif m[4]:
        out["period"] = {"kind": "months", "year": year, "months": [int(m[4]), int(m[5])]}
    elif m[6]:
        out["period"] = {"kind": "as_of", "year": year, "as_of_month": int(m[6])}
    else:
        out["period"] = {"kind": "year", "year": year}
    change = p.get("change_percent")
    if change is None:
        out["reported_change"] = None
    else:
        pct = str(change)
        down = pct.startswith("-")
        out["reported_change"] = {
            "percent": pct.lstrip("-+"),
            "direction": "down" if down else "up",
            # v1 did not record what the change was measured against
            "basis": "unspecified_prior_year",
        }
    out.setdefault("qualifier", "exact")
    return out


@upcaster("CityPilotDesignated", 1)
def _pilot_designated_v1_to_v2(p: Raw) -> Raw:
    """v1 named the programme only as written; its catalogue id is unknown."""
    return {**p, "program_id": None}


@upcaster("CityPilotStatusChanged", 1)
def _pilot_status_v1_to_v2(p: Raw) -> Raw:
    """v1 named the programme only as written; its catalogue id is unknown."""
    return {**p, "program_id": None}


# Han and Latin letters: the two scripts whose shares tell a document's language. Other
# characters (digits, punctuation, signs such as "×", other scripts) are not counted.
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")


def script_shares(text: str) -> tuple[int, int]:
    """The Han characters of `text` and its Han and Latin letters together."""
    han = len(HAN.findall(text))
    return han, han + len(LATIN.findall(text))


def script_language(text: str) -> str:
    """`zh` when Han characters are at least half the Han and Latin letters of `text`,
    else `en`: the rule ingestion applies, kept with the event contract so that upcast v1
    events get the language ingestion would have recorded."""
    han, letters = script_shares(text)
    return "zh" if han and 2 * han >= letters else "en"


@upcaster("DocumentReceived", 1)
def _document_v1_to_v2(p: Raw) -> Raw:
    """v1 did not record the language; its stored text tells it, as ingestion would."""
    text = p.get("text")
    return {**p, "language": script_language(text) if isinstance(text, str) else "en"}


def _alert_v1_to_v2(p: Raw) -> Raw:
    """v1 told a condition once: every v1 raise or resolution is the first of its kind."""
    return {**p, "after": 0}


upcaster("AlertRaised", 1)(_alert_v1_to_v2)
upcaster("AlertResolved", 1)(_alert_v1_to_v2)
