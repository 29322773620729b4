"""The SQLite projection store: prepared `executemany` of plain tuples, VALUES-list lookups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine

from projections import tables
from projections.store.common import (
    Convert,
    Remembered,
    as_tuples,
    decimal_text,
    identity,
    params,
    read_positions,
)
from projections.store.port import Row
from projections.tables import DecimalText


def _date_text(v: date | None) -> str | None:
    return None if v is None else v.isoformat()


def _bool_int(v: bool | None) -> int | None:
    return None if v is None else int(v)


def _json_text(v: Any) -> str:
    return orjson.dumps(v).decode()


def _converters(table: sa.Table) -> list[Convert]:
    out: list[Convert] = []
    for col in table.columns:
        t = col.type
        if isinstance(t, DecimalText):
            out.append(decimal_text)
        elif isinstance(t, sa.JSON):
            out.append(_json_text)
        elif isinstance(t, sa.Date):
            out.append(_date_text)
        elif isinstance(t, sa.Boolean):
            out.append(_bool_int)
        else:
            out.append(identity)
    return out


@lru_cache(maxsize=256)
def _insert_sql(table: sa.Table, ignore: bool) -> str:
    cols = ", ".join(f'"{c.name}"' for c in table.columns)
    marks = ", ".join("?" for _ in table.columns)
    verb = "INSERT OR IGNORE INTO" if ignore else "INSERT INTO"
    return f"{verb} {table.name} ({cols}) VALUES ({marks})"


@lru_cache(maxsize=256)
def _keyed_sql(table: sa.Table, cols: tuple[str, ...], n: int, columns: tuple[str, ...]) -> str:
    names = ", ".join(f'"{c}"' for c in cols)
    row = "(" + ", ".join("?" for _ in cols) + ")"
    on = " AND ".join(f't."{c}" = k."{c}"' for c in cols)
    select = ", ".join(f't."{c}"' for c in columns)
    return (
        f"WITH k({names}) AS (VALUES {', '.join([row] * n)}) "
        f"SELECT {select} FROM {table.name} AS t JOIN k ON {on}"
    )


def _decimal(v: str | None) -> Decimal | None:
    return None if v is None else Decimal(v)


def _date(v: str | None) -> date | None:
    return None if v is None else date.fromisoformat(v)


def _bool(v: int | None) -> bool | None:
    return None if v is None else bool(v)


def _json(v: str | bytes | None) -> Any:
    return None if v is None else orjson.loads(v)


@lru_cache(maxsize=256)
def _result_converters(
    table: sa.Table, columns: tuple[str, ...]
) -> tuple[tuple[int, Convert], ...]:
    """Columns whose stored text is read back as SQLAlchemy's types would give it."""
    out: list[tuple[int, Convert]] = []
    for i, name in enumerate(columns):
        t = table.c[name].type
        if isinstance(t, DecimalText):
            out.append((i, _decimal))
        elif isinstance(t, sa.JSON):
            out.append((i, _json))
        elif isinstance(t, sa.Date):
            out.append((i, _date))
        elif isinstance(t, sa.Boolean):
            out.append((i, _bool))
    return tuple(out)


def _as_dicts(
    names: tuple[str, ...], convert: Sequence[tuple[int, Convert]], fetched: list[Any]
) -> list[Row]:
    """Fetched tuples as dicts, converted column by column (JSON freshly per row: mutable)."""
    if not fetched:
        return []
    if convert:
        columns: list[Any] = list(zip(*fetched, strict=True))
        for j, f in convert:
            memo = f if f is _json else Remembered(f).__getitem__
            columns[j] = map(memo, columns[j])
        fetched = list(zip(*columns, strict=True))
    return [dict(zip(names, values, strict=True)) for values in fetched]


def _executemany(conn: Connection, sql: str, values: Sequence[Sequence[Any]]) -> None:
    dbapi = conn.connection.driver_connection
    assert dbapi is not None
    cur = dbapi.cursor()
    try:
        cur.executemany(sql, values)
    finally:
        cur.close()


class SqliteStore:
    """Projection tables in one SQLite file (the embedded store)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def insert(
        self, conn: Connection, table: sa.Table, rows: Sequence[Row], *, ignore_existing: bool
    ) -> None:
        """Insert rows with one prepared statement; `ignore_existing` skips stored keys."""
        if rows:
            _executemany(conn, _insert_sql(table, ignore_existing), self.values_of(table, rows))

    @staticmethod
    def values_of(table: sa.Table, rows: Sequence[Row]) -> list[Any]:
        """The rows as the tuples of values the driver writes, in column order."""
        return params(table, rows, _converters(table), (decimal_text, _date_text))

    def delete(
        self, conn: Connection, table: sa.Table, cols: Sequence[str], keys: Sequence[Any]
    ) -> None:
        """Delete the rows of `keys`, one indexed lookup per key."""
        if keys:
            where = " AND ".join(f'"{c}" = ?' for c in cols)
            _executemany(conn, f"DELETE FROM {table.name} WHERE {where}", as_tuples(keys))

    def read(
        self,
        conn: Connection,
        table: sa.Table,
        cols: Sequence[str],
        keys: Sequence[Any],
        columns: Sequence[str] | None = None,
    ) -> list[Row]:
        """The rows of `keys`, joined against a VALUES list so each key uses the index.

        A row-value `IN` list makes SQLite scan the whole table. The statement is plain
        text cached per shape, run on the driver's cursor with the columns converted here:
        compiling literal tuples or SQLAlchemy's row processing cost more than the query.
        """
        names = tuple(columns) if columns is not None else tuple(c.name for c in table.columns)
        convert = _result_converters(table, names)
        dbapi = conn.connection.driver_connection
        assert dbapi is not None
        fetched: list[Any] = []
        for i in range(0, len(keys), 200):
            chunk = as_tuples(keys[i : i + 200])
            flat = [v for key in chunk for v in key]
            sql = _keyed_sql(table, tuple(cols), len(chunk), names)
            fetched += dbapi.execute(sql, flat).fetchall()
        return _as_dicts(names, convert, fetched)

    def present(
        self, conn: Connection, table: sa.Table, col: str, keys: Sequence[Any]
    ) -> set[Any]:
        """Which of `keys` the column holds, looked up 400 at a time."""
        found: set[Any] = set()
        column = table.c[col]
        for i in range(0, len(keys), 400):
            chunk = list(keys[i : i + 400])
            found.update(conn.execute(sa.select(column).where(column.in_(chunk))).scalars())
        return found

    def positions(
        self, conn: Connection, projector: str, partitions: Sequence[str] | None = None
    ) -> dict[str, int]:
        """The last applied offset of each partition."""
        return read_positions(conn, projector, partitions)

    def advance(self, conn: Connection, projector: str, latest: Mapping[str, int]) -> None:
        """Upsert the offsets, keeping a stored one that is further on."""
        if not latest:
            return
        p = tables.positions
        stmt = sqlite_insert(p).values(
            [{"projector": projector, "partition": k, "offset": v} for k, v in latest.items()]
        )
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[p.c.projector, p.c.partition],
                set_={"offset": sa.func.max(p.c.offset, stmt.excluded.offset)},
            )
        )

    def lock_partitions(self, conn: Connection, projector: str, labels: Sequence[str]) -> None:
        """Take the file's write lock now, before this transaction reads any position.

        SQLite has one writer at a time, but a deferred transaction takes the lock at its
        first write: reading positions before it would read what another writer is about
        to move. A write that changes nothing takes the lock and waits for the holder.
        """
        if labels:
            conn.exec_driver_sql(
                'UPDATE projection_positions SET "offset" = "offset" WHERE projector = ? AND 0',
                (projector,),
            )
