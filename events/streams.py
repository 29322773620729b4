"""The stream catalogue: which event types live on which stream, and topic names."""

from __future__ import annotations

from events.types import PAYLOAD_TYPES

STREAMS: tuple[str, ...] = ("documents", "statistics", "policy", "pilots", "alerts", "deadletter")

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
