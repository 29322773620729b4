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


def _is_han(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF


def script_language(text: str) -> str:
    """`zh` when Han characters are at least half the letters of `text`, else `en`.

    The rule ingestion applies (services.ingest.extract.language); it is restated here
    because the event contract imports nothing of the services, and a test holds the two
    to the same answer.
    """
    letters = [ch for ch in text if ch.isalpha()]
    han = sum(1 for ch in letters if _is_han(ch))
    return "zh" if letters and 2 * han >= len(letters) else "en"


@upcaster("DocumentReceived", 1)
def _document_v1_to_v2(p: Raw) -> Raw:
    """v1 did not record the language; its stored text tells it, as ingestion would."""
    text = p.get("text")
    return {**p, "language": script_language(text) if isinstance(text, str) else "en"}
