"""Evaluate every alert rule over the keys a batch touched: what fires and what cleared."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from sqlalchemy.engine import Connection

from events import AlertRaised, AlertResolved, Event, make_event
from projections import queries
from projections.projector import Changes
from projections.queries import lookup
from services.alerts import quality
from services.alerts.rules import (
    AlertConfig,
    Condition,
    growth_conditions,
    notice_conditions,
    pilot_conditions,
    revision_conditions,
    series_key,
    ytd_conditions,
)

PERIOD_RULES = ("growth_mismatch", "growth_unusual", "value_revised", "source_disagreement")


def _period_conditions(
    conn: Connection, changes: Changes, cfg: AlertConfig
) -> tuple[list[Condition], set[str], list[tuple[str, str]]]:
    """Conditions of the touched periods, the current events that are revisions, and the
    growth_unusual keys judged (every period of a touched series: each growth is judged
    against the series' whole earlier history, which the batch may have changed)."""
    growth = lookup.growth_for(conn, changes.periods)
    current = lookup.current_for(conn, changes.periods)
    history: dict[tuple[str, str], list[queries.GrowthRate]] = {}
    for g in queries.growth_rates(conn, sorted({(g.metric, g.geography) for g in growth})):
        history.setdefault((g.metric, g.geography), []).append(g)
    whole = [g for rows in history.values() for g in rows]
    revisions = revision_conditions(current, cfg)
    firing = growth_conditions(growth, cfg) + quality.unusual_conditions(whole, history, cfg)
    firing += revisions + quality.disagreement_conditions(
        queries.disagreements(conn, changes.periods), cfg
    )
    revised = {c.evidence[0] for c in revisions}
    cited = {x for g in whole for x in (g.event_id, g.prior_event_id) if x}
    revised |= {c.event_id for c in queries.current_of_events(conn, cited) if c.revised}
    judged = [("growth_unusual", series_key(g.metric, g.geography, g.period_key)) for g in whole]
    return firing, revised, judged


def _scale_conditions(conn: Connection, changes: Changes, cfg: AlertConfig) -> list[Condition]:
    documents = queries.suspect_documents(conn, changes.periods)
    firing = queries.alerts_page(conn, rule="suspected_scale_error")[0]
    documents |= {a.key.removeprefix("document:") for a in firing if a.state != "resolved"}
    if not documents:
        return []
    titles = {d: queries.document(conn, d) for d in documents}
    named = {d: (info.title or info.publisher or "") for d, info in titles.items() if info}
    return quality.scale_conditions(queries.suspects_of_documents(conn, documents), named, cfg)


def evaluate(
    conn: Connection, changes: Changes, cfg: AlertConfig
) -> tuple[list[Condition], list[queries.Alert]]:
    """Conditions firing among the keys a batch touched, and open alerts that cleared."""
    firing: list[Condition] = []
    revised: set[str] = set()
    judged: list[tuple[str, str]] = []
    if changes.periods:
        firing, revised, judged = _period_conditions(conn, changes, cfg)
        firing += _scale_conditions(conn, changes, cfg)
    if changes.years:
        firing += ytd_conditions(lookup.yearly_for(conn, changes.years), cfg)
    if changes.notices:
        firing += notice_conditions(queries.notices(conn, sorted(changes.notices)), cfg)
    if changes.pilots:
        firing += pilot_conditions(queries.pilots(conn, sorted(changes.pilots)), cfg)
    firing = quality.inhibit(firing, revised)
    # Only keys this batch touched (and open scale alerts) can have cleared.
    candidates = [
        (rule, series_key(m, g, pk)) for m, g, pk in changes.periods for rule in PERIOD_RULES
    ] + [("ytd_exceeds_official", series_key(m, g, y)) for m, g, y in changes.years] + judged
    if changes.periods:
        candidates += [
            (a.rule, a.key) for a in queries.alerts_page(conn, rule="suspected_scale_error")[0]
        ]
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
