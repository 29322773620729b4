"""The distributed pipeline on a real Kafka broker and a real PostgreSQL server."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from kafka import KafkaProducer
from pipeline_support import (
    CLOCK,
    INBOX,
    PARTITIONS,
    Worker,
    assert_same_projections,
    caught_up,
    dump,
    embedded_projections,
    positions,
    replayed,
    synthetic_events,
    unique,
    wait_until,
    worker_env,
)

from events.jsonschema import SCHEMA_DIR
from events.log.kafka import KafkaEventLog
from events.streams import topic_name
from services.bootstrap import projection_engine
from services.ingest.service import IngestService, inbox_files
from services.rebuild import rebuild_projections
from services.settings import Settings

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


def test_end_to_end_matches_the_embedded_pipeline(
    kafka_bootstrap: str, kafka_log: KafkaEventLog, prefix: str, database: str, tmp_path: Path
) -> None:
    expected = embedded_projections(tmp_path)
    ingested = IngestService(kafka_log, clock=lambda: CLOCK).ingest_paths(inbox_files(INBOX))
    assert ingested.new > 20 and not ingested.errors
    assert kafka_log.append(synthetic_events()).new == len(synthetic_events())
    # the embedded run projects the log in one batch; the worker takes it in its own batches
    # of each partition, in whatever order the partitions come: firing alerts are the same
    worker = Worker(worker_env(kafka_bootstrap, database, prefix, unique("g")),
                    tmp_path / "worker.log")
    engine = projection_engine(database)
    try:
        wait_until(lambda: caught_up(engine, kafka_log), 120, "the worker to catch up")
        assert worker.alive(), worker.output()
        actual = dump(engine)
        stored = positions(engine)
    finally:
        worker.stop()
    assert sum(len(rows) for rows in expected.values()) > 100
    assert_same_projections(actual, expected)

    # `ipmon rebuild` on PostgreSQL: a replay into a fresh schema swapped in for the live one
    settings = Settings(
        event_log_url=f"kafka://{kafka_bootstrap}", database_url=database,
        kafka_topic_prefix=prefix, kafka_partitions=PARTITIONS,
    )
    rebuild_projections(settings)
    try:
        assert dump(engine) == actual == replayed(kafka_log, tmp_path / "replay.sqlite")
        assert positions(engine) == stored
    finally:
        engine.dispose()


def test_poison_messages_are_dead_lettered_and_the_worker_keeps_up(
    kafka_bootstrap: str, kafka_log: KafkaEventLog, prefix: str, database: str, tmp_path: Path
) -> None:
    good = synthetic_events(n_series=3, years=2)
    kafka_log.append(good[:10])
    poison = [
        b"not json {",
        b'{"event_type": "StatisticPublished", "schema_version": 2, "payload": {"metric": "X"}}',
        json.dumps({"event_id": str(uuid.uuid4()), "event_type": "MarketCrashed",
                    "schema_version": 1, "payload": {}}).encode(),
    ]
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    for value in poison:
        # the key of the good events' series: poison sits in the middle of a live partition
        producer.send(topic_name("statistics", prefix), key=good[0].subject.encode(), value=value)
    producer.flush()
    producer.close()
    kafka_log.append(good[10:])
    worker = Worker(worker_env(kafka_bootstrap, database, prefix, unique("g")),
                    tmp_path / "worker.log")
    engine = projection_engine(database)
    try:
        wait_until(lambda: caught_up(engine, kafka_log), 120, "the worker to get past the poison")
        assert worker.alive(), worker.output()
        actual = dump(engine)
    finally:
        worker.stop()
        engine.dispose()
    dead = [r.event() for r in kafka_log.read("deadletter")]
    assert sorted(e.payload.raw.encode() for e in dead) == sorted(poison)  # type: ignore[attr-defined]
    errors = " | ".join(e.payload.error for e in dead)  # type: ignore[attr-defined]
    assert "not JSON" in errors and "metric" in errors and "unknown event_type" in errors
    assert len(actual["deadletters"]) == len(poison)
    assert len(actual["observations"]) == sum(1 for e in good if e.stream == "statistics")


def test_downstream_consumer_and_tail_read_every_event(
    kafka_bootstrap: str, kafka_log: KafkaEventLog, prefix: str, tmp_path: Path
) -> None:
    env = {**worker_env(kafka_bootstrap, "", prefix, "unused"), "IPMON_POLL_INTERVAL_S": "0.1"}
    env.pop("IPMON_DATABASE_URL")
    ipmon = Path(sys.executable).with_name("ipmon")
    tail = subprocess.Popen(
        [str(ipmon), "tail", "--stream", "statistics", "--event-log", f"kafka://{kafka_bootstrap}"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=tmp_path,
    )
    lines: list[bytes] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(tail.stdout.readline, b"")))  # type: ignore[union-attr]
    reader.start()
    events = synthetic_events(n_series=3, years=2)
    statistics = [e for e in events if e.stream == "statistics"]
    try:
        # appended only now, while `ipmon tail` is already following the stream
        for i in range(0, len(events), 10):
            kafka_log.append(events[i : i + 10])
        wait_until(lambda: len(lines) >= len(statistics), 60, "ipmon tail to show every event")
    finally:
        tail.terminate()
        tail.wait(30)
        reader.join(30)
    shown = [json.loads(line) for line in lines]
    assert sorted(x["event_id"] for x in shown) == sorted(str(e.event_id) for e in statistics)
    assert {x["event_type"] for x in shown} == {"StatisticPublished"}

    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("downstream_consumer.py")),
         kafka_bootstrap, prefix, str(len(events)), str(SCHEMA_DIR)],
        capture_output=True, cwd=tmp_path, timeout=180, check=True,
    )
    summary = json.loads(done.stdout)
    assert summary["ipmon_modules"] == []
    assert summary["invalid"] == []
    assert summary["header_errors"] == []
    assert sorted(summary["ids"]) == sorted(str(e.event_id) for e in events)
