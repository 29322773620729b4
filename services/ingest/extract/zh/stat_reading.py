"""One Chinese sentence read into values and changes: which numbers are values, which are
rates of change, and which value each rate belongs to.

A rate belongs to the value right before it ("92.1万件，同比增长15.3%"); a second rate of the
same value replaces an absolute one ("增长4710件，增幅12.41%": one change per statistic, the
percent kept); 分别 maps rates to the values before them in order; a rate with no value
before it is a growth-only statistic ("发明专利授权量同比增长4.8%").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.ingest.extract.stat_values import Change
from services.ingest.extract.zh.stat_changes import ChangeCue, change_cue, to_change
from services.ingest.extract.zh.stat_numbers import ZhNumber

# Between a value and its rate only punctuation and a few words ("，占比同比提高").
_GAP = re.compile(r"^[\s,，、]*[\u4e00-\u9fff]{0,3}[\s,，、]*$")
_TO_VALUE = re.compile(r"^\s*[,，]?\s*(?:达到|达|为|至|增至|降至|到)\s*(?:约|近|超过|逾)?\s*$")
_JOIN = re.compile(r"^\s*(?:和|、|及|,|，)\s*$")


@dataclass(slots=True)
class Item:
    """A number of the sentence and its role: a value (with its change) or a rate."""

    n: ZhNumber
    cue: ChangeCue | None = None  # set for rates
    change: Change | None = None  # the change of a value
    owner: Item | None = None  # the value a rate belongs to
    dropped: bool = False

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
        if cue is not None and cue.not_change:
            item.dropped = True
        elif cue is None and n.unit in ("pp", "times"):
            item.dropped = True  # a gap to an average, a multiple: no value of its own
        items.append(item)
        prev_end = n.end
    for i, item in enumerate(items):
        if item.is_rate and not item.dropped and item.owner is None:
            _attach(view, items, i)
    return items


def _attach(view: str, items: list[Item], i: int) -> None:
    rate = items[i]
    assert rate.cue is not None
    if rate.cue.respectively:
        group = [rate]
        for nxt in items[i + 1 :]:
            if nxt.is_rate or not _JOIN.match(view[group[-1].n.end : nxt.n.start]):
                break
            nxt.cue, group = rate.cue, [*group, nxt]
        free = [v for v in items[:i] if not v.is_rate and not v.dropped and v.change is None]
        for value, r in zip(free[-len(group) :], group, strict=False):
            _own(value, r)
        return
    prev = items[i - 1] if i else None
    if prev is None or not _GAP.match(view[prev.n.end : rate.cue.start]):
        after = items[i + 1] if i + 1 < len(items) else None
        if after and not after.is_rate and _TO_VALUE.match(view[rate.n.end : after.n.start]):
            _own(after, rate)  # "同比下降4.1%，为343.8万件": the rate before its value
        return  # else growth-only
    if prev.is_rate and prev.owner is not None:
        value = prev.owner
        if value.change is not None and value.change.kind == "absolute":
            _own(value, rate)  # the percent replaces an absolute change
        else:
            rate.dropped = True
        return
    if not prev.is_rate and not prev.dropped and prev.change is None:
        _own(prev, rate)


def _own(value: Item, rate: Item) -> None:
    assert rate.cue is not None
    change = to_change(rate.n, rate.cue)
    if change is not None and change.kind == "percentage_points" and value.n.unit != "percent":
        rate.dropped = True  # "92.1万件，增速较上年提高0.6个百分点": the growth rate's change
        return
    if change is not None:
        value.change, rate.owner = change, value


def growth_only(items: list[Item]) -> list[Item]:
    """Rates that belong to no value: growth-only statistics."""
    return [r for r in items if r.is_rate and not r.dropped and r.owner is None]
