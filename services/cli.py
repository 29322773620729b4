"""The `ipmon` command line (typer + rich)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import orjson
import typer
from rich.progress import Progress

from services.console import (
    JobFailed,
    configure_logging,
    console,
    err,
    expand,
    ingest_paths,
    session,
)
from services.settings import Settings

app = typer.Typer(
    help="ipmon: monitor published IP statistics and policy notices.",
    no_args_is_help=True,
    add_completion=False,
)

DataOpt = Annotated[Path | None, typer.Option("--data", help="data folder (default ./ipmon-data)")]
LogOpt = Annotated[str | None, typer.Option("--event-log", help="event log URL (sqlite/kafka)")]
DbOpt = Annotated[str | None, typer.Option("--database", help="projections database URL")]


def _version(show: bool) -> None:
    if show:
        from importlib.metadata import version

        typer.echo(f"ipmon {version('ipmon')}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="print the version and exit")] = False,
) -> None:
    """ipmon: monitor published IP statistics and policy notices."""


def _settings(
    data: Path | None, event_log: str | None, database: str | None, **extra: Any
) -> Settings:
    overrides: dict[str, Any] = {k: v for k, v in extra.items() if v is not None}
    if data is not None:
        overrides["data_dir"] = data
    if event_log is not None:
        overrides["event_log_url"] = event_log
    if database is not None:
        overrides["database_url"] = database
    return Settings(**overrides)


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date YYYY-MM-DD") from None


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

    s = _settings(data, event_log, database, inbox=inbox, api_host=host, api_port=port,
                  alerts_config=alerts_config)
    opts = JobOptions(inbox, once, _date(published), serve, watchlist, verbose)
    with _exit_codes():
        run_main_job(s, opts)


@contextmanager
def _exit_codes() -> Iterator[None]:
    """Turn a job's JobFailed into the command's exit code."""
    try:
        yield
    except JobFailed as exc:
        raise typer.Exit(exc.code) from None


@app.command()
def worker(
    data: DataOpt = None,
    event_log: LogOpt = None,
    database: DbOpt = None,
    metrics_port: Annotated[int | None, typer.Option(
        help="port of this worker's /metrics (default 8001, 0: none)")] = None,
    verbose: bool = False,
) -> None:
    """Run a faust projection worker (Kafka -> projections); scale out by partitions."""
    from projections.schema import SchemaDrift
    from services.console import refuse
    from services.processor.worker import run_worker

    configure_logging(verbose)
    s = _settings(data, event_log, database, worker_metrics_port=metrics_port)
    with _exit_codes():
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

    s = _settings(data, event_log, database, api_host=host, api_port=port)
    with _exit_codes(), session(s, verbose=verbose) as application:
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

    when = _date(published)
    urls = [t for t in targets if t.startswith(("http://", "https://"))]
    paths = [Path(t) for t in targets if t not in urls]
    s = _settings(data, event_log, database)
    with _exit_codes(), session(s, verbose=verbose) as application:
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

    s = _settings(data, event_log, database)
    stop = threading.Event()
    with _exit_codes(), session(s, verbose=verbose, exclusive=True) as application:
        try:
            application.start_delivery()
            application.runner.catch_up()
            watch(application, watchlist, stop)
        except WatchlistError as exc:
            err.print(f"[red]error[/] {exc}")
            raise JobFailed(2) from None
        except KeyboardInterrupt:
            stop.set()


@app.command()
def extract(
    file: Path,
    published: Annotated[str | None, typer.Option(help="publication date YYYY-MM-DD")] = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl or table")] = "jsonl",
) -> None:
    """Print the events a document yields, one JSON object per line; store nothing."""
    from services.ingest.documents import read_document
    from services.ingest.errors import IngestError
    from services.ingest.extract import Document
    from services.ingest.extract.base import ExtractionError
    from services.ingest.service import document_events, text_problems

    try:
        f = read_document(file, _date(published))
    except IngestError as exc:
        err.print(f"[red]error[/] {exc}")
        raise typer.Exit(1) from None
    doc = Document(f.text, f.published, f.title, f.url, f.publisher, dated=f.dated)
    try:
        events = document_events(doc, origin=str(file))
    except ExtractionError as exc:
        line = f.body_line + doc.text.count("\n", 0, exc.span.start)
        err.print(f"[red]error[/] {IngestError(file, exc.problem, line)}")
        raise typer.Exit(1) from None
    for problem in text_problems(doc, str(file), f.body_line):
        err.print(f"[yellow]refused[/] {problem}")
    if fmt == "jsonl":
        out = sys.stdout.buffer
        for e in events:
            out.write(e.model_dump_json(by_alias=True).encode() + b"\n")
        out.flush()
        return
    if fmt != "table":
        raise typer.BadParameter("--format is jsonl or table")
    from rich.table import Table

    from events import PolicyNoticeIssued, StatisticPublished, StatisticUnresolved
    from services.report import human

    t = Table("type", "fact", "sentence")
    for e in events[1:]:
        p = e.payload
        if isinstance(p, StatisticPublished):
            change = p.reported_change
            moved = (
                f" {'+' if change.direction == 'up' else '-'}"
                f"{change.percent or change.percentage_points or change.absolute}"
                f"{'%' if change.percent is not None else ''} ({change.basis})"
                if change
                else ""
            )
            fact = f"{p.metric} {p.geography} {p.period.key}: {human(p.value, p.unit)}{moved}"
        elif isinstance(p, PolicyNoticeIssued):
            fact = f"{p.type}: {p.title or p.description} [{', '.join(i.id for i in p.issuers)}]"
        elif isinstance(p, StatisticUnresolved):
            fact = f"{p.metric} ({p.period_kind}) {p.value_text or ''}: no year; {p.reason}"
        else:
            fact = ", ".join(f"{k}={v}" for k, v in p.model_dump().items() if v is not None)
        t.add_row(e.event_type, fact, e.source.sentence if e.source else "")
    console.print(t)


@app.command()
def report(
    data: DataOpt = None,
    event_log: LogOpt = None,
    database: DbOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of tables")] = False,
) -> None:
    """Print the projections: yearly totals, growth, pilots, notices, alerts."""
    from projections.schema import SchemaDrift, ensure
    from services.bootstrap import projection_engine
    from services.console import refuse
    from services.report import collect, print_report

    s = _settings(data, event_log, database)
    engine = projection_engine(s.resolved_database_url())
    with _exit_codes():
        try:
            ensure(engine)
        except SchemaDrift as exc:
            engine.dispose()
            refuse(exc)
    with engine.connect() as conn:
        if as_json:
            sys.stdout.buffer.write(
                orjson.dumps(
                    collect(conn, s.alerts.growth_tolerance_pp), option=orjson.OPT_INDENT_2
                )
                + b"\n"
            )
        else:
            print_report(console, conn, s.alerts.growth_tolerance_pp)
    engine.dispose()


ExportFormat = Literal["csv", "jsonl", "parquet"]


@app.command()
def export(
    dataset: Annotated[str, typer.Argument(
        help="observations, series, growth, yearly-totals, pilots, notices or alerts")],
    fmt: Annotated[ExportFormat, typer.Option("--format", help="csv, jsonl or parquet")] = "csv",
    out: Annotated[Path | None, typer.Option("--out", help="file (default stdout)")] = None,
    data: DataOpt = None,
    database: DbOpt = None,
) -> None:
    """Write a read model with typed columns (numbers, dates, instants) for analysis tools."""
    from services.bootstrap import projection_engine
    from services.export import ExportError
    from services.export import export as export_rows

    engine = projection_engine(_settings(data, None, database).resolved_database_url())
    try:
        with engine.connect() as conn:
            body = export_rows(conn, dataset, fmt)
    except ExportError as exc:
        err.print(f"[red]error[/] {exc}")
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    if out is None:
        sys.stdout.buffer.write(body)
    else:
        out.write_bytes(body)


@app.command()
def rebuild(
    data: DataOpt = None,
    event_log: LogOpt = None,
    database: DbOpt = None,
) -> None:
    """Replay the whole log into fresh projection tables, then swap them in.

    On PostgreSQL the workers keep serving the live tables meanwhile; the swap waits for
    their current batches and they carry on against the new tables.
    """
    from services.bootstrap import DataFolderBusy, embedded_lock
    from services.online_rebuild import RebuildBusy
    from services.rebuild import rebuild_projections

    s = _settings(data, event_log, database)
    try:
        lock = embedded_lock(s)
    except DataFolderBusy as exc:
        err.print(f"[red]error[/] {exc}")
        raise typer.Exit(1) from None
    try:
        with Progress(console=err, transient=True) as bar:
            task = bar.add_task("replaying", total=None)
            totals = rebuild_projections(s, progress=lambda n: bar.advance(task, n))
    except RebuildBusy as exc:
        err.print(f"[red]error[/] {exc}")
        raise typer.Exit(1) from None
    finally:
        if lock is not None:
            lock.release()
    err.print(f"rebuilt from {totals.applied} events; {len(totals.rejected)} unreadable")


@app.command()
def reextract(
    data: DataOpt = None,
    event_log: LogOpt = None,
    database: DbOpt = None,
) -> None:
    """Run the current extractor over every stored document; append new facts, retract gone."""
    from services.bootstrap import event_log as make_log
    from services.ingest.reextract import reextract as run_reextract

    s = _settings(data, event_log, database)
    log = make_log(s.resolved_event_log_url(), s)
    try:
        with Progress(console=err, transient=True) as bar:
            task = bar.add_task("re-extracting", total=None)
            result = run_reextract(log, progress=lambda n: bar.advance(task, n))
    finally:
        log.close()
    err.print(
        f"{result.documents} documents re-extracted by {result.version}: "
        f"{len(result.added)} new facts, {len(result.reinstated)} reinstated, "
        f"{len(result.retracted)} retracted (projections update on the next run)",
        markup=False,
        highlight=False,
    )


@app.command()
def review(
    event_id: Annotated[str | None, typer.Argument(help="statistic event id to decide on")] = None,
    accept: Annotated[bool, typer.Option("--accept", help="the value is right")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="the value is wrong")] = False,
    by: Annotated[str, typer.Option(help="who decides (recorded in the event)")] = "",
    note: Annotated[str | None, typer.Option(help="why")] = None,
    data: DataOpt = None,
    event_log: LogOpt = None,
    database: DbOpt = None,
) -> None:
    """List values held out as suspected scale errors, or accept or reject one."""
    from events.envelope import utcnow
    from services.bootstrap import event_log as make_log
    from services.bootstrap import projection_engine
    from services.reviews import ReviewRefused, review_event, suspects

    s = _settings(data, event_log, database)
    engine = projection_engine(s.resolved_database_url())
    with _exit_codes(), engine.connect() as conn:
        if event_id is None:
            for v in suspects(conn):
                console.print(f"{v.event_id}  {v.metric} {v.geography} {v.period_key} {v.value} "
                          f"{v.unit} (10^{v.factor} off, {v.publisher or 'unknown source'})",
                          markup=False, highlight=False)
            return
        if accept == reject:
            raise typer.BadParameter("give exactly one of --accept and --reject")
        try:
            event = review_event(conn, event_id, "accepted" if accept else "rejected", by, note,
                                 utcnow())
        except ReviewRefused as exc:
            err.print(f"error: {exc}", markup=False, highlight=False)
            raise typer.Exit(1) from None
    log = make_log(s.resolved_event_log_url(), s)
    try:
        log.append([event])
    finally:
        log.close()
    err.print(f"recorded: {event.payload.decision} by {by.strip()} "  # type: ignore[attr-defined]
              "(projections update on the next run)", markup=False, highlight=False)


@app.command()
def tail(
    stream: Annotated[str, typer.Option(help="stream to follow, e.g. statistics")] = "statistics",
    follow: Annotated[bool, typer.Option(help="keep waiting for new events")] = True,
    from_beginning: Annotated[bool, typer.Option(help="start at the oldest event")] = True,
    data: DataOpt = None,
    event_log: LogOpt = None,
    database: DbOpt = None,
) -> None:
    """Print a stream's events as JSON lines, as a downstream consumer sees them."""
    from events.log import advance
    from services.bootstrap import event_log as make_log

    s = _settings(data, event_log, database)
    log = make_log(s.resolved_event_log_url(), s)
    out = sys.stdout.buffer
    try:
        cursor: dict[str, int] = {}
        if not from_beginning:
            while batch := log.read(stream, cursor, 10000):
                cursor = advance(cursor, batch)
        import time

        while True:
            batch = log.read(stream, cursor, 1000)
            for r in batch:
                out.write(r.data + b"\n")
            out.flush()
            cursor = advance(cursor, batch)
            if not batch:
                if not follow:
                    return
                time.sleep(s.poll_interval_s)
    except KeyboardInterrupt:
        pass
    finally:
        log.close()


@app.command()
def schemas(
    out: Annotated[
        Path | None, typer.Option(help="folder to write (default: the package's)")
    ] = None,
    check: Annotated[bool, typer.Option(help="fail if the stored schemas are stale")] = False,
) -> None:
    """Write the JSON Schema of every event type and the AsyncAPI document of the topics."""
    from events.jsonschema import SCHEMA_DIR
    from services.schemafiles import schema_files

    target = out or SCHEMA_DIR
    files = schema_files()
    stale = []
    for name, data in files.items():
        path = target / name
        if check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(name)
            continue
        target.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if check and stale:
        err.print(f"[red]stale schemas[/]: {', '.join(stale)}; run `ipmon schemas`")
        raise typer.Exit(1)
    err.print(f"{'checked' if check else 'wrote'} {len(files)} files in {target}")


HoldoutOpt = Annotated[
    Literal["include", "only", "exclude"],
    typer.Option(
        "--holdout",
        help="include (default), only or exclude the fixed hold-out (sha256(id) % 5 == 0)",
    ),
]


@app.command(name="eval")
def evaluate_cmd(
    paths: Annotated[list[Path], typer.Argument(help="labelled corpus files (passages.json)")],
    only: Annotated[
        list[str] | None, typer.Option("--only", help="score only ids matching this glob")
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", help="skip ids matching this glob")
    ] = None,
    holdout: HoldoutOpt = "include",
    verbose: Annotated[bool, typer.Option("--verbose", help="list misses and extras")] = False,
    reveal_holdout: Annotated[
        bool, typer.Option("--reveal-holdout", help="with --verbose, list hold-out failures too")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of tables")] = False,
) -> None:
    """Precision, recall and F1 of extraction against labelled corpora, overall and per group."""
    from services.ingest import evaluate as ev

    selection = ev.Selection(tuple(only or ()), tuple(exclude or ()), holdout)
    try:
        report = ev.evaluate(paths, selection, verbose=verbose, reveal_holdout=reveal_holdout)
    except ev.CorpusError as exc:
        err.print(f"[red]error[/] {exc}", markup=True, highlight=False)
        raise typer.Exit(2) from None
    if as_json:
        data = ev.as_json(report, selection=selection.describe())
        sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")
        return
    ev.render(report, console, header=selection.describe())


def main() -> None:
    """Console-script entry point."""
    app()
