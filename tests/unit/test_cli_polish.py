"""What a person sees first: no warnings on start, a version, a report that fits 80 columns."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from fastapi.testclient import TestClient

from events.metrics import catalogue, metric_label

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


def test_the_report_fits_80_columns_and_names_metrics_for_people(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {**os.environ, "COLUMNS": "80"}
    ran = cli("run", "--once", "--inbox", str(REPO / "examples" / "inbox"), "--data", str(data),
              env=env)
    assert ran.returncode == 0, ran.stderr
    done = cli("report", "--data", str(data), env=env)
    assert done.returncode == 0, done.stderr
    lines = [line.rstrip() for line in done.stdout.splitlines()]
    assert max(len(line) for line in lines) <= 80
    assert "…" not in done.stdout  # nothing was cut to fit
    assert "Yearly totals: IP pledge financing, CN (CNY)" in lines
    assert any("Growth, reported vs computed: IP pledge financing, CN" in ln for ln in lines)
    # the year-to-date and covered periods of 2022 (January to June) read in full
    row_2022 = next(ln for ln in lines if ln.split()[:1] == ["2022"] and "(to M6)" in ln)
    assert "162.65 bn (to M6)" in row_2022 and "2022-H1" in row_2022
    # the reprint's slipped figures are held out, so no growth disagrees with the history
    assert "suspected_scale_error" in done.stdout and "MISMATCH" not in done.stdout
    machine = cli("report", "--json", "--data", str(data), env=env)
    totals = json.loads(machine.stdout)["yearly_totals"]
    assert {t["metric"] for t in totals} == {"ip_pledge_financing_amount",
                                             "ip_pledge_financing_items"}


def test_the_dashboard_names_metrics_from_the_catalogue(client: TestClient) -> None:
    overview = client.get("/").text
    assert ">IP pledge financing</a>" in overview
    assert ">PCT applications</a>" in overview
    assert 'title="ip_pledge_financing_amount"' in overview  # the id is still at hand
    page = client.get("/metrics/ip_pledge_financing_amount").text
    assert "<h1>IP pledge financing <small>CN</small></h1>" in page
    assert "<code>ip_pledge_financing_amount</code>" in page
    api = client.get("/api/overview").json()["items"]
    assert {r["metric"] for r in api} == {"ip_pledge_financing_amount", "pct_applications"}


def test_catalogue_names_are_distinct_and_a_metric_without_one_shows_its_id() -> None:
    named = [m.name for m in catalogue().values() if m.name]
    assert len(named) > 80
    assert len(set(named)) == len(named)
    assert catalogue()["pct_applications"].label == "PCT applications"
    assert metric_label("not_catalogued_yet") == "not_catalogued_yet"
