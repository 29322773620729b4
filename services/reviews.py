"""Decisions on values held out as suspected scale errors: accepted or rejected, as events.

A decision is a `ValueReviewed` event on the reviewed statistic's own subject, so it is
auditable, reaches Kafka consumers and survives a rebuild like every other fact.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from sqlalchemy.engine import Connection

from events import Event, ValueReviewed, make_event
from projections import queries

Decision = Literal["accepted", "rejected"]


class ReviewRefused(ValueError):
    """The value cannot be reviewed: the message says why, `status` how an API answers."""

    def __init__(self, message: str, status: int = 422, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.field = field


def review_event(
    conn: Connection, event_id: str, decision: Decision, by: str, note: str | None,
    now: datetime,
) -> Event:
    """The ValueReviewed event recording `decision` on the statistic `event_id`."""
    if not by.strip():
        raise ReviewRefused("a decision needs the name of who made it (--by)", field="by")
    try:
        UUID(event_id)
    except ValueError:
        raise ReviewRefused(f"{event_id!r} is not an event id", field="event_id") from None
    found = queries.observation(conn, event_id)
    if found is None:
        raise ReviewRefused(f"no statistic with event id {event_id}", 404)
    if queries.is_retracted(conn, event_id):
        # a retracted figure is no longer shown anywhere: deciding on it would decide nothing
        raise ReviewRefused(f"the statistic {event_id} was retracted", 409)
    payload = ValueReviewed(
        reviewed_event_id=UUID(event_id),
        reviewed_subject=f"statistic:{found.metric}:{found.geography}",
        decision=decision, by=by.strip(), at=now.isoformat(), note=note,
    )
    return make_event(payload, published_at=now.date(), recorded_at=now)


def suspects(conn: Connection) -> list[queries.SuspectValue]:
    """Every value held out and waiting for a decision."""
    return queries.suspects_of_documents(conn, queries.suspect_document_ids(conn))
