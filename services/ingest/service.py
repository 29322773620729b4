"""The ingestion service: documents, feeds and folders in, events appended to the log."""

from __future__ import annotations

import codecs
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from events import DocumentReceived, Event, make_event
from events.envelope import utcnow
from events.log import EventLog
from services.ingest.documents import (
    FEED_SUFFIXES,
    TEXT_SUFFIXES,
    decode_text,
    file_bytes,
    read_document,
)
from services.ingest.errors import IngestError, each_error
from services.ingest.extract import Document, Fact, extract_facts, extraction_problems
from services.ingest.extract.base import ExtractionError, document_id
from services.ingest.extract.language import CHINESE
from services.ingest.extract.unresolved import unresolved_facts
from services.ingest.feeds import read_feed
from services.ingest.html_files import HTML_SUFFIXES, read_html_document

READ_SUFFIXES = TEXT_SUFFIXES | FEED_SUFFIXES | HTML_SUFFIXES
# names a file has while a program is still writing it: it is read once renamed
PARTIAL_SUFFIXES = frozenset({".part", ".partial", ".tmp", ".crdownload", ".download", ".swp"})

log = logging.getLogger(__name__)


@dataclass
class IngestResult:
    """What one ingestion produced and how much of it was new to the log."""

    events: list[Event] = field(default_factory=list)
    new: int = 0
    errors: list[IngestError] = field(default_factory=list)
    # parts of stored documents that were refused (their facts not stored), by file and line
    warnings: list[IngestError] = field(default_factory=list)

    def add(self, other: IngestResult) -> None:
        """Fold another result into this one."""
        self.events += other.events
        self.new += other.new
        self.errors += other.errors
        self.warnings += other.warnings


def text_problems(doc: Document, origin: str, first_line: int = 1) -> list[IngestError]:
    """What extraction refused in a document's text, each naming its file and line."""
    return [
        IngestError(
            origin,
            problem if problem.endswith("not stored")
            else f"{problem}; the sentence's figures were not stored",
            first_line + doc.text.count("\n", 0, span.start),
        )
        for span, problem in extraction_problems(doc)
    ]


def document_events(
    doc: Document,
    *,
    origin: str | None = None,
    recorded_at: datetime | None = None,
    extract: Callable[[Document], list[Fact]] = extract_facts,
    unresolved: Callable[[Document], list[Fact]] = unresolved_facts,
) -> list[Event]:
    """The DocumentReceived event, every fact extracted from a document and every figure
    of it whose year is unresolved, as events."""
    if doc.published is None:
        raise ValueError("a document needs a publication date to become events")
    now = recorded_at or utcnow()
    received = make_event(
        DocumentReceived(
            document_id=doc.id,
            text=doc.text,
            language="zh" if doc.language == CHINESE else "en",
            title=doc.title,
            url=doc.url,
            publisher=doc.publisher,
            origin=origin,
            dated=doc.dated,
        ),
        published_at=doc.published,
        recorded_at=now,
        document_id=doc.id,
    )
    facts = [
        make_event(f.payload, published_at=doc.published, source=f.source, recorded_at=now)
        for f in [*extract(doc), *unresolved(doc)]
    ]
    return [received, *facts]


class IngestService:
    """Turns documents and feeds into events and appends them; re-ingesting adds nothing."""

    def __init__(self, log: EventLog, clock: Callable[[], datetime] = utcnow) -> None:
        self.log = log
        self.clock = clock

    def _append(self, events: list[Event]) -> IngestResult:
        appended = self.log.append(events)
        return IngestResult(events=events, new=appended.new)

    def ingest_text(
        self,
        text: str,
        *,
        published: date,
        title: str | None = None,
        url: str | None = None,
        publisher: str | None = None,
        origin: str | None = None,
        first_line: int = 1,
        dated: bool = True,
    ) -> IngestResult:
        """Extract and append the facts of one document given as text.

        `dated=False`: `published` is a stand-in that never decides a fact's year.
        """
        doc = Document(
            text=text, published=published, title=title, url=url, publisher=publisher, dated=dated
        )
        where = origin or "document"
        try:
            events = document_events(doc, origin=origin, recorded_at=self.clock())
        except ExtractionError as exc:
            line = first_line + text.count("\n", 0, exc.span.start)
            raise IngestError(where, exc.problem, line) from None
        result = self._append(events)
        result.warnings = text_problems(doc, where, first_line)
        return result

    def ingest_file(self, path: Path, published: date | None = None) -> IngestResult:
        """Ingest one document or feed file; raise IngestError naming the problem."""
        suffix = path.suffix.lower()
        if suffix in FEED_SUFFIXES:
            return self.ingest_feed(path)
        if suffix in HTML_SUFFIXES:
            f = read_html_document(path, published)
        else:
            f = read_document(path, published)
        return self.ingest_text(
            f.text,
            published=f.published,
            title=f.title,
            url=f.url,
            publisher=f.publisher,
            origin=str(path),
            first_line=f.body_line,
            dated=f.dated,
        )

    def ingest_feed(self, path: Path) -> IngestResult:
        """Append every row of a feed, or none of them if any row is bad."""
        data = file_bytes(path)  # read once: its id and its rows come from the same bytes
        doc_id = document_id(_feed_text(data, path))
        _, rows = read_feed(path, data, doc_id)
        now = self.clock()
        events = [
            make_event(r.payload, published_at=r.published, source=r.source, recorded_at=now)
            for r in rows
        ]
        return self._append(events)

    def ingest_paths(
        self,
        paths: Iterable[Path],
        published: date | None = None,
        progress: Callable[[Path], None] | None = None,
    ) -> IngestResult:
        """Ingest many files; a bad file is reported and skipped, the others go on."""
        total = IngestResult()
        for path in paths:
            try:
                total.add(self.ingest_file(path, published))
            except IngestError as exc:
                total.errors.extend(each_error(exc))
            except Exception as exc:
                # a bug, but one file must not stop the others: report it as that file's
                # error and keep the traceback in the log for the fix
                log.exception("unexpected error while ingesting %s", path)
                problem = f"unexpected {type(exc).__name__} while ingesting: {exc} (a bug)"
                total.errors.append(IngestError(path, problem))
            if progress is not None:
                progress(path)
        return total


def listed_files(folder: Path) -> list[Path]:
    """Files of a folder that are neither hidden nor a metadata sidecar, in name order."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not p.name.endswith(".meta.json") and not p.name.startswith(".")
    )


def is_read(path: Path) -> bool:
    """Whether a listed file is of a kind ipmon reads."""
    return path.suffix.lower() in READ_SUFFIXES


def is_skipped(path: Path) -> bool:
    """Whether a listed file is of a kind ipmon does not read, one still being written
    under a temporary name (`x.csv.part`) left out."""
    suffix = path.suffix.lower()
    return suffix not in READ_SUFFIXES | PARTIAL_SUFFIXES and not path.name.endswith("~")


def not_read_reason(path: Path) -> str:
    """Why a file of a kind ipmon does not read is skipped, naming it."""
    return f"{path}: not a kind of file ipmon reads ({', '.join(sorted(READ_SUFFIXES))})"


def inbox_files(folder: Path) -> list[Path]:
    """Files in an inbox folder that ipmon reads, in name order (metadata sidecars excluded)."""
    return [p for p in listed_files(folder) if is_read(p)]


def unread_files(folder: Path) -> list[Path]:
    """Files of an inbox folder of a kind ipmon does not read (see `is_skipped`)."""
    return [p for p in listed_files(folder) if is_skipped(p)]


def _feed_text(data: bytes, path: Path) -> str:
    """The text a feed's document id hashes: as it always was for UTF-8 feeds (a BOM kept),
    the decoded text for any other encoding, so two GB18030 feeds differing only in their
    Chinese words are two documents."""
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return decode_text(data, path)
