"""The distributed pipeline on a real Kafka broker and a real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pipeline_support import (
    CLOCK,
    INBOX,
    PARTITIONS,
    Worker,
    caught_up,
    dump,
    synthetic_events,
    fresh_database,
    unique,
    wait_until,
    worker_env,
)

from events.log.kafka import KafkaEventLog
from events.log.sqlite import SqliteEventLog
from projections.projector import Projector
from services.bootstrap import projection_engine
from services.ingest.service import IngestService, inbox_files
from services.processor.embedded import EmbeddedRunner

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


@pytest.fixture
def database(postgres_url: str) -> Iterator[str]:
    with fresh_database(postgres_url) as url:
        yield url


@pytest.fixture
def prefix() -> str:
    return unique("it")


@pytest.fixture
def kafka_log(kafka_bootstrap: str, prefix: str) -> Iterator[KafkaEventLog]:
    log = KafkaEventLog(kafka_bootstrap, prefix=prefix, partitions=PARTITIONS)
    yield log
    log.close()


def embedded_projections(tmp_path: Path) -> dict:  # type: ignore[type-arg]
    """The embedded pipeline (SQLite log, in-process runner) over the example inbox."""
    log = SqliteEventLog(tmp_path / "events.sqlite")
    IngestService(log, clock=lambda: CLOCK).ingest_paths(inbox_files(INBOX))
    log.append(synthetic_events())
    engine = projection_engine(f"sqlite:///{tmp_path / 'projections.sqlite'}")
    projector = Projector(engine)
    projector.create()
    EmbeddedRunner(log, projector, clock=lambda: CLOCK).catch_up()
    out = dump(engine)
    engine.dispose()
    log.close()
    return out


def test_end_to_end_matches_the_embedded_pipeline(
    kafka_bootstrap: str, kafka_log: KafkaEventLog, prefix: str, database: str, tmp_path: Path
) -> None:
    expected = embedded_projections(tmp_path)
    ingested = IngestService(kafka_log, clock=lambda: CLOCK).ingest_paths(inbox_files(INBOX))
    assert ingested.new > 20 and not ingested.errors
    assert kafka_log.append(synthetic_events()).new == len(synthetic_events())
    worker = Worker(worker_env(kafka_bootstrap, database, prefix, unique("g")),
                    tmp_path / "worker.log")
    engine = projection_engine(database)
    try:
        wait_until(lambda: caught_up(engine, kafka_log), 120, "the worker to catch up")
        assert worker.alive(), worker.output()
        actual = dump(engine)
    finally:
        worker.stop()
        engine.dispose()
    assert sum(len(rows) for rows in expected.values()) > 100
    import pickle; pickle.dump((actual, expected), open('/tmp/e2e.pkl','wb'))
    assert actual == expected
