"""What a person sees first: no warnings on start, a version, a report that fits 80 columns."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from fastapi.testclient import TestClient

REPO = Path(__file__).resolve().parents[2]

# Import every module of the three packages (the API's models too, which `ipmon run` loads
# when it serves), then run the CLI; any UserWarning on the way is an error.
IMPORT_ALL_THEN_CLI = """
import importlib, pkgutil, sys
import events, projections, services
for pkg in (events, projections, services):
    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        importlib.import_module(m.name)
from services.cli import main
sys.argv = ["ipmon", *sys.argv[1:]]
main()
"""


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "error::UserWarning", "-c", IMPORT_ALL_THEN_CLI, *args],
        cwd=REPO, capture_output=True, text=True, timeout=120, env=env,
    )


def test_no_module_warns_on_import_and_the_cli_prints_its_version() -> None:
    done = cli("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"ipmon {version('ipmon')}"
    assert "Warning" not in done.stderr


def test_the_overview_csv_keeps_its_revised_column(client: TestClient) -> None:
    lines = client.get("/api/overview", params={"format": "csv"}).text.splitlines()
    header = lines[0].split(",")
    assert "revised" in header
    rows = [dict(zip(header, line.split(","), strict=True)) for line in lines[1:]]
    pledge = next(r for r in rows if r["metric"] == "ip_pledge_financing_amount")
    assert pledge["revised"] == "True"
