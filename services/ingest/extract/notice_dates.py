"""Issue dates of notices: 'January 27, 2022', '27 January 2022', 'March 2015', ISO dates;
'last year' and a missing year resolved against the publication date or the title's year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from services.ingest.extract import lexicon
from services.ingest.extract.base import Document
from services.ingest.extract.places import place_at

_TITLE_YEAR = re.compile(r"(?<![-–—\d])\b((?:19|20)\d{2})\b(?![-–—]\d)")


@dataclass(frozen=True, slots=True)
class _Dates:
    months: dict[str, int]
    date: re.Pattern[str]
    line: re.Pattern[str]


@cache
def _dates() -> _Dates:
    months = {
        name.lower(): int(number)
        for number, names in lexicon.load("notices")["months"].items()
        for name in names
    }
    month = r"(?P<month>" + "|".join(sorted(months, key=len, reverse=True)) + r")\.?"
    date = re.compile(
        rf"\b(?:{month}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>(?:19|20)\d{{2}}))?"
        rf"|(?P<day2>\d{{1,2}})\s+{month.replace('month', 'month2')}\s+(?P<year2>(?:19|20)\d{{2}})"
        rf"|{month.replace('month', 'month3')},?\s+(?P<year3>(?:19|20)\d{{2}}|last year|this year)"
        r"|(?P<iso>(?:19|20)\d{2}-\d{2}-\d{2}))\b",
        re.IGNORECASE,
    )
    line = re.compile(rf"^[ \t]*(?:{date.pattern})[ \t]*\.?[ \t]*$", re.IGNORECASE | re.MULTILINE)
    return _Dates(months, date, line)


def date_lines(text: str) -> list[re.Match[str]]:
    """Lines that hold nothing but a date (a document header's date line)."""
    return list(_dates().line.finditer(text))


def _parts(m: re.Match[str]) -> tuple[str, str | None, str | None]:
    if m.group("month2"):
        return m.group("month2"), m.group("day2"), m.group("year2")
    if m.group("month3"):
        return m.group("month3"), None, m.group("year3")
    return m.group("month"), m.group("day"), m.group("year")


def resolve_date(m: re.Match[str], doc: Document, title: str | None) -> str | None:
    """A matched date as YYYY-MM-DD or YYYY-MM; None when its year cannot be known."""
    if m.group("iso"):
        return m.group("iso")
    month, day, year_text = _parts(m)
    mon = _dates().months[month.lower().rstrip(".")]
    year: int | None = None
    if year_text and year_text[0].isdigit():
        year = int(year_text)
    elif year_text and doc.published:
        # 'last year' and 'this year' are resolved only against a stated publication date.
        year = doc.published.year - (1 if year_text.lower() == "last year" else 0)
    elif not year_text:
        if doc.published and (mon, int(day or 1)) <= (doc.published.month, doc.published.day):
            year = doc.published.year
        elif title:
            years = set(_TITLE_YEAR.findall(title))
            year = int(years.pop()) if len(years) == 1 else None
    if year is None:
        return None
    return f"{year:04d}-{mon:02d}" + (f"-{int(day):02d}" if day else "")


def date_in(text: str, start: int, end: int, doc: Document, title: str | None) -> str | None:
    """The first date in text[start:end] outside parentheses, resolved."""
    for m in _dates().date.finditer(text, start, end):
        # A date inside parentheses is a dateline or a posting stamp, not the issue date.
        if text.rfind("(", start, m.start()) > text.rfind(")", start, m.start()):
            continue
        return resolve_date(m, doc, title)
    return None


_HEADER_LINES = 6
_NUMERIC_DATE = re.compile(
    r"((?:19|20)\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})"
)
# "BEIJING, July 12, 2023 (Xinhua) --": a dateline opens the story with its place and date.
_DATELINE = re.compile(r"^(?P<place>[A-Z][A-Za-z .'’-]{1,30}),\s+")


@cache
def _label() -> re.Pattern[str]:
    labels = "|".join(re.escape(w) for w in lexicon.words("notices", "date_labels"))
    return re.compile(rf"^\s*(?:{labels})\s*[:：]\s*", re.IGNORECASE)


def _dateline(line: str) -> re.Match[str] | None:
    """ "BEIJING, " or "Beijing, " opening a story: a place (in capitals, or one the
    gazetteer knows) and a comma."""
    m = _DATELINE.match(line)
    if m is None:
        return None
    place = m.group("place")
    if place.isupper():
        return m
    found = place_at(line, 0)
    return m if found is not None and found.end == len(place) else None


def header_date(text: str) -> date | None:
    """The date a document states for itself in its first lines: a line holding only a
    date, a labelled date ("Release date: …") or a dateline ("BEIJING, July 12, 2023 —").
    Only a full date (year, month and day) counts."""
    lines = [line for line in text.splitlines() if line.strip()][:_HEADER_LINES]
    for line in lines:
        label = _label().match(line) or _dateline(line)
        head = line[label.end() :] if label else line
        found = _full_date(head.strip(), whole=label is None)
        if found is not None:
            return found
    return None


def _full_date(text: str, *, whole: bool) -> date | None:
    """A full date at the start of `text` (and the whole of it when `whole`)."""
    m = _NUMERIC_DATE.match(text)
    if m:
        parts = (int(m[1]), int(m[2]), int(m[3]))
    else:
        m = _dates().date.match(text)
        if m is None or m.group("iso") or m.group("month3"):
            return None
        month, day, year = _parts(m)
        if not (day and year and year[0].isdigit()):
            return None
        parts = (int(year), _dates().months[month.lower().rstrip(".")], int(day))
    if whole and text[m.end() :].strip(" .,;日"):
        return None
    try:
        return date(*parts)
    except ValueError:
        return None
