"""What went wrong in one passage, in words: labels missed, extras, wrong metric or change."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from events import CityPilotDesignated, CityPilotStatusChanged, PolicyNoticeIssued
from events.types import StatisticPublished
from services.ingest.evaluate import rules
from services.ingest.evaluate.matching import Gold, Match
from services.ingest.extract.base import Fact


@dataclass
class PassageResult:
    """One passage's misses (labels not found), extras (predictions not labelled), errors."""

    id: str
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.misses or self.extras or self.wrong)

    def as_dict(self) -> dict[str, Any]:
        """The details as plain JSON values."""
        return {"id": self.id, "misses": self.misses, "extras": self.extras, "wrong": self.wrong}


def describe_gold(kind: str, g: Gold) -> str:
    """A labelled fact in one line."""
    if kind == "notices":
        return f"notice {g.get('title') or g.get('description')}"
    if kind == "pilots":
        return f"pilot {g['city']} {g['status']} {g['program']}"
    ch = rules.change_tuple(g.get("reported_change"))
    change = f" {ch[2]} {ch[1]} {ch[0]} {ch[3]}" if ch else ""
    return (
        f"stat {g['metric']} {rules.period_key(g['period'])} {g.get('value')} {g['unit']} "
        f"{g['geography']}{change} [{g.get('value_text') or g.get('subject')}]"
    )


def describe_fact(fact: Fact) -> str:
    """An extracted fact in one line."""
    p = fact.payload
    if isinstance(p, PolicyNoticeIssued):
        return f"notice {p.title or p.description}"
    if isinstance(p, CityPilotDesignated | CityPilotStatusChanged):
        return f"pilot {p.city} {p.status} {p.program}"
    assert isinstance(p, StatisticPublished)
    ch = p.reported_change
    change = ""
    if ch is not None:
        amount = ch.percent or ch.percentage_points or ch.absolute
        change = f" {ch.direction} {amount} {ch.basis}"
    value = "None" if p.value is None else format(p.value, "f")
    return (
        f"stat {p.metric} {p.period.key} {value} {p.unit} {p.geography}{change} "
        f"[{fact.source.value_text}]"
    )


def passage_result(passage_id: str, matches: list[Match]) -> PassageResult:
    """The misses, extras and wrongly attached statistics among one passage's pairings."""
    result = PassageResult(passage_id)
    for m in matches:
        if m.gold is not None and m.fact is None:
            result.misses.append(describe_gold(m.kind, m.gold))
        elif m.gold is None and m.fact is not None:
            result.extras.append(describe_fact(m.fact))
        elif m.gold is not None and m.fact is not None and not (m.metric_ok and m.change_ok):
            result.wrong.append(
                f"gold {describe_gold(m.kind, m.gold)}\n        got  {describe_fact(m.fact)}"
            )
    return result
