"""Random event histories for the projection properties, and how to compare their tables."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from factories import notice, pilot, statistic
from hypothesis import strategies as st

from events import FactRetracted, make_event
from events.codec import encode
from events.envelope import Event
from events.log.port import Position, Record
from projections import tables

PERIODS = [
    "2019", "2020", "2019-Q1", "2020-Q1", "2020-Q2", "2020-H1", "2020-M01-M04",
    "2020-M01-M09", "2019-Q3", "2020-Q3", "2020-E06",
]


@st.composite
def statistic_events(draw: st.DrawFn) -> Event:
    """A statistic of two metrics and places, with a value, a reported change or both."""
    metric = draw(st.sampled_from(["ip_pledge_financing_amount", "pct_applications"]))
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
    # one document has one publication date, so the same fact from it is the same event
    return statistic(
        metric,
        draw(st.sampled_from(PERIODS)),
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
    """The retraction of one event."""
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
def histories(draw: st.DrawFn, max_size: int = 30) -> list[Event]:
    """Statistics, notices and pilots, followed by retractions of some of them."""
    events = draw(
        st.lists(
            st.one_of(statistic_events(), statistic_events(), other_events),
            min_size=1,
            max_size=max_size,
        )
    )
    retract = draw(st.lists(st.sampled_from(events), max_size=3))
    return events + [retraction_of(e) for e in retract]


def records(events: list[Event]) -> list[Record]:
    """The events as log records of one partition, offsets from 1."""
    return [
        Record(Position("", i + 1), e.stream, str(e.event_id), e.event_type, encode(e))
        for i, e in enumerate(events)
    ]


def dump(engine: sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection table, rows in key order, values as text."""
    out = {}
    with engine.connect() as conn:
        for t in (*tables.BASE_TABLES, *tables.DERIVED_TABLES):
            rows = conn.execute(sa.select(t).order_by(*t.primary_key.columns)).all()
            out[t.name] = [tuple(str(v) for v in r) for r in rows]
    return out
