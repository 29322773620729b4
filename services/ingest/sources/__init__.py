"""Sources that keep watching: web pages and RSS/Atom feeds fetched over HTTP.

`ingest_url` fetches one URL once (`ipmon ingest URL`); `watch` polls a watch list file
on a schedule. Both keep per-URL fetch state in ``sources.sqlite`` in the data folder.
"""

from services.ingest.sources.fetch import (
    FeedOutcome,
    FetchError,
    PageOutcome,
    SourceFetcher,
    make_client,
)
from services.ingest.sources.once import ingest_url
from services.ingest.sources.state import Backoff, SourceState, StateStore
from services.ingest.sources.watch import Poller, PollReport, poll_watchlist_once, watch
from services.ingest.sources.watchlist import (
    Watchlist,
    WatchlistError,
    WatchSource,
    load_watchlist,
)

__all__ = [
    "Backoff",
    "FeedOutcome",
    "FetchError",
    "PageOutcome",
    "PollReport",
    "Poller",
    "SourceFetcher",
    "SourceState",
    "StateStore",
    "WatchSource",
    "Watchlist",
    "WatchlistError",
    "ingest_url",
    "load_watchlist",
    "make_client",
    "poll_watchlist_once",
    "watch",
]
