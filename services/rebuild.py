"""Rebuild projections: replay the log into fresh tables, then swap them in atomically."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa

from events.log import EventLog, Record, advance
from projections.projector import Changes
from projections.rebuild import replay
from services.bootstrap import event_log, projection_engine, source_catalogue, sqlite_path
from services.settings import Settings


def _unjournaled(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.execute("PRAGMA journal_mode=OFF")
    dbapi_conn.execute("PRAGMA synchronous=OFF")
    # the derivation reads each series' rows back through an index, scattered over the
    # file in log order: a page cache of 64 MB (not 2) keeps them from being read again
    dbapi_conn.execute("PRAGMA cache_size=-65536")


def read_all(log: EventLog, batch: int = 20000) -> Iterator[Sequence[Record]]:
    """Every record of a log, in batches."""
    cursor: dict[str, int] = {}
    while records := log.read(None, cursor, batch):
        cursor = advance(cursor, records)
        yield records


def rebuild_projections(
    settings: Settings, progress: Callable[[int], None] | None = None
) -> Changes:
    """Replay the whole log into a fresh database and replace the live one with it.

    SQLite: a new file renamed over the old one (the data folder's lock keeps the runners
    out meanwhile). PostgreSQL: a fresh schema built while the workers keep serving the
    live one, caught up with them and renamed into place in one transaction. Either way
    readers see the old tables or the new, never a half-built state.
    """
    url = settings.resolved_database_url()
    catalogue = source_catalogue(settings)
    log = event_log(settings.resolved_event_log_url(), settings)
    try:
        if url.startswith("sqlite"):
            live = sqlite_path(url)
            fresh = live.with_name(live.name + ".rebuild")
            for leftover in (fresh, *(fresh.with_name(fresh.name + s) for s in ("-wal", "-shm"))):
                leftover.unlink(missing_ok=True)
            # The fresh file is thrown away if the replay fails, so it needs no journal.
            engine = sa.create_engine(f"sqlite:///{fresh}")
            sa.event.listen(engine, "connect", _unjournaled)
            totals = replay(engine, read_all(log), progress=progress, sources=catalogue)
            engine.dispose()
            old = projection_engine(url)
            with old.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            old.dispose()
            for suffix in ("-wal", "-shm"):
                live.with_name(live.name + suffix).unlink(missing_ok=True)
                fresh.with_name(fresh.name + suffix).unlink(missing_ok=True)
            os.replace(fresh, live)
            return totals
        from services.online_rebuild import rebuild_in_schema

        return rebuild_in_schema(url, log, progress, catalogue)
    finally:
        log.close()
