"""JSON Schemas of every event type, for consumers that do not run Python."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from events.envelope import Event
from events.types import PAYLOAD_TYPES

SCHEMA_DIR = Path(__file__).parent / "schemas"
SCHEMA_BASE_URI = "https://ipmon.dev/schemas/"


def schema_file_name(event_type: str, version: int) -> str:
    """The file in `SCHEMA_DIR` holding one version of an event type, e.g. `AlertRaised.v1.json`."""
    return f"{event_type}.v{version}.json"


def schema_uri(event_type: str, version: int) -> str:
    """The `$id` of one event type's schema: the base URI followed by its file name."""
    return SCHEMA_BASE_URI + schema_file_name(event_type, version)


def event_schema(event_type: str) -> dict[str, Any]:
    """The JSON Schema of one event type: the envelope with that type's payload."""
    payload_cls = next(p for p in PAYLOAD_TYPES if event_type == p.EVENT_TYPE)
    envelope = Event.model_json_schema(mode="serialization")
    payload = payload_cls.model_json_schema(mode="serialization", ref_template="#/$defs/{model}")
    defs = {**envelope.pop("$defs", {}), **payload.pop("$defs", {})}
    defs.pop("Payload", None)
    props = dict(envelope["properties"])
    props["event_type"] = {"const": event_type, "title": "Event Type", "type": "string"}
    props["schema_version"] = {
        "const": payload_cls.SCHEMA_VERSION,
        "title": "Schema Version",
        "type": "integer",
    }
    props["payload"] = payload
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_uri(event_type, payload_cls.SCHEMA_VERSION),
        "title": event_type,
        "description": (payload_cls.__doc__ or "").strip(),
        "type": "object",
        "properties": props,
        "required": envelope["required"],
        "additionalProperties": False,
        "$defs": defs,
        "x-stream": payload_cls.STREAM,
    }


def all_schemas() -> dict[str, bytes]:
    """File name -> schema bytes for every event type."""
    return {
        schema_file_name(p.EVENT_TYPE, p.SCHEMA_VERSION): orjson.dumps(
            event_schema(p.EVENT_TYPE), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
        )
        + b"\n"
        for p in PAYLOAD_TYPES
    }
