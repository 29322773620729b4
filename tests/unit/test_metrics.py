"""The metrics ipmon exports: counters are counters, gauges are levels, names follow suit."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from infra import free_ports
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from services.bootstrap import App
from services.metrics import Sources, WorkerMetrics, ipmon_version, registry_for, serve_metrics

# the gauges ipmon exports, each a level that may go down as well as up
LEVELS = {
    "ipmon_build_info", "ipmon_projections_readable", "ipmon_projection_lag",
    "ipmon_projection_position", "ipmon_newest_event_age_seconds", "ipmon_alerts_firing",
    "ipmon_alerts", "ipmon_webhook_undelivered_age_seconds",
}


def families(text: str) -> dict[str, str]:
    return {f.name: f.type for f in text_string_to_metric_families(text)}


def test_the_api_exports_counters_with_total_names_and_only_levels_as_gauges(
    client: TestClient,
) -> None:
    text = client.get("/metrics").text
    kinds = families(text)
    assert kinds["ipmon_events_applied"] == "counter"
    assert kinds["ipmon_deadletters"] == "counter"
    assert kinds["ipmon_webhook_deliveries"] == "counter"
    assert "ipmon_events_applied_total{" in text
    gauges = {name for name, kind in kinds.items() if kind == "gauge"}
    assert gauges == LEVELS
    assert not any(name.endswith("_total") for name in kinds)


def test_worker_counters_add_up_over_batches(app: App) -> None:
    registry = registry_for(Sources(app.engine, app.log))
    worker = WorkerMetrics(registry)
    before = families(generate_latest(registry).decode())
    assert before["ipmon_worker_records"] == "counter"
    worker.observe(applied=40, skipped=2, rejected=1, seconds=0.3)
    worker.observe(applied=5, skipped=0, rejected=0, seconds=0.02)
    value = registry.get_sample_value
    assert value("ipmon_worker_records_total", {"outcome": "applied"}) == 45
    assert value("ipmon_worker_records_total", {"outcome": "skipped"}) == 2
    assert value("ipmon_worker_records_total", {"outcome": "rejected"}) == 1
    assert value("ipmon_worker_batches_total") == 2
    assert value("ipmon_worker_batch_duration_seconds_count") == 2
    assert value("ipmon_worker_batch_duration_seconds_bucket", {"le": "0.05"}) == 1
    # the projection figures sit beside them in the same scrape
    assert value("ipmon_events_applied_total", {"stream": "statistics"}) == 5


def test_metrics_are_served_over_http_and_a_taken_port_is_only_logged(
    app: App, caplog: pytest.LogCaptureFixture,
) -> None:
    registry = registry_for(Sources(app.engine, app.log))
    (port,) = free_ports(1)
    stop = serve_metrics(registry, "127.0.0.1", port)
    try:
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
        assert 'ipmon_events_applied_total{stream="statistics"} 5.0' in text
        with caplog.at_level(logging.ERROR, logger="ipmon.metrics"):
            again = serve_metrics(registry, "127.0.0.1", port)
        again()
        assert f"cannot serve /metrics on 127.0.0.1:{port}" in caplog.text
    finally:
        stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2)


def test_a_scrape_answers_while_the_projections_cannot_be_read(
    app: App, tmp_path: Path,
) -> None:
    gone = sa.create_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'p.sqlite'}")
    registry = registry_for(Sources(gone, app.log))
    value = registry.get_sample_value
    assert value("ipmon_projections_readable") == 0
    assert value("ipmon_build_info", {"version": ipmon_version()}) == 1
    assert value("ipmon_events_applied_total", {"stream": "statistics"}) is None
    healthy = registry_for(Sources(app.engine, app.log))
    assert healthy.get_sample_value("ipmon_projections_readable") == 1
