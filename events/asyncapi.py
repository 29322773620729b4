"""The AsyncAPI 3.0.0 document of ipmon's Kafka topics, built from the stream catalogue.

One channel per stream (its topic with the default prefix, partitions, replicas and topic
configuration in the Kafka binding), one message per event type (key = the subject, headers =
ipmon's and the CloudEvents ones, payload = a ``$ref`` to the event's JSON Schema file beside
the document), and one ``send`` operation per channel: the document describes ipmon as the
producer of its topics. The payload schemas are JSON Schema draft 2020-12, which each
message's ``schemaFormat`` says. ``ipmon schemas`` writes the document as
``events/schemas/asyncapi.yaml``; it is a pure function of the catalogue, so the same code
always writes the same file.
"""

from __future__ import annotations

from typing import Any

from events.cloudevents import CONTENT_TYPE, SPECVERSION, ce_source, ce_type
from events.envelope import Payload
from events.jsonschema import schema_file_name, schema_uri
from events.streams import (
    DEFAULT_PARTITIONS,
    DEFAULT_REPLICATION,
    STREAM_DESCRIPTIONS,
    STREAMS,
    TOPIC_CONFIG,
    topic_name,
)
from events.types import PAYLOAD_TYPES

ASYNCAPI_FILE = "asyncapi.yaml"
ASYNCAPI_VERSION = "3.0.0"
# The major version is the topics' `.v1`; event types evolve inside it by schema_version.
CONTRACT_VERSION = "1.0.0"
KAFKA_BINDING_VERSION = "0.5.0"
PAYLOAD_SCHEMA_FORMAT = "application/schema+json;version=2020-12"

SUBJECT_KEY = {
    "type": "string",
    "minLength": 1,
    "description": "the event's subject (UTF-8), equal to `subject` in the value",
}

DESCRIPTION = """\
The Kafka topics ipmon writes its events to, one per stream. Every record is keyed by the
event's subject, so all events of one series, notice or pilot share a partition and stay in
order; its value is the event's JSON envelope (`event_id`, `event_type`, `schema_version`,
`subject`, `published_at`, `recorded_at`, `source`, `payload`), described by the JSON Schema
file each message references. Records are CloudEvents 1.0 in binary content mode: the `ce_`
headers and `content-type` carry the CloudEvents attributes, the value is the CloudEvent's
data. Topic names are shown with the default prefix `ipmon` (IPMON_KAFKA_TOPIC_PREFIX) and
partition counts with the default IPMON_KAFKA_PARTITIONS. Topics are never compacted and
never expire: reading from the beginning replays the full history. Event ids are
deterministic, so equal ids are the same event: a consumer that reads one twice keeps the first.
"""


def asyncapi_document() -> dict[str, Any]:
    """The AsyncAPI 3.0.0 document of every stream topic and event type, as a plain dict."""
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "id": "urn:ipmon",
        "info": {
            "title": "ipmon event streams",
            "version": CONTRACT_VERSION,
            "description": DESCRIPTION,
            "license": {
                "name": "Apache-2.0",
                "url": "https://www.apache.org/licenses/LICENSE-2.0",
            },
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {"kafka": _server()},
        "channels": {s: _channel(s) for s in STREAMS},
        "operations": {f"send-{s}": _operation(s) for s in STREAMS},
        "components": {
            "schemas": _schemas(),
            "messages": {p.EVENT_TYPE: _message(p) for p in PAYLOAD_TYPES},
        },
    }


def _server() -> dict[str, Any]:
    return {
        "host": "{bootstrap}",
        "protocol": "kafka",
        "description": "The Kafka cluster ipmon is configured with "
        "(IPMON_EVENT_LOG_URL=kafka://host:port[,host:port]).",
        "variables": {
            "bootstrap": {
                "default": "localhost:9092",
                "description": "host:port of a broker of the cluster",
            }
        },
    }


def _types_of(stream: str) -> list[str]:
    return [p.EVENT_TYPE for p in PAYLOAD_TYPES if stream == p.STREAM]


def _channel(stream: str) -> dict[str, Any]:
    topic = topic_name(stream)
    return {
        "address": topic,
        "title": stream,
        "description": STREAM_DESCRIPTIONS[stream],
        "messages": {t: {"$ref": f"#/components/messages/{t}"} for t in _types_of(stream)},
        "bindings": {
            "kafka": {
                "topic": topic,
                "partitions": DEFAULT_PARTITIONS,
                "replicas": DEFAULT_REPLICATION,
                "topicConfiguration": _topic_configuration(),
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }


def _topic_configuration() -> dict[str, Any]:
    """`TOPIC_CONFIG` in the binding's types: the policy a list, sizes and times integers."""
    return {
        key: value.split(",") if key == "cleanup.policy" else int(value)
        for key, value in sorted(TOPIC_CONFIG.items())
    }


def _operation(stream: str) -> dict[str, Any]:
    return {
        "action": "send",
        "channel": {"$ref": f"#/channels/{stream}"},
        "title": f"ipmon appends to {stream}",
        "messages": [{"$ref": f"#/channels/{stream}/messages/{t}"} for t in _types_of(stream)],
    }


def _message(payload: type[Payload]) -> dict[str, Any]:
    name, version = payload.EVENT_TYPE, payload.SCHEMA_VERSION
    return {
        "name": name,
        "title": f"{name} v{version}",
        "summary": (payload.__doc__ or "").strip().splitlines()[0],
        "contentType": CONTENT_TYPE,
        "headers": {
            "allOf": [
                {"$ref": "#/components/schemas/RecordHeaders"},
                {"type": "object", "properties": _typed_headers(payload)},
            ]
        },
        "payload": {
            "schemaFormat": PAYLOAD_SCHEMA_FORMAT,
            "schema": {"$ref": schema_file_name(name, version)},
        },
        "bindings": {
            "kafka": {
                # inline: the binding's schema takes a bare `$ref` for both of its choices
                "key": SUBJECT_KEY,
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }


def _typed_headers(payload: type[Payload]) -> dict[str, Any]:
    """The headers whose value one event type fixes."""
    name, version = payload.EVENT_TYPE, payload.SCHEMA_VERSION
    fixed = {
        "event_type": name,
        "ce_source": ce_source(payload.STREAM),
        "ce_type": ce_type(name, version),
        "ce_dataschema": schema_uri(name, version),
    }
    return {header: {"type": "string", "const": value} for header, value in fixed.items()}


def _schemas() -> dict[str, Any]:
    """The headers every record carries, whatever its event type."""
    uuid_string = {"type": "string", "format": "uuid"}
    headers: dict[str, Any] = {
        "event_id": {**uuid_string, "description": "the envelope's event_id"},
        "event_type": {"type": "string", "description": "the envelope's event_type"},
        "ce_specversion": {"type": "string", "const": SPECVERSION},
        "ce_id": {**uuid_string, "description": "the event id, equal to event_id"},
        "ce_source": {"type": "string", "description": "urn:ipmon:<stream>"},
        "ce_type": {"type": "string", "description": "ipmon.<EventType>.v<schema_version>"},
        "ce_subject": {"type": "string", "description": "the subject, equal to the record key"},
        "ce_time": {
            "type": "string",
            "format": "date-time",
            "description": "recorded_at, RFC 3339: when ipmon recorded the event",
        },
        "ce_dataschema": {"type": "string", "format": "uri", "description": "the schema's $id"},
        "content-type": {"type": "string", "const": CONTENT_TYPE},
    }
    return {
        "RecordHeaders": {
            "type": "object",
            "description": "Kafka record headers, UTF-8 strings: event_id and event_type for "
            "routing without parsing, and the CloudEvents 1.0 attributes in binary content "
            "mode.",
            "required": list(headers),
            "properties": headers,
        },
    }
