"""Alert rules: pure checks over projection rows that yield firing conditions.

Each condition has a key (what it is about) and a fingerprint (the exact evidence). The
AlertRaised event id is derived from both, so the same condition seen twice is one event
and one alert; a different fingerprint for the same key updates that alert.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from pydantic import BaseModel, Field

from events.metrics import metric_label
from events.types import Severity
from projections import queries


class RuleConfig(BaseModel):
    """Whether a rule runs, how severe its alerts are, and its threshold if it has one."""

    enabled: bool = True
    severity: Severity = "warning"
    threshold: float | None = None
    thresholds: dict[str, float] = Field(default_factory=dict, description="per metric id")
    min_history: int = Field(2, ge=1, description="earlier periods a history-based rule needs")
    z: float = Field(3.5, gt=0, description="robust z-score beyond which a growth is unusual")


@cache
def _growth_thresholds() -> dict[str, float]:
    path = Path(__file__).with_name("growth_thresholds.toml")
    with path.open("rb") as f:
        return {str(k): float(v) for k, v in tomllib.load(f).items()}


def _unusual(threshold: float) -> RuleConfig:
    return RuleConfig(threshold=threshold, thresholds=dict(_growth_thresholds()))


def _rules() -> dict[str, RuleConfig]:
    return {
        "growth_mismatch": RuleConfig(threshold=0.5),
        "growth_unusual": _unusual(30.0),
        "value_revised": RuleConfig(),
        "notice_issued": RuleConfig(severity="info"),
        "pilot_status_changed": RuleConfig(),
        "ytd_exceeds_official": RuleConfig(severity="critical"),
        "suspected_scale_error": RuleConfig(severity="critical"),
        "source_disagreement": RuleConfig(),
    }


def default_rules() -> dict[str, RuleConfig]:
    """The built-in settings of every rule, keyed by rule name."""
    return _rules()


class AlertConfig(BaseModel):
    """Every rule's settings; unknown rule names are refused."""

    rules: dict[str, RuleConfig] = Field(default_factory=_rules)

    def rule(self, name: str) -> RuleConfig:
        """The settings of one rule."""
        return self.rules.get(name) or _rules()[name]

    @classmethod
    def with_thresholds(cls, tolerance_pp: float, unusual_pct: float) -> AlertConfig:
        """Defaults with the two numeric thresholds replaced."""
        rules = _rules()
        rules["growth_mismatch"] = RuleConfig(threshold=tolerance_pp)
        rules["growth_unusual"] = _unusual(unusual_pct)
        return cls(rules=rules)


@dataclass(frozen=True, slots=True)
class Condition:
    """A firing condition found by a rule."""

    rule: str
    key: str
    severity: Severity
    message: str
    evidence: tuple[str, ...]
    fingerprint: str = ""
    after: int = 0  # events of the key before the one that tells this condition

    def __post_init__(self) -> None:
        # By default the condition is what the alert says and the events behind it: the
        # state an alert ends in then depends only on the final projections, not on how
        # the log was cut into batches on the way there.
        if not self.fingerprint:
            digest = hashlib.sha256(
                "\x1f".join((self.message, *self.evidence)).encode()
            ).hexdigest()[:32]
            object.__setattr__(self, "fingerprint", digest)


def signed_pct(x: Decimal) -> str:
    """A signed percentage with two decimals: +15.50."""
    return f"{x:+.2f}"


def series_key(metric: str, geography: str, period: str | int) -> str:
    return f"{metric}|{geography}|{period}"


def series_label(metric: str, geography: str, period: str | int) -> str:
    """A series period as people read it: the catalogue's name, the place, the period."""
    return f"{metric_label(metric)} {geography} {period}"


def growth_conditions(rows: Iterable[queries.GrowthRate], cfg: AlertConfig) -> list[Condition]:
    """Reported growth that disagrees with the history."""
    out: list[Condition] = []
    mismatch = cfg.rule("growth_mismatch")
    for g in rows:
        key = series_key(g.metric, g.geography, g.period_key)
        evidence = tuple(x for x in (g.event_id, g.prior_event_id) if x)
        if mismatch.enabled and g.mismatch(mismatch.threshold or 0.0) and g.difference is not None:
            unit = "%" if g.change_kind == "percent" else " pp"
            out.append(
                Condition(
                    "growth_mismatch",
                    key,
                    mismatch.severity,
                    f"{series_label(g.metric, g.geography, g.period_key)}: reported change "
                    f"{signed_pct(g.reported_change or Decimal(0))}{unit} but the history gives "
                    f"{signed_pct(g.computed_change or Decimal(0))}{unit} "
                    f"(difference {signed_pct(g.difference)} points)",
                    evidence,
                )
            )
    return out


def revision_conditions(rows: Iterable[queries.CurrentValue], cfg: AlertConfig) -> list[Condition]:
    """A later vintage changed a published value."""
    rule = cfg.rule("value_revised")
    if not rule.enabled:
        return []
    return [
        Condition(
            "value_revised",
            series_key(c.metric, c.geography, c.period_key),
            rule.severity,
            f"{series_label(c.metric, c.geography, c.period_key)} "
            f"revised from {c.previous_value} to "
            f"{c.value} {c.unit} (published {c.published_at})",
            tuple(x for x in (c.event_id, c.previous_event_id) if x),
        )
        for c in rows
        if c.revised
    ]


def ytd_conditions(rows: Iterable[queries.YearlyTotal], cfg: AlertConfig) -> list[Condition]:
    """A year-to-date total that already exceeds the official annual figure."""
    rule = cfg.rule("ytd_exceeds_official")
    if not rule.enabled:
        return []
    return [
        Condition(
            "ytd_exceeds_official",
            series_key(y.metric, y.geography, y.year),
            rule.severity,
            f"{series_label(y.metric, y.geography, y.year)}: "
            f"year-to-date {y.ytd_value} {y.unit} through "
            f"month {y.ytd_through_month} exceeds the official annual {y.official_value}",
            tuple(x for x in (y.official_event_id, *y.ytd_event_ids.split(",")) if x),
        )
        for y in rows
        if y.official_value is not None
        and y.ytd_value is not None
        and y.ytd_value > y.official_value
    ]


def notice_conditions(rows: Iterable[queries.PolicyNotice], cfg: AlertConfig) -> list[Condition]:
    """A notice ipmon had not seen before."""
    rule = cfg.rule("notice_issued")
    if not rule.enabled:
        return []
    return [
        Condition(
            "notice_issued",
            n.notice_key,
            rule.severity,
            f"new {n.type}: {n.title or n.description}"
            + (f" ({', '.join(i['name'] for i in n.issuers)})" if n.issuers else ""),
            tuple(n.event_ids[:1]),
        )
        for n in rows
    ]


def pilot_conditions(rows: Iterable[queries.CityPilot], cfg: AlertConfig) -> list[Condition]:
    """A city's pilot status changed."""
    rule = cfg.rule("pilot_status_changed")
    if not rule.enabled:
        return []
    return [
        Condition(
            "pilot_status_changed",
            f"{p.program}|{p.city}",
            rule.severity,
            f"{p.city} in {p.program}: {p.previous_status} -> {p.status} since {p.since}",
            tuple(p.event_ids[-2:]),
        )
        for p in rows
        if p.previous_status is not None
    ]
