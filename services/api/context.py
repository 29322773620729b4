"""What the web layer needs from the rest of ipmon, gathered in one object.

The API never builds adapters itself: `context_for` takes the App that bootstrap wired
and adds a read engine of its own. On SQLite that engine opens a fresh connection per
request (NullPool) because `ipmon rebuild` replaces the database file, and a pooled
connection would keep reading the old one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from events.envelope import utcnow
from events.log import EventLog
from projections.projector import Changes
from services.alerts.delivery import DeliveryStore
from services.api.csrf import secret_for
from services.api.security import is_loopback
from services.ingest.service import IngestService

if TYPE_CHECKING:
    from services.bootstrap import App

DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024


@dataclass
class ApiContext:
    """Adapters, settings and hooks of one running API."""

    engine: Engine
    log: EventLog
    ingest: IngestService | None = None
    catch_up: Callable[[], object] | None = None
    token: str | None = None
    writes_enabled: bool = True
    growth_tolerance_pp: float = 0.5
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    projector_name: str = "main"
    clock: Callable[[], datetime] = utcnow
    sinks: Sequence[Any] = field(default_factory=tuple)
    delivery: DeliveryStore | None = None
    external_url: str = "http://127.0.0.1:8000"
    csrf_secret: bytes = field(default_factory=lambda: secret_for(None))


def _sqlite_read_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def read_engine(url: str, fallback: Engine) -> Engine:
    """An engine for request handlers: unpooled on SQLite, the app's pooled one otherwise."""
    if urlparse(url).scheme != "sqlite":
        return fallback
    engine = sa.create_engine(url, poolclass=NullPool)
    sa.event.listen(engine, "connect", _sqlite_read_pragmas)
    return engine


# One lock per runner: the API's catch-up and the inbox watcher must not apply the same
# batch at once (the second would fail on the positions row the first inserted).
_RUNNER_LOCKS: dict[int, threading.Lock] = {}
_RUNNER_LOCKS_GUARD = threading.Lock()


def runner_lock(runner: object) -> threading.Lock:
    """The lock that serialises catch-ups of one embedded runner."""
    with _RUNNER_LOCKS_GUARD:
        return _RUNNER_LOCKS.setdefault(id(runner), threading.Lock())


def locked_catch_up(app: App) -> Changes:
    """Run the embedded runner until it has caught up, one caller at a time."""
    with runner_lock(app.runner):
        return app.runner.catch_up()


def context_for(
    app: App, *, host: str | None = None, embedded: bool = True,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> ApiContext:
    """The API context of a bootstrapped App.

    `embedded` makes writes visible at once by catching the projections up in-process;
    in the distributed mode the workers do that. Writes are refused when the API listens
    on a non-loopback address without a token.
    """
    s = app.settings
    bind = host or s.api_host
    token = s.api_token or None
    return ApiContext(
        engine=read_engine(s.resolved_database_url(), app.engine),
        log=app.log,
        ingest=app.ingest,
        catch_up=(lambda: locked_catch_up(app)) if embedded else None,
        token=token,
        writes_enabled=token is not None or is_loopback(bind),
        growth_tolerance_pp=s.alerts.growth_tolerance_pp,
        max_body_bytes=max_body_bytes,
        projector_name=app.projector.name,
        sinks=tuple(app.sinks),
        delivery=app.deliveries.store if app.deliveries is not None else None,
        external_url=f"http://{bind}:{s.api_port}",
        csrf_secret=secret_for(token),
    )
