"""Upgrading the extractor and replaying documents adds new facts and retracts stale ones."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from events import Span, StatisticPublished, YearPeriod
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


def project(log: SqliteEventLog, engine: sa.Engine) -> list[queries.CurrentValue]:
    projector = Projector(engine)
    projector.create()
    projector.apply(log.read(None, projector.cursor(), 100_000))
    with engine.connect() as conn:
        return queries.current(conn)


def test_upgraded_extractor_adds_and_retracts(tmp_path: Path) -> None:
    log = SqliteEventLog(tmp_path / "events.sqlite")
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'p.sqlite'}")
    # the first run used the old extractor
    log.append(document_events(Document(TEXT, date(2022, 1, 20)), extract=old_extractor))
    before = {(c.metric, c.value) for c in project(log, engine)}
    assert before == {("ip_pledge_financing_amount", Decimal("3098000000000"))}

    result = reextract(log, version="1.1.0")
    assert result.documents == 1
    assert {e.payload.metric for e in result.added} == {  # type: ignore[attr-defined]
        "ip_pledge_financing_amount",
        "ip_pledge_financing_items",
    }
    assert len(result.retracted) == 1
    after = {(c.metric, c.value) for c in project(log, engine)}
    assert after == {
        ("ip_pledge_financing_amount", Decimal("309800000000")),
        ("ip_pledge_financing_items", Decimal("17000")),
    }

    # running it again finds nothing more to do
    again = reextract(log, version="1.1.0")
    assert again.added == [] and again.retracted == []
    log.close()
    engine.dispose()


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
