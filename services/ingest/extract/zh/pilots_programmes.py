"""Programme phrases of Chinese designations: after the verb, before the list, or earlier.

A phrase names a programme when it holds a mark word (试点, 示范, 强市, 重点城市, …) and no
word of rank ("最", "前列"): "全国知识产权保护水平最高的城市" ranks places, it designates none.
Batch words are taken off the phrase (pilots_lists.counts).
"""

from __future__ import annotations

import re
from functools import cache
from itertools import pairwise

from services.ingest.extract.zh.pilots_lists import counts, lex

Read = tuple[str, int | None, int | None]  # programme, batch, batch size
_QUOTES = str.maketrans("", "", '“”"《》「」')
_ANNEX = "名单"  # "…示范城市名单包括": the list of a programme, not part of its name


def _alt(words: list[str]) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


@cache
def stops() -> re.Pattern[str]:
    """The words that end a programme phrase."""
    return re.compile(_alt(lex()["words"]["stops"]))


def phrase(text: str, start: int, end: int) -> Read | None:
    """The programme named from `start` to the first stop word, with its batch words."""
    stop = stops().search(text, start, end)
    words = lex()["words"]
    bare, batch, total = counts(
        text[start : stop.start() if stop else end].translate(_QUOTES).strip()
    )
    if not any(m in bare for m in words["marks"]) or any(w in bare for w in words["rank"]):
        return None
    return (bare, batch, total) if len(bare) <= words["longest_programme"] else None


@cache
def _named_before() -> re.Pattern[str]:
    words = _alt(lex()["programme_before_list"]["words"])
    return re.compile(rf"(?:{words})\s*[：:]?\s*$")


@cache
def _announced() -> re.Pattern[str]:
    words = _alt(lex()["programme_before_list"]["announcing"])
    return re.compile(rf"(?:{words})[^，。；:：]{{0,6}}?为(?P<p>[^，。；:：]{{2,60}})[：:]\s*$")


def before_list(text: str, start: int, floor: int) -> Read | None:
    """'…示范城市包括A、B', '确定以下城市为…示范城市：A、B': the programme written before
    the words that open the list."""
    if told := _announced().search(text, floor, start):
        return phrase(text, told.start("p"), told.end("p"))
    m = _named_before().search(text, floor, start)
    if not m:
        return None
    end = m.start() - len(_ANNEX) if text.endswith(_ANNEX, floor, m.start()) else m.start()
    found = list(stops().finditer(text, floor, end))
    return phrase(text, found[-1].end() if found else floor, end)


@cache
def _leads() -> re.Pattern[str]:
    return re.compile(_alt(lex()["programme_before_list"]["leads"]))


def earlier(text: str, start: int, floor: int) -> Read | None:
    """'公布第二批…示范城市名单，厦门、宁波入选': the programme named earlier in the sentence."""
    ends = [floor, *(m.end() for m in stops().finditer(text, floor, start)), start]
    for a, b in reversed(list(pairwise(ends))):
        leads = list(_leads().finditer(text, a, b))
        if read := phrase(text, leads[-1].end() if leads else a, b):
            return read
    return None
