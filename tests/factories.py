"""Small builders of valid events for tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from events import (
    CityPilotDesignated,
    CityPilotStatusChanged,
    Event,
    Issuer,
    PolicyNoticeIssued,
    Source,
    StatisticPublished,
    make_event,
    parse_period_key,
)
from events.types import Equivalent

T0 = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def doc_id(n: int | str) -> str:
    """A fake sha256 document id."""
    return f"{n}".rjust(64, "0")[-64:] if str(n).isdigit() else str(n).ljust(64, "a")[:64]


def statistic(
    metric: str = "ip_pledge_financing_amount",
    period: str = "2020-Q1",
    value: str | None = "33700000000",
    *,
    geography: str = "CN",
    unit: str = "CNY",
    change: str | None = None,
    published: date = date(2020, 4, 20),
    doc: int | str = 1,
    recorded_at: datetime = T0,
    publisher: str | None = None,
    url: str | None = None,
    usd: str | None = None,
) -> Event:
    """A StatisticPublished event; `change` like '+15.5%', '-0.3pp' or '+100'; `usd` a
    parenthetical conversion of a CNY value."""
    reported: dict[str, Any] | None = None
    if change is not None:
        sign, rest = change[0], change[1:]
        if rest.endswith("%"):
            reported = {"percent": rest[:-1]}
        elif rest.endswith("pp"):
            reported = {"percentage_points": rest[:-2]}
        else:
            reported = {"absolute": rest}
        reported["direction"] = "down" if sign == "-" else "up"
    payload = StatisticPublished(
        metric=metric,
        geography=geography,
        period=parse_period_key(period),
        value=None if value is None else Decimal(value),
        unit=unit,  # type: ignore[arg-type]
        reported_change=reported,  # type: ignore[arg-type]
        equivalent=None if usd is None else Equivalent(value=Decimal(usd), unit="USD"),
    )
    return make_event(
        payload,
        published_at=published,
        source=Source(document_id=doc_id(doc), publisher=publisher, url=url),
        recorded_at=recorded_at,
    )


def notice(
    title: str = "Measures on IP Pledge Financing",
    *,
    issuers: tuple[str, ...] = ("CNIPA",),
    published: date = date(2020, 4, 20),
    doc: int | str = 1,
) -> Event:
    """A PolicyNoticeIssued event."""
    return make_event(
        PolicyNoticeIssued(
            title=title, issuers=tuple(Issuer(id=i, name=i) for i in issuers), type="measures"
        ),
        published_at=published,
        source=Source(document_id=doc_id(doc)),
        recorded_at=T0,
    )


def pilot(
    city: str = "Wuhan",
    status: str = "selected",
    *,
    program: str = "IP operation service system",
    published: date = date(2020, 4, 20),
    doc: int | str = 1,
    changed: bool = False,
) -> Event:
    """A CityPilotDesignated (or, with `changed`, CityPilotStatusChanged) event."""
    payload: CityPilotDesignated | CityPilotStatusChanged
    if changed:
        payload = CityPilotStatusChanged(program=program, city=city, status=status)  # type: ignore[arg-type]
    else:
        payload = CityPilotDesignated(program=program, city=city, status=status)  # type: ignore[arg-type]
    return make_event(
        payload, published_at=published, source=Source(document_id=doc_id(doc)), recorded_at=T0
    )


def labelled_statistic(
    metric: str,
    period: dict[str, int],
    value: float | None,
    unit: str,
    change: dict[str, Any] | None = None,
    geography: str = "CN",
) -> dict[str, Any]:
    """A statistic label of the `passages.json` schema, for evaluation tests."""
    return {
        "metric": metric,
        "subject": metric,
        "period": period,
        "value": value,
        "unit": unit,
        "value_text": None if value is None else str(value),
        "reported_change": change,
        "geography": geography,
    }
