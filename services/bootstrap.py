"""The composition root: the one place that reads settings and picks adapters by URL."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from events import sources
from events.log import EventLog
from events.sources import Sources
from projections.projector import Projector
from projections.schema import SchemaDrift
from projections.store.port import ProjectionStore
from services.alerts.alertmanager import AlertmanagerChannel
from services.alerts.config import AlertingConfig, WebhookConfig, load_alerting
from services.alerts.delivery import DeliveryStore
from services.alerts.outbox import Deliveries, Outbox
from services.alerts.rules import AlertConfig
from services.alerts.sinks import AlertSink, LogSink
from services.datalock import DataFolderBusy, DataLock, lock_data_folder
from services.ingest.service import IngestService
from services.metrics import WorkerMetrics
from services.processor.embedded import EmbeddedRunner
from services.settings import Settings


def event_log(url: str, settings: Settings | None = None) -> EventLog:
    """An event-log adapter chosen by URL scheme: sqlite, kafka or memory."""
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        from events.log.sqlite import SqliteEventLog

        return SqliteEventLog(sqlite_path(url))
    if scheme == "memory":
        from events.log.memory import MemoryEventLog

        return MemoryEventLog()
    if scheme == "kafka":
        from events.log.kafka import KafkaEventLog

        s = settings or Settings()
        return KafkaEventLog(
            bootstrap=urlparse(url).netloc,
            prefix=s.kafka_topic_prefix,
            partitions=s.kafka_partitions,
            replication=s.kafka_replication,
        )
    raise ValueError(f"unsupported event log URL {url!r}: use sqlite:///…, kafka://… or memory://")


def sqlite_path(url: str) -> Path:
    """The file path of a `sqlite:///path` URL."""
    path = url.split(":///", 1)[1] if ":///" in url else ""
    if not path:
        raise ValueError(f"{url!r} names no file: use sqlite:///path/to/file.sqlite")
    return Path(path)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def projection_engine(url: str) -> Engine:
    """A SQLAlchemy engine for the projections: SQLite (embedded) or PostgreSQL."""
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        sqlite_path(url).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        from services.pgschema import postgres_engine

        # live tables in one named schema (URL parameter `schema`, default ipmon), so that
        # `ipmon rebuild` can swap a whole schema in one transaction
        return postgres_engine(projection_url(url))
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:///… or postgresql://…")


def projection_store(url: str, engine: Engine) -> ProjectionStore:
    """The projection store of a database URL, over the engine built for it."""
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        from projections.store.sqlite import SqliteStore

        return SqliteStore(engine)
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        from projections.store.postgres import PostgresStore

        return PostgresStore(engine)
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:///… or postgresql://…")


def delivery_engine(url: str) -> Engine:
    """Where webhook delivery keeps its state: beside the projections, never inside them.

    A rebuild replaces the projections (file or schema); what receivers were told must
    survive it, so it lives in `<name>.delivery.sqlite` or the schema `<schema>_delivery`.
    """
    if urlparse(url).scheme == "sqlite":
        path = sqlite_path(url)
        return projection_engine(f"sqlite:///{path.with_name(path.stem + '.delivery.sqlite')}")
    from services.pgschema import split_url

    parsed, schema = split_url(projection_url(url))
    moved = parsed.update_query_dict({"schema": f"{schema}_delivery"})
    return projection_engine(moved.render_as_string(hide_password=False))


def projection_url(url: str) -> str:
    """A PostgreSQL URL with the psycopg driver the engines use."""
    return "postgresql+psycopg://" + url.split("://", 1)[1]


def embedded_lock(settings: Settings) -> DataLock | None:
    """The lock of the folder of SQLite projections, None when projections live elsewhere.

    Processes that write the embedded projections (`run`, `watch`, `rebuild`) hold it, so
    two of them never write one store; appending to the log (`ingest`) needs no lock.
    """
    url = settings.resolved_database_url()
    if urlparse(url).scheme != "sqlite":
        return None
    return lock_data_folder(sqlite_path(url).parent)


@dataclass
class App:
    """Everything a command needs, wired from one Settings object."""

    settings: Settings
    log: EventLog
    engine: Engine
    projector: Projector
    ingest: IngestService
    runner: EmbeddedRunner
    sinks: list[AlertSink] = field(default_factory=list)
    lock: DataLock | None = None
    deliveries: Deliveries | None = None

    def start_delivery(self) -> None:
        """Start the webhook outboxes (new receivers begin where the projections are)."""
        if self.deliveries is not None and not self.deliveries.threads:
            self.deliveries.start(self.projector.cursor())

    def close(self) -> None:
        """Stop delivery, drain the sinks, release the log and the database, then the lock."""
        if self.deliveries is not None:
            self.deliveries.close()
        for sink in self.sinks:
            close = getattr(sink, "close", None)
            if callable(close):
                close()
        self.log.close()
        self.engine.dispose()
        if self.lock is not None:
            self.lock.release()


def source_catalogue(settings: Settings) -> Sources:
    """The sources catalogue shipped with ipmon, with the operator's file on top."""
    shipped = sources.default()
    if settings.sources_file is None:
        return shipped
    return sources.load(settings.sources_file, shipped)


def alert_config(settings: Settings) -> AlertConfig:
    """Alert rules with the thresholds from settings."""
    return AlertConfig.with_thresholds(
        settings.alerts.growth_tolerance_pp, settings.alerts.growth_threshold_pct
    )


def alerting(settings: Settings) -> AlertingConfig:
    """The alert rules, grouping and webhooks from settings and the alerting file."""
    return load_alerting(
        settings.alerts_config, base=alert_config(settings), webhook_urls=settings.webhook_urls
    )


def worker_app(settings: Settings, metrics: WorkerMetrics | None = None) -> tuple[Any, Projector]:
    """The faust app of `ipmon worker` and its projector: Kafka in, the database out."""
    from events.log.kafka import KafkaEventLog
    from services.processor.worker import BatchProcessor, create_app, kafka_bootstrap

    url = settings.resolved_database_url()
    store = projection_store(url, projection_engine(url))
    Projector(store).create()
    log = KafkaEventLog(
        kafka_bootstrap(settings), prefix=settings.kafka_topic_prefix,
        partitions=settings.kafka_partitions, replication=settings.kafka_replication,
        client_id=f"{settings.kafka_group}-worker",
    )
    projector = Projector(store, sources=source_catalogue(settings))
    batches = BatchProcessor(projector, log, alerting(settings).rules, [LogSink()],
                             attempts=settings.worker_attempts, metrics=metrics)
    return create_app(settings, batches), projector


def deliveries(
    settings: Settings, config: AlertingConfig, projections: Engine, *, exclusive: bool,
) -> Deliveries | None:
    """An outbox per webhook or Alertmanager receiver, each reading `alerts` with its own log."""
    if not config.webhooks and not config.alertmanagers:
        return None
    store = DeliveryStore(delivery_engine(settings.resolved_database_url()))
    store.create()
    external = f"http://{settings.api_host}:{settings.api_port}"
    channels: list[tuple[WebhookConfig, AlertmanagerChannel | None]] = [
        (hook, None) for hook in config.webhooks
    ] + [(am, AlertmanagerChannel(am, projections, external)) for am in config.alertmanagers]
    boxes = [
        Outbox(hook, config.notify, event_log(settings.resolved_event_log_url(), settings),
               store, projections, external_url=external, exclusive=exclusive, channel=channel)
        for hook, channel in channels
    ]
    return Deliveries(boxes)


def bootstrap(
    settings: Settings | None = None,
    *,
    sinks: list[AlertSink] | None = None,
    exclusive: bool = False,
) -> App:
    """Build the application from settings; `exclusive` takes the data folder's lock first."""
    s = settings or Settings()
    lock = embedded_lock(s) if exclusive else None
    try:
        return _build(s, sinks, lock)
    except BaseException:
        if lock is not None:
            lock.release()
        raise


def _build(s: Settings, sinks: list[AlertSink] | None, lock: DataLock | None) -> App:
    engine, projector = _projections(s, lock)
    log = event_log(s.resolved_event_log_url(), s)
    config = alerting(s)
    chosen: list[AlertSink] = sinks if sinks is not None else [LogSink()]
    runner = EmbeddedRunner(log, projector, config.rules, chosen, batch_size=s.batch_size)
    outboxes = deliveries(s, config, engine, exclusive=lock is not None)
    return App(s, log, engine, projector, IngestService(log), runner, chosen, lock, outboxes)


def _projections(s: Settings, lock: DataLock | None) -> tuple[Engine, Projector]:
    """The projections' engine and projector; the embedded default rebuilds a drifted schema."""
    engine = projection_engine(s.resolved_database_url())
    try:
        Projector(engine).create()
    except SchemaDrift as drift:
        engine.dispose()
        # only the SQLite store ipmon keeps under its data folder is rebuilt unasked: any
        # other database may have readers and workers that an operator must stop first
        if s.database_url is not None:
            raise
        rebuild_embedded(s, lock, drift)
        engine = projection_engine(s.resolved_database_url())
        Projector(engine).create()
    store = projection_store(s.resolved_database_url(), engine)
    return engine, Projector(store, sources=source_catalogue(s))


def rebuild_embedded(s: Settings, lock: DataLock | None, drift: SchemaDrift) -> None:
    """Replay the log into the embedded projections, holding the data folder meanwhile."""
    from services.rebuild import rebuild_projections

    held = lock
    if held is None:
        try:
            held = embedded_lock(s)
        except DataFolderBusy:
            raise drift from None  # another ipmon writes there: it must be stopped first
    log = logging.getLogger("ipmon")
    found = drift.stored[:12] if drift.stored else "none"
    log.warning("the embedded projections follow another table layout (schema %s, this ipmon "
                "%s): rebuilding them from the event log", found, drift.expected[:12])
    try:
        totals = rebuild_projections(s)
    finally:
        if lock is None and held is not None:
            held.release()
    log.warning("rebuilt the projections from %d events (%d unreadable)",
                totals.applied, len(totals.rejected))


def in_ci() -> bool:
    """Whether this process runs under continuous integration."""
    return os.environ.get("CI", "").lower() == "true"
