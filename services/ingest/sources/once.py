"""One fetch of one URL (`ipmon ingest URL`), sharing the watcher's fetch state."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from services.ingest.sources.fetch import SourceFetcher
from services.ingest.sources.outcomes import (
    DEFAULT_MAX_ENTRIES,
    FeedOutcome,
    Kind,
    PageOutcome,
    make_client,
)
from services.ingest.sources.state import StateStore

if TYPE_CHECKING:
    import httpx

    from services.bootstrap import App

STATE_FILE = "sources.sqlite"


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
