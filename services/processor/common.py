"""What every processor does around the projector: dead letters and alert delivery."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from events import Event, make_event
from events.codec import rejected
from events.log import Record
from services.alerts.sinks import AlertSink

log = logging.getLogger("ipmon.processor")


def dead_letters(bad: Sequence[tuple[Record, str]], now: datetime) -> list[Event]:
    """EventRejected events keeping the raw bytes and the error of unreadable records."""
    for r, err in bad:
        log.error("dead-lettered %s at %s: %s", r.event_id, r.position, err)
    return [
        make_event(
            rejected(r.data, err, f"{r.stream}@{r.position.partition}:{r.position.offset}"),
            published_at=now.date(),
            recorded_at=now,
        )
        for r, err in bad
    ]


def deliver(sinks: Sequence[AlertSink], alerts: Sequence[dict[str, Any]]) -> None:
    """Hand newly projected alert events to every sink; a failing sink stops nothing."""
    if not alerts:
        return
    for sink in sinks:
        try:
            sink.deliver(alerts)
        except Exception:  # a failing sink must never stop projection
            log.exception("alert sink %s failed", type(sink).__name__)
