"""Queries over the projections, returning typed read models (DTOs)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Connection

from projections import tables
from projections.derive import current_values


class _DTO(BaseModel):
    model_config = ConfigDict(frozen=True)


M = TypeVar("M", bound=_DTO)
MAX_ROWS = 2**31 - 1  # a LIMIT that limits nothing


def _models(cls: type[M], result: sa.CursorResult[Any]) -> list[M]:
    """The rows of `result` as `cls` DTOs, with the column names looked up once."""
    keys = tuple(result.keys())
    return [cls.model_validate(dict(zip(keys, row, strict=True))) for row in result]


class Observation(_DTO):
    """One published value (a vintage) with its provenance."""

    event_id: str
    metric: str
    geography: str
    period_key: str
    period_kind: str
    year: int
    value: Decimal | None
    unit: str
    qualifier: str
    change_kind: str | None
    change_amount: Decimal | None
    change_basis: str | None
    description: str | None
    published_at: dt.date
    document_id: str | None
    sentence: str | None
    sentence_start: int | None
    sentence_end: int | None
    value_start: int | None
    value_end: int | None
    extractor_version: str | None


class CurrentValue(_DTO):
    """The latest vintage of one period of a series."""

    metric: str
    geography: str
    period_key: str
    period_kind: str
    year: int
    value: Decimal | None
    unit: str
    qualifier: str
    event_id: str
    published_at: dt.date
    vintages: int
    previous_value: Decimal | None
    previous_event_id: str | None

    @property
    def revised(self) -> bool:
        """True when the latest vintage changed the value of an earlier one."""
        return self.previous_event_id is not None and self.previous_value != self.value


class YearlyTotal(_DTO):
    """Official annual figure versus the running year-to-date total."""

    metric: str
    geography: str
    year: int
    unit: str
    official_value: Decimal | None
    official_event_id: str | None
    ytd_value: Decimal | None
    ytd_through_month: int | None
    covered_periods: str
    ytd_event_ids: str
    gap: Decimal | None
    complete: bool


class GrowthRate(_DTO):
    """Reported against computed change of one period, and the prior value it implies."""

    metric: str
    geography: str
    period_key: str
    year: int
    unit: str
    value: Decimal | None
    event_id: str
    change_kind: str | None
    reported_change: Decimal | None
    reported_basis: str | None
    prior_value: Decimal | None
    prior_event_id: str | None
    computed_change: Decimal | None
    difference: Decimal | None
    implied_prior_value: Decimal | None

    def mismatch(self, tolerance: float) -> bool:
        """Whether reported and computed change differ by more than `tolerance` points."""
        return (
            self.difference is not None
            and self.change_kind in ("percent", "percentage_points")
            and abs(self.difference) > Decimal(str(tolerance))
        )


class PolicyNotice(_DTO):
    """A registry entry of the notice registry."""

    notice_key: str
    title: str | None
    description: str | None
    issuers: list[dict[str, str]]
    issuer_ids: str
    date: str | None
    doc_number: str | None
    type: str
    first_published_at: dt.date
    mentions: int
    event_ids: list[str]


class CityPilot(_DTO):
    """The status of one city in one pilot program."""

    program: str
    city: str
    status: str
    previous_status: str | None
    admin_level: str | None
    role: str | None
    batch: int | None
    designated_at: dt.date | None
    since: dt.date
    event_ids: list[str]
    document_ids: list[str]


class Alert(_DTO):
    """The state of one alert key."""

    rule: str
    key: str
    state: str
    severity: str
    message: str
    evidence: list[str]
    fingerprint: str
    raised_at: str
    resolved_at: str | None
    acknowledged_by: str | None
    acknowledged_at: str | None
    silenced_until: str | None
    times_raised: int


def _keyed(table: sa.Table, cols: Sequence[str], keys: Iterable[Any] | None) -> sa.Select[Any]:
    stmt = sa.select(table)
    if keys is not None:
        key_list = list(keys)
        if len(cols) == 1:
            stmt = stmt.where(table.c[cols[0]].in_(key_list))
        else:
            stmt = stmt.where(sa.tuple_(*(table.c[c] for c in cols)).in_(key_list))
    return stmt


def yearly_totals(
    conn: Connection, series: Iterable[tuple[str, str]] | None = None
) -> list[YearlyTotal]:
    """Yearly totals, of the given series or all."""
    t = tables.yearly_totals
    stmt = _keyed(t, ("metric", "geography"), series).order_by(t.c.metric, t.c.geography, t.c.year)
    return _models(YearlyTotal, conn.execute(stmt))


def growth_rates(
    conn: Connection, series: Iterable[tuple[str, str]] | None = None
) -> list[GrowthRate]:
    """Growth rows, of the given series or all."""
    t = tables.growth_rates
    stmt = _keyed(t, ("metric", "geography"), series).order_by(
        t.c.metric, t.c.geography, t.c.period_key
    )
    return [GrowthRate.model_validate(dict(r)) for r in conn.execute(stmt).mappings()]


def current(
    conn: Connection, series: Iterable[tuple[str, str]] | None = None
) -> list[CurrentValue]:
    """Latest values, of the given series or all."""
    t = tables.current_values
    stmt = _keyed(t, ("metric", "geography"), series).order_by(
        t.c.metric, t.c.geography, t.c.period_key
    )
    return [CurrentValue.model_validate(dict(r)) for r in conn.execute(stmt).mappings()]


def notices(conn: Connection, keys: Iterable[str] | None = None) -> list[PolicyNotice]:
    """Registry entries, of the given notice keys or all, newest first."""
    t = tables.policy_notices
    stmt = _keyed(t, ("notice_key",), keys).order_by(t.c.first_published_at.desc(), t.c.notice_key)
    return [PolicyNotice.model_validate(dict(r)) for r in conn.execute(stmt).mappings()]


def pilots(conn: Connection, keys: Iterable[tuple[str, str]] | None = None) -> list[CityPilot]:
    """Pilot statuses, of the given (program, city) keys or all."""
    t = tables.city_pilots
    stmt = _keyed(t, ("program", "city"), keys).order_by(t.c.program, t.c.city)
    return [CityPilot.model_validate(dict(r)) for r in conn.execute(stmt).mappings()]


def alerts(conn: Connection, keys: Iterable[tuple[str, str]] | None = None) -> list[Alert]:
    """Alert states, of the given (rule, key) pairs or all."""
    t = tables.alerts
    stmt = _keyed(t, ("rule", "key"), keys).order_by(t.c.raised_at.desc(), t.c.rule, t.c.key)
    return [Alert.model_validate(dict(r)) for r in conn.execute(stmt).mappings()]


def _unretracted(stmt: sa.Select[Any]) -> sa.Select[Any]:
    o, r = tables.observations, tables.retractions
    return stmt.where(o.c.event_id.not_in(sa.select(r.c.retracted_event_id)))


def observations(
    conn: Connection, metric: str, geography: str | None = None, period_key: str | None = None
) -> list[Observation]:
    """Every vintage of a metric (optionally one geography and period), oldest first."""
    o = tables.observations
    stmt = _unretracted(sa.select(o).where(o.c.metric == metric))
    if geography is not None:
        stmt = stmt.where(o.c.geography == geography)
    if period_key is not None:
        stmt = stmt.where(o.c.period_key == period_key)
    stmt = stmt.order_by(o.c.period_key, o.c.published_at, o.c.recorded_at, o.c.event_id)
    return [Observation.model_validate(dict(r)) for r in conn.execute(stmt).mappings()]


def all_observations(conn: Connection) -> list[Observation]:
    """Every vintage not retracted, by series and period, oldest first."""
    o = tables.observations
    stmt = _unretracted(sa.select(o)).order_by(
        o.c.metric, o.c.geography, o.c.period_key, o.c.published_at, o.c.recorded_at,
        o.c.event_id,
    )
    return _models(Observation, conn.execute(stmt))


def as_of(conn: Connection, metric: str, geography: str, on: dt.date) -> list[CurrentValue]:
    """What was known of a series on dt.date `on`: the latest vintage published by then."""
    o = tables.observations
    stmt = _unretracted(
        sa.select(o).where(o.c.metric == metric, o.c.geography == geography, o.c.published_at <= on)
    )
    rows = [dict(r) for r in conn.execute(stmt).mappings()]
    return [CurrentValue.model_validate(r) for r in current_values(rows)]


def unclassified_count(conn: Connection) -> int:
    """How many statistics could not be matched to a catalogue metric."""
    o = tables.observations
    stmt = _unretracted(
        sa.select(sa.func.count()).select_from(o).where(o.c.metric == "unclassified")
    )
    return int(conn.execute(stmt).scalar_one())


def counts(conn: Connection) -> dict[str, int]:
    """Row counts of the base tables, for reports and health checks."""
    return {
        str(t.name): int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
        for t in tables.BASE_TABLES
    }


# --- read API and dashboard -----------------------------------------------------------
# Paged queries return (items, total) so callers can render "page n of m" without a
# second round of filters; every list that grows with the corpus is paged here.


class SeriesLatest(CurrentValue):
    """The latest period of one series with its growth, for overviews."""

    change_kind: str | None
    reported_change: Decimal | None
    computed_change: Decimal | None
    difference: Decimal | None


class MetricSummary(_DTO):
    """How much ipmon knows of one metric."""

    metric: str
    series: int
    points: int
    latest_published_at: dt.date | None


class PilotEvent(_DTO):
    """One entry of a city pilot's status history."""

    event_id: str
    event_type: str
    program: str
    city: str
    status: str
    admin_level: str | None
    role: str | None
    batch: int | None
    year: int | None
    reason: str | None
    published_at: dt.date
    document_id: str | None


Day = dt.date  # an alias: a field named `date` below would shadow the type for mypy


class NoticeMention(_DTO):
    """One mention of a notice in a document."""

    event_id: str
    notice_key: str
    title: str | None
    description: str | None
    issuers: list[dict[str, str]]
    date: str | None
    doc_number: str | None
    type: str
    mention: str
    published_at: Day
    document_id: str | None
    sentence: str | None


class AlertEvent(_DTO):
    """One lifecycle event of an alert (raised, resolved, acknowledged, silenced)."""

    event_id: str
    event_type: str
    rule: str
    key: str
    severity: str | None
    message: str | None
    evidence: list[str]
    fingerprint: str | None
    by: str | None
    until: str | None
    recorded_at: str


class DocumentInfo(_DTO):
    """A received document (its text stays in the event log)."""

    event_id: str
    document_id: str
    title: str | None
    url: str | None
    publisher: str | None
    origin: str | None
    published_at: dt.date
    recorded_at: str
    chars: int


def _count(conn: Connection, stmt: sa.Select[Any]) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(stmt.subquery())).scalar_one())


def _page(stmt: sa.Select[Any], limit: int | None, offset: int) -> sa.Select[Any]:
    stmt = stmt.offset(offset) if offset else stmt
    return stmt.limit(limit) if limit is not None else stmt


def _equal(stmt: sa.Select[Any], table: sa.Table, **filters: Any) -> sa.Select[Any]:
    """`stmt` narrowed to rows whose columns equal every filter that is not None."""
    for column, value in filters.items():
        if value is not None:
            stmt = stmt.where(table.c[column] == value)
    return stmt


def _paged(
    conn: Connection,
    stmt: sa.Select[Any],
    order: Sequence[Any],
    model: type[M],
    limit: int | None,
    offset: int,
) -> tuple[list[M], int]:
    """One page of `stmt` in `order` as models, with the total count before paging."""
    total = _count(conn, stmt)
    rows = conn.execute(_page(stmt.order_by(*order), limit, offset)).mappings()
    return [model.model_validate(dict(r)) for r in rows], total


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
    total = _count(conn, stmt)
    rows = conn.execute(_page(stmt.order_by(t.c.metric, t.c.geography), limit, offset))
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
    return _models(SeriesLatest, conn.execute(_latest_of_keys(keys)))


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
    result = conn.execute(_latest_page_stmt(*flags), params)
    names = tuple(result.keys())
    items, total = [], None
    for row in result:
        fields = dict(zip(names, row, strict=True))
        total = int(fields.pop("series_total"))
        items.append(SeriesLatest.model_validate(fields))
    if total is None:  # an empty page: count the matching series on their own
        del params["limit"], params["offset"]
        total = int(conn.execute(_series_count_stmt(*flags), params).scalar_one())
    return items, total


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


class Vintage(_DTO):
    """One published value of a period, for charts and vintage lists."""

    event_id: str
    period_key: str
    period_kind: str
    year: int
    value: Decimal | None
    unit: str
    published_at: dt.date


def vintages(conn: Connection, metric: str, geography: str) -> list[Vintage]:
    """Every unretracted vintage of one series, by period then publication."""
    o = tables.observations
    stmt = _unretracted(
        sa.select(
            o.c.event_id,
            o.c.period_key,
            o.c.period_kind,
            o.c.year,
            o.c.value,
            o.c.unit,
            o.c.published_at,
        ).where(o.c.metric == metric, o.c.geography == geography)
    ).order_by(o.c.period_key, o.c.published_at, o.c.recorded_at, o.c.event_id)
    return _models(Vintage, conn.execute(stmt))


def vintages_of_periods(
    conn: Connection, metric: str, geography: str, period_keys: Iterable[str]
) -> list[Vintage]:
    """Every unretracted vintage of some periods of one series, by period then publication."""
    keys = list(period_keys)
    if not keys:
        return []
    o = tables.observations
    stmt = _unretracted(
        sa.select(
            o.c.event_id,
            o.c.period_key,
            o.c.period_kind,
            o.c.year,
            o.c.value,
            o.c.unit,
            o.c.published_at,
        ).where(o.c.metric == metric, o.c.geography == geography, o.c.period_key.in_(keys))
    ).order_by(o.c.period_key, o.c.published_at, o.c.recorded_at, o.c.event_id)
    return _models(Vintage, conn.execute(stmt))


def growth_of_periods(
    conn: Connection, metric: str, geography: str, period_keys: Iterable[str]
) -> list[GrowthRate]:
    """Growth rows of some periods of one series."""
    t = tables.growth_rates
    stmt = sa.select(t).where(
        t.c.metric == metric, t.c.geography == geography, t.c.period_key.in_(list(period_keys))
    )
    return _models(GrowthRate, conn.execute(stmt))


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
    return [MetricSummary.model_validate(dict(r)) for r in conn.execute(stmt).mappings()]


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
    total = _count(conn, stmt)
    stmt = stmt.order_by(t.c.year, t.c.month_last, t.c.month_first.desc(), t.c.period_key)
    return _models(CurrentValue, conn.execute(_page(stmt, limit, offset))), total


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
    stmt = _unretracted(sa.select(o).where(o.c.metric == metric))
    stmt = _equal(stmt, o, geography=geography, period_key=period_key)
    order = (o.c.period_key, o.c.published_at, o.c.recorded_at, o.c.event_id)
    return _paged(conn, stmt, order, Observation, limit, offset)


def observation(conn: Connection, event_id: str) -> Observation | None:
    """One observation by its event id."""
    o = tables.observations
    row = conn.execute(sa.select(o).where(o.c.event_id == event_id)).mappings().first()
    return None if row is None else Observation.model_validate(dict(row))


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
    stmt = _equal(sa.select(t), t, metric=metric, geography=geography)
    rows_all: list[GrowthRate]
    if mismatch_over is not None:
        # differences are exact decimals stored as text: compare them in Python
        stmt = stmt.where(t.c.difference.is_not(None))
        rows_all = [
            GrowthRate.model_validate(dict(r))
            for r in conn.execute(
                stmt.order_by(t.c.metric, t.c.geography, t.c.period_key)
            ).mappings()
        ]
        kept = [r for r in rows_all if r.mismatch(mismatch_over)]
        end = None if limit is None else offset + limit
        return kept[offset:end], len(kept)
    total = _count(conn, stmt)
    stmt = stmt.order_by(t.c.metric, t.c.geography, t.c.year, t.c.period_key)
    rows = conn.execute(_page(stmt, limit, offset)).mappings()
    return [GrowthRate.model_validate(dict(r)) for r in rows], total


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
    stmt = _equal(sa.select(t), t, metric=metric, geography=geography, year=year)
    order = (t.c.metric, t.c.geography, t.c.year)
    return _paged(conn, stmt, order, YearlyTotal, limit, offset)


def pilots_page(
    conn: Connection,
    program: str | None = None,
    status: str | None = None,
    city: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[CityPilot], int]:
    """City pilots filtered by program, status and city, by program then city."""
    t = tables.city_pilots
    stmt = _equal(sa.select(t), t, program=program, status=status, city=city)
    return _paged(conn, stmt, (t.c.program, t.c.city), CityPilot, limit, offset)


def pilot_history(
    conn: Connection, keys: Iterable[tuple[str, str]] | None = None
) -> list[PilotEvent]:
    """Status history of the given (program, city) pilots, or all, oldest first."""
    t = tables.pilot_events
    stmt = _keyed(t, ("program", "city"), keys).order_by(
        t.c.program, t.c.city, t.c.published_at, t.c.recorded_at, t.c.event_id
    )
    return [PilotEvent.model_validate(dict(r)) for r in conn.execute(stmt).mappings()]


def notices_page(
    conn: Connection,
    type: str | None = None,
    issuer: str | None = None,
    q: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[PolicyNotice], int]:
    """Registry entries filtered by type, issuer id and a title substring, newest first."""
    t = tables.policy_notices
    stmt = sa.select(t)
    if type is not None:
        stmt = stmt.where(t.c.type == type)
    if issuer is not None:
        # issuer_ids is a comma-joined list: match whole ids only
        stmt = stmt.where(
            sa.literal(",")
            .concat(t.c.issuer_ids)
            .concat(",")
            .contains(f",{issuer},", autoescape=True)
        )
    if q:
        stmt = stmt.where(
            sa.or_(
                t.c.title.icontains(q, autoescape=True),
                t.c.description.icontains(q, autoescape=True),
            )
        )
    order = (t.c.first_published_at.desc(), t.c.notice_key)
    return _paged(conn, stmt, order, PolicyNotice, limit, offset)


def notice_mentions(conn: Connection, notice_key: str) -> list[NoticeMention]:
    """Every mention of one notice, oldest first."""
    t = tables.notice_mentions
    stmt = _unretracted_of(t, sa.select(t).where(t.c.notice_key == notice_key)).order_by(
        t.c.published_at, t.c.recorded_at, t.c.event_id
    )
    return [NoticeMention.model_validate(dict(r)) for r in conn.execute(stmt).mappings()]


def alerts_page(
    conn: Connection,
    state: str | None = None,
    rule: str | None = None,
    severity: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[Alert], int]:
    """Alert states filtered by state, rule and severity, newest first."""
    t = tables.alerts
    stmt = _equal(sa.select(t), t, state=state, rule=rule, severity=severity)
    return _paged(conn, stmt, (t.c.raised_at.desc(), t.c.rule, t.c.key), Alert, limit, offset)


def alert_history(conn: Connection, rule: str, key: str) -> list[AlertEvent]:
    """Every lifecycle event of one alert, in the order they were recorded."""
    t = tables.alert_events
    stmt = (
        sa.select(t).where(t.c.rule == rule, t.c.key == key).order_by(t.c.recorded_at, t.c.event_id)
    )
    return [AlertEvent.model_validate(dict(r)) for r in conn.execute(stmt).mappings()]


def alert_counts(conn: Connection) -> dict[tuple[str, str], int]:
    """Number of alerts per (state, severity)."""
    t = tables.alerts
    stmt = sa.select(t.c.state, t.c.severity, sa.func.count()).group_by(t.c.state, t.c.severity)
    return {(s, sev): int(n) for s, sev, n in conn.execute(stmt)}


def documents_page(
    conn: Connection, limit: int | None = None, offset: int = 0
) -> tuple[list[DocumentInfo], int]:
    """Received documents, newest publication first."""
    t = tables.documents
    order = (t.c.published_at.desc(), t.c.recorded_at.desc(), t.c.event_id)
    return _paged(conn, sa.select(t), order, DocumentInfo, limit, offset)


def document(conn: Connection, document_id: str) -> DocumentInfo | None:
    """A received document by its id (the earliest receipt if it arrived twice)."""
    t = tables.documents
    stmt = sa.select(t).where(t.c.document_id == document_id).order_by(t.c.recorded_at)
    row = conn.execute(stmt.limit(1)).mappings().first()
    return None if row is None else DocumentInfo.model_validate(dict(row))


def _unretracted_of(table: sa.Table, stmt: sa.Select[Any]) -> sa.Select[Any]:
    r = tables.retractions
    return stmt.where(table.c.event_id.not_in(sa.select(r.c.retracted_event_id)))


def document_facts(
    conn: Connection, document_id: str
) -> tuple[list[Observation], list[NoticeMention], list[PilotEvent]]:
    """The facts extracted from one document, each with its provenance."""
    o, n, p = tables.observations, tables.notice_mentions, tables.pilot_events
    obs = conn.execute(
        _unretracted(sa.select(o).where(o.c.document_id == document_id)).order_by(
            o.c.sentence_start, o.c.value_start, o.c.event_id
        )
    ).mappings()
    mentions = conn.execute(
        _unretracted_of(n, sa.select(n).where(n.c.document_id == document_id)).order_by(
            n.c.event_id
        )
    ).mappings()
    pilots_ = conn.execute(
        _unretracted_of(p, sa.select(p).where(p.c.document_id == document_id)).order_by(
            p.c.program, p.c.city, p.c.event_id
        )
    ).mappings()
    return (
        [Observation.model_validate(dict(r)) for r in obs],
        [NoticeMention.model_validate(dict(r)) for r in mentions],
        [PilotEvent.model_validate(dict(r)) for r in pilots_],
    )


def deadletter_count(conn: Connection) -> int:
    """How many events were dead-lettered."""
    t = tables.deadletters
    return int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())


# the base table each stream's events land in (retractions follow the fact they retract)
STREAM_TABLES: dict[str, tuple[sa.Table, ...]] = {
    "documents": (tables.documents, tables.document_changes),
    "statistics": (tables.observations, tables.retractions),
    "policy": (tables.notice_mentions,),
    "pilots": (tables.pilot_events,),
    "alerts": (tables.alert_events,),
    "deadletter": (tables.deadletters,),
}


def applied_per_stream(conn: Connection) -> dict[str, int]:
    """Events applied to the projections, per stream (from the base tables)."""
    out: dict[str, int] = {}
    for stream, ts in STREAM_TABLES.items():
        out[stream] = sum(
            int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()) for t in ts
        )
    return out


def newest_recorded_at(conn: Connection) -> str | None:
    """The recording time of the newest applied event (ISO text), or None when empty."""
    newest: str | None = None
    for t in (
        tables.documents,
        tables.observations,
        tables.notice_mentions,
        tables.pilot_events,
        tables.alert_events,
        tables.deadletters,
    ):
        value = conn.execute(sa.select(sa.func.max(t.c.recorded_at))).scalar_one()
        if value is not None and (newest is None or str(value) > newest):
            newest = str(value)
    return newest


def positions(conn: Connection, projector: str = "main") -> dict[str, int]:
    """The log positions a projector's tables reflect: partition -> offset."""
    p = tables.positions
    rows = conn.execute(sa.select(p.c.partition, p.c.offset).where(p.c.projector == projector))
    return {part: int(off) for part, off in rows}
