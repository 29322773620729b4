"""Marks around Chinese period phrases that make them no period of a figure: calendar
dates, the 《》 of a title, and the event or document a year names ("2024年全国知识产权局
局长会议"). The words come from `lexicon/zh_stat_periods.toml`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable

from services.ingest.extract import lexicon

_NAME = "zh_stat_periods"
_Y = r"(?:19|20)\d{2}"
_DATE = re.compile(rf"(?:{_Y}\s*年\s*)?\d{{1,2}}\s*月\s*\d{{1,2}}\s*日|{_Y}-\d{{1,2}}-\d{{1,2}}")
_CLAUSE = re.compile(r"[,，。;；:：、!！?？]")


def dates(view: str) -> list[tuple[int, int]]:
    """Spans of calendar dates ("2024年1月26日", "1月14日", "2023-03-29"): no periods,
    unless an as-of word opens them ("截至2023年6月30日" is the level at the end of June)."""
    openers = tuple(lexicon.load(_NAME)["as_of_openers"])
    return [
        (m.start(), m.end())
        for m in _DATE.finditer(view)
        if not view[: m.start()].rstrip().endswith(openers)
    ]


def title_test(view: str) -> Callable[[int], bool]:
    """Whether a phrase starting at a position is inside a title's 《》 ("《知识产权强国建设
    纲要(2021-2035年)》"): the marks are found once per sentence, not once per phrase."""
    if "《" not in view:
        return lambda at: False
    opens = [i for i, ch in enumerate(view) if ch == "《"]
    closes = [i for i, ch in enumerate(view) if ch == "》"]

    def inside(at: int) -> bool:
        i, j = bisect_left(opens, at), bisect_left(closes, at)
        return (opens[i - 1] if i else -1) > (closes[j - 1] if j else -1)

    return inside


def names_event(view: str, end: int) -> bool:
    """Whether the phrase ending at `end` names an event or a document: an event noun
    before its clause ends."""
    stop = _CLAUSE.search(view, end)
    tail = view[end : min(stop.start() if stop else len(view), end + 25)]
    return any(w in tail for w in lexicon.load(_NAME)["event_nouns"])
