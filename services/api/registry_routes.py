"""The JSON read API of the registries: city pilots, notices, alerts and documents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response

from projections import queries
from services.api import actions, models
from services.api.routes import (
    CSV_RESPONSE,
    Conn,
    Ctx,
    Fmt,
    Limit,
    Offset,
    Text,
    listed,
    page_of,
)

router = APIRouter()


@router.get(
    "/api/pilots", response_model=models.Page[models.PilotOut], tags=["pilots"],
    responses=CSV_RESPONSE,
)
def pilots(
    conn: Conn, program: Text = None, status_: Annotated[str | None, Query(
        alias="status", max_length=16)] = None, city: Text = None,
    fmt: Fmt = "json", limit: Limit = 100, offset: Offset = 0,
) -> models.Page[models.PilotOut] | Response:
    """City pilots by program and status, each with its status history."""
    items, total = queries.pilots_page(conn, program, status_, city, limit, offset)
    history: dict[tuple[str, str], list[queries.PilotEvent]] = {}
    for e in queries.pilot_history(conn, [(p.program, p.city) for p in items]) if items else ():
        history.setdefault((e.program, e.city), []).append(e)
    out = [
        models.PilotOut(**p.model_dump(), history=history.get((p.program, p.city), []))
        for p in items
    ]
    return listed(page_of(out, total, limit, offset), fmt, models.PilotOut)


@router.get(
    "/api/notices", response_model=models.Page[queries.PolicyNotice], tags=["policy"],
    responses=CSV_RESPONSE,
)
def notices(
    conn: Conn, type_: Annotated[str | None, Query(alias="type", max_length=16)] = None,
    issuer: Text = None, q: Text = None, fmt: Fmt = "json", limit: Limit = 100, offset: Offset = 0,
) -> models.Page[queries.PolicyNotice] | Response:
    """The notice registry, newest first, filtered by type, issuer id or title text."""
    items, total = queries.notices_page(conn, type_, issuer, q, limit, offset)
    return listed(page_of(items, total, limit, offset), fmt, queries.PolicyNotice)


@router.get(
    "/api/notices/detail", response_model=models.NoticeOut, tags=["policy"],
    responses={404: {"description": "no such notice"}},
)
def notice_detail(
    conn: Conn, key: Annotated[str, Query(min_length=1, max_length=300)]
) -> models.NoticeOut:
    """One notice (by its key) with every mention of it."""
    found = queries.notices(conn, [key])
    if not found:
        raise HTTPException(404, "no such notice")
    return models.NoticeOut(
        **found[0].model_dump(), sources=queries.notice_mentions(conn, key)
    )


@router.get(
    "/api/alerts", response_model=models.Page[models.AlertOut], tags=["alerts"],
    responses=CSV_RESPONSE,
)
def alerts(
    ctx: Ctx, conn: Conn, state: Annotated[str | None, Query(max_length=16)] = None,
    rule: Annotated[str | None, Query(max_length=64)] = None,
    severity: Annotated[str | None, Query(max_length=16)] = None,
    fmt: Fmt = "json", limit: Limit = 100, offset: Offset = 0,
) -> models.Page[models.AlertOut] | Response:
    """Alerts filtered by state, rule and severity, newest first."""
    items, total = queries.alerts_page(conn, state, rule, severity, limit, offset)
    now = ctx.clock()
    out = [actions.alert_out(a, now) for a in items]
    return listed(page_of(out, total, limit, offset), fmt, models.AlertOut)


@router.get(
    "/api/alerts/detail", response_model=models.AlertDetail, tags=["alerts"],
    responses={404: {"description": "no such alert"}},
)
def alert_detail(
    ctx: Ctx, conn: Conn, rule: Annotated[str, Query(min_length=1, max_length=64)],
    key: Annotated[str, Query(min_length=1, max_length=400)],
) -> models.AlertDetail:
    """One alert with every raise, resolution, acknowledgement and silence."""
    found = queries.alerts(conn, [(rule, key)])
    if not found:
        raise HTTPException(404, "no such alert")
    out = actions.alert_out(found[0], ctx.clock())
    return models.AlertDetail(**out.model_dump(), history=queries.alert_history(conn, rule, key))


@router.get(
    "/api/documents", response_model=models.Page[queries.DocumentInfo], tags=["documents"],
    responses=CSV_RESPONSE,
)
def documents(
    conn: Conn, fmt: Fmt = "json", limit: Limit = 50, offset: Offset = 0,
) -> models.Page[queries.DocumentInfo] | Response:
    """Received documents, newest first."""
    items, total = queries.documents_page(conn, limit, offset)
    return listed(page_of(items, total, limit, offset), fmt, queries.DocumentInfo)


@router.get(
    "/api/documents/{document_id}", response_model=models.DocumentDetail, tags=["documents"],
    responses={404: {"description": "no such document"}},
)
def document(document_id: str, conn: Conn) -> models.DocumentDetail:
    """A document with the facts extracted from it and their provenance spans."""
    doc = queries.document(conn, document_id)
    if doc is None:
        raise HTTPException(404, "no such document")
    stats, mentions, pilot_events = queries.document_facts(conn, document_id)
    return models.DocumentDetail(document=doc, statistics=stats, notices=mentions,
                                 pilots=pilot_events)
