"""Run the extractor over labelled passages and score what it finds."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from services.ingest.evaluate import rules
from services.ingest.evaluate.corpus import Passage, Selection, load_passages
from services.ingest.evaluate.details import passage_result
from services.ingest.evaluate.matching import match_record
from services.ingest.evaluate.scores import EvalReport
from services.ingest.extract.base import Document, Fact


def _extract(doc: Document) -> list[Fact]:
    """Every fact the current extractor finds in a passage."""
    from services.ingest.extract import extract_facts

    return extract_facts(doc)


def passage_document(record: dict[str, Any]) -> Document:
    """The document a labelled record stands for, dated by `published` or its note."""
    published = rules.approximate_date(record.get("published"), record.get("published_note"))
    return Document(
        text=record["text"], published=published, title=record.get("page_title"),
        url=record.get("url"),
    )


def evaluate_passages(
    passages: Iterable[Passage], *, verbose: bool = False, reveal_holdout: bool = False
) -> EvalReport:
    """Score the extractor on passages; hold-out details only with `reveal_holdout`."""
    report = EvalReport()
    for passage in passages:
        matches = match_record(passage.record, _extract(passage_document(passage.record)))
        report.add_passage(passage.record, matches)
        if passage.holdout:
            report.holdout += 1
            if not reveal_holdout:
                report.hidden += verbose
                continue
        if verbose and (result := passage_result(passage.id, matches)):
            report.details.append(result)
    return report


def evaluate_records(records: Iterable[dict[str, Any]], verbose: bool = False) -> EvalReport:
    """Score the extractor on labelled records (dicts of the passages.json schema)."""
    passages = (Passage(str(r.get("id", i + 1)), "<records>", r) for i, r in enumerate(records))
    return evaluate_passages(passages, verbose=verbose, reveal_holdout=True)


def evaluate(
    paths: Path | list[Path],
    selection: Selection | None = None,
    *,
    verbose: bool = False,
    reveal_holdout: bool = False,
) -> EvalReport:
    """Score the extractor on the selected passages of one or more corpus files."""
    files = [paths] if isinstance(paths, Path) else list(paths)
    passages = load_passages(files, selection)
    report = evaluate_passages(passages, verbose=verbose, reveal_holdout=reveal_holdout)
    report.files = [str(f) for f in files]
    return report
