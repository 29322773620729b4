"""What health checks and reports count: rows, dead letters, freshness, log positions."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from projections import tables

# the base table each stream's events land in (retractions follow the fact they retract)
STREAM_TABLES: dict[str, tuple[sa.Table, ...]] = {
    "documents": (tables.documents, tables.document_changes),
    "statistics": (tables.observations, tables.retractions, tables.unresolved_statistics),
    "policy": (tables.notice_mentions,),
    "pilots": (tables.pilot_events,),
    "alerts": (tables.alert_events,),
    "deadletter": (tables.deadletters,),
}
RECORDING_TABLES = (
    tables.documents,
    tables.observations,
    tables.notice_mentions,
    tables.pilot_events,
    tables.alert_events,
    tables.deadletters,
)


def _rows_of(conn: Connection, table: sa.Table) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def counts(conn: Connection) -> dict[str, int]:
    """Row counts of the base tables, for reports and health checks."""
    return {str(t.name): _rows_of(conn, t) for t in tables.BASE_TABLES}


def deadletter_count(conn: Connection) -> int:
    """How many events were dead-lettered."""
    return _rows_of(conn, tables.deadletters)


def applied_per_stream(conn: Connection) -> dict[str, int]:
    """Events applied to the projections, per stream (from the base tables)."""
    return {stream: sum(_rows_of(conn, t) for t in ts) for stream, ts in STREAM_TABLES.items()}


def newest_recorded_at(conn: Connection) -> str | None:
    """The recording time of the newest applied event (ISO text), or None when empty."""
    found = [
        conn.execute(sa.select(sa.func.max(t.c.recorded_at))).scalar_one()
        for t in RECORDING_TABLES
    ]
    texts = [str(v) for v in found if v is not None]
    return max(texts) if texts else None


def positions(conn: Connection, projector: str = "main") -> dict[str, int]:
    """The log positions a projector's tables reflect: partition -> offset."""
    p = tables.positions
    rows = conn.execute(sa.select(p.c.partition, p.c.offset).where(p.c.projector == projector))
    return {part: int(off) for part, off in rows}
