"""Alert sinks: where raised and resolved alerts are delivered once projected."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from typing import Any, Protocol

log = logging.getLogger("ipmon.alerts")


class AlertSink(Protocol):
    """Receives alert lifecycle rows (as projected) that were new to the projections."""

    def deliver(self, alerts: Sequence[dict[str, Any]]) -> None:
        """Deliver a group of alerts raised or resolved together."""
        ...


class LogSink:
    """Writes alerts to the `ipmon.alerts` logger, a line each up to a limit per group."""

    def __init__(self, max_lines: int = 20) -> None:
        self.max_lines = max_lines

    def deliver(self, alerts: Sequence[dict[str, Any]]) -> None:
        """Log one line per alert at a level matching its severity, then a summary."""
        # A replay or a bulk load raises thousands of alerts at once; a line for each would
        # cost more than projecting them and bury the log.
        for a in alerts[: self.max_lines]:
            level = {"critical": logging.ERROR, "warning": logging.WARNING}.get(
                a.get("severity") or "", logging.INFO
            )
            verb = "raised" if a["event_type"] == "AlertRaised" else a["event_type"][5:].lower()
            log.log(level, "alert %s [%s] %s: %s", verb, a["rule"], a["key"], a.get("message"))
        rest = alerts[self.max_lines :]
        if rest:
            rules = Counter(a["rule"] for a in rest)
            summary = ", ".join(f"{rule} x{n}" for rule, n in sorted(rules.items()))
            log.warning("and %d more alert events: %s", len(rest), summary)


class MemorySink:
    """Keeps delivered groups in a list (tests, reports)."""

    def __init__(self) -> None:
        self.groups: list[list[dict[str, Any]]] = []

    def deliver(self, alerts: Sequence[dict[str, Any]]) -> None:
        """Remember the group."""
        self.groups.append(list(alerts))
