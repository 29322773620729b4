"""Serving the API: blocking for `ipmon api`, in a background thread for `ipmon run`."""

from __future__ import annotations

import gc
import logging
import socket
import threading
import time
from dataclasses import dataclass

import uvicorn

from services.api import dashboard
from services.api.app import create_app
from services.api.context import context_for
from services.api.security import is_loopback
from services.bootstrap import App

log = logging.getLogger("ipmon.api")


def _config(app: App, host: str, port: int, embedded: bool) -> uvicorn.Config:
    ctx = context_for(app, host=host, embedded=embedded)
    if not ctx.writes_enabled:
        log.warning(
            "serving on %s without IPMON_API_TOKEN: write endpoints are disabled", host
        )
    elif not is_loopback(host):
        log.info("write endpoints on %s need the bearer token", host)
    web = create_app(ctx)
    _settle_heap()
    return uvicorn.Config(
        web, host=host, port=port, log_level="warning", access_log=False,
        # keep request bodies bounded before they reach the app, too
        h11_max_incomplete_event_size=64 * 1024, server_header=False,
    )


def _settle_heap() -> None:
    """Compile the templates, then take everything start-up built out of the collector's walk.

    A full garbage collection walks every tracked object. Without this, each one walks the
    modules, app, models and templates too and stalls the request it lands in by tens of
    milliseconds; frozen, it walks only what requests allocated.
    """
    templates = dashboard.env()
    for name in templates.list_templates(extensions=["html"]):
        templates.get_template(name)
    gc.collect()
    gc.freeze()


def serve(app: App, host: str | None = None, port: int | None = None, *,
          embedded: bool = False) -> None:
    """Serve the API and dashboard until interrupted (`ipmon api`)."""
    h = host or app.settings.api_host
    p = port if port is not None else app.settings.api_port
    log.info("serving http://%s:%d", h, p)
    uvicorn.Server(_config(app, h, p, embedded)).run()


@dataclass
class BackgroundServer:
    """A server running in a daemon thread; `stop()` shuts it down."""

    server: uvicorn.Server
    thread: threading.Thread
    host: str
    port: int

    @property
    def url(self) -> str:
        """The base URL it answers on."""
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        """Ask the server to exit and wait for its thread."""
        self.server.should_exit = True
        self.thread.join(timeout=10)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def start_background(app: App, host: str | None = None, port: int | None = None, *,
                     embedded: bool = True, startup_timeout_s: float = 30.0) -> BackgroundServer:
    """Start serving in a thread (`ipmon run`); returns once it accepts connections."""
    h = host or app.settings.api_host
    p = port if port is not None else app.settings.api_port
    if p == 0:
        p = free_port(h)
    server = uvicorn.Server(_config(app, h, p, embedded))
    thread = threading.Thread(target=server.run, name="ipmon-api", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout_s
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError(f"the API server could not start on {h}:{p}")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the API server did not start on {h}:{p} in time")
        time.sleep(0.05)
    log.info("dashboard at http://%s:%d", h, p)
    return BackgroundServer(server, thread, h, p)
