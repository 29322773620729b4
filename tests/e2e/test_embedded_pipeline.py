"""The main job on the examples, end to end through the CLI, on the embedded default."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from services.cli import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "inbox"
cli = CliRunner()


def invoke(*args: str) -> str:
    result = cli.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def report(data: Path) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(invoke("report", "--json", "--data", str(data)))
    return out


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("run") / "ipmon-data"
    invoke("run", "--once", "--inbox", str(EXAMPLES), "--data", str(data))
    return data


def test_report_shows_totals_growth_pilots_notices_alerts(data: Path) -> None:
    r = report(data)
    totals = {(y["metric"], y["year"]): y for y in r["yearly_totals"]}
    y2020 = totals[("ip_pledge_financing_amount", 2020)]
    assert Decimal(y2020["official_value"]) == Decimal("218000000000")
    assert Decimal(y2020["ytd_value"]) == Decimal("33700000000")
    assert y2020["covered_periods"] == "2020-Q1" and y2020["ytd_through_month"] == 3
    assert Decimal(y2020["gap"]) == Decimal("184300000000")
    growth = {(g["metric"], g["period_key"]): g for g in r["growth_rates"]}
    g2021 = growth[("ip_pledge_financing_amount", "2021")]
    assert Decimal(g2021["reported_change"]) == 42
    assert abs(Decimal(g2021["computed_change"]) - Decimal("42.11")) < Decimal("0.01")
    assert g2021["mismatch"] is False
    # the reprint's 10x figures are held out: 2022 stays the official 486.88 bn, so
    # 2023's +75.4% agrees with the history
    assert growth[("ip_pledge_financing_amount", "2023")]["mismatch"] is False
    assert Decimal(growth[("ip_pledge_financing_amount", "2022")]["value"]) == Decimal(
        "486880000000"
    )
    pilots = {(p["program"], p["city"]): p for p in r["city_pilots"]}
    suzhou = pilots[("National IP pilot and model zones", "Suzhou New District")]
    assert (suzhou["status"], suzhou["previous_status"]) == ("graduated", "selected")
    titles = {n["title"] for n in r["policy_notices"]}
    assert "Ten Measures to Support the Resumption of Work and Production" in titles
    firing = [a["rule"] for a in r["alerts"] if a["state"] != "resolved"]
    # one alert for the reprint, nothing it would have caused, no growth noise
    assert firing.count("suspected_scale_error") == 1
    assert sorted(set(firing)) == ["notice_issued", "pilot_status_changed",
                                   "suspected_scale_error"]


def test_running_again_appends_nothing(data: Path) -> None:
    before = report(data)
    invoke("run", "--once", "--inbox", str(EXAMPLES), "--data", str(data))
    assert report(data) == before


def test_rebuild_equals_incremental(data: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(data, copy)
    incremental = report(copy)
    invoke("rebuild", "--data", str(copy))
    assert report(copy) == incremental


def test_tail_prints_the_statistics_stream(data: Path) -> None:
    out = invoke("tail", "--stream", "statistics", "--no-follow", "--data", str(data))
    events = [json.loads(line) for line in out.splitlines()]
    assert events and {e["event_type"] for e in events} == {"StatisticPublished"}
    assert {"event_id", "subject", "published_at", "recorded_at", "source", "payload"} <= set(
        events[0]
    )


def test_bad_file_in_inbox_is_reported_and_others_still_ingested(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "empty.txt").write_text("")
    shutil.copy(EXAMPLES / "2021-01-28-cnipa-2020-annual.txt", inbox)
    result = cli.invoke(
        app, ["run", "--once", "--inbox", str(inbox), "--data", str(tmp_path / "d")]
    )
    assert result.exit_code == 1
    assert "empty.txt" in result.output and "document is empty" in result.output
    r = report(tmp_path / "d")
    assert {y["year"] for y in r["yearly_totals"]} == {2020}
