"""Fast bulk inserts that skip SQLAlchemy's per-row parameter processing.

Replays write hundreds of thousands of rows; converting each value through SQLAlchemy's
type machinery costs more than the database insert itself, so rows are turned into
driver-ready tuples once, here, and handed to the DB-API `executemany`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from events.types import plain_decimal
from projections.tables import DecimalText

Row = dict[str, Any]
Convert = Callable[[Any], Any]


def _identity(v: Any) -> Any:
    return v


def _decimal(v: Decimal | None) -> str | None:
    return None if v is None else plain_decimal(v)


def _date_text(v: date | None) -> str | None:
    return None if v is None else v.isoformat()


def _bool_int(v: bool | None) -> int | None:
    return None if v is None else int(v)


def _json_text(v: Any) -> str:
    return orjson.dumps(v).decode()


def _converters(table: sa.Table, dialect: str) -> list[Convert]:
    out: list[Convert] = []
    for col in table.columns:
        t = col.type
        if isinstance(t, DecimalText):
            out.append(_decimal)
        elif isinstance(t, sa.JSON):
            if dialect == "postgresql":
                from psycopg.types.json import Json

                out.append(Json)
            else:
                out.append(_json_text)
        elif isinstance(t, sa.Date) and dialect == "sqlite":
            out.append(_date_text)
        elif isinstance(t, sa.Boolean) and dialect == "sqlite":
            out.append(_bool_int)
        else:
            out.append(_identity)
    return out


def _statement(table: sa.Table, dialect: str, ignore: bool) -> str:
    cols = ", ".join(f'"{c.name}"' for c in table.columns)
    mark = "?" if dialect == "sqlite" else "%s"
    marks = ", ".join(mark for _ in table.columns)
    name = table.name if table.schema is None else f'"{table.schema}"."{table.name}"'
    if dialect == "sqlite":
        verb = "INSERT OR IGNORE INTO" if ignore else "INSERT INTO"
        return f"{verb} {name} ({cols}) VALUES ({marks})"
    tail = " ON CONFLICT DO NOTHING" if ignore else ""
    return f"INSERT INTO {name} ({cols}) VALUES ({marks}){tail}"


def insert_rows(
    conn: Connection, table: sa.Table, rows: Sequence[Row], *, ignore_existing: bool = True
) -> None:
    """Insert rows through the driver; with `ignore_existing`, stored primary keys are skipped."""
    if not rows:
        return
    dialect = conn.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        raise ValueError(f"unsupported database dialect {dialect!r}")
    names = [c.name for c in table.columns]
    converters = _converters(table, dialect)
    special = [(i, f) for i, f in enumerate(converters) if f is not _identity]
    pick = itemgetter(*names)
    params: list[Any] = []
    for r in rows:
        values = list(pick(r))
        for i, f in special:
            values[i] = f(values[i])
        params.append(values)
    sql = _statement(table, dialect, ignore_existing)
    schema = conn.get_execution_options().get("schema_translate_map", {}).get(None)
    if schema and dialect == "postgresql":
        sql = sql.replace(f"INTO {table.name} ", f'INTO "{schema}"."{table.name}" ', 1)
    dbapi = conn.connection.driver_connection
    assert dbapi is not None
    cur = dbapi.cursor()
    try:
        cur.executemany(sql, params)
    finally:
        cur.close()


@lru_cache(maxsize=256)
def _keyed_text(table: sa.Table, cols: tuple[str, ...], n: int) -> sa.TextualSelect:
    names = ", ".join(f'"{c}"' for c in cols)
    values = ", ".join(
        "(" + ", ".join(f":k{i}_{j}" for j in range(len(cols))) + ")" for i in range(n)
    )
    on = " AND ".join(f't."{c}" = k."{c}"' for c in cols)
    select = ", ".join(f't."{c.name}"' for c in table.columns)
    sql = (
        f"WITH k({names}) AS (VALUES {values}) "
        f"SELECT {select} FROM {table.name} AS t JOIN k ON {on}"
    )
    return sa.text(sql).columns(*(sa.column(c.name, c.type) for c in table.columns))


def keyed_rows(
    conn: Connection, table: sa.Table, cols: Sequence[str], keys: Sequence[Any]
) -> list[Row]:
    """The rows of `table` whose `cols` equal one of `keys`, looked up through an index.

    A row-value `IN` list makes SQLite scan the whole table; joining a VALUES list of the
    keys lets SQLite and PostgreSQL look each key up in the index instead. The statement
    is plain text, cached per shape, because compiling thousands of literal tuples costs
    more than the query.
    """
    out: list[Row] = []
    for i in range(0, len(keys), 200):
        chunk = keys[i : i + 200]
        params = {
            f"k{n}_{j}": v
            for n, key in enumerate(chunk)
            for j, v in enumerate(key if isinstance(key, tuple) else (key,))
        }
        stmt = _keyed_text(table, tuple(cols), len(chunk))
        out.extend(dict(m) for m in conn.execute(stmt, params).mappings())
    return out


def delete_keys(
    conn: Connection, table: sa.Table, cols: Sequence[str], keys: Sequence[Any]
) -> None:
    """Delete the rows whose `cols` equal one of `keys`, one indexed lookup per key."""
    if not keys:
        return
    dialect = conn.dialect.name
    mark = "?" if dialect == "sqlite" else "%s"
    where = " AND ".join(f'"{c}" = {mark}' for c in cols)
    name = table.name
    schema = conn.get_execution_options().get("schema_translate_map", {}).get(None)
    if schema and dialect == "postgresql":
        name = f'"{schema}"."{table.name}"'
    params = [k if isinstance(k, tuple) else (k,) for k in keys]
    dbapi = conn.connection.driver_connection
    assert dbapi is not None
    cur = dbapi.cursor()
    try:
        cur.executemany(f"DELETE FROM {name} WHERE {where}", params)
    finally:
        cur.close()
