"""The seed press release yields exactly its seven facts, each with provenance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from events import CityPilotDesignated, PolicyNoticeIssued, StatisticPublished
from services.ingest.documents import read_document
from services.ingest.extract import Document
from services.ingest.service import document_events

SEED = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "examples"
    / ("cnipa-2020q1-pledge-financing.txt")
)
pytestmark = pytest.mark.skipif(not SEED.exists(), reason=f"shared seed document absent: {SEED}")


def seed_events() -> list:  # type: ignore[type-arg]
    f = read_document(SEED, date(2020, 4, 25))
    return document_events(Document(f.text, f.published))


def test_statistics_are_exactly_the_published_ones() -> None:
    events = seed_events()
    stats = [e for e in events if isinstance(e.payload, StatisticPublished)]
    got = {
        (
            p.metric,
            p.period.key,
            p.value,
            p.unit,
            p.reported_change.percent if p.reported_change else None,
            p.reported_change.direction if p.reported_change else None,
            p.geography,
        )
        for p in (e.payload for e in stats)
    }
    assert got == {
        (
            "ip_pledge_financing_amount",
            "2020-Q1",
            Decimal("33700000000"),
            "CNY",
            Decimal("15.5"),
            "up",
            "CN",
        ),
        (
            "ip_pledge_financing_items",
            "2020-Q1",
            Decimal("1633"),
            "count",
            Decimal("13.8"),
            "up",
            "CN",
        ),
        (
            "patent_transfer_license_count",
            "2019",
            Decimal("307000"),
            "count",
            Decimal("21.3"),
            "up",
            "CN",
        ),
        (
            "ip_pledge_financing_amount",
            "2019",
            Decimal("151500000000"),
            "CNY",
            Decimal("23.8"),
            "up",
            "CN",
        ),
        (
            "ip_related_technology_contract_value",
            "2019",
            Decimal("928690000000"),
            "CNY",
            Decimal("137.7"),
            "up",
            "CN",
        ),
    }
    assert len(stats) == 5
    text = SEED.read_text("utf-8")
    for e in stats:
        src = e.source
        assert src is not None and src.sentence_span is not None and src.value_span is not None
        assert text[src.sentence_span.start : src.sentence_span.end] == src.sentence
        assert src.value_text == text[src.value_span.start : src.value_span.end]
        assert src.sentence_span.start <= src.value_span.start < src.value_span.end
        assert src.value_span.end <= src.sentence_span.end
        assert src.extractor_version


def test_notices_and_no_invented_pilots() -> None:
    events = seed_events()
    notices = [e.payload for e in events if isinstance(e.payload, PolicyNoticeIssued)]
    assert len(notices) == 2
    ten = next(n for n in notices if n.title)
    assert ten.title == "Ten Measures to Support the Resumption of Work and Production"
    assert [i.id for i in ten.issuers] == ["SAMR", "NMPA", "CNIPA"]
    untitled = next(n for n in notices if not n.title)
    assert [i.id for i in untitled.issuers] == ["CNIPA-GO", "MOF-GO"]
    assert untitled.description and "IP operation service system" in untitled.description
    assert not [e for e in events if isinstance(e.payload, CityPilotDesignated)]
    assert not [
        e
        for e in events
        if isinstance(e.payload, StatisticPublished) and e.payload.value == Decimal(8)
    ]


def test_same_document_twice_gives_the_same_event_ids() -> None:
    assert [e.event_id for e in seed_events()] == [e.event_id for e in seed_events()]
