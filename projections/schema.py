"""The projection schema's fingerprint, stored beside the tables it describes.

`create_all` only creates missing tables, so a table whose definition changed in a new
release would be kept as it was and silently misread. The fingerprint is a hash of the DDL
of every projection table (as PostgreSQL and SQLite would create it); a database holds the
fingerprint of the definitions it was created with, and `ensure` refuses one that differs.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import cache

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.schema import CreateIndex, CreateTable

from projections import tables

_meta = sa.MetaData()
schema_table = sa.Table(
    "projection_schema",
    _meta,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("written_at", sa.String(40), nullable=False),
)
_ROW = "projections"
# one advisory lock key for "someone is creating the projection tables" on PostgreSQL
_CREATE_LOCK = 0x1F0_5C4E


class SchemaDrift(RuntimeError):
    """The projection tables were created from other definitions than this version's."""

    def __init__(self, where: str, stored: str | None, expected: str) -> None:
        self.where, self.stored, self.expected = where, stored, expected
        found = f"schema {stored[:12]}" if stored else "no schema fingerprint (an older ipmon)"
        super().__init__(
            f"the projection tables in {where} carry {found}, this ipmon expects "
            f"schema {expected[:12]}; run `ipmon rebuild` to replay the event log into "
            "tables of the current layout"
        )


@cache
def current() -> str:
    """The fingerprint of this version's projection tables."""
    return fingerprint(tables.metadata)


def fingerprint(meta: sa.MetaData) -> str:
    """The SHA-256 of the DDL of every table and index of `meta`, on both databases."""
    ddl: list[str] = []
    # the psycopg dialect class is untyped in SQLAlchemy
    for dialect in (postgresql.dialect(), sqlite.dialect()):  # type: ignore[no-untyped-call]
        for table in meta.sorted_tables:
            ddl.append(str(CreateTable(table).compile(dialect=dialect)).strip())
            for index in sorted(table.indexes, key=lambda i: str(i.name)):
                ddl.append(str(CreateIndex(index).compile(dialect=dialect)).strip())
    return hashlib.sha256("\n;\n".join(ddl).encode()).hexdigest()


def stored(conn: Connection) -> str | None:
    """The fingerprint a database holds, None when it holds none."""
    if not sa.inspect(conn).has_table(schema_table.name):
        return None
    row = conn.execute(
        sa.select(schema_table.c.fingerprint).where(schema_table.c.name == _ROW)
    ).first()
    return None if row is None else str(row.fingerprint)


def stamp(conn: Connection, value: str | None = None) -> None:
    """Record that the tables of this database follow the current definitions."""
    _meta.create_all(conn)
    conn.execute(sa.delete(schema_table).where(schema_table.c.name == _ROW))
    conn.execute(sa.insert(schema_table).values(
        name=_ROW, fingerprint=value or current(),
        written_at=datetime.now(UTC).isoformat(timespec="seconds"),
    ))


def where(engine: Engine) -> str:
    """The database of an engine as a message names it (no password)."""
    return engine.url.render_as_string(hide_password=True)


def ensure(engine: Engine) -> None:
    """Create and stamp the tables of a new database; raise SchemaDrift on a mismatch.

    Runs in one transaction that other starting processes wait for (an advisory lock on
    PostgreSQL, `BEGIN IMMEDIATE` on SQLite), so none of them sees tables without a stamp.
    """
    expected = current()
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_CREATE_LOCK)))
        found = stored(conn)
        if found is None and _has_projection_tables(conn):
            raise SchemaDrift(where(engine), None, expected)
        if found is not None and found != expected:
            raise SchemaDrift(where(engine), found, expected)
        if found is None:
            tables.metadata.create_all(conn)
            stamp(conn, expected)
        conn.commit()


def _has_projection_tables(conn: Connection) -> bool:
    present = set(sa.inspect(conn).get_table_names())
    return any(t.name in present for t in tables.metadata.sorted_tables)
