"""Kafka records of events: partition labels, headers, ids, topics and the partitioner.

The pieces of the Kafka event log (`events.log.kafka`) that deal with one record or one
topic at a time; see that module for the layout, positions and guarantees.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Any

import orjson
from kafka import KafkaAdminClient
from kafka.errors import TopicAlreadyExistsError
from kafka.partitioner import DefaultPartitioner
from kafka.partitioner.default import murmur2

from events.cloudevents import binary_mode_headers
from events.envelope import Event
from events.streams import STREAMS, TOPIC_CONFIG, topic_name


def partition_label(topic: str, partition: int) -> str:
    """The `Position.partition` of a Kafka partition: ``topic:partition``."""
    return f"{topic}:{partition}"


def parse_label(label: str) -> tuple[str, int]:
    """The topic and partition number named by a `Position.partition`."""
    topic, _, part = label.rpartition(":")
    return topic, int(part)


def record_headers(event: Event) -> list[tuple[str, bytes]]:
    """The headers of an event's record: `event_id`, `event_type`, then the CloudEvents ones."""
    return [
        ("event_id", str(event.event_id).encode()),
        ("event_type", event.event_type.encode()),
        *binary_mode_headers(event),
    ]


def record_ids(headers: Iterable[tuple[str, bytes | None]], value: bytes | None) -> tuple[str, str]:
    """The event id and type of a Kafka record: from headers, else from its JSON, else ''."""
    found = {k: v.decode("utf-8", "replace") for k, v in headers if v is not None}
    if "event_id" in found and "event_type" in found:
        return found["event_id"], found["event_type"]
    try:
        raw = orjson.loads(value or b"")
    except orjson.JSONDecodeError:
        return "", ""
    if not isinstance(raw, dict):
        return "", ""
    eid, etype = raw.get("event_id"), raw.get("event_type")
    return (eid if isinstance(eid, str) else ""), (etype if isinstance(etype, str) else "")


def ensure_topics(
    bootstrap: str, prefix: str, partitions: int, replication: int, timeout_s: float = 30.0
) -> list[str]:
    """Create every missing stream topic; return all of their names."""
    names = [topic_name(s, prefix) for s in STREAMS]
    admin = KafkaAdminClient(
        bootstrap_servers=bootstrap,
        client_id=f"{prefix}-admin",
        request_timeout_ms=int(timeout_s * 1000),
    )
    try:
        existing = set(admin.list_topics())
        missing = [n for n in names if n not in existing]
        if missing:
            spec = {
                n: {
                    "num_partitions": partitions,
                    "replication_factor": replication,
                    "configs": dict(TOPIC_CONFIG),
                }
                for n in missing
            }
            # another process may create them first: that is all we wanted
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics(spec, timeout_ms=int(timeout_s * 1000), wait_for_metadata=True)
    finally:
        admin.close()
    return names


class SubjectPartitioner(DefaultPartitioner):  # type: ignore[misc]
    """Kafka's default key partitioner (murmur2), remembering each key's hash.

    kafka-python computes murmur2 in pure Python on every send, a tenth of an append's
    cost; events share a few thousand subjects, so the hash is looked up instead. The
    partition chosen is exactly the default one, so keys keep their partitions (and their
    order) across versions and across clients in other languages.
    """

    def __init__(self) -> None:
        self._hashes: dict[bytes, int] = {}

    def partition(
        self,
        topic: str,
        key: Any,
        serialized_key: bytes | None,
        value: Any,
        serialized_value: Any,
        cluster: Any,
    ) -> int:
        if serialized_key is None:
            return int(super().partition(topic, key, None, value, serialized_value, cluster))
        parts = cluster.partitions_for_topic(topic)
        if not parts:
            raise ValueError(f"Topic {topic} not found in ClusterMetadata")
        idx = self._hashes.get(serialized_key)
        if idx is None:
            if len(self._hashes) > 1_000_000:
                self._hashes.clear()  # bound the memory of an unusually wide key space
            idx = self._hashes[serialized_key] = murmur2(serialized_key) & 0x7FFFFFFF
        return int(sorted(parts)[idx % len(parts)])
