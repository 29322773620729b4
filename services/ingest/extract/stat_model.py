"""What the statistics stages share: a statistic found (Stat), what a document has
established so far (State), the sentence being read (Sentence), and small helpers on
periods and bases used by several stages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from events import AsOfPeriod, Period, Span
from events.metrics import Metric
from services.ingest.extract.base import Document
from services.ingest.extract.stat_distractors import Cues
from services.ingest.extract.stat_period_parts import PeriodHit
from services.ingest.extract.stat_values import Change, Num


@dataclass(slots=True)
class Stat:
    """A statistic found, before it becomes a StatisticPublished payload."""

    num: Num | None
    change: Change | None
    metric: Metric
    description: str
    period: Period
    geography: str
    sentence: Span
    value_span: Span | None
    headline: bool
    unit: str


@dataclass(slots=True)
class State:
    """What a document has established so far: carried period, year, currency, place."""

    published: date | None
    period: Period | None = None
    year: int | None = None
    currency: str | None = None
    place: str | None = None
    basis: str | None = None
    places: dict[str, str] = field(default_factory=dict)
    span_years: int | None = None
    filings_in_china: bool = False  # the text spoke of filings made in China
    last_stats: list[Stat] = field(default_factory=list)


@dataclass(slots=True)
class Sentence:
    """One sentence being read, and what has been found in it so far."""

    doc: Document
    span: Span
    s: str
    headline: bool
    periods: list[PeriodHit]
    carried: Period | None  # the period in force before this sentence
    nums: list[Num] = field(default_factory=list)
    values: list[Num] = field(default_factory=list)
    changes: list[Num] = field(default_factory=list)
    multi_from: int = 0  # values from here on are multi-year totals or averages
    currency: str | None = None
    cues: Cues = field(default_factory=lambda: Cues(0, 0, 0, 0, 0))
    ip_cue: bool = False  # the sentence names the IP domain
    national: bool | None = None  # the sentence names China or the nation (read when needed)
    filings_in_china: bool = False  # foreign filers here file in China (said before)

    def span_of(self, start: int, end: int) -> Span:
        """A span of this sentence as a span of the document."""
        return Span(start=self.span.start + start, end=self.span.start + end)


def as_stock(period: Period) -> Period:
    """A level's period: the end of the stated period ("in 2024" = end of 2024)."""
    if isinstance(period, AsOfPeriod):
        return period
    return AsOfPeriod(year=period.year, as_of_month=period.months[1])


def year_basis(basis: str) -> int | None:
    """The comparison year of a `vs_2019` basis."""
    if basis.startswith("vs_") and basis[3:].isdigit():
        return int(basis[3:])
    return None


def normalise_basis(change: Change, year: int) -> None:
    """`vs_<year>` for the year just before the value's year is `vs_previous_year`."""
    if year_basis(change.basis) == year - 1:
        change.basis = "vs_previous_year"


def in_parens(s: str, pos: int) -> bool:
    """Whether position `pos` sits inside an open parenthesis."""
    return s.rfind("(", 0, pos) > s.rfind(")", 0, pos)


_WS = re.compile(r"\s+")


def describe(phrase: str) -> str:
    """A statistic's description: its phrase with spaces collapsed, at most 160 characters."""
    text = _WS.sub(" ", phrase).strip(" ,;:")
    return text[-160:]
