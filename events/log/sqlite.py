"""The embedded event log: one append-only SQLite table with a global position."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from events.codec import encode
from events.envelope import Event
from events.log.port import Appended, Cursor, Position, Record

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    position   INTEGER PRIMARY KEY,
    event_id   TEXT NOT NULL UNIQUE,
    stream     TEXT NOT NULL,
    event_type TEXT NOT NULL,
    subject    TEXT NOT NULL,
    data       BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_stream ON events (stream, position);
"""


class SqliteEventLog:
    """Append-only log in a SQLite file (WAL); safe for several processes at once.

    Positions come from the rowid of a table that is never deleted from, and every
    append runs in one `BEGIN IMMEDIATE` transaction, so positions are gap-free and a
    killed writer leaves either its whole batch or none of it.
    """

    def __init__(self, path: str | Path, *, busy_timeout_s: float = 30.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._busy_timeout_s = busy_timeout_s
        with self._conn() as conn:
            conn.executescript(_SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path,
                timeout=self._busy_timeout_s,
                isolation_level=None,
                check_same_thread=False,
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def append(self, events: Sequence[Event]) -> Appended:
        """Append all events in one transaction; stored ids keep their first position."""
        rows = [(str(e.event_id), e.stream, e.event_type, e.subject, encode(e)) for e in events]
        return self.append_encoded(rows)

    def append_encoded(self, rows: Sequence[tuple[str, str, str, str, bytes]]) -> Appended:
        """Append pre-encoded `(event_id, stream, event_type, subject, data)` rows."""
        if not rows:
            return Appended()
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            head = conn.execute("SELECT COALESCE(MAX(position), 0) FROM events").fetchone()[0]
            conn.executemany(
                "INSERT OR IGNORE INTO events (event_id, stream, event_type, subject, data)"
                " VALUES (?, ?, ?, ?, ?)",
                rows,
            )
            ids = list(dict.fromkeys(r[0] for r in rows))
            found: dict[str, int] = {}
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                marks = ",".join("?" * len(chunk))
                found.update(
                    conn.execute(
                        f"SELECT event_id, position FROM events WHERE event_id IN ({marks})",
                        chunk,
                    ).fetchall()
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return Appended(
            (Position("", found[r[0]]) for r in rows),
            new=sum(1 for p in found.values() if p > head),
        )

    def read(
        self, stream: str | None = None, after: Cursor | None = None, limit: int = 1000
    ) -> list[Record]:
        """Records strictly after the cursor, in position order."""
        start = (after or {}).get("", 0)
        if stream is None:
            cur = self._conn().execute(
                "SELECT position, stream, event_id, event_type, data FROM events"
                " WHERE position > ? ORDER BY position LIMIT ?",
                (start, limit),
            )
        else:
            cur = self._conn().execute(
                "SELECT position, stream, event_id, event_type, data FROM events"
                " WHERE stream = ? AND position > ? ORDER BY position LIMIT ?",
                (stream, start, limit),
            )
        return [Record(Position("", pos), s, eid, et, bytes(data)) for pos, s, eid, et, data in cur]

    def head(self) -> int:
        """The highest position stored (0 when empty)."""
        row = self._conn().execute("SELECT COALESCE(MAX(position), 0) FROM events").fetchone()
        return int(row[0])

    def count(self, stream: str | None = None) -> int:
        """How many records a stream (or the whole log) holds."""
        if stream is None:
            row = self._conn().execute("SELECT COUNT(*) FROM events").fetchone()
        else:
            row = (
                self._conn()
                .execute("SELECT COUNT(*) FROM events WHERE stream = ?", (stream,))
                .fetchone()
            )
        return int(row[0])

    def close(self) -> None:
        """Close this thread's connection."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
