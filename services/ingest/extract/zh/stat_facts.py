"""Chinese statistics as events: a StatisticPublished payload with its provenance, and the
problem reported for a figure whose year or place nothing determines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from events import Period, ReportedChange, Span, StatisticPublished
from events.metrics import Metric
from events.types import Equivalent, Unit, bounded_amount
from services.ingest.extract import unresolved
from services.ingest.extract.base import Document, ExtractionError, Fact
from services.ingest.extract.places_zh import zh_place
from services.ingest.extract.stat_period_grammar import UNDATED_YEAR
from services.ingest.extract.stat_values import Change, Qual
from services.ingest.extract.zh.stat_geography import full_name

_WS = re.compile(r"\s+")


def series_place(name: str) -> str:
    """The geography of a Chinese figure: the gazetteer's English name, as English releases
    write it ("安徽省" and "安徽" -> "Anhui"), so both languages share one series; a place the
    gazetteer lacks keeps its full Chinese name."""
    place = zh_place(name) if name else None
    return place.english if place is not None else full_name(name)


@dataclass(slots=True)
class ZhStat:
    """A statistic found, before it becomes a StatisticPublished payload."""

    metric: Metric
    period: Period  # in UNDATED_YEAR when nothing determines its year
    geography: str  # "" (UNRESOLVED): 我省 / 本市 naming no place
    value: Decimal | None
    unit: str
    qualifier: Qual
    change: Change | None
    sentence: Span
    value_span: Span | None
    headline: bool = False
    equivalent: Equivalent | None = None


def _amount(value: Decimal, doc: Document, at: Span) -> Decimal:
    """The amount as the event contract stores it; a value it cannot carry refuses the text."""
    try:
        value = bounded_amount(value)
    except ValueError:
        problem = f"value {doc.text[at.start : at.end]!r} has too many digits to be stored"
        raise ExtractionError(at, problem) from None
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def resolved(st: ZhStat) -> bool:
    """Whether a statistic's year and place are known, so that it can be stored."""
    return st.period.year != UNDATED_YEAR and bool(st.geography)


def fact(doc: Document, st: ZhStat) -> Fact:
    """The StatisticPublished fact of a statistic whose period and place are known."""
    at = st.value_span or st.sentence
    change = None
    if st.change is not None:
        c = st.change
        amount = _amount(c.amount, doc, at)
        change = ReportedChange(
            percent=amount if c.kind == "percent" else None,
            percentage_points=amount if c.kind == "percentage_points" else None,
            absolute=amount if c.kind == "absolute" else None,
            direction=c.direction,
            basis=c.basis,
            qualifier=c.qualifier,
        )
    payload = StatisticPublished(
        metric=st.metric.id,
        geography=series_place(st.geography),
        period=st.period,
        value=_amount(st.value, doc, at) if st.value is not None else None,
        unit=cast(Unit, st.unit),
        qualifier=st.qualifier,
        reported_change=change,
        equivalent=st.equivalent,
    )
    return Fact(payload=payload, source=doc.source(st.sentence, st.value_span))


def _why(st: ZhStat) -> tuple[str, str]:
    if st.period.year == UNDATED_YEAR:
        return "unresolved year", unresolved.REASON
    return "unresolved place", "the text refers to its province or city without naming it"


def problem(doc: Document, st: ZhStat) -> tuple[Span, str]:
    """(value span, problem) for a statistic that is not stored."""
    at = st.value_span or st.sentence
    value = doc.text[at.start : at.end] if st.value_span else "a change"
    sentence = _WS.sub(" ", doc.text[st.sentence.start : st.sentence.end])[-160:]
    what, why = _why(st)
    return at, f"{what}: {st.metric.id} {value!r} in {sentence!r}; {why}; not stored"


def unresolved_fact(doc: Document, st: ZhStat) -> Fact:
    """The StatisticUnresolved fact of a statistic that is not stored."""
    return unresolved.unresolved_fact(
        doc, st.metric.id, st.period.kind, st.value_span, st.sentence, _why(st)[1]
    )
