"""The PostgreSQL projection store: COPY in, keys passed as one JSON parameter.

Per-row statements, even pipelined, cost a round of parsing, planning and executor
start-up per key on the server, and long literal ``VALUES`` lists are re-parsed by the
driver on every call; both dominated the worker's batches. So rows go in with ``COPY``
and keyed lookups and deletes join the keys unpacked from one JSON text parameter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection, Engine

from projections import tables
from projections.store.common import (
    Convert,
    as_tuples,
    decimal_text,
    identity,
    params,
    read_positions,
)
from projections.store.port import Row
from projections.tables import DecimalText, IsoTime, instant_text

_CHUNK = 10_000  # keys per statement: each JSON parameter stays a few hundred kB


def _text_decimal(v: str | None) -> Decimal | None:
    return None if v is None else Decimal(v)


def _instant_text(v: Any) -> str | None:
    return None if v is None else instant_text(v)


def _result_converters(table: sa.Table, columns: Sequence[str]) -> list[tuple[int, Convert]]:
    """Columns whose values psycopg returns otherwise than the SQLite store does.

    psycopg parses dates, numbers and JSON already; decimals stored as text become
    Decimals and instants become the ISO text events write, as they read from SQLite.
    """
    out: list[tuple[int, Convert]] = []
    for i, name in enumerate(columns):
        col = table.c[name]
        if isinstance(col.type, DecimalText):
            out.append((i, _text_decimal))
        elif isinstance(col.type, IsoTime):
            out.append((i, _instant_text))
    return out


def _converters(table: sa.Table) -> list[Convert]:
    from psycopg.types.json import Json

    out: list[Convert] = []
    for col in table.columns:
        if isinstance(col.type, DecimalText):
            out.append(decimal_text)
        elif isinstance(col.type, sa.JSON):
            out.append(Json)
        else:
            out.append(identity)
    return out


def _name(conn: Connection, table: sa.Table) -> str:
    """The table's name as PostgreSQL must see it, honouring ``schema_translate_map``."""
    schema = conn.get_execution_options().get("schema_translate_map", {}).get(None)
    schema = schema or table.schema
    return f'"{schema}"."{table.name}"' if schema else f'"{table.name}"'


def _pg_type(col: sa.Column[Any]) -> str:
    return "bigint" if isinstance(col.type, sa.Integer) else "text"


@lru_cache(maxsize=256)
def _keys_source(table: sa.Table, cols: tuple[str, ...]) -> tuple[str, str]:
    """(FROM/USING item, join condition) that match `cols` against a JSON list of keys.

    The driver adapts a Python list to an array element by element (a regular expression
    per string), which cost more than the lookup itself for batches of ten thousand keys;
    one JSON text of ``[c1, c2, ...]`` arrays costs one parse on the server.
    """
    picks = ", ".join(f'(e.v->>{i})::{_pg_type(table.c[c])} AS "{c}"' for i, c in enumerate(cols))
    on = " AND ".join(f't."{c}" = k."{c}"' for c in cols)
    return f"(SELECT {picks} FROM json_array_elements(%s::json) AS e(v)) AS k", on


def _chunks(keys: Sequence[Any]) -> list[tuple[str]]:
    tuples = as_tuples(keys)
    return [(orjson.dumps(tuples[i : i + _CHUNK]).decode(),) for i in range(0, len(keys), _CHUNK)]


def _cursor(conn: Connection) -> Any:
    dbapi = conn.connection.driver_connection
    assert dbapi is not None
    return dbapi.cursor()


def _copy(cur: Any, name: str, cols: str, values: Sequence[Sequence[Any]]) -> None:
    with cur.copy(f"COPY {name} ({cols}) FROM STDIN") as copy:
        for v in values:
            copy.write_row(v)


class PostgresStore:
    """Projection tables in one PostgreSQL schema (the distributed store)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def insert(
        self, conn: Connection, table: sa.Table, rows: Sequence[Row], *, ignore_existing: bool
    ) -> None:
        """COPY the rows in; with `ignore_existing`, fall back to ON CONFLICT when one clashes.

        COPY cannot skip stored keys, so it runs inside a savepoint: the usual batch has no
        clash and costs one COPY; one that has (an event appended twice, a redelivered
        alert) is rolled back to the savepoint and inserted with ``ON CONFLICT DO NOTHING``,
        which keeps the first row exactly as before.
        """
        if not rows:
            return
        from psycopg.errors import UniqueViolation

        values = params(table, rows, _converters(table))
        name = _name(conn, table)
        cols = ", ".join(f'"{c.name}"' for c in table.columns)
        with _cursor(conn) as cur:
            if not ignore_existing:
                _copy(cur, name, cols, values)
                return
            cur.execute("SAVEPOINT ipmon_bulk_copy")
            try:
                _copy(cur, name, cols, values)
            except UniqueViolation:
                cur.execute("ROLLBACK TO SAVEPOINT ipmon_bulk_copy")
                cur.execute("RELEASE SAVEPOINT ipmon_bulk_copy")
                marks = ", ".join("%s" for _ in table.columns)
                sql = f"INSERT INTO {name} ({cols}) VALUES ({marks}) ON CONFLICT DO NOTHING"
                cur.executemany(sql, values)
            else:
                cur.execute("RELEASE SAVEPOINT ipmon_bulk_copy")

    def delete(
        self, conn: Connection, table: sa.Table, cols: Sequence[str], keys: Sequence[Any]
    ) -> None:
        """Delete the rows of `keys`, joined against the keys of one JSON parameter."""
        source, on = _keys_source(table, tuple(cols))
        sql = f"DELETE FROM {_name(conn, table)} AS t USING {source} WHERE {on}"
        with _cursor(conn) as cur:
            for param in _chunks(keys):
                cur.execute(sql, param)

    def read(
        self,
        conn: Connection,
        table: sa.Table,
        cols: Sequence[str],
        keys: Sequence[Any],
        columns: Sequence[str] | None = None,
    ) -> list[Row]:
        """The rows of `keys`, joined against the keys of one JSON parameter."""
        from psycopg.types.json import set_json_loads

        names = list(columns) if columns is not None else [c.name for c in table.columns]
        source, on = _keys_source(table, tuple(cols))
        select = ", ".join(f't."{c}"' for c in names)
        sql = f"SELECT {select} FROM {_name(conn, table)} AS t JOIN {source} ON {on}"
        convert = _result_converters(table, names)
        out: list[Row] = []
        with _cursor(conn) as cur:
            # the standard library's JSON parser was a tenth of the fetch time
            set_json_loads(orjson.loads, cur)
            for param in _chunks(keys):
                cur.execute(sql, param)
                for values in cur.fetchall():
                    if convert:
                        values = list(values)
                        for j, f in convert:
                            values[j] = f(values[j])
                    out.append(dict(zip(names, values, strict=True)))
        return out

    def present(
        self, conn: Connection, table: sa.Table, col: str, keys: Sequence[Any]
    ) -> set[Any]:
        """Which of `keys` the column holds, in one keyed statement per 10,000 keys."""
        source, on = _keys_source(table, (col,))
        sql = f'SELECT t."{col}" FROM {_name(conn, table)} AS t JOIN {source} ON {on}'
        found: set[Any] = set()
        with _cursor(conn) as cur:
            for param in _chunks(keys):
                cur.execute(sql, param)
                found.update(v for (v,) in cur.fetchall())
        return found

    def positions(
        self, conn: Connection, projector: str, partitions: Sequence[str] | None = None
    ) -> dict[str, int]:
        """The last applied offset of each partition."""
        return read_positions(conn, projector, partitions)

    def advance(self, conn: Connection, projector: str, latest: Mapping[str, int]) -> None:
        """One upsert for every partition, keeping a stored offset that is further on."""
        if not latest:
            return
        p = tables.positions
        stmt = pg_insert(p).values(
            [{"projector": projector, "partition": k, "offset": v} for k, v in latest.items()]
        )
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[p.c.projector, p.c.partition],
                set_={"offset": sa.func.greatest(p.c.offset, stmt.excluded.offset)},
            )
        )

    def lock_partitions(self, conn: Connection, projector: str, labels: Sequence[str]) -> None:
        """Transaction-scoped advisory locks, taken in the sorted order of `labels`.

        During a rebalance the old and the new owner of a partition may both hold a batch
        of it for a moment; the lock makes the second wait and then skip what the first
        committed. Sorted order means two workers cannot deadlock.
        """
        if not labels:
            return
        conn.execute(
            sa.text(
                "SELECT pg_advisory_xact_lock(hashtextextended(u.k, 0))"
                " FROM unnest(CAST(:keys AS text[])) WITH ORDINALITY AS u(k, n) ORDER BY u.n"
            ),
            {"keys": [f"{projector}/{label}" for label in sorted(labels)]},
        )
