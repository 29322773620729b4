"""Extraction of facts (statistics, notices, city pilots) from press-release text."""

from __future__ import annotations

from events import Span, StatisticPublished
from services.ingest.extract.base import EXTRACTOR_NAME, Document, Fact
from services.ingest.extract.language import CHINESE, figure_lines, language_runs
from services.ingest.extract.version import extractor_version


def extract_facts(doc: Document) -> list[Fact]:
    """Every fact the current extractor finds in a document, in text order."""
    parts = language_parts(doc)
    facts = [f for part in parts for f in _facts_of(part)]
    if len(parts) > 1:
        facts = _once(facts)
    facts.sort(key=lambda f: f.source.sentence_span.start if f.source.sentence_span else 0)
    return facts


def _once(facts: list[Fact]) -> list[Fact]:
    """A figure a bilingual document states in both languages (a table with labels in both)
    is one statement: the first language's fact is kept."""
    seen: set[tuple[object, ...]] = set()
    out = []
    for f in facts:
        p = f.payload
        if isinstance(p, StatisticPublished):
            key = (p.metric, p.period, p.value, p.unit, p.geography)
            if key in seen:
                continue
            seen.add(key)
        out.append(f)
    return out


def language_parts(doc: Document) -> list[Document]:
    """The document once per language it is written in (one part for most documents)."""
    runs = language_runs(doc.text, doc.language)
    if len(runs) == 1:
        return [doc]
    spans: dict[str, list[tuple[int, int]]] = {}
    for start, end, lang in runs:
        spans.setdefault(lang, []).append((start, end))
    for parts in spans.values():
        parts.extend(figure_lines(doc.text))
    return [doc.only(parts, lang) for lang, parts in spans.items()]


def _facts_of(doc: Document) -> list[Fact]:
    if doc.language == CHINESE:
        from services.ingest.extract import zh

        return zh.extract_statistics(doc) + zh.extract_notices(doc) + zh.extract_pilots(doc)
    from services.ingest.extract.notices import extract_notices
    from services.ingest.extract.pilots import extract_pilots
    from services.ingest.extract.statistics import extract_statistics

    return extract_statistics(doc) + extract_notices(doc) + extract_pilots(doc)


def extraction_problems(doc: Document) -> list[tuple[Span, str]]:
    """What the extractor refused in a document's text and why: impossible periods, and
    statistics whose year nothing in the document determines."""
    found = [p for part in language_parts(doc) for p in _problems_of(part)]
    return sorted(found, key=lambda p: p[0].start)


def _problems_of(doc: Document) -> list[tuple[Span, str]]:
    if doc.language == CHINESE:
        from services.ingest.extract import zh

        return zh.extraction_problems(doc)
    from services.ingest.extract.statistics import period_problems, unresolved_statistics

    return period_problems(doc) + unresolved_statistics(doc)


__all__ = [
    "EXTRACTOR_NAME",
    "Document",
    "Fact",
    "extract_facts",
    "extraction_problems",
    "extractor_version",
    "language_parts",
]
