"""`ipmon` commands that run jobs: the main job, workers, the API, ingestion, watching."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated

import typer

from services.cli.app import DataOpt, DbOpt, LogOpt, app, exit_codes, parse_date, settings_from
from services.console import (
    JobFailed,
    configure_logging,
    err,
    expand,
    ingest_paths,
    session,
)


@app.command()
def run(
    inbox: Annotated[Path, typer.Option(help="folder of documents and feeds to ingest")] = Path(
        "inbox"
    ),
    data: DataOpt = None,
    event_log: LogOpt = None,
    database: DbOpt = None,
    once: Annotated[bool, typer.Option("--once", help="process the inbox, report, exit")] = False,
    published: Annotated[str | None, typer.Option(help="date for documents without one")] = None,
    host: Annotated[str | None, typer.Option(help="dashboard address (default 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="dashboard port (default 8000)")] = None,
    serve: Annotated[bool, typer.Option(help="serve the API and dashboard while watching")] = True,
    alerts_config: Annotated[Path | None, typer.Option(help="alert rules TOML file")] = None,
    watchlist: Annotated[
        Path | None, typer.Option(help="TOML watch list of pages and feeds to poll")
    ] = None,
    verbose: bool = False,
) -> None:
    """The main job: ingest the inbox, keep watching it, project, alert, report, serve."""
    from services.mainjob import JobOptions, run_main_job

    s = settings_from(
        data,
        event_log,
        database,
        inbox=inbox,
        api_host=host,
        api_port=port,
        alerts_config=alerts_config,
    )
    opts = JobOptions(inbox, once, parse_date(published), serve, watchlist, verbose)
    with exit_codes():
        run_main_job(s, opts)


@app.command()
def worker(
    data: DataOpt = None,
    event_log: LogOpt = None,
    database: DbOpt = None,
    metrics_port: Annotated[
        int | None, typer.Option(help="port of this worker's /metrics (default 8001, 0: none)")
    ] = None,
    verbose: bool = False,
) -> None:
    """Run a faust projection worker (Kafka -> projections); scale out by partitions."""
    from projections.schema import SchemaDrift
    from services.console import refuse
    from services.processor.worker import run_worker

    configure_logging(verbose)
    s = settings_from(data, event_log, database, worker_metrics_port=metrics_port)
    with exit_codes():
        try:
            run_worker(s)
        except SchemaDrift as exc:
            refuse(exc)


@app.command()
def api(
    data: DataOpt = None,
    event_log: LogOpt = None,
    database: DbOpt = None,
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="port to listen on")] = None,
    verbose: bool = False,
) -> None:
    """Serve the read API and dashboard over projections that workers maintain."""
    from services.api.server import serve

    s = settings_from(data, event_log, database, api_host=host, api_port=port)
    with exit_codes(), session(s, verbose=verbose) as application:
        serve(application, embedded=False)


@app.command()
def ingest(
    targets: Annotated[list[str], typer.Argument(help="files, folders or http(s) URLs")],
    published: Annotated[str | None, typer.Option(help="publication date YYYY-MM-DD")] = None,
    data: DataOpt = None,
    event_log: LogOpt = None,
    database: DbOpt = None,
    verbose: bool = False,
) -> None:
    """Ingest documents, feeds and web pages into the event log."""
    from services.ingest.sources import FeedOutcome, FetchError, ingest_url

    when = parse_date(published)
    urls = [t for t in targets if t.startswith(("http://", "https://"))]
    paths = [Path(t) for t in targets if t not in urls]
    s = settings_from(data, event_log, database)
    with exit_codes(), session(s, verbose=verbose) as application:
        result = ingest_paths(application, expand(paths), when)
        count, new, failed = len(result.events), result.new, bool(result.errors)
        for url in urls:
            try:
                out = ingest_url(application, url, published=when)
            except FetchError as exc:
                err.print(f"[red]error[/] {exc}")
                failed = True
                continue
            count += len(out.events)
            new += out.new
            if isinstance(out, FeedOutcome) and out.failures:
                failed = True
                for f in out.failures:
                    err.print(f"[red]error[/] {f}")
        err.print(f"{count} events, {new} new")
        if failed:
            raise JobFailed(1)


@app.command(name="watch")
def watch_cmd(
    watchlist: Annotated[Path, typer.Argument(help="TOML watch list of pages and feeds")],
    data: DataOpt = None,
    event_log: LogOpt = None,
    database: DbOpt = None,
    verbose: bool = False,
) -> None:
    """Poll the pages and RSS/Atom feeds of a watch list on their schedules."""
    from services.ingest.sources import WatchlistError, watch

    s = settings_from(data, event_log, database)
    stop = threading.Event()
    with exit_codes(), session(s, verbose=verbose, exclusive=True) as application:
        try:
            application.start_delivery()
            application.runner.catch_up()
            watch(application, watchlist, stop)
        except WatchlistError as exc:
            err.print(f"[red]error[/] {exc}")
            raise JobFailed(2) from None
        except KeyboardInterrupt:
            stop.set()
