"""Per-URL fetch state kept in a small SQLite file, and the retry backoff schedule.

The state is operational bookkeeping, not part of the event history: losing the file
costs one unconditional re-fetch per source, and re-ingesting is idempotent.
"""

from __future__ import annotations

import random
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS source_state (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    document_id TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    next_attempt TEXT,
    last_error TEXT,
    last_status INTEGER,
    last_success TEXT,
    last_text TEXT
);
CREATE TABLE IF NOT EXISTS feed_entries (
    feed_url TEXT NOT NULL,
    link TEXT NOT NULL,
    digest TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (feed_url, link, digest)
);
"""


@dataclass(frozen=True, slots=True)
class SourceState:
    """What ipmon remembers about one URL between fetches."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    document_id: str | None = None
    failures: int = 0
    next_attempt: datetime | None = None
    last_error: str | None = None
    last_status: int | None = None
    last_success: datetime | None = None

    def due(self, now: datetime) -> bool:
        """Whether the URL may be fetched at `now` (never fetched, or its wait is over)."""
        return self.next_attempt is None or self.next_attempt <= now


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with 'equal jitter', capped.

    The delay after the n-th consecutive failure lies in [d/2, d] with
    d = min(cap, base * 2**(n-1)): each delay is at least the previous one while d still
    doubles, and stays between cap/2 and cap once d reaches the cap. The jitter keeps
    sources that failed together (a publisher's site went down) from retrying in lockstep.
    """

    base_s: float = 60.0
    cap_s: float = 6 * 3600.0
    rng: Callable[[], float] = random.random

    def delay(self, failures: int) -> timedelta:
        """The wait before the next attempt after `failures` consecutive failures."""
        if failures <= 0:
            return timedelta(0)
        ceiling = min(self.cap_s, self.base_s * 2 ** min(failures - 1, 32))
        return timedelta(seconds=ceiling / 2 + self.rng() * ceiling / 2)


def _ts(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


class StateStore:
    """Fetch state per URL and the feed entries already handled, in one SQLite file."""

    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # the poller may run in a thread other than the one that opened the store
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._conn.execute("PRAGMA busy_timeout=30000")
            self._conn.executescript(_SCHEMA)

    def get(self, url: str) -> SourceState:
        """The state of a URL (a blank one if it was never fetched)."""
        with self._lock:
            row = self._conn.execute(
                "SELECT etag, last_modified, document_id, failures, next_attempt, last_error,"
                " last_status, last_success FROM source_state WHERE url = ?",
                (url,),
            ).fetchone()
        if row is None:
            return SourceState(url)
        return SourceState(
            url,
            etag=row[0],
            last_modified=row[1],
            document_id=row[2],
            failures=row[3],
            next_attempt=_dt(row[4]),
            last_error=row[5],
            last_status=row[6],
            last_success=_dt(row[7]),
        )

    def put(self, state: SourceState) -> None:
        """Store the state of a URL (its last text, kept apart, is left as it was)."""
        with self._lock:
            self._conn.execute(
                "INSERT INTO source_state (url, etag, last_modified, document_id,"
                " failures, next_attempt, last_error, last_status, last_success)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET"
                " etag = excluded.etag, last_modified = excluded.last_modified,"
                " document_id = excluded.document_id, failures = excluded.failures,"
                " next_attempt = excluded.next_attempt, last_error = excluded.last_error,"
                " last_status = excluded.last_status, last_success = excluded.last_success",
                (
                    state.url,
                    state.etag,
                    state.last_modified,
                    state.document_id,
                    state.failures,
                    _ts(state.next_attempt),
                    state.last_error,
                    state.last_status,
                    _ts(state.last_success),
                ),
            )

    def record_failure(
        self,
        url: str,
        error: str,
        now: datetime,
        backoff: Backoff,
        status: int | None = None,
    ) -> SourceState:
        """Count one more consecutive failure and schedule the retry; returns the new state."""
        old = self.get(url)
        failures = old.failures + 1
        new = replace(
            old,
            failures=failures,
            next_attempt=now + backoff.delay(failures),
            last_error=error,
            last_status=status,
        )
        self.put(new)
        return new

    def last_text(self, url: str) -> str | None:
        """The document text last ingested from a URL, to describe what changed."""
        with self._lock:
            row = self._conn.execute(
                "SELECT last_text FROM source_state WHERE url = ?", (url,)
            ).fetchone()
        return None if row is None else row[0]

    def put_text(self, url: str, text: str) -> None:
        """Remember the document text last ingested from a URL (its state row must exist)."""
        with self._lock:
            self._conn.execute("UPDATE source_state SET last_text = ? WHERE url = ?", (text, url))

    def all(self) -> list[SourceState]:
        """Every URL's state, in URL order."""
        with self._lock:
            urls = [r[0] for r in self._conn.execute("SELECT url FROM source_state ORDER BY url")]
        return [self.get(u) for u in urls]

    def entry_seen(self, feed_url: str, link: str, digest: str) -> bool:
        """Whether this feed entry, with this content, was handled already."""
        with self._lock:
            row = self._conn.execute(
                "SELECT 1 FROM feed_entries WHERE feed_url = ? AND link = ? AND digest = ?",
                (feed_url, link, digest),
            ).fetchone()
        return row is not None

    def mark_entry(self, feed_url: str, link: str, digest: str, now: datetime) -> None:
        """Remember that a feed entry was handled."""
        with self._lock:
            self._conn.execute(
                "INSERT OR IGNORE INTO feed_entries (feed_url, link, digest, seen_at)"
                " VALUES (?, ?, ?, ?)",
                (feed_url, link, digest, now.isoformat()),
            )

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()
