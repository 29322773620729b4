"""What both stores share: turning rows into driver tuples and reading positions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from projections import tables
from projections.store.port import Row

Convert = Callable[[Any], Any]


def identity(v: Any) -> Any:
    """The value as it is (a column the driver adapts by itself)."""
    return v


def params(table: sa.Table, rows: Sequence[Row], converters: Sequence[Convert]) -> list[Any]:
    """Rows as lists of driver-ready values in column order.

    Converting each value through SQLAlchemy's type machinery costs more than the insert
    itself on a replay, so only the columns that need it are converted, once, here.
    """
    pick = itemgetter(*(c.name for c in table.columns))
    special = [(i, f) for i, f in enumerate(converters) if f is not identity]
    out: list[Any] = []
    for r in rows:
        values = list(pick(r))
        for i, f in special:
            values[i] = f(values[i])
        out.append(values)
    return out


def read_positions(
    conn: Connection, projector: str, partitions: Sequence[str] | None
) -> dict[str, int]:
    """The stored offsets of one projector, of the named partitions or of all."""
    p = tables.positions
    query = sa.select(p.c.partition, p.c.offset).where(p.c.projector == projector)
    if partitions is not None:
        query = query.where(p.c.partition.in_(list(partitions)))
    return {part: int(off) for part, off in conn.execute(query)}


def as_tuples(keys: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Keys as tuples, whether given as scalars (one key column) or tuples."""
    return [k if isinstance(k, tuple) else (k,) for k in keys]
