"""The FastAPI application: JSON API, dashboard, static files and /metrics."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.api import dashboard, forms, registry_routes, routes, status, writes
from services.api.context import ApiContext
from services.api.csrf import same_origin_only
from services.api.security import BodyLimitMiddleware, SecurityHeadersMiddleware

STATIC = Path(__file__).with_name("static")
JSON_PATHS = ("/healthz", "/readyz", "/metrics", "/openapi.json")


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path in JSON_PATHS


def create_app(ctx: ApiContext) -> FastAPI:
    """Build the web application over one API context."""
    app = FastAPI(
        title="ipmon",
        version="1",
        summary="Published Chinese IP statistics, policy notices, city pilots and alerts.",
        description=(
            "Read models of the ipmon projections. Write endpoints (document upload, "
            "acknowledge, silence) need `Authorization: Bearer <IPMON_API_TOKEN>`."
        ),
        # the interactive docs pages load scripts from a CDN; the dashboard works offline
        docs_url=None, redoc_url=None, dependencies=[Depends(same_origin_only)],
    )
    app.state.ctx = ctx
    app.include_router(routes.router)
    app.include_router(registry_routes.router)
    app.include_router(writes.router)
    app.include_router(dashboard.router)
    app.include_router(forms.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    registry = status.registry(ctx)

    @app.get("/metrics", include_in_schema=True, tags=["ops"],
             response_class=Response, responses={200: {"content": {"text/plain": {}}}})
    def metrics() -> Response:
        """Prometheus metrics: events applied, lag, newest event age, alerts, dead letters."""
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                                headers=getattr(exc, "headers", None))
        return dashboard.error_page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": _jsonable(exc.errors())}, status_code=422)
        return dashboard.error_page(request, 422, "invalid request parameters")

    # the last added runs first: the 413 of an oversized body gets the headers, too
    app.add_middleware(BodyLimitMiddleware, max_bytes=ctx.max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware)
    return app


def _jsonable(errors: object) -> object:
    from fastapi.encoders import jsonable_encoder

    return jsonable_encoder(errors)
