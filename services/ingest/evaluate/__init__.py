"""Extraction quality against labelled corpora (the `passages.json` schema).

`evaluate(paths, selection)` runs the extractor on the selected passages of one or more
corpus files and scores what it finds against the labels, overall and per period kind,
unit, source type and language. The matching rules are in `matching` and `rules`; the
fixed hold-out is defined in `corpus`.
"""

from __future__ import annotations

from services.ingest.evaluate.corpus import (
    CorpusError,
    Passage,
    Selection,
    is_holdout,
    load_passages,
)
from services.ingest.evaluate.details import PassageResult
from services.ingest.evaluate.report import as_json, render
from services.ingest.evaluate.rules import (
    approximate_date,
    geographies_equal,
    period_key,
    similarity,
    values_equal,
)
from services.ingest.evaluate.runner import evaluate, evaluate_passages, evaluate_records
from services.ingest.evaluate.scores import EvalReport, Score, Tally

__all__ = [
    "CorpusError",
    "EvalReport",
    "Passage",
    "PassageResult",
    "Score",
    "Selection",
    "Tally",
    "approximate_date",
    "as_json",
    "evaluate",
    "evaluate_passages",
    "evaluate_records",
    "geographies_equal",
    "is_holdout",
    "load_passages",
    "period_key",
    "render",
    "similarity",
    "values_equal",
]
