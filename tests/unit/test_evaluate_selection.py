"""Choosing passages to score (id patterns, the fixed hold-out) and the breakdowns."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from factories import labelled_statistic as _stat
from typer.testing import CliRunner

from events import QuarterPeriod, Source, StatisticPublished, YearPeriod
from services.cli import app
from services.ingest import evaluate as ev
from services.ingest.evaluate import runner
from services.ingest.extract.base import Document, Fact


def _record(pid: str, source_type: str = "official", **labels: Any) -> dict[str, Any]:
    return {
        "id": pid,
        "published": "2024-02-01",
        "source_type": source_type,
        "text": f"Passage {pid}.",
        "statistics": labels.get("statistics", []),
        "policy_notices": labels.get("policy_notices", []),
        "city_pilots": labels.get("city_pilots", []),
    }


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


# ------------------------------------------------------------------ id patterns


@pytest.mark.parametrize(
    ("only", "exclude", "kept"),
    [
        ((), (), ["a1", "a2", "b1", "b10", "c7"]),
        (("a*",), (), ["a1", "a2"]),
        (("a*", "b?"), (), ["a1", "a2", "b1"]),
        ((), ("b*",), ["a1", "a2", "c7"]),
        (("a*", "b*"), ("*1",), ["a2", "b10"]),
        (("[bc]*",), ("b1?",), ["b1", "c7"]),
    ],
)
def test_only_and_exclude_patterns(
    only: tuple[str, ...], exclude: tuple[str, ...], kept: list[str]
) -> None:
    ids = ["a1", "a2", "b1", "b10", "c7"]
    selection = ev.Selection(only=only, exclude=exclude)
    assert [i for i in ids if selection.keeps(i)] == kept


def test_patterns_are_case_sensitive_globs() -> None:
    assert not ev.Selection(only=("D0*",)).keeps("d01")
    assert ev.Selection(only=("d0[1-3]",)).keeps("d02")


# ------------------------------------------------------------------ the hold-out


def test_holdout_rule_is_pinned() -> None:
    # sha256(id) divisible by 5; these memberships must never change
    ids = [f"p{i}" for i in range(40)]
    held = ["p13", "p17", "p18", "p26", "p27", "p30", "p31", "p34", "p37"]
    assert [i for i in ids if ev.is_holdout(i)] == held
    for i in ids:
        digest = hashlib.sha256(i.encode("utf-8")).digest()
        assert ev.is_holdout(i) == (int.from_bytes(digest, "big") % 5 == 0)
    assert ev.is_holdout("t3") and not ev.is_holdout("t1") and not ev.is_holdout("t2")


def test_holdout_holds_about_one_in_five() -> None:
    share = sum(ev.is_holdout(f"x{i}") for i in range(5000)) / 5000
    assert 0.18 < share < 0.22


def test_holdout_does_not_move_when_the_corpus_changes(tmp_path: Path) -> None:
    ids = [f"q{i:03d}" for i in range(60)]
    first = _write(tmp_path / "a.json", [_record(i) for i in ids])
    held = {p.id for p in ev.load_passages([first], ev.Selection(holdout="only"))}
    assert held and len(held) < len(ids)
    # reorder, drop some, add others, split across two files
    changed = [i for i in reversed(ids) if not i.endswith("7")] + ["n1", "n2", "n3"]
    half = len(changed) // 2
    files = [
        _write(tmp_path / "b.json", [_record(i) for i in changed[:half]]),
        _write(tmp_path / "c.json", [_record(i) for i in changed[half:]]),
    ]
    held_after = {p.id for p in ev.load_passages(files, ev.Selection(holdout="only"))}
    assert held_after & set(ids) == {i for i in held if not i.endswith("7")}
    tuned = {p.id for p in ev.load_passages(files, ev.Selection(holdout="exclude"))}
    assert tuned | held_after == set(changed) and not tuned & held_after


def test_several_files_need_unique_ids(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.json", [_record("a1")])
    b = _write(tmp_path / "b.json", [_record("a1")])
    with pytest.raises(ev.CorpusError, match="a1"):
        ev.load_passages([a, b])
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "x"}', encoding="utf-8")
    with pytest.raises(ev.CorpusError, match="JSON list"):
        ev.load_passages([bad])


# ------------------------------------------------------------------ breakdowns


def _pred(metric: str, period: Any, value: int, unit: str) -> Fact:
    payload = StatisticPublished(
        metric=metric, geography="CN", period=period, value=Decimal(value), unit=unit
    )
    return Fact(payload, Source(document_id="0" * 64))


BREAKDOWN = [
    _record(
        "y1",
        "official",
        statistics=[
            _stat("pct_applications", {"year": 2023}, 100, "count"),
            _stat("ip_pledge_financing_amount", {"year": 2023}, 5_000_000, "CNY"),
        ],
    ),
    _record(
        "q1",
        "third_party",
        statistics=[_stat("trademark_registrations", {"year": 2023, "quarter": 2}, 40, "count")],
        policy_notices=[{"title": "Measures on Patent Pledge Loans", "issuers": []}],
    ),
]
PREDICTIONS = {
    # y1: the count is found with another metric id, the amount is missed
    "Passage y1.": [_pred("invention_patents_granted", YearPeriod(year=2023), 100, "count")],
    # q1: the quarter figure is found, plus an unlabelled yearly amount; the notice missed
    "Passage q1.": [
        _pred("trademark_registrations", QuarterPeriod(year=2023, quarter=2), 40, "count"),
        _pred("ip_pledge_financing_amount", YearPeriod(year=2023), 7, "CNY"),
    ],
}


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> None:
    def extract(doc: Document) -> list[Fact]:
        return PREDICTIONS[doc.text]

    monkeypatch.setattr(runner, "_extract", extract)


def _counts(t: ev.Tally, kind: str = "statistics") -> tuple[int, int, int]:
    s: ev.Score = getattr(t, kind)
    return (s.tp, s.fp, s.fn)


@pytest.mark.usefixtures("scripted")
def test_figures_per_period_kind_unit_and_source_type(tmp_path: Path) -> None:
    report = ev.evaluate(_write(tmp_path / "p.json", BREAKDOWN))
    assert _counts(report) == (2, 1, 1) and _counts(report, "notices") == (0, 0, 1)
    assert (report.matched, report.metric_correct) == (2, 1)
    kinds = report.by["period_kind"]
    assert set(kinds) == {"year", "quarter"}
    assert _counts(kinds["year"]) == (1, 1, 1) and kinds["year"].metric_accuracy == 0
    assert _counts(kinds["quarter"]) == (1, 0, 0) and kinds["quarter"].metric_accuracy == 1
    units = report.by["unit"]
    assert _counts(units["count"]) == (2, 0, 0) and _counts(units["CNY"]) == (0, 1, 1)
    sources = report.by["source_type"]
    assert sources["official"].passages == 1 and _counts(sources["official"]) == (1, 0, 1)
    assert _counts(sources["third_party"]) == (1, 1, 0)
    assert _counts(sources["third_party"], "notices") == (0, 0, 1)
    assert set(report.by["language"]) == {"en"}


@pytest.mark.usefixtures("scripted")
def test_eval_command_prints_tables_and_json(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "p.json", BREAKDOWN)
    cli = CliRunner()
    tables = cli.invoke(app, ["eval", str(corpus), "--exclude", "q*"], catch_exceptions=False)
    assert tables.exit_code == 0, tables.output
    assert "1 passage, 1 of them in the hold-out · excluding q*" in tables.stdout
    for title in ("overall", "by period kind", "by unit", "by source type", "by language"):
        assert title in tables.stdout
    out = cli.invoke(app, ["eval", str(corpus), "--json", "--verbose"], catch_exceptions=False)
    data = json.loads(out.stdout)
    assert data["passages"] == 2 and data["overall"]["statistics"]["tp"] == 2
    assert data["by"]["unit"]["CNY"]["statistics"]["fn"] == 1
    assert data["by"]["source_type"]["third_party"]["notices"]["recall"] == 0
    # y1 is in the hold-out: scored, but its failures are withheld
    assert [d["id"] for d in data["details"]] == ["q1"]
    assert data["holdout_passages"] == 1 and data["holdout_details_withheld"] == 1
    missing = cli.invoke(app, ["eval", str(tmp_path / "none.json")])
    assert missing.exit_code == 2
