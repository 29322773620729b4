"""Fetching pages and feeds over HTTP with conditional GET, and noticing silent edits.

A page is fetched with the validators (ETag, Last-Modified) of its last successful fetch;
304 means nothing new. A 200 whose text differs from the document last ingested from the
same URL is ingested as a new document and also recorded as a DocumentChanged event with
an AlertRaised (rule ``document_changed``): publishers do revise figures in place without
saying so, and this is how ipmon notices.

The fetch state is updated only after the events are appended, so a crash in between
repeats the fetch, and the idempotent log turns the repeat into nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from events.envelope import utcnow
from services.alerts.rules import AlertConfig
from services.ingest.extract.base import document_id
from services.ingest.pages import FEED_TYPES, PageError, media_type, page_text, sniff
from services.ingest.service import IngestService
from services.ingest.sources.changes import change_events
from services.ingest.sources.outcomes import (
    DEFAULT_MAX_ENTRIES,
    FeedOutcome,
    FeedRequest,
    FetchError,
    Kind,
    PageOutcome,
    PageRequest,
    Response,
    check,
    download,
    make_client,
)
from services.ingest.sources.state import Backoff, SourceState, StateStore
from services.ingest.sources.syndication import FeedEntry, FeedError, parse_feed

if TYPE_CHECKING:
    import httpx


log = logging.getLogger("ipmon.sources")

__all__ = [
    "DEFAULT_MAX_ENTRIES",
    "FeedOutcome",
    "FetchError",
    "PageOutcome",
    "SourceFetcher",
    "make_client",
]


@dataclass
class SourceFetcher:
    """Fetches pages and feeds, ingests what is new and records each URL's state."""

    ingest: IngestService
    store: StateStore
    client: httpx.Client
    clock: Callable[[], datetime] = utcnow
    backoff: Backoff = field(default_factory=Backoff)
    alert_config: AlertConfig | None = None

    # -- HTTP -------------------------------------------------------------------------

    def _succeeded(
        self,
        state: SourceState,
        response: Response,
        now: datetime,
        interval: timedelta | None,
        document: str | None,
        keep_validators: bool = True,
    ) -> None:
        if not keep_validators:
            etag = modified = None
        elif response.status == 304:
            # a 304 may omit the validators; the stored ones still describe the content
            etag = response.etag or state.etag
            modified = response.last_modified or state.last_modified
        else:
            etag, modified = response.etag, response.last_modified
        self.store.put(
            replace(
                state,
                etag=etag,
                last_modified=modified,
                document_id=document,
                failures=0,
                next_attempt=None if interval is None else now + interval,
                last_error=None,
                last_status=response.status,
                last_success=now,
            )
        )

    def record_failure(
        self, url: str, exc: BaseException, now: datetime | None = None
    ) -> SourceState:
        """Count a failed attempt at a URL, log it, and schedule the retry with backoff."""
        status = exc.status if isinstance(exc, FetchError) else None
        problem = exc.problem if isinstance(exc, FetchError) else f"{type(exc).__name__}: {exc}"
        state = self.store.record_failure(url, problem, now or self.clock(), self.backoff, status)
        log.warning(
            "source %s failed (%d in a row, next attempt %s): %s",
            url,
            state.failures,
            state.next_attempt.isoformat() if state.next_attempt else "now",
            problem,
        )
        return state

    # -- pages ------------------------------------------------------------------------

    # -- pages ------------------------------------------------------------------------

    def fetch_page(
        self,
        url: str,
        *,
        publisher: str | None = None,
        title: str | None = None,
        published: date | None = None,
        fallback_published: date | None = None,
        origin: str | None = None,
        interval: timedelta | None = None,
        now: datetime | None = None,
    ) -> PageOutcome:
        """Fetch one page and ingest it if its text is new; raises FetchError on failure.

        The publication date is `published` if given, else the date the page declares,
        else `fallback_published` (a feed entry's date), else today by the clock.
        """
        req = PageRequest(url, publisher, title, published, fallback_published, origin, interval)
        state = self.store.get(url)
        response = download(self.client, url, state)
        check(url, response)
        return self._page(req, state, response, now or self.clock())

    def _page(
        self, req: PageRequest, state: SourceState, response: Response, now: datetime
    ) -> PageOutcome:
        url, interval = req.url, req.interval
        if response.status == 304:
            self._succeeded(state, response, now, interval, state.document_id)
            return PageOutcome(url, "not_modified", 304, state.document_id)
        try:
            page = page_text(response.body, response.content_type, url)
        except PageError as exc:
            raise FetchError(url, str(exc), response.status) from None
        doc_id, previous = document_id(page.text), state.document_id
        if doc_id == previous:
            self._succeeded(state, response, now, interval, doc_id)
            return PageOutcome(url, "unchanged", response.status, doc_id, previous)
        stated = req.published or page.published or req.fallback_published
        result = self.ingest.ingest_text(
            page.text,
            published=stated or now.date(),
            title=req.title or page.title,
            url=url,
            publisher=req.publisher,
            origin=req.origin or url,
            dated=bool(stated),
        )
        events, new = list(result.events), result.new
        if previous is not None:
            changed = change_events(
                self.store, self.alert_config, url, previous, doc_id, result.events[0],
                req.title or page.title, page.text, now,
            )  # fmt: skip
            events += changed
            new += self.ingest.log.append(changed).new
            log.warning("content at %s changed: %s -> %s", url, previous[:12], doc_id[:12])
        self._succeeded(state, response, now, interval, doc_id)
        self.store.put_text(url, page.text)
        status: Literal["new", "changed"] = "new" if previous is None else "changed"
        return PageOutcome(url, status, response.status, doc_id, previous, events, new)

    # -- feeds ------------------------------------------------------------------------

    def fetch_feed(
        self,
        url: str,
        *,
        publisher: str | None = None,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        interval: timedelta | None = None,
        now: datetime | None = None,
    ) -> FeedOutcome:
        """Poll a feed and fetch the pages of entries not seen before, at most `max_entries`.

        A failing entry page is counted and retried with its own backoff; it does not fail
        the feed. Raises FetchError if the feed itself cannot be fetched or parsed.
        """
        state = self.store.get(url)
        response = download(self.client, url, state)
        check(url, response)
        req = FeedRequest(url, publisher, max_entries, interval)
        return self._feed(req, state, response, now or self.clock())

    def _feed(
        self, req: FeedRequest, state: SourceState, response: Response, now: datetime
    ) -> FeedOutcome:
        if response.status == 304:
            self._succeeded(state, response, now, req.interval, state.document_id)
            return FeedOutcome(req.url, 304, not_modified=True)
        try:
            entries = parse_feed(response.body, req.url, response.content_type)
        except FeedError as exc:
            raise FetchError(req.url, str(exc), response.status) from None
        out = FeedOutcome(req.url, response.status, entries=len(entries))
        for entry in entries:
            self._entry(req, entry, out, now)
        # with entries left over, the next poll must see the whole feed again rather than a
        # 304, or those entries would wait until the publisher next changes the feed
        complete = not (out.deferred or out.failures)
        body_id = hashlib.sha256(response.body).hexdigest()
        self._succeeded(state, response, now, req.interval, body_id, keep_validators=complete)
        return out

    def _entry(self, req: FeedRequest, entry: FeedEntry, out: FeedOutcome, now: datetime) -> None:
        """Fetch one entry's page unless it was seen, is over the limit or is backing off."""
        if self.store.entry_seen(req.url, entry.link, entry.digest):
            out.skipped += 1
            return
        if len(out.pages) + len(out.failures) >= req.max_entries:
            out.deferred += 1
            return
        if not self.store.get(entry.link).due(now):
            out.deferred += 1  # that page is backing off after failures
            return
        try:
            page = self.fetch_page(
                entry.link,
                publisher=req.publisher,
                title=entry.title,
                fallback_published=entry.published,
                origin=req.url,
                now=now,
            )
        except Exception as exc:  # one bad entry must not stop the rest of the feed
            failure = exc if isinstance(exc, FetchError) else FetchError(entry.link, repr(exc))
            self.record_failure(entry.link, failure, now)
            out.failures.append(failure)
            return
        self.store.mark_entry(req.url, entry.link, entry.digest, now)
        out.pages.append(page)

    # -- either -----------------------------------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        kind: Kind = "auto",
        publisher: str | None = None,
        published: date | None = None,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        interval: timedelta | None = None,
        now: datetime | None = None,
    ) -> PageOutcome | FeedOutcome:
        """Fetch a page or a feed; with kind "auto" the response's type decides."""
        state = self.store.get(url)
        response = download(self.client, url, state)
        check(url, response)
        if kind == "auto":
            kind = self._kind(url, response)
        if kind == "feed":
            feed = FeedRequest(url, publisher, max_entries, interval)
            return self._feed(feed, state, response, now or self.clock())
        page = PageRequest(url, publisher, None, published, None, None, interval)
        return self._page(page, state, response, now or self.clock())

    def _kind(self, url: str, response: Response) -> Kind:
        """Page or feed, by the response's type (a 304 by what was stored last time)."""
        if response.status == 304:
            # pages keep their last text; feeds do not
            return "page" if self.store.last_text(url) is not None else "feed"
        mt = media_type(response.content_type)
        looks = sniff(response.body) if mt in ("", "application/octet-stream") else mt
        return "feed" if looks in FEED_TYPES else "page"
