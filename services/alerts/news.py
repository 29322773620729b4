"""What of the conditions found is news to the alerts, and the events that tell it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from uuid import UUID

from sqlalchemy.engine import Connection

from events import AlertRaised, AlertResolved, Event, make_event
from projections import queries
from projections.queries import lookup
from projections.queries.keys import ALERT, Keys
from services.alerts.rules import Condition

Cleared = tuple[queries.Alert, int]  # an alert that cleared, and the events of its key


def _says(alert: queries.Alert | None, c: Condition) -> bool:
    """Whether an open alert already says what the condition says."""
    if alert is None or alert.state == "resolved":
        return False
    said = (alert.fingerprint, alert.message, alert.severity, tuple(alert.evidence))
    return said == (c.fingerprint, c.message, c.severity, c.evidence)


def news(
    conn: Connection, firing: Sequence[Condition], cleared: Sequence[queries.Alert]
) -> tuple[list[Condition], list[Cleared]]:
    """The firing conditions the alerts do not say yet, each with the count of its key's
    events, and the cleared alerts with theirs.

    A condition that held, gave way to another and holds again is told by a new event:
    the count of the events before it tells it from its first telling.
    """
    keys = [(c.rule, c.key) for c in firing]
    found = lookup.alerts_of(conn, Keys.of(ALERT, keys)) if keys else []
    current = {(a.rule, a.key): a for a in found}
    fresh = [c for c in firing if not _says(current.get((c.rule, c.key)), c)]
    asked = [(c.rule, c.key) for c in fresh] + [(a.rule, a.key) for a in cleared]
    counts = lookup.event_counts(conn, Keys.of(ALERT, asked)) if asked else {}
    return (
        [replace(c, after=counts.get((c.rule, c.key), 0)) for c in fresh],
        [(a, counts.get((a.rule, a.key), 0)) for a in cleared],
    )


def alert_events(
    firing: Iterable[Condition], cleared: Iterable[Cleared], now: datetime
) -> list[Event]:
    """AlertRaised and AlertResolved events for the conditions found."""
    out = [
        make_event(
            AlertRaised(
                rule=c.rule,
                key=c.key,
                severity=c.severity,
                message=c.message,
                evidence=tuple(UUID(x) for x in c.evidence),
                fingerprint=c.fingerprint,
                after=c.after,
            ),
            published_at=now.date(),
            recorded_at=now,
        )
        for c in firing
    ]
    out += [
        make_event(
            AlertResolved(
                rule=a.rule,
                key=a.key,
                message=f"cleared: {a.message}",
                evidence=tuple(UUID(x) for x in a.evidence),
                fingerprint=f"{a.fingerprint}|resolved",
                after=after,
            ),
            published_at=now.date(),
            recorded_at=now,
        )
        for a, after in cleared
    ]
    return out
