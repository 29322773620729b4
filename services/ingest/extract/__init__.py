"""Extraction of facts (statistics, notices, city pilots) from press-release text."""

from __future__ import annotations

from events import Span
from services.ingest.extract.base import EXTRACTOR_NAME, Document, Fact
from services.ingest.extract.language import CHINESE
from services.ingest.extract.version import extractor_version


def extract_facts(doc: Document) -> list[Fact]:
    """Every fact the current extractor finds in a document, in text order."""
    if doc.language == CHINESE:
        from services.ingest.extract import zh

        facts = zh.extract_statistics(doc) + zh.extract_notices(doc) + zh.extract_pilots(doc)
    else:
        from services.ingest.extract.notices import extract_notices
        from services.ingest.extract.pilots import extract_pilots
        from services.ingest.extract.statistics import extract_statistics

        facts = extract_statistics(doc) + extract_notices(doc) + extract_pilots(doc)
    facts.sort(key=lambda f: f.source.sentence_span.start if f.source.sentence_span else 0)
    return facts


def extraction_problems(doc: Document) -> list[tuple[Span, str]]:
    """What the extractor refused in a document's text and why: impossible periods, and
    statistics whose year nothing in the document determines."""
    if doc.language == CHINESE:
        from services.ingest.extract import zh

        return zh.extraction_problems(doc)
    from services.ingest.extract.statistics import period_problems, unresolved_statistics

    return sorted(period_problems(doc) + unresolved_statistics(doc), key=lambda p: p[0].start)


__all__ = [
    "EXTRACTOR_NAME",
    "Document",
    "Fact",
    "extract_facts",
    "extraction_problems",
    "extractor_version",
]
