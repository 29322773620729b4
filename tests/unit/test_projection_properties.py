"""Projections are a function of the set of events: order, duplicates and batching don't matter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from factories import statistic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from projection_histories import dump, histories, records

from events.envelope import Event
from projections.projector import Projector
from projections.rebuild import replay


def project(path: Path, events: list[Event], batch_sizes: list[int]) -> dict[str, Any]:
    engine = sa.create_engine(f"sqlite:///{path}")
    projector = Projector(engine)
    projector.create()
    recs, i, k = records(events), 0, 0
    while i < len(recs):
        size = batch_sizes[k % len(batch_sizes)]
        projector.apply(recs[i : i + size])
        i, k = i + size, k + 1
    result = dump(engine)
    engine.dispose()
    return result


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories(), data=st.data())
def test_any_order_with_duplicates_gives_identical_tables(
    tmp_path_factory: Any, history: list[Event], data: st.DataObject
) -> None:
    base = tmp_path_factory.mktemp("p")
    reference = project(base / "a.sqlite", history, [len(history)])
    shuffled = data.draw(st.permutations(history))
    dups = data.draw(st.lists(st.sampled_from(history), max_size=10))
    sizes = data.draw(st.lists(st.integers(1, 7), min_size=1, max_size=5))
    other = project(base / "b.sqlite", shuffled + dups, sizes)
    assert other == reference

    engine = sa.create_engine(f"sqlite:///{base / 'r.sqlite'}")
    recs = records(list(reversed(history)) + dups)
    replay(engine, [recs[j : j + 5] for j in range(0, len(recs), 5)])
    rebuilt = dump(engine)
    engine.dispose()
    assert rebuilt == reference


def test_replaying_the_same_records_twice_changes_nothing(tmp_path: Path) -> None:
    events = [
        statistic(period="2019-Q1", value="100"),
        statistic(period="2020-Q1", value="120", change="+20%"),
    ]
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'p.sqlite'}")
    projector = Projector(engine)
    projector.create()
    first = projector.apply(records(events))
    assert first.applied == 2 and first.skipped == 0
    before = dump(engine)
    again = projector.apply(records(events))
    assert again.applied == 0 and again.skipped == 2
    assert dump(engine) == before
    assert projector.cursor() == {"": 2}
