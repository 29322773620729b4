"""A real `ipmon worker` process serves Prometheus metrics of the projections and its batches."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from factories import statistic
from infra import free_ports
from pipeline_support import Worker, caught_up, unique, wait_until, worker_env
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from events.log.kafka import KafkaEventLog
from services.bootstrap import projection_engine
from services.metrics import ipmon_version

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


def scrape(url: str) -> dict[str, tuple[str, list[Sample]]]:
    """Family name -> (type, samples) of one scrape."""
    text = httpx.get(url, timeout=10).text
    return {f.name: (f.type, f.samples) for f in text_string_to_metric_families(text)}


def value(families: dict[str, tuple[str, list[Sample]]], sample: str, **labels: str) -> float:
    for s in families[sample.removesuffix("_total")][1]:
        if s.name == sample and all(s.labels.get(k) == v for k, v in labels.items()):
            return s.value
    raise AssertionError(f"no sample {sample}{labels}")


def test_a_worker_serves_metrics_of_what_it_projected(
    kafka_bootstrap: str, kafka_log: KafkaEventLog, prefix: str, database: str, tmp_path: Path,
) -> None:
    (port,) = free_ports(1)
    env = {**worker_env(kafka_bootstrap, database, prefix, unique("g")),
           "IPMON_WORKER_METRICS_PORT": str(port)}
    url = f"http://127.0.0.1:{port}/metrics"
    worker = Worker(env, tmp_path / "worker.log")
    engine = projection_engine(database)
    try:
        # the four quarters of one year, each from its own bulletin
        kafka_log.append([
            statistic(period=f"2021-Q{q}", value=str(10_000_000_000 * q), doc=q)
            for q in range(1, 5)
        ])
        wait_until(lambda: caught_up(engine, kafka_log), 120, "the worker to catch up")
        families = scrape(url)
        assert families["ipmon_events_applied"][0] == "counter"
        assert value(families, "ipmon_events_applied_total", stream="statistics") == 4
        assert value(families, "ipmon_worker_records_total", outcome="applied") >= 4
        assert value(families, "ipmon_worker_records_total", outcome="rejected") == 0
        assert value(families, "ipmon_worker_batches_total") >= 1
        assert families["ipmon_projection_lag"][0] == "gauge"
        assert sum(s.value for s in families["ipmon_projection_lag"][1]) == 0
        assert value(families, "ipmon_deadletters_total") == 0
        assert value(families, "ipmon_build_info", version=ipmon_version()) == 1
        assert value(families, "ipmon_projections_readable") == 1
        assert worker.alive(), worker.output()
    finally:
        worker.stop()
        engine.dispose()
