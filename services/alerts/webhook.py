"""Notifications in the Prometheus Alertmanager webhook format (version 4), and one POST.

Every alert carries an idempotency key, its fingerprint, status and start (or end) time,
and the notification an `Idempotency-Key` header over its alerts' keys: a notification
sent again after a crash carries the same keys, so a receiver can drop the repeat.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy.engine import Engine

from services.alerts.config import NotifyConfig, WebhookConfig
from services.alerts.delivery import AlertKey
from services.alerts.provenance import with_provenance
from services.weburl import redact

log = logging.getLogger("ipmon.alerts.webhook")

ZERO_TIME = "0001-01-01T00:00:00Z"  # Alertmanager's "no end time"
SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}


def rfc3339(text: str | None) -> str:
    """An ISO timestamp as Alertmanager writes it (UTC, `Z`); its zero time if unreadable."""
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
    started = rfc3339(row.get("raised_at") or row.get("recorded_at"))
    ended = rfc3339(row.get("recorded_at")) if resolved else ZERO_TIME
    status = "resolved" if resolved else "firing"
    fingerprint = alert_fingerprint(row["rule"], row["key"])
    return {
        "status": status,
        "labels": labels,
        "annotations": {
            "summary": row.get("message") or "",
            **row.get("context", {}),
            "evidence": ",".join(str(e) for e in row.get("evidence") or ()),
            "idempotency_key": f"{fingerprint}:{status}:{ended if resolved else started}",
        },
        "startsAt": started,
        "endsAt": ended,
        "generatorURL": f"{external_url.rstrip('/')}/alerts",
        "fingerprint": fingerprint,
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


@dataclass(frozen=True)
class Notification:
    """One POST's body, its idempotency key and the alert states it tells the receiver."""

    payload: dict[str, Any]
    key: str
    states: dict[AlertKey, str]


def notifications(
    rows: Sequence[dict[str, Any]], config: WebhookConfig, notify: NotifyConfig,
    external_url: str,
) -> list[Notification]:
    """The notifications of selected rows for one receiver: its severity floor, its groups."""
    floor = SEVERITY_RANK[config.min_severity]
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for a in rows:
        if SEVERITY_RANK.get(a.get("severity") or "warning", 1) < floor:
            continue
        label = {"rule": a["rule"], "severity": a.get("severity") or "warning",
                 "status": _status(a), "document": a.get("context", {}).get("document", "")}
        groups.setdefault(tuple(label[g] for g in notify.group_by), []).append(a)
    out = []
    for values, members in groups.items():
        group_labels: dict[str, str] = dict(zip(notify.group_by, values, strict=True))
        payload = alertmanager_payload(
            members, receiver=notify.receiver, external_url=external_url,
            group_labels=group_labels,
        )
        title = group_labels.get("document")
        if title and "summary" not in payload["commonAnnotations"]:
            n = len(members)  # what a chat message or a mail subject can show
            payload["commonAnnotations"]["summary"] = f"{n} alert{'s' * (n != 1)} from {title}"
        keys = sorted(a["annotations"]["idempotency_key"] for a in payload["alerts"])
        digest = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:32]
        states = {(a["rule"], a["key"]): _status(a) for a in members}
        out.append(Notification(payload, digest, states))
    return out


@dataclass(frozen=True)
class WebhookChannel:
    """Tells a webhook receiver in the Alertmanager webhook format; nothing to re-send."""

    config: WebhookConfig
    notify: NotifyConfig
    external_url: str
    projections: Engine | None = None  # where the sentence and document of an alert are
    resend_s: float | None = None

    def notifications(self, rows: Sequence[dict[str, Any]]) -> list[Notification]:
        """The notifications of selected rows, grouped by `notify.group_by`."""
        if self.projections is not None:
            rows = with_provenance(self.projections, rows)
        return notifications(rows, self.config, self.notify, self.external_url)

    def resend(self, keys: Sequence[AlertKey]) -> list[Notification]:
        """A webhook keeps what it was told: never anything to re-send."""
        return []

    def post(self, client: httpx.Client, n: Notification) -> tuple[str, str]:
        """POST the notification once."""
        return post(client, self.config, n)


def _status(row: dict[str, Any]) -> str:
    return "resolved" if row["event_type"] == "AlertResolved" else "firing"


def post(
    client: httpx.Client, config: WebhookConfig, n: Notification, *,
    url: str | None = None, body: Any = None,
) -> tuple[str, str]:
    """POST once: ("sent", ""), ("refused", why) for a final no, or ("failed", why)."""
    headers = {"Idempotency-Key": n.key}
    if config.bearer_token:
        headers["Authorization"] = f"Bearer {config.bearer_token}"
    try:
        r = client.post(url or config.url, json=n.payload if body is None else body,
                        headers=headers, timeout=config.timeout_s)
    except httpx.HTTPError as exc:
        # httpx puts the URL, credentials included, into some messages
        return "failed", type(exc).__name__ + _without_url(str(exc), config.url)
    if r.is_success:
        return "sent", ""
    # a receiver that rejects the payload will reject it again; 408 and 429 mean "later"
    if 400 <= r.status_code < 500 and r.status_code not in (408, 429):
        return "refused", f"HTTP {r.status_code}"
    return "failed", f"HTTP {r.status_code}"


def _without_url(message: str, url: str) -> str:
    return f": {message.replace(url, redact(url))}" if message else ""
