"""`ipmon rebuild` on PostgreSQL while a worker keeps committing: no stop, no loss, no repeat."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from factories import statistic
from fastapi.testclient import TestClient
from infra import free_ports
from pipeline_support import (
    IPMON,
    PARTITIONS,
    REPO,
    Worker,
    caught_up,
    dump,
    lock_waiters,
    positions,
    replayed,
    synthetic_events,
    unique,
    wait_until,
    worker_env,
)
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import Engine

from events.log.kafka import KafkaEventLog
from projections.projector import Projector
from services.api import create_app
from services.api.context import ApiContext
from services.bootstrap import projection_engine
from services.rebuild import read_all, rebuild_projections
from services.settings import Settings

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


def schema_oid(engine: Engine, name: str = "ipmon") -> int | None:
    """The catalogue id of a schema: a swap gives the live name to another schema."""
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT oid::bigint FROM pg_namespace WHERE nspname = :n"),
                            {"n": name}).scalar_one_or_none()


def tables_in(engine: Engine, name: str) -> int:
    """How many tables a schema holds."""
    with engine.connect() as conn:
        return int(conn.execute(sa.text(
            "SELECT count(*) FROM pg_tables WHERE schemaname = :n"), {"n": name}).scalar_one())


def more_statistics() -> Iterator[Any]:
    """An endless run of distinct quarterly figures, as a statistics office keeps publishing."""
    i = 0
    while True:
        province = ("Guangdong", "Jiangsu", "Shandong", "Sichuan")[i % 4]
        # past the last year a period may have, the run goes on revising the earliest ones
        yield statistic("patent_transfer_license_count",
                        f"{1990 + i // 16 % 200}-Q{i // 4 % 4 + 1}",
                        str(4200 + 37 * i), geography=province, unit="count", doc=f"live{i}")
        i += 1


class Producer(threading.Thread):
    """Appends a few events at a time, back to back, until stopped: the log never rests."""

    def __init__(self, bootstrap: str, prefix: str) -> None:
        super().__init__(daemon=True)
        self.log = KafkaEventLog(bootstrap, prefix=prefix, partitions=PARTITIONS)
        self.stop = threading.Event()
        self.sent: list[Any] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        source = more_statistics()
        try:
            while not self.stop.is_set():
                chunk = [next(source) for _ in range(8)]
                self.log.append(chunk)
                self.sent += chunk
        except BaseException as exc:  # reported by the test, not lost in the thread
            self.error = exc
        finally:
            self.log.close()


class Reader(threading.Thread):
    """Asks the API for the metric list over and over, noting every answer."""

    def __init__(self, engine: Engine, log: KafkaEventLog) -> None:
        super().__init__(daemon=True)
        self.client = TestClient(create_app(ApiContext(engine=engine, log=log)))
        self.stop = threading.Event()
        self.answers: list[tuple[int, int]] = []
        self.slowest = 0.0

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.perf_counter()
            got = self.client.get("/api/metrics")
            self.slowest = max(self.slowest, time.perf_counter() - started)
            self.answers.append((got.status_code, len(got.json())))
            time.sleep(0.02)


class TrailingWorker(Worker):
    """`ipmon worker` taking a batch a second, so that it trails the head of the log."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self._out = log_path.open("ab")
        options = {"IPMON_BATCH_SIZE": "2000", "IPMON_WORKER_WITHIN_S": "1.0",
                   "IPMON_WORKER_SESSION_TIMEOUT_S": "6"}
        self.proc = subprocess.Popen(
            [str(IPMON), "worker"], env={**env, **options}, cwd=REPO, stdout=self._out,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )


def worker_records(port: int) -> dict[str, float]:
    """The worker's own count of records by outcome (applied, skipped, rejected)."""
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    (family,) = (f for f in text_string_to_metric_families(text)
                 if f.name == "ipmon_worker_records")
    return {s.labels["outcome"]: s.value for s in family.samples if s.name.endswith("_total")}


def rebuild(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`ipmon rebuild` as an operator runs it, its settings from the environment."""
    return subprocess.run([str(IPMON), "rebuild"], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=150, stdin=subprocess.DEVNULL)


def test_rebuild_swaps_in_while_the_worker_keeps_committing(
    kafka_bootstrap: str, kafka_log: KafkaEventLog, prefix: str, database: str, tmp_path: Path
) -> None:
    events = synthetic_events(n_series=24, years=6)
    kafka_log.append(events)
    (port,) = free_ports(1)
    env = worker_env(kafka_bootstrap, database, prefix, unique("g"))
    engine = projection_engine(database)
    Projector(engine).create()
    worker = TrailingWorker({**env, "IPMON_WORKER_METRICS_PORT": str(port)},
                            tmp_path / "worker.log")
    producer = Producer(kafka_bootstrap, prefix)
    reader = Reader(engine, kafka_log)
    try:
        wait_until(lambda: caught_up(engine, kafka_log), 120, "the first events to be projected")
        live_before = schema_oid(engine)
        producer.start()
        reader.start()
        wait_until(lambda: len(producer.sent) > 100, 60, "the producer to get going")
        before = sum(positions(engine).values())
        started = time.monotonic()
        rebuilt = rebuild(env)
        took = time.monotonic() - started
        during = sum(positions(engine).values()) - before
        producer.stop.set()
        producer.join(120)
        assert not producer.is_alive(), "an append never returned"
        # and more after the swap, into the tables the worker now writes
        after = [statistic("pct_applications", f"{2040 + i}", str(81000 + 13 * i),
                           unit="count", doc=f"swapped{i}") for i in range(40)]
        kafka_log.append(after)
        wait_until(lambda: caught_up(engine, kafka_log), 180, "the worker to catch up")
        reader.stop.set()
        reader.join(60)
        assert worker.alive(), worker.output()
        counted = worker_records(port)
        records = sum(kafka_log.end_offsets().values())
        actual = dump(engine)
        live_after = schema_oid(engine)
        leftovers = tables_in(engine, "ipmon_rebuild") + tables_in(engine, "ipmon_old")
    finally:
        producer.stop.set()
        reader.stop.set()
        worker.stop()
        engine.dispose()
    assert producer.error is None, producer.error
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert live_after != live_before, "the rebuilt schema was not swapped in"
    assert leftovers == 0
    # the worker kept committing while the rebuild ran
    assert during > 0, f"no commits during the {took:.1f}s rebuild"
    # every event applied exactly once: the tables equal a replay of the whole log
    expected = replayed(kafka_log, tmp_path / "replay.sqlite")
    assert actual == expected
    statistics = sum(1 for e in events if e.stream == "statistics") + len(producer.sent) + 40
    assert len(actual["observations"]) == statistics
    # and the worker itself met each record once: the rebuild never got ahead of it, so it
    # skipped none (a record it skips would raise no alert), and applied the whole log
    assert counted["skipped"] == 0, counted
    assert counted["applied"] == records, (counted, records)
    # the API answered throughout, never with an empty or failed page
    assert len(reader.answers) > 20
    assert {status for status, _ in reader.answers} == {200}
    assert min(n for _, n in reader.answers) >= 3
    print(f"rebuild took {took:.1f}s with {during} offsets committed meanwhile; "
          f"{len(reader.answers)} API answers, slowest {reader.slowest * 1000:.0f} ms")


def hold_partition_lock(conn: sa.Connection, label: str) -> None:
    """Take the lock a worker batch of `label` takes, for as long as this session lasts."""
    conn.execute(sa.text("SELECT pg_advisory_lock(hashtextextended(:k, 0))"),
                 {"k": f"main/{label}"})


def test_a_killed_rebuild_leaves_the_live_tables_serving_and_a_rerun_swaps(
    kafka_bootstrap: str, kafka_log: KafkaEventLog, prefix: str, database: str, tmp_path: Path
) -> None:
    events = synthetic_events(n_series=48, years=10)
    kafka_log.append(events)
    env = worker_env(kafka_bootstrap, database, prefix, unique("g"))
    engine = projection_engine(database)
    Projector(engine).create()
    worker = Worker(env, tmp_path / "worker.log")
    try:
        wait_until(lambda: caught_up(engine, kafka_log), 180, "the events to be projected")
        before, live = dump(engine), schema_oid(engine)
        # SIGKILL mid-replay: as soon as the fresh schema has its first tables
        replaying = subprocess.Popen([str(IPMON), "rebuild"], env=env, cwd=REPO,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while not tables_in(engine, "ipmon_rebuild") and replaying.poll() is None:
            assert time.monotonic() < deadline, "the replay never started"
            time.sleep(0.01)
        replaying.kill()
        assert replaying.wait(30) == -9, "the rebuild finished before it could be killed"
        assert tables_in(engine, "ipmon_rebuild") > 0  # killed before any swap
        assert (dump(engine), schema_oid(engine)) == (before, live)
        # SIGKILL inside the swap, while it waits for a worker's partition lock
        label = sorted(kafka_log.end_offsets())[0]
        with engine.connect() as holder:
            hold_partition_lock(holder, label)
            swapping = subprocess.Popen([str(IPMON), "rebuild"], env=env, cwd=REPO,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
            wait_until(lambda: lock_waiters(engine) > 0, 120, "the swap to wait for the lock")
            swapping.kill()
            assert swapping.wait(30) == -9
            # the session goes back to the pool, and a session lock outlives a transaction
            holder.execute(sa.text("SELECT pg_advisory_unlock_all()"))
        # the killed client's server session ends once it stops waiting
        wait_until(lambda: lock_waiters(engine) == 0, 60, "the killed swap's session to end")
        assert (dump(engine), schema_oid(engine)) == (before, live)
        # still serving: the worker projects what comes next into the live tables
        later = [statistic("pct_applications", f"{2030 + i}", str(70000 + i), unit="count",
                           doc=f"after{i}") for i in range(30)]
        kafka_log.append(later)
        wait_until(lambda: caught_up(engine, kafka_log), 120, "the worker to project more")
        assert len(dump(engine)["observations"]) == len(before["observations"]) + 30
        rerun = rebuild(env)
        assert rerun.returncode == 0, rerun.stderr
        actual, swapped = dump(engine), schema_oid(engine)
        leftovers = tables_in(engine, "ipmon_rebuild") + tables_in(engine, "ipmon_old")
    finally:
        worker.stop()
        engine.dispose()
    assert swapped != live and leftovers == 0
    assert actual == replayed(kafka_log, tmp_path / "replay.sqlite")


def settings_for(bootstrap: str, database: str, prefix: str) -> Settings:
    return Settings(event_log_url=f"kafka://{bootstrap}", database_url=database,
                    kafka_topic_prefix=prefix, kafka_partitions=PARTITIONS)


def test_the_rebuild_stops_where_the_workers_are_so_their_next_batch_skips_nothing(
    kafka_bootstrap: str, kafka_log: KafkaEventLog, prefix: str, database: str, tmp_path: Path
) -> None:
    kafka_log.append(synthetic_events(n_series=6, years=3))
    records = list(chain.from_iterable(read_all(kafka_log)))
    half = len(records) // 2
    engine = projection_engine(database)
    live = Projector(engine)
    live.create()
    try:
        # what the workers committed so far; the rest still waits in their streams
        live.apply(records[:half])
        reached = positions(engine)
        rebuild_projections(settings_for(kafka_bootstrap, database, prefix))
        assert positions(engine) == reached
        # the workers' next batch applies every record of it, and raises its alerts
        rest = live.apply(records[half:])
        actual = dump(engine)
    finally:
        engine.dispose()
    assert rest.skipped == 0
    assert rest.applied == len(records) - half
    assert actual == replayed(kafka_log, tmp_path / "replay.sqlite")


def test_the_swap_waits_for_a_batch_in_flight_and_keeps_it(
    kafka_bootstrap: str, kafka_log: KafkaEventLog, prefix: str, database: str, tmp_path: Path
) -> None:
    kafka_log.append(synthetic_events(n_series=6, years=3))
    records = list(chain.from_iterable(read_all(kafka_log)))
    half = len(records) // 2
    engine = projection_engine(database)
    live = Projector(engine)
    live.create()
    live.apply(records[:half])
    failures: list[BaseException] = []

    def run() -> None:
        try:
            rebuild_projections(settings_for(kafka_bootstrap, database, prefix))
        except BaseException as exc:  # reported by the test below
            failures.append(exc)

    rebuilding = threading.Thread(target=run)
    try:
        # a worker's batch, as run_batch does it: its partitions' locks, then its rows
        with engine.connect() as batch, batch.begin():
            labels = sorted({r.position.partition for r in records[half:]})
            live.store.lock_partitions(batch, live.name, labels)
            live.apply_in(batch, records[half:])
            rebuilding.start()
            wait_until(lambda: lock_waiters(engine) > 0, 120, "the swap to wait for the batch")
        rebuilding.join(120)
        actual, stored = dump(engine), positions(engine)
    finally:
        engine.dispose()
    assert not failures and not rebuilding.is_alive(), failures
    ends = kafka_log.end_offsets()
    assert stored == {label: end - 1 for label, end in ends.items() if end > 0}
    assert actual == replayed(kafka_log, tmp_path / "replay.sqlite")
