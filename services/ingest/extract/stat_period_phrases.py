"""Period phrases of a sentence resolved to periods: the year a phrase states, else the
year its sentence or the text before it states, else the publication date's; impossible
periods ("the fifth quarter") are reported, not read."""

from __future__ import annotations

import re
from dataclasses import dataclass

from events import AsOfPeriod, HalfPeriod, MonthsPeriod, Period, QuarterPeriod, YearPeriod
from services.ingest.extract.stat_period_grammar import (
    DIGIT,
    NOT_PERIOD_BEFORE,
    PERIOD,
    PERIOD_HINT,
    UNDATED_YEAR,
    WORD_NUMBERS,
    YEAR_BEFORE,
)
from services.ingest.extract.stat_period_parts import (
    YEAR_WORD,
    PeriodHit,
    YearContext,
    impossible,
    latest_before,
    month,
    ordinal_period,
    refined,
    sentence_year,
    with_dated,
    with_same_period,
    year_of,
    year_period,
)
from services.ingest.extract.stat_periods import months_period
from services.ingest.extract.stat_text import lower


@dataclass(frozen=True, slots=True)
class _Reading:
    """One sentence being read for periods: the text, the document's context, the year a
    period without its own takes."""

    s: str
    state: YearContext
    default: int | None


# A phrase read: its period (None: none), the year it states, the problem that refuses it.
_Read = tuple[Period | None, int | None, str | None]


def find_periods(s: str, state: YearContext) -> list[PeriodHit]:
    """Period phrases of a sentence, resolved against the publication date and context."""
    hits: list[PeriodHit] = []
    if not DIGIT.search(s) and not PERIOD_HINT.search(lower(s)):
        return hits  # a cheap test first: most narrative sentences name no period
    pub = state.published
    # A period without its year ("in the first half") takes the year its sentence or the
    # text before it states; only without one does the publication date place it.
    found = list(PERIOD.finditer(lower(s)))
    own_year = sentence_year(s, found)
    r = _Reading(s, state, own_year or state.year or (pub.year if pub else UNDATED_YEAR))
    dated_by_pub = pub is not None and not (own_year or state.year)
    for m in found:
        if m.lastgroup == "yr":
            # The commonest phrase ("in 2021"), read without building the group dict.
            yr_at = m.start("yr_y")
            if not NOT_PERIOD_BEFORE.search(s, max(0, yr_at - 40), yr_at):
                year = int(m.group("yr_y"))
                hits.append(PeriodHit(m.start(), m.end(), year_period(year), year))
            continue
        g = m.groupdict()
        try:
            read = _resolve(m, g, r)
        except (ValueError, KeyError):
            read = (None, None, None)
        if read is None:
            continue
        period, explicit, problem = read
        if problem is not None:
            hits.append(PeriodHit(m.start(), m.end(), None, None, problem=problem))
        if period is not None and explicit is None and YEAR_WORD.search(m.group()):
            explicit = period.year  # "the first half of 2022" states its year too
        if period is not None and pub is not None and dated_by_pub and not explicit:
            # "the first quarter of this year" names its year; only a yearless one moves
            period = period if g["rel"] or "year" in m.group() else latest_before(period, pub)
        if period is not None:
            hits.append(PeriodHit(m.start(), m.end(), period, explicit))
    return with_same_period(refined(with_dated(hits, s, r.default), own_year, s), s)


def _resolve(m: re.Match[str], g: dict[str, str | None], r: _Reading) -> _Read | None:
    """What a period phrase says; None when it is no period here ("released in March")."""
    if g["asof"] or g["asof2"] or g["asof3"]:
        return _as_of(g, r)
    if g["q3"] or g["q2"] or g["op"] or g["qd"] or g["hd"] or g["q"] or g["h"]:
        return _part(m, g, r)
    if g["fm"] or g["past"] or g["mr"] or g["mo"] or g["mn"]:
        return _months(m, g, r)
    return _year(m, g, r)


def _as_of(g: dict[str, str | None], r: _Reading) -> _Read:
    """ "by the end of June (2021)", "as of March", "by 2025": a level at a month's end."""
    if g["asof"]:
        if g["ao_m"]:
            y = year_of(g["ao_my"], r.state, r.default)
            period = AsOfPeriod(year=y, as_of_month=month(str(g["ao_m"]))) if y else None
        else:
            y = year_of(g["ao_y"], r.state, r.default)
            period = AsOfPeriod(year=y, as_of_month=12) if y else None
        stated = (g["ao_my"] or g["ao_y"] or "").strip()[:1].isdigit()
        return period, y if stated else None, None
    if g["asof2"]:
        y = year_of(g["a2_y"], r.state, r.default)
        return (AsOfPeriod(year=y, as_of_month=month(str(g["a2_m"]))) if y else None), None, None
    y = int(str(g["a3_y"]))
    return AsOfPeriod(year=y, as_of_month=12), y, None


def _part(m: re.Match[str], g: dict[str, str | None], r: _Reading) -> _Read | None:
    """Quarters and halves: "the first three quarters", "Q3 2022", "the second half"."""
    phrase = r.s[m.start() : m.end()]
    if g["q3"] or g["q2"]:
        y = year_of(g["q3_y"] or g["q2_y"], r.state, r.default)
        if not y:
            return None, None, None
        part = MonthsPeriod(year=y, months_=(1, 9)) if g["q3"] else HalfPeriod(year=y, half=1)
        return part, None, None
    if g["op"] or (g["qd"] and g["qd_y"]) or (g["hd"] and g["hd_y"]):
        period, problem = ordinal_period(g, r.state, r.default, phrase)
        return period, None, problem
    if (g["qd"] and str(g["qd_n"]) not in "1234") or (g["hd"] and str(g["hd_n"]) not in "12"):
        if not YEAR_BEFORE.search(r.s, max(0, m.start() - 6), m.start()):
            return None  # "Q7", "H5" without a year: a name, not a period
        unit, n = ("quarter", g["qd_n"]) if g["qd"] else ("half", g["hd_n"])
        return None, None, impossible(unit, int(str(n)), phrase)  # "2021-Q5"
    if g["q"] or g["qd"]:
        n = str(g["q_n"] or g["qd_n"])
        word = WORD_NUMBERS.get(n.lower(), int(n[0]) if n[0].isdigit() else 1)
        q = int(n) if n.isdigit() else word
        y = year_of(g["q_y"] or g["qd_y"], r.state, r.default)
        return (QuarterPeriod(year=y, quarter=q) if y else None), None, None
    half = 1 if str(g["h_n"] or g["hd_n"]).lower() in ("first", "1") else 2
    y = year_of(g["h_y"] or g["hd_y"], r.state, r.default)
    return (HalfPeriod(year=y, half=half) if y else None), None, None


def _months(m: re.Match[str], g: dict[str, str | None], r: _Reading) -> _Read | None:
    """Runs of months and single months: "the first five months", "January-September"."""
    pub = r.state.published
    if g["fm"]:
        n = str(g["fm_n"]).lower()
        last = int(n) if n.isdigit() else WORD_NUMBERS[n]
        y = year_of(g["fm_y"], r.state, r.default)
        return (months_period(y, 1, last) if y and 1 <= last <= 12 else None), None, None
    if g["past"]:
        if pub:
            recent = HalfPeriod(year=pub.year, half=1) if pub.month >= 7 else None
            return recent or HalfPeriod(year=pub.year - 1, half=2), None, None
        return HalfPeriod(year=r.state.year or UNDATED_YEAR, half=1), None, None
    if g["mr"]:
        a, b = month(str(g["mr_a"])), month(str(g["mr_b"]))
        y = year_of(g["mr_y"], r.state, r.default)
        return (months_period(y, a, b) if y and a <= b else None), None, None
    if g["mo"]:
        y, mth = int(str(g["mo_y"])), month(str(g["mo_m"]))
        return MonthsPeriod(year=y, months_=(mth, mth)), y, None
    if NOT_PERIOD_BEFORE.search(r.s, max(0, m.start() - 40), m.start() + 3):
        return None  # "released in March": when something happened, not a period
    mth = month(str(g["mn_m"]))
    return (MonthsPeriod(year=r.default, months_=(mth, mth)) if r.default else None), None, None


def _year(m: re.Match[str], g: dict[str, str | None], r: _Reading) -> _Read | None:
    """A calendar year, stated ("in 2021") or relative ("last year", "this year")."""
    s, state, pub = r.s, r.state, r.state.published
    if g["yr"]:
        if NOT_PERIOD_BEFORE.search(s, max(0, m.start("yr_y") - 40), m.start("yr_y")):
            return None
        y = int(str(g["yr_y"]))
        return YearPeriod(year=y), y, None
    if not g["rel"] or NOT_PERIOD_BEFORE.search(s, max(0, m.start() - 40), m.start()):
        return None
    w = str(g["rel_w"]).lower()
    ry: int | None
    if w == "next year":
        ry = pub.year + 1 if pub else (state.year + 1 if state.year else None)
    elif w in ("last year", "the previous year"):
        # Without a page date, "last year" is the year the text spoke of.
        ry = (pub.year - 1) if pub else state.year or UNDATED_YEAR
    elif pub and pub.month == 1 and state.year == pub.year - 1:
        # in a January review of the year the text names, "this year" is that year: no
        # year's figures exist in its first month
        ry = state.year
    else:
        ry = pub.year if pub else state.year or UNDATED_YEAR
    return (YearPeriod(year=ry) if ry else None), None, None
