"""The Prometheus rules and Grafana dashboard in deploy/: valid, tested, and about real metrics."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from services.bootstrap import App
from services.metrics import Sources, WorkerMetrics, registry_for

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
RULES = DEPLOY / "prometheus" / "ipmon.rules.yml"
DASHBOARD = DEPLOY / "grafana" / "ipmon.json"
METRIC_NAME = re.compile(r"\bipmon_[a-z0-9_]+")
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}


@pytest.fixture(scope="module")
def promtool() -> str:
    """Debian's promtool (deploy/test-host.sh installs it); required under CI=true."""
    found = shutil.which("promtool")
    if found is None:
        reason = "promtool is not installed: run deploy/test-host.sh"
        if os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}:
            pytest.fail(f"{reason} (CI=true: it is required)", pytrace=False)
        pytest.skip(reason)
    return found


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)


def dashboard_queries() -> list[str]:
    panels = json.loads(DASHBOARD.read_text(encoding="utf-8"))["panels"]
    return [t["expr"] for p in panels for t in p["targets"]]


def exported_names(app: App) -> set[str]:
    """Every sample name a scrape of the API and of a worker can give."""
    registry = registry_for(Sources(app.engine, app.log))
    WorkerMetrics(registry)
    names: set[str] = set()
    for family in text_string_to_metric_families(generate_latest(registry).decode()):
        names |= {family.name + s for s in SUFFIXES.get(family.type, ("",))}
        names |= {s.name for s in family.samples}
    return names


def test_the_rules_pass_promtool_check(promtool: str) -> None:
    done = run(promtool, "check", "rules", RULES.name, cwd=RULES.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout


def test_the_alerting_rules_pass_their_promtool_unit_tests(promtool: str) -> None:
    done = run(promtool, "test", "rules", "ipmon.rules.test.yml", cwd=RULES.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout


def test_the_example_scrape_config_loads_the_rules(promtool: str) -> None:
    done = run(promtool, "check", "config", "prometheus.example.yml", cwd=RULES.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 rule files found" in done.stdout


def test_every_dashboard_query_is_valid_promql(promtool: str, tmp_path: Path) -> None:
    queries = dashboard_queries()
    assert len(queries) >= 10
    # promtool parses expressions as part of rules; Grafana's interval becomes a fixed one
    rules = [{"record": f"dashboard:query_{i}", "expr": q.replace("$__rate_interval", "5m")}
             for i, q in enumerate(queries)]
    path = tmp_path / "dashboard.rules.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    done = run(promtool, "check", "rules", path.name, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_rules_and_dashboard_name_only_metrics_ipmon_exports(app: App) -> None:
    exported = exported_names(app)
    assert "ipmon_events_applied_total" in exported
    assert "ipmon_worker_batch_duration_seconds_bucket" in exported
    for path, text in ((RULES, RULES.read_text()), (DASHBOARD, "\n".join(dashboard_queries()))):
        used = set(METRIC_NAME.findall(text))
        assert used, f"{path.name} names no metric"
        assert used <= exported, f"{path.name} names metrics ipmon does not export: " \
            f"{sorted(used - exported)}"


def test_the_dashboard_shows_the_figures_the_alerts_are_about() -> None:
    text = "\n".join(dashboard_queries())
    for name in ("ipmon_projection_lag", "ipmon_deadletters_total",
                 "ipmon_webhook_undelivered_age_seconds", "ipmon_worker_records_total"):
        assert name in text, name
    assert 'up{job=~"ipmon-api|ipmon-worker"}' in text
