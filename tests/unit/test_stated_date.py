"""A text file without metadata takes its publication date from the date it states in its
first lines (a date line, a labelled date, a dateline), not from the file's modification
time, so its relative periods ("in the first half", "last year") get the right year."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from services.ingest.documents import MTIME, STATED, read_document
from services.ingest.extract.notice_dates import header_date

BODY = "In the first half, China granted 476,000 invention patents.\n"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("Release date: 2024-07-12\n\n", date(2024, 7, 12)),
        ("Half-year IP figures\n\nJuly 12, 2024\n\n", date(2024, 7, 12)),
        ("BEIJING, July 12, 2024 (Xinhua) -- ", date(2024, 7, 12)),
        ("Beijing, 12 July 2024 -- ", date(2024, 7, 12)),
        ("发布时间：2024年7月12日 来源：国家知识产权局\n", date(2024, 7, 12)),
        ("2024/07/12\n", date(2024, 7, 12)),
        ("Date: July 2024\n", None),  # no day: not a date the text was published on
        ("However, July 12, 2024 was a Friday.\n", None),  # a sentence, not a dateline
    ],
)
def test_the_date_a_text_states_for_itself(head: str, expected: date | None) -> None:
    assert header_date(head + BODY) == expected


def test_a_date_deep_in_the_text_is_not_its_date() -> None:
    lines = [f"Line {n} of the story." for n in range(8)]
    assert header_date("\n".join([*lines, "July 12, 2024", BODY])) is None


def _undated_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "release.txt"
    path.write_text(text, encoding="utf-8")
    old = 1_000_000_000  # 2001: a file copied around keeps no useful time
    os.utime(path, (old, old))
    return path


def test_a_stated_date_wins_over_the_file_time(tmp_path: Path) -> None:
    doc = read_document(_undated_file(tmp_path, "Release date: 2024-07-12\n\n" + BODY))
    assert (doc.published, doc.published_from, doc.dated) == (date(2024, 7, 12), STATED, True)
    plain = read_document(_undated_file(tmp_path, BODY))
    assert (plain.published_from, plain.dated) == (MTIME, False)


def test_ipmon_extract_gives_the_first_half_the_year_the_text_states(tmp_path: Path) -> None:
    path = _undated_file(tmp_path, "BEIJING, July 12, 2024 (Xinhua) -- " + BODY)
    run = [str(Path(sys.executable).with_name("ipmon")), "extract", path.name]
    out = subprocess.run(
        run, capture_output=True, text=True, timeout=120, check=True, cwd=tmp_path
    )
    events = [json.loads(line) for line in out.stdout.splitlines()]
    stats = [e["payload"] for e in events if e["event_type"] == "StatisticPublished"]
    assert [(s["metric"], s["period"]["year"], s["period"].get("half")) for s in stats] == [
        ("invention_patents_granted", 2024, 1)
    ]
