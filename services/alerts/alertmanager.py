"""Alerts pushed to a Prometheus Alertmanager through its v2 API (`POST /api/v2/alerts`).

Alertmanager keeps an alert active until its `endsAt`, so every send of a firing alert
puts `endsAt` a few re-sends ahead (`AlertmanagerConfig.horizon_s`) and the outbox re-sends
what the receiver was told is firing every `resend_s`; a resolution is sent with `endsAt`
at the moment ipmon resolved it. Alertmanager identifies an alert by its labels, so a
notification sent twice (after a crash, say) is one alert there.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy.engine import Engine

from projections import queries
from services.alerts.config import AlertmanagerConfig
from services.alerts.delivery import AlertKey
from services.alerts.provenance import with_provenance
from services.alerts.webhook import SEVERITY_RANK, Notification, post, rfc3339

CHUNK = 500  # alerts per POST: a replay can resolve thousands at once


def alert_labels(rule: str, key: str, severity: str) -> dict[str, str]:
    """The labels that identify an ipmon alert in Alertmanager."""
    labels = {"alertname": rule, "severity": severity, "source": "ipmon"}
    parts = key.split("|")
    if len(parts) == 3 and all(parts):  # a series key: metric|geography|period
        labels.update(metric=parts[0], geography=parts[1], period=parts[2])
    else:
        labels["subject"] = key
    return labels


def postable(row: dict[str, Any], external_url: str) -> dict[str, Any]:
    """One alert lifecycle row as a v2 postable alert; a firing one has no `endsAt` yet."""
    severity = row.get("severity") or "warning"
    started = rfc3339(row.get("raised_at") or row.get("recorded_at"))
    alert: dict[str, Any] = {
        "labels": alert_labels(row["rule"], row["key"], severity),
        "annotations": {"summary": row.get("message") or row["rule"], **row.get("context", {}),
                        "evidence": ",".join(str(e) for e in row.get("evidence") or ())},
        "startsAt": started,
        "generatorURL": f"{external_url.rstrip('/')}/alerts",
    }
    if not alert["annotations"]["evidence"]:
        del alert["annotations"]["evidence"]
    if row["event_type"] == "AlertResolved":
        # Alertmanager refuses an end before the start (clocks of two workers may differ)
        ended = rfc3339(row.get("recorded_at"))
        alert["endsAt"] = max(started, ended, key=_instant)
    return alert


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _state_row(a: queries.Alert) -> dict[str, Any]:
    resolved = a.state == "resolved"
    return {
        "event_type": "AlertResolved" if resolved else "AlertRaised", "rule": a.rule,
        "key": a.key, "severity": a.severity, "message": a.message, "evidence": a.evidence,
        "raised_at": a.raised_at, "recorded_at": a.resolved_at if resolved else a.raised_at,
    }


@dataclass
class AlertmanagerChannel:
    """Tells one Alertmanager: postable alerts, re-sent while firing."""

    config: AlertmanagerConfig
    projections: Engine
    external_url: str = "http://127.0.0.1:8000"
    clock: Callable[[], float] = field(default=time.time)

    @property
    def resend_s(self) -> float:
        """How often the alerts told firing are told again."""
        return self.config.resend_s

    def notifications(self, rows: Sequence[dict[str, Any]]) -> list[Notification]:
        """The selected rows at or above the severity floor, in POSTs of at most CHUNK."""
        floor = SEVERITY_RANK[self.config.min_severity]
        kept = [r for r in rows if SEVERITY_RANK.get(r.get("severity") or "warning", 1) >= floor]
        return self._batches(kept)

    def resend(self, keys: Sequence[AlertKey]) -> list[Notification]:
        """The alerts told firing, as the projections know them now (resolved ones end)."""
        if not keys:
            return []
        with self.projections.connect() as conn:
            states = queries.alerts(conn, list(keys))
        return self._batches([_state_row(a) for a in states])

    def _batches(self, rows: Sequence[dict[str, Any]]) -> list[Notification]:
        out = []
        for start in range(0, len(rows), CHUNK):
            chunk = with_provenance(self.projections, rows[start:start + CHUNK])
            alerts = [postable(r, self.external_url) for r in chunk]
            states = {(r["rule"], r["key"]): _status(r) for r in chunk}
            out.append(Notification({"alerts": alerts}, _key(alerts), states))
        return out

    def post(self, client: httpx.Client, n: Notification) -> tuple[str, str]:
        """POST the alerts once, firing ones ending a horizon from now."""
        ends = datetime.fromtimestamp(self.clock() + self.config.horizon_s, UTC)
        until = ends.isoformat().replace("+00:00", "Z")
        body = [a if "endsAt" in a else {**a, "endsAt": until} for a in n.payload["alerts"]]
        return post(client, self.config, n, url=self.config.alerts_url, body=body)


def _status(row: dict[str, Any]) -> str:
    return "resolved" if row["event_type"] == "AlertResolved" else "firing"


def _key(alerts: Sequence[dict[str, Any]]) -> str:
    # the same alerts in the same states give the same key, whenever they are planned
    parts = sorted(
        "\x1f".join([*(f"{k}={v}" for k, v in sorted(a["labels"].items())),
                     a["startsAt"], a.get("endsAt", "")])
        for a in alerts
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
