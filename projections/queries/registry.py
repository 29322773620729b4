"""The registries: policy notices and their mentions, city pilots, alerts, documents."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from projections import tables
from projections.queries.base import equal, first_model, keyed, paged, to_models, unretracted
from projections.queries.models import (
    Alert,
    AlertEvent,
    CityPilot,
    DocumentInfo,
    NoticeMention,
    Observation,
    PilotEvent,
    PolicyNotice,
)

Pairs = Iterable[tuple[str, str]]


def notices(conn: Connection, keys: Iterable[str] | None = None) -> list[PolicyNotice]:
    """Registry entries, of the given notice keys or all, newest first."""
    t = tables.policy_notices
    stmt = keyed(t, ("notice_key",), keys).order_by(t.c.first_published_at.desc(), t.c.notice_key)
    return to_models(PolicyNotice, conn.execute(stmt))


def notices_page(
    conn: Connection,
    type: str | None = None,
    issuer: str | None = None,
    q: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[PolicyNotice], int]:
    """Registry entries filtered by type, issuer id and a title substring, newest first."""
    t = tables.policy_notices
    stmt = equal(sa.select(t), t, type=type)
    if issuer is not None:
        # issuer_ids is a comma-joined list: match whole ids only
        ids = sa.literal(",").concat(t.c.issuer_ids).concat(",")
        stmt = stmt.where(ids.contains(f",{issuer},", autoescape=True))
    if q:
        stmt = stmt.where(
            sa.or_(
                t.c.title.icontains(q, autoescape=True),
                t.c.description.icontains(q, autoescape=True),
            )
        )
    order = (t.c.first_published_at.desc(), t.c.notice_key)
    return paged(conn, stmt, order, PolicyNotice, limit, offset)


def notice_mentions(conn: Connection, notice_key: str) -> list[NoticeMention]:
    """Every mention of one notice, oldest first."""
    t = tables.notice_mentions
    stmt = unretracted(sa.select(t).where(t.c.notice_key == notice_key), t)
    return to_models(
        NoticeMention, conn.execute(stmt.order_by(t.c.published_at, t.c.recorded_at, t.c.event_id))
    )


def pilots(conn: Connection, keys: Pairs | None = None) -> list[CityPilot]:
    """Pilot statuses, of the given (program, city) keys or all."""
    t = tables.city_pilots
    stmt = keyed(t, ("program", "city"), keys).order_by(t.c.program, t.c.city)
    return to_models(CityPilot, conn.execute(stmt))


def pilots_page(
    conn: Connection,
    program: str | None = None,
    status: str | None = None,
    city: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[CityPilot], int]:
    """City pilots filtered by program, status and city, by program then city."""
    t = tables.city_pilots
    stmt = equal(sa.select(t), t, program=program, status=status, city=city)
    return paged(conn, stmt, (t.c.program, t.c.city), CityPilot, limit, offset)


def pilot_history(conn: Connection, keys: Pairs | None = None) -> list[PilotEvent]:
    """Status history of the given (program, city) pilots, or all, oldest first."""
    t = tables.pilot_events
    stmt = keyed(t, ("program", "city"), keys).order_by(
        t.c.program, t.c.city, t.c.published_at, t.c.recorded_at, t.c.event_id
    )
    return to_models(PilotEvent, conn.execute(stmt))


def alerts(conn: Connection, keys: Pairs | None = None) -> list[Alert]:
    """Alert states, of the given (rule, key) pairs or all."""
    t = tables.alerts
    stmt = keyed(t, ("rule", "key"), keys).order_by(t.c.raised_at.desc(), t.c.rule, t.c.key)
    return to_models(Alert, conn.execute(stmt))


def alerts_page(
    conn: Connection,
    state: str | None = None,
    rule: str | None = None,
    severity: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[Alert], int]:
    """Alert states filtered by state, rule and severity, newest first."""
    t = tables.alerts
    stmt = equal(sa.select(t), t, state=state, rule=rule, severity=severity)
    return paged(conn, stmt, (t.c.raised_at.desc(), t.c.rule, t.c.key), Alert, limit, offset)


def alert_history(conn: Connection, rule: str, key: str) -> list[AlertEvent]:
    """Every lifecycle event of one alert, in the order they were recorded."""
    t = tables.alert_events
    stmt = sa.select(t).where(t.c.rule == rule, t.c.key == key)
    return to_models(AlertEvent, conn.execute(stmt.order_by(t.c.recorded_at, t.c.event_id)))


def alert_counts(conn: Connection) -> dict[tuple[str, str], int]:
    """Number of alerts per (state, severity)."""
    t = tables.alerts
    stmt = sa.select(t.c.state, t.c.severity, sa.func.count()).group_by(t.c.state, t.c.severity)
    return {(s, sev): int(n) for s, sev, n in conn.execute(stmt)}


def documents_page(
    conn: Connection, limit: int | None = None, offset: int = 0
) -> tuple[list[DocumentInfo], int]:
    """Received documents, newest publication first."""
    t = tables.documents
    order = (t.c.published_at.desc(), t.c.recorded_at.desc(), t.c.event_id)
    return paged(conn, sa.select(t), order, DocumentInfo, limit, offset)


def document(conn: Connection, document_id: str) -> DocumentInfo | None:
    """A received document by its id (the earliest receipt if it arrived twice)."""
    t = tables.documents
    stmt = sa.select(t).where(t.c.document_id == document_id).order_by(t.c.recorded_at)
    return first_model(DocumentInfo, conn, stmt)


def documents_of(conn: Connection, document_ids: Iterable[str]) -> dict[str, DocumentInfo]:
    """Received documents by id (the earliest receipt of one that arrived twice)."""
    t = tables.documents
    stmt = sa.select(t).where(t.c.document_id.in_(sorted(set(document_ids))))
    found = to_models(DocumentInfo, conn.execute(stmt.order_by(t.c.recorded_at, t.c.event_id)))
    out: dict[str, DocumentInfo] = {}
    for d in found:
        out.setdefault(d.document_id, d)
    return out


def document_facts(
    conn: Connection, document_id: str
) -> tuple[list[Observation], list[NoticeMention], list[PilotEvent]]:
    """The facts extracted from one document, each with its provenance."""
    o, n, p = tables.observations, tables.notice_mentions, tables.pilot_events

    def facts(table: sa.Table, *order: sa.ColumnElement[object]) -> sa.CursorResult[object]:
        stmt = sa.select(table).where(table.c.document_id == document_id)
        return conn.execute(unretracted(stmt, table).order_by(*order, table.c.event_id))

    return (
        to_models(Observation, facts(o, o.c.sentence_start, o.c.value_start)),
        to_models(NoticeMention, facts(n)),
        to_models(PilotEvent, facts(p, p.c.program, p.c.city)),
    )
