"""Readiness and Prometheus metrics of the API, over the metrics shared with the workers.

Everything is read at scrape time from the database (and the log's head), so `ipmon api`
reports the workers' progress even though it applies nothing itself.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry
from sqlalchemy.engine import Connection

from services.api.context import ApiContext
from services.metrics import Lag, Sources, registry_for
from services.metrics import lag as log_lag


def sources(ctx: ApiContext) -> Sources:
    """What the metrics of one API context read."""
    return Sources(ctx.engine, ctx.log, ctx.projector_name, ctx.clock, ctx.delivery)


def lag(ctx: ApiContext, conn: Connection) -> Lag:
    """How far the projections are behind the log."""
    return log_lag(ctx.log, ctx.projector_name, conn)


def registry(ctx: ApiContext) -> CollectorRegistry:
    """The registry `/metrics` of the API serves."""
    return registry_for(sources(ctx))
