"""Exports read back with typed columns: numbers, dates and instants, never strings."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from api_support import make_app
from fastapi.testclient import TestClient

from services.api import context_for, create_app
from services.bootstrap import App
from services.export import DATASETS, columns, export

TEXTUAL = (pa.string(), pa.large_string())


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    application = make_app(tmp_path_factory.mktemp("export"))
    yield application
    application.close()


def typed_columns(dataset: str) -> list[tuple[str, str]]:
    return [(n, k) for n, k in columns(DATASETS[dataset][0]) if k in ("decimal", "date", "instant")]


def filled(table: pa.Table, name: str) -> bool:
    return table.column(name).null_count < table.num_rows


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_parquet_columns_carry_their_types(app: App, dataset: str) -> None:
    with app.engine.connect() as conn:
        table = pq.read_table(io.BytesIO(export(conn, dataset, "parquet")))
    assert table.num_rows > 0
    expected = {"decimal": pa.types.is_decimal, "date": pa.types.is_date32,
                "instant": pa.types.is_timestamp}
    for name, kind in typed_columns(dataset):
        assert expected[kind](table.schema.field(name).type), (name, table.schema.field(name))


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_csv_reads_back_as_numbers_and_dates(app: App, dataset: str) -> None:
    with app.engine.connect() as conn:
        table = pacsv.read_csv(io.BytesIO(export(conn, dataset, "csv")))
    checked = 0
    for name, kind in typed_columns(dataset):
        if not filled(table, name):
            continue
        t = table.schema.field(name).type
        ok = {"decimal": pa.types.is_integer(t) or pa.types.is_floating(t),
              "date": pa.types.is_date(t), "instant": pa.types.is_timestamp(t)}[kind]
        assert ok, (name, t)
        checked += 1
    assert checked or not typed_columns(dataset)


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_jsonl_numbers_are_exact_json_numbers(app: App, dataset: str) -> None:
    with app.engine.connect() as conn:
        lines = export(conn, dataset, "jsonl").splitlines()
    rows = [json.loads(line, parse_float=Decimal) for line in lines]
    assert rows
    for name, kind in typed_columns(dataset):
        if kind == "decimal":
            assert all(isinstance(r[name], (int, Decimal)) for r in rows if r[name] is not None)


def test_decimals_survive_exactly(app: App) -> None:
    with app.engine.connect() as conn:
        rows = [json.loads(x, parse_float=Decimal)
                for x in export(conn, "observations", "jsonl").splitlines()]
        parquet = pq.read_table(io.BytesIO(export(conn, "observations", "parquet")))
    assert {Decimal(str(r["value"])) for r in rows} == {Decimal(v) for v in (
        "100", "500", "120", "130", "68720")}
    assert {v.normalize() for v in parquet.column("value").to_pylist()} == {
        Decimal(v).normalize() for v in ("100", "500", "120", "130", "68720")}


def test_list_endpoints_answer_csv(app: App) -> None:
    client = TestClient(create_app(context_for(app)))
    for path in ("/api/growth", "/api/yearly-totals", "/api/pilots", "/api/notices",
                 "/api/alerts", "/api/overview", "/api/documents",
                 "/api/metrics/ip_pledge_financing_amount/vintages"):
        r = client.get(path, params={"format": "csv", "limit": 2})
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("text/csv"), path
        total = client.get(path).json()["total"]
        assert r.headers["x-total-count"] == str(total)
        lines = r.text.splitlines()
        assert len(lines) == 1 + min(2, total), path
    table = pacsv.read_csv(io.BytesIO(client.get(
        "/api/growth", params={"format": "csv"}).content))
    assert pa.types.is_integer(table.schema.field("value").type)


def test_an_unknown_dataset_is_refused(app: App) -> None:
    from services.export import ExportError

    with app.engine.connect() as conn, pytest.raises(ExportError, match="unknown dataset"):
        export(conn, "nothing", "csv")


def test_cli_writes_a_file(app: App, tmp_path: Path) -> None:
    import subprocess
    import sys

    ipmon = str(Path(sys.executable).parent / "ipmon")
    data = app.settings.data_dir
    out = tmp_path / "alerts.parquet"
    done = subprocess.run([ipmon, "export", "alerts", "--format", "parquet", "--out", str(out),
                           "--data", str(data)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    table = pq.read_table(out)
    assert pa.types.is_timestamp(table.schema.field("raised_at").type)
    bad = subprocess.run([ipmon, "export", "nothing", "--data", str(data)],
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and "unknown dataset" in bad.stderr
