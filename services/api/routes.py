"""The JSON read API under /api, plus /healthz and /readyz."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy.engine import Connection

from events.metrics import catalogue
from projections import queries
from services.api import models, status
from services.api.context import ApiContext
from services.export import MEDIA_TYPES, encode

router = APIRouter()
MAX_LIMIT = 500

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="page size")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="items to skip")]
Text = Annotated[str | None, Query(max_length=400)]


def context(request: Request) -> ApiContext:
    """The API context stored on the application."""
    ctx: ApiContext = request.app.state.ctx
    return ctx


Ctx = Annotated[ApiContext, Depends(context)]


def connection(request: Request) -> Iterator[Connection]:
    """A read connection for one request."""
    with context(request).engine.connect() as conn:
        yield conn


Conn = Annotated[Connection, Depends(connection)]


Fmt = Annotated[Literal["json", "csv"], Query(
    alias="format", description="json (a page object) or csv (the page's items, typed columns)")]
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {
    "text/csv": {"schema": {"type": "string"}}},
    "description": "the page; with format=csv its items as CSV, the total in X-Total-Count"}}


def page_of(items: list[models.T], total: int, limit: int, offset: int) -> models.Page[models.T]:
    """One page of items with its total, limit and offset."""
    return models.Page[models.T](items=items, total=total, limit=limit, offset=offset)


def listed(
    page: models.Page[models.T], fmt: str, model: type[BaseModel],
) -> models.Page[models.T] | Response:
    """The page as JSON, or its items as CSV with the total in a header."""
    if fmt == "json":
        return page
    items = cast(list[BaseModel], page.items)
    return Response(encode(model, items, "csv"), media_type=MEDIA_TYPES["csv"],
                    headers={"X-Total-Count": str(page.total)})


@router.get("/healthz", response_model=models.Health, tags=["ops"])
def healthz() -> models.Health:
    """Liveness: the process answers."""
    return models.Health(status="ok")


@router.get(
    "/readyz", response_model=models.Health, tags=["ops"],
    responses={503: {"model": models.Health, "description": "not caught up"}},
)
def readyz(ctx: Ctx, response: Response) -> models.Health:
    """Readiness: the database answers and the projections reflect the whole log."""
    try:
        with ctx.engine.connect() as conn:
            behind = status.lag(ctx, conn)
    except Exception as exc:  # any failure means not ready; the detail says which
        response.status_code = 503
        return models.Health(status="unavailable", detail=f"{type(exc).__name__}: {exc}")
    per = behind.per_partition()
    if behind.total or not behind.exact:
        response.status_code = 503
        return models.Health(status="catching_up", lag=per, lag_exact=behind.exact)
    return models.Health(status="ready", lag=per)


def _metric_info(summary: queries.MetricSummary) -> models.MetricInfo:
    spec = catalogue().get(summary.metric)
    return models.MetricInfo(
        metric=summary.metric, unit=spec.unit if spec else None, kind=spec.kind if spec else None,
        description=spec.description if spec else None, series=summary.series,
        points=summary.points, latest_published_at=summary.latest_published_at,
    )


@router.get("/api/metrics", response_model=list[models.MetricInfo], tags=["statistics"])
def list_metrics(conn: Conn) -> list[models.MetricInfo]:
    """Every metric with published values."""
    return [_metric_info(s) for s in queries.metric_summaries(conn)]


@router.get(
    "/api/metrics/{metric}", response_model=models.MetricDetail, tags=["statistics"],
    responses={404: {"description": "no values of this metric"}},
)
def get_metric(metric: str, conn: Conn) -> models.MetricDetail:
    """One metric, its catalogue entry and its geographies."""
    found = [s for s in queries.metric_summaries(conn) if s.metric == metric]
    if not found:
        raise HTTPException(404, f"no values of metric {metric!r}")
    info = _metric_info(found[0])
    return models.MetricDetail(**info.model_dump(), geographies=queries.geographies(conn, metric))


@router.get("/api/metrics/{metric}/series", response_model=models.SeriesOut, tags=["statistics"])
def get_series(
    metric: str, conn: Conn, geography: Annotated[str, Query(max_length=128)] = "CN",
    as_of: Annotated[models.IsoDate | None, Query(
        description="what was known on this date (YYYY-MM-DD)")] = None,
    period_kind: Text = None, limit: Limit = 200, offset: Offset = 0,
) -> models.SeriesOut:
    """The latest value of each period of a series, or the values known on `as_of`."""
    if as_of is not None:
        rows = [
            p for p in queries.as_of(conn, metric, geography, as_of)
            if period_kind is None or p.period_kind == period_kind
        ]
        points, total = rows[offset : offset + limit], len(rows)
    else:
        points, total = queries.series_points(
            conn, metric, geography, period_kind, limit=limit, offset=offset
        )
    return models.SeriesOut(metric=metric, geography=geography, as_of=as_of, points=points,
                            total=total, limit=limit, offset=offset)


@router.get(
    "/api/metrics/{metric}/vintages", response_model=models.Page[queries.Observation],
    tags=["statistics"], responses=CSV_RESPONSE)
def get_vintages(
    metric: str, conn: Conn, geography: Text = None,
    period: Annotated[str | None, Query(max_length=16, description="period key")] = None,
    fmt: Fmt = "json", limit: Limit = 100, offset: Offset = 0,
) -> models.Page[queries.Observation] | Response:
    """Every published vintage of a metric's points, with provenance."""
    items, total = queries.observations_page(conn, metric, geography, period, limit, offset)
    return listed(page_of(items, total, limit, offset), fmt, queries.Observation)


@router.get(
    "/api/overview", response_model=models.Page[models.OverviewRow], tags=["statistics"],
    responses=CSV_RESPONSE,
)
def overview(
    ctx: Ctx, conn: Conn, metric: Text = None, geography: Text = None,
    fmt: Fmt = "json", limit: Limit = 100, offset: Offset = 0,
) -> models.Page[models.OverviewRow] | Response:
    """The latest figure of each series with its growth and a mismatch flag."""
    page = overview_page(ctx, conn, metric, geography, limit, offset)
    return listed(page, fmt, models.OverviewRow)


def overview_page(
    ctx: ApiContext, conn: Connection, metric: str | None, geography: str | None,
    limit: int, offset: int,
) -> models.Page[models.OverviewRow]:
    """The overview rows of one page of series."""
    latest, total = queries.latest_page(conn, metric, geography, limit, offset)
    rows = [
        models.OverviewRow(**r.model_dump(), mismatch=_mismatch(r, ctx.growth_tolerance_pp))
        for r in latest
    ]
    return page_of(rows, total, limit, offset)


def _mismatch(r: queries.SeriesLatest, tolerance: float) -> bool:
    return (
        r.difference is not None and r.change_kind in ("percent", "percentage_points")
        and abs(r.difference) > Decimal(str(tolerance))
    )


@router.get(
    "/api/growth", response_model=models.Page[models.GrowthOut], tags=["statistics"],
    responses=CSV_RESPONSE,
)
def growth(
    ctx: Ctx, conn: Conn, metric: Text = None, geography: Text = None,
    mismatch: Annotated[bool, Query(description="only reported/computed mismatches")] = False,
    fmt: Fmt = "json", limit: Limit = 100, offset: Offset = 0,
) -> models.Page[models.GrowthOut] | Response:
    """Reported change, computed change, their difference and the implied prior value."""
    tol = ctx.growth_tolerance_pp
    items, total = queries.growth_page(
        conn, metric, geography, tol if mismatch else None, limit, offset
    )
    out = [models.GrowthOut(**g.model_dump(), is_mismatch=g.mismatch(tol)) for g in items]
    return listed(page_of(out, total, limit, offset), fmt, models.GrowthOut)


@router.get(
    "/api/yearly-totals", response_model=models.Page[queries.YearlyTotal], tags=["statistics"],
    responses=CSV_RESPONSE,
)
def yearly(
    conn: Conn, metric: Text = None, geography: Text = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    fmt: Fmt = "json", limit: Limit = 100, offset: Offset = 0,
) -> models.Page[queries.YearlyTotal] | Response:
    """Official annual figures against year-to-date totals, with the gap."""
    items, total = queries.yearly_page(conn, metric, geography, year, limit, offset)
    return listed(page_of(items, total, limit, offset), fmt, queries.YearlyTotal)
