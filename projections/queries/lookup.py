"""Queries over the keys a batch touched, one statement each, for the alert rules.

Each reads through the touched keys (`Keys`, one JSON parameter) and narrows in SQL to
the rows a rule could fire on; the rule's exact test stays in Python, so a filter here
only has to keep every row that test could pass (a float comparison of exact decimals
keeps every row the exact one does).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from projections import tables
from projections.queries.base import to_models
from projections.queries.keys import ALERT, Keys
from projections.queries.models import Alert, CurrentValue, GrowthRate, YearlyTotal

OPEN = "resolved"  # the one state an alert is not open in


def _keyed(conn: Connection, keys: Keys, table: sa.Table) -> sa.Select[Any]:
    k = keys.source(conn)
    return sa.select(table).select_from(k.join(table, keys.on(k, table)))


def _real(col: sa.ColumnElement[Any]) -> sa.ColumnElement[float]:
    return sa.cast(col, sa.Float)


class Flagged(NamedTuple):
    """The current values of some periods that a rule could fire on."""

    revised: list[CurrentValue]
    disputed: Keys  # periods another source contradicts
    suspect: Keys  # periods with a value held out as a suspected scale error


def _period(c: CurrentValue) -> tuple[str, str, str]:
    return (c.metric, c.geography, c.period_key)


def flagged_values(conn: Connection, periods: Keys) -> Flagged:
    """Of the periods' current values, the revised ones and the periods of those another
    source contradicts or that hold out a suspect value: one pass over the periods."""
    cv = tables.current_values
    # equal values agree whatever their rounding: only a change can be a revision
    changed = sa.and_(
        cv.c.previous_event_id.is_not(None),
        sa.or_(
            cv.c.previous_value.is_(None), cv.c.value.is_(None),
            cv.c.previous_value != cv.c.value,
        ),
    )
    flags = sa.or_(
        changed, cv.c.dissent_event_id.is_not(None), cv.c.suspect_event_id.is_not(None)
    )
    stmt = _keyed(conn, periods, cv).where(flags).order_by(*cv.primary_key)
    found = to_models(CurrentValue, conn.execute(stmt), trusted=True)
    return Flagged(
        [c for c in found if c.revised],
        Keys.of_periods([_period(c) for c in found if c.dissent_event_id is not None]),
        Keys.of_periods([_period(c) for c in found if c.suspect_event_id is not None]),
    )


def exceeded_years(conn: Connection, years: Keys) -> list[YearlyTotal]:
    """Yearly totals of the years whose year-to-date total exceeds the official figure."""
    y = tables.yearly_totals
    stmt = _keyed(conn, years, y).where(_real(y.c.ytd_value) >= _real(y.c.official_value))
    found = to_models(YearlyTotal, conn.execute(stmt.order_by(*y.primary_key)), trusted=True)
    return [
        r for r in found
        if r.ytd_value is not None and r.official_value is not None
        and r.ytd_value > r.official_value
    ]


class GrowthPoint(NamedTuple):
    """What the history of a series' growth needs of one growth row."""

    metric: str
    geography: str
    period_key: str
    year: int
    change_kind: str | None
    reported_change: Decimal | None
    computed_change: Decimal | None
    event_id: str
    prior_event_id: str | None
    difference: Decimal | None


def growth_of_series(
    conn: Connection, series: Keys, kinds: Iterable[str]
) -> list[GrowthPoint]:
    """Growth rows of (metric, geography) series whose period kind, what follows the year
    in a period key ("" for the year itself), is one of `kinds`, by series and period."""
    g = tables.growth_rates
    k = series.source(conn)
    cols = [g.c[f] for f in GrowthPoint._fields]
    stmt = (
        sa.select(*cols)
        .select_from(k.join(g, series.on(k, g)))
        .where(sa.func.substr(g.c.period_key, 5).in_(sorted(set(kinds))))
        .order_by(*g.primary_key)
    )
    return [GrowthPoint(*row) for row in conn.execute(stmt)]


def open_alerts(conn: Connection, rule: str) -> list[Alert]:
    """Alerts of one rule that are not resolved."""
    t = tables.alerts
    stmt = sa.select(t).where(t.c.rule == rule, t.c.state != OPEN).order_by(t.c.key)
    return to_models(Alert, conn.execute(stmt), trusted=True)


def open_alerts_of_periods(
    conn: Connection, rules: Iterable[str], periods: Iterable[tuple[str, str, str]]
) -> list[Alert]:
    """Open alerts of these rules whose key is one of the periods (metric|geography|period)."""
    t = tables.alerts
    names = sorted(set(rules))
    wanted = {f"{m}|{g}|{pk}" for m, g, pk in periods}
    held = sa.select(sa.func.count()).select_from(t).where(t.c.rule.in_(names))
    if conn.execute(held).scalar_one() < len(names) * len(wanted):
        # fewer alerts of the rules than keys asked for: reading them all is the cheaper
        stmt = sa.select(t).where(t.c.rule.in_(names), t.c.state != OPEN)
        found = to_models(Alert, conn.execute(stmt.order_by(t.c.rule, t.c.key)), trusted=True)
        return [a for a in found if a.key in wanted]
    # joined on a key built from the periods' columns, SQLite read every alert of the rules
    # and scanned all the periods for each; whole (rule, key) pairs reach each by its index
    return open_alerts_of(conn, Keys.of(ALERT, [(r, k) for r in names for k in wanted]))


def open_alerts_of(conn: Connection, keys: Keys) -> list[Alert]:
    """Open alerts of the given (rule, key) pairs."""
    t = tables.alerts
    stmt = _keyed(conn, keys, t).where(t.c.state != OPEN)
    return to_models(Alert, conn.execute(stmt.order_by(t.c.rule, t.c.key)), trusted=True)


def alerts_of(conn: Connection, keys: Keys) -> list[Alert]:
    """The alerts of the given (rule, key) pairs, in whatever state."""
    t = tables.alerts
    stmt = _keyed(conn, keys, t).order_by(t.c.rule, t.c.key)
    return to_models(Alert, conn.execute(stmt), trusted=True)


def event_counts(conn: Connection, keys: Keys) -> dict[tuple[str, str], int]:
    """How many alert events each of the given (rule, key) pairs has, if any."""
    e = tables.alert_events
    k = keys.source(conn)
    stmt = (
        sa.select(e.c.rule, e.c.key, sa.func.count())
        .select_from(k.join(e, keys.on(k, e)))
        .group_by(e.c.rule, e.c.key)
    )
    return {(r, key): int(n) for r, key, n in conn.execute(stmt)}


def revised_events(conn: Connection, event_ids: Keys) -> list[tuple[str, str, str, str]]:
    """(event id, metric, geography, period key) of the events that are the current,
    revised vintage of their period."""
    o, cv = tables.observations, tables.current_values
    k = event_ids.source(conn)
    on = sa.and_(
        cv.c.metric == o.c.metric,
        cv.c.geography == o.c.geography,
        cv.c.period_key == o.c.period_key,
        cv.c.event_id == o.c.event_id,
    )
    stmt = (
        sa.select(cv)
        .select_from(k.join(o, o.c.event_id == k.c.event_id).join(cv, on))
        .where(cv.c.previous_event_id.is_not(None))
    )
    found = to_models(CurrentValue, conn.execute(stmt), trusted=True)
    return [(c.event_id, c.metric, c.geography, c.period_key) for c in found if c.revised]


def growth_rows(conn: Connection, periods: Keys) -> list[GrowthRate]:
    """Growth rows of the given periods."""
    g = tables.growth_rates
    stmt = _keyed(conn, periods, g).order_by(*g.primary_key)
    return to_models(GrowthRate, conn.execute(stmt), trusted=True)
