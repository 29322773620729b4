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


class RowsRejected(IngestError):
    """A file refused for several bad rows: each is an IngestError of its own line."""

    def __init__(self, origin: str | Path, rows: list[IngestError]) -> None:
        self.rows = rows
        more = f" (and {len(rows) - 1} more bad rows)" if len(rows) > 1 else ""
        super().__init__(origin, rows[0].problem + more, rows[0].line)


def each_error(exc: IngestError) -> list[IngestError]:
    """The errors one refusal stands for: every bad row of a file, or the refusal itself."""
    return list(exc.rows) if isinstance(exc, RowsRejected) else [exc]
