"""Watching the inbox folder: which changed files to ingest, and when they are complete."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from services.ingest.service import (
    is_read,
    is_skipped,
    listed_files,
    not_read_reason,
)

log = logging.getLogger(__name__)

# A file is read once it has stopped changing for this long, so a document written in
# several steps is not ingested half-written.
SETTLE_S = 1.0


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


Snapshot = dict[Path, tuple[int, int]]


def snapshot(inbox: Path) -> Snapshot:
    """The size and modification time of every inbox file ipmon reads or names as skipped,
    by absolute path."""
    out: Snapshot = {}
    listed = listed_files(inbox.resolve()) if inbox.is_dir() else []
    for path in (p for p in listed if is_read(p) or is_skipped(p)):
        sig = _signature(path)
        if sig is not None:
            out[path] = sig
    return out


class InboxWatcher:
    """Changed files of one inbox, released once each has stopped changing."""

    def __init__(self, inbox: Path, settle_s: float = SETTLE_S) -> None:
        # watchfiles reports absolute paths, so the inbox is compared in that form too
        self.inbox = inbox.resolve()
        self.settle_s = settle_s
        self._pending: dict[Path, tuple[tuple[int, int], float]] = {}
        self._told: set[Path] = set()  # files of other kinds, named once each

    def since(self, baseline: Snapshot) -> None:
        """Note files added or changed since `baseline` was taken (before watching began)."""
        now = time.monotonic()
        changed = {p: sig for p, sig in snapshot(self.inbox).items() if baseline.get(p) != sig}
        for path, sig in changed.items():
            if is_read(path):
                self._pending.setdefault(path, (sig, now))
        self._tell(changed)

    def changed(self, paths: Iterable[str | Path]) -> None:
        """Note files that were added or modified (those of the inbox that ipmon reads)."""
        resolved = {Path(p).resolve() for p in paths}
        if not resolved:
            return
        now = time.monotonic()
        listed = resolved.intersection(listed_files(self.inbox))  # one walk for both kinds
        for path in (p for p in listed if is_read(p)):
            sig = _signature(path)
            if sig is not None:
                self._pending[path] = (sig, now)
        self._tell(listed)

    def _tell(self, paths: Iterable[Path]) -> None:
        """Name each file of another kind among `paths` once."""
        for path in sorted(p for p in set(paths) - self._told if is_skipped(p)):
            self._told.add(path)
            log.warning("skipped %s", not_read_reason(path))

    def ready(self) -> list[Path]:
        """Pending files unchanged for the settling time; files still changing wait."""
        now = time.monotonic()
        out = []
        for path, (sig, since) in list(self._pending.items()):
            current = _signature(path)
            if current is None:
                del self._pending[path]  # gone (renamed away or deleted) before it settled
            elif current != sig:
                self._pending[path] = (current, now)
            elif now - since >= self.settle_s:
                del self._pending[path]
                out.append(path)
        return sorted(out)


def watch_inbox(
    inbox: Path, handle: Callable[[list[Path]], None], stop: threading.Event,
    baseline: Snapshot | None = None,
) -> None:
    """Call `handle` with each group of settled inbox files until `stop` is set.

    Files written after `baseline` was taken and before the OS watch was in place raise
    no event; comparing the inbox with the baseline once the watch runs catches them. A
    failure while handling one group is logged and the watching goes on.
    """
    from watchfiles import watch

    watcher = InboxWatcher(inbox)
    before = snapshot(inbox) if baseline is None else baseline
    first = True
    for batch in watch(watcher.inbox, stop_event=stop, rust_timeout=250, yield_on_timeout=True):
        if first:
            watcher.since(before)
            first = False
        watcher.changed(p for _, p in batch)
        files = watcher.ready()
        if not files:
            continue
        try:
            handle(files)
        except Exception:
            log.exception("handling %d inbox file(s) failed; still watching", len(files))
