"""Polling the watch list (`watchlist.py`): pages and feeds on a schedule, each isolated.

A source whose fetch fails is logged, counted (in the fetch state and in the poller's
metrics) and retried with exponential backoff; the failure never reaches the others.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from events.envelope import utcnow
from services.ingest.sources.fetch import SourceFetcher
from services.ingest.sources.once import state_path
from services.ingest.sources.outcomes import (
    FeedOutcome,
    PageOutcome,
    make_client,
)
from services.ingest.sources.state import Backoff, StateStore
from services.ingest.sources.watchlist import Watchlist, WatchSource, load_watchlist

if TYPE_CHECKING:
    import httpx

    from services.bootstrap import App

log = logging.getLogger("ipmon.sources")

@dataclass
class PollReport:
    """What one pass over the watch list did."""

    due: int = 0
    not_due: int = 0
    new: int = 0
    outcomes: list[PageOutcome | FeedOutcome] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


class Poller:
    """Visits the sources that are due, one at a time, each in isolation."""

    def __init__(
        self,
        watchlist: Watchlist,
        fetcher: SourceFetcher,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.watchlist = watchlist
        self.fetcher = fetcher
        self.clock = clock or fetcher.clock
        self.metrics: Counter[str] = Counter()
        """Running totals since start: polls, fetches, documents, changes, failures, …"""

    def _count(self, outcome: PageOutcome | FeedOutcome) -> None:
        m = self.metrics
        if isinstance(outcome, FeedOutcome):
            m["feeds_not_modified" if outcome.not_modified else "feeds_fetched"] += 1
            m["feed_entries_skipped"] += outcome.skipped
            m["feed_entries_deferred"] += outcome.deferred
            m["failures"] += len(outcome.failures)
            pages = outcome.pages
        else:
            pages = [outcome]
        for p in pages:
            m[f"pages_{p.status}"] += 1
        m["events_new"] += outcome.new

    def poll_source(self, source: WatchSource, now: datetime) -> PageOutcome | FeedOutcome:
        """Fetch one source now; raises what the fetch raises."""
        interval = timedelta(seconds=source.interval)
        if source.kind == "feed":
            return self.fetcher.fetch_feed(
                source.url,
                publisher=source.publisher,
                max_entries=source.max_entries,
                interval=interval,
                now=now,
            )
        return self.fetcher.fetch_page(
            source.url,
            publisher=source.publisher,
            title=source.title,
            origin=source.url,
            interval=interval,
            now=now,
        )

    def poll_once(self, now: datetime | None = None) -> PollReport:
        """Visit every enabled source that is due at `now` (default: the clock)."""
        now = now or self.clock()
        report = PollReport()
        self.metrics["polls"] += 1
        for source in self.watchlist.sources:
            if not source.enabled:
                continue
            if not self.fetcher.store.get(source.url).due(now):
                report.not_due += 1
                continue
            report.due += 1
            self.metrics["fetches"] += 1
            try:
                outcome = self.poll_source(source, now)
            except Exception as exc:  # isolation: one source's failure never stops the others
                self.fetcher.record_failure(source.url, exc, now)
                self.metrics["failures"] += 1
                self.metrics[f"failures:{source.url}"] += 1
                report.failed[source.url] = str(exc)
                continue
            self._count(outcome)
            report.outcomes.append(outcome)
            report.new += outcome.new
        return report

    def seconds_until_due(self, now: datetime) -> float | None:
        """Seconds until the next enabled source is due (0 if one is due now)."""
        waits = []
        for source in self.watchlist.sources:
            if source.enabled:
                when = self.fetcher.store.get(source.url).next_attempt
                waits.append(0.0 if when is None else max(0.0, (when - now).total_seconds()))
        return min(waits) if waits else None

    def run_forever(
        self,
        stop: threading.Event,
        after_poll: Callable[[PollReport], None] | None = None,
        max_sleep_s: float = 30.0,
    ) -> None:
        """Poll until `stop` is set, sleeping until the next source is due (at most max_sleep_s)."""
        while not stop.is_set():
            try:
                report = self.poll_once()
                if after_poll is not None:
                    after_poll(report)
            except Exception:  # e.g. the state file became unwritable: log, wait, go on
                log.exception("polling the watch list failed")
                self.metrics["poll_errors"] += 1
            wait = self.seconds_until_due(self.clock())
            stop.wait(min(max_sleep_s, max(1.0, wait if wait is not None else max_sleep_s)))


@contextmanager
def _poller(
    app: App,
    watchlist_path: Path,
    client: httpx.Client | None,
    backoff: Backoff | None,
    clock: Callable[[], datetime],
) -> Iterator[Poller]:
    watchlist = load_watchlist(watchlist_path)
    store = StateStore(state_path(app.settings.data_dir))
    http = client or make_client()
    try:
        fetcher = SourceFetcher(
            app.ingest,
            store,
            http,
            clock=clock,
            backoff=backoff or Backoff(),
            alert_config=app.runner.alert_config,
        )
        yield Poller(watchlist, fetcher)
    finally:
        if client is None:
            http.close()
        store.close()


def poll_watchlist_once(
    app: App,
    watchlist_path: Path,
    *,
    client: httpx.Client | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> tuple[PollReport, Counter[str]]:
    """Visit the due sources of a watch list once (`ipmon run --once --watchlist FILE`).

    Returns the report and the metrics; projecting the new events is left to the caller.
    Raises WatchlistError if the file is invalid.
    """
    with _poller(app, watchlist_path, client, None, clock) as poller:
        return poller.poll_once(), poller.metrics


def watch(
    app: App,
    watchlist_path: Path,
    stop_event: threading.Event,
    *,
    project: bool = True,
    client: httpx.Client | None = None,
    backoff: Backoff | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> Poller:
    """Poll a watch list until `stop_event` is set; returns the poller (with its metrics).

    With `project`, new events are projected (and alerts delivered) after each poll by
    `app.runner`; pass False when another loop in the process already drives the runner.
    Raises WatchlistError if the file is invalid.
    """

    def after(report: PollReport) -> None:
        if report.new:
            log.info("watch list: %d new events", report.new)
            if project:
                app.runner.catch_up()

    with _poller(app, watchlist_path, client, backoff, clock) as poller:
        log.info("watching %d sources from %s", len(poller.watchlist.sources), watchlist_path)
        poller.run_forever(stop_event, after)
    return poller
