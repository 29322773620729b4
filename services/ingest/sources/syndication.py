"""RSS and Atom feeds: the entries to fetch, with their links, titles and dates."""

from __future__ import annotations

import hashlib
import importlib
import io
import time
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

from services.ingest.pages import parse_date


class FeedError(ValueError):
    """A body that is not a usable RSS or Atom feed."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One feed entry: where its page is and what the feed says about it."""

    link: str
    title: str | None
    published: date | None
    digest: str
    """sha256 over link, title, dates and summary: a new digest means the entry changed."""


def entry_date(raw: str | None, parsed: time.struct_time | None = None) -> date | None:
    """The calendar date of a feed date, as the publisher wrote it (its own time zone)."""
    if raw:
        text = raw.strip()
        try:
            return parsedate_to_datetime(text).date()  # RSS: RFC 822
        except (TypeError, ValueError, IndexError):
            pass
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()  # Atom: RFC 3339
        except ValueError:
            pass
        found = parse_date(text)
        if found is not None:
            return found
    if parsed is not None:
        # feedparser's parsed dates are in UTC, which can be the day before in China
        return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    return None


def _get(entry: Any, key: str) -> Any:
    # plain dict access: feedparser's own lookup maps a missing 'updated' to 'published'
    # with a deprecation warning, and the two dates must stay apart here
    return dict.get(entry, key)


def _text(entry: Any, key: str) -> str | None:
    value = _get(entry, key)
    if value is None:
        return None
    return str(value).strip() or None


def parse_feed(data: bytes, url: str, content_type: str | None = None) -> list[FeedEntry]:
    """Entries of an RSS or Atom feed in feed order; raises FeedError if it is not a feed."""
    # imported only when a feed is polled, and by name because feedparser ships no type
    # information: the parsed result is treated as the loosely typed mapping it is
    feedparser: Any = importlib.import_module("feedparser")

    # a stream, never bytes or str: feedparser treats a string as a URL or file name to open
    parsed = feedparser.parse(
        io.BytesIO(data),
        response_headers={"content-location": url, "content-type": content_type or ""},
    )
    entries = list(parsed.get("entries") or [])
    if not parsed.get("version") and not entries:
        problem = parsed.get("bozo_exception")
        raise FeedError(f"not an RSS or Atom feed: {problem or 'no feed elements found'}")
    out: list[FeedEntry] = []
    for entry in entries:
        link = _text(entry, "link")
        if link is None:
            continue  # nothing to fetch; feeds in this domain always link their notices
        link = urljoin(url, link)
        title = _text(entry, "title")
        published_raw = _text(entry, "published") or _text(entry, "updated")
        published = entry_date(
            published_raw, _get(entry, "published_parsed") or _get(entry, "updated_parsed")
        )
        summary = _text(entry, "summary") or ""
        basis = "\x1f".join(
            (link, title or "", published_raw or "", _text(entry, "updated") or "", summary)
        )
        digest = hashlib.sha256(basis.encode("utf-8")).hexdigest()
        out.append(FeedEntry(link, title, published, digest))
    return out
