"""Ingestion errors that name the file, the line and the problem."""

from __future__ import annotations

from pathlib import Path


class IngestError(ValueError):
    """Input that ipmon refuses; nothing from it was stored."""

    def __init__(self, origin: str | Path, problem: str, line: int | None = None) -> None:
        self.origin = str(origin)
        self.line = line
        self.problem = problem
        where = f"{self.origin}:{line}" if line is not None else self.origin
        super().__init__(f"{where}: {problem}")
