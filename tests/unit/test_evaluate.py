"""The extraction evaluation: matching rules and exact counts on a tiny labelled corpus."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from factories import labelled_statistic as _stat
from rich.console import Console

from events import (
    CityPilotDesignated,
    PolicyNoticeIssued,
    Source,
    StatisticPublished,
    YearPeriod,
)
from services.ingest import evaluate as ev
from services.ingest.evaluate import runner
from services.ingest.extract.base import Document, Fact

CORPUS: list[dict[str, Any]] = [
    {
        "id": "t1",
        "published": "2023-03-01",
        "published_note": "date shown on page",
        "text": (
            "In 2022, the office granted 798,000 invention patents, up 4% year on year. "
            "In 2022, Chinese applicants filed 70,100 PCT applications."
        ),
        "statistics": [
            _stat(
                "invention_patents_granted",
                {"year": 2022},
                798000,
                "count",
                {"percent": 4, "direction": "up", "basis": "year_on_year"},
            ),
            # Labelled with another metric id: still a match, but a metric error.
            _stat("madrid_applications", {"year": 2022}, 70100, "count"),
            # Not in the text: a miss.
            _stat("trademark_registrations", {"year": 2022}, 6170000, "count"),
        ],
        "policy_notices": [],
        "city_pilots": [],
        "distractors": [],
    },
    {
        "id": "t2",
        "published": None,
        "published_note": "undated in stored excerpt (approx. July 2019)",
        "text": (
            "In the first half of this year, IP royalty exports rose 12 percent year on year. "
            "In the first half of this year, patent pledge financing reached 58.2 billion yuan, "
            "up 9%."
        ),
        "statistics": [
            _stat(
                "ip_royalties_export",
                {"year": 2019, "half": 1},
                None,
                "CNY",
                {"percent": 12, "direction": "up", "basis": "year_on_year"},
            ),
            # The change basis is labelled differently (the extractor carries the year-on-year
            # basis of the sentence before): a change error.
            _stat(
                "ip_pledge_financing_amount",
                {"year": 2019, "half": 1},
                58200000000,
                "CNY",
                {"percent": 9, "direction": "up", "basis": "vs_previous_year"},
            ),
        ],
        "policy_notices": [],
        "city_pilots": [],
        "distractors": [],
    },
    {
        "id": "t3",
        "published": "2021-01-10",
        "published_note": "date from URL path",
        "text": (
            "In 2020, Hangzhou recorded 41,200 patent applications. It will add 9 more by 2025."
        ),
        "statistics": [],  # the city figure is predicted but not labelled: an extra
        "policy_notices": [],
        "city_pilots": [],
        "distractors": [],
    },
]


@pytest.fixture
def corpus_file(tmp_path: Path) -> Path:
    path = tmp_path / "passages.json"
    path.write_text(json.dumps(CORPUS), encoding="utf-8")
    return path


def test_statistics_scores_are_exact(corpus_file: Path) -> None:
    report = ev.evaluate(corpus_file, verbose=True)
    assert report.passages == 3
    s = report.statistics
    assert (s.tp, s.fp, s.fn) == (4, 1, 1)
    assert s.precision == pytest.approx(0.8)
    assert s.recall == pytest.approx(0.8)
    assert s.f1 == pytest.approx(0.8)
    assert (report.matched, report.metric_correct, report.change_correct) == (4, 3, 3)
    assert report.metric_accuracy == pytest.approx(0.75)
    details = {d.id: d for d in report.details}
    assert len(details["t1"].misses) == 1 and "trademark_registrations" in details["t1"].misses[0]
    assert "t3" not in details  # t3 is in the hold-out: scored, its failures not shown
    revealed = ev.evaluate(corpus_file, verbose=True, reveal_holdout=True)
    t3 = next(d for d in revealed.details if d.id == "t3")
    assert len(t3.extras) == 1 and "Hangzhou" in t3.extras[0]
    text = _rendered(report)
    assert re.search(r"statistics\W+0\.800\W+0\.800\W+0\.800\W+4\W+1\W+1\W", text)
    assert "-- t1" in text and "miss  stat trademark_registrations" in text


def _rendered(report: ev.EvalReport) -> str:
    out = io.StringIO()
    ev.render(report, Console(file=out, width=200))
    return out.getvalue()


def test_render_without_verbose_has_only_the_scores(corpus_file: Path) -> None:
    text = _rendered(ev.evaluate(corpus_file, verbose=False))
    assert "-- t1" not in text
    assert text.splitlines()[0] == "3 passages, 1 of them in the hold-out"


def _fact(payload: Any) -> Fact:
    return Fact(payload=payload, source=Source(document_id="0" * 64))


def test_notices_and_pilots_are_matched_loosely(monkeypatch: pytest.MonkeyPatch) -> None:
    records = [
        {
            "id": "n1",
            "published": "2021-05-01",
            "text": "irrelevant",
            "statistics": [],
            "policy_notices": [
                {"title": "Notice on Further Promoting IP Pledge Financing", "issuers": []},
                {"title": None, "description": "plan for building IP protection zones"},
                {"title": "Measures on Patent Insurance", "issuers": []},
            ],
            "city_pilots": [
                {
                    "city": "Huangpu District, Guangzhou",
                    "program": "IP pilot zone",
                    "status": "selected",
                },
                {"city": "Quanzhou", "program": "IP operation key city", "status": "selected"},
            ],
        }
    ]
    facts = [
        _fact(PolicyNoticeIssued(title="“Notice on further promoting IP pledge financing”")),
        _fact(PolicyNoticeIssued(title=None, description="a plan on building protection zones")),
        _fact(PolicyNoticeIssued(title="Opinions on Trademark Examination")),
        _fact(CityPilotDesignated(program="national IP pilot zone", city="Huangpu")),
        _fact(
            CityPilotDesignated(
                program="IP operation key cities", city="Quanzhou", status="implementing"
            )
        ),
        _fact(
            StatisticPublished(
                metric="pct_applications",
                geography="CN",
                period=YearPeriod(year=2020),
                value=Decimal("1"),
                unit="count",
            )
        ),
    ]
    monkeypatch.setattr(runner, "_extract", lambda doc: facts)
    report = ev.evaluate_records(records)
    assert (report.notices.tp, report.notices.fp, report.notices.fn) == (2, 1, 1)
    # Quanzhou has the wrong status: a miss and an extra.
    assert (report.pilots.tp, report.pilots.fp, report.pilots.fn) == (1, 1, 1)
    assert (report.statistics.tp, report.statistics.fp, report.statistics.fn) == (0, 1, 0)


@pytest.mark.parametrize(
    ("published", "note", "expected"),
    [
        ("2020-04-25", None, date(2020, 4, 25)),
        (None, "undated in stored excerpt (approx. July-August 2017)", date(2017, 7, 15)),
        (None, "undated in stored excerpt (approx. early 2018)", date(2018, 2, 15)),
        (None, "undated (approx. mid-2017)", date(2017, 7, 1)),
        (None, "page date not shown (notice dated 2023-07-12)", date(2023, 7, 12)),
        (None, "undated in stored excerpt (approx. 2021)", date(2021, 7, 1)),
        (None, "no date at all", None),
    ],
)
def test_approximate_publication_dates(
    published: str | None, note: str | None, expected: date | None
) -> None:
    assert ev.approximate_date(published, note) == expected


def test_value_tolerance_and_geography_rules() -> None:
    assert ev.values_equal(Decimal("7.07"), Decimal("7.0667"))
    assert ev.values_equal(Decimal("33700000000"), Decimal("33710000000"))
    assert not ev.values_equal(Decimal("33700000000"), Decimal("3370000000"))
    assert ev.geographies_equal("Huangpu District, Guangzhou", "Huangpu")
    assert not ev.geographies_equal("CN", "Guangzhou")
    assert ev.period_key({"year": 2018, "months": [1, 9]}) == "2018-M01-M09"
    assert ev.period_key({"year": 2023, "as_of_month": 6}) == "2023-E06"


def test_chinese_places_and_titles_are_compared_by_their_characters() -> None:
    assert ev.geographies_equal("江苏省苏州市", "苏州市")
    assert ev.geographies_equal("上海", "上海市")
    assert not ev.geographies_equal("江苏省", "浙江省")
    assert not ev.geographies_equal("CN", "全国")
    same = "关于开展知识产权质押融资入园惠企行动的通知"
    assert ev.similarity(same, "《" + same + "》") == 1.0
    assert ev.similarity(same, "关于印发专利转化运用专项行动方案的通知") < 0.6


def _document_of(monkeypatch: pytest.MonkeyPatch, record: dict[str, Any]) -> Document:
    """The document the evaluation gives the extractor for one labelled record."""
    seen: list[Document] = []

    def extract(doc: Document) -> list[Fact]:
        seen.append(doc)
        return []

    monkeypatch.setattr(runner, "_extract", extract)
    ev.evaluate_records([record])
    return seen[0]


def test_documents_get_the_approximate_date(monkeypatch: pytest.MonkeyPatch) -> None:
    record = {"id": "x", "published": None, "published_note": "approx. May 2019", "text": "t"}
    assert _document_of(monkeypatch, record).published == date(2019, 5, 15)


def test_documents_carry_the_page_title(monkeypatch: pytest.MonkeyPatch) -> None:
    record = {"id": "x", "published": "2018-05-01", "text": "t", "page_title": "安徽专利统计"}
    assert _document_of(monkeypatch, record).title == "安徽专利统计"
