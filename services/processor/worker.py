"""The distributed processor: a faust-streaming app that projects Kafka streams into a database.

Faust is a thin adapter here. One agent (concurrency 1, so each partition is consumed in
order; faust issue #606 makes higher concurrency unsafe for ordering in 0.15) reads every
stream topic, takes micro-batches (``take_events(n, within=...)``) and hands them to
`BatchProcessor`, plain synchronous code that runs each through the batch core the embedded
runner runs too (`services.processor.core.run_batch`); only the transaction is its own.

Exactly-once effect: each batch runs in one database transaction that writes the projection
state *and* the consumed positions (``projection_positions``, one row per ``topic:partition``).
Records at or below a stored position are skipped, so redelivery after a crash or a
rebalance changes nothing. When partitions are assigned, the worker commits the stored
positions as the group's Kafka offsets before faust seeks to the committed offsets, so it
resumes exactly where the projections are, even when the database was rebuilt or restored.

Dead letters and alerts are appended through `KafkaEventLog` inside the batch's transaction,
before it commits: a crash can only repeat those appends, and their deterministic event ids
make a repeat a no-op.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlparse

from prometheus_client import CollectorRegistry
from sqlalchemy.exc import DBAPIError

from events.envelope import utcnow
from events.log.kafka import KafkaEventLog, partition_label, record_ids
from events.log.port import Position, Record
from events.streams import STREAMS, stream_of_topic, topic_name
from projections.projector import Changes, Projector
from services.alerts.rules import AlertConfig
from services.alerts.sinks import AlertSink
from services.metrics import ProjectionCollector, Sources, WorkerMetrics, serve_metrics
from services.processor.common import deliver
from services.processor.core import run_batch
from services.settings import Settings

if TYPE_CHECKING:
    import faust

log = logging.getLogger("ipmon.worker")


@dataclass
class BatchProcessor:
    """Runs each batch of the agent through `run_batch` in a transaction of its own."""

    projector: Projector
    log: KafkaEventLog
    alert_config: AlertConfig = field(default_factory=AlertConfig)
    sinks: Sequence[AlertSink] = ()
    clock: Callable[[], datetime] = utcnow
    attempts: int = 5
    metrics: WorkerMetrics | None = None

    def stored_positions(self, labels: Iterable[str]) -> dict[str, int]:
        """The last applied offset of each partition label that has one."""
        with self.projector.engine.connect() as conn:
            return self.projector.store.positions(conn, self.projector.name, list(labels))

    def process(self, records: Sequence[Record]) -> Changes:
        """Apply one batch; retried whole when the database reports a transient failure."""
        for attempt in range(1, self.attempts + 1):
            started = time.perf_counter()
            try:
                # state, positions and the appended alerts of the batch: one transaction
                with self.projector.engine.begin() as conn:
                    changes = run_batch(conn, self.projector, records, self.log,
                                        self.alert_config, self.clock)
            except DBAPIError as exc:
                # a conflict with another worker during a rebalance or a dropped connection:
                # the transaction rolled back, so the batch can simply run again
                transient = exc.connection_invalidated or _retryable(exc)
                if attempt == self.attempts or not transient:
                    raise
                log.warning("batch failed (%s), attempt %d; retrying", exc.orig, attempt)
                continue
            deliver(self.sinks, changes.new_alert_events)
            if self.metrics is not None:
                self.metrics.observe(changes.applied, changes.skipped, len(changes.rejected),
                                     time.perf_counter() - started)
            return changes
        raise AssertionError("unreachable")


def _retryable(exc: DBAPIError) -> bool:
    code = getattr(exc.orig, "sqlstate", None)
    # serialization failure, deadlock, unique violation from a concurrent derived-row insert
    return code in {"40001", "40P01", "23505"}


def message_record(message: Any, prefix: str) -> Record:
    """A faust/aiokafka message as a log Record (same shape the other adapters return)."""
    headers = message.headers or ()
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    value = bytes(message.value or b"")
    eid, etype = record_ids(pairs, value)
    label = partition_label(message.topic, message.partition)
    return Record(
        Position(label, int(message.offset)), stream_of_topic(message.topic, prefix), eid,
        etype, value,
    )


def kafka_bootstrap(settings: Settings) -> str:
    """The ``host:port[,host:port]`` of a ``kafka://`` event-log URL."""
    url = settings.resolved_event_log_url()
    parsed = urlparse(url)
    if parsed.scheme != "kafka":
        raise ValueError(f"the worker needs a kafka:// event log, got {url!r}")
    return parsed.netloc


def _faust_app(settings: Settings) -> faust.App:
    """The faust app with its broker and consumer options from `settings`."""
    import faust

    bootstrap = kafka_bootstrap(settings)
    batch_size = settings.batch_size
    return faust.App(
        settings.kafka_group,
        broker=[f"kafka://{host}" for host in bootstrap.split(",")],
        store="memory://",
        autodiscover=False,
        web_enabled=False,
        topic_partitions=settings.kafka_partitions,
        topic_replication_factor=settings.kafka_replication,
        consumer_auto_offset_reset="earliest",
        broker_session_timeout=settings.worker_session_timeout_s,
        broker_heartbeat_interval=settings.worker_heartbeat_s,
        broker_commit_interval=settings.worker_commit_interval_s,
        broker_max_poll_records=max(batch_size, 500),
        stream_buffer_maxsize=max(batch_size * 2, 4096),
        producer_acks=-1,
    )


def create_app(settings: Settings, batches: BatchProcessor) -> Any:
    """The faust app: one agent over every stream topic, projecting micro-batches.

    The composition root (`services.bootstrap.worker_app`) builds `batches`; the options
    come from `settings` (``IPMON_BATCH_SIZE``, ``IPMON_WORKER_*``).
    """
    app = _faust_app(settings)
    prefix = settings.kafka_topic_prefix
    batch_size, within = settings.batch_size, settings.worker_within_s
    names = [topic_name(s, prefix) for s in STREAMS]
    # raw bytes in and out: decoding is ours, so a poison record cannot crash the stream
    topic = app.topic(*names, key_type=bytes, value_type=bytes, key_serializer="raw",
                      value_serializer="raw")
    # one thread owns the database work, so the event loop keeps heartbeating meanwhile
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ipmon-project")

    @app.agent(topic, concurrency=1)
    async def project(stream: Any) -> None:
        loop = asyncio.get_running_loop()
        async for events in stream.take_events(batch_size, within=within):
            records = [message_record(e.message, prefix) for e in events]
            changes = await loop.run_in_executor(executor, batches.process, records)
            log.debug("applied %d, skipped %d", changes.applied, changes.skipped)

    async def seek_to_projections(assigned: Any) -> None:
        # Faust seeks to the group's committed offsets once assignment completes; making
        # those equal to the positions stored with the projections (0 where none) makes it
        # resume exactly where the projections are.
        ours = [tp for tp in assigned if tp.topic in names]
        log.info("assigned %s", sorted(f"{tp.topic}:{tp.partition}" for tp in ours))
        if not ours:
            return
        loop = asyncio.get_running_loop()
        labels = [partition_label(tp.topic, tp.partition) for tp in ours]
        stored = await loop.run_in_executor(executor, batches.stored_positions, labels)
        offsets = {tp: stored.get(partition_label(tp.topic, tp.partition), -1) + 1 for tp in ours}
        # the driver-level commit of explicit offsets (faust's public one commits its acks)
        await cast(Any, app.consumer)._commit(offsets)

    # faust's annotation is a union of two callable types that mypy cannot match a function to
    @app.on_partitions_assigned.connect  # type: ignore[arg-type]
    def on_assigned(sender: Any, *args: Any, signal: Any, **_: Any) -> Awaitable[None]:
        return seek_to_projections(args[0] if args else set())

    return app


def run_worker(settings: Settings) -> None:
    """Run one worker until interrupted: `ipmon worker`."""
    import faust

    from services.bootstrap import alerting, deliveries, event_log, projection_engine, worker_app

    registry = CollectorRegistry(auto_describe=False)
    app, projector = worker_app(settings, WorkerMetrics(registry))
    # beside the agent: the outboxes of the webhook receivers, one worker delivering each
    engine = projection_engine(settings.resolved_database_url())
    outboxes = deliveries(settings, alerting(settings), engine, exclusive=False)
    if outboxes is not None:
        outboxes.start(projector.cursor())
    # the scrape reads the log's head through a log of its own, off the batches' producer
    reader = event_log(settings.resolved_event_log_url(), settings)
    store = outboxes.store if outboxes is not None else None
    registry.register(ProjectionCollector(Sources(engine, reader, projector.name, delivery=store)))
    stop_metrics = serve_metrics(registry, settings.worker_metrics_host,
                                 settings.worker_metrics_port)
    try:
        faust.Worker(app, loglevel="INFO", quiet=True).execute_from_commandline()
    finally:
        stop_metrics()
        if outboxes is not None:
            outboxes.close()
        reader.close()
        engine.dispose()
