"""The `ipmon` typer app, its shared options and helpers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from services.console import (
    JobFailed,
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
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="print the version and exit"
        ),
    ] = False,
) -> None:
    """ipmon: monitor published IP statistics and policy notices."""


def settings_from(
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


def parse_date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date YYYY-MM-DD") from None


@contextmanager
def exit_codes() -> Iterator[None]:
    """Turn a job's JobFailed into the command's exit code."""
    try:
        yield
    except JobFailed as exc:
        raise typer.Exit(exc.code) from None
