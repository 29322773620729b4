"""Synthetic events of realistic shape and content for the benchmarks.

Each series (metric, place) follows a level that grows by a few per cent a year; its
quarters, half-years and January-to-September figures are fixed shares of the year, so
the vintages of one period print the same figure and the growth each reports is the
growth its figures show. A few vintages revise a figure slightly, and very few slip by
10**4 (the 万/亿 confusion), as real reprints do: alerts are raised at a realistic rate,
not on every event.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache

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
# share of the year's figure that each kind of period holds (the quarters sum to a little
# less than the year: annual figures are often revised up)
SHARES = {"Q1": "0.22", "Q2": "0.24", "Q3": "0.25", "Q4": "0.28", "H1": "0.46",
          "M01-M09": "0.71", "E06": "0.46"}
REVISED = 0.03  # vintages that revise the figure a little
SLIPPED = 0.002  # vintages printed 10**4 off
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
        metric, place = rnd.choice(METRICS), rnd.choice(PLACES)
        value, change = _figure(metric, place, period)
        draw = rnd.random()
        if draw < SLIPPED:
            value = value * 10**4
        elif draw < REVISED:
            value = _round(value * (1 + Decimal(rnd.randrange(2, 15)) / 1000))
        sentence = SENTENCE.format(y=year, g=place, v=value, c=change)
        yield make_event(
            StatisticPublished(
                metric=metric,
                geography=place,
                period=parse_period_key(period),
                value=value,
                unit="count" if metric in COUNTS else "CNY",
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


COUNTS = frozenset(m for m in METRICS if not m.endswith(("_amount", "_value")))


def _round(value: Decimal, digits: int = 5) -> Decimal:
    """`value` to `digits` significant digits, as statistics are printed."""
    return Decimal(f"{value:.{digits}g}").quantize(Decimal(1))


@cache
def _level(metric: str, place: str, year: int) -> Decimal:
    """The yearly figure of a series: a level of its own, grown by 2-14 % a year."""
    if year < 2004:
        rnd = random.Random(f"{metric}|{place}")
        return Decimal(rnd.randrange(2000, 90000)) * (10**5 if metric not in COUNTS else 1)
    grown = Decimal(random.Random(f"{metric}|{place}|{year}").randrange(1020, 1140)) / 1000
    return _level(metric, place, year - 1) * grown


def _figure(metric: str, place: str, period: str) -> tuple[Decimal, Decimal]:
    """The printed figure of a period and the year-on-year growth (%) it reports."""
    year, _, part = period.partition("-")
    share = Decimal(SHARES[part]) if part else Decimal(1)
    now = _round(_level(metric, place, int(year)) * share)
    before = _round(_level(metric, place, int(year) - 1) * share)
    return now, ((now / before - 1) * 100).quantize(Decimal("0.1"))
