"""What every query shares: rows to DTOs, keyed and filtered selects, counting and paging.

Paged queries return (items, total) so callers can render "page n of m" without a second
round of filters; every list that grows with the corpus is paged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from projections import tables
from projections.queries.models import DTO

M = TypeVar("M", bound=DTO)
MAX_ROWS = 2**31 - 1  # a LIMIT that limits nothing

Rows = sa.CursorResult[Any] | Iterable[Mapping[str, Any]]


def to_models(model: type[M], rows: Rows, *, trusted: bool = False) -> list[M]:
    """Rows (a result or mappings) as `model` DTOs.

    `trusted` rows come typed from ipmon's own tables, so they are wrapped without
    validating each field again (this runs for every batch the projector applies).
    """
    if isinstance(rows, sa.CursorResult):
        keys = tuple(rows.keys())
        rows = (dict(zip(keys, row, strict=True)) for row in rows)
    if trusted:
        return [cast(M, model.model_construct(**r)) for r in rows]
    return [model.model_validate(dict(r)) for r in rows]


def first_model(model: type[M], conn: Connection, stmt: sa.Select[Any]) -> M | None:
    """The first row of `stmt` as a `model` DTO, or None when there is none."""
    found = to_models(model, conn.execute(stmt.limit(1)))
    return found[0] if found else None


def keyed(table: sa.Table, cols: Sequence[str], keys: Iterable[Any] | None) -> sa.Select[Any]:
    """Every row of `table`, or only those whose `cols` are one of `keys`."""
    stmt = sa.select(table)
    if keys is not None:
        key_list = list(keys)
        if len(cols) == 1:
            stmt = stmt.where(table.c[cols[0]].in_(key_list))
        else:
            stmt = stmt.where(sa.tuple_(*(table.c[c] for c in cols)).in_(key_list))
    return stmt


def unretracted(stmt: sa.Select[Any], table: sa.Table = tables.observations) -> sa.Select[Any]:
    """`stmt` without the facts of `table` that a later event retracted."""
    r = tables.retractions
    return stmt.where(table.c.event_id.not_in(sa.select(r.c.retracted_event_id)))


def count(conn: Connection, stmt: sa.Select[Any]) -> int:
    """How many rows `stmt` selects."""
    return int(conn.execute(sa.select(sa.func.count()).select_from(stmt.subquery())).scalar_one())


def page(stmt: sa.Select[Any], limit: int | None, offset: int) -> sa.Select[Any]:
    """`stmt` limited to one page."""
    stmt = stmt.offset(offset) if offset else stmt
    return stmt.limit(limit) if limit is not None else stmt


def equal(stmt: sa.Select[Any], table: sa.Table, **filters: Any) -> sa.Select[Any]:
    """`stmt` narrowed to rows whose columns equal every filter that is not None."""
    for column, value in filters.items():
        if value is not None:
            stmt = stmt.where(table.c[column] == value)
    return stmt


def paged(
    conn: Connection,
    stmt: sa.Select[Any],
    order: Sequence[Any],
    model: type[M],
    limit: int | None,
    offset: int,
) -> tuple[list[M], int]:
    """One page of `stmt` in `order` as models, with the total count before paging."""
    total = count(conn, stmt)
    return to_models(model, conn.execute(page(stmt.order_by(*order), limit, offset))), total
