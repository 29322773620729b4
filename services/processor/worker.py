"""The distributed processor: a faust-streaming app that projects Kafka streams into a database.

Faust is a thin adapter here. One agent (concurrency 1, so each partition is consumed in
order; faust issue #606 makes higher concurrency unsafe for ordering in 0.15) reads every
stream topic, takes micro-batches (``take_events(n, within=...)``) and hands them to
`BatchProcessor`, plain synchronous code that calls the same projection functions as the
embedded runner (`Projector.apply_in`).

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

import argparse
import asyncio
import logging
import sys
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast
from urllib.parse import urlparse

from prometheus_client import CollectorRegistry
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from events.codec import DecodeError, decode
from events.envelope import utcnow
from events.log.kafka import KafkaEventLog, partition_label, record_ids
from events.log.port import Position, Record
from events.sources import Sources as SourceCatalogue
from events.streams import STREAMS, stream_of_topic, topic_name
from projections.projector import Changes, Projector
from projections.schema import SchemaDrift
from projections.store import store_of
from projections.store.port import ProjectionStore
from services.alerts.evaluate import alert_events, evaluate
from services.alerts.rules import AlertConfig
from services.alerts.sinks import AlertSink, LogSink
from services.metrics import ProjectionCollector, Sources, WorkerMetrics, serve_metrics
from services.processor.common import dead_letters, deliver
from services.settings import Settings

log = logging.getLogger("ipmon.worker")


@dataclass(frozen=True)
class WorkerOptions:
    """Tuning of one worker process; the defaults favour latency under light load."""

    batch_size: int = 5000
    within_s: float = 0.01
    session_timeout_s: float = 10.0
    heartbeat_s: float = 1.0
    commit_interval_s: float = 1.0
    attempts: int = 5
    projector: str = "main"


@dataclass
class BatchProcessor:
    """Validates a batch, projects it and stores its positions in one transaction."""

    engine: Engine
    log: KafkaEventLog
    alert_config: AlertConfig = field(default_factory=AlertConfig)
    sinks: Sequence[AlertSink] = ()
    projector_name: str = "main"
    sources: SourceCatalogue | None = None
    clock: Callable[[], datetime] = utcnow
    attempts: int = 5
    metrics: WorkerMetrics | None = None
    store: ProjectionStore | None = None

    def __post_init__(self) -> None:
        self.store = store_of(self.store or self.engine)
        self.projector = Projector(self.store, self.projector_name, self.sources)

    def stored_positions(self, labels: Iterable[str]) -> dict[str, int]:
        """The last applied offset of each partition label that has one."""
        with self.engine.connect() as conn:
            return self.projector.store.positions(conn, self.projector_name, list(labels))

    def process(self, records: Sequence[Record]) -> Changes:
        """Apply one batch; retried whole when the database reports a transient failure."""
        for attempt in range(1, self.attempts + 1):
            started = time.perf_counter()
            try:
                changes = self._process(records)
            except DBAPIError as exc:
                # a conflict with another worker during a rebalance or a dropped connection:
                # the transaction rolled back, so the batch can simply run again
                transient = exc.connection_invalidated or _retryable(exc)
                if attempt == self.attempts or not transient:
                    raise
                log.warning("batch failed (%s), attempt %d; retrying", exc.orig, attempt)
                continue
            if self.metrics is not None:
                self.metrics.observe(changes.applied, changes.skipped, len(changes.rejected),
                                     time.perf_counter() - started)
            return changes
        raise AssertionError("unreachable")

    def _process(self, records: Sequence[Record]) -> Changes:
        with self.engine.begin() as conn:
            labels = sorted({r.position.partition for r in records})
            store = self.projector.store
            # during a rebalance the old and the new owner of a partition may both hold a
            # batch of it for a moment: the second waits, then skips what the first committed
            store.lock_partitions(conn, self.projector_name, labels)
            stored = store.positions(conn, self.projector_name, labels)
            fresh = [r for r in records if r.position.offset > stored.get(r.position.partition, -1)]
            good: list[Record] = []
            bad: list[tuple[Record, str]] = []
            for r in fresh:
                try:
                    decode(r.data)
                except DecodeError as exc:
                    bad.append((r, str(exc)))
                else:
                    good.append(r)
            changes = self.projector.apply_in(conn, good)
            changes.skipped += len(records) - len(fresh)
            bad += changes.rejected
            changes.rejected = bad
            if bad:
                self._save_positions(conn, [r for r, _ in bad])
                self.log.append(dead_letters(bad, self.clock()))
            firing, cleared = evaluate(conn, changes, self.alert_config)
            if firing or cleared:
                self.log.append(alert_events(firing, cleared, self.clock()))
        deliver(self.sinks, changes.new_alert_events)
        return changes

    def _save_positions(self, conn: Connection, records: Sequence[Record]) -> None:
        """Move positions past rejected records, which the projector never saw."""
        latest: dict[str, int] = {}
        for r in records:
            latest[r.position.partition] = max(
                latest.get(r.position.partition, -1), r.position.offset
            )
        self.projector.store.advance(conn, self.projector_name, latest)


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


def create_app(
    settings: Settings,
    options: WorkerOptions | None = None,
    processor: BatchProcessor | None = None,
    metrics: WorkerMetrics | None = None,
) -> Any:
    """The faust app: one agent over every stream topic, projecting micro-batches."""
    import faust

    from services.bootstrap import alerting, projection_engine, projection_store, source_catalogue

    opts = options or WorkerOptions()
    bootstrap = kafka_bootstrap(settings)
    prefix = settings.kafka_topic_prefix
    if processor is None:
        url = settings.resolved_database_url()
        engine = projection_engine(url)
        store = projection_store(url, engine)
        Projector(store, opts.projector).create()
        event_log = KafkaEventLog(
            bootstrap, prefix=prefix, partitions=settings.kafka_partitions,
            replication=settings.kafka_replication, client_id=f"{settings.kafka_group}-worker",
        )
        processor = BatchProcessor(
            engine, event_log, alerting(settings).rules, [LogSink()], opts.projector,
            attempts=opts.attempts, metrics=metrics, sources=source_catalogue(settings),
            store=store,
        )
    batches = processor
    app = faust.App(
        settings.kafka_group,
        broker=[f"kafka://{host}" for host in bootstrap.split(",")],
        store="memory://",
        autodiscover=False,
        web_enabled=False,
        topic_partitions=settings.kafka_partitions,
        topic_replication_factor=settings.kafka_replication,
        consumer_auto_offset_reset="earliest",
        broker_session_timeout=opts.session_timeout_s,
        broker_heartbeat_interval=opts.heartbeat_s,
        broker_commit_interval=opts.commit_interval_s,
        broker_max_poll_records=max(opts.batch_size, 500),
        stream_buffer_maxsize=max(opts.batch_size * 2, 4096),
        producer_acks=-1,
    )
    names = [topic_name(s, prefix) for s in STREAMS]
    # raw bytes in and out: decoding is ours, so a poison record cannot crash the stream
    topic = app.topic(*names, key_type=bytes, value_type=bytes, key_serializer="raw",
                      value_serializer="raw")
    # one thread owns the database work, so the event loop keeps heartbeating meanwhile
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ipmon-project")

    @app.agent(topic, concurrency=1)
    async def project(stream: Any) -> None:
        loop = asyncio.get_running_loop()
        async for events in stream.take_events(opts.batch_size, within=opts.within_s):
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


def run_worker(settings: Settings, options: WorkerOptions | None = None) -> None:
    """Run one worker until interrupted: `ipmon worker`."""
    import faust

    from services.bootstrap import (
        alerting,
        deliveries,
        event_log,
        projection_engine,
        projection_store,
    )

    opts = options or WorkerOptions()
    registry = CollectorRegistry(auto_describe=False)
    app = create_app(settings, opts, metrics=WorkerMetrics(registry))
    # beside the agent: the outboxes of the webhook receivers, one worker delivering each
    url = settings.resolved_database_url()
    engine = projection_engine(url)
    outboxes = deliveries(settings, alerting(settings), engine, exclusive=False)
    if outboxes is not None:
        outboxes.start(Projector(projection_store(url, engine), opts.projector).cursor())
    # the scrape reads the log's head through a log of its own, off the batches' producer
    reader = event_log(settings.resolved_event_log_url(), settings)
    store = outboxes.store if outboxes is not None else None
    registry.register(ProjectionCollector(Sources(engine, reader, opts.projector, delivery=store)))
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


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m services.processor.worker``: run a worker with settings from the env."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--batch-size", type=int, default=WorkerOptions.batch_size)
    parser.add_argument("--within", type=float, default=WorkerOptions.within_s)
    parser.add_argument("--session-timeout", type=float, default=WorkerOptions.session_timeout_s)
    parser.add_argument("--metrics-port", type=int, default=None, help="0 serves no /metrics")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    options = WorkerOptions(
        batch_size=args.batch_size, within_s=args.within, session_timeout_s=args.session_timeout
    )
    settings = Settings()
    if args.metrics_port is not None:
        settings = settings.model_copy(update={"worker_metrics_port": args.metrics_port})
    try:
        run_worker(settings, options)
    except SchemaDrift as exc:
        log.error("%s", exc)
        sys.exit(1)


if __name__ == "__main__":
    main()
