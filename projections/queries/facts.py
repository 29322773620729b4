"""Published values and what is derived from them: vintages, current values, growth, totals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from projections import tables
from projections.derive import current_values
from projections.queries.base import count as count_rows
from projections.queries.base import equal, first_model, keyed, paged, to_models, unretracted
from projections.queries.models import CurrentValue, GrowthRate, Observation, Vintage, YearlyTotal

Series = Iterable[tuple[str, str]]
VINTAGE_ORDER = (
    tables.observations.c.period_key,
    tables.observations.c.published_at,
    tables.observations.c.recorded_at,
    tables.observations.c.event_id,
)


def yearly_totals(conn: Connection, series: Series | None = None) -> list[YearlyTotal]:
    """Yearly totals, of the given series or all."""
    t = tables.yearly_totals
    stmt = keyed(t, ("metric", "geography"), series).order_by(t.c.metric, t.c.geography, t.c.year)
    return to_models(YearlyTotal, conn.execute(stmt))


def growth_rates(conn: Connection, series: Series | None = None) -> list[GrowthRate]:
    """Growth rows, of the given series or all."""
    t = tables.growth_rates
    stmt = keyed(t, ("metric", "geography"), series)
    return to_models(
        GrowthRate, conn.execute(stmt.order_by(t.c.metric, t.c.geography, t.c.period_key))
    )


def current(conn: Connection, series: Series | None = None) -> list[CurrentValue]:
    """Latest values, of the given series or all."""
    t = tables.current_values
    stmt = keyed(t, ("metric", "geography"), series)
    return to_models(
        CurrentValue, conn.execute(stmt.order_by(t.c.metric, t.c.geography, t.c.period_key))
    )


def observations(
    conn: Connection, metric: str, geography: str | None = None, period_key: str | None = None
) -> list[Observation]:
    """Every vintage of a metric (optionally one geography and period), oldest first."""
    o = tables.observations
    stmt = unretracted(sa.select(o).where(o.c.metric == metric))
    stmt = equal(stmt, o, geography=geography, period_key=period_key)
    return to_models(Observation, conn.execute(stmt.order_by(*VINTAGE_ORDER)))


def all_observations(conn: Connection) -> list[Observation]:
    """Every vintage not retracted, by series and period, oldest first."""
    o = tables.observations
    stmt = unretracted(sa.select(o)).order_by(o.c.metric, o.c.geography, *VINTAGE_ORDER)
    return to_models(Observation, conn.execute(stmt))


def observations_page(
    conn: Connection,
    metric: str,
    geography: str | None = None,
    period_key: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[Observation], int]:
    """One page of every vintage of a metric, in the order of `observations`."""
    o = tables.observations
    stmt = unretracted(sa.select(o).where(o.c.metric == metric))
    stmt = equal(stmt, o, geography=geography, period_key=period_key)
    return paged(conn, stmt, VINTAGE_ORDER, Observation, limit, offset)


def current_of_events(conn: Connection, event_ids: Iterable[str]) -> list[CurrentValue]:
    """The current-value rows whose current vintage is one of these events."""
    t = tables.current_values
    ids = sorted(set(event_ids))
    if not ids:
        return []
    return to_models(CurrentValue, conn.execute(sa.select(t).where(t.c.event_id.in_(ids))))


def observation(conn: Connection, event_id: str) -> Observation | None:
    """One observation by its event id."""
    o = tables.observations
    return first_model(Observation, conn, sa.select(o).where(o.c.event_id == event_id))


def is_retracted(conn: Connection, event_id: str) -> bool:
    """Whether a later event retracted the fact `event_id`."""
    r = tables.retractions
    stmt = sa.select(r.c.event_id).where(r.c.retracted_event_id == event_id).limit(1)
    return conn.execute(stmt).first() is not None


def as_of(conn: Connection, metric: str, geography: str, on: dt.date) -> list[CurrentValue]:
    """What was known of a series on `on`: the latest vintage published by then."""
    o = tables.observations
    stmt = unretracted(
        sa.select(o).where(o.c.metric == metric, o.c.geography == geography, o.c.published_at <= on)
    )
    rows = [dict(r) for r in conn.execute(stmt).mappings()]
    return to_models(CurrentValue, current_values(rows))


def unclassified_count(conn: Connection) -> int:
    """How many statistics could not be matched to a catalogue metric."""
    o = tables.observations
    stmt = sa.select(o.c.event_id).where(o.c.metric == "unclassified")
    return count_rows(conn, unretracted(stmt))


def growth_page(
    conn: Connection,
    metric: str | None = None,
    geography: str | None = None,
    mismatch_over: float | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[GrowthRate], int]:
    """Growth rows filtered by series; `mismatch_over` keeps |difference| above it."""
    t = tables.growth_rates
    stmt = equal(sa.select(t), t, metric=metric, geography=geography)
    if mismatch_over is None:
        order = (t.c.metric, t.c.geography, t.c.year, t.c.period_key)
        return paged(conn, stmt, order, GrowthRate, limit, offset)
    # differences are exact decimals, text on SQLite: compare them in Python
    stmt = stmt.where(t.c.difference.is_not(None)).order_by(
        t.c.metric, t.c.geography, t.c.period_key
    )
    kept = [r for r in to_models(GrowthRate, conn.execute(stmt)) if r.mismatch(mismatch_over)]
    end = None if limit is None else offset + limit
    return kept[offset:end], len(kept)


def yearly_page(
    conn: Connection,
    metric: str | None = None,
    geography: str | None = None,
    year: int | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[YearlyTotal], int]:
    """Yearly totals filtered by metric, geography and year."""
    t = tables.yearly_totals
    stmt = equal(sa.select(t), t, metric=metric, geography=geography, year=year)
    return paged(conn, stmt, (t.c.metric, t.c.geography, t.c.year), YearlyTotal, limit, offset)


def vintages(
    conn: Connection, metric: str, geography: str, period_keys: Iterable[str] | None = None
) -> list[Vintage]:
    """Every unretracted vintage of one series (or of some of its periods), by period then
    publication."""
    o = tables.observations
    columns = (o.c[name] for name in Vintage.model_fields)
    stmt = sa.select(*columns).where(o.c.metric == metric, o.c.geography == geography)
    if period_keys is not None:
        stmt = stmt.where(o.c.period_key.in_(list(period_keys)))
    return to_models(Vintage, conn.execute(unretracted(stmt).order_by(*VINTAGE_ORDER)))


def vintages_of_periods(
    conn: Connection, metric: str, geography: str, period_keys: Iterable[str]
) -> list[Vintage]:
    """Every unretracted vintage of some periods of one series, by period then publication."""
    keys = list(period_keys)
    return vintages(conn, metric, geography, keys) if keys else []
