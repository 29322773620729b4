"""Web pages saved as files: their main text, title and declared date, as a document."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from services.ingest.documents import (
    DocumentFile,
    file_bytes,
    meta_url,
    publication_date,
    sidecar_meta,
)
from services.ingest.errors import IngestError
from services.ingest.pages import PageError, page_text

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})


def read_html_document(path: Path, published: date | None = None) -> DocumentFile:
    """Read a saved web page the way a fetched one is read; its metadata may come from a
    `<name>.meta.json` beside it, which wins over what the page itself declares."""
    try:
        page = page_text(file_bytes(path), "text/html")
    except PageError as exc:
        raise IngestError(path, str(exc)) from None
    meta = sidecar_meta(path.with_name(path.name + ".meta.json"))
    when, source = publication_date(path, published, meta, page.text, page.published)
    return DocumentFile(
        text=page.text,
        published=when,
        title=meta.get("title") or page.title,
        url=meta_url(path, meta),
        publisher=meta.get("publisher"),
        published_from=source,
    )
