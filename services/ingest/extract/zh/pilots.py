"""The pilots of Chinese documents."""

from __future__ import annotations

from services.ingest.extract.base import Document, Fact


def extract_pilots(doc: Document) -> list[Fact]:
    """The pilots found in a Chinese document (none are read yet)."""
    del doc
    return []
