"""Alert rules: pure checks over projection rows that yield firing conditions.

Each condition has a key (what it is about) and a fingerprint (the exact evidence). The
AlertRaised event id is derived from both, so the same condition seen twice is one event
and one alert; a different fingerprint for the same key updates that alert.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, Field
from sqlalchemy.engine import Connection

from events import AlertRaised, AlertResolved, Event, make_event
from events.types import Severity
from projections import queries
from projections.projector import Changes
from projections.queries import lookup


class RuleConfig(BaseModel):
    """Whether a rule runs, how severe its alerts are, and its threshold if it has one."""

    enabled: bool = True
    severity: Severity = "warning"
    threshold: float | None = None


def _rules() -> dict[str, RuleConfig]:
    return {
        "growth_mismatch": RuleConfig(threshold=0.5),
        "growth_unusual": RuleConfig(threshold=30.0),
        "value_revised": RuleConfig(),
        "notice_issued": RuleConfig(severity="info"),
        "pilot_status_changed": RuleConfig(),
        "ytd_exceeds_official": RuleConfig(severity="critical"),
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
        rules["growth_unusual"] = RuleConfig(threshold=unusual_pct)
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

    def __post_init__(self) -> None:
        # By default the condition is what the alert says and the events behind it: the
        # state an alert ends in then depends only on the final projections, not on how
        # the log was cut into batches on the way there.
        if not self.fingerprint:
            digest = hashlib.sha256(
                "\x1f".join((self.message, *self.evidence)).encode()
            ).hexdigest()[:32]
            object.__setattr__(self, "fingerprint", digest)


def _pct(x: Decimal) -> str:
    return f"{x:+.2f}"


def _series_key(metric: str, geography: str, period: str | int) -> str:
    return f"{metric}|{geography}|{period}"


def growth_conditions(rows: Iterable[queries.GrowthRate], cfg: AlertConfig) -> list[Condition]:
    """Reported growth that disagrees with the history, and unusually large growth."""
    out: list[Condition] = []
    mismatch, unusual = cfg.rule("growth_mismatch"), cfg.rule("growth_unusual")
    for g in rows:
        key = _series_key(g.metric, g.geography, g.period_key)
        evidence = tuple(x for x in (g.event_id, g.prior_event_id) if x)
        if mismatch.enabled and g.mismatch(mismatch.threshold or 0.0) and g.difference is not None:
            unit = "%" if g.change_kind == "percent" else " pp"
            out.append(
                Condition(
                    "growth_mismatch",
                    key,
                    mismatch.severity,
                    f"{g.metric} {g.geography} {g.period_key}: reported change "
                    f"{_pct(g.reported_change or Decimal(0))}{unit} but the history gives "
                    f"{_pct(g.computed_change or Decimal(0))}{unit} "
                    f"(difference {_pct(g.difference)} points)",
                    evidence,
                )
            )
        growth = g.reported_change if g.change_kind == "percent" else None
        if growth is None and g.change_kind is None:
            growth = g.computed_change
        limit = Decimal(str(unusual.threshold or 0.0))
        if unusual.enabled and growth is not None and abs(growth) > limit:
            out.append(
                Condition(
                    "growth_unusual",
                    key,
                    unusual.severity,
                    f"{g.metric} {g.geography} {g.period_key}: growth {_pct(growth)}% is beyond "
                    f"±{limit}%",
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
            _series_key(c.metric, c.geography, c.period_key),
            rule.severity,
            f"{c.metric} {c.geography} {c.period_key} revised from {c.previous_value} to "
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
            _series_key(y.metric, y.geography, y.year),
            rule.severity,
            f"{y.metric} {y.geography} {y.year}: year-to-date {y.ytd_value} {y.unit} through "
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


def evaluate(
    conn: Connection, changes: Changes, cfg: AlertConfig
) -> tuple[list[Condition], list[queries.Alert]]:
    """Conditions firing among the keys a batch touched, and open alerts that cleared."""
    firing: list[Condition] = []
    if changes.periods:
        firing += growth_conditions(lookup.growth_for(conn, changes.periods), cfg)
        firing += revision_conditions(lookup.current_for(conn, changes.periods), cfg)
    if changes.years:
        firing += ytd_conditions(lookup.yearly_for(conn, changes.years), cfg)
    if changes.notices:
        firing += notice_conditions(queries.notices(conn, sorted(changes.notices)), cfg)
    if changes.pilots:
        firing += pilot_conditions(queries.pilots(conn, sorted(changes.pilots)), cfg)
    # Only keys this batch touched can have cleared.
    candidates = [
        (rule, _series_key(m, g, pk))
        for m, g, pk in changes.periods
        for rule in ("growth_mismatch", "growth_unusual", "value_revised")
    ] + [("ytd_exceeds_official", _series_key(m, g, y)) for m, g, y in changes.years]
    live = {(c.rule, c.key) for c in firing}
    cleared = [
        a
        for a in lookup.alerts_for(conn, candidates)
        if a.state != "resolved" and (a.rule, a.key) not in live
    ]
    return firing, cleared


def alert_events(
    firing: Iterable[Condition], cleared: Iterable[queries.Alert], now: datetime
) -> list[Event]:
    """AlertRaised and AlertResolved events for the conditions found."""
    out = [
        make_event(
            AlertRaised(
                rule=c.rule,
                key=c.key,
                severity=c.severity,
                message=c.message,
                evidence=tuple(UUID(x) for x in c.evidence),
                fingerprint=c.fingerprint,
            ),
            published_at=now.date(),
            recorded_at=now,
        )
        for c in firing
    ]
    out += [
        make_event(
            AlertResolved(
                rule=a.rule,
                key=a.key,
                message=f"cleared: {a.message}",
                evidence=tuple(UUID(x) for x in a.evidence),
                fingerprint=f"{a.fingerprint}|resolved",
            ),
            published_at=now.date(),
            recorded_at=now,
        )
        for a in cleared
    ]
    return out
