"""The main job as a user runs it: `ipmon run` in a folder, relative paths, real signals."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from run_support import FEED_HEADER, Running, feed_row, run_job

from events import StatisticPublished
from events.log.sqlite import SqliteEventLog


def stored_values(data: Path) -> dict[str, Decimal | None]:
    """Period key -> value of the statistics in the event log of a data folder."""
    log = SqliteEventLog(data / "events.sqlite")
    try:
        payloads = [r.event().payload for r in log.read("statistics", None, 10_000)]
    finally:
        log.close()
    return {p.period.key: p.value for p in payloads if isinstance(p, StatisticPublished)}


def eventually(check: Callable[[], bool], timeout: float = 30) -> bool:
    """Whether `check` becomes true within a generous timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def test_a_relative_inbox_is_watched(tmp_path: Path) -> None:
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    (inbox / "start.csv").write_text(FEED_HEADER + feed_row("2021-Q1", "100"))
    job = run_job(tmp_path)
    try:
        assert job.wait_for("watching inbox"), job.output
        (inbox / "dropped.csv").write_text(FEED_HEADER + feed_row("2021-Q2", "200"))
        assert eventually(lambda: "2021-Q2" in stored_values(data)), job.output
        # written under a name ipmon does not read, then renamed into place
        (inbox / "moved.csv.part").write_text(FEED_HEADER + feed_row("2021-Q3", "300"))
        os.rename(inbox / "moved.csv.part", inbox / "moved.csv")
        assert eventually(lambda: "2021-Q3" in stored_values(data)), job.output
        # written in two steps, the first ending inside a row
        row = feed_row("2021-Q4", "400")
        with (inbox / "slow.csv").open("w") as f:
            f.write(FEED_HEADER + row[:-12])
            f.flush()
            time.sleep(0.5)
            f.write(row[-12:])
        assert eventually(lambda: "2021-Q4" in stored_values(data)), job.output
    finally:
        job.stop()
    assert stored_values(data) == {
        "2021-Q1": 100,
        "2021-Q2": 200,
        "2021-Q3": 300,
        "2021-Q4": 400,
    }
    assert "error" not in job.output


def test_poison_files_never_stop_the_job(tmp_path: Path) -> None:
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    (inbox / "a-poison.csv").write_text(FEED_HEADER + feed_row("2021-Q1", "1e999999999"))
    (inbox / "b-good.csv").write_text(FEED_HEADER + feed_row("2021-Q2", "200"))
    job = run_job(tmp_path)
    try:
        assert job.wait_for("watching inbox"), job.output
        assert "inbox/a-poison.csv:2: value" in job.output
        (inbox / "c-poison.txt").write_text(
            "In 2021 the patent pledge financing amount came to "
            "123456789012345678901234567890123 trillion yuan, up 3%.\n"
        )
        (inbox / "d-poison.csv").write_text(FEED_HEADER + feed_row("2021-Q3", "-Infinity"))
        assert job.wait_for("inbox/d-poison.csv:2: value"), job.output
        (inbox / "e-good.csv").write_text(FEED_HEADER + feed_row("2021-Q4", "400"))
        assert eventually(lambda: "2021-Q4" in stored_values(data)), job.output
        assert job.proc.poll() is None, job.output
    finally:
        job.stop()
    assert "c-poison.txt" in job.output
    assert stored_values(data) == {"2021-Q2": 200, "2021-Q4": 400}


def holder_of(jobs: list[Running]) -> tuple[Running, Running]:
    """(the job that runs, the job that was refused) once one of the two has exited."""
    assert eventually(lambda: any(j.proc.poll() is not None for j in jobs), 60)
    refused = next(j for j in jobs if j.proc.poll() is not None)
    holder = next(j for j in jobs if j is not refused)
    return holder, refused


def assert_refused_by(refused: Running, holder: Running) -> None:
    assert refused.exit_code() == 1
    assert f"in use by ipmon process {holder.proc.pid}" in refused.output, refused.output
    assert "Traceback" not in refused.output and "IntegrityError" not in refused.output


def test_two_runs_started_together_on_one_data_folder(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "a.csv").write_text(FEED_HEADER + feed_row("2021-Q1", "100"))
    jobs = [run_job(tmp_path), run_job(tmp_path)]
    try:
        holder, refused = holder_of(jobs)
        assert_refused_by(refused, holder)
        assert holder.wait_for("watching inbox"), holder.output
        assert holder.proc.poll() is None
    finally:
        for j in jobs:
            j.stop()


def test_a_second_run_is_refused_until_the_first_dies(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    first = run_job(tmp_path)
    second = third = None
    try:
        assert first.wait_for("watching inbox"), first.output
        second = run_job(tmp_path)
        assert_refused_by(second, first)
        assert_refused_by(Running(tmp_path, "rebuild", "--data", "data"), first)
        # appending to the log needs no lock
        (tmp_path / "more.csv").write_text(FEED_HEADER + feed_row("2021-Q3", "300"))
        assert Running(tmp_path, "ingest", "more.csv", "--data", "data").exit_code() == 0
        first.stop(signal.SIGKILL)
        third = run_job(tmp_path)
        assert third.wait_for("watching inbox"), third.output
        (tmp_path / "inbox" / "b.csv").write_text(FEED_HEADER + feed_row("2021-Q2", "200"))
        assert eventually(lambda: "2021-Q2" in stored_values(tmp_path / "data")), third.output
    finally:
        for j in (first, second, third):
            if j is not None:
                j.stop()


def test_extract_names_a_refused_period_by_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text(
        "Patent pledge loans in 2020 came to 150 billion yuan.\n"
        "Patent pledge loans reached 160.4 billion yuan in the fifth quarter of 2021.\n"
    )
    job = Running(tmp_path, "extract", "note.txt", "--published", "2022-03-01")
    assert job.exit_code() == 0
    assert "refused note.txt:2: impossible period 'the fifth quarter of 2021'" in job.output
    assert '"kind":"year","year":2021' not in job.output.replace(" ", "")
