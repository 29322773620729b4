"""The distributed pipeline survives a killed worker, a rebalance and a broker restart."""

from __future__ import annotations

import threading
from pathlib import Path

import infra
import pytest
from factories import statistic
from pipeline_support import (
    PARTITIONS,
    Worker,
    caught_up,
    dump,
    lock_waiters,
    replayed,
    synthetic_events,
    unique,
    wait_until,
    worker_env,
)

from events.log import advance
from events.log.kafka import KafkaEventLog
from projections.projector import Projector
from services.bootstrap import projection_engine

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


def test_worker_killed_mid_batch_resumes_without_loss_or_double_counting(
    kafka_bootstrap: str, kafka_log: KafkaEventLog, prefix: str, database: str, tmp_path: Path
) -> None:
    events = synthetic_events(n_series=24, years=6)
    half = len(events) // 2
    kafka_log.append(events[:half])
    env = worker_env(kafka_bootstrap, database, prefix, unique("g"))
    engine = projection_engine(database)
    Projector(engine).create()
    first = Worker(env, tmp_path / "first.log")
    try:
        wait_until(lambda: caught_up(engine, kafka_log), 120, "the first half to be projected")
        before = dump(engine)
        # Hold the positions table so the worker's next batch stops inside its transaction,
        # after writing projection rows and before storing positions and committing.
        with engine.connect() as blocker:
            blocker.exec_driver_sql("BEGIN")
            blocker.exec_driver_sql("LOCK TABLE projection_positions IN EXCLUSIVE MODE")
            kafka_log.append(events[half:])
            wait_until(lambda: lock_waiters(engine) > 0, 60, "the worker to block mid-batch")
            first.kill()
            blocker.exec_driver_sql("ROLLBACK")
    finally:
        first.stop()
    assert dump(engine) == before  # the killed batch left nothing behind
    second = Worker(env, tmp_path / "second.log")
    try:
        wait_until(lambda: caught_up(engine, kafka_log), 120, "the restarted worker to catch up")
        assert second.alive(), second.output()
        actual = dump(engine)
    finally:
        second.stop()
        engine.dispose()
    expected = replayed(kafka_log, tmp_path / "replay.sqlite")
    assert actual == expected
    assert len(actual["observations"]) == sum(1 for e in events if e.stream == "statistics")


def test_second_worker_joining_mid_stream_rebalances_to_the_same_result(
    kafka_bootstrap: str, kafka_log: KafkaEventLog, prefix: str, database: str, tmp_path: Path
) -> None:
    events = synthetic_events(n_series=24, years=6)
    chunks = [events[i : i + 100] for i in range(0, len(events), 100)]
    env = worker_env(kafka_bootstrap, database, prefix, unique("g"))
    engine = projection_engine(database)
    a = Worker(env, tmp_path / "a.log")
    b: Worker | None = None
    try:
        # B must join a group A already leads, or there is no rebalance to prove
        wait_until(a.output_has("assigned ["), 120, "the first worker's assignment")
        for i, chunk in enumerate(chunks):
            kafka_log.append(chunk)
            if i == len(chunks) // 3:
                b = Worker(env, tmp_path / "b.log")
                wait_until(b.output_has("assigned ["), 120, "the second worker's share")
        wait_until(lambda: caught_up(engine, kafka_log), 120, "both workers to catch up")
        assert a.alive() and b is not None and b.alive(), a.output()
        actual = dump(engine)
    finally:
        a.stop()
        if b is not None:
            b.stop()
        engine.dispose()
    # B was given partitions, and A's share shrank from all of them to the rest
    b_lines = [ln for ln in b.output().splitlines() if "assigned [" in ln]
    a_lines = [ln for ln in a.output().splitlines() if "assigned [" in ln]
    assert any("assigned []" not in ln for ln in b_lines), b.output()
    assert len(a_lines) >= 2 and a_lines[-1].count(":") < a_lines[0].count(":"), a_lines
    assert actual == replayed(kafka_log, tmp_path / "replay.sqlite")
    assert len(actual["observations"]) == sum(1 for e in events if e.stream == "statistics")


def test_broker_restart_while_ingesting_stores_every_event_exactly_once(
    kafka_bootstrap: str, prefix: str
) -> None:
    broker = infra.broker_for(kafka_bootstrap)
    assert broker is not None and broker.restartable, "this test needs a broker it can restart"
    events = [
        statistic(period=f"{2000 + i % 50}-Q{1 + i // 50 % 4}", value=str(i + 1),
                  geography=f"G{i % 7}", doc=f"r{i // 200}")
        for i in range(3000)
    ]
    batches = [events[i : i + 50] for i in range(0, len(events), 50)]
    sent, outage = threading.Event(), threading.Event()
    failures: list[BaseException] = []
    retries = [0]

    def ingest() -> None:
        log = KafkaEventLog(kafka_bootstrap, prefix=prefix, partitions=PARTITIONS, timeout_s=10)
        try:
            for i, batch in enumerate(batches):
                if i == len(batches) // 3:
                    sent.set()
                    outage.wait(60)  # the rest is produced while the broker is down
                while True:
                    try:
                        log.append(batch)  # idempotent: retrying a half-stored batch is safe
                        break
                    except Exception:
                        retries[0] += 1
                        if retries[0] > 200:
                            raise
        except BaseException as exc:
            failures.append(exc)
        finally:
            sent.set()
            log.close()

    thread = threading.Thread(target=ingest)
    thread.start()
    assert sent.wait(120)
    broker.stop()
    outage.set()
    try:
        threading.Event().wait(3)  # let the ingester run into the outage
    finally:
        broker.start()
    thread.join(300)
    assert not thread.is_alive() and not failures, failures
    reader = KafkaEventLog(kafka_bootstrap, prefix=prefix, partitions=PARTITIONS)
    try:
        stored, cursor = [], None
        while batch := reader.read("statistics", cursor, 5000):
            stored += batch
            cursor = advance(cursor, batch)
    finally:
        reader.close()
    ids = [r.event_id for r in stored]
    assert len(ids) == len(events)
    assert set(ids) == {str(e.event_id) for e in events}
    assert len(set(ids)) == len(ids)

