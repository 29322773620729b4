"""Where an alert comes from: the sentence and the document behind its evidence."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Connection, Engine

from projections import queries


def provenance(conn: Connection, rule: str, key: str, evidence: Sequence[str]) -> dict[str, str]:
    """The sentence and document of the first piece of evidence that has them (may be {})."""
    for event_id in evidence:
        found = queries.observation(conn, event_id)
        if found is not None:
            document_id, sentence = found.document_id, found.sentence
        else:  # a notice's evidence is one of its mentions
            mention = next((m for m in queries.notice_mentions(conn, key)
                            if m.event_id == event_id), None) if rule == "notice_issued" else None
            if mention is None:
                continue
            document_id, sentence = mention.document_id, mention.sentence
        doc = queries.document(conn, document_id) if document_id else None
        out = {"sentence": sentence or "", "document": (doc.title or "") if doc else "",
               "document_url": (doc.url or "") if doc else ""}
        return {k: v for k, v in out.items() if v}
    return {}


def with_provenance(engine: Engine, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows, each with its `context`: the provenance of its evidence."""
    with engine.connect() as conn:
        return [{**r, "context": provenance(conn, r["rule"], r["key"],
                                            [str(e) for e in r.get("evidence") or ()])}
                for r in rows]
