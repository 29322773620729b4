"""The evaluation as rich tables for people and as JSON for machines."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from services.ingest.evaluate.scores import (
    FACT_TYPES,
    PASSAGE_DIMENSIONS,
    STATISTIC_DIMENSIONS,
    EvalReport,
    Score,
    Tally,
)

_TITLES = {
    "period_kind": "statistics by period kind",
    "unit": "statistics by unit",
    "source_type": "by source type",
    "language": "by language",
}


def _f(x: float) -> str:
    return f"{x:.3f}"


def _score_cells(s: Score) -> list[str]:
    return [_f(s.precision), _f(s.recall), _f(s.f1), str(s.tp), str(s.fp), str(s.fn)]


def _accuracy_cells(t: Tally) -> list[str]:
    if not t.matched:
        return ["—", "—"]
    return [_f(t.metric_accuracy), _f(t.change_accuracy)]


def _table(title: str, first: str, *columns: str, caption: str | None = None) -> Table:
    table = Table(title=title, caption=caption)
    table.add_column(first, no_wrap=True)
    for c in columns:
        table.add_column(c, justify="right")
    return table


def overall_table(report: EvalReport) -> Table:
    """Precision, recall and F1 per fact type, and the accuracies among matches."""
    caption = (
        f"among {report.matched} matched statistics: "
        f"metric id accuracy {_f(report.metric_accuracy)} ({report.metric_correct}), "
        f"change accuracy {_f(report.change_accuracy)} ({report.change_correct})"
    )
    table = _table("overall", "facts", "P", "R", "F1", "tp", "fp", "fn", caption=caption)
    for kind in FACT_TYPES:
        table.add_row(kind, *_score_cells(getattr(report, kind)))
    return table


def statistics_table(report: EvalReport, dimension: str) -> Table:
    """Statistics figures per group of one statistic dimension (period kind or unit)."""
    table = _table(
        _TITLES[dimension], dimension.replace("_", " "),
        "P", "R", "F1", "tp", "fp", "fn", "metric id", "change",
    )  # fmt: skip
    for name, t in sorted(report.by[dimension].items()):
        table.add_row(name, *_score_cells(t.statistics), *_accuracy_cells(t))
    return table


def passages_table(report: EvalReport, dimension: str) -> Table:
    """Every fact type's F1 (and statistics P/R) per group of passages."""
    table = _table(
        _TITLES[dimension], dimension.replace("_", " "),
        "n", "P", "R", "F1", "metric", "change", "notice F1", "pilot F1",
        caption="n passages; P, R, F1, metric id and change accuracy of their statistics",
    )  # fmt: skip
    for name, t in sorted(report.by[dimension].items()):
        s = t.statistics
        table.add_row(
            name, str(t.passages), _f(s.precision), _f(s.recall), _f(s.f1),
            *_accuracy_cells(t), _f(t.notices.f1), _f(t.pilots.f1),
        )  # fmt: skip
    return table


def render(report: EvalReport, console: Console, *, header: str = "") -> None:
    """Print the report's tables, then the per-passage details it holds."""
    held = f", {report.holdout} of them in the hold-out" if report.holdout else ""
    count = f"{report.passages} passage{'' if report.passages == 1 else 's'}{held}"
    console.print(count + (f" · {header}" if header else ""))
    console.print(overall_table(report))
    for dimension in STATISTIC_DIMENSIONS:
        console.print(statistics_table(report, dimension))
    for dimension in PASSAGE_DIMENSIONS:
        console.print(passages_table(report, dimension))
    if report.hidden:
        console.print(
            f"the failures of {report.hidden} hold-out passages are not listed "
            "(they are scored, not inspected; --reveal-holdout lists them)"
        )
    for d in report.details:
        console.print(f"-- {d.id}", markup=False, highlight=False)
        for label, lines in (("miss ", d.misses), ("extra", d.extras), ("wrong", d.wrong)):
            for line in lines:
                console.print(f"   {label} {line}", markup=False, highlight=False)


def as_json(report: EvalReport, *, selection: str = "") -> dict[str, Any]:
    """The report as one JSON object: overall, per group, and the details it holds."""
    return {"selection": selection, "passages": report.passages, **report.as_dict()}
