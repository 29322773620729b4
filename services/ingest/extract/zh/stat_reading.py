"""One Chinese sentence read into values and changes: which numbers are values, which are
rates of change, and which value each rate belongs to.

A rate belongs to the value right before it ("92.1万件，同比增长15.3%"); a second rate of the
same value replaces an absolute one ("增长4710件，增幅12.41%": one change per statistic, the
percent kept); 分别 maps rates to the values before them in order; a rate with no value
before it is a growth-only statistic ("质押融资金额同比增长75.4%").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import cast

from events.types import Equivalent, Unit
from services.ingest.extract import lexicon
from services.ingest.extract.stat_values import Change
from services.ingest.extract.zh.stat_changes import (
    ChangeCue,
    baseline_basis,
    change_cue,
    to_change,
)
from services.ingest.extract.zh.stat_lists import alternation
from services.ingest.extract.zh.stat_numbers import ZhNumber, is_equivalent, value_hedges

# Between a value and its rate only punctuation and a few words ("，占比同比提高").
_GAP = re.compile(r"^[\s,，、]*[\u4e00-\u9fff]{0,3}[\s,，、]*$")
# A note in parentheses between a value and its rate ("92.1万件(不含港澳台)，同比增长…",
# "8539.9亿元（2023年），…") or the opening of a rate in them ("92.1万件（同比增长15.3%）")
_NOTE = re.compile(r"[(（][^()（）]*[)）]|[(（]\s*$")
_RISE_REACH = 4  # "从约3700亿元": a rise opener stands right before the first end and its hedge


@cache
def _lists() -> tuple[re.Pattern[str], re.Pattern[str]]:
    to_value = alternation("to_value")
    return (
        re.compile(rf"^\s*[,，]?\s*(?:{to_value})\s*(?:{value_hedges()})?\s*$"),
        # "15.3%和-6.8%": a listed rate may carry its own minus
        re.compile(rf"^\s*(?:{alternation('value_joiners')})\s*(?P<neg>[-−－])?\s*$"),
    )


@dataclass(slots=True)
class Item:
    """A number of the sentence and its role: a value (with its change) or a rate."""

    n: ZhNumber
    cue: ChangeCue | None = None  # set for rates
    change: Change | None = None  # the change of a value
    owner: Item | None = None  # the value a rate belongs to
    dropped: bool = False
    equivalent: Equivalent | None = None  # "（约合720亿美元）" after an amount
    conversion: bool = False  # this number is such a conversion
    baseline: str | None = None  # "较上年的4868.8亿元": the level the basis names

    @property
    def is_rate(self) -> bool:
        """A rate of change rather than a value."""
        return self.cue is not None


def read_items(view: str, numbers: list[ZhNumber]) -> list[Item]:
    """The numbers of a sentence as values and rates, rates attached to their values."""
    items: list[Item] = []
    prev_end = 0
    for n in numbers:
        cue = change_cue(view, prev_end, n.start)
        item = Item(n, cue)
        if cue is None:
            item.baseline = baseline_basis(view, prev_end, n.start)
        if cue is not None and (cue.not_change or _prior(view[prev_end : cue.start])):
            item.dropped = True
        elif cue is None and n.unit in ("pp", "times"):
            item.dropped = True  # a gap to an average, a multiple: no value of its own
        if items and cue is None and is_equivalent(view, items[-1].n, n):
            first = items[-1]
            about = "约" in view[first.n.end : n.start]
            first.equivalent = Equivalent(
                value=n.value, unit=cast(Unit, n.unit), qualifier="approx" if about else "exact"
            )
            item.dropped = item.conversion = True  # a conversion, no figure of its own
        items.append(item)
        prev_end = n.end
    _drop_ranges(view, items)
    for i, item in enumerate(items):
        if item.is_rate and not item.dropped and item.owner is None:
            _attach(view, items, i)
    return items


@cache
def _range_gaps() -> tuple[re.Pattern[str], re.Pattern[str], tuple[str, ...]]:
    d = lexicon.load("zh_stat_numbers")
    joiners = "|".join(map(re.escape, d["range_joiners"]))
    scales = "|".join(map(re.escape, sorted(d["scales"], key=len, reverse=True)))
    return (
        re.compile(rf"^\s*(?:{joiners})\s*$"),
        re.compile(rf"(?<![\d.])\d+(?:\.\d+)?\s*(?:{scales})?\s*(?:{joiners})\s*$"),
        tuple(d["rise_openers"]),
    )


def _drop_ranges(view: str, items: list[Item]) -> None:
    """ "3700亿元至3800亿元", "3700至3800亿元": the ends of a range are no figures."""
    joint, bare_end, rise = _range_gaps()
    prev_end = 0
    for i, item in enumerate(items):
        before = view[prev_end : item.n.start]
        first = items[i - 1] if i and items[i - 1].n.unit == item.n.unit else None
        if first is not None and joint.match(before):
            start = first.n.start
        elif m := bare_end.search(before):
            start, first = prev_end + m.start(), None
        else:
            prev_end = item.n.end
            continue
        if not any(w in view[max(0, start - _RISE_REACH) : start] for w in rise):
            item.dropped = True  # "从A到B" is a rise, the other joined ends a range
            if first is not None:
                first.dropped = True
        prev_end = item.n.end


def _prior(before: str) -> bool:
    """ "（上年同期为增长13.1%）": the rate of the period before, no change of this value."""
    return before.rstrip().endswith(tuple(lexicon.words("zh_stat_changes", "prior_rates")))


def _attach_listed(view: str, items: list[Item], i: int) -> None:
    """ "分别增长15.3%和-6.8%": the rates map in order to the values before them."""
    rate = items[i]
    assert rate.cue is not None
    group = [rate]
    for nxt in items[i + 1 :]:
        joint = _lists()[1].match(view[group[-1].n.end : nxt.n.start])
        if nxt.is_rate or joint is None:
            break
        # "分别增长-4.3%和19.9%": the first rate's minus is its own, the word's direction
        # goes on to the next
        direction = "down" if joint["neg"] else rate.cue.word_direction
        nxt.cue = replace(rate.cue, direction=direction)
        group = [*group, nxt]
    free = [v for v in items[:i] if not v.is_rate and not v.dropped and v.change is None]
    for value, r in zip(free[-len(group) :], group, strict=False):
        _own(value, r)


def _attach(view: str, items: list[Item], i: int) -> None:
    rate = items[i]
    assert rate.cue is not None
    if rate.cue.respectively:
        _attach_listed(view, items, i)
        return
    j = i - 1
    while j >= 0 and items[j].conversion:
        j -= 1  # "4868.8亿元（约合720亿美元），同比增长57.1%": the rate is the amount's
    if j >= 1 and items[j].baseline and not items[j].is_rate:
        # "8539.9亿元，较上年的4868.8亿元增长75.4%": the rate compares the value before
        _with_basis(rate, str(items[j].baseline))
        j -= 1
    prev = items[j] if j >= 0 else None
    gap = _NOTE.sub("", view[items[i - 1].n.end : rate.cue.start].lstrip(")）")) if i else ""
    if prev is None or not _GAP.match(gap):
        after = items[i + 1] if i + 1 < len(items) else None
        if after and not after.is_rate and _lists()[0].match(view[rate.n.end : after.n.start]):
            _own(after, rate)  # "同比下降4.1%，为343.8万件": the rate before its value
        return  # else growth-only
    if prev.is_rate and prev.owner is not None:
        value = prev.owner
        if value.change is not None and value.change.kind == "absolute":
            _own(value, _with_basis(rate, value.change.basis))  # the percent replaces it
        else:
            rate.dropped = True
        return
    if prev.is_rate and not prev.dropped and prev.cue and _absolute(prev) and not _absolute(rate):
        # "比2022年增加12.3万件，增长15.3%" with no value: one growth, the percent
        prev.dropped = True
        _with_basis(rate, prev.cue.basis)
        return
    if not prev.is_rate and not prev.dropped and prev.change is None:
        _own(prev, rate)


def _absolute(rate: Item) -> bool:
    return rate.n.unit not in ("percent", "pp", "times")


def _with_basis(rate: Item, basis: str) -> Item:
    """The rate measured against `basis` where it names none of its own ("增长15.3%" after
    "比2022年增加12.3万件")."""
    if rate.cue is not None and rate.cue.basis == "unspecified_prior_year":
        rate.cue = replace(rate.cue, basis=basis)
    return rate


def _own(value: Item, rate: Item) -> None:
    assert rate.cue is not None
    change = to_change(rate.n, rate.cue)
    if change is not None and change.kind == "percentage_points" and value.n.unit != "percent":
        rate.dropped = True  # "8539.9亿元，增幅比上年高出18.3个百分点": the growth rate's change
        return
    if change is not None:
        value.change, rate.owner = change, value


def growth_only(items: list[Item]) -> list[Item]:
    """Rates that belong to no value: growth-only statistics."""
    return [r for r in items if r.is_rate and not r.dropped and r.owner is None]
