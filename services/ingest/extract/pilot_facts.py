"""Pilot facts from what the stages found: one per place, programme and status."""

from __future__ import annotations

import re
from dataclasses import dataclass

from events import Span, programmes
from events.types import CityPilotDesignated, CityPilotStatusChanged, PilotStatus
from services.ingest.extract.base import Document, Fact
from services.ingest.extract.pilot_programmes import is_generic, same_kind
from services.ingest.extract.places import Place

_DEMONSTRATION = re.compile(r"\b(?:demonstration|model|exemplary|showcase)\b", re.IGNORECASE)


@dataclass(slots=True)
class Found:
    """A designation or status change read in a sentence."""

    place: Place
    program: str
    status: PilotStatus
    sentence: Span
    batch: int | None = None
    batch_total: int | None = None
    year: int | None = None
    change: bool = False
    role: str | None = None  # None: read from the programme's English words


def _kept(found: list[Found]) -> list[tuple[Found, str | None]]:
    """One fact per place, programme and status: a place named twice ("Huangpu District"
    and "Huangpu District, Guangzhou") is one place, and a generic programme ("pilot
    city") adds nothing to a named one for the same place and status."""
    kept: list[tuple[Found, str | None]] = []
    for f in sorted(found, key=lambda f: f.place.start):
        pid = programmes.resolve(f.program)
        key = pid or f.program.lower()
        same = [
            i
            for i, (k, kid) in enumerate(kept)
            if k.status == f.status
            and k.change == f.change
            and _same_place(k.place.name, f.place.name)
            and (
                (kid or k.program.lower()) == key
                or (is_generic(f.program) and same_kind(f.program, k.program))
            )
        ]
        if not same:
            kept.append((f, pid))
        elif len(f.place.name) > len(kept[same[0]][0].place.name):
            kept[same[0]] = (f, kept[same[0]][1])  # keep the fuller name of the place
    return kept


def _same_place(a: str, b: str) -> bool:
    wa, wb = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    return wa <= wb or wb <= wa


def fact_of(doc: Document, f: Found, program_id: str | None) -> Fact:
    """The event of one designation or status change found in a document."""
    value = Span(start=f.place.start, end=f.place.end)
    payload: CityPilotDesignated | CityPilotStatusChanged
    if f.change:
        payload = CityPilotStatusChanged(
            program=f.program, program_id=program_id, city=f.place.name, status=f.status
        )
    else:
        role = f.role or ("demonstration" if _DEMONSTRATION.search(f.program) else "pilot")
        payload = CityPilotDesignated.model_validate(
            {
                "program": f.program,
                "program_id": program_id,
                "city": f.place.name,
                "admin_level": f.place.level,
                "role": role,
                "status": f.status,
                "batch": f.batch,
                "batch_total": f.batch_total,
                "year": f.year,
            }
        )
    return Fact(payload=payload, source=doc.source(f.sentence, value))


def facts_of(doc: Document, found: list[Found]) -> list[Fact]:
    """The events of what was found, one per place, programme and status."""
    return [fact_of(doc, f, program_id) for f, program_id in _kept(found)]
