"""Prometheus metrics of ipmon, one module for the API process and the workers.

The projection figures are read at scrape time from the database and the log's head, so
every process that serves `/metrics` reports the same state whoever applied it. A worker
adds the counters of its own batches. Counters end in `_total`; gauges are levels only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.engine import Connection, Engine

from events.envelope import utcnow
from events.log import EventLog
from projections import queries
from services.alerts.delivery import DeliveryStore

log = logging.getLogger("ipmon.metrics")

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

    Adapters that can say so cheaply offer `heads()` (per partition), `end_offsets()` (the
    next offset per partition, as Kafka does) or `head()` (one sequence); otherwise up to
    LAG_PROBE_LIMIT records past the cursor are read.
    """
    heads_fn = getattr(log, "heads", None)
    if callable(heads_fn):
        return {str(k): int(v) for k, v in heads_fn().items()}, True
    ends_fn = getattr(log, "end_offsets", None)
    if callable(ends_fn):
        return {str(k): int(v) - 1 for k, v in ends_fn().items() if int(v) > 0}, True
    head_fn = getattr(log, "head", None)
    if callable(head_fn):
        return {"": int(head_fn())}, True
    records = log.read(None, cursor, LAG_PROBE_LIMIT)
    heads = dict(cursor)
    for r in records:
        heads[r.position.partition] = max(heads.get(r.position.partition, -1), r.position.offset)
    return heads, len(records) < LAG_PROBE_LIMIT


def lag(log: EventLog, projector_name: str, conn: Connection) -> Lag:
    """How far the projections of one projector are behind the log."""
    positions = queries.positions(conn, projector_name)
    heads, exact = log_heads(log, positions)
    return Lag(heads, positions, exact)


def ipmon_version() -> str:
    """The installed version of ipmon ("unknown" when run from an uninstalled tree)."""
    try:
        return version("ipmon")
    except PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class Sources:
    """Where the scrape-time figures come from."""

    engine: Engine
    log: EventLog
    projector_name: str = "main"
    clock: Callable[[], datetime] = utcnow
    delivery: DeliveryStore | None = None


def _age_seconds(newest: str | None, now: datetime) -> float | None:
    if newest is None:
        return None
    try:
        return max(0.0, (now - datetime.fromisoformat(newest)).total_seconds())
    except ValueError:
        return None


def _gauge(name: str, doc: str, labels: list[str] | None = None) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, labels=labels)


class ProjectionCollector(Collector):
    """The projections' figures, read once per scrape."""

    def __init__(self, sources: Sources) -> None:
        self.sources = sources

    def collect(self) -> Iterator[Metric]:
        """Yield every family; a database that cannot be read yields `readable 0` only."""
        info = _gauge("ipmon_build_info", "The running ipmon version", ["version"])
        info.add_metric([ipmon_version()], 1)
        yield info
        readable = _gauge("ipmon_projections_readable", "1 if the projections could be read")
        try:
            families = list(self._projections())
        except Exception as exc:  # a scrape must answer even while the database is down
            log.warning("metrics: projections unreadable: %s", exc)
            readable.add_metric([], 0)
            yield readable
            return
        readable.add_metric([], 1)
        yield readable
        yield from families
        yield from self._sink_metrics()

    def _projections(self) -> Iterator[Metric]:
        src = self.sources
        with src.engine.connect() as conn:
            applied = queries.applied_per_stream(conn)
            behind = lag(src.log, src.projector_name, conn)
            newest = queries.newest_recorded_at(conn)
            alerts = queries.alert_counts(conn)
            dead = queries.deadletter_count(conn)
        events = CounterMetricFamily(
            "ipmon_events_applied", "Events reflected in the projections, per stream",
            labels=["stream"],
        )
        for stream, n in applied.items():
            events.add_metric([stream], n)
        yield events
        lag_g = _gauge("ipmon_projection_lag", "Log records not yet applied, per partition",
                       ["partition"])
        pos_g = _gauge("ipmon_projection_position", "Last log offset applied, per partition",
                       ["partition"])
        for part, n in behind.per_partition().items():
            lag_g.add_metric([part or "all"], n)
            pos_g.add_metric([part or "all"], behind.positions.get(part, 0))
        yield lag_g
        yield pos_g
        age = _age_seconds(newest, src.clock())
        age_g = _gauge("ipmon_newest_event_age_seconds",
                       "Seconds since the newest applied event was recorded (NaN when none)")
        age_g.add_metric([], float("nan") if age is None else age)
        yield age_g
        yield from _alert_metrics(alerts)
        dl = CounterMetricFamily("ipmon_deadletters", "Events that could not be decoded or applied")
        dl.add_metric([], dead)
        yield dl

    def _sink_metrics(self) -> Iterator[Metric]:
        deliveries = CounterMetricFamily(
            "ipmon_webhook_deliveries", "Webhook notifications by outcome, per receiver name",
            labels=["receiver", "outcome"],
        )
        oldest = _gauge(
            "ipmon_webhook_undelivered_age_seconds",
            "Age of the oldest notification a receiver has not acknowledged yet", ["receiver"],
        )
        store = self.sources.delivery
        if store is not None:
            for (receiver, outcome), n in sorted(store.stats().items()):
                deliveries.add_metric([receiver, outcome], n)
            now = time.time()
            for receiver, first in sorted(store.oldest_pending().items()):
                oldest.add_metric([receiver], max(0.0, now - first))
        yield deliveries
        yield oldest


def _alert_metrics(alerts: dict[tuple[str, str], int]) -> Iterator[Metric]:
    firing = _gauge("ipmon_alerts_firing",
                    "Alerts firing (not acknowledged, not resolved), by severity", ["severity"])
    states = _gauge("ipmon_alerts", "Alerts by state and severity", ["state", "severity"])
    for sev in ("info", "warning", "critical"):
        firing.add_metric([sev], alerts.get(("firing", sev), 0))
    for (state, sev), n in sorted(alerts.items()):
        states.add_metric([state, sev], n)
    yield firing
    yield states


class WorkerMetrics:
    """The counters of one worker's own batches (they start at zero with the process)."""

    OUTCOMES = ("applied", "skipped", "rejected")

    def __init__(self, registry: CollectorRegistry) -> None:
        self.records = Counter(
            "ipmon_worker_records", "Log records a worker handled, by outcome",
            ["outcome"], registry=registry,
        )
        self.batches = Counter(
            "ipmon_worker_batches", "Batches a worker committed", registry=registry
        )
        self.duration = Histogram(
            "ipmon_worker_batch_duration_seconds", "Time to apply and commit one batch",
            registry=registry, buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
        )
        for outcome in self.OUTCOMES:
            self.records.labels(outcome).inc(0)  # exported from the start, not on first use

    def observe(self, applied: int, skipped: int, rejected: int, seconds: float) -> None:
        """Count one committed batch."""
        for outcome, n in zip(self.OUTCOMES, (applied, skipped, rejected), strict=True):
            self.records.labels(outcome).inc(n)
        self.batches.inc()
        self.duration.observe(seconds)


def registry_for(sources: Sources) -> CollectorRegistry:
    """A registry with the projections' collector (add a WorkerMetrics for a worker)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ProjectionCollector(sources))
    return registry


def serve_metrics(registry: CollectorRegistry, host: str, port: int) -> Callable[[], None]:
    """Serve `/metrics` on a daemon thread (port 0: not at all); returns how to stop it."""
    if port == 0:
        return lambda: None
    try:
        server, thread = start_http_server(port, addr=host, registry=registry)
    except OSError as exc:
        # a second worker on the host with the same port still projects; Prometheus shows
        # the missing target as down
        log.error("cannot serve /metrics on %s:%d (%s); set IPMON_WORKER_METRICS_PORT",
                  host, port, exc)
        return lambda: None
    log.info("serving /metrics on http://%s:%d/metrics", host, server.server_port)

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(5)

    return stop
