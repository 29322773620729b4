"""Numbers of Chinese releases that are no statistics: document numbers (〔2021〕15号),
rankings and ordinals (居全国第5位, 第二批), streaks (连续10年), targets and forecasts
(到2025年…, 力争, 预计, 预期目标), caps and thresholds (不超过, 以下), funds per city, the
second term of a ratio (每4.0个经营主体拥有1件) and figures over several years. The words
come from `lexicon/zh_stat_distractors.toml`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache, lru_cache

from services.ingest.extract import lexicon
from services.ingest.extract.span_index import matches_before

_NAME = "zh_stat_distractors"
_CLAUSE_END = re.compile(r"[,，;；。:：!！?？]")


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _words() -> dict[str, re.Pattern[str]]:
    d = lexicon.load(_NAME)
    return {
        "future": re.compile(_alt(d["future"])),
        "caps_before": re.compile(rf"(?:{_alt(d['caps_before'])})\s*$"),
        "caps_after": re.compile(rf"^\s*(?:{_alt(d['caps_after'])})"),
        "funding": re.compile(_alt(d["funding"])),
        "multi": re.compile(_alt(d["multi_year_words"])),
        "ordinal": re.compile(rf"(?:{_alt(d['ordinal_before'])})\s*$"),
        # "今年以来" is this year so far, no stretch of years
        "since": re.compile(rf"(?<!{_alt(d['this_year'])})(?:{_alt(d['since_words'])})"),
        "entity": re.compile(_alt(d["single_entities"])),
        "requirement": re.compile(_alt(d["requirements"])),
        # "个市场主体" counts entities, not places
        "units": re.compile(
            rf"[\d一二三四五六七八九十百两]+\s*(?:{_alt(d['unit_counters'])})"
            rf"\s*(?:{_alt(d['unit_nouns'])})(?!场)"
        ),
        "average": re.compile(_alt(d["per_item_averages"])),
    }


@cache
def _masks() -> re.Pattern[str]:
    d = lexicon.load(_NAME)
    return re.compile(
        rf"[〔\[［【(（]\s*(?:19|20)\d{{2}}\s*[〕\]］】)）]\s*\d+\s*(?:{_alt(d['document_number_ends'])})"
        rf"|(?:{_alt(d['ordinal_openers'])})\s*\d+(?:\.\d+)?\s*(?:{_alt(d['ordinal_units'])})"
        rf"|\d+\s*(?:{_alt(d['anniversary_words'])})"
        rf"|(?:{_alt(d['phone_words'])})\s*[“\"]?\d+|[“\"]\d{{5}}[”\"]"
    )


def masks(view: str) -> list[tuple[int, int]]:
    """Spans whose numbers are never values: document numbers (国知发运字〔2021〕15号),
    ordinals and rankings (连续10年, 第34位), anniversaries (40周年), hotlines (“12330”)."""
    return [(m.start(), m.end()) for m in _masks().finditer(view)]


@lru_cache(maxsize=64)
def _marks(view: str) -> list[int]:
    """Where the clause marks of a sentence are, for bisecting: a sentence of many clauses
    then costs a logarithm per number, not a scan of all before it."""
    return [m.start() for m in _CLAUSE_END.finditer(view)]


def clause_bounds(view: str, start: int, end: int) -> tuple[int, int]:
    """The clause around `[start, end)`: from the last clause mark before to the next after."""
    marks = _marks(view)
    i, j = bisect_left(marks, start), bisect_left(marks, end)
    return (marks[i - 1] + 1 if i else 0), (marks[j] if j < len(marks) else len(view))


def is_distractor(view: str, start: int, end: int, money: bool) -> bool:
    """Whether the number at `[start, end)` (its unit included) is a target, a cap, a fund,
    an ordinal or the second term of a ratio rather than a realized value."""
    w = _words()
    left, right = clause_bounds(view, start, end)
    before, after = view[left:start], view[end:right]
    if w["future"].search(before) or re.match(r"\s*的?(?:预期)?目标", after):
        return True
    if matches_before(w["requirement"], view, start):
        return True  # a condition to meet, not a figure reached
    if w["caps_before"].search(before) or w["caps_after"].search(after):
        return True
    if w["ordinal"].search(before):
        return True
    if money and w["funding"].search(before + after):
        return True
    if matches_before(w["since"], view, start) and w["multi"].search(before):
        return True  # "“十四五”以来，…累计金额超过2万亿元": a total over several years
    if w["entity"].search(before):
        return True  # "华为技术有限公司获得授权发明专利…": one entity's figure
    if w["average"].search(before):
        return True  # "平均每笔金额2300万元": an average, not the series' total
    owner = lexicon.load(_NAME)["ratio_owner"]
    if before.endswith(owner) and "每" in before:
        return True
    return _units(view, left, start, end)


def _units(view: str, left: int, start: int, end: int) -> bool:
    """ "26个城市", and "12个省份的…超过1万件": a count of covered units, or a threshold each
    of them passed (a 分别 list gives each its own value instead)."""
    units = _words()["units"]
    count = units.match(view, start)
    if count is not None and count.end() > end:
        return True
    before = view[left:start]
    return bool(units.search(before)) and "分别" not in before


def multi_year_after(view: str, span_end: int, start: int) -> bool:
    """A figure after a span of years ("2012年至2021年，…累计…") with a total or average word
    between: the schema has no multi-year period, so it is no statistic."""
    return bool(_words()["multi"].search(view, span_end, start))
