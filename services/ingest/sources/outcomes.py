"""What fetching a page or a feed over HTTP yields: responses, outcomes and failures."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

from events import Event
from services.ingest.documents import MAX_BYTES
from services.ingest.sources.state import SourceState

if TYPE_CHECKING:
    import httpx

USER_AGENT = "ipmon-source-watcher/1"
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
class PageRequest:
    """A page to fetch and what its document is given: publisher, title, dates, origin."""

    url: str
    publisher: str | None
    title: str | None
    published: date | None  # overrides the date the page declares
    fallback_published: date | None  # a feed entry's date, if the page declares none
    origin: str | None  # the feed the page was found in
    interval: timedelta | None  # when to fetch it again


@dataclass(frozen=True, slots=True)
class FeedRequest:
    """A feed to poll: its publisher, how many new entries to fetch, when to poll again."""

    url: str
    publisher: str | None
    max_entries: int
    interval: timedelta | None


@dataclass(frozen=True, slots=True)
class Response:
    """An HTTP response as the fetcher keeps it: status, validators and body."""

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


def download(client: httpx.Client, url: str, state: SourceState) -> Response:
    """GET a URL, with its validators when a document is stored to fall back on."""
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
        with client.stream("GET", url, headers=headers) as r:
            chunks: list[bytes] = []
            if r.status_code == 200:
                size = 0
                for chunk in r.iter_bytes():
                    size += len(chunk)
                    if size > MAX_BYTES:
                        raise FetchError(url, f"body exceeds {MAX_BYTES} bytes", 200)
                    chunks.append(chunk)
            return Response(
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


def check(url: str, response: Response) -> None:
    """Raise FetchError for a status that is neither 200 nor 304."""
    if response.status not in (200, 304):
        raise FetchError(url, f"HTTP {response.status}", response.status)
