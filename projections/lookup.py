"""Keyed lookups of derived rows: exactly the periods, years or alerts a batch touched."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from projections import queries, tables
from projections.bulk import keyed_rows
from projections.queries import M


def _rows(conn: Connection, table: sa.Table, cols: Sequence[str], keys: Iterable[Any]) -> list[Any]:
    return keyed_rows(conn, table, cols, sorted(set(keys)))


def _models(model: type[M], rows: Iterable[dict[str, Any]]) -> list[M]:
    # Rows come typed from our own tables (the column types convert them), so they are
    # wrapped without validating each field again: this runs for every batch.
    return [cast(M, model.model_construct(**r)) for r in rows]


def growth_for(
    conn: Connection, periods: Iterable[tuple[str, str, str]]
) -> list[queries.GrowthRate]:
    """Growth rows of the given (metric, geography, period key) triples."""
    rows = _rows(conn, tables.growth_rates, ("metric", "geography", "period_key"), periods)
    return _models(queries.GrowthRate, rows)


def current_for(
    conn: Connection, periods: Iterable[tuple[str, str, str]]
) -> list[queries.CurrentValue]:
    """Current values of the given (metric, geography, period key) triples."""
    rows = _rows(conn, tables.current_values, ("metric", "geography", "period_key"), periods)
    return _models(queries.CurrentValue, rows)


def yearly_for(
    conn: Connection, years: Iterable[tuple[str, str, int]]
) -> list[queries.YearlyTotal]:
    """Yearly totals of the given (metric, geography, year) triples."""
    rows = _rows(conn, tables.yearly_totals, ("metric", "geography", "year"), years)
    return _models(queries.YearlyTotal, rows)


def alerts_for(conn: Connection, keys: Iterable[tuple[str, str]]) -> list[queries.Alert]:
    """Alert states of the given (rule, key) pairs."""
    rows = _rows(conn, tables.alerts, ("rule", "key"), keys)
    return _models(queries.Alert, rows)
