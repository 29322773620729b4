"""Shared types of the extractors: the document being read and the facts found in it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from events import Payload, Source, Span
from services.ingest.extract.language import detect_language
from services.ingest.extract.version import extractor_version

EXTRACTOR_NAME = "ipmon.rules"


def document_id(text: str) -> str:
    """The id of a document: sha256 of its text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Document:
    """A document to extract from; `published` resolves relative years like 'last year'.

    `dated` is False when `published` is a stand-in (a file's modification time, the day it
    was fetched): such a date is recorded but never decides the year of a fact.
    """

    text: str
    published: date | None = None
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    dated: bool = True
    id: str = field(init=False, repr=False, compare=False)
    language: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # every fact's provenance names the document; hash the text once, not per fact
        object.__setattr__(self, "id", document_id(self.text))
        object.__setattr__(self, "language", detect_language(self.text))

    def only(self, spans: list[tuple[int, int]], language: str) -> Document:
        """This document with everything outside `spans` blanked (line breaks kept), read as
        `language`: offsets, sentences and the document id stay those of the whole text."""
        keep = bytearray(len(self.text))
        for start, end in spans:
            keep[start:end] = b"\x01" * (end - start)
        text = "".join(
            ch if keep[i] or ch == "\n" else " " for i, ch in enumerate(self.text)
        )
        part = Document(text, self.published, self.title, self.url, self.publisher, self.dated)
        object.__setattr__(part, "id", self.id)
        object.__setattr__(part, "language", language)
        return part

    @property
    def reference_date(self) -> date | None:
        """The date relative words ("this year", "last year") are read against, if known."""
        return self.published if self.dated else None

    def source(
        self,
        sentence: Span,
        value: Span | None = None,
        *,
        extractor: str = EXTRACTOR_NAME,
        version: str | None = None,
    ) -> Source:
        """Provenance for a fact found in `sentence` (and `value`, its exact value text).

        `version` defaults to the current extractor's (`extractor_version()`).
        """
        return Source(
            document_id=self.id,
            publisher=self.publisher,
            url=self.url,
            title=self.title,
            sentence=self.text[sentence.start : sentence.end],
            sentence_span=sentence,
            value_text=self.text[value.start : value.end] if value else None,
            value_span=value,
            extractor=extractor,
            extractor_version=version or extractor_version(),
        )


class ExtractionError(ValueError):
    """Text the extractor cannot turn into facts at all; the document is refused."""

    def __init__(self, span: Span, problem: str) -> None:
        self.span = span
        self.problem = problem
        super().__init__(problem)


@dataclass(frozen=True, slots=True)
class Fact:
    """One extracted fact: an event payload and where it was read."""

    payload: Payload
    source: Source
