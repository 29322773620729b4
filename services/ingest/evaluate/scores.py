"""Counts and figures of an evaluation, overall and per group of passages or facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from events.types import StatisticPublished
from services.ingest.evaluate import rules
from services.ingest.evaluate.matching import Match

# Breakdowns: statistics by period kind and unit (the label's, or the prediction's for an
# extra), every fact type by the passage's source type and language.
STATISTIC_DIMENSIONS = ("period_kind", "unit")
PASSAGE_DIMENSIONS = ("source_type", "language")
FACT_TYPES = ("statistics", "notices", "pilots")


@dataclass
class Score:
    """True positives, false positives and false negatives of one fact type."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when nothing was labelled."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, match: Match) -> None:
        """Count one pairing: matched, a miss (label only) or an extra (prediction only)."""
        if match.matched:
            self.tp += 1
        elif match.gold is not None:
            self.fn += 1
        else:
            self.fp += 1

    def as_dict(self) -> dict[str, Any]:
        """Counts and figures as plain JSON values."""
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class Tally:
    """Scores of the three fact types plus metric and change accuracy among matches."""

    passages: int = 0
    statistics: Score = field(default_factory=Score)
    notices: Score = field(default_factory=Score)
    pilots: Score = field(default_factory=Score)
    matched: int = 0
    metric_correct: int = 0
    change_correct: int = 0

    @property
    def metric_accuracy(self) -> float:
        """Share of matched statistics with the labelled metric id."""
        return self.metric_correct / self.matched if self.matched else 1.0

    @property
    def change_accuracy(self) -> float:
        """Share of matched statistics whose reported change agrees with the label."""
        return self.change_correct / self.matched if self.matched else 1.0

    def add(self, match: Match) -> None:
        """Count one pairing of any fact type."""
        score: Score = getattr(self, match.kind)
        score.add(match)
        if match.kind == "statistics" and match.matched:
            self.matched += 1
            self.metric_correct += match.metric_ok
            self.change_correct += match.change_ok

    def as_dict(self) -> dict[str, Any]:
        """Counts and figures as plain JSON values."""
        return {
            "passages": self.passages,
            **{kind: getattr(self, kind).as_dict() for kind in FACT_TYPES},
            "metric_accuracy": round(self.metric_accuracy, 4),
            "change_accuracy": round(self.change_accuracy, 4),
            "matched": self.matched,
            "metric_correct": self.metric_correct,
            "change_correct": self.change_correct,
        }


def passage_groups(record: dict[str, Any]) -> dict[str, str]:
    """The passage-level groups of a labelled record: its source type and language."""
    return {
        "source_type": str(record.get("source_type") or "unlabelled"),
        "language": str(record.get("lang") or "en"),
    }


def statistic_groups(match: Match) -> dict[str, str]:
    """Period kind and unit of a statistic pairing: the label's, else the prediction's."""
    if match.gold is not None:
        return {
            "period_kind": rules.period_kind(match.gold["period"]),
            "unit": str(match.gold["unit"]),
        }
    assert match.fact is not None and isinstance(match.fact.payload, StatisticPublished)
    p = match.fact.payload
    return {"period_kind": p.period.kind, "unit": p.unit}


@dataclass
class EvalReport(Tally):
    """Scores over the selected passages: overall, per group, and per-passage details."""

    by: dict[str, dict[str, Tally]] = field(
        default_factory=lambda: {d: {} for d in STATISTIC_DIMENSIONS + PASSAGE_DIMENSIONS}
    )
    files: list[str] = field(default_factory=list)
    holdout: int = 0
    hidden: int = 0  # hold-out passages whose details were withheld
    details: list[Any] = field(default_factory=list)

    def group(self, dimension: str, name: str) -> Tally:
        """The tally of one group, created on first use."""
        return self.by[dimension].setdefault(name, Tally())

    def add_passage(self, record: dict[str, Any], matches: list[Match]) -> None:
        """Count one passage's pairings overall and in every group they belong to."""
        groups = passage_groups(record)
        self.passages += 1
        targets = [self.group(d, name) for d, name in groups.items()]
        for t in targets:
            t.passages += 1
        for m in matches:
            self.add(m)
            for t in targets:
                t.add(m)
            if m.kind == "statistics":
                for d, name in statistic_groups(m).items():
                    self.group(d, name).add(m)

    def as_dict(self) -> dict[str, Any]:
        """The whole report as plain JSON values."""
        return {
            "files": self.files,
            "holdout_passages": self.holdout,
            "holdout_details_withheld": self.hidden,
            "overall": super().as_dict(),
            "by": {
                d: {name: t.as_dict() for name, t in sorted(groups.items())}
                for d, groups in self.by.items()
            },
            "details": [d.as_dict() for d in self.details],
        }
