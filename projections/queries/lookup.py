"""Keyed lookups of derived rows: exactly the periods, years or alerts a batch touched."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from projections import tables
from projections.bulk import keyed_rows
from projections.queries.base import M, to_models
from projections.queries.models import Alert, CurrentValue, GrowthRate, YearlyTotal

Triples = Iterable[tuple[str, str, str]]


def _models(
    model: type[M], conn: Connection, table: sa.Table, cols: Sequence[str], keys: Iterable[Any]
) -> list[M]:
    return to_models(model, keyed_rows(conn, table, cols, sorted(set(keys))), trusted=True)


def growth_for(conn: Connection, periods: Triples) -> list[GrowthRate]:
    """Growth rows of the given (metric, geography, period key) triples."""
    cols = ("metric", "geography", "period_key")
    return _models(GrowthRate, conn, tables.growth_rates, cols, periods)


def current_for(conn: Connection, periods: Triples) -> list[CurrentValue]:
    """Current values of the given (metric, geography, period key) triples."""
    cols = ("metric", "geography", "period_key")
    return _models(CurrentValue, conn, tables.current_values, cols, periods)


def yearly_for(conn: Connection, years: Iterable[tuple[str, str, int]]) -> list[YearlyTotal]:
    """Yearly totals of the given (metric, geography, year) triples."""
    cols = ("metric", "geography", "year")
    return _models(YearlyTotal, conn, tables.yearly_totals, cols, years)


def alerts_for(conn: Connection, keys: Iterable[tuple[str, str]]) -> list[Alert]:
    """Alert states of the given (rule, key) pairs."""
    return _models(Alert, conn, tables.alerts, ("rule", "key"), keys)
