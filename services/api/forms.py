"""The dashboard's forms: acknowledge, silence, sign in and out.

Each form is checked twice against forgery: `csrf.same_origin_only` (app-wide) refuses
posts a browser marks as cross-site, and `_form` refuses one without the page's token.
"""

from __future__ import annotations

import math
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.api import actions, csrf
from services.api.context import ApiContext
from services.api.dashboard import render
from services.api.models import SILENCE_MAX_DAYS
from services.api.security import SESSION_COOKIE, authorised, session_value

router = APIRouter(include_in_schema=False)
MAX_FORM_BYTES = 16 * 1024


async def _form(request: Request) -> dict[str, str]:
    """A dashboard form's fields, refused (403) unless it carries the page's CSRF token."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise HTTPException(413, "form too large")
    parsed = parse_qs(body.decode("utf-8", errors="replace"), max_num_fields=20)
    form = {k: v[0] for k, v in parsed.items() if v}
    ctx: ApiContext = request.app.state.ctx
    if not csrf.form_token_valid(ctx.csrf_secret, request.cookies.get(csrf.CSRF_COOKIE),
                                 form.get(csrf.CSRF_FIELD)):
        raise HTTPException(403, "the form has expired or came from another site: "
                                 "reload the page and try again")
    return form


def _writer(request: Request) -> ApiContext:
    ctx: ApiContext = request.app.state.ctx
    if not ctx.writes_enabled:
        raise HTTPException(403, "write endpoints are disabled on this address")
    if not authorised(
        ctx.token, request.headers.get("authorization"), request.cookies.get(SESSION_COOKIE)
    ):
        raise HTTPException(401, "sign in first")
    return ctx


@router.post("/alerts/acknowledge")
async def acknowledge_form(
    request: Request, ctx: Annotated[ApiContext, Depends(_writer)]
) -> Response:
    """The acknowledge button."""
    form = await _form(request)
    try:
        actions.acknowledge(ctx, form.get("rule", ""), form.get("key", ""),
                            (form.get("by") or "dashboard")[:200])
    except actions.ActionError as exc:
        raise HTTPException(exc.status, exc.detail) from None
    return RedirectResponse("/alerts?done=acknowledged", status_code=303)


@router.post("/values/review")
async def review_form(
    request: Request, ctx: Annotated[ApiContext, Depends(_writer)]
) -> Response:
    """The accept and reject buttons of a held-out value."""
    form = await _form(request)
    try:
        actions.review_value(ctx, form.get("event_id", ""), form.get("decision", ""),
                             (form.get("by") or "dashboard")[:200])
    except actions.ActionError as exc:
        raise HTTPException(exc.status, exc.detail) from None
    return RedirectResponse("/alerts?done=reviewed", status_code=303)


@router.post("/alerts/silence")
async def silence_form(
    request: Request, ctx: Annotated[ApiContext, Depends(_writer)]
) -> Response:
    """The silence button (for a number of hours); refused like the API's silence."""
    form = await _form(request)
    try:
        hours = float(form.get("hours") or "24")
        if not math.isfinite(hours):
            raise ValueError(hours)
        # bounded so that the minutes stay finite; actions.silence refuses past a year anyway
        hours = max(-1.0, min(hours, 24.0 * (SILENCE_MAX_DAYS + 1)))
    except ValueError:
        raise HTTPException(422, "hours must be a number") from None
    try:
        actions.silence(ctx, form.get("rule", ""), form.get("key", ""),
                        (form.get("by") or "dashboard")[:200], minutes=round(hours * 60))
    except actions.ActionError as exc:
        raise HTTPException(exc.status, exc.detail) from None
    return RedirectResponse("/alerts?done=silenced", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    """Sign in with the API token so the dashboard's buttons can write."""
    return render(request, "login.html", failed=False)


@router.post("/login", response_model=None)
async def login(request: Request) -> Response:
    """Check the token and set the session cookie."""
    ctx: ApiContext = request.app.state.ctx
    form = await _form(request)
    given = form.get("token", "")
    if ctx.token is None or not authorised(ctx.token, f"Bearer {given}", None):
        return render(request, "login.html", status_code=401, failed=True)
    response = RedirectResponse("/alerts", status_code=303)
    response.set_cookie(SESSION_COOKIE, session_value(ctx.token), httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    """Drop the session cookie."""
    await _form(request)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
