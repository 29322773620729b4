"""Replay a whole log into empty projection tables, derived rows computed once at the end."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from events.log.port import Record
from events.sources import Sources
from projections import schema, tables
from projections.projector import _TABLES, Changes, decode_records, derive_all
from projections.rows import Row
from projections.store import store_of
from projections.store.port import ProjectionStore


def replay(
    target: Engine | ProjectionStore,
    batches: Iterable[Sequence[Record]],
    *,
    projector: str = "main",
    progress: Callable[[int], None] | None = None,
    sources: Sources | None = None,
) -> Changes:
    """Project every record of `batches` into the (empty) tables of a store (or engine).

    Gives the same tables as applying the batches one by one with the Projector, but
    derives each key once instead of once per batch. Returns the totals; unreadable
    records are listed in `rejected` for the caller to dead-letter.
    """
    store = store_of(target)
    engine = store.engine
    tables.metadata.create_all(engine)
    total = Changes()
    keep: dict[str, list[Row]] = defaultdict(list)
    latest: dict[str, int] = {}
    # Secondary indexes are built once after loading: cheaper than keeping them up to date
    # row by row through a bulk load.
    indexes = [i for t in tables.metadata.sorted_tables for i in t.indexes]
    with engine.begin() as conn:
        for index in indexes:
            index.drop(conn)
        for batch in batches:
            decoded = decode_records(batch, sources)
            total.rejected += decoded.rejected
            for name, rows in decoded.rows.items():
                store.insert(conn, _TABLES[name], rows, ignore_existing=True)
                total.applied += len(rows)
                if name in (
                    "observations",
                    "notice_mentions",
                    "pilot_events",
                    "alert_events",
                    "retractions",
                    "value_reviews",
                ):
                    keep[name] += rows
            for r in batch:
                part, off = r.position
                if off > latest.get(part, -1):
                    latest[part] = off
            if progress is not None:
                progress(len(batch))
        gone = {r["retracted_event_id"] for r in keep["retractions"]}

        def live(name: str) -> list[Row]:
            # Duplicates in the log share an event id; keep one row per id.
            seen: dict[str, Row] = {}
            for r in keep[name]:
                if r["event_id"] not in gone:
                    seen.setdefault(r["event_id"], r)
            return list(seen.values())

        derived = derive_all(
            live("observations"),
            live("notice_mentions"),
            live("pilot_events"),
            live("alert_events"),
            live("value_reviews"),
        )
        for t in tables.DERIVED_TABLES:
            conn.execute(sa.delete(t))
            store.insert(conn, t, derived[t.name], ignore_existing=False)
        for index in indexes:
            index.create(conn)
        p = tables.positions
        conn.execute(sa.delete(p).where(p.c.projector == projector))
        store.advance(conn, projector, latest)
        schema.stamp(conn)
    return total
