"""What both stores share: turning rows into driver tuples and reading positions."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from decimal import Decimal
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from events.types import plain_decimal
from projections import tables
from projections.store.port import Row

Convert = Callable[[Any], Any]


def identity(v: Any) -> Any:
    """The value as it is (a column the driver adapts by itself)."""
    return v


def decimal_text(v: Decimal | None) -> str | None:
    """`plain_decimal`, without its normalising for the usual value that has no exponent."""
    if v is None:
        return None
    text = str(v)
    if "E" in text:
        return plain_decimal(v)
    # str() of a decimal without exponent is plain already; only trailing zeros may remain
    return text.rstrip("0").rstrip(".") if "." in text else text


class Remembered(dict[Any, Any]):
    """A conversion computed once per distinct value of one batch (None stays None).

    Hits are a dictionary lookup in C: a batch repeats its dates and figures across the
    vintages of a period. A falsy value (a zero, whose sign the text keeps though both
    zeros compare equal) is converted every time, never answered for another.
    """

    def __init__(self, convert: Convert) -> None:
        super().__init__({None: None})
        self.convert = convert

    def __missing__(self, key: Any) -> Any:
        value = self.convert(key)
        if key:
            self[key] = value
        return value


def params(
    table: sa.Table,
    rows: Sequence[Row],
    converters: Sequence[Convert],
    remembered: Collection[Convert] = (decimal_text,),
) -> list[Any]:
    """Rows as tuples of driver-ready values in column order.

    Converting each value through SQLAlchemy's type machinery costs more than the insert
    itself on a replay, so only the columns that need it are converted, once, here; the
    work runs column by column in `map` and `zip`, with no Python loop per row, and the
    `remembered` conversions (of immutable, hashable values) once per distinct value.
    """
    columns = []
    for c, f in zip(table.columns, converters, strict=True):
        values: Iterator[Any] = map(itemgetter(c.name), rows)
        if f is not identity:
            values = map(Remembered(f).__getitem__ if f in remembered else f, values)
        columns.append(values)
    return list(zip(*columns, strict=True))


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
