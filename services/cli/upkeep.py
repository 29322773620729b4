"""`ipmon` commands that maintain the data: rebuild, reextract, review, schemas, eval."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal

import orjson
import typer
from rich.progress import Progress

from services.cli.app import DataOpt, DbOpt, LogOpt, app, exit_codes, settings_from
from services.console import (
    console,
    err,
)


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
    from services.bootstrap import embedded_lock
    from services.datalock import DataFolderBusy
    from services.online_rebuild import RebuildBusy
    from services.rebuild import rebuild_projections

    s = settings_from(data, event_log, database)
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

    s = settings_from(data, event_log, database)
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

    s = settings_from(data, event_log, database)
    engine = projection_engine(s.resolved_database_url())
    with exit_codes(), engine.connect() as conn:
        if event_id is None:
            for v in suspects(conn):
                console.print(
                    f"{v.event_id}  {v.metric} {v.geography} {v.period_key} {v.value} "
                    f"{v.unit} (10^{v.factor} off, {v.publisher or 'unknown source'})",
                    markup=False,
                    highlight=False,
                )
            return
        if accept == reject:
            raise typer.BadParameter("give exactly one of --accept and --reject")
        try:
            event = review_event(
                conn, event_id, "accepted" if accept else "rejected", by, note, utcnow()
            )
        except ReviewRefused as exc:
            err.print(f"error: {exc}", markup=False, highlight=False)
            raise typer.Exit(1) from None
    log = make_log(s.resolved_event_log_url(), s)
    try:
        log.append([event])
    finally:
        log.close()
    err.print(
        f"recorded: {event.payload.decision} by {by.strip()} "  # type: ignore[attr-defined]
        "(projections update on the next run)",
        markup=False,
        highlight=False,
    )


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
