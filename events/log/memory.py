"""An in-memory event log for tests and one-shot runs."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from events.codec import encode
from events.envelope import Event
from events.log.port import Appended, Cursor, Position, Record


class MemoryEventLog:
    """A list of records with a global, gap-free position; thread-safe."""

    def __init__(self) -> None:
        self._records: list[Record] = []
        self._by_id: dict[str, Position] = {}
        self._lock = threading.Lock()

    def append(self, events: Sequence[Event]) -> Appended:
        """Append all events atomically, keeping stored ids where they are."""
        encoded = [(e, encode(e)) for e in events]  # fail before changing anything
        with self._lock:
            out = Appended()
            for event, data in encoded:
                eid = str(event.event_id)
                pos = self._by_id.get(eid)
                if pos is None:
                    pos = Position("", len(self._records) + 1)
                    self._records.append(Record(pos, event.stream, eid, event.event_type, data))
                    self._by_id[eid] = pos
                    out.new += 1
                out.append(pos)
            return out

    def read(
        self, stream: str | None = None, after: Cursor | None = None, limit: int = 1000
    ) -> list[Record]:
        """Records strictly after the cursor, in position order."""
        start = (after or {}).get("", 0)
        with self._lock:
            tail = self._records[start:]
        out: list[Record] = []
        for r in tail:
            if stream is None or r.stream == stream:
                out.append(r)
                if len(out) >= limit:
                    break
        return out

    def close(self) -> None:
        """Nothing to release."""
