"""Queries over the projections, returning typed read models (DTOs)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Connection

from projections import tables
from projections.derive import current_values


class _DTO(BaseModel):
    model_config = ConfigDict(frozen=True)


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
    published_at: date
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
    published_at: date
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
    first_published_at: date
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
    designated_at: date | None
    since: date
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
    return [YearlyTotal.model_validate(dict(r)) for r in conn.execute(stmt).mappings()]


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
    stmt = _keyed(t, ("notice_key",), keys).order_by(
        t.c.first_published_at.desc(), t.c.notice_key
    )
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


def as_of(conn: Connection, metric: str, geography: str, on: date) -> list[CurrentValue]:
    """What was known of a series on date `on`: the latest vintage published by then."""
    o = tables.observations
    stmt = _unretracted(
        sa.select(o).where(o.c.metric == metric, o.c.geography == geography, o.c.published_at <= on)
    )
    rows = [dict(r) for r in conn.execute(stmt).mappings()]
    return [CurrentValue.model_validate(r) for r in current_values(rows)]


def unclassified_count(conn: Connection) -> int:
    """How many statistics could not be matched to a catalogue metric."""
    o = tables.observations
    stmt = _unretracted(sa.select(sa.func.count()).select_from(o).where(o.c.metric == "unclassified"))
    return int(conn.execute(stmt).scalar_one())


def counts(conn: Connection) -> dict[str, int]:
    """Row counts of the base tables, for reports and health checks."""
    return {
        t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
        for t in tables.BASE_TABLES
    }
