"""Firing alerts as a function of the events, whatever batches the log was projected in."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from projection_histories import histories

from events.envelope import Event
from events.log.sqlite import SqliteEventLog
from projections.projector import Projector
from services.processor.embedded import EmbeddedRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from pipeline_support import CLOCK, dump, embedded_projections, firing, ticking


@pytest.fixture(scope="module")
def one_batch(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[object, ...]]:
    return firing(embedded_projections(tmp_path_factory.mktemp("one"), 5000)["alerts"])


@pytest.mark.parametrize("batch_size", [1, 3, 7, 50])
def test_firing_alerts_do_not_depend_on_batch_size(
    tmp_path: Path, batch_size: int, one_batch: list[tuple[object, ...]]
) -> None:
    # the examples and the synthetic series share a series: its earlier years arrive after
    # the later ones, and revise values the later growths were computed from
    assert one_batch
    assert firing(embedded_projections(tmp_path, batch_size)["alerts"]) == one_batch


def _firing_after(path: Path, events: list[Event], batch_size: int) -> list[tuple[Any, ...]]:
    path.mkdir()
    log = SqliteEventLog(path / "events.sqlite")
    log.append(events)
    engine = sa.create_engine(f"sqlite:///{path / 'p.sqlite'}")
    projector = Projector(engine)
    projector.create()
    EmbeddedRunner(log, projector, clock=ticking(CLOCK), batch_size=batch_size).catch_up()
    out = firing(dump(engine)["alerts"])
    engine.dispose()
    log.close()
    return out


# each example runs the whole pipeline twice; the fixture only hands out fresh folders
SLOW = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW)
@given(history=histories(), data=st.data())
def test_firing_alerts_do_not_depend_on_order_or_batches(
    tmp_path_factory: pytest.TempPathFactory, history: list[Event], data: st.DataObject
) -> None:
    base = tmp_path_factory.mktemp("a")
    reference = _firing_after(base / "one", history, len(history) + 1)
    shuffled = data.draw(st.permutations(history))
    size = data.draw(st.integers(1, 7))
    assert _firing_after(base / "other", shuffled, size) == reference
