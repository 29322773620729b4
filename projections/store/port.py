"""The projection store: what the projector asks of the database that holds its tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

Row = dict[str, Any]


class ProjectionStore(Protocol):
    """Keyed, set-at-a-time access to the projection tables of one database.

    Every method runs inside a transaction the caller owns (`conn`), so that state and
    positions commit together. Keys are scalars for one key column, tuples for several.
    """

    engine: Engine

    def insert(
        self, conn: Connection, table: sa.Table, rows: Sequence[Row], *, ignore_existing: bool
    ) -> None:
        """Insert rows; with `ignore_existing`, rows whose primary key is stored are skipped."""
        ...

    def delete(
        self, conn: Connection, table: sa.Table, cols: Sequence[str], keys: Sequence[Any]
    ) -> None:
        """Delete the rows whose `cols` equal one of `keys`."""
        ...

    def read(
        self,
        conn: Connection,
        table: sa.Table,
        cols: Sequence[str],
        keys: Sequence[Any],
        columns: Sequence[str] | None = None,
    ) -> list[Row]:
        """The rows whose `cols` equal one of `keys`, as dicts of `columns` (default: all)."""
        ...

    def present(
        self, conn: Connection, table: sa.Table, col: str, keys: Sequence[Any]
    ) -> set[Any]:
        """Which of `keys` are stored in the column `col`."""
        ...

    def positions(
        self, conn: Connection, projector: str, partitions: Sequence[str] | None = None
    ) -> dict[str, int]:
        """The last applied offset of each partition (of those named, when named)."""
        ...

    def advance(self, conn: Connection, projector: str, latest: Mapping[str, int]) -> None:
        """Move each partition's stored offset up to `latest`, never back."""
        ...

    def lock_partitions(self, conn: Connection, projector: str, labels: Sequence[str]) -> None:
        """Hold the partitions until the transaction ends, so one writer applies each batch."""
        ...
