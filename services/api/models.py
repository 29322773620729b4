"""Request and response bodies of the JSON API (the DTOs of `projections.queries` inside)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    computed_field,
    model_validator,
)

from projections import queries
from services.weburl import is_web_url

T = TypeVar("T")
SILENCE_MAX_DAYS = 366
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*")


def _iso_date_text(value: object) -> object:
    # pydantic would read 0 or "0" as a Unix timestamp, i.e. 1970-01-01
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


def _iso_datetime_text(value: object) -> object:
    if isinstance(value, datetime) or (
        isinstance(value, str) and _ISO_DATETIME.fullmatch(value)
    ):
        return value
    raise ValueError("must be a date and time in ISO 8601, e.g. 2026-01-31T18:00:00Z")


def _web_url(value: str | None) -> str | None:
    if value is not None and not is_web_url(value):
        raise ValueError("must be an absolute http:// or https:// URL")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date_text)]
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_datetime_text)]
WebUrl = Annotated[str | None, AfterValidator(_web_url)]


class Page(BaseModel, Generic[T]):
    """One page of a list, with the total number of matching items."""

    items: list[T]
    total: int
    limit: int
    offset: int


class MetricInfo(BaseModel):
    """A metric with its catalogue entry and how much is known of it."""

    metric: str
    unit: str | None
    kind: str | None
    description: str | None
    series: int
    points: int
    latest_published_at: date | None


class MetricDetail(MetricInfo):
    """A metric and the geographies it has series for."""

    geographies: list[str]


class OverviewRow(queries.SeriesLatest):
    """The latest figure of a series, flagged where reported and computed growth disagree."""

    mismatch: bool

    # a computed field, not a declared one: the parent's `revised` property already says it,
    # and a field of that name would shadow the property (pydantic warns on import)
    @computed_field  # type: ignore[prop-decorator]
    @property
    def revised(self) -> bool:
        """True when the latest vintage changed the value of an earlier one."""
        return super().revised


class GrowthOut(queries.GrowthRate):
    """A growth row with its mismatch flag at the configured tolerance."""

    is_mismatch: bool = Field(description="reported and computed change disagree")


class SeriesOut(BaseModel):
    """The points of one series: current values, or what was known on `as_of`."""

    metric: str
    geography: str
    as_of: date | None
    points: list[queries.CurrentValue]
    total: int
    limit: int
    offset: int


class PilotOut(queries.CityPilot):
    """A city pilot with its status history."""

    history: list[queries.PilotEvent]


class NoticeOut(queries.PolicyNotice):
    """A notice with every mention of it."""

    sources: list[queries.NoticeMention] = Field(description="every mention, oldest first")


class AlertOut(queries.Alert):
    """An alert with whether its silence is in force now."""

    silenced: bool


class AlertDetail(AlertOut):
    """An alert with its full, auditable history."""

    history: list[queries.AlertEvent]


class DocumentDetail(BaseModel):
    """A document and the facts extracted from it, each with its provenance span."""

    document: queries.DocumentInfo
    statistics: list[queries.Observation]
    notices: list[queries.NoticeMention]
    pilots: list[queries.PilotEvent]


class DocumentIn(BaseModel):
    """A document to ingest: its text and metadata."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="the full text of the document")
    published: IsoDate = Field(description="the document's publication date (YYYY-MM-DD)")
    title: str | None = Field(None, max_length=2000)
    url: WebUrl = Field(
        None, max_length=2000, description="where the document was published: an http(s) URL",
        json_schema_extra={"pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s]+"},
    )
    publisher: str | None = Field(None, max_length=500)


class IngestOut(BaseModel):
    """What ingesting a document appended."""

    document_id: str
    events: int
    new: int
    event_types: dict[str, int]
    applied: bool = Field(description="whether the projections already reflect it")


class AlertRef(BaseModel):
    """Which alert an action is about."""

    model_config = ConfigDict(extra="forbid")

    rule: str = Field(min_length=1, max_length=64)
    key: str = Field(min_length=1, max_length=400)
    by: str = Field("api", min_length=1, max_length=200)
    note: str | None = Field(None, max_length=2000)


class ReviewIn(BaseModel):
    """A decision on a value held out as a suspected scale error."""

    model_config = ConfigDict(extra="forbid")

    event_id: str = Field(min_length=1, max_length=64, description="the statistic's event id")
    decision: Literal["accepted", "rejected"]
    by: str = Field("api", min_length=1, max_length=200)
    note: str | None = Field(None, max_length=2000)


class SilenceIn(AlertRef):
    """Silence an alert until a time, or for a number of minutes: exactly one of the two."""

    until: IsoDateTime | None = Field(None, description=(
        "when the silence ends (ISO 8601, UTC unless it has an offset); must be in the "
        f"future and at most {SILENCE_MAX_DAYS} days ahead"
    ))
    minutes: int | None = Field(None, ge=1, le=SILENCE_MAX_DAYS * 24 * 60,
                                description="how long the silence lasts from now")

    @model_validator(mode="after")
    def _one_expiry(self) -> SilenceIn:
        if (self.until is None) == (self.minutes is None):
            raise ValueError("give exactly one of until and minutes")
        return self


class ActionOut(BaseModel):
    """The event an action appended, and the alert as projected afterwards."""

    event_id: str
    event_type: str
    alert: AlertOut | None


class Health(BaseModel):
    """Liveness or readiness with details."""

    status: str
    lag: dict[str, int] = {}
    lag_exact: bool = True
    detail: str | None = None
