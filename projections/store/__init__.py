"""Projection stores: one interface (`port.ProjectionStore`), a SQLite and a PostgreSQL adapter."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from projections.store.port import ProjectionStore


def store_of(target: Engine | ProjectionStore) -> ProjectionStore:
    """The store itself, or the store of an engine's database for callers holding only one.

    The composition root picks the store by URL; this covers tools and tests that build an
    engine directly.
    """
    if not isinstance(target, Engine):
        return target
    name = target.dialect.name
    if name == "sqlite":
        from projections.store.sqlite import SqliteStore

        return SqliteStore(target)
    if name == "postgresql":
        from projections.store.postgres import PostgresStore

        return PostgresStore(target)
    raise ValueError(f"unsupported database dialect {name!r}: use SQLite or PostgreSQL")
