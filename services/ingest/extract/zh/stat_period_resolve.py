"""The period a Chinese period phrase names: its stated year, a year relative to the
publication date, the year the text carried, else the latest such period ended by the
publication date; without any of these it is UNDATED_YEAR (the figure is unresolved)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from events import AsOfPeriod, HalfPeriod, Period, QuarterPeriod, YearPeriod
from services.ingest.extract.stat_period_grammar import UNDATED_YEAR
from services.ingest.extract.stat_period_parts import period_end
from services.ingest.extract.stat_periods import months_period
from services.ingest.extract.zh.stat_periods import ZhPeriodHit


def build(hit: ZhPeriodHit, year: int) -> Period:
    """The period a phrase names in `year`."""
    return _period(hit.kind, hit.first, hit.last, year)


@lru_cache(maxsize=1024)
def _period(kind: str, first: int, last: int, year: int) -> Period:
    # Periods are frozen values, so one object per period serves every phrase naming it.
    if kind == "as_of":
        return AsOfPeriod(year=year, as_of_month=first)
    if kind == "half":
        return HalfPeriod(year=year, half=first)
    if kind == "quarter":
        return QuarterPeriod(year=year, quarter=first)
    if kind == "months":
        return months_period(year, first, last)
    return YearPeriod(year=year)


def year_to_date(hit: ZhPeriodHit, published: date | None) -> Period | None:
    """ "今年以来", "2024年3月以来": from January (or the month named) to the month before
    the page's date; a stretch that began in an earlier year is no period (None)."""
    if published is None or hit.first >= published.month:
        return None
    year = hit.year if hit.year is not None else published.year + (hit.relative or 0)
    last = published.month - 1
    return _period("months", hit.first, last, year) if year == published.year else None


def resolve(hit: ZhPeriodHit, carried: int | None, published: date | None) -> Period:
    """The period of a phrase: its stated year, a year relative to the publication date,
    the carried year, else the latest such period ended by the publication date; with
    none of these its year is UNDATED_YEAR (the figure is unresolved)."""
    if hit.kind == "now":  # the end of the month before the page's date
        if published is None:
            return AsOfPeriod(year=UNDATED_YEAR, as_of_month=12)
        last = published.replace(day=1) - timedelta(days=1)
        return AsOfPeriod(year=last.year, as_of_month=last.month)
    if hit.year is not None:
        return build(hit, hit.year)
    if hit.relative is not None:
        return build(hit, published.year + hit.relative if published else UNDATED_YEAR)
    if carried is not None:
        return build(hit, carried)
    if published is None:
        return build(hit, UNDATED_YEAR)
    period = build(hit, published.year)
    return period if period_end(period) <= published else period.shifted(-1)
