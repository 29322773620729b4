"""The composition root: the one place that reads settings and picks adapters by URL."""

from __future__ import annotations

import fcntl
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from events.log import EventLog
from projections.projector import Projector
from services.alerts.config import load_alerting
from services.alerts.notify import build_sinks
from services.alerts.rules import AlertConfig
from services.alerts.sinks import AlertSink
from services.ingest.service import IngestService
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
        return postgres_engine("postgresql+psycopg://" + url.split("://", 1)[1])
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:///… or postgresql://…")


class DataFolderBusy(RuntimeError):
    """Another live process projects into the same data folder."""

    def __init__(self, folder: Path, pid: int | None) -> None:
        self.folder, self.pid = folder, pid
        who = f"process {pid}" if pid else "another process"
        super().__init__(
            f"data folder {folder} is in use by ipmon {who}; stop it or use another --data"
        )


@dataclass
class DataLock:
    """An exclusive OS lock on a data folder, released on close or when the process dies."""

    path: Path
    fd: int

    def release(self) -> None:
        """Give the lock up."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def _holder_pid(fd: int) -> int | None:
    # the holder writes its pid just after locking; give it a moment to do so
    for _ in range(20):
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        if text.isdigit():
            return int(text)
        time.sleep(0.05)
    return None


def lock_data_folder(folder: Path) -> DataLock:
    """Hold `folder/.lock` (containing this pid); raise DataFolderBusy if another holds it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ".lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        pid = _holder_pid(fd)
        os.close(fd)
        raise DataFolderBusy(folder, pid) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return DataLock(path, fd)


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

    def close(self) -> None:
        """Drain the sinks, release the log and the database, then the data folder."""
        for sink in self.sinks:
            close = getattr(sink, "close", None)
            if callable(close):
                close()
        self.log.close()
        self.engine.dispose()
        if self.lock is not None:
            self.lock.release()


def alert_config(settings: Settings) -> AlertConfig:
    """Alert rules with the thresholds from settings."""
    return AlertConfig.with_thresholds(
        settings.alerts.growth_tolerance_pp, settings.alerts.growth_threshold_pct
    )


def alerting(settings: Settings, engine: Engine) -> tuple[AlertConfig, list[AlertSink]]:
    """The alert rules and sinks (log, webhooks) from settings and the alerting file."""
    config = load_alerting(
        settings.alerts_config, base=alert_config(settings), webhook_urls=settings.webhook_urls
    )
    sinks = build_sinks(
        engine, config, external_url=f"http://{settings.api_host}:{settings.api_port}"
    )
    return config.rules, sinks


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
    log = event_log(s.resolved_event_log_url(), s)
    engine = projection_engine(s.resolved_database_url())
    projector = Projector(engine)
    projector.create()
    rules, default_sinks = alerting(s, engine)
    chosen: list[AlertSink] = sinks if sinks is not None else default_sinks
    runner = EmbeddedRunner(log, projector, rules, chosen, batch_size=s.batch_size)
    return App(s, log, engine, projector, IngestService(log), runner, chosen, lock)


def in_ci() -> bool:
    """Whether this process runs under continuous integration."""
    return os.environ.get("CI", "").lower() == "true"
