"""Period phrases that name a full date: "for the quarter ended September 30, 2022",
"as of June 30, 2021", and a year stated in a document's title ("... (2023)").

The words come from `lexicon/stat_periods.toml`; the statistics stage turns the spans found
here into period hits beside the ones its own grammar reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from events import AsOfPeriod, HalfPeriod, MonthsPeriod, Period, QuarterPeriod, YearPeriod
from services.ingest.extract import lexicon
from services.ingest.extract.stat_text import lower

YEAR = r"(?:19|20)\d{2}"
# A month name followed by a day: every full-date phrase has one.
# (matched on ASCII-lowered text: a case-insensitive alternation is slower)
_CUE = re.compile(
    r"(?<![a-z0-9_])(?:j(?:an|un|ul)|feb|ma[ry]|a(?:pr|ug)|sep|oct|nov|dec)[a-z]*\.?\s+\d"
)
# "Annual Report (2023)", "IP pledge financing in 2022", "Patent statistics, 2023"
_TITLE_YEAR = re.compile(
    rf"\((?P<y>{YEAR})\)|\b(?:in|of|for)\s+(?P<y2>{YEAR})\b|,\s*(?P<y3>{YEAR})\s*$"
)


@dataclass(frozen=True, slots=True)
class DatedPhrase:
    """A period phrase with a full date: where it stands, its period, its stated year."""

    start: int
    end: int
    period: Period
    explicit_year: int | None


@cache
def months() -> dict[str, int]:
    """Month names and abbreviations (lower case, no full stop) to month numbers."""
    return {str(k): int(v) for k, v in lexicon.load("stat_periods")["months"].items()}


def month_pattern() -> str:
    """A regex alternation of month names, longest first, each allowing a full stop, and
    ending a word ("9 market" holds no "9 Mar")."""
    names = sorted(months(), key=len, reverse=True)
    return "(?:" + "|".join(rf"{n}\.?" for n in names) + r")(?![A-Za-z])"


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len)[::-1])


@cache
def _grammar() -> tuple[re.Pattern[str], re.Pattern[str]]:
    data = lexicon.load("stat_periods")
    spans = _alternation(list(data["ended_spans"]))
    fillers = _alternation(data["ended_fillers"]["words"])
    day = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
    m = month_pattern()
    ended = re.compile(
        rf"\b(?:for\s+|in\s+|during\s+)?the\s+(?:(?:{fillers})\s+)?(?P<span>{spans})\s+"
        rf"(?:ended|ending)\s+(?:on\s+)?(?P<m>{m})\s+{day},?\s+(?P<y>{YEAR})\b",
        re.I,
    )
    as_of = re.compile(
        rf"\b(?:{_alternation(data['as_of_words']['words'])})\s+(?P<m>{m})\s+{day}"
        rf"(?:,?\s+(?P<y>{YEAR}))?(?!\s*\d)",
        re.I,
    )
    return ended, as_of


def months_period(year: int, first: int, last: int) -> Period:
    """The period of months `first` to `last` of a year, by its usual name (H1, Q3, ...)."""
    if first == 1 and last == 12:
        return YearPeriod(year=year)
    if first == 1 and last == 6:
        return HalfPeriod(year=year, half=1)
    if first == 7 and last == 12:
        return HalfPeriod(year=year, half=2)
    if last - first == 2 and first % 3 == 1:
        return QuarterPeriod(year=year, quarter=(first + 2) // 3)
    return MonthsPeriod(year=year, months_=(first, last))


def _month(word: str) -> int:
    return months()[word.lower().rstrip(".")]


def dated_phrases(s: str, default_year: int | None) -> list[DatedPhrase]:
    """The full-date period phrases of a sentence; a date without its year takes
    `default_year` (the year the document stated, or the publication date's)."""
    if not _CUE.search(lower(s)):
        return []  # a cheap test first: most sentences name no full date
    ended, as_of = _grammar()
    spans = lexicon.load("stat_periods")["ended_spans"]
    found: list[DatedPhrase] = []
    for m in ended.finditer(s):
        last, year = _month(m["m"]), int(m["y"])
        length = int(spans[" ".join(m["span"].lower().split())])
        if length <= last:  # a span reaching into the year before is no calendar period
            period = months_period(year, last - length + 1, last)
            found.append(DatedPhrase(m.start(), m.end(), period, year))
    for m in as_of.finditer(s):
        if any(p.start <= m.start() < p.end for p in found):
            continue
        stated = int(m["y"]) if m["y"] else None
        at = stated or default_year
        if at is not None:
            period = AsOfPeriod(year=at, as_of_month=_month(m["m"]))
            found.append(DatedPhrase(m.start(), m.end(), period, stated))
    return found


def title_year(title: str | None) -> int | None:
    """The one year a document's title states ("Annual Report (2023)"), if it states one."""
    if not title:
        return None
    years = {int(m["y"] or m["y2"] or m["y3"]) for m in _TITLE_YEAR.finditer(title.strip())}
    return years.pop() if len(years) == 1 else None
