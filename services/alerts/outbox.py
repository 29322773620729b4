"""Webhook delivery as an outbox over the `alerts` stream.

Each receiver has a stored position on the `alerts` stream. A delivery step reads the
alert events after it, selects what the receiver should be told (services.alerts.notify),
posts each notification until the receiver acknowledges it, records what it was told, and
only then stores the new position. So a crash at any point re-sends at most the
notification in flight (with the same idempotency key) and never one that was
acknowledged; retries back off and go on while the receiver is down, and a notification
is kept as a dead letter (and counted) only once it is older than `dead_letter_after_s`
or the receiver refused it for good. One process delivers to a receiver at a time: the
holder of its lease.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx
from sqlalchemy.engine import Engine

from events.codec import DecodeError, to_dict
from events.log import EventLog, Record, advance
from projections import queries
from projections.rows import alert_event
from services.alerts.config import AlertmanagerConfig, NotifyConfig, WebhookConfig
from services.alerts.delivery import AlertKey, DeliveryStore, Settled
from services.alerts.httplog import redact_http_logs
from services.alerts.notify import latest_per_key, select
from services.alerts.webhook import Notification, WebhookChannel
from services.weburl import redact

log = logging.getLogger("ipmon.alerts.webhook")


class Channel(Protocol):
    """How one kind of receiver is told: its notifications, one POST, what to re-send."""

    @property
    def resend_s(self) -> float | None:
        """How often firing alerts are told again (None: never)."""
        ...

    def notifications(self, rows: Sequence[dict[str, Any]]) -> list[Notification]:
        """The notifications of the rows the policy selected."""
        ...

    def resend(self, keys: Sequence[AlertKey]) -> list[Notification]:
        """Notifications that tell again the alerts the receiver was told are firing."""
        ...

    def post(self, client: httpx.Client, n: Notification) -> tuple[str, str]:
        """POST once: ("sent", ""), ("refused", why) or ("failed", why)."""
        ...


@dataclass
class Outbox:
    """Delivers the `alerts` stream to one receiver (a webhook unless `channel` says)."""

    config: WebhookConfig
    notify: NotifyConfig
    log: EventLog
    store: DeliveryStore
    projections: Engine
    external_url: str = "http://127.0.0.1:8000"
    exclusive: bool = False  # the process holds the data folder: no lease needed
    batch: int = 200
    clock: Callable[[], float] = time.time
    holder: str = field(default_factory=lambda: f"{os.getpid()}-{uuid.uuid4().hex[:8]}")
    idle: threading.Event = field(default_factory=threading.Event)
    channel: Channel | None = None

    def __post_init__(self) -> None:
        self.name = self.config.receiver
        redact_http_logs()
        self.client = httpx.Client(timeout=self.config.timeout_s)
        kind = "alertmanager" if isinstance(self.config, AlertmanagerConfig) else "webhook"
        self.shown = f"{kind} {self.name} ({redact(self.config.url)})"
        self.via: Channel = self.channel or WebhookChannel(
            self.config, self.notify, self.external_url, self.projections)
        self.resent_at = float("-inf")  # a (re)started process re-asserts at once

    def register(self, cursor: dict[str, int]) -> None:
        """A receiver seen for the first time starts at `cursor` (the projections' one)."""
        if self.store.register(self.name, cursor, self.clock()):
            log.info("%s: new receiver, notified from here on", self.shown)

    def run(self, stop: threading.Event) -> None:
        """Deliver until `stop` is set, then give the lease up."""
        try:
            while not stop.is_set():
                try:
                    # before the step, so a restart re-asserts what was told at once
                    if self.resend_due():
                        self.resend()
                    busy = self._holds() and self.step(stop)
                except Exception:  # a broken step is retried; it must not end delivery
                    log.exception("%s: delivery step failed", self.shown)
                    busy = False
                if not busy:
                    stop.wait(self.notify.poll_s)
        finally:
            if not self.exclusive:
                self.store.release_lease(self.name, self.holder)
            self.client.close()

    def _holds(self) -> bool:
        if self.exclusive:
            return True
        return self.store.hold_lease(self.name, self.holder, self.notify.lease_s, self.clock())

    def resend_due(self) -> bool:
        """Whether `resend_s` has passed since the last re-send (and the lease is held)."""
        every = self.via.resend_s
        return every is not None and self.clock() - self.resent_at >= every and self._holds()

    def resend(self) -> int:
        """Tell again every alert the receiver was told is firing; the alerts re-sent."""
        self.resent_at = self.clock()
        done = 0
        for n in self.via.resend(self.store.firing(self.name)):
            outcome, reason = self.via.post(self.client, n)
            if outcome != "sent":  # the next round tries again, well before they lapse
                log.warning("%s: re-send failed (%s)", self.shown, reason)
                return done
            done += len(n.states)
            self.store.count(self.name, "resent")
        return done

    def step(self, stop: threading.Event) -> bool:
        """Deliver one batch of alert events; False when there was nothing (or we stopped)."""
        position = self.store.position(self.name)
        records = self.log.read("alerts", position, self.batch)
        if not records:
            self.idle.set()
            return False
        self.idle.clear()
        for n in self._plan(records):
            if not self._settle(n, stop):
                return False
        self.store.advance(self.name, advance(position, records))
        return True

    def _plan(self, records: Sequence[Record]) -> list[Notification]:
        latest = latest_per_key(_rows(records))
        if not latest:
            return []
        with self.projections.connect() as conn:
            states = {(a.rule, a.key): a for a in queries.alerts(conn, list(latest))}
        told = self.store.notified(self.name, latest)
        chosen = select(latest, states, told, datetime.fromtimestamp(self.clock(), UTC))
        return self.via.notifications(chosen)

    def _settle(self, n: Notification, stop: threading.Event) -> bool:
        """Post until acknowledged or given up; False if stopping (or the lease was lost)."""
        cfg, delay = self.config, self.config.backoff_s
        settled = Settled(self.name, n.key, n.states)
        while True:
            outcome, reason = self.via.post(self.client, n)
            now = self.clock()
            if outcome == "sent":
                self.store.acknowledged(settled)
                return True
            if outcome == "refused":
                log.error("%s refused a notification (%s): kept as a dead letter",
                          self.shown, reason)
                self.store.dead_lettered(settled, n.payload, f"refused: {reason}", now)
                return True
            first = self.store.failed(self.name, n.key, reason, now)
            if now - first >= cfg.dead_letter_after_s:
                log.error("%s: undelivered for %.0fs (%s): kept as a dead letter",
                          self.shown, now - first, reason)
                self.store.dead_lettered(settled, n.payload, f"expired: {reason}", now)
                return True
            log.warning("%s: attempt failed (%s); retrying in %.1fs",
                        self.shown, reason, delay)
            if stop.wait(delay) or not self._holds():
                return False
            delay = min(cfg.max_backoff_s, max(delay * 2, 0.01))


def _rows(records: Sequence[Record]) -> list[dict[str, Any]]:
    out = []
    for r in records:
        if r.event_type not in ("AlertRaised", "AlertResolved"):
            continue
        try:
            event = r.event()
        except DecodeError:
            continue  # the projector dead-letters it; nothing to tell anyone
        out.append(alert_event(to_dict(event)))
    return out


@dataclass
class Deliveries:
    """The outboxes of every receiver, each on its own thread."""

    outboxes: list[Outbox]
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    @property
    def store(self) -> DeliveryStore:
        """The delivery store the outboxes share."""
        return self.outboxes[0].store

    def start(self, cursor: dict[str, int]) -> None:
        """Register new receivers at `cursor`, then start delivering."""
        for box in self.outboxes:
            box.register(cursor)
            t = threading.Thread(target=box.run, args=(self.stop,), daemon=True,
                                 name=f"ipmon-webhook-{box.name}")
            t.start()
            self.threads.append(t)

    def drain(self, timeout: float) -> list[str]:
        """Wait up to `timeout` s for every receiver to catch up; the names still behind."""
        deadline = time.monotonic() + timeout
        for box in self.outboxes:
            box.idle.clear()
        behind = []
        for box in self.outboxes:
            if not box.idle.wait(max(0.0, deadline - time.monotonic())):
                behind.append(box.name)
        return behind

    def close(self, timeout: float = 10.0) -> None:
        """Stop delivering; what was not acknowledged is sent by the next process."""
        self.stop.set()
        for t in self.threads:
            t.join(timeout)
        for box in self.outboxes:
            box.log.close()
