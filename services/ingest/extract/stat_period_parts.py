"""The parts period resolution is built of: the document context it reads against, the
hits it yields, and the rules that refine them (the year a sentence states, the latest
period before a publication date, full-date phrases, impossible ordinals)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Protocol

from events import AsOfPeriod, HalfPeriod, MonthsPeriod, Period, QuarterPeriod, YearPeriod
from services.ingest.extract.stat_period_grammar import (
    MONTHS,
    NOT_PERIOD_BEFORE,
    ORDINALS,
    PER_YEAR,
    UNDATED_YEAR,
    Y,
)
from services.ingest.extract.stat_periods import dated_phrases
from services.ingest.extract.stat_text import lower


class YearContext(Protocol):
    """What a document has established that periods are read against."""

    published: date | None  # the date relative words are read against, if known
    year: int | None  # the year the text last stated


@dataclass(slots=True)
class PeriodHit:
    """A period phrase found in a sentence."""

    start: int
    end: int
    period: Period | None  # None: a multi-year span or unresolvable
    explicit_year: int | None
    baseline: bool = False
    problem: str | None = None  # an impossible period ("the fifth quarter"): refused


def year_of(ref: str | None, state: YearContext, default: int | None) -> int | None:
    if not ref:
        return default
    low = ref.lower()
    if low[:2] in ("19", "20"):
        return int(low)
    pub = state.published.year if state.published else None
    if low == "last year" or low == "the previous year":
        return (pub - 1) if pub else state.year or UNDATED_YEAR
    if low in ("the year", "the same year") and default:
        return default  # "In 2021, ...; by the end of the year": the year just named
    # "this year", "the current year".
    return pub if pub else state.year or UNDATED_YEAR


def month(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def latest_before(period: Period, pub: date) -> Period:
    """A yearless period placed by the publication date is the latest one that has begun,
    and a yearless stretch of months the latest that has ended: "by the end of December" in
    a January release is last December, "in the first half" in a January release last
    year's first half (its figures cannot be out before it ends)."""
    if period.kind in ("half", "quarter", "months"):
        return period.shifted(-1) if period_end(period) > pub else period
    return period.shifted(-1) if period_start(period) > pub else period


def refined(hits: list[PeriodHit], year: int | None, s: str) -> list[PeriodHit]:
    """ "In the first half ... in 2023", "as of September ... this year": the part of the
    year is the period, and the year phrase only says which year, so it is no period of its
    own."""
    parts = [h for h in hits if h.period is not None and not isinstance(h.period, YearPeriod)]
    if not parts:
        return hits
    # "In 2021, ... granted 696,000, and by the end of the year ... 3.6 million": a level's
    # date leaves the year a period of its own for the flows
    named = [
        h for h in parts
        if h.explicit_year is None and h.period and h.period.year == year
        and not isinstance(h.period, AsOfPeriod)
    ]  # fmt: skip
    for h in named:
        h.explicit_year = year
    # only "this year" is dropped so: "last year" is another clause's period
    relative = {h.period.year for h in parts if h.period is not None}
    return [
        h for h in hits
        if not isinstance(h.period, YearPeriod)
        or not ((named and h.period.year == year)
                or (h.explicit_year is None and h.period.year in relative
                    and "this year" in lower(s[h.start : h.end])))
    ]  # fmt: skip


def with_dated(hits: list[PeriodHit], s: str, default: int | None) -> list[PeriodHit]:
    """The hits with full-date phrases ("the quarter ended September 30, 2022") in place of
    the shorter phrases inside them ("the third quarter")."""
    dated = dated_phrases(s, default)
    if not dated:
        return hits
    kept = [h for h in hits if not any(d.start <= h.start < d.end for d in dated)]
    kept += [PeriodHit(d.start, d.end, d.period, d.explicit_year) for d in dated]
    return sorted(kept, key=lambda h: h.start)


YEAR_WORD = re.compile(rf"\b{Y}\b")
# "compared with 100,000 in the same period last year": the sentence's period a year back
_SAME_PERIOD = re.compile(
    r"\b(?:in\s+|during\s+|for\s+)?the\s+same\s+(?:period|quarter|month|half|months)\s+"
    rf"(?:of\s+|in\s+)?(?P<ref>last\s+year|the\s+previous\s+year|a\s+year\s+(?:ago|earlier)|{Y})",
    re.I,
)


def with_same_period(hits: list[PeriodHit], s: str) -> list[PeriodHit]:
    """The hits with "the same period last year" read as the sentence's own period in that
    year: a baseline period, governing only the value right before it."""
    if "same" not in s:
        return hits
    for m in _SAME_PERIOD.finditer(s):
        own = [h for h in hits if h.period is not None and not h.baseline and h.end <= m.start()]
        base = own[-1] if own else None
        if base is None or base.period is None:
            continue
        ref = m.group("ref")
        year = int(ref) if ref[:1].isdigit() else base.period.year - 1
        hits = [h for h in hits if not (m.start() <= h.start < m.end())]
        shifted = base.period.shifted(year - base.period.year)
        hits.append(PeriodHit(m.start(), m.end(), shifted, None, baseline=True))
    return sorted(hits, key=lambda h: h.start)


def sentence_year(s: str, found: list[re.Match[str]]) -> int | None:
    """The first calendar year a sentence states as a period ("... in 2010"), if any;
    `found` are the sentence's period phrases."""
    for m in found:
        if m.lastgroup == "yr" and not NOT_PERIOD_BEFORE.search(
            s, max(0, m.start("yr_y") - 40), m.start("yr_y")
        ):
            return int(m.group("yr_y"))
    return None


def impossible(unit: str, n: int, phrase: str) -> str | None:
    """Why the n-th quarter, half or month of a year cannot be, or None if it can."""
    limit, plural = PER_YEAR[unit]
    if 1 <= n <= limit:
        return None
    return f"impossible period {phrase.strip()!r}: a year has {limit} {plural}"


def ordinal_period(
    g: dict[str, str | None], state: YearContext, default: int | None, phrase: str
) -> tuple[Period | None, str | None]:
    """The period of "the Nth quarter/half/month (of Y)", "QN Y" or "HN Y", or the problem."""
    if g["op"]:
        word, unit, ref = str(g["op_n"]), str(g["op_u"]), g["op_y"]
        n = ORDINALS[word] if word in ORDINALS else int(word[:-2])
    else:
        unit = "quarter" if g["qd"] else "half"
        word = str(g["qd_n"] or g["hd_n"])
        n, ref = int(word), g["qd_y"] or g["hd_y"]
    problem = impossible(unit, n, phrase)
    if problem is not None:
        return None, problem
    # a month named by its ordinal is read only with its year ("the third month of 2021")
    y = year_of(ref, state, default) if ref or unit != "month" else None
    if not y:
        return None, None
    if unit == "quarter":
        return QuarterPeriod(year=y, quarter=n), None
    if unit == "half":
        return HalfPeriod(year=y, half=n), None
    return MonthsPeriod(year=y, months_=(n, n)), None


@lru_cache(maxsize=256)
def year_period(year: int) -> YearPeriod:
    """The (immutable) period of a calendar year, built once per year."""
    return YearPeriod(year=year)


def period_end(period: Period) -> date:
    last = period.months[1]
    return date(period.year + (last == 12), 1 if last == 12 else last + 1, 1)


def period_start(period: Period) -> date:
    first = period.months[0]
    return date(period.year, first, 1)
