"""Re-extraction by replay: run the current extractor over every stored document again.

Facts it now finds that were never recorded are appended; facts an earlier extractor
recorded from a document that the current one no longer finds there get a FactRetracted
event, which the projections honour. Facts from structured feeds are left alone: they
were not extracted from text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from events import DocumentReceived, Event, FactRetracted, make_event
from events.envelope import utcnow
from events.log import EventLog, advance
from services.ingest.extract import Document, Fact, extract_facts
from services.ingest.extract.base import EXTRACTOR_NAME, EXTRACTOR_VERSION
from services.ingest.service import document_events

FACT_STREAMS = ("statistics", "policy", "pilots")


@dataclass
class ReextractResult:
    """What a re-extraction found and appended."""

    documents: int = 0
    added: list[Event] = field(default_factory=list)
    retracted: list[Event] = field(default_factory=list)


def _all(log: EventLog, stream: str) -> list[Event]:
    out: list[Event] = []
    cursor: dict[str, int] = {}
    while batch := log.read(stream, cursor, 5000):
        cursor = advance(cursor, batch)
        out.extend(r.event() for r in batch)
    return out


def reextract(
    log: EventLog,
    *,
    extract: Callable[[Document], list[Fact]] = extract_facts,
    version: str = EXTRACTOR_VERSION,
    clock: Callable[[], datetime] = utcnow,
    progress: Callable[[int], None] | None = None,
) -> ReextractResult:
    """Replay every DocumentReceived through `extract`; append new facts and retractions."""
    recorded: dict[str, dict[str, Event]] = defaultdict(dict)
    retracted: set[str] = set()
    for stream in FACT_STREAMS:
        for e in _all(log, stream):
            if isinstance(e.payload, FactRetracted):
                retracted.add(str(e.payload.retracted_event_id))
            elif e.source is not None and e.source.extractor == EXTRACTOR_NAME:
                recorded[e.source.document_id][str(e.event_id)] = e
    result = ReextractResult()
    now = clock()
    for received in _all(log, "documents"):
        p = received.payload
        if not isinstance(p, DocumentReceived):
            continue
        doc = Document(p.text, received.published_at, p.title, p.url, p.publisher)
        current = document_events(doc, origin=p.origin, recorded_at=now, extract=extract)[1:]
        found = {str(e.event_id) for e in current}
        before = recorded.get(p.document_id, {})
        result.added += [e for e in current if str(e.event_id) not in before]
        for eid, old in before.items():
            if eid in found or eid in retracted:
                continue
            result.retracted.append(
                make_event(
                    FactRetracted(
                        retracted_event_id=old.event_id,
                        retracted_event_type=old.event_type,
                        retracted_subject=old.subject,
                        stream_name=old.stream,
                        reason=f"not found by extractor {version}",
                        extractor_version=version,
                    ),
                    published_at=received.published_at,
                    recorded_at=now,
                    document_id=p.document_id,
                )
            )
        result.documents += 1
        if progress is not None:
            progress(1)
    # One append, so readers never see half a re-extraction.
    log.append(result.added + result.retracted)
    return result
