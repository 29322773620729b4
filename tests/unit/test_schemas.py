"""The files in events/schemas (JSON Schemas, asyncapi.yaml) are current; events validate."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import orjson
import pytest
from golden_events import golden_events

from events.codec import encode
from events.jsonschema import SCHEMA_DIR
from services.schemafiles import schema_files


def test_stored_schemas_are_current() -> None:
    assert "asyncapi.yaml" in schema_files()
    stale = [
        name
        for name, data in schema_files().items()
        if not (SCHEMA_DIR / name).exists() or (SCHEMA_DIR / name).read_bytes() != data
    ]
    assert not stale, f"run `ipmon schemas`: stale {stale}"


@pytest.mark.parametrize("stem,event", sorted(golden_events().items()))
def test_events_validate_against_their_schema(stem: str, event: object) -> None:
    schema = orjson.loads((SCHEMA_DIR / f"{stem}.json").read_bytes())
    jsonschema.validate(orjson.loads(encode(event)), schema)  # type: ignore[arg-type]


def test_schema_rejects_a_wrong_payload(tmp_path: Path) -> None:
    schema = orjson.loads((SCHEMA_DIR / "StatisticPublished.v2.json").read_bytes())
    bad = orjson.loads(encode(golden_events()["StatisticPublished.v2"]))
    bad["payload"]["period"] = {"kind": "quarter", "year": 2020, "quarter": 5}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
