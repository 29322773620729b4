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
    """The value cannot be reviewed: the message says why."""


def review_event(
    conn: Connection, event_id: str, decision: Decision, by: str, note: str | None,
    now: datetime,
) -> Event:
    """The ValueReviewed event recording `decision` on the statistic `event_id`."""
    try:
        UUID(event_id)
    except ValueError:
        raise ReviewRefused(f"{event_id!r} is not an event id") from None
    found = queries.observation(conn, event_id)
    if found is None:
        raise ReviewRefused(f"no statistic with event id {event_id}")
    if not by.strip():
        raise ReviewRefused("a decision needs the name of who made it (--by)")
    payload = ValueReviewed(
        reviewed_event_id=UUID(event_id),
        reviewed_subject=f"statistic:{found.metric}:{found.geography}",
        decision=decision, by=by.strip(), at=now.isoformat(), note=note,
    )
    return make_event(payload, published_at=now.date(), recorded_at=now)


def suspects(conn: Connection) -> list[queries.SuspectValue]:
    """Every value held out and waiting for a decision."""
    return queries.suspects_of_documents(conn, queries.suspect_document_ids(conn))
