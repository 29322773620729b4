"""Fixtures of the Kafka pipeline tests: a fresh database, topic prefix and Kafka log."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pipeline_support import PARTITIONS, fresh_database, unique

from events.log.kafka import KafkaEventLog


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
