"""The EventLog port: append events, read them from a position, follow new ones."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol, runtime_checkable

from events.codec import decode
from events.envelope import Event


class Position(NamedTuple):
    """Where a record sits: a partition of the log and the offset inside it.

    Single-sequence logs (memory, SQLite) have one partition named ``""`` and a global
    offset; Kafka names each ``topic:partition``. Offsets within a partition are gap-free.
    """

    partition: str
    offset: int


Cursor = Mapping[str, int]
"""The last offset consumed per partition; reading `after` a cursor resumes just past it."""


@dataclass(frozen=True, slots=True)
class Record:
    """One stored event as raw bytes, with its position and routing fields."""

    position: Position
    stream: str
    event_id: str
    event_type: str
    data: bytes

    def event(self) -> Event:
        """Decode and validate the stored bytes (raises DecodeError)."""
        return decode(self.data)


class Appended(list[Position]):
    """The positions of appended events, one per event, plus how many were new to the log."""

    def __init__(self, positions: Iterable[Position] = (), new: int = 0) -> None:
        super().__init__(positions)
        self.new = new


def advance(cursor: Cursor | None, records: Iterable[Record]) -> dict[str, int]:
    """The cursor after consuming `records`."""
    out = dict(cursor or {})
    for r in records:
        if r.position.offset > out.get(r.position.partition, -1):
            out[r.position.partition] = r.position.offset
    return out


@runtime_checkable
class EventLog(Protocol):
    """An append-only, ordered log of events, idempotent by event id."""

    def append(self, events: Sequence[Event]) -> Appended:
        """Append events atomically; an event whose id is stored already keeps its position."""
        ...

    def read(
        self, stream: str | None = None, after: Cursor | None = None, limit: int = 1000
    ) -> list[Record]:
        """Up to `limit` records of `stream` (all streams if None) strictly after `after`."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def subscribe(
    log: EventLog,
    stream: str | None = None,
    after: Cursor | None = None,
    *,
    batch: int = 1000,
    poll_interval: float = 0.2,
    stop: Callable[[], bool] = lambda: False,
) -> Iterator[list[Record]]:
    """Follow a log: yield each non-empty batch of new records until `stop()` is true."""
    cursor = dict(after or {})
    while not stop():
        records = log.read(stream, cursor, batch)
        if records:
            cursor = advance(cursor, records)
            yield records
        else:
            time.sleep(poll_interval)
