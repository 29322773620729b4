"""A downstream consumer written with kafka-python and the published JSON Schemas only.

Run as a script: ``python downstream_consumer.py BOOTSTRAP PREFIX COUNT SCHEMA_DIR``. It
reads every ipmon stream topic from the beginning until COUNT records arrived, validates
each against ``<event_type>.v<schema_version>.json`` and prints a JSON summary. It imports
no ipmon module, and says so in its summary, so the test can check the claim.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from jsonschema import Draft202012Validator
from kafka import KafkaConsumer

STREAMS = ("documents", "statistics", "policy", "pilots", "alerts", "deadletter")


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
                    ids.append(event["event_id"])
    finally:
        consumer.close()
    ipmon_modules = sorted(
        m for m in sys.modules if m.split(".")[0] in ("events", "projections", "services")
    )
    return {"ids": ids, "invalid": invalid, "ipmon_modules": ipmon_modules}


if __name__ == "__main__":
    summary = main(sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]))
    print(json.dumps(summary))
