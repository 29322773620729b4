"""Rebuild the PostgreSQL projections while the workers keep serving the live schema.

1. Replay the log into ``<live>_rebuild`` with the bulk path, up to the positions the
   live schema had reached when the rebuild started; ``ANALYZE`` the loaded tables.
2. Catch up: from the fresh schema's positions, apply what the workers committed to the
   live schema meanwhile, round after round, until little is left.
3. Swap, in one transaction: take the partition locks every worker batch takes first (so
   no batch is half way through the live tables), apply the last remainder up to the live
   positions, rename the schemas and drop the old one.

The fresh schema then holds exactly the events the live one held, at the same positions:
a worker's next batch finds its positions in the new schema and applies each of its
records once. The rebuild follows the workers instead of overtaking them because a
worker raises alerts and dead letters for what it applies; an event the rebuild applied
first would be skipped by the worker and raise nothing. With no stored positions at all
(no worker has run yet), the rebuild reads the log to its head.

Nothing outside the fresh schema changes before the last transaction commits, so a crash
or SIGKILL at any point leaves the live schema serving, and a rerun starts afresh.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Protocol, runtime_checkable

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from events.log import Cursor, EventLog, Record, advance
from events.sources import Sources
from projections import tables
from projections.projector import Changes, Projector
from projections.rebuild import replay
from projections.store import store_of
from services.pgschema import postgres_engine, split_url

log = logging.getLogger("ipmon.rebuild")

SMALL = 2_000  # records left for the swap, applied while the workers wait on their locks
ROUNDS = 20  # catch-up rounds before swapping anyway: a worker far behind has no end
_PAST = 2**62  # a cursor offset past any record: the partition is read no further


class RebuildBusy(RuntimeError):
    """Another rebuild of the same schema is running."""


@runtime_checkable
class Partitioned(Protocol):
    """A log of several partitions that can name them all (Kafka)."""

    def end_offsets(self, stream: str | None = None) -> dict[str, int]:
        """Partition label -> offset of the next record to be written."""
        ...


def capped(
    log_: EventLog, start: Cursor, caps: Cursor | None, batch: int = 20_000
) -> Iterator[list[Record]]:
    """Batches of the log after `start`, each partition up to its offset in `caps`.

    `caps` None means up to the head. A partition without a cap is left out.
    """
    cursor = dict(start)
    while records := log_.read(None, cursor, batch):
        cursor = advance(cursor, records)
        if caps is None:
            yield records
            continue
        kept = [r for r in records if r.position.offset <= caps.get(r.position.partition, -1)]
        for r in records:
            if r.position.offset >= caps.get(r.position.partition, -1):
                cursor[r.position.partition] = _PAST
        if kept:
            yield kept


def live_positions(engine: Engine, projector: str) -> dict[str, int] | None:
    """The live schema's positions, or None when it stores none (or no table of them)."""
    try:
        with engine.connect() as conn:
            stored = store_of(engine).positions(conn, projector)
    except sa.exc.DBAPIError:
        return None  # no positions table yet, or one of another layout
    return stored or None


def _exclusive(conn: Connection, live: str) -> None:
    """Hold a session lock for the whole rebuild: two at once would share one fresh schema."""
    key = f"ipmon-rebuild/{live}"
    got = conn.execute(sa.text("SELECT pg_try_advisory_lock(hashtextextended(:k, 0))"),
                       {"k": key}).scalar_one()
    conn.commit()
    if not got:
        raise RebuildBusy(f"another `ipmon rebuild` of schema {live!r} is running")


def _analyze(engine: Engine, fresh: str) -> None:
    """Fresh statistics for the planner: the bulk load leaves the tables without any."""
    with engine.begin() as conn:
        for t in tables.metadata.sorted_tables:
            conn.exec_driver_sql(f'ANALYZE "{fresh}"."{t.name}"')


def _labels(log_: EventLog, *known: Cursor | None) -> list[str]:
    """Every partition label a worker batch may lock."""
    found = set(log_.end_offsets()) if isinstance(log_, Partitioned) else {""}
    for positions in known:
        found.update(positions or ())
    return sorted(found)


def _apply(target: Projector, conn: Connection, batch: list[Record], total: Changes) -> int:
    changes = target.apply_in(conn, batch)
    total.applied += changes.applied
    total.rejected += changes.rejected
    return len(batch) - changes.skipped


def _catch_up(engine: Engine, target: Projector, log_: EventLog, total: Changes) -> int:
    """Apply to the fresh schema what the workers committed meanwhile; how many records."""
    caps = live_positions(engine, target.name)
    done = 0
    for batch in capped(log_, target.cursor(), caps, batch=5_000):
        with target.engine.begin() as conn:
            done += _apply(target, conn, batch, total)
    return done


def _swap(engine: Engine, target: Projector, log_: EventLog, live: str, fresh: str,
          total: Changes) -> int:
    """The last remainder and the renames, in one transaction the workers wait for."""
    store = store_of(engine)
    with engine.begin() as conn:
        stored = store.positions(conn, target.name)
        # the same locks, in the same order, that every worker batch takes first thing
        store.lock_partitions(conn, target.name, _labels(log_, stored, target.cursor()))
        caps = store.positions(conn, target.name) or None
        building = conn.execution_options(schema_translate_map={None: fresh})
        done = 0
        for batch in capped(log_, target.store.positions(building, target.name), caps):
            done += _apply(target, building, batch, total)
        building.execution_options(schema_translate_map={})
        old = f"{live}_old"
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{old}" CASCADE')
        conn.exec_driver_sql(f'ALTER SCHEMA "{live}" RENAME TO "{old}"')
        conn.exec_driver_sql(f'ALTER SCHEMA "{fresh}" RENAME TO "{live}"')
        conn.exec_driver_sql(f'DROP SCHEMA "{old}" CASCADE')
    return done


def rebuild_in_schema(
    url: str,
    log_: EventLog,
    progress: Callable[[int], None] | None = None,
    sources: Sources | None = None,
    projector: str = "main",
) -> Changes:
    """Replay the log into a fresh schema, catch up with the workers, swap it in."""
    _, live = split_url(url)
    fresh = f"{live}_rebuild"
    engine = postgres_engine(url)
    try:
        with engine.connect() as guard:
            _exclusive(guard, live)
            with engine.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{fresh}" CASCADE')
                conn.exec_driver_sql(f'CREATE SCHEMA "{fresh}"')
            building = engine.execution_options(schema_translate_map={None: fresh})
            start = live_positions(engine, projector)
            total = replay(building, capped(log_, {}, start), projector=projector,
                           progress=progress, sources=sources)
            _analyze(engine, fresh)
            target = Projector(building, projector, sources)
            for round_ in range(1, ROUNDS + 1):
                done = _catch_up(engine, target, log_, total)
                log.info("catch-up round %d applied %d records", round_, done)
                if progress is not None:
                    progress(done)
                if done < SMALL:
                    break
            last = _swap(engine, target, log_, live, fresh, total)
            log.info("swapped in %s after a last %d records", live, last)
            return total
    finally:
        engine.dispose()
