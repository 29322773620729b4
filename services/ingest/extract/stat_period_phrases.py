"""Period phrases of a sentence resolved to periods: the year a phrase states, else the
year its sentence or the text before it states, else the publication date's; impossible
periods ("the fifth quarter") are reported, not read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Protocol

from events import AsOfPeriod, HalfPeriod, MonthsPeriod, Period, QuarterPeriod, YearPeriod
from services.ingest.extract.stat_period_grammar import (
    DIGIT,
    MONTHS,
    NOT_PERIOD_BEFORE,
    ORDINALS,
    PER_YEAR,
    PERIOD,
    PERIOD_HINT,
    UNDATED_YEAR,
    WORD_NUMBERS,
    YEAR_BEFORE,
    Y,
)
from services.ingest.extract.stat_periods import dated_phrases, months_period
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


def _year_of(ref: str | None, state: YearContext, default: int | None) -> int | None:
    if not ref:
        return default
    low = ref.lower()
    if low[:2] in ("19", "20"):
        return int(low)
    pub = state.published.year if state.published else None
    if low == "last year" or low == "the previous year":
        return (pub - 1) if pub else state.year or UNDATED_YEAR
    # "this year", "the year", "the same year", "the current year".
    return pub if pub else state.year or UNDATED_YEAR


def _month(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def find_periods(s: str, state: YearContext) -> list[PeriodHit]:
    """Period phrases of a sentence, resolved against the publication date and context."""
    hits: list[PeriodHit] = []
    if not DIGIT.search(s) and not PERIOD_HINT.search(lower(s)):
        return hits  # a cheap test first: most narrative sentences name no period
    pub = state.published
    # A period without its year ("in the first half") takes the year its sentence or the
    # text before it states; only without one does the publication date place it.
    found = list(PERIOD.finditer(lower(s)))
    own_year = _sentence_year(s, found)
    default = own_year or state.year or (pub.year if pub else UNDATED_YEAR)
    dated_by_pub = pub is not None and not (own_year or state.year)
    for m in found:
        if m.lastgroup == "yr":
            # The commonest phrase ("in 2021"), read without building the group dict.
            yr_at = m.start("yr_y")
            if NOT_PERIOD_BEFORE.search(s, max(0, yr_at - 40), yr_at):
                continue
            year = int(m.group("yr_y"))
            hits.append(PeriodHit(m.start(), m.end(), year_period(year), year))
            continue
        g = m.groupdict()
        explicit: int | None = None
        period: Period | None = None
        try:
            if g["asof"]:
                if g["ao_m"]:
                    y = _year_of(g["ao_my"], state, default)
                    if y:
                        period = AsOfPeriod(year=y, as_of_month=_month(g["ao_m"]))
                else:
                    y = _year_of(g["ao_y"], state, default)
                    if y:
                        period = AsOfPeriod(year=y, as_of_month=12)
                explicit = y if (g["ao_my"] or g["ao_y"] or "").strip()[:1].isdigit() else None
            elif g["asof2"]:
                y = _year_of(g["a2_y"], state, default)
                if y:
                    period = AsOfPeriod(year=y, as_of_month=_month(g["a2_m"]))
            elif g["asof3"]:
                y = int(g["a3_y"])
                period, explicit = AsOfPeriod(year=y, as_of_month=12), y
            elif g["q3"] or g["q2"]:
                y = _year_of(g["q3_y"] or g["q2_y"], state, default)
                if y:
                    period = (
                        MonthsPeriod(year=y, months_=(1, 9))
                        if g["q3"]
                        else HalfPeriod(year=y, half=1)
                    )
            elif g["op"] or (g["qd"] and g["qd_y"]) or (g["hd"] and g["hd_y"]):
                period, problem = _ordinal_period(g, state, default, s[m.start() : m.end()])
                if problem is not None:
                    hits.append(PeriodHit(m.start(), m.end(), None, None, problem=problem))
            elif (g["qd"] and g["qd_n"] not in "1234") or (g["hd"] and g["hd_n"] not in "12"):
                if YEAR_BEFORE.search(s, max(0, m.start() - 6), m.start()):  # "2021-Q5"
                    unit, n = ("quarter", g["qd_n"]) if g["qd"] else ("half", g["hd_n"])
                    problem = _impossible(unit, int(str(n)), s[m.start() : m.end()])
                    hits.append(PeriodHit(m.start(), m.end(), None, None, problem=problem))
                continue  # "Q7", "H5" without a year: a name, not a period
            elif g["q"] or g["qd"]:
                n = g["q_n"] or g["qd_n"]
                q = (
                    int(n)
                    if n.isdigit()
                    else WORD_NUMBERS.get(n.lower(), int(n[0]) if n[0].isdigit() else 1)
                )
                y = _year_of(g["q_y"] or g["qd_y"], state, default)
                if y:
                    period = QuarterPeriod(year=y, quarter=q)
            elif g["h"] or g["hd"]:
                n = g["h_n"] or g["hd_n"]
                half = 1 if n.lower() in ("first", "1") else 2
                y = _year_of(g["h_y"] or g["hd_y"], state, default)
                if y:
                    period = HalfPeriod(year=y, half=half)
            elif g["fm"]:
                n = g["fm_n"].lower()
                last = int(n) if n.isdigit() else WORD_NUMBERS[n]
                y = _year_of(g["fm_y"], state, default)
                if y and 1 <= last <= 12:
                    period = months_period(y, 1, last)
            elif g["past"]:
                if pub:
                    period = (
                        HalfPeriod(year=pub.year, half=1)
                        if pub.month >= 7
                        else HalfPeriod(year=pub.year - 1, half=2)
                    )
                else:
                    period = HalfPeriod(year=state.year or UNDATED_YEAR, half=1)
            elif g["mr"]:
                a, b = _month(g["mr_a"]), _month(g["mr_b"])
                y = _year_of(g["mr_y"], state, default)
                if y and a <= b:
                    period = months_period(y, a, b)
            elif g["mo"]:
                y = int(g["mo_y"])
                mth = _month(g["mo_m"])
                period, explicit = MonthsPeriod(year=y, months_=(mth, mth)), y
            elif g["mn"]:
                if NOT_PERIOD_BEFORE.search(s, max(0, m.start() - 40), m.start() + 3):
                    continue  # "released in March": when something happened, not a period
                mth = _month(g["mn_m"])
                period = MonthsPeriod(year=default, months_=(mth, mth)) if default else None
            elif g["yr"]:
                if NOT_PERIOD_BEFORE.search(s, max(0, m.start("yr_y") - 40), m.start("yr_y")):
                    continue
                y = int(g["yr_y"])
                period, explicit = YearPeriod(year=y), y
            elif g["rel"]:
                if NOT_PERIOD_BEFORE.search(s, max(0, m.start() - 40), m.start()):
                    continue
                w = g["rel_w"].lower()
                if w == "next year":
                    y = pub.year + 1 if pub else (state.year + 1 if state.year else None)
                elif w in ("last year", "the previous year"):
                    # Without a page date, "last year" is the year the text spoke of.
                    y = (pub.year - 1) if pub else state.year or UNDATED_YEAR
                else:
                    y = pub.year if pub else state.year or UNDATED_YEAR
                if y:
                    period = YearPeriod(year=y)
        except (ValueError, KeyError):
            period = None
        if period is not None and explicit is None and _YEAR_WORD.search(m.group()):
            explicit = period.year  # "the first half of 2022" states its year too
        if period is not None and pub is not None and dated_by_pub and not explicit:
            period = period if g["rel"] else _latest_before(period, pub)
        if period is not None:
            hits.append(PeriodHit(m.start(), m.end(), period, explicit))
    return _refined(_with_dated(hits, s, default), own_year, s)


def _latest_before(period: Period, pub: date) -> Period:
    """A yearless period placed by the publication date is the latest one that has begun:
    "by the end of December" in a January release is last December."""
    return period.shifted(-1) if period_start(period) > pub else period


def _refined(hits: list[PeriodHit], year: int | None, s: str) -> list[PeriodHit]:
    """ "In the first half ... in 2023", "as of September ... this year": the part of the
    year is the period, and the year phrase only says which year, so it is no period of its
    own."""
    parts = [h for h in hits if h.period is not None and not isinstance(h.period, YearPeriod)]
    if not parts:
        return hits
    named = [h for h in parts if h.explicit_year is None and h.period and h.period.year == year]
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


def _with_dated(hits: list[PeriodHit], s: str, default: int | None) -> list[PeriodHit]:
    """The hits with full-date phrases ("the quarter ended September 30, 2022") in place of
    the shorter phrases inside them ("the third quarter")."""
    dated = dated_phrases(s, default)
    if not dated:
        return hits
    kept = [h for h in hits if not any(d.start <= h.start < d.end for d in dated)]
    kept += [PeriodHit(d.start, d.end, d.period, d.explicit_year) for d in dated]
    return sorted(kept, key=lambda h: h.start)


_YEAR_WORD = re.compile(rf"\b{Y}\b")


def _sentence_year(s: str, found: list[re.Match[str]]) -> int | None:
    """The first calendar year a sentence states as a period ("... in 2010"), if any;
    `found` are the sentence's period phrases."""
    for m in found:
        if m.lastgroup == "yr" and not NOT_PERIOD_BEFORE.search(
            s, max(0, m.start("yr_y") - 40), m.start("yr_y")
        ):
            return int(m.group("yr_y"))
    return None


def _impossible(unit: str, n: int, phrase: str) -> str | None:
    """Why the n-th quarter, half or month of a year cannot be, or None if it can."""
    limit, plural = PER_YEAR[unit]
    if 1 <= n <= limit:
        return None
    return f"impossible period {phrase.strip()!r}: a year has {limit} {plural}"


def _ordinal_period(
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
    problem = _impossible(unit, n, phrase)
    if problem is not None:
        return None, problem
    # a month named by its ordinal is read only with its year ("the third month of 2021")
    y = _year_of(ref, state, default) if ref or unit != "month" else None
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
