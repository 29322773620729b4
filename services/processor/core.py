"""One batch, the same for every runner: decode, apply, dead letters, alerts, positions.

`run_batch` works inside a transaction its caller owns. The embedded runner and the faust
worker differ only in that scope (and in where they read records from); everything a
batch does to the projections and the log is here, once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.engine import Connection

from events.log import EventLog, Record
from projections.projector import Changes, Projector
from services.alerts.evaluate import evaluate
from services.alerts.news import alert_events
from services.alerts.rules import AlertConfig
from services.processor.common import dead_letters

log = logging.getLogger("ipmon.processor")


def run_batch(
    conn: Connection,
    projector: Projector,
    records: Sequence[Record],
    event_log: EventLog,
    alert_config: AlertConfig,
    clock: Callable[[], datetime],
) -> Changes:
    """Apply `records` in the caller's transaction `conn` and append what they caused.

    The partitions' locks come first, so that of two runners holding the same records (a
    rebalance) the second waits and then skips what the first committed. Records at or
    below a stored position change nothing; unreadable ones become dead letters and their
    positions move on with the others. Dead letters and alerts are appended before the
    caller commits: a crash can only repeat those appends, and their deterministic event
    ids make a repeat a no-op.
    """
    labels = sorted({r.position.partition for r in records})
    projector.store.lock_partitions(conn, projector.name, labels)
    changes = projector.apply_in(conn, records)
    if changes.rejected:
        event_log.append(dead_letters(changes.rejected, clock()))
    firing, cleared = evaluate(conn, changes, alert_config)
    if firing or cleared:
        event_log.append(alert_events(firing, cleared, clock()))
    return changes
