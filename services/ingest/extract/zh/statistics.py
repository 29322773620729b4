"""The statistics of Chinese documents."""

from __future__ import annotations

from events import Span
from services.ingest.extract.base import Document, Fact


def extract_statistics(doc: Document) -> list[Fact]:
    """The statistics found in a Chinese document (none are read yet)."""
    del doc
    return []


def extraction_problems(doc: Document) -> list[tuple[Span, str]]:
    """Statistics of a Chinese document refused for their period (none are read yet)."""
    del doc
    return []
