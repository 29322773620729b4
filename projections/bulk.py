"""Keyed access for code that holds a connection but no store (the read models).

The work is done by the projection store of the connection's database
(`projections.store`); these functions only find it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from projections.store import store_of
from projections.store.port import Row


def insert_rows(
    conn: Connection, table: sa.Table, rows: Sequence[Row], *, ignore_existing: bool = True
) -> None:
    """Insert rows in bulk; with `ignore_existing`, stored primary keys are skipped."""
    store_of(conn.engine).insert(conn, table, rows, ignore_existing=ignore_existing)


def keyed_rows(
    conn: Connection, table: sa.Table, cols: Sequence[str], keys: Sequence[Any]
) -> list[Row]:
    """The rows of `table` whose `cols` equal one of `keys`, looked up through an index."""
    if not keys:
        return []
    return store_of(conn.engine).read(conn, table, cols, keys)


def delete_keys(
    conn: Connection, table: sa.Table, cols: Sequence[str], keys: Sequence[Any]
) -> None:
    """Delete the rows whose `cols` equal one of `keys`."""
    if keys:
        store_of(conn.engine).delete(conn, table, cols, keys)
