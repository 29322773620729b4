"""Structured feeds (CSV or JSON): statistics and city-pilot rows, all or nothing per file.

Columns (CSV header or JSON object keys):

* every row: ``record`` (``statistic``, ``pilot`` or ``pilot_status``), ``published``
  (YYYY-MM-DD), optional ``publisher``, ``url``, ``title``;
* statistic: ``metric`` (catalogue id), ``geography`` (default CN), ``period``
  (``2020``, ``2020-Q1``, ``2020-H1``, ``2020-M01-M04``, ``2020-E06``), ``value`` in base
  units, ``unit``, optional ``qualifier``, ``change`` (``+15.5%``, ``-0.4pp`` or an
  absolute ``+1200``), ``change_basis``, ``description``;
* pilot: ``program``, ``city``, optional ``admin_level``, ``role``, ``status``
  (default selected), ``batch``, ``batch_total``, ``year``;
* pilot_status: ``program``, ``city``, ``status``, optional ``reason``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from events import (
    CityPilotDesignated,
    CityPilotStatusChanged,
    Payload,
    Source,
    Span,
    StatisticPublished,
    parse_period_key,
)
from events.metrics import metric_ids
from services.ingest.documents import decode_text
from services.ingest.errors import IngestError, RowsRejected

FEED_EXTRACTOR = "ipmon.feed"
FEED_VERSION = "1"
_CHANGE = re.compile(r"^\s*(?P<sign>[+-])?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>%|pp)?\s*$")


@dataclass(frozen=True, slots=True)
class FeedRow:
    """One validated feed row: its payload, publication date and provenance."""

    payload: Payload
    published: date
    source: Source


def _problem(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'row'}: {e['msg']}" for e in exc.errors()
    )


def _change(text: str) -> dict[str, Any]:
    m = _CHANGE.match(text)
    if not m:
        raise ValueError(f"change {text!r} is not like +15.5%, -0.4pp or +1200")
    kind = {"%": "percent", "pp": "percentage_points", None: "absolute"}[m["unit"]]
    return {kind: m["num"], "direction": "down" if m["sign"] == "-" else "up"}


def _opt(row: dict[str, Any], key: str) -> Any:
    value = row.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value.strip() if isinstance(value, str) else value


_PILOT_KEYS = ("program", "city", "admin_level", "role", "status", "batch", "batch_total", "year")
_STATUS_KEYS = ("program", "city", "status", "reason")


def _payload(row: dict[str, Any], metrics: frozenset[str]) -> Payload:
    kind = _opt(row, "record") or "statistic"
    if kind == "statistic":
        return _statistic(row, metrics)
    if kind == "pilot":
        return CityPilotDesignated.model_validate(_present(row, _PILOT_KEYS))
    if kind == "pilot_status":
        return CityPilotStatusChanged.model_validate(_present(row, _STATUS_KEYS))
    raise ValueError(f"record {kind!r} is not statistic, pilot or pilot_status")


def _present(row: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """The row's non-blank fields among `keys`."""
    return {k: v for k in keys if (v := _opt(row, k)) is not None}


def _statistic(row: dict[str, Any], metrics: frozenset[str]) -> StatisticPublished:
    """A statistic row: a catalogue metric, a period key, a number, an optional change."""
    metric = _opt(row, "metric")
    if metric is None:
        raise ValueError("metric is missing")
    if metric not in metrics:
        raise ValueError(f"unknown metric id {metric!r} (not in the metric catalogue)")
    period_text = _opt(row, "period")
    if period_text is None:
        raise ValueError("period is missing")
    value = _opt(row, "value")
    try:
        number = None if value is None else Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"value {value!r} is not a number") from None
    change = _opt(row, "change")
    reported = None
    if change is not None:
        reported = _change(str(change))
        reported["basis"] = _opt(row, "change_basis") or "year_on_year"
    return StatisticPublished(
        metric=metric,
        description=_opt(row, "description"),
        geography=_opt(row, "geography") or "CN",
        period=parse_period_key(str(period_text)),
        value=number,
        unit=_opt(row, "unit") or "count",
        qualifier=_opt(row, "qualifier") or "exact",
        reported_change=reported,
    )


def _rows(text: str, path: Path) -> list[tuple[int, Span, dict[str, Any]]]:
    """(line number, span of the row's text, fields) for each row of a CSV or JSON feed."""
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise IngestError(path, f"not valid JSON: {exc.msg}", exc.lineno) from None
        records = data.get("records") if isinstance(data, dict) else data
        if not isinstance(records, list):
            raise IngestError(path, 'a JSON feed is a list of rows or {"records": [...]}')
        out = []
        for i, rec in enumerate(records, start=1):
            if not isinstance(rec, dict):
                raise IngestError(path, f"row {i} is not an object", None)
            # JSON rows have no line of their own; the row number stands in for it.
            out.append((i, Span(start=0, end=len(text)), rec))
        return out
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "published" not in reader.fieldnames:
        raise IngestError(path, "CSV header must name at least: record, published", 1)
    out = []
    for rec in reader:
        if None in rec:
            raise IngestError(path, "row has more fields than the header", reader.line_num)
        n = reader.line_num
        span = Span(start=offsets[n - 1], end=offsets[n - 1] + len(lines[n - 1].rstrip("\n")))
        out.append((n, span, dict(rec)))
    return out


def _published(rec: dict[str, Any]) -> date:
    published_text = _opt(rec, "published")
    if published_text is None:
        raise ValueError("published is missing")
    return date.fromisoformat(str(published_text))


def read_feed(path: Path, data: bytes, document_id: str) -> tuple[str, list[FeedRow]]:
    """Validate every row of a feed file's bytes; raise RowsRejected naming every bad row."""
    text = decode_text(data, path)
    metrics = metric_ids()
    out: list[FeedRow] = []
    bad: list[IngestError] = []
    for line, span, rec in _rows(text, path):
        try:
            payload, published = _payload(rec, metrics), _published(rec)
        except ValidationError as exc:
            bad.append(IngestError(path, _problem(exc), line))
            continue
        except ValueError as exc:
            bad.append(IngestError(path, str(exc), line))
            continue
        out.append(FeedRow(payload, published, _source(rec, document_id, text, span, path)))
    if bad:
        raise RowsRejected(path, bad)
    return text, out


def _source(rec: dict[str, Any], document_id: str, text: str, span: Span, path: Path) -> Source:
    is_json = path.suffix.lower() == ".json"
    return Source(
        document_id=document_id,
        publisher=_opt(rec, "publisher"),
        url=_opt(rec, "url"),
        title=_opt(rec, "title"),
        sentence=json.dumps(rec, ensure_ascii=False) if is_json else text[span.start : span.end],
        sentence_span=None if is_json else span,
        extractor=FEED_EXTRACTOR,
        extractor_version=FEED_VERSION,
    )
