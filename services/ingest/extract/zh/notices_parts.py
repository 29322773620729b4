"""Dates and document numbers of Chinese notices.

Dates are written 2021年3月15日, 2021年3月, or 今年5月 / 去年12月 (read against the
publication date). Document numbers are kept as printed (国知发保字〔2024〕4号) and have a
normalised form with the year in 〔〕 and no spaces, whatever brackets the page used
(〔〕, [], 【】, ()).
"""

from __future__ import annotations

import re
from functools import cache

from events.types import Issuer
from services.ingest.extract import lexicon
from services.ingest.extract.agencies_zh import find_agencies_zh
from services.ingest.extract.base import Document

DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,12}\s*[〔【\[(（]\s*(?P<year>(?:19|20)\d{2})\s*[〕】\])）]"
    r"\s*第?\s*(?P<no>\d{1,4})\s*号"
)
_FULL_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*日)?"
)
_DATE_LINE = re.compile(r"^\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$", re.MULTILINE)


@cache
def _relative() -> re.Pattern[str]:
    words = lexicon.load("zh_notices")["words"]["relative_years"]
    alt = "|".join(map(re.escape, words))
    return re.compile(rf"(?P<rel>{alt})\s*(?P<m>\d{{1,2}})\s*月(?:\s*(?P<d>\d{{1,2}})\s*日)?")


def normalised_doc_number(number: str) -> str:
    """One form of a document number: '国知发保字[2024] 4号' -> '国知发保字〔2024〕4号'."""
    m = DOC_NUMBER.fullmatch(number.strip())
    if not m:
        return "".join(number.split())
    head = "".join(number[: m.start("year")].split()).rstrip("〔【[(（")
    return f"{head}〔{m['year']}〕{int(m['no'])}号"


def _iso(year: int, month: int, day: str | None) -> str | None:
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{int(day):02d}" if 1 <= int(day) <= 31 else None


def date_in(text: str, start: int, end: int, doc: Document) -> str | None:
    """The first date written in `text[start:end]`, relative years read against the page."""
    full = _FULL_DATE.search(text, start, end)
    rel = _relative().search(text, start, end)
    if full and (rel is None or full.start() < rel.start()):
        return _iso(int(full["y"]), int(full["m"]), full["d"])
    if rel and doc.reference_date:
        back = int(lexicon.load("zh_notices")["words"]["relative_years"][rel["rel"]])
        return _iso(doc.reference_date.year - back, int(rel["m"]), rel["d"])
    return None


def signature_date(text: str, doc: Document) -> str | None:
    """The date line that signs a document ("国家知识产权局\\n2024年1月26日"), if one does."""
    lines = list(_DATE_LINE.finditer(text))
    return date_in(text, lines[-1].start(), lines[-1].end(), doc) if lines else None


@cache
def _page_date() -> re.Pattern[str]:
    labels = "|".join(map(re.escape, lexicon.load("zh_notices")["words"]["date_labels"]))
    return re.compile(
        rf"(?:{labels})\s*[:：]?\s*(?P<y>(?:19|20)\d{{2}})\s*[-/.年]\s*(?P<m>\d{{1,2}})"
        r"\s*[-/.月]\s*(?P<d>\d{1,2})"
    )


def page_date(text: str) -> str | None:
    """The date a page prints as its own ("发布日期：2013-07-24"), if it prints one."""
    m = _page_date().search(text)
    return _iso(int(m["y"]), int(m["m"]), m["d"]) if m else None


def doc_number_near(text: str, start: int, end: int) -> str | None:
    """The first document number printed in `text[start:end]`, as printed."""
    m = DOC_NUMBER.search(text, start, end)
    return m.group(0).strip() if m else None


def line_agencies(text: str, start: int, end: int) -> tuple[Issuer, ...]:
    """The agencies of a line made of nothing but agency names, else none."""
    line = text[start:end]
    found = find_agencies_zh(text, start, end)
    covered = sum(m.end - m.start for m in found)
    rest = len(re.sub(r"[\s、和及与]", "", line))
    return tuple(m.issuer for m in found) if found and covered == rest else ()


def signature_issuers(text: str) -> tuple[Issuer, ...]:
    """The agencies on the line above the date that signs a document, if one signs it."""
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    for i in range(len(lines) - 1, 0, -1):
        if re.fullmatch(r"\s*(?:19|20)\d{2}\s*年.*日\s*", text[lines[i][0] : lines[i][1]]):
            return line_agencies(text, *lines[i - 1])
    return ()
