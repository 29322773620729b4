"""What a sentence shape read about a place list, and the programme phrases around it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from events.types import PilotStatus
from services.ingest.extract.pilot_programmes import Programme, iter_programmes, programmes
from services.ingest.extract.places import place_at


@dataclass(frozen=True, slots=True)
class Hit:
    """What a shape read: the programme (None: the one named before) and the status."""

    programme: Programme | None
    status: PilotStatus
    more: tuple[Programme, ...] = ()  # "became a pilot park in 2007 and was upgraded to ..."


def first_after(
    text: str, pos: int, end: int, slack: int = 1, *, generic: bool = False
) -> Programme | None:
    """The programme phrase that starts within `slack` words after `pos`, with the ones
    chained to it ("Top 10 X, Top 8 Y and Z" is one phrase to split later)."""
    # read lazily: most calls need only the first phrase, and none that starts too far
    found = iter_programmes(text, pos, end, generic=generic, within=slack)
    first = next(found, None)
    if first is None or len(text[pos : first.start].split()) > slack:
        return None
    last = first
    for nxt in found:
        if not re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|and\s+)", text[last.end : nxt.start]):
            break
        if place_at(text, nxt.start):
            break  # "... pilot city and Lianyungang a ...": a new object, not a designation
        last = nxt
    if last is first:
        return first
    return Programme(" ".join(text[first.start : last.end].split()), first.start, last.end)


def last_before(text: str, start: int, pos: int, *, generic: bool = False) -> Programme | None:
    """The last programme phrase in text[start:pos], if any."""
    found = programmes(text, start, pos, generic=generic)
    return found[-1] if found else None
