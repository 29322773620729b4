"""Synthetic events of realistic shape for the benchmarks."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from events import (
    CityPilotDesignated,
    Event,
    Issuer,
    PolicyNoticeIssued,
    Source,
    Span,
    StatisticPublished,
    make_event,
    parse_period_key,
)

METRICS = [
    "ip_pledge_financing_amount",
    "ip_pledge_financing_items",
    "patent_transfer_license_count",
    "ip_related_technology_contract_value",
    "invention_patents_granted",
    "valid_invention_patents",
    "pct_applications",
    "trademark_registrations",
]
PLACES = [
    "CN",
    "Beijing",
    "Shanghai",
    "Guangdong",
    "Jiangsu",
    "Zhejiang",
    "Shandong",
    "Wuhan",
    "Chengdu",
    "Xiamen",
    "Ningbo",
    "Suzhou",
    "Hangzhou",
    "Shenzhen",
    "Guangzhou",
    "Xi'an",
]
PERIODS = ["{y}", "{y}-Q1", "{y}-Q2", "{y}-Q3", "{y}-Q4", "{y}-H1", "{y}-M01-M09", "{y}-E06"]
SENTENCE = (
    "In the first quarter of {y}, patent and trademark pledge financing in {g} reached "
    "{v} yuan, up {c}% year on year, the administration said at a press conference."
)


def events(n: int, seed: int = 7) -> Iterator[Event]:
    """`n` events: about 96% statistics, the rest notices and pilot designations."""
    rnd = random.Random(seed)
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    for i in range(n):
        doc = hashlib.sha256(str(i // 12).encode()).hexdigest()
        published = date(2010, 1, 1) + timedelta(days=(i // 12) % 5000)
        at = t0 + timedelta(seconds=i)
        kind = i % 50
        if kind == 0:
            yield make_event(
                PolicyNoticeIssued(
                    title=f"Notice on IP operation pilot work, round {i // 50}",
                    issuers=(
                        Issuer(id="CNIPA-GO", name="General Office of CNIPA"),
                        Issuer(id="MOF-GO", name="General Office of the Ministry of Finance"),
                    ),
                    type="notice",
                ),
                published_at=published,
                recorded_at=at,
                source=Source(document_id=doc),
            )
            continue
        if kind == 1:
            yield make_event(
                CityPilotDesignated(
                    program=f"IP program {i % 7}",
                    city=rnd.choice(PLACES[1:]),
                    status=rnd.choice(["selected", "implementing"]),
                    year=2020,
                ),
                published_at=published,
                recorded_at=at,
                source=Source(document_id=doc),
            )
            continue
        year = 2005 + rnd.randrange(20)
        period = rnd.choice(PERIODS).format(y=year)
        value = Decimal(rnd.randrange(1000, 10**9)) * 1000
        change = Decimal(rnd.randrange(-300, 1500)) / 10
        sentence = SENTENCE.format(y=year, g="China", v=value, c=change)
        yield make_event(
            StatisticPublished(
                metric=rnd.choice(METRICS),
                geography=rnd.choice(PLACES),
                period=parse_period_key(period),
                value=value,
                unit="CNY",
                reported_change={
                    "percent": abs(change),  # type: ignore[arg-type]
                    "direction": "up" if change >= 0 else "down",
                    "basis": "year_on_year",
                },
                description="patent and trademark pledge financing",
            ),
            published_at=published,
            recorded_at=at,
            source=Source(
                document_id=doc,
                publisher="CNIPA",
                url=f"https://example.org/{i // 12}",
                sentence=sentence,
                sentence_span=Span(start=100, end=100 + len(sentence)),
                value_text=str(value),
                value_span=Span(start=150, end=160),
                extractor="ipmon.rules",
                extractor_version="1.0.0",
            ),
        )
