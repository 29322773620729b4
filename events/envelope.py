"""The envelope every event travels in, and deterministic event ids."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, SerializeAsAny

# Fixed forever: changing it would change every event id ever issued.
NAMESPACE = uuid.UUID("5c0d2a7e-3f0b-5d8e-9a55-1b6f3c9e0a42")


class Frozen(BaseModel):
    """Base for immutable, strict models."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Span(Frozen):
    """A half-open character range `[start, end)` in a document's text."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Source(Frozen):
    """Where a fact came from: the document, the exact sentence and the extractor."""

    document_id: str = Field(description="sha256 hex digest of the document text")
    publisher: str | None = None
    url: str | None = None
    title: str | None = None
    sentence: str | None = None
    sentence_span: Span | None = None
    value_text: str | None = None
    value_span: Span | None = None
    extractor: str | None = None
    extractor_version: str | None = None


class Payload(Frozen):
    """Base of every event payload; subclasses name their type, version and stream."""

    EVENT_TYPE: ClassVar[str]
    SCHEMA_VERSION: ClassVar[int] = 1
    STREAM: ClassVar[str]

    def subject(self) -> str:
        """The partition key: all events of one series, notice or pilot share it."""
        raise NotImplementedError

    def identity(self) -> str:
        """The fields that identify this fact, joined into one string for the event id."""
        raise NotImplementedError

    def stream(self) -> str:
        """The stream this event belongs to."""
        return self.STREAM


class Event(Frozen):
    """An immutable, versioned event: envelope fields plus a typed payload."""

    event_id: uuid.UUID
    event_type: str
    schema_version: int = Field(ge=1)
    subject: str = Field(min_length=1)
    published_at: date
    recorded_at: datetime
    source: Source | None = None
    payload: SerializeAsAny[Payload]

    @property
    def stream(self) -> str:
        """The stream this event is appended to."""
        return self.payload.stream()

    def sort_key(self) -> tuple[date, datetime, str]:
        """Total order used wherever 'latest' must not depend on arrival order."""
        return (self.published_at, self.recorded_at, str(self.event_id))


def event_id_for(event_type: str, subject: str, identity: str, document_id: str) -> uuid.UUID:
    """UUID v5 over type, subject, identifying fields and source document."""
    return uuid.uuid5(NAMESPACE, "\x1f".join((event_type, subject, identity, document_id)))


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def make_event(
    payload: Payload,
    *,
    published_at: date,
    source: Source | None = None,
    recorded_at: datetime | None = None,
    document_id: str | None = None,
) -> Event:
    """Wrap a payload in an envelope with its deterministic id."""
    subject = payload.subject()
    doc = document_id if document_id is not None else (source.document_id if source else "")
    values: dict[str, Any] = {
        "event_id": event_id_for(payload.EVENT_TYPE, subject, payload.identity(), doc),
        "event_type": payload.EVENT_TYPE,
        "schema_version": payload.SCHEMA_VERSION,
        "subject": subject,
        "published_at": published_at,
        "recorded_at": recorded_at or utcnow(),
        "source": source,
        "payload": payload,
    }
    return Event.model_validate(values)
