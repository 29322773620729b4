"""Period phrases of Chinese statistics: 2021年, 上半年, 第一季度 / 一季度, 前三季度,
1-10月 / 1至10月 / 前11个月, 截至2023年底 / 6月底 / 年底, 今年 / 去年, 全年.

Phrases are found on a width-normalised sentence. A phrase without its year takes the year
the text stated last, else the latest such period that had ended by the publication date,
else it stays yearless and its figures are reported as unresolved, never guessed. A year
that names an event or a document ("2024年全国知识产权局局长会议", "2019年第三季度例行
发布会") and a span of years ("2012年至2021年") are no period of a figure. The words come
from `lexicon/zh_stat_periods.toml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from services.ingest.extract import lexicon
from services.ingest.extract.pattern_gates import starts_with
from services.ingest.extract.span_index import Taken
from services.ingest.extract.zh.stat_numbers import words_value
from services.ingest.extract.zh.stat_period_marks import names_event, title_test

_NAME = "zh_stat_periods"
_Y = r"(?:19|20)\d{2}"


@dataclass(frozen=True, slots=True)
class ZhPeriodHit:
    """A period phrase: where it stands, what it names, and the year it states (if any)."""

    start: int
    end: int
    kind: str  # year half quarter months as_of span now to_date
    first: int  # half, quarter, first month or as-of month (0 for a year)
    last: int  # last month of a run of months (0 otherwise)
    year: int | None  # the year stated
    relative: int | None  # 今年 = 0, 去年 = -1
    event: bool = False  # the year of an event or a document's name, no period of a figure
    context: bool = False  # "当年": the period the text speaks of, when it has one


def _alt(words: list[str] | dict[str, object]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _gate(d: dict[str, Any], *words: str) -> str:
    """Positions where a year's digit, a space, a relative year or one of `words` starts:
    these patterns open with optional parts, so ungated each is tried at every position."""
    return starts_with([*d["relative_years"], *words], r"\d\s")


@cache
def _grammar() -> tuple[re.Pattern[str], ...]:
    d = lexicon.load(_NAME)
    rel = _alt(d["relative_years"])
    pre = rf"(?:(?P<y>{_Y})\s*年|(?P<rel>{rel}))?\s*"
    join = _alt(d["month_joiners"])
    lists, q = _alt(d["list_joiners"]), "[一二三四1-4]"
    bodies = (
        rf"(?P<y1>{_Y})\s*年?\s*(?:{join})\s*(?P<y2>{_Y})\s*年",
        (
            rf"(?=[{_first_chars(d)}])(?P<open>{_alt(d['as_of_openers'])})?\s*{pre}"
            rf"(?:(?P<m>\d{{1,2}})\s*月\s*(?P<end>底|末|份|\d{{1,2}}\s*日)?)?"
            # "年末" ends a year, "上半年末" a half (read by the pattern of halves)
            rf"(?P<ye>(?<=(?<!半)年)\s*(?:{_alt(d['as_of_ends'])})|(?<!半)年\s*(?:{_alt(d['as_of_ends'])}))?"
        ),
        rf"{pre}(?P<m1>\d{{1,2}})\s*月?\s*(?P<mj>{join}|{lists})\s*(?P<m2>\d{{1,2}})\s*月份?",
        rf"{pre}前\s*(?P<n>\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*个?月",
        rf"(?:(?P<y>{_Y})\s*年?|(?P<rel>{rel}))?\s*(?P<h>{_alt(d['halves'])})",
        rf"{pre}第?\s*(?P<q1>{q})(?P<qs>(?:\s*(?:{lists})\s*第?\s*{q})*?)"
        rf"\s*(?P<qj>{join}|{lists})\s*第?\s*(?P<q2>{q})\s*季度",
        rf"{pre}(?:前\s*(?P<fq>{_alt(d['first_quarters'])})|第?\s*(?P<q>{q}))\s*个?季度",
        rf"{pre}(?P<sm>\d{{1,2}})\s*月份?(?![底末\d])(?P<since>\s*(?:{_alt(d['since_words'])}))?",
        rf"(?:(?P<y>{_Y})\s*年度?|(?P<rel>{rel}))(?:{_alt(d['whole_year'])})?"
        rf"(?P<ytd>\s*(?:{_alt(d['to_date_words'])}))?|(?P<whole>{_alt(d['whole_year'])})",
    )  # fmt: skip
    quarter = ("第", "一", "二", "三", "四")
    gates = ("", "", _gate(d), _gate(d, "前"), _gate(d, *d["halves"]), _gate(d, *quarter),
             _gate(d, "前", *quarter), _gate(d), "")  # fmt: skip
    return tuple(re.compile(g + b) for g, b in zip(gates, bodies, strict=True))


@cache
def _needs() -> tuple[re.Pattern[str], ...]:
    """For each pattern of the grammar, words one of which every match contains (as one
    alternation each, tested in a single search)."""
    d = lexicon.load(_NAME)
    ends = tuple(d["as_of_ends"])
    needs: tuple[tuple[str, ...], ...] = (
        ("年",),
        ("月", *ends),
        ("月",),
        ("月",),
        tuple(d["halves"]),
        ("季度",),
        ("季度",),
        ("月",),
        ("年", *d["whole_year"]),
    )
    return tuple(re.compile(_alt(list(words))) for words in needs)


def _first_chars(d: dict[str, Any]) -> str:
    """The characters an as-of phrase can start with (a digit, an opener, a relative year,
    年 of 年底): the phrase's parts are all optional, so its start is checked first."""
    words = [*d["as_of_openers"], *d["relative_years"], "年"]
    return "0-9" + "".join(sorted({re.escape(w[0]) for w in words}))


def _context_words() -> list[str]:
    words: list[str] = lexicon.load(_NAME)["context_years"]
    return words


def _year(m: re.Match[str]) -> tuple[int | None, int | None]:
    y = m.groupdict().get("y")
    r = m.groupdict().get("rel")
    d = lexicon.load(_NAME)
    if r in d["context_years"]:
        r = None  # "当年": the year the text speaks of, not the publication year
    offsets: dict[str, int] = d["relative_years"]
    return (int(y) if y else None), (int(offsets[r]) if r else None)


def _hit(i: int, m: re.Match[str]) -> ZhPeriodHit | None:
    """The period one pattern's match names, None when the match is no period."""
    d = lexicon.load(_NAME)
    year, rel = _year(m) if i else (None, None)
    at = (m.start(), m.end())
    if m.start() and m.string[m.start() - 1] in d["basis_before"]:
        return None  # "比去年底", "较2012年": the basis of a change
    if i == 0:
        return ZhPeriodHit(*at, "span", 0, 0, int(m["y1"]), None)
    if i == 1:
        if m["ye"] and not m["m"]:
            return ZhPeriodHit(*at, "as_of", 12, 0, year, rel)
        closed = bool(m["end"]) and m["end"] != "份"
        if m["m"] and not m["ye"] and (closed or m["open"]) and 1 <= int(m["m"]) <= 12:
            return ZhPeriodHit(*at, "as_of", int(m["m"]), 0, year, rel)
        return None
    if i == 2:
        a, b = int(m["m1"]), int(m["m2"])
        listed = m["mj"] in d["list_joiners"]  # "1、2月": two months taken together
        fits = 1 <= a < b <= 12 and (b == a + 1 or not listed)
        return ZhPeriodHit(*at, "months", a, b, year, rel) if fits else None
    if i == 3:
        n = int(m["n"]) if m["n"].isdigit() else int(words_value(m["n"]) or 0)
        return ZhPeriodHit(*at, "months", 1, n, year, rel) if 1 < n <= 12 else None
    if i == 4:
        return ZhPeriodHit(*at, "half", int(d["halves"][m["h"]]), 0, year, rel)
    if i == 5:
        return _quarter_run(at, m, year, rel)
    if i == 6:
        if m["fq"]:
            return ZhPeriodHit(*at, "months", 1, 3 * int(d["first_quarters"][m["fq"]]), year, rel)
        return ZhPeriodHit(*at, "quarter", int(d["quarters"][m["q"]]), 0, year, rel)
    if i == 7:
        month = int(m["sm"])
        if not 1 <= month <= 12:
            return None
        return ZhPeriodHit(*at, "to_date" if m["since"] else "months", month, month, year, rel)
    if m["rel"] and m.string.startswith("同期", m.end()):
        return None  # "去年同期": the basis of a change
    return ZhPeriodHit(*at, "to_date" if m["ytd"] else "year", int(bool(m["ytd"])), 0, year, rel)


def _quarter_run(
    at: tuple[int, int], m: re.Match[str], year: int | None, rel: int | None
) -> ZhPeriodHit | None:
    """ "一至三季度" and "第一、二季度": the months of a run of quarters; quarters listed
    with a gap ("第一、三季度") are a stretch no period names, like a span of years."""
    d = lexicon.load(_NAME)
    listed = [m["q1"], *re.findall(r"[一二三四1-4]", m["qs"]), m["q2"]]
    quarters = [int(d["quarters"][x]) for x in listed]
    first, last = quarters[0], quarters[-1]
    listed_run = bool(m["qs"]) or m["qj"] in d["list_joiners"]
    if listed_run and quarters != list(range(first, first + len(quarters))):
        return ZhPeriodHit(*at, "span", 0, 0, year, rel)
    if first >= last:
        return None
    return ZhPeriodHit(*at, "months", 3 * first - 2, 3 * last, year, rel)


def find_periods(view: str, masked: list[tuple[int, int]]) -> list[ZhPeriodHit]:
    """The period phrases of a width-normalised sentence in text order (dates masked)."""
    found: list[ZhPeriodHit] = []
    taken = Taken(masked)
    in_title = title_test(view)
    for i, pattern in enumerate(_grammar()):
        if not _needs()[i].search(view):
            continue  # a cheap test first: the words every match of this pattern holds
        for m in pattern.finditer(view):
            if m.end() == m.start() or taken.overlaps(m.start(), m.end()):
                continue
            hit = _hit(i, m)
            if hit is None:
                continue
            if in_title(hit.start) or (hit.kind != "span" and names_event(view, hit.end)):
                hit = ZhPeriodHit(hit.start, hit.end, hit.kind, 0, 0, hit.year, None, True)
            elif m.groupdict().get("rel") in _context_words():
                hit = replace(hit, context=True)
            found.append(hit)
            taken.add(m.start(), m.end())
    return sorted(found + _now_hits(view, taken), key=lambda h: h.start)


@cache
def _now_words() -> tuple[str, ...]:
    """The words of "now", longest first (sorted once, not per sentence)."""
    return tuple(sorted(lexicon.words(_NAME, "now_words"), key=len, reverse=True))


def _now_hits(view: str, taken: Taken) -> list[ZhPeriodHit]:
    """ "截至目前", "目前": the level when the page was written."""
    out = []
    for w in _now_words():
        at = view.find(w)
        if at >= 0 and not taken.overlaps(at, at + len(w)):
            out.append(ZhPeriodHit(at, at + len(w), "now", 0, 0, None, None))
            taken.add(at, at + len(w))
    return out
