"""A batch's touched keys as one JSON parameter, joined by the queries that read them.

A batch touches tens of thousands of periods. Sent as one JSON text they cost one parse on
the server, and every statement over them is a join driven by the keys (an index lookup
per key) instead of a row-value IN list, which SQLite answers by scanning the table and
PostgreSQL refuses when it nests thousands deep.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

# a period's key carries its year too (the four digits every period key begins with):
# with statistics that lag a growing table PostgreSQL reached each period through the
# (metric, geography, year) index on the first two columns alone, reading its whole series
PERIOD = ("metric", "geography", "period_key", "year")
YEAR = ("metric", "geography", "year")
SERIES = ("metric", "geography")
ALERT = ("rule", "key")
INTEGER = frozenset({"year"})  # key columns that are integers; every other one is text


@dataclass(frozen=True, slots=True)
class Keys:
    """Keys of one shape, encoded once for any number of statements."""

    cols: tuple[str, ...]
    text: str
    count: int

    @classmethod
    def of(cls, cols: Sequence[str], keys: Iterable[Sequence[Any]]) -> Keys:
        """The distinct `keys`, each a tuple of values of `cols`."""
        rows = list({tuple(k) for k in keys})
        return cls(tuple(cols), orjson.dumps(rows).decode(), len(rows))

    @classmethod
    def of_periods(cls, periods: Iterable[tuple[str, str, str]]) -> Keys:
        """(metric, geography, period key) triples, each with its year."""
        return cls.of(PERIOD, ((m, g, pk, int(pk[:4])) for m, g, pk in periods))

    def source(self, conn: Connection, name: str = "k") -> sa.Subquery:
        """The keys as a subquery of columns `cols` to join tables with."""
        sql = _source_sql(conn.dialect.name, self.cols, f"{name}_keys")
        types = [sa.column(c, sa.Integer if c in INTEGER else sa.String) for c in self.cols]
        text = sa.text(sql).bindparams(sa.bindparam(f"{name}_keys", self.text, type_=sa.String))
        return text.columns(*types).subquery(name)

    def on(self, keys: sa.Subquery, table: sa.FromClause) -> sa.ColumnElement[bool]:
        """The join condition of `keys` to `table` on every key column."""
        return sa.and_(*(table.c[c] == keys.c[c] for c in self.cols))


@functools.cache
def _source_sql(dialect: str, cols: tuple[str, ...], param: str) -> str:
    # the one place the two databases differ: how a JSON array of arrays becomes rows
    if dialect == "postgresql":
        picks = ", ".join(
            f"CAST(e.v->>{i} AS bigint) AS \"{c}\"" if c in INTEGER else f"e.v->>{i} AS \"{c}\""
            for i, c in enumerate(cols)
        )
        return f"SELECT {picks} FROM json_array_elements(CAST(:{param} AS json)) AS e(v)"
    picks = ", ".join(f"json_extract(value, '$[{i}]') AS \"{c}\"" for i, c in enumerate(cols))
    return f"SELECT {picks} FROM json_each(:{param})"
