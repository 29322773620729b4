"""The `ipmon` command line (typer + rich): the app and its commands, one module per kind."""

from __future__ import annotations

from services.cli import jobs, reading, upkeep
from services.cli.app import app

__all__ = ["app", "jobs", "main", "reading", "upkeep"]


def main() -> None:
    """Console-script entry point."""
    app()
