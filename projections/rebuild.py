"""Replay a whole log into empty projection tables, derived rows computed once at the end."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from events.log.port import Record
from events.sources import Sources
from projections import schema, tables
from projections.derive import SERIES_COLUMNS
from projections.projector import (
    _TABLES,
    ALERT,
    PILOT,
    SERIES,
    Changes,
    decode_records,
    derive_all,
)
from projections.rows import Row
from projections.store import store_of
from projections.store.port import ProjectionStore

# Base rows read back per derivation step: memory holds one step's rows, not the log's.
CHUNK_ROWS = 50_000


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
    latest: dict[str, int] = {}
    # Secondary indexes are built once after loading: cheaper than keeping them up to date
    # row by row through a bulk load. The base tables' are built before the derivation,
    # which reads them back key by key.
    base = [i for t in tables.BASE_TABLES for i in t.indexes]
    derived = [i for t in tables.DERIVED_TABLES for i in t.indexes]
    with engine.begin() as conn:
        for index in base + derived:
            index.drop(conn)
        for batch in batches:
            decoded = decode_records(batch, sources)
            total.rejected += decoded.rejected
            for name, rows in decoded.rows.items():
                store.insert(conn, _TABLES[name], rows, ignore_existing=True)
                total.applied += len(rows)
            for r in batch:
                part, off = r.position
                if off > latest.get(part, -1):
                    latest[part] = off
            if progress is not None:
                progress(len(batch))
        for index in base:
            index.create(conn)
        for t in tables.DERIVED_TABLES:
            conn.execute(sa.delete(t))
        derive_stored(store, conn)
        for index in derived:
            index.create(conn)
        p = tables.positions
        conn.execute(sa.delete(p).where(p.c.projector == projector))
        store.advance(conn, projector, latest)
        schema.stamp(conn)
    return total


def key_chunks(
    conn: Connection, table: sa.Table, cols: tuple[str, ...]
) -> Iterator[list[Any]]:
    """The distinct keys of `table` over `cols`, in lists of about `CHUNK_ROWS` rows each."""
    columns = [table.c[c] for c in cols]
    counted = conn.execute(sa.select(*columns, sa.func.count()).group_by(*columns)).all()
    chunk: list[Any] = []
    size = 0
    for *key, n in sorted(counted, key=lambda r: tuple(r)[:-1]):
        chunk.append(key[0] if len(cols) == 1 else tuple(key))
        size += n
        if size >= CHUNK_ROWS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def derive_stored(store: ProjectionStore, conn: Connection) -> None:
    """Fill the (empty) derived tables from the stored base rows, a chunk of keys at a time.

    Each key's rows are read back whole (retracted events left out), so every key is
    derived from the set of its rows exactly as `derive_all` derives it in memory.
    """
    r = tables.retractions
    gone = set(conn.execute(sa.select(r.c.retracted_event_id)).scalars())

    def live(table: sa.Table, cols: tuple[str, ...], keys: Sequence[Any]) -> list[Row]:
        columns = SERIES_COLUMNS if table is tables.observations else None
        rows = store.read(conn, table, cols, keys, columns)
        return [x for x in rows if x["event_id"] not in gone]

    reviews = [
        x for keys in key_chunks(conn, tables.value_reviews, ("event_id",))
        for x in live(tables.value_reviews, ("event_id",), keys)
    ]
    steps: list[tuple[sa.Table, tuple[str, ...], int]] = [
        (tables.observations, SERIES, 0),
        (tables.notice_mentions, ("notice_key",), 1),
        (tables.pilot_events, PILOT, 2),
        (tables.alert_events, ALERT, 3),
    ]
    for table, cols, slot in steps:
        for keys in key_chunks(conn, table, cols):
            given: list[list[Row]] = [[], [], [], []]
            given[slot] = live(table, cols, keys)
            ids = {x["event_id"] for x in given[0]}
            mine = [x for x in reviews if x["reviewed_event_id"] in ids]
            out = derive_all(given[0], given[1], given[2], given[3], mine)
            for t in tables.DERIVED_TABLES:
                store.insert(conn, t, out[t.name], ignore_existing=False)
