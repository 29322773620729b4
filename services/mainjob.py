"""The main job (`ipmon run`): ingest the inbox, project, alert, report, serve, keep watching."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from services.console import JobFailed, console, err, expand, ingest_paths, session
from services.inbox import Snapshot, snapshot
from services.settings import Settings

DRAIN_S = 30.0  # how long a one-shot run waits for webhook deliveries before it exits


@dataclass(frozen=True)
class JobOptions:
    """What `ipmon run` was asked to do besides its settings."""

    inbox: Path
    once: bool = False
    published: date | None = None
    serve: bool = True
    watchlist: Path | None = None
    verbose: bool = False


def run_main_job(settings: Settings, opts: JobOptions) -> None:
    """Run the main job until interrupted (or once); raises JobFailed for an exit code."""
    with session(settings, verbose=opts.verbose, exclusive=True) as application:
        application.start_delivery()
        # files dropped in from here on are ingested by the watcher, however early
        baseline = snapshot(opts.inbox)
        failed = first_pass(application, opts)
        if opts.once:
            drain(application)
            if failed:
                raise JobFailed(1)
            return
        keep_running(application, opts, baseline)


def first_pass(application: Any, opts: JobOptions) -> bool:
    """Ingest what is there, poll the sources once, project, report; True if a file failed."""
    from services.report import print_report

    inbox = opts.inbox
    result = ingest_paths(application, expand([inbox]) if inbox.exists() else [], opts.published)
    if opts.watchlist is not None:
        poll_sources(application, opts.watchlist)
    changes = application.runner.catch_up()
    if application.runner.reconcile_alerts():
        changes.merge(application.runner.catch_up())
    err.print(
        f"ingested {len(result.events)} events ({result.new} new) from {inbox}; "
        f"applied {changes.applied} to projections, {len(changes.rejected)} dead-lettered"
    )
    with application.engine.connect() as conn:
        print_report(console, conn, application.settings.alerts.growth_tolerance_pp)
    return bool(result.errors)


def keep_running(application: Any, opts: JobOptions, baseline: Snapshot) -> None:
    """Serve the dashboard, poll the watch list and watch the inbox until interrupted."""
    s = application.settings
    server = sources = None
    stop_sources = threading.Event()
    try:
        if opts.serve:
            from services.api.server import start_background

            server = start_background(application, s.api_host, s.api_port)
        if opts.watchlist is not None:
            from services.ingest.sources import watch

            # the inbox loop projects for both, so the source thread only ingests
            sources = threading.Thread(
                target=watch, args=(application, opts.watchlist, stop_sources),
                kwargs={"project": False}, daemon=True, name="ipmon-sources",
            )
            sources.start()
        watch_folder(application, opts.inbox, opts.published, baseline)
    finally:
        stop_sources.set()
        if sources is not None:
            sources.join(30)
        if server is not None:
            server.stop()


def drain(application: Any, timeout: float = DRAIN_S) -> None:
    """Give the webhook outboxes time to deliver before a one-shot run exits."""
    if application.deliveries is None:
        return
    for name in application.deliveries.drain(timeout):
        err.print(f"[yellow]webhook {name}[/]: notifications still undelivered; "
                  "the next run or watch sends them")


def poll_sources(application: Any, watchlist: Path) -> None:
    """Poll every source of a watch list once; a broken watch list ends the job (2)."""
    from services.ingest.sources import WatchlistError, poll_watchlist_once

    try:
        polled, _ = poll_watchlist_once(application, watchlist)
    except WatchlistError as exc:
        err.print(f"[red]error[/] {exc}")
        raise JobFailed(2) from None
    for url, problem in polled.failed.items():
        err.print(f"[yellow]source failed[/] {url}: {problem}")


def watch_folder(application: Any, inbox: Path, when: date | None, baseline: Snapshot) -> None:
    """Ingest, project and report each group of files that settles in the inbox."""
    from services.api.context import locked_catch_up
    from services.inbox import watch_inbox
    from services.report import print_report

    inbox.mkdir(parents=True, exist_ok=True)
    err.print(f"watching {inbox} (Ctrl-C to stop)")
    stop = threading.Event()

    def handle(files: list[Path]) -> None:
        result = ingest_paths(application, files, when)
        changes = locked_catch_up(application)
        if result.new or changes.applied:
            err.print(f"{len(files)} file(s): {result.new} new events")
            with application.engine.connect() as conn:
                print_report(console, conn, application.settings.alerts.growth_tolerance_pp)

    try:
        watch_inbox(inbox, handle, stop, baseline)
    except KeyboardInterrupt:
        stop.set()
