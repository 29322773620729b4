"""Figures whose year their document does not determine: listed per document, counted."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from projections import tables
from projections.queries.base import to_models, unretracted
from projections.queries.models import DTO


class UnresolvedStatistic(DTO):
    """A figure read without a year: its metric, value text, sentence and why."""

    event_id: str
    document_id: str
    metric: str
    period_kind: str
    value_text: str | None
    sentence: str
    sentence_start: int
    reason: str


class UnresolvedCount(DTO):
    """How many figures of one document have no year."""

    document_id: str
    title: str | None
    count: int


def unresolved_of_document(conn: Connection, document_id: str) -> list[UnresolvedStatistic]:
    """The unresolved figures of one document, in text order."""
    u = tables.unresolved_statistics
    stmt = sa.select(*(u.c[f] for f in UnresolvedStatistic.model_fields))
    stmt = unretracted(stmt.where(u.c.document_id == document_id), u)
    rows = conn.execute(stmt.order_by(u.c.sentence_start, u.c.event_id))
    return to_models(UnresolvedStatistic, rows)


def unresolved_counts(conn: Connection) -> list[UnresolvedCount]:
    """Per document holding any, how many figures have no year (most first)."""
    u, d = tables.unresolved_statistics, tables.documents
    # a document without a title is named by the file or URL it came from
    title = (
        sa.select(sa.func.coalesce(sa.func.min(d.c.title), sa.func.min(d.c.origin)))
        .where(d.c.document_id == u.c.document_id)
        .scalar_subquery()
    )
    n = sa.func.count().label("count")
    stmt = unretracted(sa.select(u.c.document_id, title.label("title"), n), u)
    stmt = stmt.group_by(u.c.document_id).order_by(n.desc(), u.c.document_id)
    return to_models(UnresolvedCount, conn.execute(stmt))
