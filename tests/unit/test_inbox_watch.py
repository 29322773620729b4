"""The inbox watcher misses no file, even one written before the OS watch was in place."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

from services.inbox import InboxWatcher, snapshot, watch_inbox

FEED = "record,metric,geography,period,value,unit,published\n"


def test_a_file_written_before_the_watch_began_is_handled(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "old.csv").write_text(FEED)  # there at start: ingested by the first pass
    baseline = snapshot(inbox)
    # written after the first pass looked and before the watch exists: raises no event
    (inbox / "early.csv").write_text(FEED)
    got: list[Path] = []
    stop = threading.Event()

    def handle(files: list[Path]) -> None:
        got.extend(files)
        stop.set()

    watcher = threading.Thread(target=watch_inbox, args=(inbox, handle, stop, baseline))
    watcher.start()
    watcher.join(30)
    stop.set()
    assert got == [(inbox / "early.csv").resolve()]


def test_files_unchanged_since_the_baseline_are_not_handled_again(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "old.csv").write_text(FEED)
    got: list[Path] = []
    stop = threading.Event()

    def handle(files: list[Path]) -> None:
        got.extend(files)
        stop.set()

    watcher = threading.Thread(target=watch_inbox, args=(inbox, handle, stop, snapshot(inbox)))
    watcher.start()
    # the watch is running once a file written now is reported
    (inbox / "new.csv").write_text(FEED)
    watcher.join(30)
    stop.set()
    assert got == [(inbox / "new.csv").resolve()]


def test_a_file_of_another_kind_written_before_the_watch_began_is_named_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "old.pdf").write_bytes(b"%PDF")  # there at start: the first pass names it
    baseline = snapshot(inbox)
    (inbox / "early.pdf").write_bytes(b"%PDF")  # before the watch: raises no event
    watcher = InboxWatcher(inbox)
    with caplog.at_level(logging.WARNING, logger="services.inbox"):
        watcher.since(baseline)
        told = [r.getMessage() for r in caplog.records]
        assert len(told) == 1 and "early.pdf" in told[0] and "not a kind of file" in told[0]
        watcher.changed([inbox / "early.pdf"])  # changed again once watched: not again
    assert len(caplog.records) == 1
    assert watcher.ready() == []  # nothing to ingest
