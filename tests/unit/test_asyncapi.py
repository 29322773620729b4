"""events/schemas/asyncapi.yaml is a valid AsyncAPI 3.0.0 document describing every topic.

It is checked against the official AsyncAPI 3.0.0 JSON Schema vendored in tests/asyncapi/
(never fetched), and against the catalogue and the Kafka adapter it describes.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
import yaml
from golden_events import golden_events
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from events.jsonschema import SCHEMA_DIR
from events.log.kafka import record_headers
from events.streams import DEFAULT_PARTITIONS, EVENT_STREAMS, STREAMS, topic_name
from events.types import PAYLOAD_TYPES

OFFICIAL = Path(__file__).parents[1] / "asyncapi" / "asyncapi-3.0.0.schema.json"
DOCUMENT_URI = "urn:ipmon:asyncapi"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((SCHEMA_DIR / "asyncapi.yaml").read_bytes())
    return loaded


@pytest.fixture(scope="module")
def official() -> jsonschema.protocols.Validator:
    schema = orjson.loads(OFFICIAL.read_bytes())
    assert schema["$id"] == "http://asyncapi.com/definitions/3.0.0/asyncapi.json"
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def resolve(document: dict[str, Any], ref: str) -> Any:
    """The object a local `#/...` reference of the document points at, following `$ref`s."""
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return resolve(document, node["$ref"]) if set(node) == {"$ref"} else node


def test_document_is_valid_asyncapi_3(
    document: dict[str, Any], official: jsonschema.protocols.Validator
) -> None:
    errors = [f"{e.json_path}: {e.message[:200]}" for e in official.iter_errors(document)]
    assert document["asyncapi"] == "3.0.0"
    assert errors == []


@pytest.mark.parametrize(
    "path,value",
    [
        (("info", "version"), None),
        (("channels", "statistics", "bindings", "kafka", "partitions"), 0),
        (("channels", "statistics", "bindings", "kafka", "partition_count"), 6),
        (("components", "messages", "StatisticPublished", "bindings", "kafka", "key"), 7),
        (("operations", "send-alerts", "action"), "publish"),
    ],
)
def test_official_schema_refuses_a_broken_document(
    document: dict[str, Any], official: jsonschema.protocols.Validator, path: tuple[str, ...],
    value: object,
) -> None:
    broken = copy.deepcopy(document)
    node = broken
    for part in path[:-1]:
        node = node[part]
    if value is None:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    assert not official.is_valid(broken)


def test_one_channel_per_stream_with_its_topic_and_partitions(document: dict[str, Any]) -> None:
    assert list(document["channels"]) == list(STREAMS)
    for stream, channel in document["channels"].items():
        kafka = channel["bindings"]["kafka"]
        assert channel["address"] == kafka["topic"] == topic_name(stream)
        assert kafka["partitions"] == DEFAULT_PARTITIONS
        assert kafka["topicConfiguration"]["retention.ms"] == -1
        types = {resolve(document, m["$ref"])["name"] for m in channel["messages"].values()}
        assert types == {t for t, s in EVENT_STREAMS.items() if s == stream}
        operation = document["operations"][f"send-{stream}"]
        assert operation["action"] == "send"
        assert resolve(document, operation["channel"]["$ref"]) == channel
        assert [resolve(document, m["$ref"]) for m in operation["messages"]] == [
            resolve(document, m["$ref"]) for m in channel["messages"].values()
        ]


def test_one_message_per_event_type_keyed_by_subject(document: dict[str, Any]) -> None:
    messages = document["components"]["messages"]
    assert set(messages) == {p.EVENT_TYPE for p in PAYLOAD_TYPES}
    for p in PAYLOAD_TYPES:
        message = messages[p.EVENT_TYPE]
        schema_file = message["payload"]["schema"]["$ref"]
        assert schema_file == f"{p.EVENT_TYPE}.v{p.SCHEMA_VERSION}.json"
        schema = orjson.loads((SCHEMA_DIR / schema_file).read_bytes())
        assert schema["title"] == p.EVENT_TYPE
        assert message["payload"]["schemaFormat"].endswith("version=2020-12")
        assert schema["$schema"].endswith("/2020-12/schema")
        key = message["bindings"]["kafka"]["key"]
        assert key["type"] == "string" and "subject" in key["description"]


@pytest.mark.parametrize("stem,event", sorted(golden_events().items()))
def test_record_headers_match_the_documented_headers(
    document: dict[str, Any], stem: str, event: Any
) -> None:
    registry: Registry[Any] = Registry().with_resource(
        DOCUMENT_URI, Resource.from_contents(document, default_specification=DRAFT7)
    )
    ref = f"{DOCUMENT_URI}#/components/messages/{event.event_type}/headers"
    validator = jsonschema.Draft7Validator({"$ref": ref}, registry=registry)
    headers = {name: value.decode() for name, value in record_headers(event)}
    assert list(validator.iter_errors(headers)) == []
    documented = resolve(document, "#/components/schemas/RecordHeaders")["required"]
    assert sorted(headers) == sorted(documented)
    headers["ce_type"] = "ipmon.Other.v1"
    assert not validator.is_valid(headers)
