"""Figures whose year nothing in their document determines, as facts of their own.

They are never stored as statistics (a guessed year would be a wrong fact), but the log
records that the document holds them, so reports can count them and re-extraction can
retract them once a later extractor resolves their year.
"""

from __future__ import annotations

from events import Span, StatisticUnresolved
from services.ingest.extract.base import Document, Fact
from services.ingest.extract.language import CHINESE

REASON = "neither the text nor a publication date says which year it is"


def unresolved_facts(doc: Document) -> list[Fact]:
    """One StatisticUnresolved fact per figure of `doc` whose year is undetermined."""
    from services.ingest.extract import language_parts

    # read per language as the facts are, so a bilingual release loses neither part's
    return [f for part in language_parts(doc) for f in _unresolved_of(part)]


def _unresolved_of(doc: Document) -> list[Fact]:
    if doc.language == CHINESE:
        from services.ingest.extract.zh.statistics import unresolved_facts as chinese

        return chinese(doc)
    # the statistics stage keeps its per-document reading private and cached; reading it
    # here costs nothing more than the extraction that ran before
    from services.ingest.extract.stat_period_grammar import UNDATED_YEAR
    from services.ingest.extract.statistics import _statistics

    out = []
    for st in _statistics(doc):
        if st.period.year != UNDATED_YEAR:
            continue
        out.append(
            unresolved_fact(doc, st.metric.id, st.period.kind, st.value_span, st.sentence, REASON)
        )
    return out


def unresolved_fact(
    doc: Document, metric: str, period_kind: str, value: Span | None, sentence: Span,
    reason: str,
) -> Fact:
    """The StatisticUnresolved fact of one figure of `doc` that is not stored, and why."""
    payload = StatisticUnresolved(
        document_id=doc.id,
        metric=metric,
        period_kind=period_kind,
        value_text=doc.text[value.start : value.end] if value else None,
        sentence=doc.text[sentence.start : sentence.end],
        sentence_start=sentence.start,
        reason=reason,
    )
    return Fact(payload, doc.source(sentence, value))
