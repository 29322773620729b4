"""A downstream consumer written with kafka-python and the published JSON Schemas only.

Run as a script: ``python downstream_consumer.py BOOTSTRAP PREFIX COUNT SCHEMA_DIR``. It
reads every ipmon stream topic from the beginning until COUNT records arrived, validates
each against ``<event_type>.v<schema_version>.json``, checks that the record's CloudEvents
headers (binary content mode) agree with the event and name a schema file it has, and prints a
JSON summary. It imports no ipmon module, and says so in its summary, so the test can check
the claim.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from kafka import KafkaConsumer

STREAMS = ("documents", "statistics", "policy", "pilots", "alerts", "deadletter")


def header_errors(record: Any, event: dict[str, Any], schema_dir: Path) -> list[str]:
    """What in a record's CloudEvents headers disagrees with its event, as messages."""
    headers = {k: v.decode() for k, v in record.headers or () if v is not None}
    name = f"{event['event_type']}.v{event['schema_version']}"
    schema = headers.get("ce_dataschema", "").rsplit("/", 1)[-1]
    times = [headers.get("ce_time", ""), event["recorded_at"]]
    expected = {
        "ce_specversion": "1.0",
        "ce_id": event["event_id"],
        "ce_source": f"urn:ipmon:{record.topic.split('.')[-2]}",
        "ce_type": f"ipmon.{name}",
        "ce_subject": record.key.decode(),
        "content-type": "application/json",
        "event_id": event["event_id"],
    }
    errors = [f"{k}={headers.get(k)!r}" for k, v in expected.items() if headers.get(k) != v]
    if record.key.decode() != event["subject"]:
        errors.append(f"key {record.key!r} is not the subject")
    if schema != f"{name}.json" or not (schema_dir / schema).is_file():
        errors.append(f"ce_dataschema names {schema!r}, not a schema file of {name}")
    if len({datetime.fromisoformat(t) if t else None for t in times}) != 1:
        errors.append(f"ce_time {times[0]!r} is not recorded_at {times[1]!r}")
    return [f"{event['event_id']}: {e}" for e in errors]


def main(bootstrap: str, prefix: str, count: int, schema_dir: Path) -> dict[str, object]:
    """Consume, validate and summarise."""
    validators = {
        path.name.removesuffix(".json"): Draft202012Validator(json.loads(path.read_text()))
        for path in schema_dir.glob("*.json")
    }
    consumer = KafkaConsumer(
        *(f"{prefix}.{s}.v1" for s in STREAMS),
        bootstrap_servers=bootstrap,
        group_id=f"{prefix}-downstream",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    ids: list[str] = []
    invalid: list[str] = []
    bad_headers: list[str] = []
    deadline = time.monotonic() + 120
    try:
        while len(ids) < count and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                for record in records:
                    event = json.loads(record.value)
                    name = f"{event['event_type']}.v{event['schema_version']}"
                    errors = [e.message for e in validators[name].iter_errors(event)]
                    if errors:
                        invalid.append(f"{event['event_id']}: {errors[0]}")
                    bad_headers.extend(header_errors(record, event, schema_dir))
                    ids.append(event["event_id"])
    finally:
        consumer.close()
    ipmon_modules = sorted(
        m for m in sys.modules if m.split(".")[0] in ("events", "projections", "services")
    )
    return {
        "ids": ids,
        "invalid": invalid,
        "header_errors": bad_headers,
        "ipmon_modules": ipmon_modules,
    }


if __name__ == "__main__":
    summary = main(sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]))
    print(json.dumps(summary))
