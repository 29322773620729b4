"""分别 lists in Chinese statistics: "企业经PCT、马德里、海牙渠道分别递交专利、商标、外观设计
国际申请7.4万件、5800件、1200件" gives each value the subject at its place in the lists
before it (PCT … 专利 for the first, 马德里 … 商标 for the second, …), and a list of
places gives each value its place ("北京、上海…分别为…")."""

from __future__ import annotations

import re
from functools import cache
from itertools import pairwise

from services.ingest.extract import lexicon
from services.ingest.extract.zh.stat_numbers import ZhNumber

_MARK = re.compile(r"[,，;；:：。]")


def alternation(key: str) -> str:
    """A regex alternation of a word list of lexicon/zh_stat_lists.toml, longest first."""
    words = lexicon.words("zh_stat_lists", key)
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _grammar() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    return (
        re.compile(alternation("respectively")),
        # between listed values: a joiner, after an optional parenthesis ("1166件(…)、")
        re.compile(rf"^\s*(?:[(（][^)）]*[)）])?\s*(?:{alternation('value_joiners')})\s*$"),
        re.compile(alternation("item_joiners")),
    )


def _run(view: str, values: list[ZhNumber]) -> list[ZhNumber]:
    """The values listed one after another from the first one."""
    run = values[:1]
    for v in values[1:]:
        if not _grammar()[1].match(view[run[-1].end : v.start]):
            break
        run.append(v)
    return run


def respectively(view: str, values: list[ZhNumber]) -> dict[int, tuple[str, str]]:
    """The subject of each value of a 分别 list, by the value's start: its own item, and the
    whole list (where items share words: "北京、上海的…拥有量分别为112件和40.9件")."""
    out: dict[int, tuple[str, str]] = {}
    respectively_, _, items = _grammar()
    for m in respectively_.finditer(view):
        run = _run(view, [v for v in values if v.start >= m.end()])
        if len(run) < 2 or _MARK.search(view, m.end(), run[0].start):
            continue
        marks = [x.end() for x in _MARK.finditer(view, 0, m.start())]
        whole = view[marks[-1] if marks else 0 : m.start()]
        names = _names(whole, len(run))
        mids = items.split(view[m.end() : run[0].start])
        if not whole.strip():  # "A 74.8万件，B 17.3万件，分别占81.2%和18.8%"
            out.update(_of_values_before(view, values, m.start(), run, mids[-1]))
            continue
        if len(names) != len(run):
            continue
        for i, v in enumerate(run):
            mid = mids[i] if len(mids) == len(run) else mids[-1]
            out[v.start] = (names[i] + mid, whole + mid)
    return out


def _names(whole: str, count: int) -> list[str]:
    """The items of a list before 分别, split on the joiners; where that gives too many
    ("惠及企业数" holds 及), on fewer of them, the commonest first."""
    joiners = lexicon.words("zh_stat_lists", "item_joiners")
    for k in range(len(joiners), 0, -1):
        names = re.split("|".join(map(re.escape, joiners[:k])), whole)
        if len(names) <= count:
            return names
    return [whole]


def _of_values_before(
    view: str, values: list[ZhNumber], at: int, run: list[ZhNumber], mid: str
) -> dict[int, tuple[str, str]]:
    """A 分别 clause that names no items: its values map in order to the values of the
    clauses before it, each taking the subject of its clause."""
    prior = [v for v in values if v.end <= at][-len(run) :]
    if len(prior) != len(run):
        return {}
    out: dict[int, tuple[str, str]] = {}
    for v, p in zip(run, prior, strict=True):
        marks = [x.end() for x in _MARK.finditer(view, 0, p.start)]
        clause = view[marks[-1] if marks else 0 : p.start] + mid
        out[v.start] = (clause, clause)
    return out


def listed_periods(
    view: str, hits: list[tuple[int, int]], values: list[ZhNumber]
) -> dict[int, int]:
    """ "2021年和2022年，…分别为3098亿元和4868.8亿元": each value of a 分别 run, by its start,
    takes the period phrase (its index in `hits`) at its place in a list of periods."""
    out: dict[int, int] = {}
    respectively_, _, items = _grammar()
    for m in respectively_.finditer(view):
        run = _run(view, [v for v in values if v.start >= m.end()])
        before = [i for i, (_, end) in enumerate(hits) if end <= m.start()]
        if len(run) < 2 or len(before) < len(run):
            continue
        chain = before[-len(run) :]
        joined = all(
            items.fullmatch(view[hits[a][1] : hits[b][0]].strip())
            for a, b in pairwise(chain)
        )
        if joined:
            out.update({v.start: i for v, i in zip(run, chain, strict=True)})
    return out
