"""Projections are a function of the set of events: order, duplicates and batching don't matter."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from factories import notice, pilot, statistic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events import FactRetracted, make_event
from events.codec import encode
from events.envelope import Event
from events.log.port import Position, Record
from projections import tables
from projections.projector import Projector
from projections.rebuild import replay

PERIODS = [
    "2019",
    "2020",
    "2019-Q1",
    "2020-Q1",
    "2020-Q2",
    "2020-H1",
    "2020-M01-M04",
    "2020-M01-M09",
    "2019-Q3",
    "2020-Q3",
    "2020-E06",
]


@st.composite
def statistic_events(draw: st.DrawFn) -> Event:
    metric = draw(st.sampled_from(["ip_pledge_financing_amount", "pct_applications"]))
    period = draw(st.sampled_from(PERIODS))
    value = draw(st.one_of(st.none(), st.integers(1, 500).map(str)))
    change = draw(
        st.one_of(
            st.none(),
            st.decimals(0, 80, places=1).map(lambda d: f"+{d}%"),
            st.decimals(0, 5, places=1).map(lambda d: f"-{d}%"),
        )
    )
    if value is None and change is None:
        change = "+1.0%"
    doc = draw(st.integers(1, 6))
    # a document has one publication date, so the same fact from it is the same event
    return statistic(
        metric,
        period,
        value,
        geography=draw(st.sampled_from(["CN", "Wuhan"])),
        change=change,
        published=date(2020, 1, 1) + timedelta(days=70 * doc),
        doc=doc,
        unit="CNY",
    )


other_events = st.one_of(
    st.builds(
        lambda t, d: notice(t, doc=d, published=date(2020, 3, d)),
        st.sampled_from(["Measures A", "Plan B"]),
        st.integers(1, 3),
    ),
    st.builds(
        lambda c, s, d, ch: pilot(c, s, doc=d, published=date(2020, 5, d), changed=ch),
        st.sampled_from(["Wuhan", "Ningbo"]),
        st.sampled_from(["selected", "implementing", "suspended"]),
        st.integers(1, 3),
        st.booleans(),
    ),
)


def retraction_of(e: Event) -> Event:
    return make_event(
        FactRetracted(
            retracted_event_id=e.event_id,
            retracted_event_type=e.event_type,
            retracted_subject=e.subject,
            stream_name=e.stream,
            reason="gone",
            extractor_version="9",
        ),
        published_at=e.published_at,
        recorded_at=e.recorded_at,
        document_id="x",
    )


@st.composite
def histories(draw: st.DrawFn) -> list[Event]:
    events = draw(
        st.lists(
            st.one_of(statistic_events(), statistic_events(), other_events), min_size=1, max_size=30
        )
    )
    retract = draw(st.lists(st.sampled_from(events), max_size=3))
    return events + [retraction_of(e) for e in retract]


def records(events: list[Event]) -> list[Record]:
    return [
        Record(Position("", i + 1), e.stream, str(e.event_id), e.event_type, encode(e))
        for i, e in enumerate(events)
    ]


def dump(engine: sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    with engine.connect() as conn:
        for t in (*tables.BASE_TABLES, *tables.DERIVED_TABLES):
            keys = [c for c in t.primary_key.columns]
            rows = conn.execute(sa.select(t).order_by(*keys)).all()
            out[t.name] = [tuple(str(v) for v in r) for r in rows]
    return out


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
