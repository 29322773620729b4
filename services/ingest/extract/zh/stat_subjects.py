"""What a Chinese figure is a figure of: the text layers its metric is read from and the
unit its subject implies.

Chinese puts the subject before the number ("全年授权发明专利92.1万件"), so a value's own
clause runs from the clause mark (or the number) before it to the number, plus the counting
word and the words right after it ("5.2个市场主体拥有一件有效商标"). Lists elide the verb
("授权发明专利45.3万件，实用新型158.2万件"), so the clause before is a second layer, and
the rest of the sentence and the sentence before (for 其中 …) a third. Per-person rates
(每万人口 …) are told by their subject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from events.metrics import UNCLASSIFIED, Metric
from services.ingest.extract.metrics_match import match_metric_zh

_MARK = re.compile(r"[,，;；:：。!！?？]")
_HEAD_STOP = re.compile(r"[,，;；:：。!！?？(（\d]")
_PER_10K = ("万人", "每万人口")


@dataclass(frozen=True, slots=True)
class Layers:
    """The texts a figure's metric is read from."""

    own: str
    before: str
    context: str


def _last_mark(view: str, end: int) -> int:
    """The position after the last clause mark before `end` (0 if none)."""
    for i in range(end - 1, -1, -1):
        if _MARK.match(view[i]):
            return i + 1
    return 0


def layers(view: str, own_start: int, at: int, end: int, word: str, previous: str) -> Layers:
    """The layers of the figure at `[at, end)` whose own clause starts at `own_start`;
    `word` is its counting word and `previous` the sentence before."""
    stop = _HEAD_STOP.search(view, end)
    head = view[end : stop.start() if stop else len(view)]
    own = view[own_start:at] + word + head
    left = _last_mark(view, own_start)
    for _ in range(2):  # the two clauses before: "国内发明专利授权中，职务发明为…，占95.4%"
        if left:
            left = _last_mark(view, left - 1)
    return Layers(own, view[left:own_start], previous + view[:left])


def unit_of(unit: str, own: str) -> str:
    """The unit of a value: a count whose subject is per 10,000 people is a per-10k rate."""
    if unit == "count" and any(w in own for w in _PER_10K):
        return "per_10k_people"
    return unit


def metric_of(lay: Layers, unit: str | None) -> Metric | None:
    """The catalogued metric of a figure, None when its subject names none."""
    metric, _ = match_metric_zh(lay.own, lay.before, lay.context, unit=unit)
    return None if metric.id == UNCLASSIFIED else metric
