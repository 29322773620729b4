"""The real servers behind the integration tests: a Kafka broker and a PostgreSQL database."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Iterator
from typing import Any

import infra
import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from pipeline_support import poll_records
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def _new_topic(bootstrap: str, partitions: int = 1) -> str:
    topic = f"ipmon.test-infra-{uuid.uuid4().hex[:12]}.v1"
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="ipmon-test-infra")
    try:
        admin.create_topics(
            {topic: {"num_partitions": partitions, "replication_factor": 1}},
            timeout_ms=30_000,
            wait_for_metadata=True,
        )
        described = admin.describe_topics([topic])
    finally:
        admin.close()
    assert [t["name"] for t in described] == [topic]
    assert len(described[0]["partitions"]) == partitions
    return topic


def _produce(bootstrap: str, topic: str, messages: list[tuple[bytes, bytes]]) -> list[Any]:
    """Send ``(key, value)`` pairs with acks=all and idempotence; their record metadata."""
    producer = KafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        enable_idempotence=True,
        client_id="ipmon-test-infra",
    )
    try:
        futures = [producer.send(topic, key=key, value=value) for key, value in messages]
        producer.flush(timeout=30)
        return [future.get(timeout=30) for future in futures]
    finally:
        producer.close(timeout=10)


def _read_all(
    bootstrap: str, partition: TopicPartition, count: int, timeout_s: float = 30.0
) -> list[Any]:
    """The first ``count`` records of one partition, read from its beginning."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        client_id="ipmon-test-infra",
    )
    try:
        consumer.assign([partition])
        consumer.seek_to_beginning(partition)
        return poll_records(consumer, count, timeout_s)
    finally:
        consumer.close()


@pytest.fixture
def restartable_broker(kafka_bootstrap: str) -> Iterator[infra.KafkaBroker]:
    broker = infra.broker_for(kafka_bootstrap)
    if broker is None or not broker.restartable:
        pytest.skip(f"the broker at {kafka_bootstrap} is not one this session can restart")
    yield broker
    if not _accepts_connections(kafka_bootstrap):
        broker.start()  # leave it running for the tests after this one


def _accepts_connections(bootstrap: str) -> bool:
    host, _, port = bootstrap.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            return True
    except OSError:
        return False


@pytest.mark.kafka
def test_kafka_produce_and_consume_in_order(kafka_bootstrap: str) -> None:
    topic = _new_topic(kafka_bootstrap, partitions=2)
    messages = [(b"series-1", f"value-{i}".encode()) for i in range(5)]

    metadata = _produce(kafka_bootstrap, topic, messages)

    # one key, one partition, consecutive offsets from zero
    assert {m.partition for m in metadata} == {metadata[0].partition}
    assert [m.offset for m in metadata] == [0, 1, 2, 3, 4]
    partition = TopicPartition(topic, metadata[0].partition)
    records = _read_all(kafka_bootstrap, partition, len(messages))
    assert [(r.offset, r.key, r.value) for r in records] == [
        (offset, key, value) for offset, (key, value) in enumerate(messages)
    ]


@pytest.mark.kafka
def test_kafka_consumer_group_commits_offsets(kafka_bootstrap: str) -> None:
    topic = _new_topic(kafka_bootstrap)
    _produce(kafka_bootstrap, topic, [(b"k", b"a"), (b"k", b"b"), (b"k", b"c")])
    group = f"ipmon-test-infra-{uuid.uuid4().hex[:8]}"
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=kafka_bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    try:
        values: list[bytes] = []
        deadline = time.monotonic() + 60
        while len(values) < 3 and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                values.extend(record.value for record in batch)
        assert values == [b"a", b"b", b"c"]
        consumer.commit()
        assert consumer.committed(TopicPartition(topic, 0)) == 3
    finally:
        consumer.close()


@pytest.mark.kafka
def test_kafka_keeps_messages_across_a_broker_restart(
    kafka_bootstrap: str, restartable_broker: infra.KafkaBroker
) -> None:
    topic = _new_topic(kafka_bootstrap)
    before = [(b"pilot-1", b"designated"), (b"pilot-1", b"status-changed")]
    _produce(kafka_bootstrap, topic, before)

    restartable_broker.stop()
    assert not _accepts_connections(kafka_bootstrap)
    restartable_broker.start()

    assert restartable_broker.bootstrap == kafka_bootstrap
    partition = TopicPartition(topic, 0)
    after = [(b"pilot-1", b"revoked")]
    metadata = _produce(kafka_bootstrap, topic, after)
    assert [m.offset for m in metadata] == [2]
    records = _read_all(kafka_bootstrap, partition, 3)
    assert [(r.offset, r.key, r.value) for r in records] == [
        (offset, key, value) for offset, (key, value) in enumerate(before + after)
    ]


@pytest.mark.postgres
def test_postgres_round_trip(postgres_url: str) -> None:
    assert make_url(postgres_url).drivername == "postgresql+psycopg"
    engine = create_engine(postgres_url)
    table = f"ipmon_test_infra_{uuid.uuid4().hex[:8]}"
    try:
        with engine.begin() as conn:
            version = conn.execute(text("SHOW server_version_num")).scalar_one()
            assert int(version) >= 140000
            conn.execute(
                text(
                    f"CREATE TABLE {table} (id BIGSERIAL PRIMARY KEY, metric TEXT NOT NULL, "
                    "value NUMERIC NOT NULL, period JSONB NOT NULL)"
                )
            )
            conn.execute(
                text(f"INSERT INTO {table} (metric, value, period) VALUES (:m, :v, :p)"),
                [
                    {"m": "pct_applications", "v": "12.5", "p": '{"kind": "year", "year": 2020}'},
                    {"m": "pct_applications", "v": "13", "p": '{"kind": "year", "year": 2021}'},
                ],
            )
        with engine.connect() as conn:
            rows = conn.execute(
                text(f"SELECT metric, value, period FROM {table} ORDER BY id")
            ).all()
            assert [(r.metric, str(r.value), r.period["year"]) for r in rows] == [
                ("pct_applications", "12.5", 2020),
                ("pct_applications", "13", 2021),
            ]
            conn.execute(text(f"DROP TABLE {table}"))
            conn.commit()
    finally:
        engine.dispose()
