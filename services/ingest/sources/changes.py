"""Silent edits: a page whose text changed since it was last fetched becomes a
DocumentChanged event and a `document_changed` alert naming the figures that moved."""

from __future__ import annotations

from datetime import datetime

from events import DocumentChanged, Event, make_event
from services.alerts.news import alert_events
from services.alerts.rules import AlertConfig, Condition
from services.ingest.sources.outcomes import figures_diff
from services.ingest.sources.state import StateStore

CHANGE_RULE = "document_changed"


def change_events(
    store: StateStore,
    alert_config: AlertConfig | None,
    url: str,
    previous: str,
    new: str,
    received: Event,
    title: str | None,
    text: str,
    now: datetime,
) -> list[Event]:
    """A DocumentChanged event for an edited page and, unless its rule is off, an alert
    naming the figures the edit removed and added."""
    changed = make_event(
        DocumentChanged(url=url, previous_document_id=previous, document_id=new),
        # the edit became visible when it was seen: the page's own date does not move
        published_at=now.date(),
        recorded_at=now,
        document_id=new,
    )
    rule = alert_config.rules.get(CHANGE_RULE) if alert_config else None
    if rule is not None and not rule.enabled:
        return [changed]
    message = f"{title or url}: the page changed since it was last fetched"
    old_text = store.last_text(url)
    if old_text is not None:
        gone, added = figures_diff(old_text, text)
        if gone:
            message += f"; figures removed: {', '.join(gone)}"
        if added:
            message += f"; figures added: {', '.join(added)}"
    condition = Condition(
        rule=CHANGE_RULE,
        key=url,
        severity=rule.severity if rule is not None else "warning",
        message=message,
        evidence=(str(changed.event_id), str(received.event_id)),
        fingerprint=f"{previous}>{new}",
    )
    return [changed, *alert_events([condition], [], now)]
