"""Helpers of the schema drift tests: age a projection database, run the CLI as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from projections import schema

REPO = Path(__file__).resolve().parent.parent


def as_if_made_by_another_release(engine: Engine) -> None:
    """Give the stored fingerprint of another table layout, as an older ipmon would leave."""
    with engine.begin() as conn:
        conn.execute(sa.update(schema.schema_table).values(fingerprint="0" * 64))


def as_if_made_before_fingerprints(engine: Engine) -> None:
    """Drop the fingerprint table: tables with data, and nothing saying which layout."""
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP TABLE {schema.schema_table.name}"))


def ipmon(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """`ipmon ARGS` in a subprocess with a wide terminal, so messages are not wrapped."""
    env = {**os.environ, "COLUMNS": "250"}
    for name in [k for k in env if k.startswith("IPMON_")]:
        env.pop(name)
    return subprocess.run(
        [sys.executable, "-c", "from services.cli import main; main()", *args],
        cwd=REPO, capture_output=True, text=True, timeout=timeout, env=env,
    )


def said(done: subprocess.CompletedProcess[str]) -> str:
    """stderr with its line wrapping undone."""
    return " ".join(done.stderr.split())
