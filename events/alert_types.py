"""Payloads of the alerts and dead-letter streams."""

from __future__ import annotations

import hashlib
import uuid
from typing import ClassVar, Literal

from pydantic import Field

from events.envelope import Payload

Severity = Literal["info", "warning", "critical"]


AFTER = (
    "how many events of the alert key were projected before this one: a condition raised "
    "or cleared again after others is a new event, not a repeat of the first"
)


def _after(count: int) -> str:
    # the events of keys that never came back keep the ids they always had
    return f"|after:{count}" if count else ""


class _AlertPayload(Payload):
    STREAM: ClassVar[str] = "alerts"

    rule: str = Field(min_length=1)
    key: str = Field(min_length=1)

    def subject(self) -> str:
        return f"alert:{self.rule}:{self.key}"


class AlertRaised(_AlertPayload):
    """A rule found a notable condition; evidence names the events behind it."""

    EVENT_TYPE: ClassVar[str] = "AlertRaised"
    SCHEMA_VERSION: ClassVar[int] = 2

    severity: Severity = "warning"
    message: str
    evidence: tuple[uuid.UUID, ...] = ()
    fingerprint: str = Field(description="identifies the condition; same condition, same alert")
    after: int = Field(0, ge=0, description=AFTER)

    def identity(self) -> str:
        # one condition told with other evidence or words (a further source of the right
        # value) is a new event that updates the alert, not a new alert: the fingerprint
        # decides that, so the alert's final words depend only on the final projections
        told = "\x1f".join((self.message, *(str(e) for e in self.evidence)))
        return f"{self.fingerprint}|{hashlib.sha256(told.encode()).hexdigest()[:16]}" + _after(
            self.after
        )


class AlertResolved(_AlertPayload):
    """The condition behind an alert no longer holds."""

    EVENT_TYPE: ClassVar[str] = "AlertResolved"
    SCHEMA_VERSION: ClassVar[int] = 2

    message: str
    evidence: tuple[uuid.UUID, ...] = ()
    fingerprint: str
    after: int = Field(0, ge=0, description=AFTER)

    def identity(self) -> str:
        return self.fingerprint + _after(self.after)


class AlertAcknowledged(_AlertPayload):
    """Somebody acknowledged a firing alert."""

    EVENT_TYPE: ClassVar[str] = "AlertAcknowledged"

    by: str
    note: str | None = None
    at: str = Field(description="ISO timestamp of the acknowledgement")

    def identity(self) -> str:
        return f"{self.by}|{self.at}"


class AlertSilenced(_AlertPayload):
    """Notifications for an alert key are silenced until a time."""

    EVENT_TYPE: ClassVar[str] = "AlertSilenced"

    by: str
    until: str = Field(description="ISO timestamp when the silence expires")
    note: str | None = None

    def identity(self) -> str:
        return f"{self.by}|{self.until}"


class EventRejected(Payload):
    """Bytes that could not be decoded or validated, kept with the error (dead letter)."""

    EVENT_TYPE: ClassVar[str] = "EventRejected"
    STREAM: ClassVar[str] = "deadletter"

    origin: str = Field(description="where the bytes were read: stream and position, or a file")
    raw: str = Field(description="the raw bytes, decoded as UTF-8 with replacement")
    raw_sha256: str
    error: str

    def subject(self) -> str:
        return f"deadletter:{self.origin}"

    def identity(self) -> str:
        return self.raw_sha256
