"""Readiness and Prometheus metrics, computed from the projections and the log on demand.

Everything is read at scrape time from the database (and the log's head), so `ipmon api`
reports the workers' progress even though it applies nothing itself.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.engine import Connection

from events.log import EventLog
from projections import queries
from services.api.context import ApiContext

# how far the generic fallback reads past the projections' cursor to measure lag
LAG_PROBE_LIMIT = 10_000


@dataclass(frozen=True)
class Lag:
    """Log heads against the projections' positions, per partition."""

    heads: dict[str, int]
    positions: dict[str, int]
    exact: bool

    def per_partition(self) -> dict[str, int]:
        """Records in the log not yet reflected in the projections, per partition."""
        parts = set(self.heads) | set(self.positions)
        return {p: max(0, self.heads.get(p, 0) - self.positions.get(p, 0)) for p in sorted(parts)}

    @property
    def total(self) -> int:
        """Records not yet applied, over all partitions."""
        return sum(self.per_partition().values())


def log_heads(log: EventLog, cursor: dict[str, int]) -> tuple[dict[str, int], bool]:
    """The last offset per partition, and whether it is exact.

    Adapters that can say so cheaply offer `heads()` (per partition) or `head()` (one
    sequence); otherwise up to LAG_PROBE_LIMIT records past the cursor are read.
    """
    heads_fn = getattr(log, "heads", None)
    if callable(heads_fn):
        return {str(k): int(v) for k, v in heads_fn().items()}, True
    head_fn = getattr(log, "head", None)
    if callable(head_fn):
        return {"": int(head_fn())}, True
    records = log.read(None, cursor, LAG_PROBE_LIMIT)
    heads = dict(cursor)
    for r in records:
        heads[r.position.partition] = max(heads.get(r.position.partition, -1), r.position.offset)
    return heads, len(records) < LAG_PROBE_LIMIT


def lag(ctx: ApiContext, conn: Connection) -> Lag:
    """How far the projections are behind the log."""
    positions = queries.positions(conn, ctx.projector_name)
    heads, exact = log_heads(ctx.log, positions)
    return Lag(heads, positions, exact)


def _age_seconds(newest: str | None, now: datetime) -> float | None:
    if newest is None:
        return None
    try:
        return max(0.0, (now - datetime.fromisoformat(newest)).total_seconds())
    except ValueError:
        return None


class ProjectionCollector(Collector):
    """Prometheus collector over the projections of one API context."""

    def __init__(self, ctx: ApiContext) -> None:
        self.ctx = ctx

    def collect(self) -> Iterator[Metric]:
        """Read the figures once per scrape."""
        with self.ctx.engine.connect() as conn:
            applied = queries.applied_per_stream(conn)
            behind = lag(self.ctx, conn)
            newest = queries.newest_recorded_at(conn)
            alerts = queries.alert_counts(conn)
            dead = queries.deadletter_count(conn)
        g = GaugeMetricFamily(
            "ipmon_events_applied", "Events reflected in the projections, per stream",
            labels=["stream"],
        )
        for stream, n in applied.items():
            g.add_metric([stream], n)
        yield g
        lag_g = GaugeMetricFamily(
            "ipmon_projection_lag", "Log records not yet applied, per partition",
            labels=["partition"],
        )
        pos_g = GaugeMetricFamily(
            "ipmon_projection_position", "Last log offset applied, per partition",
            labels=["partition"],
        )
        for part, n in behind.per_partition().items():
            lag_g.add_metric([part or "all"], n)
            pos_g.add_metric([part or "all"], behind.positions.get(part, 0))
        yield lag_g
        yield pos_g
        age = _age_seconds(newest, self.ctx.clock())
        age_g = GaugeMetricFamily(
            "ipmon_newest_event_age_seconds",
            "Seconds since the newest applied event was recorded (NaN when none)",
        )
        age_g.add_metric([], float("nan") if age is None else age)
        yield age_g
        firing = GaugeMetricFamily(
            "ipmon_alerts_firing", "Alerts firing (not acknowledged, not resolved), by severity",
            labels=["severity"],
        )
        states = GaugeMetricFamily(
            "ipmon_alerts", "Alerts by state and severity", labels=["state", "severity"]
        )
        for sev in ("info", "warning", "critical"):
            firing.add_metric([sev], alerts.get(("firing", sev), 0))
        for (state, sev), n in sorted(alerts.items()):
            states.add_metric([state, sev], n)
        yield firing
        yield states
        dl = GaugeMetricFamily("ipmon_deadletters", "Events that could not be decoded or applied")
        dl.add_metric([], dead)
        yield dl
        yield from self._sink_metrics()

    def _sink_metrics(self) -> Iterator[Metric]:
        store = self.ctx.delivery
        if store is None:
            return
        deliveries = CounterMetricFamily(
            "ipmon_webhook_deliveries", "Webhook notifications by outcome, per receiver name",
            labels=["receiver", "outcome"],
        )
        for (receiver, outcome), n in sorted(store.stats().items()):
            deliveries.add_metric([receiver, outcome], n)
        yield deliveries
        oldest = GaugeMetricFamily(
            "ipmon_webhook_undelivered_age_seconds",
            "Age of the oldest notification a receiver has not acknowledged yet",
            labels=["receiver"],
        )
        now = time.time()
        for receiver, first in sorted(store.oldest_pending().items()):
            oldest.add_metric([receiver], max(0.0, now - first))
        yield oldest
