"""Re-extraction through the CLI as a user runs it: a lexicon change retracts, undoing it
reinstates.

The changed extractor is a copy of the packages with one edited line in the metric
catalogue, put first on PYTHONPATH, as a user editing an installed lexicon would run it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = """---
published: 2024-01-20
---
In 2023, Chinese applicants filed 74,000 PCT applications, up 3% year on year.
"""


def ipmon(cwd: Path, *args: str, pythonpath: Path | None = None) -> str:
    """Run the ipmon command line in a fresh process; return what it printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IPMON_")}
    env.pop("PYTHONPATH", None)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    proc = subprocess.run(
        [sys.executable, "-c", "from services.cli import main; main()", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


def edited_copy(target: Path) -> Path:
    """The packages with the PCT aliases removed from the metric catalogue."""
    for package in ("events", "projections", "services"):
        shutil.copytree(
            ROOT / package, target / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    catalogue = target / "events" / "metrics.toml"
    text = catalogue.read_text("utf-8")
    edited = re.sub(
        r"(\[metrics\.pct_applications\][^\[]*?)aliases = \[[^\]]*\]",
        r'\1aliases = ["no such words"]',
        text,
    )
    assert edited != text
    catalogue.write_text(edited, "utf-8")
    return target


def pct_2023(cwd: Path, data: Path) -> list[str]:
    """The current 2023 PCT values after replaying the log into fresh projections."""
    ipmon(cwd, "rebuild", "--data", str(data))
    report: dict[str, Any] = json.loads(ipmon(cwd, "report", "--json", "--data", str(data)))
    return [
        y["official_value"]
        for y in report["yearly_totals"]
        if y["metric"] == "pct_applications" and y["year"] == 2023
    ]


def summary(output: str) -> tuple[str, int, int, int]:
    m = re.search(
        r"re-extracted by (\S+): (\d+) new facts, (\d+) reinstated,\s+(\d+) retracted", output
    )
    assert m, output
    return m[1], int(m[2]), int(m[3]), int(m[4])


def test_lexicon_change_retracts_and_undoing_it_reinstates(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "release.txt").write_text(DOCUMENT, "utf-8")
    data = work / "data"
    ipmon(work, "ingest", "release.txt", "--data", str(data))
    assert pct_2023(work, data) == ["74000"]
    edited = edited_copy(tmp_path / "edited")

    changed, added, reinstated, retracted = summary(
        ipmon(work, "reextract", "--data", str(data), pythonpath=edited)
    )
    assert (reinstated, retracted) == (0, 1) and added <= 1
    assert pct_2023(work, data) == []

    original, _, reinstated, _ = summary(ipmon(work, "reextract", "--data", str(data)))
    assert original != changed and "+rules." in original
    assert reinstated == 1
    assert pct_2023(work, data) == ["74000"]
    assert summary(ipmon(work, "reextract", "--data", str(data)))[1:] == (0, 0, 0)

    # a second round gets ids of its own, so it works again
    assert summary(ipmon(work, "reextract", "--data", str(data), pythonpath=edited))[3] == 1
    assert pct_2023(work, data) == []
    assert summary(ipmon(work, "reextract", "--data", str(data)))[2] == 1
    assert pct_2023(work, data) == ["74000"]
