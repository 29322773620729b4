"""Webhook sink speaking the Prometheus Alertmanager webhook format (version 4).

`deliver` only puts the notification on a bounded queue; a worker thread posts it with a
timeout and retries with exponential backoff. So a slow or dead receiver costs event
processing nothing: at worst, when the queue is full, the oldest notification is dropped
(and counted) instead of blocking the projector.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from services.alerts.config import NotifyConfig, WebhookConfig

log = logging.getLogger("ipmon.alerts.webhook")

ZERO_TIME = "0001-01-01T00:00:00Z"  # Alertmanager's "no end time"
SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}


def _rfc3339(text: str | None) -> str:
    if not text:
        return ZERO_TIME
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return ZERO_TIME
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def alert_fingerprint(rule: str, key: str) -> str:
    """A stable hex id of an alert's labels, as Alertmanager gives each alert."""
    return hashlib.sha256(f"{rule}\x1f{key}".encode()).hexdigest()[:16]


def am_alert(row: dict[str, Any], external_url: str) -> dict[str, Any]:
    """One alert lifecycle row in Alertmanager's alert shape."""
    resolved = row["event_type"] == "AlertResolved"
    labels = {
        "alertname": row["rule"],
        "key": row["key"],
        "severity": row.get("severity") or "warning",
        "source": "ipmon",
    }
    started = row.get("raised_at") or row.get("recorded_at")
    return {
        "status": "resolved" if resolved else "firing",
        "labels": labels,
        "annotations": {
            "summary": row.get("message") or "",
            "evidence": ",".join(str(e) for e in row.get("evidence") or ()),
        },
        "startsAt": _rfc3339(started),
        "endsAt": _rfc3339(row.get("recorded_at")) if resolved else ZERO_TIME,
        "generatorURL": f"{external_url.rstrip('/')}/alerts",
        "fingerprint": alert_fingerprint(row["rule"], row["key"]),
    }


def _common(dicts: Sequence[dict[str, str]]) -> dict[str, str]:
    if not dicts:
        return {}
    first = dicts[0]
    return {k: v for k, v in first.items() if all(d.get(k) == v for d in dicts[1:])}


def alertmanager_payload(
    rows: Sequence[dict[str, Any]], *, receiver: str = "ipmon",
    external_url: str = "http://127.0.0.1:8000", group_labels: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The Alertmanager webhook body (version 4) for a group of alerts."""
    alerts = [am_alert(r, external_url) for r in rows]
    groups = group_labels or {}
    return {
        "version": "4",
        "groupKey": "{}:{" + ",".join(f'{k}="{v}"' for k, v in sorted(groups.items())) + "}",
        "truncatedAlerts": 0,
        "status": "firing" if any(a["status"] == "firing" for a in alerts) else "resolved",
        "receiver": receiver,
        "groupLabels": groups,
        "commonLabels": _common([a["labels"] for a in alerts]),
        "commonAnnotations": _common([a["annotations"] for a in alerts]),
        "externalURL": external_url,
        "alerts": alerts,
    }


class WebhookSink:
    """Posts grouped alerts to one receiver from a background thread, with retries."""

    def __init__(
        self, config: WebhookConfig, *, notify: NotifyConfig | None = None,
        external_url: str = "http://127.0.0.1:8000",
        client: httpx.Client | None = None,
        sleep: Callable[[float], bool] | None = None,
    ) -> None:
        self.config = config
        self.notify = notify or NotifyConfig()
        self.external_url = external_url
        self._client = client or httpx.Client(timeout=config.timeout_s)
        self._queue: queue.Queue[dict[str, Any]] = queue.Queue(maxsize=config.queue_size)
        self._stop = threading.Event()
        # the wait between attempts ends early when the sink is closed
        self._sleep = sleep or self._stop.wait
        self._counts: Counter[str] = Counter()
        self._idle = threading.Condition()
        self._pending = 0
        self._thread = threading.Thread(
            target=self._run, name=f"ipmon-webhook-{config.url}", daemon=True
        )
        self._thread.start()

    def stats(self) -> dict[tuple[str, str], int]:
        """Delivery outcomes so far: sent, retried, failed, dropped."""
        return {(self.config.url, k): v for k, v in self._counts.items()}

    def deliver(self, alerts: Sequence[dict[str, Any]]) -> None:
        """Queue one notification per group; never waits on the receiver."""
        floor = SEVERITY_RANK[self.config.min_severity]
        wanted = [
            a for a in alerts
            if a["event_type"] in ("AlertRaised", "AlertResolved")
            and SEVERITY_RANK.get(a.get("severity") or "warning", 1) >= floor
        ]
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for a in wanted:
            status = "resolved" if a["event_type"] == "AlertResolved" else "firing"
            label = {"rule": a["rule"], "severity": a.get("severity") or "warning",
                     "status": status}
            groups.setdefault(tuple(label[g] for g in self.notify.group_by), []).append(a)
        for values, rows in groups.items():
            payload = alertmanager_payload(
                rows, receiver=self.notify.receiver, external_url=self.external_url,
                group_labels=dict(zip(self.notify.group_by, values, strict=True)),
            )
            self._put(payload)

    def _put(self, payload: dict[str, Any]) -> None:
        with self._idle:
            self._pending += 1
        while True:
            try:
                self._queue.put_nowait(payload)
                return
            except queue.Full:
                try:
                    self._queue.get_nowait()
                    self._counts["dropped"] += 1
                    self._done()
                    log.error("webhook %s: queue full, dropped the oldest notification",
                              self.config.url)
                except queue.Empty:
                    pass

    def _done(self) -> None:
        with self._idle:
            self._pending -= 1
            if self._pending == 0:
                self._idle.notify_all()

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued notification was sent or given up; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Stop the worker (after up to `timeout` seconds of draining)."""
        self.flush(timeout)
        self._stop.set()
        self._thread.join(timeout)
        self._client.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                payload = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            try:
                self._send(payload)
            finally:
                self._done()

    def _send(self, payload: dict[str, Any]) -> None:
        cfg = self.config
        headers = {"Authorization": f"Bearer {cfg.bearer_token}"} if cfg.bearer_token else {}
        for attempt in range(1, cfg.max_attempts + 1):
            try:
                r = self._client.post(cfg.url, json=payload, headers=headers,
                                      timeout=cfg.timeout_s)
                if r.is_success:
                    self._counts["sent"] += 1
                    return
                # a receiver that rejects the payload will reject it again
                if 400 <= r.status_code < 500 and r.status_code not in (408, 429):
                    self._counts["failed"] += 1
                    log.error("webhook %s refused the notification: HTTP %d",
                              cfg.url, r.status_code)
                    return
                reason = f"HTTP {r.status_code}"
            except httpx.HTTPError as exc:
                reason = f"{type(exc).__name__}: {exc}"
            if attempt == cfg.max_attempts or self._stop.is_set():
                break
            self._counts["retried"] += 1
            delay = min(cfg.max_backoff_s, cfg.backoff_s * 2 ** (attempt - 1))
            log.warning("webhook %s attempt %d failed (%s); retrying in %.1fs",
                        cfg.url, attempt, reason, delay)
            if self._sleep(delay):
                break  # closing: stop retrying
        self._counts["failed"] += 1
        log.error("webhook %s: giving up on a notification after %d attempt(s)",
                  cfg.url, cfg.max_attempts)
