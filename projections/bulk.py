"""Fast bulk inserts that skip SQLAlchemy's per-row parameter processing.

Replays write hundreds of thousands of rows; converting each value through SQLAlchemy's
type machinery costs more than the database insert itself, so rows are turned into
driver-ready tuples once, here, and handed to the DB-API `executemany`.

PostgreSQL gets set-based statements instead: rows go in with ``COPY``, and keyed lookups
and deletes pass all their keys as one JSON parameter. Per-row statements, even pipelined,
cost a round of parsing, planning and executor start-up per key on the server, and long
literal ``VALUES`` lists are re-parsed by the driver on every call; both dominated the
worker's batches.
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
    if dialect == "postgresql":
        _pg_insert(conn, table, params, sql, ignore_existing)
        return
    dbapi = conn.connection.driver_connection
    assert dbapi is not None
    cur = dbapi.cursor()
    try:
        cur.executemany(sql, params)
    finally:
        cur.close()


def _pg_name(conn: Connection, table: sa.Table) -> str:
    """The table's name as PostgreSQL must see it, honouring ``schema_translate_map``."""
    schema = conn.get_execution_options().get("schema_translate_map", {}).get(None)
    schema = schema or table.schema
    return f'"{schema}"."{table.name}"' if schema else f'"{table.name}"'


def _pg_copy(cur: Any, name: str, cols: str, params: Sequence[Sequence[Any]]) -> None:
    with cur.copy(f"COPY {name} ({cols}) FROM STDIN") as copy:
        for values in params:
            copy.write_row(values)


def _pg_insert(
    conn: Connection, table: sa.Table, params: list[Any], sql: str, ignore_existing: bool
) -> None:
    """COPY the rows in; with `ignore_existing`, fall back to ON CONFLICT when one clashes.

    COPY cannot skip rows whose key is stored already, so it runs inside a savepoint:
    the usual batch has no clash and costs one COPY; a batch with one (an event appended
    twice, a redelivered alert) is rolled back to the savepoint and inserted row-wise with
    ``ON CONFLICT DO NOTHING``, which keeps the first row exactly as before.
    """
    name = _pg_name(conn, table)
    cols = ", ".join(f'"{c.name}"' for c in table.columns)
    dbapi = conn.connection.driver_connection
    assert dbapi is not None
    cur = dbapi.cursor()
    try:
        if not ignore_existing:
            _pg_copy(cur, name, cols, params)
            return
        from psycopg.errors import UniqueViolation

        cur.execute("SAVEPOINT ipmon_bulk_copy")
        try:
            _pg_copy(cur, name, cols, params)
        except UniqueViolation:
            cur.execute("ROLLBACK TO SAVEPOINT ipmon_bulk_copy")
            cur.execute("RELEASE SAVEPOINT ipmon_bulk_copy")
            cur.executemany(sql, params)
        else:
            cur.execute("RELEASE SAVEPOINT ipmon_bulk_copy")
    finally:
        cur.close()


def _pg_type(col: sa.Column[Any]) -> str:
    return "bigint" if isinstance(col.type, sa.Integer) else "text"


@lru_cache(maxsize=256)
def _pg_keys(table: sa.Table, cols: tuple[str, ...]) -> tuple[str, str]:
    """(FROM/USING item, join condition) that match `cols` against a JSON list of keys.

    The keys travel as one JSON text parameter, a list of ``[c1, c2, ...]`` arrays: the
    driver adapts a Python list to an array element by element (a regular expression per
    string), which cost more than the lookup itself for batches of ten thousand keys.
    """
    picks = ", ".join(f'(e.v->>{i})::{_pg_type(table.c[c])} AS "{c}"' for i, c in enumerate(cols))
    on = " AND ".join(f't."{c}" = k."{c}"' for c in cols)
    return f"(SELECT {picks} FROM json_array_elements(%s::json) AS e(v)) AS k", on


def _pg_param(keys: Sequence[Any], cols: tuple[str, ...]) -> tuple[str]:
    """Keys (scalars or tuples) as the JSON list of arrays `_pg_keys` unpacks."""
    if len(cols) == 1:
        keys = [k if isinstance(k, tuple) else (k,) for k in keys]
    return (orjson.dumps(keys).decode(),)


def _pg_result_converters(table: sa.Table) -> list[tuple[int, Convert]]:
    # psycopg returns dates, numbers and parsed JSON already; only the decimals that are
    # stored as text need SQLAlchemy's result processing
    return [
        (i, _text_decimal)
        for i, col in enumerate(table.columns)
        if isinstance(col.type, DecimalText)
    ]


def _text_decimal(v: str | None) -> Decimal | None:
    return None if v is None else Decimal(v)


def _pg_keyed_rows(
    conn: Connection, table: sa.Table, cols: tuple[str, ...], keys: Sequence[Any]
) -> list[Row]:
    source, on = _pg_keys(table, cols)
    select = ", ".join(f't."{c.name}"' for c in table.columns)
    sql = f"SELECT {select} FROM {_pg_name(conn, table)} AS t JOIN {source} ON {on}"
    names = [c.name for c in table.columns]
    convert = _pg_result_converters(table)
    dbapi = conn.connection.driver_connection
    assert dbapi is not None
    from psycopg.types.json import set_json_loads

    out: list[Row] = []
    cur = dbapi.cursor()
    # alert evidence and notice issuers come back as JSON; the standard library's parser
    # was a tenth of the fetch time, orjson returns the same objects
    set_json_loads(orjson.loads, cur)
    try:
        # one statement per 10,000 keys keeps each parameter a few hundred kB
        for i in range(0, len(keys), 10_000):
            cur.execute(sql, _pg_param(keys[i : i + 10_000], cols))
            for values in cur.fetchall():
                if convert:
                    values = list(values)
                    for j, f in convert:
                        values[j] = f(values[j])
                out.append(dict(zip(names, values, strict=True)))
    finally:
        cur.close()
    return out


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
    keys lets it look each key up in the index instead. The statement is plain text,
    cached per shape, because compiling thousands of literal tuples costs more than the
    query. PostgreSQL joins the keys unpacked from one JSON parameter (`_pg_keyed_rows`).
    """
    if not keys:
        return []
    if conn.dialect.name == "postgresql":
        return _pg_keyed_rows(conn, table, tuple(cols), keys)
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
    if dialect == "postgresql":
        source, on = _pg_keys(table, tuple(cols))
        sql = f"DELETE FROM {_pg_name(conn, table)} AS t USING {source} WHERE {on}"
        driver = conn.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor:
            for i in range(0, len(keys), 10_000):
                cursor.execute(sql, _pg_param(keys[i : i + 10_000], tuple(cols)))
        return
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
