"""The read models (DTOs) the queries return: frozen pydantic models of projection rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from projections.vintages import agree


class DTO(BaseModel):
    """A read model: a frozen row of a projection table or of a query over them."""

    model_config = ConfigDict(frozen=True)


class Observation(DTO):
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
    publisher: str | None
    source: str | None
    authority: int


class CurrentValue(DTO):
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
    authority: int
    confirmations: int
    dissent_event_id: str | None
    dissent_value: Decimal | None
    suspect_event_id: str | None
    suspect_factor: int | None
    suspect_basis_event_id: str | None

    @property
    def revised(self) -> bool:
        """True when the latest vintage changed the value of an earlier one."""
        return self.previous_event_id is not None and not agree(self.previous_value, self.value)


class YearlyTotal(DTO):
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


class GrowthRate(DTO):
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
        return mismatch(self.change_kind, self.difference, tolerance)


def mismatch(change_kind: str | None, difference: Decimal | None, tolerance: float) -> bool:
    """Whether a reported change of this kind is more than `tolerance` points off."""
    return (
        difference is not None
        and change_kind in ("percent", "percentage_points")
        and abs(difference) > Decimal(str(tolerance))
    )


class PolicyNotice(DTO):
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


class CityPilot(DTO):
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


class Alert(DTO):
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



class SeriesLatest(CurrentValue):
    """The latest period of one series with its growth, for overviews."""

    change_kind: str | None
    reported_change: Decimal | None
    computed_change: Decimal | None
    difference: Decimal | None


class MetricSummary(DTO):
    """How much ipmon knows of one metric."""

    metric: str
    series: int
    points: int
    latest_published_at: dt.date | None


class PilotEvent(DTO):
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


class NoticeMention(DTO):
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


class AlertEvent(DTO):
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


class DocumentInfo(DTO):
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
    language: str = Field(description="en or zh, as DocumentReceived recorded it")


class Vintage(DTO):
    """One published value of a period, for charts and vintage lists."""

    event_id: str
    period_key: str
    period_kind: str
    year: int
    value: Decimal | None
    unit: str
    published_at: dt.date


# The projection tables each DTO reads its fields from (a DTO may leave columns out);
# tests/unit/test_read_models.py holds every field to a column of one of them.
SOURCE_TABLES: dict[type[DTO], tuple[str, ...]] = {
    Observation: ("observations",),
    Vintage: ("observations",),
    CurrentValue: ("current_values",),
    SeriesLatest: ("current_values", "growth_rates"),
    YearlyTotal: ("yearly_totals",),
    GrowthRate: ("growth_rates",),
    PolicyNotice: ("policy_notices",),
    NoticeMention: ("notice_mentions",),
    CityPilot: ("city_pilots",),
    PilotEvent: ("pilot_events",),
    Alert: ("alerts",),
    AlertEvent: ("alert_events",),
    DocumentInfo: ("documents",),
}
# DTOs of aggregates: their fields are computed by the query, not read from a column
AGGREGATES: frozenset[type[DTO]] = frozenset({MetricSummary})
