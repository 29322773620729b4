"""Payloads of the policy and pilots streams: notices and city pilots."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_validator

from events.envelope import Frozen, Payload

NoticeType = Literal[
    "notice", "measures", "plan", "opinions", "campaign", "program", "report", "other"
]
PilotStatus = Literal["selected", "awarded", "implementing", "suspended", "revoked", "graduated"]


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


class _PilotPayload(Payload):
    STREAM: ClassVar[str] = "pilots"
    SCHEMA_VERSION: ClassVar[int] = 2

    program: str = Field(min_length=1)
    program_id: str | None = Field(
        default=None, description="id in events/programmes.toml; None when not catalogued"
    )
    city: str = Field(min_length=1)

    def subject(self) -> str:
        # one programme written two ways is one subject once the catalogue knows it
        return f"pilot:{self.program_id or self.program}:{self.city}"


class CityPilotDesignated(_PilotPayload):
    """A city, district or province was designated in a pilot or demonstration program."""

    EVENT_TYPE: ClassVar[str] = "CityPilotDesignated"

    admin_level: Literal["city", "district", "province", "municipality"] = "city"
    role: Literal["pilot", "demonstration", "first_batch", "new_recipient"] = "pilot"
    status: PilotStatus = "selected"
    batch: int | None = Field(default=None, ge=1)
    batch_total: int | None = Field(default=None, ge=1)
    year: int | None = Field(default=None, ge=1900, le=2200)

    def identity(self) -> str:
        return f"{self.status}|{self.batch or ''}|{self.year or ''}"


class CityPilotStatusChanged(_PilotPayload):
    """A designated pilot's status changed (implementing, suspended, revoked, graduated)."""

    EVENT_TYPE: ClassVar[str] = "CityPilotStatusChanged"

    status: PilotStatus
    reason: str | None = None

    def identity(self) -> str:
        return self.status
