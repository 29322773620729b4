"""Records on a real Kafka broker are CloudEvents in binary mode, read by the CloudEvents SDK."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary
from cloudevents.core.formats.json import JSONFormat
from golden_events import golden_events
from kafka import KafkaConsumer
from pipeline_support import poll_records

from events.codec import encode
from events.jsonschema import SCHEMA_DIR
from events.log.kafka import KafkaEventLog

pytestmark = pytest.mark.kafka


def raw_records(bootstrap: str, topics: list[str], count: int) -> list[Any]:
    """The first `count` records of the topics, read with kafka-python and no ipmon code."""
    consumer = KafkaConsumer(
        *topics, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    try:
        return poll_records(consumer, count, 60)
    finally:
        consumer.close()


def test_every_record_decodes_with_the_cloudevents_kafka_binding(
    kafka_bootstrap: str, kafka_log: KafkaEventLog
) -> None:
    events = {str(e.event_id): e for e in golden_events().values()}
    kafka_log.append(list(events.values()))
    records = raw_records(kafka_bootstrap, kafka_log.topics(), len(events))
    assert len(records) == len(events)
    for record in records:
        message = KafkaMessage(headers=dict(record.headers), key=record.key, value=record.value)
        ce = from_binary(message, JSONFormat())
        event = events[ce.get_id()]
        assert record.value == encode(event)  # the value is the envelope, byte for byte
        assert ce.get_data() == orjson.loads(record.value)
        assert ce.get_specversion() == "1.0"
        assert ce.get_source() == f"urn:ipmon:{event.stream}"
        assert ce.get_type() == f"ipmon.{event.event_type}.v{event.schema_version}"
        assert ce.get_subject() == event.subject == record.key.decode()
        assert ce.get_time() == event.recorded_at
        assert ce.get_datacontenttype() == "application/json"
        dataschema = ce.get_dataschema() or ""
        assert (SCHEMA_DIR / dataschema.rsplit("/", 1)[-1]).is_file()
        assert message.headers["event_id"] == str(event.event_id).encode()
        assert message.headers["event_type"] == event.event_type.encode()
