"""Scale-out on the real broker: two workers of one group share four partitions."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from pipeline_support import (
    Worker,
    assert_same_projections,
    caught_up,
    dump,
    replayed,
    synthetic_events,
    unique,
    wait_until,
    worker_env,
)

from events.log.kafka import KafkaEventLog
from projections import tables
from services.bootstrap import projection_engine

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


def test_two_workers_on_four_partitions_apply_every_event_exactly_once(
    kafka_bootstrap: str, prefix: str, database: str, tmp_path: Path
) -> None:
    log = KafkaEventLog(kafka_bootstrap, prefix=prefix, partitions=4)
    env = {**worker_env(kafka_bootstrap, database, prefix, unique("g")),
           "IPMON_KAFKA_PARTITIONS": "4"}
    workers = [Worker(env, tmp_path / f"w{i}.log") for i in range(2)]
    engine = projection_engine(database)
    events = synthetic_events()
    try:
        for w in workers:
            # each worker holds partitions of its own before the first event is appended
            wait_until(w.output_has("assigned ['"), 120, "both workers to get partitions")
        for i in range(0, len(events), 20):
            log.append(events[i : i + 20])
        wait_until(lambda: caught_up(engine, log), 180, "the two workers to catch up")
        assert all(w.alive() for w in workers), [w.output() for w in workers]
        with engine.connect() as conn:
            ids = conn.execute(sa.select(tables.observations.c.event_id)).scalars().all()
        actual = dump(engine)
    finally:
        for w in workers:
            w.stop()
        engine.dispose()
    statistics = sorted(str(e.event_id) for e in events if e.stream == "statistics")
    assert sorted(ids) == statistics  # each once: none lost, none twice
    assert_same_projections(actual, replayed(log, tmp_path / "replayed.sqlite"))
    log.close()
