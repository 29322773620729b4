"""Extraction from Chinese text: the same facts as the English stages, read by Chinese rules."""

from __future__ import annotations

from events import Span
from services.ingest.extract.base import Document, Fact


def extract_statistics(doc: Document) -> list[Fact]:
    """The statistics of a Chinese document."""
    from services.ingest.extract.zh.statistics import extract_statistics as run

    return run(doc)


def extract_notices(doc: Document) -> list[Fact]:
    """The policy notices of a Chinese document."""
    from services.ingest.extract.zh.notices import extract_notices as run

    return run(doc)


def extract_pilots(doc: Document) -> list[Fact]:
    """The city pilots of a Chinese document."""
    from services.ingest.extract.zh.pilots import extract_pilots as run

    return run(doc)


def extraction_problems(doc: Document) -> list[tuple[Span, str]]:
    """What the Chinese stages refused in a document's text and why."""
    from services.ingest.extract.zh.statistics import extraction_problems as run

    return run(doc)
