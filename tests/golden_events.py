"""The canonical example of every event type and version, shared by golden tests."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from events import (
    AlertAcknowledged,
    AlertRaised,
    AlertResolved,
    AlertSilenced,
    CityPilotDesignated,
    CityPilotStatusChanged,
    DocumentChanged,
    DocumentReceived,
    Event,
    EventRejected,
    FactRetracted,
    Issuer,
    Payload,
    PolicyNoticeIssued,
    QuarterPeriod,
    ReportedChange,
    Source,
    Span,
    StatisticPublished,
    StatisticUnresolved,
    ValueReviewed,
    make_event,
)

AT = datetime(2020, 4, 25, 8, 30, tzinfo=UTC)
DOC = "3f1c" * 16
SOURCE = Source(
    document_id=DOC,
    publisher="CNIPA",
    url="https://example.org/release",
    title="Pledge financing in the first quarter",
    sentence="In the first quarter, pledge financing reached 33.7 billion yuan, up 15.5%.",
    sentence_span=Span(start=120, end=197),
    value_text="33.7 billion yuan",
    value_span=Span(start=167, end=184),
    extractor="ipmon.rules",
    extractor_version="1.0.0",
)
EVIDENCE = uuid.UUID("6f1ed002-ab5d-5f3e-9f2c-0a0b0c0d0e0f")

PAYLOADS: list[Payload] = [
    DocumentReceived(
        document_id=DOC,
        text="Pledge financing grew.",
        language="en",
        title="Release",
        url="https://example.org/release",
        publisher="CNIPA",
        origin="inbox/a.txt",
    ),
    DocumentChanged(
        url="https://example.org/release", previous_document_id="0" * 64, document_id=DOC
    ),
    StatisticPublished(
        metric="ip_pledge_financing_amount",
        description="patent and trademark pledge financing",
        geography="CN",
        period=QuarterPeriod(year=2020, quarter=1),
        value=Decimal("33700000000"),
        unit="CNY",
        reported_change=ReportedChange(
            percent=Decimal("15.5"), direction="up", basis="unspecified_prior_year"
        ),
    ),
    FactRetracted(
        retracted_event_id=EVIDENCE,
        retracted_event_type="StatisticPublished",
        retracted_subject="statistic:ip_pledge_financing_amount:CN",
        stream_name="statistics",
        reason="not found by extractor 1.1.0",
        extractor_version="1.1.0",
    ),
    ValueReviewed(
        reviewed_event_id=EVIDENCE,
        reviewed_subject="statistic:ip_pledge_financing_amount:CN",
        decision="rejected",
        by="analyst@example.org",
        at="2024-02-02T09:00:00+00:00",
        note="ten times the official 486.88 billion yuan",
    ),
    PolicyNoticeIssued(
        title="Ten Measures to Support the Resumption of Work and Production",
        issuers=(
            Issuer(id="SAMR", name="State Administration for Market Regulation"),
            Issuer(id="NMPA", name="National Medical Products Administration"),
            Issuer(id="CNIPA", name="CNIPA"),
        ),
        type="measures",
        mention="issued",
    ),
    CityPilotDesignated(
        program="IP operation service system", city="Ningbo", batch=2, batch_total=8, year=2018
    ),
    CityPilotStatusChanged(
        program="IP operation service system",
        city="Ningbo",
        status="graduated",
        reason="passed acceptance review",
    ),
    AlertRaised(
        rule="growth_mismatch",
        key="ip_pledge_financing_amount|CN|2020-Q1",
        message="reported +15.5% but the history gives +16.2%",
        evidence=(EVIDENCE,),
        fingerprint="a|b",
    ),
    AlertResolved(
        rule="growth_mismatch",
        key="ip_pledge_financing_amount|CN|2020-Q1",
        message="cleared",
        evidence=(EVIDENCE,),
        fingerprint="a|b|resolved",
    ),
    AlertAcknowledged(
        rule="growth_mismatch",
        key="ip_pledge_financing_amount|CN|2020-Q1",
        by="ops@example.org",
        at="2020-04-25T09:00:00+00:00",
    ),
    AlertSilenced(
        rule="growth_mismatch",
        key="ip_pledge_financing_amount|CN|2020-Q1",
        by="ops@example.org",
        until="2020-05-01T00:00:00+00:00",
    ),
    EventRejected(
        origin="statistics@:7",
        raw="{not json",
        raw_sha256="1" * 64,
        error="not JSON: unexpected character",
    ),
    StatisticUnresolved(
        document_id=DOC,
        metric="ip_pledge_financing_amount",
        period_kind="quarter",
        value_text="33.7 billion yuan",
        sentence="In the first quarter, pledge financing reached 33.7 billion yuan, up 15.5%.",
        sentence_start=120,
        reason="neither the text nor a publication date says which year it is",
    ),
]


def golden_events() -> dict[str, Event]:
    """File stem (`Type.vN`) -> the event that file holds, at the current version."""
    out: dict[str, Event] = {}
    for p in PAYLOADS:
        src = (
            SOURCE
            if not isinstance(
                p,
                (AlertRaised, AlertResolved, AlertAcknowledged, AlertSilenced, EventRejected,
                 ValueReviewed),
            )
            else None
        )
        out[f"{p.EVENT_TYPE}.v{p.SCHEMA_VERSION}"] = make_event(
            p, published_at=date(2020, 4, 25), source=src, recorded_at=AT, document_id=DOC
        )
    return out


# Older versions: the file holds the old bytes; decoding must give this current event.
UPCAST = {
    "DocumentReceived.v1": "DocumentReceived.v2",
    "StatisticPublished.v1": "StatisticPublished.v2",
    "CityPilotDesignated.v1": "CityPilotDesignated.v2",
    "CityPilotStatusChanged.v1": "CityPilotStatusChanged.v2",
    "AlertRaised.v1": "AlertRaised.v2",
    "AlertResolved.v1": "AlertResolved.v2",
}
