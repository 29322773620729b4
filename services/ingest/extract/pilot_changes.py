"""Changes of a pilot's status: revoked, suspended, withdrawn or graduated."""

from __future__ import annotations

import re
from dataclasses import dataclass

from events.types import PilotStatus
from services.ingest.extract.places import Place, place_at

_CAP = r"[A-Z][a-z]+(?:['’-][A-Za-z]+)*(?:\s+[A-Z][a-z]+){0,3}"
_CHANGE = re.compile(
    rf"(?P<subj>{_CAP})(?:['’]s)?\s+(?:[\w-]+\s+){{0,4}}?(?:status|title|qualification"
    r"|designation)\s+(?:was|were|has\s+been|had\s+been|have\s+been)\s+(?:\w+ly\s+)?"
    r"(?P<verb>revoked|suspended|cancelled|canceled|withdrawn|removed|stripped)"
    r"|\b(?P<verb2>revoked|suspended|cancelled|canceled|withdrew|removed)\s+the\s+"
    r"(?P<prog>(?:[\w-]+\s+){0,5}?)(?:status|title|qualification|designation)\s+of\s+"
    rf"(?P<subj2>{_CAP})|(?P<subj3>{_CAP})\s+(?:has\s+|had\s+)?graduated\s+from"
    r"\s+(?:the\s+)?(?P<prog3>[^,.;\n]+)",
)
_STATUS: dict[str, PilotStatus] = {
    "revoked": "revoked",
    "cancelled": "revoked",
    "canceled": "revoked",
    "withdrawn": "revoked",
    "withdrew": "revoked",
    "removed": "revoked",
    "stripped": "revoked",
    "suspended": "suspended",
}
CUES = ("revoked", "suspended", "cancel", "withdr", "removed", "stripped", "graduated")


@dataclass(frozen=True, slots=True)
class Change:
    """A status change read in a sentence; `program` is None when the text does not say."""

    place: Place
    status: PilotStatus
    program: str | None


def changes(text: str, start: int, end: int) -> list[Change]:
    """The status changes stated in text[start:end]."""
    if not any(c in text[start:end] for c in CUES):
        return []
    out: list[Change] = []
    for m in _CHANGE.finditer(text, start, end):
        key = next(k for k in ("subj", "subj2", "subj3") if m.group(k))
        place = place_at(text, m.start(key))
        if place is None:
            continue
        if key == "subj3":
            out.append(Change(place, "graduated", " ".join(m.group("prog3").split())))
            continue
        status = _STATUS[(m.group("verb") or m.group("verb2")).lower()]
        program = " ".join((m.group("prog") or "").split()) or None
        out.append(Change(place, status, program))
    return out
