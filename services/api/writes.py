"""The JSON write API: acknowledge and silence alerts, post documents.

Writes need the bearer token (or the dashboard's session cookie), and are refused as a
whole on a non-loopback address without a token; `csrf.same_origin_only` refuses them
app-wide when a browser marks them as sent by a page of another site.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError

from events import Event
from services.api import actions, models
from services.api.context import ApiContext
from services.api.routes import context
from services.api.security import SESSION_COOKIE, authorised

router = APIRouter()


def require_write(request: Request) -> ApiContext:
    """Allow a write only when writes are enabled and the caller holds the token."""
    ctx = context(request)
    if not ctx.writes_enabled:
        raise HTTPException(
            403, "write endpoints are disabled: set IPMON_API_TOKEN to serve them off loopback"
        )
    if not authorised(
        ctx.token, request.headers.get("authorization"), request.cookies.get(SESSION_COOKIE)
    ):
        raise HTTPException(
            401, "a bearer token is required", headers={"WWW-Authenticate": "Bearer"}
        )
    return ctx


Writer = Annotated[ApiContext, Depends(require_write)]
WRITE_RESPONSES: dict[int | str, dict[str, str]] = {
    400: {"description": "the body could not be read (e.g. JSON that is not UTF-8)"},
    401: {"description": "missing or wrong bearer token"},
    403: {"description": "writes disabled on this address, or a cross-site request"},
    413: {"description": "request body too large"},
}
ALERT_WRITE_RESPONSES = {**WRITE_RESPONSES, 404: {"description": "no such alert"}}


def _refusal(exc: actions.ActionError) -> Exception:
    """An action's refusal as the HTTP error the OpenAPI document promises for it."""
    if exc.field is not None:  # same shape as pydantic's errors, which the schema lists
        return RequestValidationError(
            [{"type": "value_error", "loc": ("body", exc.field), "msg": exc.detail}]
        )
    return HTTPException(exc.status, exc.detail)


def _run(action: Callable[[], tuple[Event, models.AlertOut | None]]) -> models.ActionOut:
    try:
        event, alert = action()
    except actions.ActionError as exc:
        raise _refusal(exc) from None
    return models.ActionOut(event_id=str(event.event_id), event_type=event.event_type, alert=alert)


@router.post(
    "/api/alerts/acknowledge", response_model=models.ActionOut, status_code=202,
    tags=["alerts"], responses=ALERT_WRITE_RESPONSES,
)
def acknowledge(body: models.AlertRef, ctx: Writer) -> models.ActionOut:
    """Acknowledge an alert (recorded as an AlertAcknowledged event)."""
    return _run(lambda: actions.acknowledge(ctx, body.rule, body.key, body.by, body.note))


@router.post(
    "/api/values/review", response_model=models.ActionOut, status_code=202,
    tags=["statistics"],
    responses={
        **WRITE_RESPONSES,
        404: {"description": "no statistic with that event id"},
        409: {"description": "the statistic was retracted"},
    },
)
def review(body: models.ReviewIn, ctx: Writer) -> models.ActionOut:
    """Accept or reject a value held out as a suspected scale error (a ValueReviewed event)."""
    return _run(lambda: actions.review_value(ctx, body.event_id, body.decision, body.by,
                                             body.note))


@router.post(
    "/api/alerts/silence", response_model=models.ActionOut, status_code=202,
    tags=["alerts"], responses=ALERT_WRITE_RESPONSES,
)
def silence(body: models.SilenceIn, ctx: Writer) -> models.ActionOut:
    """Silence an alert's notifications until a future time, at most a year away (422 else)."""
    return _run(lambda: actions.silence(
        ctx, body.rule, body.key, body.by, until=body.until, minutes=body.minutes, note=body.note
    ))


@router.post(
    "/api/documents", response_model=models.IngestOut, status_code=201, tags=["documents"],
    responses={**WRITE_RESPONSES, 503: {"description": "no ingestion service"}},
)
def post_document(body: models.DocumentIn, ctx: Writer) -> models.IngestOut:
    """Ingest a document (text + metadata) through the ingestion service."""
    try:
        return actions.ingest_document(
            ctx, body.text, body.published, title=body.title, url=body.url,
            publisher=body.publisher,
        )
    except actions.ActionError as exc:
        raise _refusal(exc) from None
