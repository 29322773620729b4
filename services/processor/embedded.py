"""The in-process runner: reads the log, projects, evaluates alerts, delivers them."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from events.envelope import utcnow
from events.log import EventLog
from projections.projector import Changes, Projector, all_keys
from services.alerts.evaluate import evaluate
from services.alerts.news import alert_events
from services.alerts.rules import AlertConfig
from services.alerts.sinks import AlertSink
from services.processor.common import deliver
from services.processor.core import run_batch

log = logging.getLogger("ipmon.processor")


@dataclass
class EmbeddedRunner:
    """Drives the projector from an event log until it has caught up."""

    log: EventLog
    projector: Projector
    alert_config: AlertConfig = field(default_factory=AlertConfig)
    sinks: Sequence[AlertSink] = ()
    batch_size: int = 5000
    clock: Callable[[], datetime] = utcnow

    def step(self) -> Changes | None:
        """Apply one batch; None when there was nothing new to read."""
        records = self.log.read(None, self.projector.cursor(), self.batch_size)
        if not records:
            return None
        # the same batch core as the faust worker, in one transaction of the projections
        with self.projector.engine.begin() as conn:
            changes = run_batch(
                conn, self.projector, records, self.log, self.alert_config, self.clock
            )
        deliver(self.sinks, changes.new_alert_events)
        return changes

    def reconcile_alerts(self) -> int:
        """Evaluate every rule over every key; returns how many alert events were new.

        Alerts are evaluated after each batch commits, so a crash in between would lose
        them; evaluating everything once at start-up recovers them, and idempotent event
        ids make it free of duplicates.
        """
        with self.projector.engine.connect() as conn:
            changes = all_keys(conn)
            firing, cleared = evaluate(conn, changes, self.alert_config)
        if not (firing or cleared):
            return 0
        return self.log.append(alert_events(firing, cleared, self.clock())).new

    def catch_up(self, progress: Callable[[Changes], None] | None = None) -> Changes:
        """Apply batches until the log has nothing new; return everything that changed."""
        total = Changes()
        while (changes := self.step()) is not None:
            total.merge(changes)
            if progress is not None:
                progress(changes)
        return total
