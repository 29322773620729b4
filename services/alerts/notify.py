"""Notification policy: which alert events of the `alerts` stream a receiver is told of.

- only raises and resolutions (acknowledgements and silences are state, not news);
- one entry per alert key per batch (the latest), so a batch notifies each key once;
- a key the receiver was told is firing is not notified again until it resolves, and a
  resolution is only sent for a key it was told is firing (the told status is stored per
  receiver, so a restart repeats nothing);
- no raise for keys that are acknowledged or whose silence has not expired yet (a
  resolution of a key the receiver was told is firing is always sent);
- what is left goes out together, so alerts raised together make one notification
  (a receiver may split it further by `notify.group_by`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from projections.tables import recorded_order
from services.alerts.delivery import AlertKey

NOTIFIED_TYPES = ("AlertRaised", "AlertResolved")


def _active(until: str | None, now: datetime) -> bool:
    if not until:
        return False
    try:
        end = datetime.fromisoformat(until)
    except ValueError:
        return False
    return (end if end.tzinfo else end.replace(tzinfo=UTC)) > now


def latest_per_key(rows: Sequence[dict[str, Any]]) -> dict[AlertKey, dict[str, Any]]:
    """The last raise or resolution of each alert key among `rows`."""
    latest: dict[AlertKey, dict[str, Any]] = {}
    for r in sorted(rows, key=recorded_order):
        if r["event_type"] in NOTIFIED_TYPES:
            latest[(r["rule"], r["key"])] = r
    return latest


def select(
    latest: Mapping[AlertKey, dict[str, Any]], states: Mapping[AlertKey, Any],
    told: Mapping[AlertKey, str], now: datetime,
) -> list[dict[str, Any]]:
    """The rows to notify, enriched with the alert's state (`states`: projected alerts)."""
    out: list[dict[str, Any]] = []
    for key, row in latest.items():
        state = states.get(key)
        firing = told.get(key) == "firing"
        if row["event_type"] == "AlertRaised":
            quiet = state is not None and (
                state.state == "acknowledged" or _active(state.silenced_until, now)
            )
            if firing or quiet:
                continue
        elif not firing:
            continue
        enriched = dict(row)
        if state is not None:
            enriched["raised_at"] = state.raised_at
            enriched["severity"] = row.get("severity") or state.severity
        out.append(enriched)
    return out
