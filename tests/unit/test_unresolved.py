"""Figures whose year nothing determines are recorded, counted by the report, listed on
the dashboard's document page and retracted once a later extractor resolves them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient

from events import StatisticUnresolved
from events.log.sqlite import SqliteEventLog
from projections import queries
from projections.projector import Projector
from services import report
from services.bootstrap import App
from services.ingest.extract import Document, Fact
from services.ingest.extract.unresolved import unresolved_facts
from services.ingest.reextract import reextract
from services.ingest.service import IngestService, document_events

# no year is written, and the file's date is a stand-in that decides none
TEXT = (
    "Patent work in the first half\n\n"
    "In the first half, China granted 476,000 invention patents. By the end of June, "
    "the number of valid invention patents reached 4.99 million."
)


def _project(log: SqliteEventLog, path: Path) -> sa.engine.Engine:
    engine = sa.create_engine(f"sqlite:///{path}")
    projector = Projector(engine)
    projector.create()
    projector.apply(log.read(None, projector.cursor(), 100_000))
    return engine


def test_ingestion_records_each_unresolved_figure(tmp_path: Path) -> None:
    log = SqliteEventLog(tmp_path / "events.sqlite")
    result = IngestService(log).ingest_text(TEXT, published=date(2026, 3, 4), dated=False)
    found = [e.payload for e in result.events if isinstance(e.payload, StatisticUnresolved)]
    assert [(u.value_text, u.period_kind) for u in found] == [
        ("476,000", "half"), ("4.99 million", "as_of")
    ]
    assert found[0].metric == "invention_patents_granted"
    assert found[0].sentence.startswith("In the first half, China granted")
    assert "which year" in found[0].reason
    # a dated text resolves the same figures and leaves nothing unresolved
    dated = IngestService(log).ingest_text(TEXT, published=date(2024, 7, 20))
    assert not [e for e in dated.events if isinstance(e.payload, StatisticUnresolved)]
    log.close()


def test_report_counts_them_per_document(tmp_path: Path) -> None:
    log = SqliteEventLog(tmp_path / "events.sqlite")
    service = IngestService(log)
    service.ingest_text(TEXT, published=date(2026, 3, 4), title="Half-year figures", dated=False)
    service.ingest_text(TEXT + " ", published=date(2026, 3, 4), dated=False)  # a second copy
    service.ingest_text(TEXT, published=date(2026, 3, 4), dated=False)  # again: nothing new
    engine = _project(log, tmp_path / "p.sqlite")
    with engine.connect() as conn:
        data = report.collect(conn, 0.5)
        table = report.unresolved_table(conn)
    engine.dispose()
    unresolved = data["unresolved_statistics"]
    assert unresolved["total"] == 4
    assert sorted(d["count"] for d in unresolved["documents"]) == [2, 2]
    assert {d["title"] for d in unresolved["documents"]} == {"Half-year figures", None}
    assert table is not None and str(table.title) == "Unresolved figures: 4"
    log.close()


def test_reextraction_retracts_what_the_current_extractor_resolves(tmp_path: Path) -> None:
    log = SqliteEventLog(tmp_path / "events.sqlite")
    doc = Document(TEXT, date(2024, 7, 20))

    def earlier(d: Document) -> list[Fact]:
        # an earlier extractor that could not read the year from the publication date
        return unresolved_facts(Document(d.text, d.published, dated=False))

    log.append(document_events(doc, unresolved=earlier))
    engine = _project(log, tmp_path / "p.sqlite")
    with engine.connect() as conn:
        assert len(queries.unresolved_of_document(conn, doc.id)) == 2
    result = reextract(log)
    assert len(result.retracted) == 2
    engine.dispose()
    engine = _project(log, tmp_path / "p2.sqlite")
    with engine.connect() as conn:
        assert queries.unresolved_of_document(conn, doc.id) == []
        assert report.unresolved_json(conn)["total"] == 0
        assert report.unresolved_table(conn) is None
    engine.dispose()
    log.close()


def test_document_page_lists_them_with_their_sentence(client: TestClient, app: App) -> None:
    doc = Document(TEXT, date(2026, 3, 4), dated=False)
    app.log.append(document_events(doc))
    app.runner.catch_up()
    html = client.get(f"/documents/{doc.id}").text
    assert "Figures without a year" in html
    assert "476,000" in html and "In the first half, China granted" in html


def test_extract_lists_them_with_their_sentence(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "h1.txt"
    path.write_text(TEXT + "\n")
    run = [str(Path(sys.executable).with_name("ipmon")), "extract", str(path)]
    jsonl = subprocess.run(run, capture_output=True, text=True, timeout=120, check=True)
    events = [json.loads(line) for line in jsonl.stdout.splitlines()]
    unresolved = [e for e in events if e["event_type"] == "StatisticUnresolved"]
    assert [e["payload"]["value_text"] for e in unresolved] == ["476,000", "4.99 million"]
    table = subprocess.run(
        [*run, "--format", "table"], capture_output=True, text=True, timeout=120, check=True
    )
    assert "StatisticUnresolved" in table.stdout and "no year" in table.stdout
