"""Upgrading the extractor and replaying documents adds new facts and retracts stale ones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from events import (
    CityPilotDesignated,
    Event,
    PolicyNoticeIssued,
    Span,
    StatisticPublished,
    YearPeriod,
)
from events.codec import encode
from events.log.port import Position, Record
from events.log.sqlite import SqliteEventLog
from projections import queries
from projections.projector import Projector
from services.ingest.extract import Document, Fact, extract_facts
from services.ingest.reextract import reextract
from services.ingest.service import IngestService, document_events

TEXT = (
    "In 2021, patent and trademark pledge financing reached 309.8 billion yuan, up 42% year on "
    "year. The number of pledge projects reached 17,000, up 42% year on year."
)


def old_extractor(doc: Document) -> list[Fact]:
    """A faulty earlier version: drops the project count and misreads the amount's scale."""
    facts = [f for f in extract_facts(doc) if isinstance(f.payload, StatisticPublished)]
    amount = next(f for f in facts if f.payload.metric == "ip_pledge_financing_amount")
    wrong = StatisticPublished(
        metric="ip_pledge_financing_amount",
        geography="CN",
        period=YearPeriod(year=2021),
        value=Decimal("3098000000000"),
        unit="CNY",
    )
    span = Span(start=0, end=len(doc.text))
    kept = [f for f in facts if f is not amount and f.payload.metric != "ip_pledge_financing_items"]
    return [Fact(wrong, doc.source(span, version="0.9.0")), *kept]


def state(log: SqliteEventLog, path: Path, events: list[Event] | None = None) -> Any:
    """Statistics, notices and pilots in force after projecting the log (or `events`)."""
    engine = sa.create_engine(f"sqlite:///{path}")
    projector = Projector(engine)
    projector.create()
    if events is None:
        projector.apply(log.read(None, projector.cursor(), 100_000))
    else:  # one event per batch, in the given order
        for i, e in enumerate(events):
            record = Record(Position("", i + 1), e.stream, str(e.event_id), e.event_type, encode(e))
            projector.apply([record])
    with engine.connect() as conn:
        out = (
            {(c.metric, c.value) for c in queries.current(conn)},
            {n.title for n in queries.notices(conn)},
            {(p.program, p.city) for p in queries.pilots(conn)},
        )
    engine.dispose()
    return out


def test_upgraded_extractor_adds_and_retracts(tmp_path: Path) -> None:
    log = SqliteEventLog(tmp_path / "events.sqlite")
    projections = tmp_path / "p.sqlite"
    # the first run used the old extractor
    log.append(document_events(Document(TEXT, date(2022, 1, 20)), extract=old_extractor))
    before = state(log, projections)[0]
    assert before == {("ip_pledge_financing_amount", Decimal("3098000000000"))}

    result = reextract(log, version="1.1.0")
    assert result.documents == 1
    assert {e.payload.metric for e in result.added} == {  # type: ignore[attr-defined]
        "ip_pledge_financing_amount",
        "ip_pledge_financing_items",
    }
    assert len(result.retracted) == 1
    after = state(log, projections)[0]
    assert after == {
        ("ip_pledge_financing_amount", Decimal("309800000000")),
        ("ip_pledge_financing_items", Decimal("17000")),
    }

    # running it again finds nothing more to do
    again = reextract(log, version="1.1.0")
    assert again.added == [] and again.retracted == []
    log.close()


def test_feed_facts_are_never_retracted(tmp_path: Path) -> None:
    log = SqliteEventLog(tmp_path / "events.sqlite")
    feed = tmp_path / "feed.csv"
    feed.write_text(
        "record,metric,period,value,unit,published\n"
        "statistic,ip_pledge_financing_items,2020,12093,count,2021-01-28\n"
    )
    IngestService(log).ingest_file(feed)
    IngestService(log).ingest_text(TEXT, published=date(2022, 1, 20))
    result = reextract(log, version="1.1.0")
    assert result.retracted == [] and result.added == []
    log.close()


ROUND_TEXT = (
    "In 2023, the office registered 512 patent pledges. "
    "It issued the Notice on Pledge Registration. Ningbo was named a pledge pilot city."
)


def scripted(keep: bool) -> Callable[[Document], list[Fact]]:
    """An extractor that finds a statistic, a notice and a pilot, or (keep=False) none."""

    def extract(doc: Document) -> list[Fact]:
        if not keep:
            return []
        span = Span(start=0, end=len(doc.text))
        stat = StatisticPublished(
            metric="ip_pledge_financing_items",
            geography="CN",
            period=YearPeriod(year=2023),
            value=Decimal("512"),
            unit="count",
        )
        notice = PolicyNoticeIssued(title="Notice on Pledge Registration")
        pilot = CityPilotDesignated(program="pledge pilot", city="Ningbo")
        return [Fact(p, doc.source(span)) for p in (stat, notice, pilot)]

    return extract


FOUND = (
    {("ip_pledge_financing_items", Decimal("512"))},
    {"Notice on Pledge Registration"},
    {("pledge pilot", "Ningbo")},
)
GONE: tuple[set[Any], set[Any], set[Any]] = (set(), set(), set())


def test_a_fact_found_again_is_reinstated_every_round(tmp_path: Path) -> None:
    log = SqliteEventLog(tmp_path / "events.sqlite")
    log.append(document_events(Document(ROUND_TEXT, date(2024, 1, 10)), extract=scripted(True)))
    assert state(log, tmp_path / "p0.sqlite") == FOUND
    reinstated_ids: list[str] = []
    for n in range(1, 3):
        gone = reextract(log, extract=scripted(False), version=f"lean-{n}")
        assert (len(gone.added), len(gone.reinstated), len(gone.retracted)) == (0, 0, 3)
        assert state(log, tmp_path / f"gone{n}.sqlite") == GONE
        assert reextract(log, extract=scripted(False)).retracted == []  # nothing left to retract
        back = reextract(log, extract=scripted(True), version=f"full-{n}")
        assert (len(back.added), len(back.reinstated), len(back.retracted)) == (0, 3, 0)
        assert state(log, tmp_path / f"back{n}.sqlite") == FOUND
        again = reextract(log, extract=scripted(True))
        assert again.added == again.reinstated == again.retracted == []
        reinstated_ids += [str(e.event_id) for e in back.reinstated]
    assert len(set(reinstated_ids)) == 6  # each round's publications have ids of their own
    # the projections need no order: the same events backwards give the same state
    everything = [r.event() for r in log.read(None, {}, 100_000)]
    assert state(log, tmp_path / "reversed.sqlite", everything[::-1]) == FOUND
    log.close()
