"""One contract for the projection store on both databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from factories import notice, statistic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from projection_histories import dump, histories, records
from sqlalchemy.engine import make_url

from events.envelope import Event
from events.types import plain_decimal
from projections import queries, tables
from projections.projector import Projector, decode_records
from projections.rebuild import replay
from projections.store.common import decimal_text
from projections.store.port import ProjectionStore
from services.bootstrap import projection_engine, projection_store

PERIOD = ("metric", "geography", "period_key")


class Stores:
    """Fresh, empty stores on one database: a file each (SQLite) or a schema each."""

    def __init__(self, kind: str, base: str) -> None:
        self.kind, self.base, self.made = kind, base, 0
        self.engines: list[sa.Engine] = []

    def url(self) -> str:
        self.made += 1
        if self.kind == "sqlite":
            return f"sqlite:///{self.base}/p{self.made}.sqlite"
        url = make_url(self.base).update_query_dict({"schema": f"store{self.made}"})
        return url.render_as_string(hide_password=False)

    def fresh(self) -> ProjectionStore:
        """A store with the projection tables created and empty, picked as ipmon picks it."""
        url = self.url()
        engine = projection_engine(url)
        self.engines.append(engine)
        store = projection_store(url, engine)
        Projector(store).create()
        return store

    def close(self) -> None:
        """Release every connection the stores made so far."""
        for engine in self.engines:
            engine.dispose()
        self.engines.clear()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    if request.param == "sqlite":
        made = Stores("sqlite", str(tmp_path))
        yield made
        made.close()
    else:
        from infra import fresh_database

        with fresh_database(request.getfixturevalue("postgres_url")) as url:
            made = Stores("postgresql", url)
            yield made
            made.close()


def observation_rows(*events: Event) -> list[dict[str, Any]]:
    decoded = decode_records(records(list(events)))
    assert not decoded.rejected
    return decoded.rows["observations"]


# CNIPA's yearly figures for patent and trademark pledge financing (yuan)
Y2022 = statistic(period="2022", value="486880000000", published=date(2023, 1, 16), doc=22)
Y2023 = statistic(period="2023", value="853990000000", change="+75.4%",
                  published=date(2024, 1, 16), doc=23)


def test_rows_read_back_as_they_were_inserted(stores: Stores) -> None:
    store = stores.fresh()
    rows = observation_rows(Y2022, Y2023)
    with store.engine.begin() as conn:
        store.insert(conn, tables.observations, rows, ignore_existing=False)
    with store.engine.connect() as conn:
        back = store.read(conn, tables.observations, ("event_id",), [r["event_id"] for r in rows])
        missing = store.read(conn, tables.observations, ("event_id",), ["no-such-event"])
    assert sorted(back, key=lambda r: r["period_key"]) == rows
    assert missing == []


def test_a_read_of_some_columns_gives_those_of_the_rows(stores: Stores) -> None:
    store = stores.fresh()
    # the 2023 figure printed twice: the same value and date read back on two rows
    again = statistic(period="2023", value="853990000000", change="+75.4%",
                      published=date(2024, 1, 16), doc=24)
    rows = observation_rows(Y2022, Y2023, again)
    with store.engine.begin() as conn:
        store.insert(conn, tables.observations, rows, ignore_existing=False)
    columns = ("event_id", "value", "published_at", "change_amount", "sentence")
    with store.engine.connect() as conn:
        back = store.read(conn, tables.observations, ("metric", "geography"),
                          [("ip_pledge_financing_amount", "CN")], columns)
    expected = [{c: r[c] for c in columns} for r in rows]
    assert sorted(back, key=lambda r: r["event_id"]) == sorted(
        expected, key=lambda r: r["event_id"])
    assert {r["published_at"] for r in back} == {date(2023, 1, 16), date(2024, 1, 16)}


def test_ignoring_existing_keys_keeps_the_first_row(stores: Stores) -> None:
    store = stores.fresh()
    first = observation_rows(Y2022)[0]
    again = {**first, "value": first["value"] * 10}
    with store.engine.begin() as conn:
        store.insert(conn, tables.observations, [first], ignore_existing=True)
        # a clash with a stored row and one inside the batch itself
        store.insert(conn, tables.observations, [again, again], ignore_existing=True)
    with store.engine.connect() as conn:
        back = store.read(conn, tables.observations, ("event_id",), [first["event_id"]])
    assert [r["value"] for r in back] == [first["value"]]


def test_inserting_a_stored_key_without_ignoring_fails(stores: Stores) -> None:
    store = stores.fresh()
    row = observation_rows(Y2023)[0]
    with store.engine.begin() as conn:
        store.insert(conn, tables.observations, [row], ignore_existing=False)
    conn = store.engine.connect()
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"), conn.begin():
        store.insert(conn, tables.observations, [row], ignore_existing=False)
    conn.close()


def test_keyed_reads_and_deletes_touch_exactly_their_keys(stores: Stores) -> None:
    store = stores.fresh()
    events = [
        statistic(period=p, value=v, geography=g, doc=i)
        for i, (p, v, g) in enumerate(
            [("2022", "486880000000", "CN"), ("2023", "853990000000", "CN"),
             ("2023", "853990000000", "Wuhan")], start=1)
    ]
    Projector(store).apply(records(events))
    keys = [("ip_pledge_financing_amount", "CN", "2023"), ("ip_pledge_financing_amount", "Wuhan",
                                                           "2023")]
    cv = tables.current_values
    with store.engine.begin() as conn:
        found = store.read(conn, cv, PERIOD, keys)
        assert sorted((r["geography"], r["period_key"]) for r in found) == [
            ("CN", "2023"), ("Wuhan", "2023")]
        store.delete(conn, cv, PERIOD, keys[:1])
        left = conn.execute(sa.select(cv.c.geography, cv.c.period_key).order_by(
            cv.c.geography, cv.c.period_key)).all()
    assert [tuple(r) for r in left] == [("CN", "2022"), ("Wuhan", "2023")]


def test_present_names_the_stored_keys(stores: Stores) -> None:
    store = stores.fresh()
    rows = observation_rows(Y2022, Y2023)
    ids = [r["event_id"] for r in rows]
    with store.engine.begin() as conn:
        store.insert(conn, tables.observations, rows[:1], ignore_existing=False)
        assert store.present(conn, tables.observations, "event_id", ids) == {ids[0]}
        assert store.present(conn, tables.observations, "event_id", []) == set()


def test_positions_only_move_forward_per_projector(stores: Stores) -> None:
    store = stores.fresh()
    with store.engine.begin() as conn:
        store.advance(conn, "main", {"t:0": 5, "t:1": 9})
        store.advance(conn, "main", {"t:0": 7, "t:1": 3})
        store.advance(conn, "other", {"t:0": 1})
    with store.engine.connect() as conn:
        assert store.positions(conn, "main") == {"t:0": 7, "t:1": 9}
        assert store.positions(conn, "main", ["t:1", "t:2"]) == {"t:1": 9}
        assert store.positions(conn, "other") == {"t:0": 1}
        assert store.positions(conn, "none") == {}


def test_a_partition_lock_lets_one_writer_at_a_time(stores: Stores) -> None:
    store = stores.fresh()
    held = threading.Event()
    seen: list[dict[str, int]] = []

    def first() -> None:
        with store.engine.begin() as conn:
            store.lock_partitions(conn, "main", ["t:0"])
            held.set()
            time.sleep(0.5)
            store.advance(conn, "main", {"t:0": 10})

    def second() -> None:
        held.wait(10)
        with store.engine.begin() as conn:
            store.lock_partitions(conn, "main", ["t:0"])
            seen.append(store.positions(conn, "main"))  # after the first committed

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert seen == [{"t:0": 10}]


def project(store: ProjectionStore, events: list[Event], sizes: list[int]) -> dict[str, Any]:
    projector = Projector(store)
    recs, i, k = records(events), 0, 0
    while i < len(recs):
        projector.apply(recs[i : i + sizes[k % len(sizes)]])
        i, k = i + sizes[k % len(sizes)], k + 1
    return dump(store.engine)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories(), data=st.data())
def test_any_order_duplicates_and_batches_give_identical_tables(
    stores: Stores, history: list[Event], data: st.DataObject
) -> None:
    try:
        reference = project(stores.fresh(), history, [len(history)])
        shuffled = data.draw(st.permutations(history))
        dups = data.draw(st.lists(st.sampled_from(history), max_size=10))
        sizes = data.draw(st.lists(st.integers(1, 7), min_size=1, max_size=5))
        assert project(stores.fresh(), shuffled + dups, sizes) == reference

        rebuilt = stores.fresh()
        recs = records(list(reversed(history)) + dups)
        replay(rebuilt, [recs[j : j + 5] for j in range(0, len(recs), 5)])
        assert dump(rebuilt.engine) == reference
    finally:
        stores.close()


def test_a_notice_and_its_retraction_project_alike_on_both_paths(stores: Stores) -> None:
    events = [notice("Measures for pledge financing", doc=1), notice("Measures for pledge "
              "financing", doc=2, published=date(2021, 3, 1))]
    incremental = project(stores.fresh(), events, [1])
    rebuilt = stores.fresh()
    replay(rebuilt, [records(events)])
    assert dump(rebuilt.engine) == incremental
    assert len(incremental["policy_notices"]) == 1


@pytest.mark.postgres
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories())
def test_both_databases_hold_the_same_tables(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
    history: list[Event],
) -> None:
    from infra import fresh_database

    lite = Stores("sqlite", str(tmp_path_factory.mktemp("lite")))
    with fresh_database(request.getfixturevalue("postgres_url")) as url:
        pg = Stores("postgresql", url)
        try:
            assert project(pg.fresh(), history, [3]) == project(lite.fresh(), history, [3])
        finally:
            pg.close()
            lite.close()


@given(st.integers(-(10**18), 10**18), st.integers(-10, 10))
def test_decimals_are_written_in_the_plain_notation_of_events(digits: int, exponent: int) -> None:
    # amounts of events (at most 18 digits) with any exponent and trailing zeros: the
    # stores' fast path must agree with the events' own plain notation
    value = Decimal(digits).scaleb(exponent)
    assert decimal_text(value) == plain_decimal(value)


def test_the_evidence_of_alerts_is_found_among_thousands_of_touched_periods(
    stores: Stores,
) -> None:
    # a batch of a few thousand events touches this many periods; a row-value IN list of
    # them was nested too deep for PostgreSQL
    many = [("ip_pledge_financing_amount", "CN", f"{1000 + i}-Q1") for i in range(20_000)]
    official = statistic(period="2022", value="486880000000", doc=1, publisher="CNIPA")
    # a later, less authoritative source: one ten times too large, one a different figure
    slip = statistic(period="2022", value="4868800000000", doc=2, publisher="a newsletter",
                     published=date(2023, 2, 1))
    other = statistic(period="2021", value="400000000000", doc=3, publisher="CNIPA")
    dissent = statistic(period="2021", value="420000000000", doc=4, publisher="a newsletter",
                        published=date(2023, 3, 1))
    store = stores.fresh()
    project(store, [official, slip, other, dissent], [4])
    touched = [*many, ("ip_pledge_financing_amount", "CN", "2022"),
               ("ip_pledge_financing_amount", "CN", "2021")]
    with store.engine.connect() as conn:
        documents = queries.suspect_documents(conn, touched)
        found = queries.disagreements(conn, touched)
    assert documents == {slip.source.document_id}  # type: ignore[union-attr]
    assert [(d.period_key, d.dissent_event_id) for d in found] == [
        ("2021", str(dissent.event_id))
    ]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories(), limit=st.integers(1, 12))
def test_a_replay_derived_a_few_keys_at_a_time_equals_incremental(
    stores: Stores, history: list[Event], limit: int
) -> None:
    try:
        reference = project(stores.fresh(), history, [3])
        rebuilt = stores.fresh()
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("projections.rebuild.CHUNK_ROWS", limit)
            replay(rebuilt, [records(history)])
        assert dump(rebuilt.engine) == reference
    finally:
        stores.close()


def test_decisions_on_values_reach_their_series_when_derived_one_key_at_a_time(
    stores: Stores,
) -> None:
    from events import ValueReviewed, make_event

    slipped = statistic(period="2021", value="4868800000000", doc=2, published=date(2022, 3, 1))
    events = [
        statistic(period="2021", value="486880000000", published=date(2022, 2, 1)),
        slipped,
        statistic(period="2021", value="9000", geography="Wuhan", unit="count"),
        make_event(
            ValueReviewed(reviewed_event_id=slipped.event_id, reviewed_subject=slipped.subject,
                          decision="accepted", by="analyst", at="2022-03-02T00:00:00Z"),
            published_at=date(2022, 3, 2), document_id="review",
        ),
    ]
    reference = project(stores.fresh(), events, [1])
    rebuilt = stores.fresh()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("projections.rebuild.CHUNK_ROWS", 1)
        replay(rebuilt, [records(events)])
    assert dump(rebuilt.engine) == reference
    value = [c.name for c in tables.current_values.columns].index("value")
    current = {r[1]: r[value] for r in reference["current_values"]}
    # the accepted vintage is current: the decision was read with its series
    assert plain_decimal(Decimal(str(current["CN"]))) == "4868800000000"
