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
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from events import DocumentChanged, Event, make_event
from events.envelope import utcnow
from services.alerts.evaluate import alert_events
from services.alerts.rules import AlertConfig, Condition
from services.ingest.documents import MAX_BYTES
from services.ingest.extract.base import document_id
from services.ingest.service import IngestService
from services.ingest.sources.pages import FEED_TYPES, PageError, media_type, page_text, sniff
from services.ingest.sources.state import Backoff, SourceState, StateStore
from services.ingest.sources.syndication import FeedError, parse_feed

if TYPE_CHECKING:
    import httpx

    from services.bootstrap import App

log = logging.getLogger("ipmon.sources")

USER_AGENT = "ipmon-source-watcher/1"
STATE_FILE = "sources.sqlite"
CHANGE_RULE = "document_changed"
DEFAULT_TIMEOUT_S = 20.0
DEFAULT_MAX_ENTRIES = 20
_FIGURE = re.compile(
    r"\d[\d,]*(?:\.\d+)?(?:\s*(?:%|个百分点|万亿元|亿元|万元|元|万件|件|项|家|个"
    r"|percentage points?|per ?cent|(?:trillion|billion|million)(?: yuan| US dollars)?|yuan))?"
)

Kind = Literal["page", "feed", "auto"]


class FetchError(Exception):
    """A fetch that failed: network error, timeout, HTTP error status or unusable body."""

    def __init__(self, url: str, problem: str, status: int | None = None) -> None:
        self.url = url
        self.problem = problem
        self.status = status
        super().__init__(f"{url}: {problem}")


@dataclass
class PageOutcome:
    """What fetching one page did."""

    url: str
    status: Literal["not_modified", "unchanged", "new", "changed"]
    http_status: int
    document_id: str | None = None
    previous_document_id: str | None = None
    events: list[Event] = field(default_factory=list)
    new: int = 0


@dataclass
class FeedOutcome:
    """What polling one feed did: its entries' pages, failures and what was left for later."""

    url: str
    http_status: int
    not_modified: bool = False
    entries: int = 0
    skipped: int = 0
    deferred: int = 0
    pages: list[PageOutcome] = field(default_factory=list)
    failures: list[FetchError] = field(default_factory=list)

    @property
    def new(self) -> int:
        """Events new to the log."""
        return sum(p.new for p in self.pages)

    @property
    def events(self) -> list[Event]:
        """Every event the entries' pages produced."""
        return [e for p in self.pages for e in p.events]


@dataclass(frozen=True, slots=True)
class _Response:
    status: int
    content_type: str | None
    etag: str | None
    last_modified: str | None
    body: bytes


def make_client(timeout_s: float = DEFAULT_TIMEOUT_S) -> httpx.Client:
    """An HTTP client with a timeout on every phase and redirects followed."""
    import httpx

    return httpx.Client(
        timeout=httpx.Timeout(timeout_s),
        follow_redirects=True,
        headers={"User-Agent": USER_AGENT},
    )


def figures_diff(old: str, new: str, limit: int = 8) -> tuple[list[str], list[str]]:
    """Figures (numbers with their units) found only in the old text and only in the new."""
    before = Counter(" ".join(m.split()) for m in _FIGURE.findall(old))
    after = Counter(" ".join(m.split()) for m in _FIGURE.findall(new))
    gone = list((before - after).elements())[:limit]
    added = list((after - before).elements())[:limit]
    return gone, added


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

    def _download(self, url: str, state: SourceState) -> _Response:
        import httpx

        headers: dict[str, str] = {}
        # validators only when there is a document to fall back on: a 304 to a URL whose
        # content ipmon never stored would leave it with nothing
        if state.document_id is not None:
            if state.etag:
                headers["If-None-Match"] = state.etag
            if state.last_modified:
                headers["If-Modified-Since"] = state.last_modified
        try:
            with self.client.stream("GET", url, headers=headers) as r:
                chunks: list[bytes] = []
                if r.status_code == 200:
                    size = 0
                    for chunk in r.iter_bytes():
                        size += len(chunk)
                        if size > MAX_BYTES:
                            raise FetchError(url, f"body exceeds {MAX_BYTES} bytes", 200)
                        chunks.append(chunk)
                return _Response(
                    r.status_code,
                    r.headers.get("content-type"),
                    r.headers.get("etag"),
                    r.headers.get("last-modified"),
                    b"".join(chunks),
                )
        except httpx.TimeoutException as exc:
            raise FetchError(url, f"timed out ({type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            raise FetchError(url, f"{type(exc).__name__}: {exc}") from None

    def _succeeded(
        self,
        state: SourceState,
        response: _Response,
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

    @staticmethod
    def _check(url: str, response: _Response) -> None:
        if response.status not in (200, 304):
            raise FetchError(url, f"HTTP {response.status}", response.status)

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
        state = self.store.get(url)
        response = self._download(url, state)
        self._check(url, response)
        return self._page(
            url,
            state,
            response,
            publisher,
            title,
            published,
            fallback_published,
            origin,
            interval,
            now or self.clock(),
        )

    def _page(
        self,
        url: str,
        state: SourceState,
        response: _Response,
        publisher: str | None,
        title: str | None,
        published: date | None,
        fallback_published: date | None,
        origin: str | None,
        interval: timedelta | None,
        now: datetime,
    ) -> PageOutcome:
        if response.status == 304:
            self._succeeded(state, response, now, interval, state.document_id)
            return PageOutcome(url, "not_modified", 304, state.document_id)
        try:
            page = page_text(response.body, response.content_type, url)
        except PageError as exc:
            raise FetchError(url, str(exc), response.status) from None
        doc_id = document_id(page.text)
        previous = state.document_id
        if doc_id == previous:
            self._succeeded(state, response, now, interval, doc_id)
            return PageOutcome(url, "unchanged", response.status, doc_id, previous)
        when = published or page.published or fallback_published or now.date()
        result = self.ingest.ingest_text(
            page.text,
            published=when,
            title=title or page.title,
            url=url,
            publisher=publisher,
            origin=origin or url,
            dated=bool(published or page.published or fallback_published),
        )
        events, new = list(result.events), result.new
        status: Literal["new", "changed"] = "new"
        if previous is not None:
            status = "changed"
            changed = self._change_events(
                url, previous, doc_id, result.events[0], title or page.title, page.text, now
            )
            events += changed
            new += self.ingest.log.append(changed).new
            log.warning("content at %s changed: %s -> %s", url, previous[:12], doc_id[:12])
        self._succeeded(state, response, now, interval, doc_id)
        self.store.put_text(url, page.text)
        return PageOutcome(url, status, response.status, doc_id, previous, events, new)

    def _change_events(
        self,
        url: str,
        previous: str,
        new: str,
        received: Event,
        title: str | None,
        text: str,
        now: datetime,
    ) -> list[Event]:
        changed = make_event(
            DocumentChanged(url=url, previous_document_id=previous, document_id=new),
            # the edit became visible when it was seen: the page's own date does not move
            published_at=now.date(),
            recorded_at=now,
            document_id=new,
        )
        rule = self.alert_config.rules.get(CHANGE_RULE) if self.alert_config else None
        if rule is not None and not rule.enabled:
            return [changed]
        message = f"{title or url}: the page changed since it was last fetched"
        old_text = self.store.last_text(url)
        if old_text is not None:
            gone, added = figures_diff(old_text, text)
            if gone:
                message += f"; figures removed: {', '.join(gone)}"
            if added:
                message += f"; figures added: {', '.join(added)}"
        condition = Condition(
            rule=CHANGE_RULE,
            key=url,
            severity=rule.severity if rule is not None else "warning",
            message=message,
            evidence=(str(changed.event_id), str(received.event_id)),
            fingerprint=f"{previous}>{new}",
        )
        return [changed, *alert_events([condition], [], now)]

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
        response = self._download(url, state)
        self._check(url, response)
        return self._feed(
            url, state, response, publisher, max_entries, interval, now or self.clock()
        )

    def _feed(
        self,
        url: str,
        state: SourceState,
        response: _Response,
        publisher: str | None,
        max_entries: int,
        interval: timedelta | None,
        now: datetime,
    ) -> FeedOutcome:
        if response.status == 304:
            self._succeeded(state, response, now, interval, state.document_id)
            return FeedOutcome(url, 304, not_modified=True)
        try:
            entries = parse_feed(response.body, url, response.content_type)
        except FeedError as exc:
            raise FetchError(url, str(exc), response.status) from None
        out = FeedOutcome(url, response.status, entries=len(entries))
        for entry in entries:
            if self.store.entry_seen(url, entry.link, entry.digest):
                out.skipped += 1
                continue
            if len(out.pages) + len(out.failures) >= max_entries:
                out.deferred += 1
                continue
            if not self.store.get(entry.link).due(now):
                out.deferred += 1  # that page is backing off after failures
                continue
            try:
                page = self.fetch_page(
                    entry.link,
                    publisher=publisher,
                    title=entry.title,
                    fallback_published=entry.published,
                    origin=url,
                    now=now,
                )
            except Exception as exc:  # one bad entry must not stop the rest of the feed
                failure = exc if isinstance(exc, FetchError) else FetchError(entry.link, repr(exc))
                self.record_failure(entry.link, failure, now)
                out.failures.append(failure)
                continue
            self.store.mark_entry(url, entry.link, entry.digest, now)
            out.pages.append(page)
        # with entries left over, the next poll must see the whole feed again rather than a
        # 304, or those entries would wait until the publisher next changes the feed
        complete = not (out.deferred or out.failures)
        body_id = hashlib.sha256(response.body).hexdigest()
        self._succeeded(state, response, now, interval, body_id, keep_validators=complete)
        return out

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
        response = self._download(url, state)
        self._check(url, response)
        if kind == "auto":
            if response.status == 304:
                # pages keep their last text; feeds do not
                kind = "page" if self.store.last_text(url) is not None else "feed"
            else:
                mt = media_type(response.content_type)
                looks = sniff(response.body) if mt in ("", "application/octet-stream") else mt
                kind = "feed" if looks in FEED_TYPES else "page"
        if kind == "feed":
            return self._feed(
                url, state, response, publisher, max_entries, interval, now or self.clock()
            )
        return self._page(
            url,
            state,
            response,
            publisher,
            None,
            published,
            None,
            None,
            interval,
            now or self.clock(),
        )


def state_path(data_dir: Path) -> Path:
    """Where the fetch state of pages and feeds is kept in a data folder."""
    return data_dir / STATE_FILE


def ingest_url(
    app: App,
    url: str,
    *,
    published: date | None = None,
    publisher: str | None = None,
    kind: Kind = "auto",
    max_entries: int = DEFAULT_MAX_ENTRIES,
    client: httpx.Client | None = None,
) -> PageOutcome | FeedOutcome:
    """Fetch one page or feed once and ingest it (`ipmon ingest URL`); raises FetchError.

    `published` overrides the date a page declares; a feed's entries keep their own.
    Failing entries of a feed are in the outcome's `failures`, not raised. It shares the
    fetch state with the watcher, so a later poll of the same URL sends its validators and
    notices edits made since.
    """
    store = StateStore(state_path(app.settings.data_dir))
    own = client is None
    http = client or make_client()
    try:
        fetcher = SourceFetcher(app.ingest, store, http, alert_config=app.runner.alert_config)
        try:
            return fetcher.fetch(
                url, kind=kind, publisher=publisher, published=published, max_entries=max_entries
            )
        except Exception as exc:
            fetcher.record_failure(url, exc)
            raise
    finally:
        if own:
            http.close()
        store.close()
