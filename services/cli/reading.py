"""`ipmon` commands that read: extraction of one document, report, export, tail."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, Literal

import orjson
import typer

from services.cli.app import DataOpt, DbOpt, LogOpt, app, exit_codes, parse_date, settings_from
from services.console import (
    console,
    err,
)


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
        f = read_document(file, parse_date(published))
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
    _print_table(events[1:])


def _print_table(events: list[Any]) -> None:
    """The facts of `extract --format table`: type, fact in a line, sentence."""
    from rich.table import Table

    t = Table("type", "fact", "sentence")
    for e in events:
        t.add_row(e.event_type, _fact_line(e.payload), e.source.sentence if e.source else "")
    console.print(t)


def _fact_line(p: Any) -> str:
    """One fact in a line: a statistic with its change, a notice, an unresolved figure."""
    from events import PolicyNoticeIssued, StatisticPublished, StatisticUnresolved
    from services.report import human

    if isinstance(p, StatisticPublished):
        change = p.reported_change
        moved = (
            f" {'+' if change.direction == 'up' else '-'}"
            f"{change.percent or change.percentage_points or change.absolute}"
            f"{'%' if change.percent is not None else ''} ({change.basis})"
            if change
            else ""
        )
        return f"{p.metric} {p.geography} {p.period.key}: {human(p.value, p.unit)}{moved}"
    if isinstance(p, PolicyNoticeIssued):
        return f"{p.type}: {p.title or p.description} [{', '.join(i.id for i in p.issuers)}]"
    if isinstance(p, StatisticUnresolved):
        return f"{p.metric} ({p.period_kind}) {p.value_text or ''}: no year; {p.reason}"
    return ", ".join(f"{k}={v}" for k, v in p.model_dump().items() if v is not None)


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

    s = settings_from(data, event_log, database)
    engine = projection_engine(s.resolved_database_url())
    with exit_codes():
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
    dataset: Annotated[
        str,
        typer.Argument(
            help="observations, series, growth, yearly-totals, pilots, notices or alerts"
        ),
    ],
    fmt: Annotated[ExportFormat, typer.Option("--format", help="csv, jsonl or parquet")] = "csv",
    out: Annotated[Path | None, typer.Option("--out", help="file (default stdout)")] = None,
    data: DataOpt = None,
    database: DbOpt = None,
) -> None:
    """Write a read model with typed columns (numbers, dates, instants) for analysis tools."""
    from services.bootstrap import projection_engine
    from services.export import ExportError
    from services.export import export as export_rows

    engine = projection_engine(settings_from(data, None, database).resolved_database_url())
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

    s = settings_from(data, event_log, database)
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
