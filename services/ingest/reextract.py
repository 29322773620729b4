"""Re-extraction by replay: run the current extractor over every stored document again.

For every document, the facts an earlier extractor recorded are compared with what the
current one finds, fact by fact (a fact is its type, subject, identifying fields and
document, the inputs of its first event id):

* found now, never recorded: its event is appended;
* recorded, no longer found: each of its events still in force gets a FactRetracted
  event, which the projections honour;
* recorded and retracted, found again: it is reinstated by a new publication of the
  fact, carrying the current extractor's provenance. Its event id is the fact's own id
  with the id of the retraction it answers, so every retract-and-reinstate round has ids
  of its own, appends stay idempotent and the projections need no notion of order: a
  retraction hides exactly the event it names.

Facts from structured feeds are left alone: they were not extracted from text.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from events import DocumentReceived, Event, FactRetracted, make_event
from events.envelope import event_id_for, utcnow
from events.log import EventLog, advance
from services.ingest.extract import Document, Fact, extract_facts, extractor_version
from services.ingest.extract.base import EXTRACTOR_NAME
from services.ingest.service import document_events

FACT_STREAMS = ("statistics", "policy", "pilots")


@dataclass
class ReextractResult:
    """What a re-extraction found and appended."""

    documents: int = 0
    added: list[Event] = field(default_factory=list)
    retracted: list[Event] = field(default_factory=list)
    reinstated: list[Event] = field(default_factory=list)
    version: str = ""


@dataclass
class FactHistory:
    """The events of one extracted fact in log order, and the retractions among them."""

    published: list[Event] = field(default_factory=list)
    retractions: dict[str, Event] = field(default_factory=dict)  # retracted id -> retraction

    def in_force(self) -> list[Event]:
        """Its publications that no retraction names."""
        return [e for e in self.published if str(e.event_id) not in self.retractions]

    def last_retraction(self) -> Event:
        """The retraction of its latest publication."""
        return self.retractions[str(self.published[-1].event_id)]


def fact_key(e: Event) -> uuid.UUID:
    """The id of the fact an event states: its first event id, whatever round it is from."""
    doc = e.source.document_id if e.source is not None else ""
    return event_id_for(e.event_type, e.subject, e.payload.identity(), doc)


def reinstatement(found: Event, retraction: Event) -> Event:
    """A new publication of a retracted fact, with an id of its own for this round."""
    key = fact_key(found)
    new_id = event_id_for(found.event_type, found.subject, f"{key}|after|{retraction.event_id}", "")
    return found.model_copy(update={"event_id": new_id})


def _all(log: EventLog, stream: str) -> list[Event]:
    out: list[Event] = []
    cursor: dict[str, int] = {}
    while batch := log.read(stream, cursor, 5000):
        cursor = advance(cursor, batch)
        out.extend(r.event() for r in batch)
    return out


def _histories(log: EventLog) -> dict[str, dict[uuid.UUID, FactHistory]]:
    """Per document, the history of every fact the rule-based extractor recorded."""
    by_doc: dict[str, dict[uuid.UUID, FactHistory]] = defaultdict(dict)
    retractions: dict[str, Event] = {}
    for stream in FACT_STREAMS:
        for e in _all(log, stream):
            if isinstance(e.payload, FactRetracted):
                retractions[str(e.payload.retracted_event_id)] = e
            elif e.source is not None and e.source.extractor == EXTRACTOR_NAME:
                history = by_doc[e.source.document_id].setdefault(fact_key(e), FactHistory())
                history.published.append(e)
    for facts in by_doc.values():
        for history in facts.values():
            for e in history.published:
                if (r := retractions.get(str(e.event_id))) is not None:
                    history.retractions[str(e.event_id)] = r
    return by_doc


def _retraction(old: Event, received: Event, version: str, now: datetime) -> Event:
    assert isinstance(received.payload, DocumentReceived)
    return make_event(
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
        document_id=received.payload.document_id,
    )


def _compare(
    before: dict[uuid.UUID, FactHistory],
    current: list[Event],
    received: Event,
    result: ReextractResult,
    now: datetime,
) -> None:
    """Append to `result` what one document's facts need: new, reinstated, retracted."""
    found = {fact_key(e): e for e in current}
    for key, e in found.items():
        history = before.get(key)
        if history is None:
            result.added.append(e)
        elif not history.in_force():
            result.reinstated.append(reinstatement(e, history.last_retraction()))
    for key, history in before.items():
        if key not in found:
            result.retracted += [
                _retraction(old, received, result.version, now) for old in history.in_force()
            ]


def reextract(
    log: EventLog,
    *,
    extract: Callable[[Document], list[Fact]] = extract_facts,
    version: str | None = None,
    clock: Callable[[], datetime] = utcnow,
    progress: Callable[[int], None] | None = None,
) -> ReextractResult:
    """Replay every DocumentReceived through `extract`; append new, reinstated, retracted."""
    histories = _histories(log)
    result = ReextractResult(version=version or extractor_version())
    now = clock()
    for received in _all(log, "documents"):
        p = received.payload
        if not isinstance(p, DocumentReceived):
            continue
        doc = Document(
            p.text, received.published_at, p.title, p.url, p.publisher, dated=p.dated
        )
        current = document_events(doc, origin=p.origin, recorded_at=now, extract=extract)[1:]
        _compare(histories.get(p.document_id, {}), current, received, result, now)
        result.documents += 1
        if progress is not None:
            progress(1)
    # One append, so readers never see half a re-extraction.
    log.append(result.added + result.reinstated + result.retracted)
    return result
