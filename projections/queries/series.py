"""Series of a metric: which exist, their latest periods, points, vintages and summaries."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from projections import tables
from projections.queries.base import MAX_ROWS, count, page, to_models
from projections.queries.models import CurrentValue, GrowthRate, MetricSummary, SeriesLatest


def series_keys(
    conn: Connection,
    metric: str | None = None,
    geography: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[tuple[str, str]], int]:
    """Distinct (metric, geography) series with current values, sorted, one page of them."""
    t = tables.current_values
    stmt = sa.select(t.c.metric, t.c.geography).distinct()
    if metric is not None:
        stmt = stmt.where(t.c.metric == metric)
    if geography is not None:
        stmt = stmt.where(t.c.geography == geography)
    total = count(conn, stmt)
    rows = conn.execute(page(stmt.order_by(t.c.metric, t.c.geography), limit, offset))
    return [(m, g) for m, g in rows], total


def latest_of_series(conn: Connection, series: Sequence[tuple[str, str]]) -> list[SeriesLatest]:
    """The latest period (ending last, the longest of those) of each series, with growth."""
    if not series:
        return []
    keys = (
        sa.values(sa.column("metric", sa.String), sa.column("geography", sa.String), name="keys")
        .data(sorted(set(series)))
        .cte("keys")
    )
    return to_models(SeriesLatest, conn.execute(_latest_of_keys(keys)))


def _latest_of_keys(keys: sa.FromClause, *carried: str) -> sa.Select[Any]:
    """Per (metric, geography) row of `keys`, its latest current value and growth row
    (plus the `carried` columns of `keys`).

    The latest period of each series is found by an indexed `LIMIT 1` lookup correlated
    to the key, then its current value and growth row by primary key, so a page of series
    costs one statement on SQLite and PostgreSQL alike.
    """
    t, g = tables.current_values, tables.growth_rates
    c = t.alias("latest_candidate")
    latest_key = (
        sa.select(c.c.period_key)
        .where(c.c.metric == keys.c.metric, c.c.geography == keys.c.geography)
        .order_by(
            c.c.year.desc(), c.c.month_last.desc(), c.c.month_first.asc(), c.c.period_key.asc()
        )
        .limit(1)
        .scalar_subquery()
    )
    # OFFSET 0 keeps PostgreSQL from flattening this subquery, which would make it hash
    # the whole of current_values instead of looking each latest row up by primary key
    latest = sa.select(keys, latest_key.label("latest_period_key")).offset(0).subquery("latest")
    return (
        sa.select(
            t,
            g.c.change_kind,
            g.c.reported_change,
            g.c.computed_change,
            g.c.difference,
            *(latest.c[name] for name in carried),
        )
        .select_from(
            latest.join(
                t,
                sa.and_(
                    t.c.metric == latest.c.metric,
                    t.c.geography == latest.c.geography,
                    t.c.period_key == latest.c.latest_period_key,
                ),
            ).outerjoin(
                g,
                sa.and_(
                    g.c.metric == t.c.metric,
                    g.c.geography == t.c.geography,
                    g.c.period_key == t.c.period_key,
                ),
            )
        )
        .order_by(t.c.metric, t.c.geography)
    )


def _smallest(col: sa.ColumnElement[str], *where: sa.ColumnElement[bool], outer: Any = None) -> Any:
    stmt = sa.select(sa.func.min(col)).where(*where)
    return (stmt if outer is None else stmt.correlate(outer)).scalar_subquery()


def _series_walk() -> sa.CTE:
    """Every distinct (metric, geography) of current_values (and a final row of NULLs),
    found by skipping through the index one series at a time instead of reading every
    current value."""
    t, c, n = (tables.current_values.alias(a) for a in ("t", "c", "n"))
    first = _smallest(t.c.metric)
    pairs = sa.select(
        first.label("metric"), _smallest(c.c.geography, c.c.metric == first).label("geography")
    ).cte("series", recursive=True)
    p = pairs.alias("p")
    next_geography = _smallest(
        c.c.geography, c.c.metric == p.c.metric, c.c.geography > p.c.geography
    )
    next_metric = _smallest(t.c.metric, t.c.metric > p.c.metric, outer=p)
    return pairs.union_all(
        sa.select(
            sa.case((next_geography.is_(None), next_metric), else_=p.c.metric),
            sa.func.coalesce(next_geography, _smallest(n.c.geography, n.c.metric == next_metric)),
        ).where(p.c.metric.is_not(None))
    )


def _series_filter(series: sa.CTE, by_metric: bool, by_geography: bool) -> list[Any]:
    where: list[sa.ColumnElement[bool]] = [series.c.metric.is_not(None)]
    if by_metric:
        where.append(series.c.metric == sa.bindparam("metric", type_=sa.String))
    if by_geography:
        where.append(series.c.geography == sa.bindparam("geography", type_=sa.String))
    return where


@functools.cache
def _latest_page_stmt(by_metric: bool, by_geography: bool) -> sa.Select[Any]:
    """The statement of `latest_page`, built once per combination of filters."""
    series = _series_walk()
    keys = (
        sa.select(series.c.metric, series.c.geography, sa.func.count().over().label("series_total"))
        .where(*_series_filter(series, by_metric, by_geography))
        .order_by(series.c.metric, series.c.geography)
        .limit(sa.bindparam("limit", type_=sa.Integer))
        .offset(sa.bindparam("offset", type_=sa.Integer))
        .subquery("keys")
    )
    return _latest_of_keys(keys, "series_total")


@functools.cache
def _series_count_stmt(by_metric: bool, by_geography: bool) -> sa.Select[Any]:
    """How many series match the filters, for pages past the last series."""
    series = _series_walk()
    return sa.select(sa.func.count()).where(*_series_filter(series, by_metric, by_geography))


def latest_page(
    conn: Connection,
    metric: str | None = None,
    geography: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[SeriesLatest], int]:
    """One page of series (as `series_keys` pages them) with their latest values, and how
    many series match: the overview in one statement."""
    flags = (metric is not None, geography is not None)
    params: dict[str, Any] = {"limit": MAX_ROWS if limit is None else limit, "offset": offset}
    if metric is not None:
        params["metric"] = metric
    if geography is not None:
        params["geography"] = geography
    rows = [dict(r) for r in conn.execute(_latest_page_stmt(*flags), params).mappings()]
    if not rows:  # an empty page: count the matching series on their own
        del params["limit"], params["offset"]
        return [], int(conn.execute(_series_count_stmt(*flags), params).scalar_one())
    total = int(rows[0]["series_total"])
    fields = [{k: v for k, v in r.items() if k != "series_total"} for r in rows]
    return to_models(SeriesLatest, fields), total


def metric_ids(conn: Connection) -> list[str]:
    """Metrics that have current values, sorted."""
    return list(conn.execute(_metric_ids_stmt()).scalars())


@functools.cache
def _metric_ids_stmt() -> sa.Select[Any]:
    """Distinct metrics by one index probe per metric, not a scan of every current value."""
    t, c = (tables.current_values.alias(a) for a in ("t", "c"))
    metrics = sa.select(_smallest(t.c.metric).label("metric")).cte("metrics", recursive=True)
    m = metrics.alias("m")
    metrics = metrics.union_all(
        sa.select(_smallest(c.c.metric, c.c.metric > m.c.metric)).where(m.c.metric.is_not(None))
    )
    return sa.select(metrics.c.metric).where(metrics.c.metric.is_not(None))


def growth_of_periods(
    conn: Connection, metric: str, geography: str, period_keys: Iterable[str]
) -> list[GrowthRate]:
    """Growth rows of some periods of one series."""
    t = tables.growth_rates
    stmt = sa.select(t).where(
        t.c.metric == metric, t.c.geography == geography, t.c.period_key.in_(list(period_keys))
    )
    return to_models(GrowthRate, conn.execute(stmt))


def metric_summaries(conn: Connection) -> list[MetricSummary]:
    """Every metric with current values: how many series and points, latest publication."""
    t = tables.current_values
    stmt = (
        sa.select(
            t.c.metric,
            sa.func.count(sa.distinct(t.c.geography)).label("series"),
            sa.func.count().label("points"),
            sa.func.max(t.c.published_at).label("latest_published_at"),
        )
        .group_by(t.c.metric)
        .order_by(t.c.metric)
    )
    return to_models(MetricSummary, conn.execute(stmt))


def geographies(conn: Connection, metric: str) -> list[str]:
    """Geographies that have current values of a metric, CN first then by name."""
    t = tables.current_values
    rows = conn.execute(sa.select(t.c.geography).distinct().where(t.c.metric == metric)).scalars()
    return sorted(rows, key=lambda g: (g != "CN", g))


def series_points(
    conn: Connection,
    metric: str,
    geography: str,
    period_kind: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[CurrentValue], int]:
    """Current values of one series in time order (period end, then start)."""
    t = tables.current_values
    stmt = sa.select(t).where(t.c.metric == metric, t.c.geography == geography)
    if period_kind is not None:
        stmt = stmt.where(t.c.period_kind == period_kind)
    total = count(conn, stmt)
    stmt = stmt.order_by(t.c.year, t.c.month_last, t.c.month_first.desc(), t.c.period_key)
    return to_models(CurrentValue, conn.execute(page(stmt, limit, offset))), total
