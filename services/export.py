"""Typed exports of the read models: CSV, JSON Lines and Parquet.

Each dataset is a list of read-model DTOs; the column types come from their fields, so an
export read back gives numbers, dates and instants, not strings: CSV writes plain decimals
and ISO dates and instants (`Z`), JSON Lines writes exact decimal numbers, Parquet carries
`decimal128(38, 10)`, `date32` and `timestamp[us, UTC]` columns (through the optional
`pyarrow` dependency: `pip install 'ipmon[parquet]'`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import types
import typing
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import IO, Any

import orjson
from pydantic import BaseModel
from sqlalchemy.engine import Connection

from events.types import plain_decimal
from projections import queries, tables

FORMATS = ("csv", "jsonl", "parquet")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson",
               "parquet": "application/vnd.apache.parquet"}
# text columns that hold instants (ISO-8601 with a zone) in the read models
INSTANTS = frozenset(
    c.name for t in tables.metadata.tables.values() for c in t.columns
    if isinstance(c.type, tables.IsoTime)
)
PARQUET_SCALE = Decimal(1).scaleb(-10)


DATASETS: dict[str, tuple[type[BaseModel], Callable[[Connection], Sequence[BaseModel]]]] = {
    "observations": (queries.Observation, queries.all_observations),
    "series": (queries.CurrentValue, queries.current),
    "growth": (queries.GrowthRate, queries.growth_rates),
    "yearly-totals": (queries.YearlyTotal, queries.yearly_totals),
    "pilots": (queries.CityPilot, queries.pilots),
    "notices": (queries.PolicyNotice, queries.notices),
    "alerts": (queries.Alert, queries.alerts),
}


class ExportError(ValueError):
    """An export that cannot be written (unknown format, missing optional dependency)."""


def kind(model: type[BaseModel], name: str) -> str:
    """The column kind of a DTO field: decimal, date, instant, int, bool, json or text."""
    computed = model.model_computed_fields.get(name)
    hint = computed.return_type if computed else typing.get_type_hints(model)[name]
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    base = args[0] if isinstance(hint, types.UnionType) and len(args) == 1 else hint
    if base is Decimal:
        return "decimal"
    if base is dt.date:
        return "date"
    if base is bool:
        return "bool"
    if base is int:
        return "int"
    if typing.get_origin(base) in (list, tuple, dict):
        return "json"
    return "instant" if name in INSTANTS else "text"


def columns(model: type[BaseModel]) -> list[tuple[str, str]]:
    """The (name, kind) of every column of a dataset's rows."""
    names = [*model.model_fields, *model.model_computed_fields]
    return [(name, kind(model, name)) for name in names]


def _nested(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    raise TypeError(f"{type(value).__name__} is not JSON")


def _json_text(value: Any) -> str:
    return orjson.dumps(value, default=_nested).decode()


def _cell(value: Any, k: str) -> Any:
    if value is None:
        return ""
    if k == "decimal":
        return plain_decimal(value)
    if k == "json":
        return _json_text(value)
    if k == "date":
        return value.isoformat()
    return value


def write_csv(model: type[BaseModel], items: Sequence[BaseModel], out: IO[str]) -> None:
    """Rows as CSV with a header; decimals plain, dates and instants ISO-8601."""
    cols = columns(model)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([name for name, _ in cols])
    for item in items:
        writer.writerow([_cell(getattr(item, n), k) for n, k in cols])


def _json_value(value: Any, k: str) -> Any:
    if value is None:
        return None
    if k == "decimal":
        return orjson.Fragment(plain_decimal(value))  # an exact JSON number
    if k == "json":
        return orjson.Fragment(_json_text(value))
    return value


def write_jsonl(model: type[BaseModel], items: Sequence[BaseModel], out: IO[bytes]) -> None:
    """One JSON object per row; decimals as exact JSON numbers."""
    cols = columns(model)
    for item in items:
        row = {n: _json_value(getattr(item, n), k) for n, k in cols}
        out.write(orjson.dumps(row) + b"\n")


def write_parquet(model: type[BaseModel], items: Sequence[BaseModel], out: IO[bytes]) -> None:
    """A Parquet file with typed columns (needs pyarrow)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ExportError("Parquet needs pyarrow: pip install 'ipmon[parquet]'") from None
    types_of = {"decimal": pa.decimal128(38, 10), "date": pa.date32(), "bool": pa.bool_(),
                "int": pa.int64(), "instant": pa.timestamp("us", tz="UTC"),
                "json": pa.string(), "text": pa.string()}
    cols = columns(model)
    arrays = [pa.array([_arrow(getattr(i, n), k) for i in items], type=types_of[k])
              for n, k in cols]
    pq.write_table(pa.Table.from_arrays(arrays, names=[n for n, _ in cols]), out)


def _arrow(value: Any, k: str) -> Any:
    if value is None:
        return None
    if k == "decimal":
        return Decimal(value).quantize(PARQUET_SCALE)
    if k == "instant":
        return tables.parse_instant(value)
    if k == "json":
        return _json_text(value)
    return value


def export(conn: Connection, dataset: str, fmt: str) -> bytes:
    """The whole dataset in a format, as bytes."""
    if dataset not in DATASETS:
        raise ExportError(f"unknown dataset {dataset!r}; known: {', '.join(DATASETS)}")
    model, fetch = DATASETS[dataset]
    return encode(model, fetch(conn), fmt)


def encode(model: type[BaseModel], items: Sequence[BaseModel], fmt: str) -> bytes:
    """Rows of one DTO type in a format, as bytes."""
    if fmt == "csv":
        text = io.StringIO()
        write_csv(model, items, text)
        return text.getvalue().encode()
    buf = io.BytesIO()
    if fmt == "jsonl":
        write_jsonl(model, items, buf)
    elif fmt == "parquet":
        write_parquet(model, items, buf)
    else:
        raise ExportError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    return buf.getvalue()
