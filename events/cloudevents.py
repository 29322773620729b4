"""The CloudEvents 1.0 attributes of an event, as Kafka record headers in binary content mode.

Every record the Kafka adapter writes is a CloudEvent in *binary content mode* of the
CloudEvents Kafka protocol binding: the record's value is the CloudEvent's data, and that is
exactly the event's JSON envelope (``events.codec.encode``) that consumers have always read;
the attributes travel as headers, each a UTF-8 string:

==================  ==========================================================================
``ce_specversion``  ``1.0``
``ce_id``           the event id; equal ids are the same event, so a consumer drops repeats
``ce_source``       ``urn:ipmon:<stream>``: ipmon, and the stream whose producer wrote it
                    (ingest for documents, statistics, policy and pilots; the alert evaluator
                    for alerts; the processors for deadletter). Stable across deployments
                    and topic prefixes, so a router can filter on it.
``ce_type``         ``ipmon.<EventType>.v<schema_version>``, e.g. ``ipmon.StatisticPublished.v2``
``ce_subject``      the envelope's subject, which is also the record's key
``ce_time``         the envelope's ``recorded_at`` in RFC 3339 (when ipmon recorded the fact;
                    the date it became public is ``published_at``, a date without a time,
                    in the data)
``ce_dataschema``   the ``$id`` of the event's JSON Schema,
                    ``https://ipmon.dev/schemas/<EventType>.v<N>.json``; its last segment
                    names the file in ``events/schemas/``
``content-type``    ``application/json`` (the CloudEvent's ``datacontenttype``)
==================  ==========================================================================

``events/schemas/asyncapi.yaml`` describes the same headers for every message.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

from events.envelope import Event
from events.jsonschema import schema_uri

SPECVERSION = "1.0"
CONTENT_TYPE = "application/json"
HEADER_PREFIX = "ce_"


def ce_source(stream: str) -> str:
    """The CloudEvents `source` of the events of one stream: `urn:ipmon:<stream>`."""
    return f"urn:ipmon:{stream}"


def ce_type(event_type: str, version: int) -> str:
    """The CloudEvents `type` of one version of an event type: `ipmon.<EventType>.v<N>`."""
    return f"ipmon.{event_type}.v{version}"


def rfc3339(moment: datetime) -> str:
    """A time in RFC 3339, `Z` for UTC; a time without a zone is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    text = moment.isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def cloudevent_attributes(event: Event) -> dict[str, str]:
    """The CloudEvents context attributes of an event (without `datacontenttype`)."""
    return {
        "specversion": SPECVERSION,
        "id": str(event.event_id),
        "source": ce_source(event.stream),
        "type": ce_type(event.event_type, event.schema_version),
        "subject": event.subject,
        "time": rfc3339(event.recorded_at),
        "dataschema": schema_uri(event.event_type, event.schema_version),
    }


def binary_mode_headers(event: Event) -> list[tuple[str, bytes]]:
    """The `ce_` headers and `content-type` of an event's Kafka record in binary mode."""
    spec, source, type_, schema, content = _fixed(
        event.stream, event.event_type, event.schema_version
    )
    return [
        spec,
        ("ce_id", str(event.event_id).encode()),
        source,
        type_,
        ("ce_subject", event.subject.encode()),
        ("ce_time", rfc3339(event.recorded_at).encode()),
        schema,
        content,
    ]


@cache
def _fixed(stream: str, event_type: str, version: int) -> tuple[tuple[str, bytes], ...]:
    """The headers every event of one type and stream shares: encoded once, not per record
    (a producer writes thousands a second)."""
    return (
        (HEADER_PREFIX + "specversion", SPECVERSION.encode()),
        (HEADER_PREFIX + "source", ce_source(stream).encode()),
        (HEADER_PREFIX + "type", ce_type(event_type, version).encode()),
        (HEADER_PREFIX + "dataschema", schema_uri(event_type, version).encode()),
        ("content-type", CONTENT_TYPE.encode()),
    )
