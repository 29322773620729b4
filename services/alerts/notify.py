"""Notification policy between the projector and the notifying sinks.

The runner hands every batch's new alert events to its sinks. `Notifier` sits in front
of the sinks that page people (webhooks) and decides what deserves a notification:

- only raises and resolutions (acknowledgements and silences are state, not news);
- one entry per alert key per batch (the latest), so a batch notifies each key once;
- a key already notified as firing is not notified again until it resolves (the
  dashboard shows its latest message), which is deduplication by alert key;
- nothing for keys that are acknowledged or whose silence has not expired yet;
- everything left goes out together, so alerts raised together make one notification
  (sinks may split it further by `notify.group_by`).

The "already notified" memory lives in the process: after a restart a still-firing key
is notified once more when it is next raised, which errs on the side of telling.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine

from events.envelope import utcnow
from projections import queries
from services.alerts.config import AlertingConfig
from services.alerts.sinks import AlertSink, LogSink
from services.alerts.webhook import WebhookSink

log = logging.getLogger("ipmon.alerts")

NOTIFIED_TYPES = ("AlertRaised", "AlertResolved")


def _active(until: str | None, now: datetime) -> bool:
    if not until:
        return False
    try:
        end = datetime.fromisoformat(until)
    except ValueError:
        return False
    return (end if end.tzinfo else end.replace(tzinfo=UTC)) > now


class Notifier:
    """An AlertSink that deduplicates, honours silences and acknowledgements, then fans out."""

    def __init__(
        self, engine: Engine, sinks: Sequence[AlertSink], *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.engine = engine
        self.sinks = list(sinks)
        self.clock = clock
        self._firing: set[tuple[str, str]] = set()

    def select(self, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """The rows of one batch that should be notified, enriched with alert state."""
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        for r in sorted(rows, key=lambda r: (str(r["recorded_at"]), r["event_id"])):
            if r["event_type"] in NOTIFIED_TYPES:
                latest[(r["rule"], r["key"])] = r
        if not latest:
            return []
        with self.engine.connect() as conn:
            states = {(a.rule, a.key): a for a in queries.alerts(conn, list(latest))}
        now = self.clock()
        out: list[dict[str, Any]] = []
        for key, row in latest.items():
            state = states.get(key)
            if state is not None and _active(state.silenced_until, now):
                continue
            if row["event_type"] == "AlertRaised":
                if key in self._firing or (state is not None and state.state == "acknowledged"):
                    continue
                self._firing.add(key)
            else:
                self._firing.discard(key)
            enriched = dict(row)
            if state is not None:
                enriched["raised_at"] = state.raised_at
                enriched["severity"] = row.get("severity") or state.severity
            out.append(enriched)
        return out

    def deliver(self, alerts: Sequence[dict[str, Any]]) -> None:
        """Notify the selected alerts of one batch, as one group, to every sink."""
        chosen = self.select(alerts)
        if not chosen:
            return
        for sink in self.sinks:
            try:
                sink.deliver(chosen)
            except Exception:  # one broken sink must not keep the others from notifying
                log.exception("alert sink %s failed", type(sink).__name__)

    def stats(self) -> dict[tuple[str, str], int]:
        """Delivery counters of the wrapped sinks that keep them."""
        out: dict[tuple[str, str], int] = {}
        for sink in self.sinks:
            fn = getattr(sink, "stats", None)
            if callable(fn):
                out.update(fn())
        return out

    def close(self) -> None:
        """Close the wrapped sinks that hold resources."""
        for sink in self.sinks:
            close = getattr(sink, "close", None)
            if callable(close):
                close()


def build_sinks(
    engine: Engine, config: AlertingConfig, *, external_url: str = "http://127.0.0.1:8000",
    clock: Callable[[], datetime] = utcnow,
) -> list[AlertSink]:
    """The sinks of a running ipmon: the log (every event) and notified webhooks."""
    sinks: list[AlertSink] = [LogSink()]
    hooks = [
        WebhookSink(w, notify=config.notify, external_url=external_url)
        for w in config.webhooks
    ]
    if hooks:
        sinks.append(Notifier(engine, hooks, clock=clock))
    return sinks
