"""Alert sinks: where raised and resolved alerts are delivered once projected."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

log = logging.getLogger("ipmon.alerts")


class AlertSink(Protocol):
    """Receives alert lifecycle rows (as projected) that were new to the projections."""

    def deliver(self, alerts: Sequence[dict[str, Any]]) -> None:
        """Deliver a group of alerts raised or resolved together."""
        ...


class LogSink:
    """Writes each alert to the `ipmon.alerts` logger."""

    def deliver(self, alerts: Sequence[dict[str, Any]]) -> None:
        """Log one line per alert at a level matching its severity."""
        for a in alerts:
            level = {"critical": logging.ERROR, "warning": logging.WARNING}.get(
                a.get("severity") or "", logging.INFO
            )
            verb = "raised" if a["event_type"] == "AlertRaised" else a["event_type"][5:].lower()
            log.log(level, "alert %s [%s] %s: %s", verb, a["rule"], a["key"], a.get("message"))


class MemorySink:
    """Keeps delivered groups in a list (tests, reports)."""

    def __init__(self) -> None:
        self.groups: list[list[dict[str, Any]]] = []

    def deliver(self, alerts: Sequence[dict[str, Any]]) -> None:
        """Remember the group."""
        self.groups.append(list(alerts))
