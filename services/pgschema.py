"""PostgreSQL projections live in one named schema, so a rebuild can swap a whole schema.

The live tables sit in the schema named by the URL's ``schema`` query parameter (default
``ipmon``), reached through the connection's ``search_path``: the table definitions stay
schema-less and SQLite is untouched. A rebuild (`services.online_rebuild`) replays the
log into a fresh schema (``<live>_rebuild``, via SQLAlchemy's ``schema_translate_map``)
while the workers keep committing to the live one, catches up with them, and swaps the
schemas in one transaction, so readers see the old tables or the new, never a half-built
state.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

DEFAULT_SCHEMA = "ipmon"
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,50}$")


def split_url(url: str) -> tuple[URL, str]:
    """The psycopg URL without the ``schema`` parameter, and the schema it named."""
    parsed = make_url(url)
    schema = parsed.query.get("schema", DEFAULT_SCHEMA)
    if not isinstance(schema, str) or not _NAME.match(schema):
        raise ValueError(f"schema must be a lower-case SQL identifier, got {schema!r}")
    parsed = parsed.difference_update_query(["schema"]).set(drivername="postgresql+psycopg")
    return parsed, schema


def postgres_engine(url: str) -> Engine:
    """An engine whose connections see the live projection schema first (created if absent)."""
    parsed, schema = split_url(url)
    engine = sa.create_engine(
        parsed, pool_pre_ping=True, connect_args={"options": f"-c search_path={schema}"}
    )
    _create_schema(engine, schema)
    return engine


def _create_schema(engine: Engine, schema: str) -> None:
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    except sa.exc.IntegrityError:
        # two processes racing on IF NOT EXISTS: the loser fails, the schema exists
        pass
