"""What the command line shows: consoles, logging, ingestion with progress, one session."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.progress import Progress

from services.settings import Settings

if TYPE_CHECKING:
    from services.bootstrap import App
    from services.ingest.service import IngestResult

console = Console()
err = Console(stderr=True)


class JobFailed(Exception):
    """A command ends with an exit code after printing why."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def configure_logging(verbose: bool) -> None:
    """Log through rich to stderr; quiet the chattiest libraries."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(message)s",
        handlers=[RichHandler(console=err, show_path=False, show_time=False)],
        force=True,
    )
    for noisy in ("kafka", "aiokafka", "faust", "mode", "watchfiles"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


@contextmanager
def session(settings: Settings, *, verbose: bool = False, exclusive: bool = False) -> Iterator[App]:
    """A bootstrapped application for one command, closed however the command ends.

    `exclusive` holds the data folder's lock; a folder another process holds ends the
    command with exit code 1 and a message naming that process.
    """
    from projections.schema import SchemaDrift
    from services.bootstrap import bootstrap
    from services.datalock import DataFolderBusy

    configure_logging(verbose)
    try:
        application = bootstrap(settings, exclusive=exclusive)
    except (DataFolderBusy, SchemaDrift) as exc:
        refuse(exc)
    try:
        yield application
    finally:
        application.close()


def refuse(exc: Exception) -> NoReturn:
    """Print why a command cannot start and end it with exit code 1."""
    err.print(f"[red]error[/] {escape(str(exc))}", highlight=False)
    raise JobFailed(1) from None


def expand(paths: list[Path]) -> list[Path]:
    """Folders replaced by the inbox files inside them; files of other kinds are named."""
    from services.ingest.service import inbox_files, not_read_reason, unread_files

    out: list[Path] = []
    for p in paths:
        if not p.is_dir():
            out.append(p)
            continue
        out.extend(inbox_files(p))
        for q in unread_files(p):
            err.print(f"[yellow]skipped[/] {escape(not_read_reason(q))}")
    return out


def ingest_paths(application: App, paths: list[Path], published: date | None) -> IngestResult:
    """Ingest files with a progress bar, printing each refusal and error."""
    from services.ingest.service import IngestResult

    total = IngestResult()
    if not paths:
        return total
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("ingesting", total=len(paths))
        total = application.ingest.ingest_paths(
            paths, published, progress=lambda _p: bar.advance(task)
        )
    for e in total.errors:
        err.print(f"[red]error[/] {e}")
    for w in total.warnings:
        err.print(f"[yellow]refused[/] {w}")
    return total
