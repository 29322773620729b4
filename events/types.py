"""The catalogue of event payload types. Names are past tense; each declares its stream
and schema version. Statistics and documents are defined here, the others beside it."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from events.alert_types import (
    AlertAcknowledged,
    AlertRaised,
    AlertResolved,
    AlertSilenced,
    EventRejected,
    Severity,
)
from events.amounts import (
    MAX_FRACTION_DIGITS,
    MAX_INTEGER_DIGITS,
    Amount,
    bounded_amount,
    checked_amount,
    plain_decimal,
)
from events.envelope import Frozen, Payload
from events.periods import Period
from events.policy_types import (
    CityPilotDesignated,
    CityPilotStatusChanged,
    Issuer,
    NoticeType,
    PilotStatus,
    PolicyNoticeIssued,
)

__all__ = [
    "MAX_FRACTION_DIGITS",
    "MAX_INTEGER_DIGITS",
    "PAYLOAD_TYPES",
    "AlertAcknowledged",
    "AlertRaised",
    "AlertResolved",
    "AlertSilenced",
    "Amount",
    "CityPilotDesignated",
    "CityPilotStatusChanged",
    "Direction",
    "DocumentChanged",
    "DocumentReceived",
    "Equivalent",
    "EventRejected",
    "FactRetracted",
    "Issuer",
    "Language",
    "NoticeType",
    "PilotStatus",
    "PolicyNoticeIssued",
    "Qualifier",
    "ReportedChange",
    "Severity",
    "StatisticPublished",
    "StatisticUnresolved",
    "Unit",
    "ValueReviewed",
    "bounded_amount",
    "checked_amount",
    "plain_decimal",
]

Unit = Literal["CNY", "USD", "count", "percent", "per_10k_people", "months"]
Qualifier = Literal["exact", "at_least", "approx", "approx_below"]
Direction = Literal["up", "down"]
METRIC_PATTERN = r"^[a-z][a-z0-9_]*$"


def _dec(value: Decimal | None) -> str:
    return "" if value is None else plain_decimal(value)


class ReportedChange(Frozen):
    """A change the publisher reported beside a value: exactly one of the three amounts."""

    percent: Amount | None = None
    percentage_points: Amount | None = None
    absolute: Amount | None = None
    direction: Direction
    basis: str = "year_on_year"
    qualifier: Qualifier = "exact"

    @model_validator(mode="after")
    def _one_amount(self) -> ReportedChange:
        given = [x for x in (self.percent, self.percentage_points, self.absolute) if x is not None]
        if len(given) != 1:
            raise ValueError("exactly one of percent, percentage_points, absolute must be given")
        if given[0] < 0:
            raise ValueError("change amounts are magnitudes; use direction for the sign")
        return self

    def signed_percent(self) -> Decimal | None:
        """The percent change with its sign, or None when it is not a percent change."""
        if self.percent is None:
            return None
        return self.percent if self.direction == "up" else -self.percent


class Equivalent(Frozen):
    """A parenthetical conversion of the value into another currency, kept alongside it."""

    value: Amount
    unit: Unit
    qualifier: Qualifier = "exact"


Language = Literal["en", "zh"]


class DocumentReceived(Payload):
    """A document entered ipmon; its full text is kept so facts can be re-extracted."""

    EVENT_TYPE: ClassVar[str] = "DocumentReceived"
    SCHEMA_VERSION: ClassVar[int] = 2
    STREAM: ClassVar[str] = "documents"

    document_id: str = Field(pattern=r"^[0-9a-f]{64}$")
    text: str
    language: Language = Field(description="the language of the text, told by its script")
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    media_type: str = "text/plain"
    origin: str | None = Field(default=None, description="file path, feed or URL it came from")
    dated: bool = Field(
        default=True,
        description="false when published_at is a stand-in (a file's modification time), "
        "which then never decides the year of a fact",
    )

    def subject(self) -> str:
        return f"document:{self.document_id}"

    def identity(self) -> str:
        return self.document_id


class DocumentChanged(Payload):
    """The content at a watched URL changed since it was last fetched."""

    EVENT_TYPE: ClassVar[str] = "DocumentChanged"
    STREAM: ClassVar[str] = "documents"

    url: str
    previous_document_id: str
    document_id: str

    def subject(self) -> str:
        return f"url:{self.url}"

    def identity(self) -> str:
        return f"{self.previous_document_id}>{self.document_id}"


class StatisticPublished(Payload):
    """A published value of one metric for one geography and period."""

    EVENT_TYPE: ClassVar[str] = "StatisticPublished"
    SCHEMA_VERSION: ClassVar[int] = 2
    STREAM: ClassVar[str] = "statistics"

    metric: str = Field(pattern=METRIC_PATTERN)
    description: str | None = Field(default=None, description="what is measured, as written")
    geography: str = Field(min_length=1, description="CN or a province/city name")
    period: Period
    value: Amount | None = Field(description="base units: yuan, not billions; null if only growth")
    unit: Unit
    qualifier: Qualifier = "exact"
    reported_change: ReportedChange | None = None
    equivalent: Equivalent | None = None
    flags: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _something_reported(self) -> StatisticPublished:
        if self.value is None and self.reported_change is None:
            raise ValueError("a statistic needs a value or a reported change")
        return self

    def subject(self) -> str:
        return f"statistic:{self.metric}:{self.geography}"

    def identity(self) -> str:
        parts = [self.period.key, _dec(self.value), self.unit]
        change = self.reported_change
        if change is not None:
            # the same value stated with and without its growth are two statements
            amounts = (change.percent, change.percentage_points, change.absolute)
            kind = next(i for i, a in enumerate(amounts) if a is not None)
            parts += [str(kind), change.direction, _dec(amounts[kind])]
        return "|".join(parts)


class FactRetracted(Payload):
    """A fact recorded by an earlier extractor version is no longer found in its document."""

    EVENT_TYPE: ClassVar[str] = "FactRetracted"
    STREAM: ClassVar[str] = "statistics"

    retracted_event_id: uuid.UUID
    retracted_event_type: str
    retracted_subject: str
    stream_name: str = Field(description="stream of the retracted fact")
    reason: str
    extractor_version: str

    def subject(self) -> str:
        return self.retracted_subject

    def identity(self) -> str:
        return str(self.retracted_event_id)

    def stream(self) -> str:
        return self.stream_name


class ValueReviewed(Payload):
    """A person decided on a value held out as a suspected scale error: accepted or rejected."""

    EVENT_TYPE: ClassVar[str] = "ValueReviewed"
    STREAM: ClassVar[str] = "statistics"

    reviewed_event_id: uuid.UUID = Field(description="the StatisticPublished event decided on")
    reviewed_subject: str = Field(description="its subject, so the decision shares its partition")
    decision: Literal["accepted", "rejected"]
    by: str = Field(min_length=1)
    at: str = Field(description="when the decision was made (ISO 8601)")
    note: str | None = None

    def subject(self) -> str:
        return self.reviewed_subject

    def identity(self) -> str:
        # the time is part of it: deciding the same way again later is a new decision
        return f"{self.reviewed_event_id}|{self.decision}|{self.by}|{self.at}"


class StatisticUnresolved(Payload):
    """A figure was read whose year nothing in its document determines; it is not stored
    as a statistic, and this records that the document holds it."""

    EVENT_TYPE: ClassVar[str] = "StatisticUnresolved"
    STREAM: ClassVar[str] = "statistics"

    document_id: str = Field(pattern=r"^[0-9a-f]{64}$")
    metric: str = Field(pattern=METRIC_PATTERN)
    period_kind: str = Field(description="the kind of period the text names: year, half, ...")
    value_text: str | None = Field(default=None, description="the value as written, if any")
    sentence: str = Field(description="the sentence the figure was read in")
    sentence_start: int = Field(ge=0, description="where that sentence starts in the text")
    reason: str

    def subject(self) -> str:
        return f"unresolved:{self.document_id}"

    def identity(self) -> str:
        return f"{self.metric}|{self.period_kind}|{self.value_text or ''}|{self.sentence_start}"


PAYLOAD_TYPES: tuple[type[Payload], ...] = (
    DocumentReceived,
    DocumentChanged,
    StatisticPublished,
    FactRetracted,
    ValueReviewed,
    PolicyNoticeIssued,
    CityPilotDesignated,
    CityPilotStatusChanged,
    AlertRaised,
    AlertResolved,
    AlertAcknowledged,
    AlertSilenced,
    EventRejected,
    StatisticUnresolved,
)
