"""Event payload types. Names are past tense; each declares its stream and schema version."""

from __future__ import annotations

import hashlib
import uuid
from decimal import Context, Decimal
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, Field, PlainSerializer, WithJsonSchema, model_validator

from events.envelope import Frozen, Payload
from events.periods import Period


def plain_decimal(value: Decimal) -> str:
    """A decimal in plain notation without exponent or trailing zeros: `33700000000`."""
    return format(value.normalize(), "f")


# Bounds of every amount: 18 digits before the point and 10 after fit the 28 significant
# digits of Python's default decimal context (so sums and growth rates stay exact), a
# PostgreSQL NUMERIC, and any consumer's decimal type; published figures need far less.
MAX_INTEGER_DIGITS = 18
MAX_FRACTION_DIGITS = 10
AMOUNT_PATTERN = rf"^-?[0-9]{{1,{MAX_INTEGER_DIGITS}}}(\.[0-9]{{1,{MAX_FRACTION_DIGITS}}})?$"


_INTEGER_BOUND = Decimal(10) ** MAX_INTEGER_DIGITS
_FRACTION_UNIT = Decimal(1).scaleb(-MAX_FRACTION_DIGITS)
# room for every amount below the bound at ten places, whatever the caller's context
_EXACT = Context(prec=MAX_INTEGER_DIGITS + MAX_FRACTION_DIGITS + 2)


def bounded_amount(value: Decimal) -> Decimal:
    """The value itself if it is finite and within the amount bounds; else ValueError."""
    # every event's amounts pass through here, on every replay: the usual amount is
    # settled by three decimal operations (below 10**18, unchanged when rounded to ten
    # places); any other goes through the full checks, which name the bound it breaks
    if (
        value.is_finite()
        and value.copy_abs() < _INTEGER_BOUND
        and value.quantize(_FRACTION_UNIT, context=_EXACT) == value
    ):
        return value
    return checked_amount(value)


def checked_amount(value: Decimal) -> Decimal:
    """`bounded_amount` by the digits of the value, naming the bound it breaks."""
    if not value.is_finite():
        raise ValueError(f"{value} is not a finite number")
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # pragma: no cover - finite decimals have int exponents
        raise ValueError(f"{value} is not a finite number")
    if any(digits) and value.adjusted() >= MAX_INTEGER_DIGITS:
        raise ValueError(
            f"{value} has more than {MAX_INTEGER_DIGITS} digits before the decimal point"
        )
    if exponent >= -MAX_FRACTION_DIGITS:
        return value  # trailing zeros only raise the exponent: within the fraction bound
    significant = "".join(map(str, digits)).rstrip("0")
    if significant and exponent + (len(digits) - len(significant)) < -MAX_FRACTION_DIGITS:
        raise ValueError(f"{value} has more than {MAX_FRACTION_DIGITS} digits after the point")
    return value


# Decimals travel as plain strings ("33700000000", "15.5") so no consumer loses precision.
Amount = Annotated[
    Decimal,
    AfterValidator(bounded_amount),
    PlainSerializer(plain_decimal, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": AMOUNT_PATTERN,
            "description": f"a decimal in plain notation, at most {MAX_INTEGER_DIGITS} digits "
            f"before the point and {MAX_FRACTION_DIGITS} after",
        },
        mode="serialization",
    ),
]

Unit = Literal["CNY", "USD", "count", "percent", "per_10k_people", "months"]
Qualifier = Literal["exact", "at_least", "approx", "approx_below"]
Direction = Literal["up", "down"]
Severity = Literal["info", "warning", "critical"]
NoticeType = Literal[
    "notice", "measures", "plan", "opinions", "campaign", "program", "report", "other"
]
PilotStatus = Literal["selected", "awarded", "implementing", "suspended", "revoked", "graduated"]
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


class Issuer(Frozen):
    """An issuing agency: normalised id plus the name as the document wrote it."""

    id: str = Field(description="normalised agency id such as CNIPA or MOF-GO; UNKNOWN if none")
    name: str


class PolicyNoticeIssued(Payload):
    """A policy notice, plan, measures or opinions was issued or referenced."""

    EVENT_TYPE: ClassVar[str] = "PolicyNoticeIssued"
    STREAM: ClassVar[str] = "policy"

    title: str | None
    description: str | None = None
    issuers: tuple[Issuer, ...] = ()
    date: str | None = Field(default=None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    doc_number: str | None = None
    type: NoticeType = "notice"
    mention: str = "issued"
    summary: str | None = None

    @model_validator(mode="after")
    def _named(self) -> PolicyNoticeIssued:
        if not (self.title or self.description):
            raise ValueError("a notice needs a title or a description")
        return self

    def notice_key(self) -> str:
        """Stable key of the notice: its document number, else its normalised title."""
        if self.doc_number:
            return " ".join(self.doc_number.split()).lower()
        text = self.title or self.description or ""
        return " ".join(text.replace("\u201c", "").replace("\u201d", "").split()).lower()

    def subject(self) -> str:
        return f"notice:{self.notice_key()}"

    def identity(self) -> str:
        return self.mention


class CityPilotDesignated(Payload):
    """A city, district or province was designated in a pilot or demonstration program."""

    EVENT_TYPE: ClassVar[str] = "CityPilotDesignated"
    STREAM: ClassVar[str] = "pilots"
    SCHEMA_VERSION: ClassVar[int] = 2

    program: str = Field(min_length=1)
    program_id: str | None = Field(
        default=None, description="id in events/programmes.toml; None when not catalogued"
    )
    city: str = Field(min_length=1)
    admin_level: Literal["city", "district", "province", "municipality"] = "city"
    role: Literal["pilot", "demonstration", "first_batch", "new_recipient"] = "pilot"
    status: PilotStatus = "selected"
    batch: int | None = Field(default=None, ge=1)
    batch_total: int | None = Field(default=None, ge=1)
    year: int | None = Field(default=None, ge=1900, le=2200)

    def subject(self) -> str:
        # one programme written two ways is one subject once the catalogue knows it
        return f"pilot:{self.program_id or self.program}:{self.city}"

    def identity(self) -> str:
        return f"{self.status}|{self.batch or ''}|{self.year or ''}"


class CityPilotStatusChanged(Payload):
    """A designated pilot's status changed (implementing, suspended, revoked, graduated)."""

    EVENT_TYPE: ClassVar[str] = "CityPilotStatusChanged"
    STREAM: ClassVar[str] = "pilots"
    SCHEMA_VERSION: ClassVar[int] = 2

    program: str = Field(min_length=1)
    program_id: str | None = Field(
        default=None, description="id in events/programmes.toml; None when not catalogued"
    )
    city: str = Field(min_length=1)
    status: PilotStatus
    reason: str | None = None

    def subject(self) -> str:
        # one programme written two ways is one subject once the catalogue knows it
        return f"pilot:{self.program_id or self.program}:{self.city}"

    def identity(self) -> str:
        return self.status


class _AlertPayload(Payload):
    STREAM: ClassVar[str] = "alerts"

    rule: str = Field(min_length=1)
    key: str = Field(min_length=1)

    def subject(self) -> str:
        return f"alert:{self.rule}:{self.key}"


class AlertRaised(_AlertPayload):
    """A rule found a notable condition; evidence names the events behind it."""

    EVENT_TYPE: ClassVar[str] = "AlertRaised"

    severity: Severity = "warning"
    message: str
    evidence: tuple[uuid.UUID, ...] = ()
    fingerprint: str = Field(description="identifies the condition; same condition, same alert")

    def identity(self) -> str:
        # one condition told with other evidence or words (a further source of the right
        # value) is a new event that updates the alert, not a new alert: the fingerprint
        # decides that, so the alert's final words depend only on the final projections
        told = "\x1f".join((self.message, *(str(e) for e in self.evidence)))
        return f"{self.fingerprint}|{hashlib.sha256(told.encode()).hexdigest()[:16]}"


class AlertResolved(_AlertPayload):
    """The condition behind an alert no longer holds."""

    EVENT_TYPE: ClassVar[str] = "AlertResolved"

    message: str
    evidence: tuple[uuid.UUID, ...] = ()
    fingerprint: str

    def identity(self) -> str:
        return self.fingerprint


class AlertAcknowledged(_AlertPayload):
    """Somebody acknowledged a firing alert."""

    EVENT_TYPE: ClassVar[str] = "AlertAcknowledged"

    by: str
    note: str | None = None
    at: str = Field(description="ISO timestamp of the acknowledgement")

    def identity(self) -> str:
        return f"{self.by}|{self.at}"


class AlertSilenced(_AlertPayload):
    """Notifications for an alert key are silenced until a time."""

    EVENT_TYPE: ClassVar[str] = "AlertSilenced"

    by: str
    until: str = Field(description="ISO timestamp when the silence expires")
    note: str | None = None

    def identity(self) -> str:
        return f"{self.by}|{self.until}"


class EventRejected(Payload):
    """Bytes that could not be decoded or validated, kept with the error (dead letter)."""

    EVENT_TYPE: ClassVar[str] = "EventRejected"
    STREAM: ClassVar[str] = "deadletter"

    origin: str = Field(description="where the bytes were read: stream and position, or a file")
    raw: str = Field(description="the raw bytes, decoded as UTF-8 with replacement")
    raw_sha256: str
    error: str

    def subject(self) -> str:
        return f"deadletter:{self.origin}"

    def identity(self) -> str:
        return self.raw_sha256


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
