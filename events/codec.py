"""Encode events to JSON bytes and decode them back, upcasting older versions."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from pydantic import ValidationError

from events.envelope import Event, Payload
from events.types import PAYLOAD_TYPES, EventRejected
from events.upcasters import upcast

PAYLOADS: dict[str, type[Payload]] = {p.EVENT_TYPE: p for p in PAYLOAD_TYPES}


class DecodeError(ValueError):
    """Bytes that are not a valid ipmon event; the message says what was wrong."""


def encode(event: Event) -> bytes:
    """The event as compact UTF-8 JSON, the form every log and consumer sees."""
    return event.model_dump_json(by_alias=True).encode()


def to_dict(event: Event) -> dict[str, Any]:
    """The event as a JSON-compatible dict (decimals as strings)."""
    return event.model_dump(mode="json", by_alias=True)


def decode(data: bytes | str) -> Event:
    """Parse, upcast and validate one event; raise DecodeError naming the problem."""
    try:
        raw = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise DecodeError(f"not JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise DecodeError(f"an event is a JSON object, got {type(raw).__name__}")
    return decode_dict(raw)


def decode_dict(raw: dict[str, Any]) -> Event:
    """Upcast and validate an already-parsed event object."""
    event_type = raw.get("event_type")
    if not isinstance(event_type, str) or event_type not in PAYLOADS:
        raise DecodeError(f"unknown event_type {event_type!r}")
    cls = PAYLOADS[event_type]
    version = raw.get("schema_version")
    if not isinstance(version, int):
        raise DecodeError(f"schema_version must be an integer, got {version!r}")
    payload_raw = raw.get("payload")
    if not isinstance(payload_raw, dict):
        raise DecodeError(f"{event_type}: payload must be an object")
    try:
        payload = cls.model_validate(upcast(event_type, version, payload_raw, cls.SCHEMA_VERSION))
        fields = {k: v for k, v in raw.items() if k != "payload"}
        fields["schema_version"] = cls.SCHEMA_VERSION
        fields["payload"] = payload
        return Event.model_validate(fields)
    except (ValidationError, ValueError) as exc:
        raise DecodeError(f"{event_type} v{version}: {_short(exc)}") from None


def _short(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in exc.errors()
        )
    return str(exc)


def rejected(data: bytes, error: str, origin: str) -> EventRejected:
    """A dead-letter payload that keeps the raw bytes and the error."""
    return EventRejected(
        origin=origin,
        raw=data.decode("utf-8", errors="replace"),
        raw_sha256=hashlib.sha256(data).hexdigest(),
        error=error,
    )
