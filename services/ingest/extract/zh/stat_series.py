"""A Chinese document's statistics as one set: a figure the body states twice is one, a
milestone passed beside the exact figure is none, and a basis stated once carries within
its paragraph."""

from __future__ import annotations

from decimal import Decimal

from events import Period, Span
from services.ingest.extract.stat_values import Change
from services.ingest.extract.zh import stat_context as ctxm
from services.ingest.extract.zh.stat_facts import ZhStat


def drop_thresholds(stats: list[ZhStat]) -> list[ZhStat]:
    """ "突破1500亿元" beside the exact "1515亿元" of the same series is a milestone passed."""
    exact = [s for s in stats if s.qualifier == "exact" and s.value is not None]

    def passed(s: ZhStat) -> bool:
        return s.qualifier == "at_least" and s.value is not None and any(
            e.metric.id == s.metric.id and e.period == s.period and e.geography == s.geography
            and s.value <= e.value < s.value * Decimal("1.5")  # type: ignore[operator]
            for e in exact
        )  # fmt: skip

    return [s for s in stats if not passed(s)]


def is_headline(text: str, span: Span) -> bool:
    """A line standing alone without a sentence mark at its end."""
    alone = (span.start == 0 or text[span.start - 1] == "\n") and (
        span.end == len(text) or text[span.end] in "\r\n"
    )
    return alone and text[span.end - 1] not in "。！？；.!?;"


def dedupe(stats: list[ZhStat]) -> list[ZhStat]:
    """A figure the body states twice is one statistic (a headline's is its own, as the
    page shows it twice); the mention with a change wins."""
    out: list[ZhStat] = []
    seen: dict[tuple[str, str, str, str], int] = {}
    for st in stats:
        if st.value is None or st.period is None or st.headline:
            out.append(st)
            continue
        key = (st.metric.id, st.geography, st.period.key, str(st.value))
        if key not in seen:
            seen[key] = len(out)
            out.append(st)
        elif out[seen[key]].change is None and st.change is not None:
            out[seen[key]] = st
    return out


def normalise_basis(change: Change | None, period: Period) -> None:
    """ "较2022年底增长19.9%" of an end-2023 level is a change on the year before."""
    if change is not None and change.basis == f"vs_{period.year - 1}":
        change.basis = "vs_previous_year"


def carry_basis(st: ZhStat, state: ctxm.DocState) -> None:
    """ "同比增长2.4%。其中，出口额为885.4亿元，增长17%": a year-on-year basis stated once
    carries to the bare rates after it in its paragraph."""
    if st.change is None:
        return
    if st.change.basis == "year_on_year":
        state.basis = "year_on_year"
    elif st.change.basis == "unspecified_prior_year" and state.basis:
        st.change.basis = state.basis


def baseline_shift(basis: str, year: int) -> int:
    """How many years before a figure's the baseline a basis names lies: "vs_2022" of a 2023
    figure is one, the year before and the same period of it are one."""
    if basis.startswith("vs_") and basis[3:].isdigit():
        return int(basis[3:]) - year
    return -1
