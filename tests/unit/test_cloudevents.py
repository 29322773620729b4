"""Every Kafka record ipmon writes is a CloudEvent in binary content mode, read by the SDK."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import orjson
import pytest
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary
from cloudevents.core.formats.json import JSONFormat
from golden_events import golden_events

from events.cloudevents import rfc3339
from events.codec import encode
from events.jsonschema import SCHEMA_DIR
from events.log.kafka import record_headers


@pytest.mark.parametrize("stem,event", sorted(golden_events().items()))
def test_the_sdk_reads_a_record_as_a_cloudevent(stem: str, event: Any) -> None:
    value = encode(event)
    message = KafkaMessage(
        headers=dict(record_headers(event)), key=event.subject.encode(), value=value
    )
    ce = from_binary(message, JSONFormat())
    assert ce.get_specversion() == "1.0"
    assert ce.get_id() == str(event.event_id)
    assert ce.get_source() == f"urn:ipmon:{event.stream}"
    assert ce.get_type() == f"ipmon.{event.event_type}.v{event.schema_version}"
    assert ce.get_subject() == event.subject == ce.get_extension("partitionkey")
    assert ce.get_time() == event.recorded_at
    assert message.headers["ce_time"].decode() == orjson.loads(value)["recorded_at"]
    assert ce.get_datacontenttype() == "application/json"
    dataschema = ce.get_dataschema()
    assert dataschema is not None and (SCHEMA_DIR / dataschema.rsplit("/", 1)[1]).is_file()
    assert dataschema.endswith(f"/{stem}.json")
    assert ce.get_data() == orjson.loads(value)


def test_ipmon_headers_stay_first() -> None:
    event = golden_events()["StatisticPublished.v2"]
    names = [name for name, _ in record_headers(event)]
    assert names[:2] == ["event_id", "event_type"]
    assert names[2:] == [
        "ce_specversion", "ce_id", "ce_source", "ce_type", "ce_subject", "ce_time",
        "ce_dataschema", "content-type",
    ]


@pytest.mark.parametrize(
    "moment,text",
    [
        (datetime(2020, 4, 25, 8, 30, tzinfo=UTC), "2020-04-25T08:30:00Z"),
        (datetime(2020, 4, 25, 8, 30, 0, 1500, tzinfo=UTC), "2020-04-25T08:30:00.001500Z"),
        (datetime(2020, 4, 25, 8, 30), "2020-04-25T08:30:00Z"),
        (
            datetime(2020, 4, 25, 16, 30, tzinfo=timezone(timedelta(hours=8))),
            "2020-04-25T16:30:00+08:00",
        ),
    ],
)
def test_times_are_rfc3339(moment: datetime, text: str) -> None:
    assert rfc3339(moment) == text
