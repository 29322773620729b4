"""Keyed lookups of derived rows: exactly the periods, years or alerts a batch touched."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from projections import queries, tables
from projections.bulk import keyed_rows

_CHUNK = 400


def _rows(conn: Connection, table: sa.Table, cols: Sequence[str], keys: Iterable[Any]) -> list[Any]:
    return keyed_rows(conn, table, cols, sorted(set(keys)))


def growth_for(
    conn: Connection, periods: Iterable[tuple[str, str, str]]
) -> list[queries.GrowthRate]:
    """Growth rows of the given (metric, geography, period key) triples."""
    rows = _rows(conn, tables.growth_rates, ("metric", "geography", "period_key"), periods)
    return [queries.GrowthRate.model_validate(dict(r)) for r in rows]


def current_for(
    conn: Connection, periods: Iterable[tuple[str, str, str]]
) -> list[queries.CurrentValue]:
    """Current values of the given (metric, geography, period key) triples."""
    rows = _rows(conn, tables.current_values, ("metric", "geography", "period_key"), periods)
    return [queries.CurrentValue.model_validate(dict(r)) for r in rows]


def yearly_for(
    conn: Connection, years: Iterable[tuple[str, str, int]]
) -> list[queries.YearlyTotal]:
    """Yearly totals of the given (metric, geography, year) triples."""
    rows = _rows(conn, tables.yearly_totals, ("metric", "geography", "year"), years)
    return [queries.YearlyTotal.model_validate(dict(r)) for r in rows]


def alerts_for(conn: Connection, keys: Iterable[tuple[str, str]]) -> list[queries.Alert]:
    """Alert states of the given (rule, key) pairs."""
    rows = _rows(conn, tables.alerts, ("rule", "key"), keys)
    return [queries.Alert.model_validate(dict(r)) for r in rows]
