"""Statistics found become facts: one per series, period and value (a headline repeated
in the body is one fact), transposed headline digits flagged, amounts checked against what
the event contract can carry."""

from __future__ import annotations

from decimal import Decimal

from events import ReportedChange, Span, StatisticPublished
from events.types import MAX_FRACTION_DIGITS, MAX_INTEGER_DIGITS, Unit, bounded_amount
from services.ingest.extract.base import Document, ExtractionError, Fact
from services.ingest.extract.stat_model import Stat, describe
from services.ingest.extract.stat_values import Change

UNITS: dict[str, Unit] = {
    "CNY": "CNY", "USD": "USD", "count": "count", "percent": "percent",
    "per_10k_people": "per_10k_people", "months": "months",
}  # fmt: skip


def dedupe(stats: list[Stat]) -> list[Stat]:
    """One statistic per (metric, geography, period, value, unit): a headline repeated in
    the body is one fact; the mention with a reported change wins."""
    out: list[Stat] = []
    index: dict[tuple[str, str, str, str, str], int] = {}
    for st in stats:
        value = st.num.value if st.num else None
        key = (st.metric.id, st.geography, st.period.key, str(value), st.unit)
        if value is None:
            out.append(st)
            continue
        if key in index:
            j = index[key]
            if out[j].change is None and st.change is not None:
                out[j] = st
            continue
        index[key] = len(out)
        out.append(st)
    # A headline's rounded growth rate ("Grants Up 15%") restates the body's value and rate.
    with_change = {
        (st.metric.id, st.geography, st.period.key) for st in out if st.num and st.change
    }
    return [
        st
        for st in out
        if st.num is not None
        or not st.headline
        or (st.metric.id, st.geography, st.period.key) not in with_change
    ]


def flag_transpositions(stats: list[Stat]) -> None:
    """Two values of one series that are digit permutations: the headline one is a typo."""
    by_metric: dict[str, list[Stat]] = {}
    for st in stats:
        if st.num is not None:
            by_metric.setdefault(st.metric.id, []).append(st)
    # Only values of one metric are compared, so the pairs are looked up per metric.
    for a in stats:
        if a.num is None or not a.headline:
            continue
        for b in by_metric.get(a.metric.id, []):
            if a is b or b.num is None or b.headline:
                continue
            if a.period != b.period or a.num.value == b.num.value:
                continue
            typo = sorted(str(a.num.value)) == sorted(str(b.num.value))
            if typo and "suspected_typo" not in a.num.flags:
                a.num.flags.append("suspected_typo")


def _plain(value: Decimal) -> Decimal:
    """Integral values without a fractional part or exponent (33700000000, not 3.37E+10)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def carried(amount: Decimal, at: int, text: str) -> Decimal:
    """The amount if the event contract can carry it; else the document is refused."""
    try:
        return _plain(bounded_amount(amount))
    except ValueError:
        problem = (
            f"value {text!r} cannot be stored: at most {MAX_INTEGER_DIGITS} digits before "
            f"the decimal point and {MAX_FRACTION_DIGITS} after"
        )
        raise ExtractionError(Span(start=at, end=at + len(text)), problem) from None


def _value_at(doc: Document, st: Stat) -> tuple[int, str]:
    span = st.value_span or st.sentence
    return span.start, doc.text[span.start : span.end]


def _reported(doc: Document, st: Stat, c: Change) -> ReportedChange:
    amount = carried(c.amount, *_value_at(doc, st))
    return ReportedChange(
        percent=amount if c.kind == "percent" else None,
        percentage_points=amount if c.kind == "percentage_points" else None,
        absolute=amount if c.kind == "absolute" else None,
        direction=c.direction,
        basis=c.basis or "unspecified_prior_year",
        qualifier=c.qualifier,
    )


def fact(doc: Document, st: Stat) -> Fact:
    """The fact of a statistic: its StatisticPublished payload and where the text says it."""
    n = st.num
    payload = StatisticPublished(
        metric=st.metric.id,
        description=st.description or None,
        geography=st.geography,
        period=st.period,
        value=carried(n.value, *_value_at(doc, st)) if n else None,
        unit=UNITS[st.unit],
        qualifier=n.qualifier if n else "exact",
        reported_change=_reported(doc, st, st.change) if st.change is not None else None,
        equivalent=n.equivalent if n else None,
        flags=tuple(n.flags) if n else (),
    )
    return Fact(payload=payload, source=doc.source(st.sentence, st.value_span))


def unresolved_problem(doc: Document, st: Stat) -> str:
    """Why a statistic whose year nothing determines is not stored, with its sentence."""
    value = doc.text[st.value_span.start : st.value_span.end] if st.value_span else "a change"
    sentence = describe(doc.text[st.sentence.start : st.sentence.end])
    return (
        f"unresolved year: {st.metric.id} {value!r} ({st.period.kind}) in {sentence!r}; "
        "neither the text nor a publication date says which year it is; not stored"
    )
