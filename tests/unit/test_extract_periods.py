"""Impossible periods in text are refused and reported, never stored as another period."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from events import StatisticPublished
from events.log.sqlite import SqliteEventLog
from services.ingest.extract import Document, extract_facts, extraction_problems
from services.ingest.service import IngestService

PUBLISHED = date(2022, 3, 1)


def periods(text: str) -> list[str]:
    """Period keys of the statistics extracted from `text`."""
    return [
        f.payload.period.key
        for f in extract_facts(Document(text, published=PUBLISHED))
        if isinstance(f.payload, StatisticPublished)
    ]


@pytest.mark.parametrize(
    "sentence,phrase",
    [
        ("Patent pledge loans reached 41.2 billion yuan in the fifth quarter of 2021.", "fifth"),
        ("In the 13th month of 2021, patent pledge loans came to 8.4 billion yuan.", "13th"),
        ("Patent pledge loans in the third half of 2020 stood at 19 billion yuan.", "third"),
        ("In the zeroth month of 2021 patent pledge loans were 2.2 billion yuan.", "zeroth"),
        ("Patent pledge loans were 30.5 billion yuan in the 6th quarter of 2021.", "6th"),
        ("Patent pledge loans in 2021-Q7 were 12.9 billion yuan.", "Q7"),
    ],
)
def test_an_impossible_period_is_refused(sentence: str, phrase: str) -> None:
    text = f"Patent pledge loans in 2019 were 10.1 billion yuan.\n{sentence}\n"
    assert periods(text) == ["2019"]
    problems = extraction_problems(Document(text, published=PUBLISHED))
    assert len(problems) == 1
    span, problem = problems[0]
    assert "impossible period" in problem and phrase in problem
    assert text[span.start : span.end].endswith(phrase) or phrase in text[span.start : span.end]


def test_possible_ordinal_periods_are_read() -> None:
    text = (
        "Patent pledge loans in the fourth quarter of 2021 were 14.6 billion yuan.\n"
        "In the second half of 2020, patent pledge loans came to 11.3 billion yuan.\n"
        "In the third month of 2021, patent pledge loans were 3.3 billion yuan.\n"
        "Patent pledge loans rose for the sixth quarter in a row to 5.8 billion yuan in 2020.\n"
    )
    assert periods(text) == ["2021-Q4", "2020-H2", "2021-M03-M03", "2020"]
    assert extraction_problems(Document(text, published=PUBLISHED)) == []


def test_ingest_reports_the_refused_sentence_by_file_and_line(tmp_path: Path) -> None:
    doc = tmp_path / "release.txt"
    doc.write_text(
        "---\npublished: 2022-03-01\n---\n"
        "Patent pledge loans in 2020 came to 150 billion yuan.\n"
        "Patent pledge loans reached 160.4 billion yuan in the fifth quarter of 2021.\n"
    )
    log = SqliteEventLog(tmp_path / "events.sqlite")
    try:
        result = IngestService(log).ingest_paths([doc])
        stored = [r.event().payload for r in log.read("statistics", None, 100)]
    finally:
        log.close()
    assert result.errors == []
    assert [(w.origin, w.line) for w in result.warnings] == [(str(doc), 5)]
    assert "fifth quarter of 2021" in result.warnings[0].problem
    assert [p.period.key for p in stored if isinstance(p, StatisticPublished)] == ["2020"]
