"""Every event type and version has a golden JSON file; decoding and encoding match it."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from golden_events import UPCAST, golden_events

from events.codec import PAYLOADS, decode, encode

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
CURRENT = golden_events()


@pytest.mark.parametrize("stem", sorted(CURRENT))
def test_current_version_round_trips_byte_for_byte(stem: str) -> None:
    data = (GOLDEN / f"{stem}.json").read_bytes()
    event = CURRENT[stem]
    assert decode(data) == event
    assert orjson.loads(encode(event)) == orjson.loads(data)


@pytest.mark.parametrize("old,new", sorted(UPCAST.items()))
def test_old_version_is_upcast_on_read(old: str, new: str) -> None:
    stored = (GOLDEN / f"{old}.json").read_bytes()
    assert orjson.loads(stored)["schema_version"] == int(old.rsplit(".v", 1)[1])
    event = decode(stored)
    assert event.schema_version == int(new.rsplit(".v", 1)[1])
    assert event == CURRENT[new]


def test_every_type_and_version_has_a_golden_file() -> None:
    names = {p.name.removesuffix(".json") for p in GOLDEN.glob("*.json")}
    for cls in PAYLOADS.values():
        for version in range(1, cls.SCHEMA_VERSION + 1):
            assert f"{cls.EVENT_TYPE}.v{version}" in names
