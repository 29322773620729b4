"""Workers on Kafka and PostgreSQL deliver each notification once, whichever worker dies."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from factories import statistic
from pipeline_support import Worker, unique, wait_until, worker_env
from webhook_receiver import Receiver

from events.log.kafka import KafkaEventLog
from services.alerts.delivery import leases
from services.bootstrap import delivery_engine

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


def mismatch(year: int, doc: int) -> list[object]:
    return [
        statistic(period=f"{year - 1}-Q1", value="100", doc=doc, published=date(year - 1, 4, 20)),
        statistic(period=f"{year}-Q1", value="150", change="+10%", doc=doc + 1,
                  published=date(year, 4, 20)),
    ]


def holder_pid(database: str) -> int | None:
    engine = delivery_engine(database)
    try:
        with engine.connect() as conn:
            row = conn.execute(sa.select(leases.c.holder)).first()
    except sa.exc.ProgrammingError:
        return None  # not created yet
    finally:
        engine.dispose()
    return int(row.holder.split("-")[0]) if row else None


def test_the_lease_holder_dies_and_another_worker_delivers_the_rest(
    kafka_bootstrap: str, kafka_log: KafkaEventLog, prefix: str, database: str,
    tmp_path: Path, receiver: Receiver,
) -> None:
    config = tmp_path / "alerts.toml"
    config.write_text(
        f'[notify]\nlease_s = 2\npoll_s = 0.2\n\n[[webhooks]]\nname = "ops"\n'
        f'url = "{receiver.url}"\nbackoff_s = 0.2\n', encoding="utf-8")
    env = {**worker_env(kafka_bootstrap, database, prefix, unique("g")),
           "IPMON_ALERTS_CONFIG": str(config)}
    workers = [Worker(env, tmp_path / f"w{i}.log") for i in range(2)]
    try:
        kafka_log.append(mismatch(2020, 1))
        wait_until(lambda: len(receiver.keys) >= 1, 120, "the first notification")
        pid = holder_pid(database)
        dying = next(w for w in workers if w.proc.pid == pid)
        dying.kill()
        kafka_log.append(mismatch(2023, 3))
        wait_until(lambda: len(set(receiver.keys)) >= 2, 120, "the survivor to deliver")
        survivor = next(w for w in workers if w is not dying)
        assert survivor.alive(), survivor.output()
        assert holder_pid(database) == survivor.proc.pid
        # each notification once: the acknowledged one was not sent again by the survivor
        assert len(receiver.keys) == len(set(receiver.keys)) == 2, receiver.keys
    finally:
        for w in workers:
            w.stop()


@pytest.mark.parametrize("run", range(3))
def test_workers_creating_the_tables_together_all_start(database: str, run: int) -> None:
    import threading

    from projections.projector import Projector
    from services.alerts.delivery import DeliveryStore
    from services.bootstrap import projection_engine

    engines = [projection_engine(database) for _ in range(4)]
    barrier = threading.Barrier(len(engines))
    failures: list[BaseException] = []

    def start(engine: sa.engine.Engine) -> None:
        barrier.wait()
        try:
            Projector(engine).create()
            DeliveryStore(delivery_engine(database)).create()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=start, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for e in engines:
        e.dispose()
    assert failures == []
