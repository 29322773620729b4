"""Alert quality: every written scenario raises the alerts a person would want, and only those."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from services.alerts.scenarios import evaluate_scenarios, expected_alerts, run_scenario

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "tests" / "scenarios"
NAMES = sorted(p.parent.name for p in SCENARIOS.glob("*/expected.toml"))


def test_the_scenarios_cover_what_the_alerts_are_for() -> None:
    assert {"normal-year", "real-revision", "reprint-slip", "conversion-slip",
            "sources-disagree", "growth-break", "new-notice", "pilot-status"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_each_scenario_raises_exactly_the_alerts_it_expects(name: str) -> None:
    outcome = run_scenario(SCENARIOS / name)
    assert outcome.extra == (), f"unexpected alerts: {outcome.extra}"
    assert len(outcome.found) == len(outcome.expected), f"fired only {outcome.fired}"


def test_the_script_prints_precision_and_recall_above_the_bar() -> None:
    done = subprocess.run([sys.executable, "scripts/alert_quality.py"], cwd=REPO,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("alert precision 1.000  recall 1.000"), last


def test_a_noisy_rule_lowers_precision(tmp_path: Path) -> None:
    # the same scenario scored against an expectation of silence: its alert counts as noise
    scenario = tmp_path / "revision"
    (scenario / "inbox").mkdir(parents=True)
    for f in (SCENARIOS / "real-revision" / "inbox").iterdir():
        (scenario / "inbox" / f.name).write_bytes(f.read_bytes())
    (scenario / "expected.toml").write_text("alerts = []\n", encoding="utf-8")
    quality = evaluate_scenarios(tmp_path)
    assert quality.precision == 0.0 and quality.recall == 1.0


def test_a_malformed_expectation_names_its_file(tmp_path: Path) -> None:
    bad = tmp_path / "expected.toml"
    bad.write_text("[[alerts]]\nrule = 'x'\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"expected\.toml"):
        expected_alerts(bad)
