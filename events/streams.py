"""The stream catalogue: which event types live on which stream, and topic names."""

from __future__ import annotations

from events.types import PAYLOAD_TYPES

STREAMS: tuple[str, ...] = ("documents", "statistics", "policy", "pilots", "alerts", "deadletter")

STREAM_DESCRIPTIONS: dict[str, str] = {
    "documents": "Every document ipmon received, with its full text, and changes to watched pages.",
    "statistics": "Published values of the catalogue's metrics, their revisions and retractions.",
    "policy": "Policy notices: title, issuers, date, document number, type and summary.",
    "pilots": "City pilot designations and the later changes of their status.",
    "alerts": "Alerts raised, resolved, acknowledged and silenced, with their evidence.",
    "deadletter": "Records that could not be decoded or validated, with the raw bytes and error.",
}

# Kafka topics: created by ipmon with these defaults (IPMON_KAFKA_PARTITIONS and
# IPMON_KAFKA_REPLICATION override the counts) and kept forever, since the log is the system
# of record.
DEFAULT_PARTITIONS = 6
DEFAULT_REPLICATION = 1
TOPIC_CONFIG: dict[str, str] = {
    "retention.ms": "-1",
    "retention.bytes": "-1",
    "cleanup.policy": "delete",
}

EVENT_STREAMS: dict[str, str] = {p.EVENT_TYPE: p.STREAM for p in PAYLOAD_TYPES}


def topic_name(stream: str, prefix: str = "ipmon") -> str:
    """The Kafka topic that carries a stream, e.g. `ipmon.statistics.v1`."""
    if stream not in STREAMS:
        raise ValueError(f"unknown stream {stream!r}; known: {', '.join(STREAMS)}")
    return f"{prefix}.{stream}.v1"


def stream_of_topic(topic: str, prefix: str = "ipmon") -> str:
    """The stream a topic name carries."""
    head, _, rest = topic.partition(".")
    stream, _, version = rest.rpartition(".")
    if head != prefix or stream not in STREAMS or version != "v1":
        raise ValueError(f"{topic!r} is not an ipmon stream topic")
    return stream
