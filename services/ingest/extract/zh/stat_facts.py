"""Chinese statistics as events: a StatisticPublished payload with its provenance, and the
problem reported for a figure whose year or place nothing determines."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from events import ReportedChange, Span, StatisticPublished
from events.types import Unit, bounded_amount
from services.ingest.extract.base import Document, ExtractionError, Fact

if TYPE_CHECKING:
    from services.ingest.extract.zh.statistics import ZhStat

_WS = re.compile(r"\s+")


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


def fact(doc: Document, st: ZhStat) -> Fact:
    """The StatisticPublished fact of a statistic whose period and place are known."""
    assert st.period is not None and st.geography is not None
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
        geography=st.geography,
        period=st.period,
        value=_amount(st.value, doc, at) if st.value is not None else None,
        unit=cast(Unit, st.unit),
        qualifier=st.qualifier,
        reported_change=change,
    )
    return Fact(payload=payload, source=doc.source(st.sentence, st.value_span))


def problem(doc: Document, st: ZhStat) -> tuple[Span, str]:
    """(value span, problem) for a statistic that is not stored."""
    at = st.value_span or st.sentence
    value = doc.text[at.start : at.end] if st.value_span else "a change"
    sentence = _WS.sub(" ", doc.text[st.sentence.start : st.sentence.end])[-160:]
    if st.period is None:
        what = "unresolved year"
        why = "neither the text nor a publication date says which year it is"
    else:
        what = "unresolved place"
        why = "the text refers to its province or city without naming it"
    return at, f"{what}: {st.metric.id} {value!r} in {sentence!r}; {why}; not stored"
