"""The read models and the tables they read: every DTO field is a column of its source
table, of the same Python type and nullability, so a column renamed or retyped in
projections/tables.py fails here instead of on a dashboard page."""

from __future__ import annotations

import datetime as dt
import types
import typing
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from projections import tables
from projections.queries import models

PYTHON_TYPES: tuple[tuple[type[Any], tuple[type[Any], ...]], ...] = (
    (tables.DecimalText, (Decimal,)),
    (tables.IsoTime, (str,)),
    (sa.Boolean, (bool,)),
    (sa.Integer, (int,)),
    (sa.Date, (dt.date,)),
    (sa.JSON, (list, dict)),
    (sa.String, (str,)),
)


def _column_types(column: sa.Column[Any]) -> tuple[type[Any], ...]:
    for sql_type, python in PYTHON_TYPES:
        if isinstance(column.type, sql_type):
            return python
    raise AssertionError(f"{column} has a type this test does not know: {column.type!r}")


def _field_type(annotation: Any) -> tuple[tuple[type[Any], ...], bool]:
    """The Python types a field admits, and whether it admits None."""
    args = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else ()
    members = args or (annotation,)
    plain = tuple(typing.get_origin(m) or m for m in members if m is not type(None))
    return plain, type(None) in members


def _columns(names: tuple[str, ...]) -> dict[str, sa.Column[Any]]:
    found: dict[str, sa.Column[Any]] = {}
    for name in reversed(names):  # the first table wins a shared column name
        found.update({c.name: c for c in tables.metadata.tables[name].columns})
    return found


def _dtos() -> list[type[models.DTO]]:
    return [
        v for v in vars(models).values()
        if isinstance(v, type) and issubclass(v, models.DTO) and v is not models.DTO
    ]


def test_every_dto_names_its_source_tables_or_is_an_aggregate() -> None:
    unplaced = [
        d.__name__ for d in _dtos() if d not in models.SOURCE_TABLES and d not in models.AGGREGATES
    ]
    assert unplaced == []


def mismatches(dto: type[models.DTO], sources: tuple[str, ...]) -> list[str]:
    """Every way `dto`'s fields disagree with the columns of its source tables."""
    columns, found = _columns(sources), []
    for name, field in dto.model_fields.items():
        if name not in columns:
            found.append(f"{dto.__name__}.{name} is no column of {sources}")
            continue
        column = columns[name]
        admitted, optional = _field_type(field.annotation)
        expected = _column_types(column)
        if not (set(admitted) <= set(expected) or set(expected) <= set(admitted)):
            found.append(f"{dto.__name__}.{name}: field {field.annotation}, column {column.type!r}")
        # a nullable column read into a field that refuses None fails on the first NULL;
        # columns of an outer-joined table may be NULL whatever they declare
        outer = column.table.name != sources[0]
        if (column.nullable or outer) and not column.primary_key and not optional:
            found.append(f"{dto.__name__}.{name} cannot hold the NULLs {column} may hold")
        if not column.nullable and not outer and optional:
            found.append(f"{dto.__name__}.{name} admits None but {column} is NOT NULL")
    return found


@pytest.mark.parametrize(
    "dto", sorted(models.SOURCE_TABLES, key=lambda d: d.__name__), ids=lambda d: d.__name__
)
def test_dto_fields_are_columns_of_the_same_type_and_nullability(dto: type[models.DTO]) -> None:
    assert mismatches(dto, models.SOURCE_TABLES[dto]) == []


def test_the_check_catches_renamed_retyped_and_wrongly_nullable_fields() -> None:
    class Drifted(models.DTO):
        event_id: str
        published_on: dt.date  # renamed: the column is published_at
        value: float | None  # retyped: the column holds exact decimals
        year: int | None  # the column is NOT NULL
        unit: str
        sentence: str  # the column may be NULL

    found = mismatches(Drifted, ("observations",))
    assert len(found) == 4, found
    assert [f.split(" ")[0].split(":")[0] for f in found] == [
        "Drifted.published_on", "Drifted.value", "Drifted.year", "Drifted.sentence",
    ]
