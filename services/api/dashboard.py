"""The server-rendered dashboard pages: Jinja2 templates with autoescaping, no scripts, no CDN.

Every text that came from a document reaches the page through Jinja2's autoescaping
(templates never mark such text safe), and the Content-Security-Policy forbids scripts,
so a notice titled `<script>…</script>` is shown as text and could not run anyway.
"""

from __future__ import annotations

import functools
import math
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from events.metrics import catalogue, metric_label
from projections import queries
from services import reviews
from services.api import actions, csrf
from services.api.charts import build_chart
from services.api.context import ApiContext
from services.api.routes import Conn, Ctx, overview_page
from services.api.security import SESSION_COOKIE, authorised
from services.ingest.extract.language import CHINESE, detect_language
from services.report import human
from services.weburl import is_web_url

router = APIRouter(include_in_schema=False)
PAGE = 50

_env: Environment | None = None


def env() -> Environment:
    """The template environment (built on first use, so importing does no I/O)."""
    global _env
    if _env is None:
        _env = Environment(
            loader=PackageLoader("services.api", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True, lstrip_blocks=True,
        )
        _env.filters["human"] = fmt_value
        _env.filters["signed"] = fmt_signed
        # people read the catalogue's names; ids stay in URLs, forms and the JSON API
        _env.filters["metric_name"] = metric_label
        _env.globals["qs"] = _qs
        # only http(s) URLs become links; older events may hold others
        _env.tests["web_url"] = is_web_url
        # Chinese text marked as such gets Chinese glyph shapes, not Japanese ones
        _env.filters["lang"] = text_lang
    return _env


@functools.lru_cache(maxsize=8192)
def text_lang(text: str | None) -> str:
    """The `lang` attribute for a text from a document: zh-Hans for Chinese, else en."""
    return "zh-Hans" if text and detect_language(text) == CHINESE else "en"


@functools.lru_cache(maxsize=8192)
def fmt_value(value: Decimal | None, unit: str = "") -> str:
    """A value with its unit and a scale word for money."""
    return human(value, unit)


def fmt_signed(value: Decimal | None, suffix: str = "") -> str:
    """A change with its sign, two decimals at most: +15.5%."""
    if value is None:
        return "—"
    q = value.quantize(Decimal("0.01")).normalize()
    return f"{q:+f}{suffix}"


def _qs(params: dict[str, Any], **changes: Any) -> str:
    merged = {**params, **changes}
    return "?" + urlencode({k: v for k, v in merged.items() if v not in (None, "", 0)})


def render(request: Request, template: str, status_code: int = 200, **data: Any) -> HTMLResponse:
    """Render a page with the context every template gets, and its forms' CSRF token."""
    ctx: ApiContext = request.app.state.ctx
    signed_in = ctx.token is None or authorised(
        ctx.token, request.headers.get("authorization"), request.cookies.get(SESSION_COOKIE)
    )
    nonce = request.cookies.get(csrf.CSRF_COOKIE) or ""
    fresh = not nonce or len(nonce) > 64
    if fresh:
        nonce = csrf.new_nonce()
    html = env().get_template(template).render(
        path=request.url.path, writes_enabled=ctx.writes_enabled, signed_in=signed_in,
        token_required=ctx.token is not None,
        csrf_token=csrf.form_token(ctx.csrf_secret, nonce), **data,
    )
    response = HTMLResponse(html, status_code=status_code)
    if fresh:
        response.set_cookie(csrf.CSRF_COOKIE, nonce, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")
    return response


def _pages(total: int, page: int) -> dict[str, int]:
    return {"page": page, "pages": max(1, math.ceil(total / PAGE)), "total": total}


PageNo = Annotated[int, Query(ge=1, le=100_000)]
Opt = Annotated[str | None, Query(max_length=400)]


@router.get("/", response_class=HTMLResponse)
def overview(
    request: Request, ctx: Ctx, conn: Conn, metric: Opt = None, geography: Opt = None,
    page: PageNo = 1,
) -> HTMLResponse:
    """The latest figure of each series with its growth and mismatch badge."""
    rows = overview_page(ctx, conn, metric or None, geography or None, PAGE, (page - 1) * PAGE)
    _, firing = queries.alerts_page(conn, state="firing", limit=1)
    return render(
        request, "overview.html", rows=rows.items,
        params={"metric": metric, "geography": geography},
        metrics=queries.metric_ids(conn), firing=firing, **_pages(rows.total, page),
    )


@router.get("/metrics/{metric}", response_class=HTMLResponse)
def metric_page(
    request: Request, ctx: Ctx, conn: Conn, metric: str, geography: Opt = None,
    page: PageNo = 1,
) -> HTMLResponse:
    """One series: chart with vintages, its periods, yearly reconciliation and growth."""
    geos = queries.geographies(conn, metric)
    if not geos:
        raise HTTPException(404, f"no values of metric {metric}")
    geo = geography if geography in geos else geos[0]
    all_points, _total = queries.series_points(conn, metric, geo)
    newest_first = list(reversed(all_points))
    shown = newest_first[(page - 1) * PAGE : page * PAGE]
    # the table lists every vintage of the periods on this page; the chart marks, per
    # revised period, the value its latest revision replaced
    by_period: dict[str, list[queries.Vintage]] = {}
    listed = [p.period_key for p in shown if p.vintages > 1]
    for o in queries.vintages_of_periods(conn, metric, geo, listed):
        by_period.setdefault(o.period_key, []).append(o)
    growth = {
        g.period_key: g
        for g in queries.growth_of_periods(conn, metric, geo, [p.period_key for p in shown])
    }
    yearly = queries.yearly_totals(conn, [(metric, geo)])
    spec = catalogue().get(metric)
    return render(
        request, "metric.html", metric=metric, spec=spec, geography=geo, geographies=geos,
        chart=build_chart(all_points, fmt=fmt_value), points=shown,
        vintages=by_period, growth=growth, yearly=list(reversed(yearly)),
        tolerance=ctx.growth_tolerance_pp, params={"geography": geo},
        **_pages(len(all_points), page),
    )


@router.get("/pilots", response_class=HTMLResponse)
def pilots_page(
    request: Request, conn: Conn, program: Opt = None, status: Opt = None, page: PageNo = 1
) -> HTMLResponse:
    """City pilots grouped by program, filtered by status, with history."""
    items, total = queries.pilots_page(
        conn, program or None, status or None, None, PAGE, (page - 1) * PAGE
    )
    history: dict[tuple[str, str], list[queries.PilotEvent]] = {}
    if items:
        for e in queries.pilot_history(conn, [(p.program, p.city) for p in items]):
            history.setdefault((e.program, e.city), []).append(e)
    programs: dict[str, list[queries.CityPilot]] = {}
    for p in items:
        programs.setdefault(p.program, []).append(p)
    every, _ = queries.pilots_page(conn)
    return render(
        request, "pilots.html", programs=programs, history=history,
        program_names=sorted({p.program for p in every}),
        statuses=sorted({p.status for p in every}),
        params={"program": program, "status": status}, **_pages(total, page),
    )


@router.get("/notices", response_class=HTMLResponse)
def notices_page(
    request: Request, conn: Conn, type: Opt = None, issuer: Opt = None, q: Opt = None,
    page: PageNo = 1,
) -> HTMLResponse:
    """The notice registry."""
    items, total = queries.notices_page(
        conn, type or None, issuer or None, q or None, PAGE, (page - 1) * PAGE
    )
    return render(
        request, "notices.html", notices=items,
        params={"type": type, "issuer": issuer, "q": q}, **_pages(total, page),
    )


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(
    request: Request, ctx: Ctx, conn: Conn, state: Opt = None, page: PageNo = 1
) -> HTMLResponse:
    """Alerts with acknowledge and silence buttons."""
    items, total = queries.alerts_page(conn, state or None, None, None, PAGE, (page - 1) * PAGE)
    now = ctx.clock()
    return render(
        request, "alerts.html", alerts=[actions.alert_out(a, now) for a in items],
        held_out=reviews.suspects(conn),
        params={"state": state}, message=request.query_params.get("done"),
        **_pages(total, page),
    )


@router.get("/documents", response_class=HTMLResponse)
def documents_page(request: Request, conn: Conn, page: PageNo = 1) -> HTMLResponse:
    """Received documents."""
    items, total = queries.documents_page(conn, PAGE, (page - 1) * PAGE)
    return render(request, "documents.html", documents=items, params={},
                  **_pages(total, page))


def _split(o: queries.Observation) -> tuple[str, str, str] | None:
    """The sentence around the value: (before, value, after), when the spans agree."""
    s, start = o.sentence, o.sentence_start
    if s is None or start is None or o.value_start is None or o.value_end is None:
        return None
    a, b = o.value_start - start, o.value_end - start
    if not 0 <= a <= b <= len(s):
        return None
    return s[:a], s[a:b], s[b:]


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def document_page(request: Request, conn: Conn, document_id: str) -> HTMLResponse:
    """A document's facts, each with the sentence and span it came from."""
    doc = queries.document(conn, document_id)
    stats, mentions, pilot_events = queries.document_facts(conn, document_id)
    unresolved = queries.unresolved_of_document(conn, document_id)
    if doc is None and not (stats or mentions or pilot_events or unresolved):
        raise HTTPException(404, "no such document")
    return render(
        request, "document.html", doc=doc, document_id=document_id, statistics=stats,
        split={o.event_id: _split(o) for o in stats}, mentions=mentions, pilots=pilot_events,
        unresolved=unresolved,
    )


@router.get("/facts/{event_id}")
def fact(conn: Conn, event_id: str) -> Response:
    """Where a number came from: its document page, at its sentence."""
    o = queries.observation(conn, event_id)
    if o is None or o.document_id is None:
        raise HTTPException(404, "no such fact")
    return RedirectResponse(f"/documents/{o.document_id}#e-{event_id}", status_code=307)


def error_page(request: Request, status_code: int, detail: str) -> HTMLResponse:
    """An HTML error page for dashboard routes."""
    return render(request, "error.html", status_code=status_code, status=status_code,
                  detail=detail)


