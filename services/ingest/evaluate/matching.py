"""Pairing labelled facts with extracted ones, one to one.

Statistics (greedy, gold in text order; among candidates a prediction with the same
metric is preferred):

* a labelled statistic with a value matches a predicted one with the same period, the
  same unit, the same geography and an equal value (see `rules`);
* a growth-only statistic (value null) matches a predicted growth-only statistic with the
  same period, geography and metric whose change has the same kind, amount and direction.

Among matched statistics, *metric accuracy* is the share with the labelled metric id and
*change accuracy* the share whose reported change agrees with the label.

Policy notices match when at least 60 % of the shorter title's words occur in the other;
a labelled notice without a title is matched on its description against the
prediction's title or description with a looser 35 %.

City pilots match on the same city (as geographies) and status; among several such
predictions the one whose program shares the most words wins, and at least one content
word of the program must be shared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from events import CityPilotDesignated, CityPilotStatusChanged, PolicyNoticeIssued
from events.types import StatisticPublished
from services.ingest.evaluate import rules
from services.ingest.extract.base import Fact

Gold = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Match:
    """A labelled fact and the extracted fact paired with it; either may be missing."""

    kind: str  # "statistics", "notices" or "pilots"
    gold: Gold | None
    fact: Fact | None
    metric_ok: bool = True
    change_ok: bool = True

    @property
    def matched(self) -> bool:
        """Both a label and a prediction: a true positive."""
        return self.gold is not None and self.fact is not None


def _change(p: StatisticPublished) -> dict[str, Any] | None:
    return p.reported_change.model_dump() if p.reported_change else None


def _stat_fits(g: Gold, p: StatisticPublished) -> bool:
    if p.period.key != rules.period_key(g["period"]):
        return False
    if not rules.geographies_equal(g["geography"], p.geography):
        return False
    value = rules.decimal_or_none(g.get("value"))
    if value is not None:
        return p.unit == g["unit"] and rules.values_equal(value, p.value)
    return (
        p.value is None
        and p.metric == g["metric"]
        and rules.same_change_amount(g.get("reported_change"), _change(p))
    )


def match_statistics(gold: list[Gold], facts: list[Fact]) -> list[Match]:
    """Pair labelled statistics with extracted ones; unpaired ones are misses or extras."""
    preds = [f for f in facts if isinstance(f.payload, StatisticPublished)]
    used: set[int] = set()
    out: list[Match] = []
    for g in gold:
        fits = [i for i, f in enumerate(preds) if i not in used and _stat_fits(g, _stat(f))]
        if not fits:
            out.append(Match("statistics", g, None))
            continue
        best = next((i for i in fits if _stat(preds[i]).metric == g["metric"]), fits[0])
        used.add(best)
        p = _stat(preds[best])
        metric_ok = p.metric == g["metric"]
        change_ok = rules.changes_equal(g.get("reported_change"), _change(p))
        out.append(Match("statistics", g, preds[best], metric_ok, change_ok))
    out += [Match("statistics", None, f) for i, f in enumerate(preds) if i not in used]
    return out


def _stat(f: Fact) -> StatisticPublished:
    assert isinstance(f.payload, StatisticPublished)
    return f.payload


def _pair_best(
    kind: str,
    gold: list[Gold],
    preds: list[Fact],
    score: Callable[[Gold, Fact], float],
) -> list[Match]:
    """Greedy pairing: each label takes the unused prediction scoring highest (> 0)."""
    used: set[int] = set()
    out: list[Match] = []
    for g in gold:
        best, best_score = -1, 0.0
        for i, f in enumerate(preds):
            s = 0.0 if i in used else score(g, f)
            if s > best_score:
                best, best_score = i, s
        if best >= 0:
            used.add(best)
        out.append(Match(kind, g, preds[best] if best >= 0 else None))
    out += [Match(kind, None, f) for i, f in enumerate(preds) if i not in used]
    return out


def _notice_score(g: Gold, f: Fact) -> float:
    p = f.payload
    assert isinstance(p, PolicyNoticeIssued)
    if g.get("title"):
        sim = rules.similarity(g["title"], p.title) if p.title else 0.0
        return sim if sim >= 0.6 else 0.0
    sim = rules.similarity(g.get("description"), p.title or p.description)
    return sim if sim >= 0.35 else 0.0


def _pilot_score(g: Gold, f: Fact) -> float:
    p = f.payload
    assert isinstance(p, CityPilotDesignated | CityPilotStatusChanged)
    if p.status != g["status"] or not rules.geographies_equal(g["city"], p.city):
        return 0.0
    return rules.similarity(g["program"], p.program)


def match_notices(gold: list[Gold], facts: list[Fact]) -> list[Match]:
    """Pair labelled policy notices with extracted ones by title (or description)."""
    preds = [f for f in facts if isinstance(f.payload, PolicyNoticeIssued)]
    return _pair_best("notices", gold, preds, _notice_score)


def match_pilots(gold: list[Gold], facts: list[Fact]) -> list[Match]:
    """Pair labelled city pilots with extracted ones by city, status and programme."""
    preds = [
        f for f in facts if isinstance(f.payload, CityPilotDesignated | CityPilotStatusChanged)
    ]
    return _pair_best("pilots", gold, preds, _pilot_score)


def match_record(record: dict[str, Any], facts: list[Fact]) -> list[Match]:
    """Every pairing in one labelled passage: statistics, then notices, then pilots."""
    return (
        match_statistics(list(record.get("statistics") or []), facts)
        + match_notices(list(record.get("policy_notices") or []), facts)
        + match_pilots(list(record.get("city_pilots") or []), facts)
    )
