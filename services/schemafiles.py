"""The files `ipmon schemas` writes to events/schemas: the JSON Schemas and asyncapi.yaml."""

from __future__ import annotations

from typing import Any

import yaml

from events.asyncapi import ASYNCAPI_FILE, asyncapi_document
from events.jsonschema import all_schemas

ASYNCAPI_HEADER = (
    "# The AsyncAPI document of ipmon's Kafka topics, written by `ipmon schemas` from the\n"
    "# stream catalogue (events/asyncapi.py); edit that, not this file.\n"
)


class _Dumper(yaml.SafeDumper):
    """The safe dumper, writing text of several lines as a literal block."""


def _text(dumper: yaml.SafeDumper, value: str) -> Any:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def asyncapi_yaml() -> bytes:
    """The AsyncAPI document as YAML, keys in the document's own order."""
    body = yaml.dump(
        asyncapi_document(), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
    )
    return (ASYNCAPI_HEADER + body).encode()


def schema_files() -> dict[str, bytes]:
    """File name -> bytes of every file in events/schemas."""
    return {**all_schemas(), ASYNCAPI_FILE: asyncapi_yaml()}
