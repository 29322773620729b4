"""The Chinese releases among the examples: read in their encodings, recorded as Chinese, and,
stating the figures of the English releases, a second source of the same values."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from events import DocumentReceived, StatisticPublished, YearPeriod
from services.alerts.sinks import MemorySink
from services.bootstrap import App, bootstrap
from services.ingest.service import inbox_files
from services.report import collect
from services.reviews import suspects
from services.settings import Settings

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "inbox"
# what the Chinese releases state: year -> (value in yuan, reported growth in percent)
STATED = {2022: ("486880000000", "57.1"), 2023: ("853990000000", "75.4")}


def _app(data: Path, files: list[Path]) -> App:
    app = bootstrap(Settings(data_dir=data), sinks=[MemorySink()])
    assert app.ingest is not None
    result = app.ingest.ingest_paths(files)
    assert result.errors == []
    app.runner.catch_up()
    app.runner.catch_up()
    return app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    app = _app(tmp_path / "data", inbox_files(EXAMPLES))
    yield app
    app.close()


@pytest.fixture
def english_only(tmp_path: Path) -> Iterator[App]:
    files = [p for p in inbox_files(EXAMPLES) if not p.stem.endswith("-zh")]
    app = _app(tmp_path / "english", files)
    yield app
    app.close()


def _report(app: App) -> dict[str, Any]:
    with app.engine.connect() as conn:
        return collect(conn, app.settings.alerts.growth_tolerance_pp)


def _chinese_documents(app: App) -> dict[int, DocumentReceived]:
    """Year stated -> the Chinese release stating it, as stored."""
    out = {}
    for record in app.log.read("documents", None, 1000):
        p = record.event().payload
        if isinstance(p, DocumentReceived) and p.language == "zh":
            out[next(y for y in STATED if f"{y}年全国" in p.text)] = p
    return out


def test_the_chinese_examples_are_read_in_their_encodings_and_listed_as_chinese(
    app: App,
) -> None:
    raw = (EXAMPLES / "2023-01-16-cnipa-2022-annual-zh.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the file really is GB18030
    docs = _chinese_documents(app)
    assert "4868.8亿元" in docs[2022].text and "8539.9亿元" in docs[2023].text
    listed = [d for d in _report(app)["documents"] if d["language"] == "zh"]
    assert sorted(d["title"] for d in listed) == ["2022年知识产权质押融资数据",
                                                  "2023年知识产权质押融资情况"]
    assert len(_report(app)["documents"]) == 10


def test_the_chinese_releases_state_the_english_figures_and_change_no_value_or_alert(
    app: App, english_only: App,
) -> None:
    docs = {d.document_id: year for year, d in _chinese_documents(app).items()}
    found = {}
    for record in app.log.read("statistics", None, 10_000):
        event = record.event()
        if event.source is not None and event.source.document_id in docs:
            assert isinstance(event.payload, StatisticPublished)
            p = event.payload
            found[docs[event.source.document_id]] = (
                p.metric, p.geography, p.period, p.value, p.reported_change and
                p.reported_change.percent)
    assert found == {
        year: ("ip_pledge_financing_amount", "CN", YearPeriod(year=year), Decimal(value),
               Decimal(growth))
        for year, (value, growth) in STATED.items()
    }
    # the latest vintage of 2022 and 2023 may be the Chinese one: same values, other ids
    both, english = _report(app), _report(english_only)
    for part in ("yearly_totals", "growth_rates"):
        assert _without_ids(both[part]) == _without_ids(english[part]), part
    assert _seen(both["alerts"]) == _seen(english["alerts"])
    assert both["counts"]["observations"] == english["counts"]["observations"] + 2


def _without_ids(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if "event_id" not in k} for r in rows]


def _seen(alerts: list[dict[str, Any]]) -> set[tuple[str, ...]]:
    """What a person reads of each alert (its evidence names the latest vintages)."""
    return {(a["rule"], a["key"], a["state"], a["severity"], a["message"]) for a in alerts}


def test_chinese_copies_arriving_later_raise_no_alert_a_second_time(tmp_path: Path) -> None:
    files = inbox_files(EXAMPLES)
    app = _app(tmp_path / "later", [p for p in files if not p.stem.endswith("-zh")])
    try:
        before = {(a["rule"], a["key"]): a["times_raised"] for a in _report(app)["alerts"]}
        assert app.ingest is not None
        app.ingest.ingest_paths([p for p in files if p.stem.endswith("-zh")])
        app.runner.catch_up()
        after = {(a["rule"], a["key"]): a["times_raised"] for a in _report(app)["alerts"]}
        with app.engine.connect() as conn:
            basis = {x for s in suspects(conn) for x in (s.event_id, s.basis_event_id) if x}
        alert = next(a for a in _report(app)["alerts"] if a["rule"] == "suspected_scale_error")
    finally:
        app.close()
    # the held-out reprint's alert now names the Chinese copy as its basis, yet it is
    # still the same condition: raised once, as before
    assert after == before
    assert any(rule == "suspected_scale_error" for rule, _ in after)
    # and it names the values the projections now hold it against, not those of before
    assert set(alert["evidence"]) == basis

