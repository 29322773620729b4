"""Extraction quality against a labelled corpus (the `passages.json` schema).

`evaluate(path)` runs the extractors on every passage and compares what they find with the
labels. Matching rules:

Statistics (one-to-one, greedy, gold in text order; among candidates a prediction with the
same metric is preferred):

* a labelled statistic with a value matches a predicted one with the same period
  (same kind and fields, e.g. `2020-Q1`, `2023-E06`), the same unit, the same geography
  and an equal value. Values are equal when they differ by at most 0.1 % of the larger one
  (or 0.01 absolute for values below 10), so rounding in conversions such as
  "7 months and 2 days" = 7.07 or per-100,000 rates converted to per-10,000 do not count
  as misses, while a wrong scale always does;
* a growth-only statistic (value null) matches a predicted growth-only statistic with the
  same period, geography and metric whose change has the same kind, amount and direction.
* Geographies are compared case-insensitively after dropping the words district, city,
  province and municipality and punctuation; "Huangpu" matches "Huangpu District,
  Guangzhou" (the shorter name's words must all occur in the longer one); `CN` only
  matches `CN`.

Among matched statistics, *metric accuracy* is the share with the labelled metric id and
*change accuracy* the share whose reported change agrees: both absent, or both present with
the same kind (percent, percentage points, absolute), amount (same tolerance), direction
and basis. The hedge on a change is not scored.

Policy notices match when their normalised titles agree: lower case, punctuation, quotes
and the words "the", "of", "on", "and", "for", "in" dropped, then at least 60 % of the
shorter title's words occur in the other. A labelled notice without a title is matched on
its description against the prediction's title or description with a looser 35 %.

City pilots match on the same city (as geographies above) and status; among several such
predictions the one whose program shares the most words wins, and at least one content
word of the program must be shared.

Passages with `published: null` are extracted with the approximate date that
`published_note` gives ("approx. July 2018" = 2018-07-15, "early 2018", "mid-2017",
"late 2011", a bare year = its middle, an ISO date as is), else with no date.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from events import CityPilotDesignated, CityPilotStatusChanged, PolicyNoticeIssued
from events.types import StatisticPublished
from services.ingest.extract.base import Document, Fact

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "january", "february", "march", "april", "may", "june", "july", "august",
            "september", "october", "november", "december",
        ]
    )
}  # fmt: skip
_STOP = frozenset({"the", "of", "on", "and", "for", "in", "a", "an", "to", "its", "by", "with"})
_GEO_DROP = frozenset({"district", "city", "province", "municipality"})
_WORD = re.compile(r"[a-z0-9]+")


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


@dataclass
class PassageResult:
    """What went wrong in one passage: labels not found, predictions not labelled."""

    id: str
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)


@dataclass
class EvalReport:
    """Scores over a corpus, plus per-passage details for --verbose."""

    passages: int = 0
    statistics: Score = field(default_factory=Score)
    notices: Score = field(default_factory=Score)
    pilots: Score = field(default_factory=Score)
    metric_correct: int = 0
    change_correct: int = 0
    matched: int = 0
    details: list[PassageResult] = field(default_factory=list)
    verbose: bool = False

    @property
    def metric_accuracy(self) -> float:
        """Share of matched statistics with the labelled metric id."""
        return self.metric_correct / self.matched if self.matched else 1.0

    @property
    def change_accuracy(self) -> float:
        """Share of matched statistics whose reported change agrees with the label."""
        return self.change_correct / self.matched if self.matched else 1.0


# ------------------------------------------------------------------------- helpers


def approximate_date(published: str | None, note: str | None) -> date | None:
    """The page date, else the approximate date the note gives, else None."""
    if published:
        return date.fromisoformat(published)
    text = (note or "").lower()
    if m := re.search(r"(\d{4})-(\d{2})-(\d{2})", text):
        return date(int(m[1]), int(m[2]), int(m[3]))
    if m := re.search(r"\b(" + "|".join(_MONTHS) + r")\b[^0-9]{0,30}?(\d{4})", text):
        return date(int(m[2]), _MONTHS[m[1]], 15)
    if m := re.search(r"\b(early|mid|late)[- ](\d{4})", text):
        month = {"early": 2, "mid": 7, "late": 11}[m[1]]
        return date(int(m[2]), month, 15 if month != 7 else 1)
    if m := re.search(r"\b((?:19|20)\d{2})\b", text):
        return date(int(m[1]), 7, 1)
    return None


def period_key(period: dict[str, Any]) -> str:
    """The compact key of a labelled period (`2020`, `2020-Q1`, `2023-E06`, ...)."""
    year = int(period["year"])
    if "quarter" in period:
        return f"{year}-Q{int(period['quarter'])}"
    if "half" in period:
        return f"{year}-H{int(period['half'])}"
    if "months" in period:
        a, b = period["months"]
        return f"{year}-M{int(a):02d}-M{int(b):02d}"
    if "as_of_month" in period:
        return f"{year}-E{int(period['as_of_month']):02d}"
    return f"{year}"


def values_equal(a: Decimal | None, b: Decimal | None) -> bool:
    """Equal within 0.1 % of the larger magnitude (0.01 absolute below 10)."""
    if a is None or b is None:
        return a is b
    big = max(abs(a), abs(b))
    if big < 10:
        return abs(a - b) <= Decimal("0.01")
    return abs(a - b) <= big * Decimal("0.001")


def _geo_words(geo: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(geo.lower()) if w not in _GEO_DROP)


def geographies_equal(a: str, b: str) -> bool:
    """CN only equals CN; places match when one's words all occur in the other's."""
    if a == "CN" or b == "CN":
        return a == b
    wa, wb = _geo_words(a), _geo_words(b)
    if not wa or not wb:
        return a.lower() == b.lower()
    return wa <= wb or wb <= wa


def _words(text: str | None) -> list[str]:
    return [w for w in _WORD.findall((text or "").lower()) if w not in _STOP]


def similarity(a: str | None, b: str | None) -> float:
    """Share of the shorter text's words (stop words dropped) found in the other."""
    wa, wb = set(_words(a)), set(_words(b))
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def _dec(x: Any) -> Decimal | None:
    return None if x is None else Decimal(str(x))


def _change_tuple(change: dict[str, Any] | None) -> tuple[str, Decimal, str, str] | None:
    if not change:
        return None
    for kind in ("percent", "percentage_points", "absolute"):
        if change.get(kind) is not None:
            amount = _dec(change[kind])
            assert amount is not None
            return (kind, amount, str(change["direction"]), str(change.get("basis") or ""))
    return None


def _changes_equal(gold: dict[str, Any] | None, pred: dict[str, Any] | None) -> bool:
    g, p = _change_tuple(gold), _change_tuple(pred)
    if g is None or p is None:
        return g is p
    return g[0] == p[0] and values_equal(g[1], p[1]) and g[2] == p[2] and g[3] == p[3]


def _same_change_amount(gold: dict[str, Any] | None, pred: dict[str, Any] | None) -> bool:
    g, p = _change_tuple(gold), _change_tuple(pred)
    if g is None or p is None:
        return False
    return g[0] == p[0] and values_equal(g[1], p[1]) and g[2] == p[2]


def _extract(doc: Document) -> list[Fact]:
    """All facts; while the notice or pilot extractor is missing, the others alone."""
    try:
        from services.ingest.extract import extract_facts

        return extract_facts(doc)
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("services.ingest.extract."):
            raise  # a real missing dependency, not an extractor still being written
    from services.ingest.extract.statistics import extract_statistics

    facts = extract_statistics(doc)
    for module, name in (("notices", "extract_notices"), ("pilots", "extract_pilots")):
        try:
            mod = importlib.import_module(f"services.ingest.extract.{module}")
        except ModuleNotFoundError:
            continue
        facts.extend(getattr(mod, name)(doc))
    facts.sort(key=lambda f: f.source.sentence_span.start if f.source.sentence_span else 0)
    return facts


def _describe_gold(s: dict[str, Any]) -> str:
    ch = _change_tuple(s.get("reported_change"))
    change = f" {ch[2]} {ch[1]} {ch[0]} {ch[3]}" if ch else ""
    return (
        f"{s['metric']} {period_key(s['period'])} {s.get('value')} {s['unit']} "
        f"{s['geography']}{change} [{s.get('value_text') or s.get('subject')}]"
    )


def _describe_pred(p: StatisticPublished, fact: Fact) -> str:
    ch = p.reported_change
    change = ""
    if ch is not None:
        amount = ch.percent or ch.percentage_points or ch.absolute
        change = f" {ch.direction} {amount} {ch.basis}"
    value = "None" if p.value is None else format(p.value, "f")
    return (
        f"{p.metric} {p.period.key} {value} {p.unit} {p.geography}{change} "
        f"[{fact.source.value_text}]"
    )


# ------------------------------------------------------------------------- scoring


def _score_statistics(
    gold: list[dict[str, Any]], facts: list[Fact], report: EvalReport, result: PassageResult
) -> None:
    preds = [(f, f.payload) for f in facts if isinstance(f.payload, StatisticPublished)]
    used: set[int] = set()
    for g in gold:
        key = period_key(g["period"])
        value = _dec(g.get("value"))
        candidates: list[int] = []
        for i, (_f, p) in enumerate(preds):
            if (
                i in used
                or p.period.key != key
                or not geographies_equal(g["geography"], p.geography)
            ):
                continue
            if value is None:
                if (
                    p.value is None
                    and p.metric == g["metric"]
                    and _same_change_amount(
                        g.get("reported_change"),
                        p.reported_change.model_dump() if p.reported_change else None,
                    )
                ):
                    candidates.append(i)
            elif p.unit == g["unit"] and values_equal(value, p.value):
                candidates.append(i)
        if not candidates:
            report.statistics.fn += 1
            result.misses.append("stat " + _describe_gold(g))
            continue
        best = next((i for i in candidates if preds[i][1].metric == g["metric"]), candidates[0])
        used.add(best)
        fact, p = preds[best]
        report.statistics.tp += 1
        report.matched += 1
        pred_change = p.reported_change.model_dump() if p.reported_change else None
        ok_metric = p.metric == g["metric"]
        ok_change = _changes_equal(g.get("reported_change"), pred_change)
        report.metric_correct += ok_metric
        report.change_correct += ok_change
        if not (ok_metric and ok_change):
            result.wrong.append(f"gold {_describe_gold(g)}\n        got  {_describe_pred(p, fact)}")
    for i, (f, p) in enumerate(preds):
        if i not in used:
            report.statistics.fp += 1
            result.extras.append("stat " + _describe_pred(p, f))


def _score_notices(
    gold: list[dict[str, Any]], facts: list[Fact], report: EvalReport, result: PassageResult
) -> None:
    preds = [f.payload for f in facts if isinstance(f.payload, PolicyNoticeIssued)]
    used: set[int] = set()
    for g in gold:
        best, best_sim = -1, 0.0
        for i, p in enumerate(preds):
            if i in used:
                continue
            if g.get("title"):
                sim = similarity(g["title"], p.title) if p.title else 0.0
                threshold = 0.6
            else:
                sim = similarity(g.get("description"), p.title or p.description)
                threshold = 0.35
            if sim >= threshold and sim > best_sim:
                best, best_sim = i, sim
        if best < 0:
            report.notices.fn += 1
            result.misses.append(f"notice {g.get('title') or g.get('description')}")
        else:
            used.add(best)
            report.notices.tp += 1
    for i, p in enumerate(preds):
        if i not in used:
            report.notices.fp += 1
            result.extras.append(f"notice {p.title or p.description}")


def _score_pilots(
    gold: list[dict[str, Any]], facts: list[Fact], report: EvalReport, result: PassageResult
) -> None:
    preds = [
        f.payload
        for f in facts
        if isinstance(f.payload, CityPilotDesignated | CityPilotStatusChanged)
    ]
    used: set[int] = set()
    for g in gold:
        best, best_sim = -1, 0.0
        for i, p in enumerate(preds):
            if i in used or p.status != g["status"] or not geographies_equal(g["city"], p.city):
                continue
            sim = similarity(g["program"], p.program)
            if sim > 0 and sim > best_sim:
                best, best_sim = i, sim
        if best < 0:
            report.pilots.fn += 1
            result.misses.append(f"pilot {g['city']} {g['status']} {g['program']}")
        else:
            used.add(best)
            report.pilots.tp += 1
    for i, p in enumerate(preds):
        if i not in used:
            report.pilots.fp += 1
            result.extras.append(f"pilot {p.city} {p.status} {p.program}")


def evaluate_records(records: Iterable[dict[str, Any]], verbose: bool = False) -> EvalReport:
    """Score the extractors on labelled records (dicts of the passages.json schema)."""
    report = EvalReport(verbose=verbose)
    for rec in records:
        report.passages += 1
        published = approximate_date(rec.get("published"), rec.get("published_note"))
        doc = Document(text=rec["text"], published=published, url=rec.get("url"))
        facts = _extract(doc)
        result = PassageResult(id=str(rec.get("id", report.passages)))
        _score_statistics(list(rec.get("statistics") or []), facts, report, result)
        _score_notices(list(rec.get("policy_notices") or []), facts, report, result)
        _score_pilots(list(rec.get("city_pilots") or []), facts, report, result)
        report.details.append(result)
    return report


def evaluate(path: Path, verbose: bool = False) -> EvalReport:
    """Run the extractors on a labelled corpus file and score them."""
    records = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(records, list):
        raise ValueError(f"{path}: expected a JSON list of passages")
    return evaluate_records(records, verbose=verbose)


def render(report: EvalReport) -> str:
    """The report as plain text: scores first, then per-passage misses if verbose."""
    lines = [f"passages: {report.passages}"]
    for name, score in (
        ("statistics", report.statistics),
        ("notices", report.notices),
        ("pilots", report.pilots),
    ):
        lines.append(
            f"{name:<11} P={score.precision:.3f} R={score.recall:.3f} F1={score.f1:.3f} "
            f"(tp={score.tp} fp={score.fp} fn={score.fn})"
        )
    lines.append(
        f"metric accuracy {report.metric_accuracy:.3f} ({report.metric_correct}/{report.matched})"
    )
    lines.append(
        f"change accuracy {report.change_accuracy:.3f} ({report.change_correct}/{report.matched})"
    )
    if report.verbose:
        for d in report.details:
            if not (d.misses or d.extras or d.wrong):
                continue
            lines.append(f"-- {d.id}")
            lines.extend(f"   miss  {m}" for m in d.misses)
            lines.extend(f"   extra {e}" for e in d.extras)
            lines.extend(f"   wrong {w}" for w in d.wrong)
    return "\n".join(lines)
