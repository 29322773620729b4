"""Helpers of the Kafka + faust + PostgreSQL integration tests (no test functions here)."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from infra import fresh_database  # noqa: F401  (used by the pipeline tests)
from sqlalchemy.engine import Engine

from events.log.kafka import KafkaEventLog
from projections import tables

REPO = Path(__file__).resolve().parents[2]
INBOX = REPO / "examples" / "inbox"
CLOCK = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
PARTITIONS = 3


def poll_records(consumer: Any, count: int, timeout_s: float) -> list[Any]:
    """Poll a kafka-python consumer until `count` records came or `timeout_s` passed."""
    records: list[Any] = []
    deadline = time.monotonic() + timeout_s
    while len(records) < count and time.monotonic() < deadline:
        for batch in consumer.poll(timeout_ms=500).values():
            records.extend(batch)
    return records


def unique(kind: str) -> str:
    """A fresh name (topic prefix, group id, database) so tests never share state."""
    return f"{kind}{uuid.uuid4().hex[:10]}"


def wait_until(check: Callable[[], bool], timeout_s: float, what: str) -> None:
    """Poll `check` until it holds; fail naming `what` if it never does."""
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout_s:.0f}s waiting for {what}")
        time.sleep(0.2)


def worker_env(bootstrap: str, database_url: str, prefix: str, group: str) -> dict[str, str]:
    """The environment a worker subprocess reads its settings from."""
    env = dict(os.environ)
    env.update(
        IPMON_EVENT_LOG_URL=f"kafka://{bootstrap}",
        IPMON_DATABASE_URL=database_url,
        IPMON_KAFKA_TOPIC_PREFIX=prefix,
        IPMON_KAFKA_PARTITIONS=str(PARTITIONS),
        IPMON_KAFKA_REPLICATION="1",
        IPMON_KAFKA_GROUP=group,
        # workers of one test share a host: none serves /metrics unless a test asks for it
        IPMON_WORKER_METRICS_PORT="0",
    )
    return env


IPMON = Path(sys.executable).with_name("ipmon")


class Worker:
    """A worker as a real subprocess, started as operators start one: `ipmon worker`."""

    def __init__(self, env: dict[str, str], log_path: Path, batch_size: int = 200) -> None:
        self.log_path = log_path
        self._out = log_path.open("ab")
        options = {"IPMON_BATCH_SIZE": str(batch_size), "IPMON_WORKER_WITHIN_S": "0.05",
                   "IPMON_WORKER_SESSION_TIMEOUT_S": "6"}
        self.proc = subprocess.Popen(
            [str(IPMON), "worker"], env={**env, **options}, cwd=REPO, stdout=self._out,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )

    def output(self) -> str:
        """Everything the worker printed so far."""
        return self.log_path.read_text(errors="replace")

    def output_has(self, text: str) -> Callable[[], bool]:
        """A check that the worker has printed `text`."""
        return lambda: text in self.output()

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no final commit."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> None:
        """A graceful stop (SIGTERM), killing it if it hangs."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()
        self._out.close()

    def alive(self) -> bool:
        """Whether the process still runs."""
        return self.proc.poll() is None


def positions(engine: Engine) -> dict[str, int]:
    """The stored positions of the main projector."""
    p = tables.positions
    with engine.connect() as conn:
        rows = conn.execute(sa.select(p.c.partition, p.c.offset).where(p.c.projector == "main"))
        return {part: int(off) for part, off in rows}


def caught_up(engine: Engine, log: KafkaEventLog) -> bool:
    """Whether the projections reflect every record of the log, and the log stopped growing."""
    ends = log.end_offsets()
    try:
        stored = positions(engine)
    except sa.exc.ProgrammingError:
        return False  # the worker has not created the tables yet
    covered = all(stored.get(label, -1) == end - 1 for label, end in ends.items() if end > 0)
    return covered and log.end_offsets() == ends


# columns that record *when* something ran rather than what the events say
_CLOCK_COLUMNS = {"alert_events": {"recorded_at", "published_at"},
                  # how often an alert was raised on the way depends on batch boundaries
                  "alerts": {"raised_at", "resolved_at", "times_raised"},
                  "deadletters": {"recorded_at"}}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return repr(value)
    return value


def dump(engine: Engine, skip: frozenset[str] = frozenset()) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection table (not positions) as sorted rows of plain values."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in tables.metadata.sorted_tables:
            if table is tables.positions or table.name in skip:
                continue
            cols = [c for c in table.c if c.name not in _CLOCK_COLUMNS.get(table.name, ())]
            rows = conn.execute(sa.select(*cols)).all()
            out[table.name] = sorted(
                (tuple(_plain(v) for v in row) for row in rows), key=repr
            )
    return out


def synthetic_events(n_series: int = 12, years: int = 6) -> list[Any]:
    """Statistics (with revisions and reported growth), notices and pilot changes."""
    from factories import notice, pilot, statistic

    out: list[Any] = []
    metrics = ("ip_pledge_financing_amount", "patent_transfer_license_count", "pct_applications")
    for s in range(n_series):
        metric, geography = metrics[s % 3], ("CN", "Zhejiang", "Hubei", "Beijing")[s // 3 % 4]
        unit = "CNY" if metric == "ip_pledge_financing_amount" else "count"
        for y in range(years):
            base = 1000 + 97 * s + 131 * y * (1 + s % 5)
            for q in range(1, 5):
                out.append(statistic(metric, f"{2015 + y}-Q{q}", str(base * q), geography=geography,
                                     unit=unit, change=f"+{(s + q) % 40}%", doc=f"s{s}y{y}"))
            out.append(statistic(metric, f"{2015 + y}", str(base * 10), geography=geography,
                                 unit=unit, doc=f"s{s}y{y}a"))
            if y % 2:
                # a later publication of the same figure: a revision
                out.append(statistic(metric, f"{2015 + y}", str(base * 10 + 7),
                                     geography=geography, unit=unit, doc=f"s{s}y{y}r",
                                     published=date(2015 + y + 1, 3, 1)))
    for i in range(10):
        out.append(notice(f"Measures number {i}", doc=f"n{i}"))
    for i, city in enumerate(("Wuhan", "Hangzhou", "Chengdu", "Xiamen")):
        out.append(pilot(city, doc=f"p{i}"))
        out.append(pilot(city, "implementing", changed=True, doc=f"p{i}c",
                         published=date(2021, 5, 1)))
    return out


def firing(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows of the `alerts` dump that are not resolved (state is the third column)."""
    return [r for r in rows if r[2] != "resolved"]


def assert_same_projections(
    actual: dict[str, list[tuple[Any, ...]]], expected: dict[str, list[tuple[Any, ...]]]
) -> None:
    """Equal projections from two pipelines that may have cut the log into other batches.

    Every table that is a function of the input events must be identical. Alert rules run
    once per applied batch, and batch boundaries depend on timing, so the *history* of
    alerts (raised mid-stream, resolved by a later batch) may legitimately differ between
    two runs; the alerts firing at the end may not.
    """
    assert set(actual) == set(expected)
    for name in expected:
        if name in ("alert_events", "alerts"):
            continue
        assert actual[name] == expected[name], f"table {name} differs"
    assert firing(actual["alerts"]) == firing(expected["alerts"])
    assert firing(expected["alerts"]), "the data set should leave some alerts firing"


def replayed(log: KafkaEventLog, path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The projections of a clean replay of the whole Kafka log into a new SQLite file."""
    from projections.rebuild import replay
    from services.bootstrap import projection_engine
    from services.rebuild import read_all

    engine = projection_engine(f"sqlite:///{path}")
    replay(engine, read_all(log))
    out = dump(engine)
    engine.dispose()
    return out


def lock_waiters(engine: Engine) -> int:
    """How many sessions of this database are blocked waiting for a lock."""
    with engine.connect() as conn:
        return int(conn.execute(sa.text(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )).scalar_one())


def ticking(start: datetime) -> Callable[[], datetime]:
    """A clock that moves on a microsecond each time it is read.

    An alert's state is the last of its events by the time they were recorded; a real
    clock moves between batches, and so must the clock of a run that compares the alerts
    of several batch sizes, or a raise and its resolution would tie.
    """
    ticks = itertools.count()
    return lambda: start + timedelta(microseconds=next(ticks))


def embedded_projections(
    tmp_path: Path, batch_size: int = 5000
) -> dict[str, list[tuple[Any, ...]]]:
    """The embedded pipeline (SQLite log, in-process runner) over the example inbox and the
    synthetic events, projected in batches of `batch_size`."""
    from events.log.sqlite import SqliteEventLog
    from projections.projector import Projector
    from services.bootstrap import projection_engine
    from services.ingest.service import IngestService, inbox_files
    from services.processor.embedded import EmbeddedRunner

    log = SqliteEventLog(tmp_path / "events.sqlite")
    IngestService(log, clock=lambda: CLOCK).ingest_paths(inbox_files(INBOX))
    log.append(synthetic_events())
    engine = projection_engine(f"sqlite:///{tmp_path / 'projections.sqlite'}")
    projector = Projector(engine)
    projector.create()
    EmbeddedRunner(log, projector, clock=ticking(CLOCK), batch_size=batch_size).catch_up()
    out = dump(engine)
    engine.dispose()
    log.close()
    return out
