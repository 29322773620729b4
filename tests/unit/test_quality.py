"""Static checks are part of the suite: ruff, mypy (strict) and the layer contract."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "events", "projections", "services", "bench", "tests"],
        ["mypy"],
        ["lint-imports"],
    ],
    ids=["ruff", "mypy", "import-linter"],
)
def test_static_check_passes(command: list[str]) -> None:
    exe = BIN / command[0]
    assert exe.exists(), f"{exe} is not installed; install the [test] extra"
    proc = subprocess.run(
        [str(exe), *command[1:]], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]
