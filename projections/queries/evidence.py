"""The evidence behind data-quality alerts: suspected scale slips and sources that disagree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from projections import tables
from projections.queries.base import to_models
from projections.queries.keys import Keys
from projections.queries.models import DTO


class SuspectValue(DTO):
    """A vintage held out as a suspected scale error, with the value it was judged against."""

    metric: str
    geography: str
    period_key: str
    unit: str
    factor: int
    event_id: str
    value: Decimal | None
    published_at: dt.date
    document_id: str | None
    publisher: str | None
    sentence: str | None
    basis_event_id: str
    basis_period_key: str
    basis_value: Decimal | None
    basis_publisher: str | None
    basis_sentence: str | None


class Disagreement(DTO):
    """A period whose current value another, less authoritative source contradicts."""

    metric: str
    geography: str
    period_key: str
    unit: str
    event_id: str
    value: Decimal | None
    publisher: str | None
    sentence: str | None
    dissent_event_id: str
    dissent_value: Decimal | None
    dissent_publisher: str | None
    dissent_sentence: str | None


def _pair(
    first: str, second: str, keyed: tuple[Connection, Keys] | None = None
) -> tuple[sa.Select[Any], Any, Any]:
    """current_values (of some keys only, if given) joined to the observation behind two
    of its event-id columns."""
    cv = tables.current_values
    a, b = tables.observations.alias("a"), tables.observations.alias("b")
    source: sa.FromClause = cv
    if keyed is not None:
        conn, keys = keyed
        k = keys.source(conn)
        source = k.join(cv, keys.on(k, cv))
    joined = source.join(a, a.c.event_id == cv.c[first]).join(b, b.c.event_id == cv.c[second])
    stmt = sa.select(cv.c.metric, cv.c.geography, cv.c.period_key, cv.c.unit).select_from(joined)
    return stmt, a, b


def suspects_of_documents(conn: Connection, document_ids: Iterable[str]) -> list[SuspectValue]:
    """Every held-out suspect value that came from one of these documents."""
    cv = tables.current_values
    stmt, a, b = _pair("suspect_event_id", "suspect_basis_event_id")
    stmt = stmt.add_columns(
        cv.c.suspect_factor.label("factor"), a.c.event_id, a.c.value, a.c.published_at,
        a.c.document_id, a.c.publisher, a.c.sentence, b.c.event_id.label("basis_event_id"),
        b.c.period_key.label("basis_period_key"), b.c.value.label("basis_value"),
        b.c.publisher.label("basis_publisher"),
        b.c.sentence.label("basis_sentence"),
    ).where(a.c.document_id.in_(sorted(set(document_ids))))
    return to_models(SuspectValue, conn.execute(stmt.order_by(cv.c.metric, cv.c.period_key)))


Periods = Keys | Iterable[tuple[str, str, str]]


def _keys(periods: Periods) -> Keys:
    return periods if isinstance(periods, Keys) else Keys.of_periods(periods)


def suspect_documents(conn: Connection, periods: Periods) -> set[str]:
    """The documents of the suspect values of these (metric, geography, period) keys."""
    cv, o = tables.current_values, tables.observations
    keys = _keys(periods)
    k = keys.source(conn)
    joined = k.join(cv, keys.on(k, cv)).join(o, o.c.event_id == cv.c.suspect_event_id)
    stmt = sa.select(o.c.document_id).distinct().select_from(joined)
    return {d for d in conn.execute(stmt).scalars() if d}


def disagreements(conn: Connection, periods: Periods) -> list[Disagreement]:
    """Current values of these periods that a later, less authoritative source contradicts."""
    cv = tables.current_values
    stmt, a, b = _pair("event_id", "dissent_event_id", (conn, _keys(periods)))
    stmt = stmt.add_columns(
        a.c.event_id, a.c.value, a.c.publisher, a.c.sentence,
        b.c.event_id.label("dissent_event_id"), b.c.value.label("dissent_value"),
        b.c.publisher.label("dissent_publisher"), b.c.sentence.label("dissent_sentence"),
    )
    return to_models(Disagreement, conn.execute(stmt.order_by(*cv.primary_key)))


def suspect_document_ids(conn: Connection) -> set[str]:
    """Every document one of the held-out suspect values came from."""
    cv, o = tables.current_values, tables.observations
    stmt = sa.select(o.c.document_id).select_from(
        cv.join(o, o.c.event_id == cv.c.suspect_event_id)
    )
    return {d for d in conn.execute(stmt).scalars() if d}
