"""Watched pages and feeds against a local HTTP server that the tests start (no internet)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from events import Event
from projections import queries
from services.bootstrap import App, bootstrap
from services.ingest.sources import (
    Backoff,
    FeedOutcome,
    FetchError,
    PageOutcome,
    Poller,
    SourceFetcher,
    StateStore,
    Watchlist,
    WatchlistError,
    WatchSource,
    ingest_url,
    make_client,
    poll_watchlist_once,
    watch,
)
from services.settings import Settings

T0 = datetime(2025, 2, 3, 8, 0, tzinfo=UTC)


# -- a small web site --------------------------------------------------------------------


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    hang: bool = False


@dataclass
class Site:
    base: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    on_request: dict[str, threading.Event] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> list[dict[str, str]]:
        return [h for p, h in self.requests if p == path]


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean

        def do_GET(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            site.requests.append((self.path, headers))
            if self.path in site.on_request:
                site.on_request[self.path].set()
            route = site.routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            if route.hang:
                # answer only when the test ends: the client's timeout fires long before
                site.release.wait(30)
                return
            if route.status != 200:
                self.send_error(route.status)
                return
            fresh = (route.etag and headers.get("if-none-match") == route.etag) or (
                route.last_modified
                and not route.etag
                and headers.get("if-modified-since") == route.last_modified
            )
            self.send_response(304 if fresh else 200)
            if route.etag:
                self.send_header("ETag", route.etag)
            if route.last_modified:
                self.send_header("Last-Modified", route.last_modified)
            if fresh:
                self.end_headers()
                return
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)

    return Handler


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(s))
    server.daemon_threads = True
    s.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield s
    finally:
        s.release.set()
        server.shutdown()
        server.server_close()


# -- pages and feeds written for these tests ---------------------------------------------

NAV = (
    '<header><div class="brand">Provincial Intellectual Property Office</div>'
    '<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>'
    '<li><a href="/policy">Policy library</a></li><li><a href="/contact">Contact us</a></li>'
    "</ul></nav></header>"
)
FOOTER = (
    '<aside><h3>Related links</h3><ul><li><a href="/a">Annual report archive</a></li>'
    '<li><a href="/b">Service hall</a></li></ul></aside>'
    "<footer><p>Copyright Provincial Intellectual Property Office. All rights reserved.</p>"
    '<p><a href="/sitemap">Site map</a> | <a href="/accessibility">Accessibility</a></p>'
    "</footer>"
)


def release(amount: str, change: str, *, declared: str | None = "2025-01-20") -> bytes:
    meta = f'<meta property="article:published_time" content="{declared}T09:00:00+08:00">'
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Pledge financing in Jiangsu, 2024 - Provincial IP Office</title>"
        f"{meta if declared else ''}</head><body>{NAV}<main><article>"
        "<h1>Pledge financing in Jiangsu, 2024</h1>"
        f"<p>Patent and trademark pledge financing in Jiangsu reached {amount} billion yuan "
        f"in 2024, up {change}% year on year, the provincial office said on Monday.</p>"
        "<p>The number of pledge items came to 2,310. Banks in the province widened the range "
        "of intangible assets they accept as collateral, and more first-time borrowers were "
        "small technology firms that own few physical assets.</p>"
        "<p>The office plans to extend its risk compensation pool to four more cities and to "
        "publish quarterly figures from now on.</p>"
        f"</article></main>{FOOTER}</body></html>"
    ).encode()


def notice(title: str, sentence: str) -> bytes:
    return (
        f"<html><head><title>{title}</title></head><body>{NAV}<article><h1>{title}</h1>"
        f"<p>{sentence}</p><p>Applicants should contact their local office for the forms and "
        "for the list of documents to attach to an application.</p></article>"
        f"{FOOTER}</body></html>"
    ).encode()


def rss(site: Site, items: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f"<item><title>{t}</title><link>{site.url(p)}</link><pubDate>{d}</pubDate>"
        f"<guid>{site.url(p)}</guid></item>"
        for t, p, d in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Notices</title><link>{site.url('/')}</link><description>Notices</description>"
        f"{body}</channel></rss>"
    ).encode()


def atom(entries: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f"<entry><title>{t}</title><link href='{p}'/><id>tag:test,2025:{p}</id>"
        f"<published>{d}</published><updated>{d}</updated></entry>"
        for t, p, d in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Statistics</title><id>tag:test,2025:stats</id>"
        f"<updated>2025-01-22T10:00:00+08:00</updated>{body}</feed>"
    ).encode()


# -- the application under test -----------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    application = bootstrap(Settings(data_dir=tmp_path / "data"), sinks=[])
    try:
        yield application
    finally:
        application.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fetcher(app: App, clock: Clock, tmp_path: Path) -> Iterator[SourceFetcher]:
    store = StateStore(tmp_path / "data" / "sources.sqlite")
    # the timeout only bounds the 'hang' route; the middle of the jitter range keeps the
    # backoff schedule exact
    client = make_client(timeout_s=0.5)
    f = SourceFetcher(
        app.ingest,
        store,
        client,
        clock=clock,
        backoff=Backoff(base_s=60, cap_s=3600, rng=lambda: 0.5),
        alert_config=app.runner.alert_config,
    )
    try:
        yield f
    finally:
        client.close()
        store.close()


def events(app: App, event_type: str | None = None) -> list[Event]:
    out = [r.event() for r in app.log.read(None, None, 100_000)]
    return [e for e in out if event_type is None or e.event_type == event_type]


def poller(fetcher: SourceFetcher, *sources: WatchSource) -> Poller:
    return Poller(Watchlist(sources=sources), fetcher)


# -- tests --------------------------------------------------------------------------------


def test_page_is_reduced_to_its_main_text_and_ingested(
    site: Site, app: App, fetcher: SourceFetcher
) -> None:
    site.routes["/pledge"] = Route(release("41.2", "12.5"), etag='"v1"')
    p = poller(fetcher, WatchSource(url=site.url("/pledge"), publisher="Jiangsu IPO"))

    report = p.poll_once(T0)

    assert report.failed == {} and report.new > 0
    [doc] = events(app, "DocumentReceived")
    text = doc.payload.text
    assert "reached 41.2 billion yuan in 2024" in text
    for boilerplate in ("Site map", "Contact us", "Policy library", "All rights reserved"):
        assert boilerplate not in text
    assert doc.published_at == date(2025, 1, 20)  # declared by the page, not today
    assert doc.payload.url == site.url("/pledge")
    assert doc.payload.publisher == "Jiangsu IPO"
    assert doc.payload.title == "Pledge financing in Jiangsu, 2024"
    assert p.metrics["pages_new"] == 1


def test_conditional_get_gets_304_and_appends_nothing(
    site: Site, app: App, fetcher: SourceFetcher, clock: Clock
) -> None:
    site.routes["/pledge"] = Route(release("41.2", "12.5"), etag='"v1"')
    site.routes["/plain"] = Route(
        b"Trademark registrations in the province came to 12,400 in January 2025.\n",
        content_type="text/plain; charset=utf-8",
        last_modified="Mon, 20 Jan 2025 01:00:00 GMT",
    )
    p = poller(
        fetcher,
        WatchSource(url=site.url("/pledge"), interval="15m"),
        WatchSource(url=site.url("/plain"), interval=900),
    )
    p.poll_once(clock())
    stored = len(events(app))
    plain_docs = [e for e in events(app, "DocumentReceived") if e.payload.url.endswith("/plain")]
    assert plain_docs[0].payload.text.startswith("Trademark registrations")

    clock.now += timedelta(minutes=10)
    assert p.poll_once(clock()).due == 0  # nothing is due before its interval
    clock.now += timedelta(minutes=6)
    report = p.poll_once(clock())

    assert report.due == 2
    assert site.hits("/pledge")[-1]["if-none-match"] == '"v1"'
    assert site.hits("/plain")[-1]["if-modified-since"] == "Mon, 20 Jan 2025 01:00:00 GMT"
    assert {o.status for o in report.outcomes if isinstance(o, PageOutcome)} == {"not_modified"}
    assert len(events(app)) == stored and report.new == 0
    assert p.metrics["pages_not_modified"] == 2


def test_changed_page_emits_document_changed_and_an_alert(
    site: Site, app: App, fetcher: SourceFetcher, clock: Clock
) -> None:
    url = site.url("/pledge")
    site.routes["/pledge"] = Route(release("41.2", "12.5"), etag='"v1"')
    p = poller(fetcher, WatchSource(url=url, interval="1h"))
    p.poll_once(clock())
    [first] = events(app, "DocumentReceived")

    # a silent edit: same URL, same declared date, different figures
    site.routes["/pledge"] = Route(release("43.8", "19.7"), etag='"v2"')
    clock.now += timedelta(hours=1)
    report = p.poll_once(clock())

    [outcome] = report.outcomes
    assert isinstance(outcome, PageOutcome) and outcome.status == "changed"
    second = next(e for e in events(app, "DocumentReceived") if e.event_id != first.event_id)
    assert "43.8 billion yuan" in second.payload.text
    [changed] = events(app, "DocumentChanged")
    assert changed.payload.url == url
    assert changed.payload.previous_document_id == first.payload.document_id
    assert changed.payload.document_id == second.payload.document_id
    [alert] = events(app, "AlertRaised")
    p_ = alert.payload
    assert (p_.rule, p_.key, p_.severity) == ("document_changed", url, "warning")
    assert p_.fingerprint == (f"{first.payload.document_id}>{second.payload.document_id}")
    assert "41.2 billion" in p_.message and "43.8 billion" in p_.message
    assert changed.event_id in p_.evidence
    # the new figures are extracted from the new version
    values = {
        e.payload.value
        for e in events(app, "StatisticPublished")
        if e.source is not None and e.source.document_id == second.payload.document_id
    }
    assert Decimal("43800000000") in values
    # projected, the alert is firing
    app.runner.catch_up()
    with app.engine.connect() as conn:
        firing = [a for a in queries.alerts(conn) if a.rule == "document_changed"]
    assert [(a.key, a.state) for a in firing] == [(url, "firing")]
    assert p.metrics["pages_changed"] == 1

    # polling again with nothing changed adds nothing
    clock.now += timedelta(hours=1)
    stored = len(events(app))
    assert p.poll_once(clock()).new == 0 and len(events(app)) == stored


def test_rss_and_atom_entries_are_fetched_once_each(
    site: Site, app: App, fetcher: SourceFetcher, clock: Clock
) -> None:
    site.routes["/n/1"] = Route(
        notice("Notice on patent fee relief", "Small firms may apply for a 50% fee reduction.")
    )
    site.routes["/n/2"] = Route(
        notice("Notice on the pilot city programme", "Ten cities join the pilot this year.")
    )
    site.routes["/s/1"] = Route(release("41.2", "12.5", declared=None))
    site.routes["/rss.xml"] = Route(
        rss(
            site,
            [
                ("Notice on patent fee relief", "/n/1", "Tue, 21 Jan 2025 07:30:00 +0800"),
                ("Notice on the pilot city programme", "/n/2", "Mon, 20 Jan 2025 10:00:00 +0800"),
            ],
        ),
        content_type="application/rss+xml",
        etag='"rss1"',
    )
    site.routes["/atom.xml"] = Route(
        # a relative link, resolved against the feed's URL
        atom([("Pledge financing in Jiangsu, 2024", "/s/1", "2025-01-22T06:00:00+08:00")]),
        content_type="application/atom+xml",
        last_modified="Wed, 22 Jan 2025 00:00:00 GMT",
    )
    p = poller(
        fetcher,
        WatchSource(url=site.url("/rss.xml"), kind="feed", publisher="CNIPA", interval="30m"),
        WatchSource(url=site.url("/atom.xml"), kind="feed", interval="30m"),
    )

    report = p.poll_once(clock())

    assert report.failed == {}
    docs = {e.payload.url: e for e in events(app, "DocumentReceived")}
    assert set(docs) == {site.url("/n/1"), site.url("/n/2"), site.url("/s/1")}
    # the feed's date in the publisher's time zone (07:30 +08:00 is still the 20th in UTC)
    assert docs[site.url("/n/1")].published_at == date(2025, 1, 21)
    assert docs[site.url("/s/1")].published_at == date(2025, 1, 22)
    assert docs[site.url("/n/1")].payload.publisher == "CNIPA"
    assert docs[site.url("/n/1")].payload.origin == site.url("/rss.xml")

    # the RSS feed changes (a new entry); the Atom feed does not
    site.routes["/n/3"] = Route(notice("Notice on examination", "Fast-track rules widened."))
    site.routes["/rss.xml"] = Route(
        rss(
            site,
            [
                ("Notice on examination", "/n/3", "Thu, 23 Jan 2025 09:00:00 +0800"),
                ("Notice on patent fee relief", "/n/1", "Tue, 21 Jan 2025 07:30:00 +0800"),
                ("Notice on the pilot city programme", "/n/2", "Mon, 20 Jan 2025 10:00:00 +0800"),
            ],
        ),
        content_type="application/rss+xml",
        etag='"rss2"',
    )
    clock.now += timedelta(minutes=30)
    report = p.poll_once(clock())

    rss_out, atom_out = report.outcomes
    assert isinstance(rss_out, FeedOutcome) and isinstance(atom_out, FeedOutcome)
    assert (rss_out.skipped, [o.url for o in rss_out.pages]) == (2, [site.url("/n/3")])
    assert atom_out.not_modified
    assert site.hits("/rss.xml")[-1]["if-none-match"] == '"rss1"'
    # pages already ingested were not fetched again
    assert len(site.hits("/n/1")) == len(site.hits("/s/1")) == 1
    assert len(events(app, "DocumentReceived")) == 4


def test_a_feed_fetches_a_bounded_number_of_entries_per_poll(
    site: Site, app: App, fetcher: SourceFetcher, clock: Clock
) -> None:
    items = []
    for n in range(1, 4):
        site.routes[f"/n/{n}"] = Route(notice(f"Notice {n}", f"Measure number {n} takes effect."))
        items.append((f"Notice {n}", f"/n/{n}", f"Mon, 2{n} Jan 2025 10:00:00 +0800"))
    site.routes["/rss.xml"] = Route(
        rss(site, items), content_type="application/rss+xml", etag='"rss1"'
    )
    p = poller(fetcher, WatchSource(url=site.url("/rss.xml"), kind="feed", max_entries=2))

    [first] = p.poll_once(clock()).outcomes
    assert isinstance(first, FeedOutcome) and (len(first.pages), first.deferred) == (2, 1)
    clock.now += timedelta(hours=1)
    [second] = p.poll_once(clock()).outcomes

    assert isinstance(second, FeedOutcome)
    # entries were left over, so the feed was fetched in full rather than answered by a 304
    assert "if-none-match" not in site.hits("/rss.xml")[-1]
    assert (len(second.pages), second.skipped, second.deferred) == (1, 2, 0)
    assert len(events(app, "DocumentReceived")) == 3


def test_failures_are_logged_counted_backed_off_and_isolated(
    site: Site,
    app: App,
    fetcher: SourceFetcher,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    site.routes["/ok"] = Route(release("41.2", "12.5"))
    site.routes["/broken"] = Route(status=500)
    site.routes["/slow"] = Route(hang=True)
    site.routes["/bad.xml"] = Route(b"<html><p>this is not a feed", content_type="text/xml")
    failing = {
        site.url("/missing"): "HTTP 404",
        site.url("/broken"): "HTTP 500",
        site.url("/slow"): "timed out",
        site.url("/bad.xml"): "not an RSS or Atom feed",
    }
    p = poller(
        fetcher,
        WatchSource(url=site.url("/missing")),
        WatchSource(url=site.url("/broken")),
        WatchSource(url=site.url("/slow")),
        WatchSource(url=site.url("/bad.xml"), kind="feed"),
        WatchSource(url=site.url("/ok")),
    )

    with caplog.at_level(logging.WARNING, logger="ipmon.sources"):
        report = p.poll_once(clock())

    # the healthy source listed last is still ingested
    assert [e.payload.url for e in events(app, "DocumentReceived")] == [site.url("/ok")]
    assert set(report.failed) == set(failing)
    for url, problem in failing.items():
        assert problem in report.failed[url]
        state = fetcher.store.get(url)
        assert state.failures == 1 and problem in (state.last_error or "")
        assert any(url in r.getMessage() and problem in r.getMessage() for r in caplog.records)
    assert p.metrics["failures"] == 4

    # each retry waits longer: 45 s, 90 s, 180 s with the jitter fixed at its midpoint
    url = site.url("/broken")
    waits = []
    for attempt in range(1, 4):
        state = fetcher.store.get(url)
        assert state.failures == attempt and state.next_attempt is not None
        waits.append(state.next_attempt - clock.now)
        before = len(site.hits("/broken"))
        clock.now = state.next_attempt - timedelta(seconds=1)
        p.poll_once(clock())
        assert len(site.hits("/broken")) == before  # not due yet: not fetched
        clock.now = state.next_attempt
        p.poll_once(clock())
        assert len(site.hits("/broken")) == before + 1
    assert waits == [timedelta(seconds=45), timedelta(seconds=90), timedelta(seconds=180)]
    assert fetcher.store.get(site.url("/missing")).failures == 4
    assert p.metrics[f"failures:{url}"] == 4

    # recovery clears the count
    site.routes["/broken"] = Route(release("43.8", "19.7"))
    clock.now = fetcher.store.get(url).next_attempt or clock.now
    p.poll_once(clock())
    state = fetcher.store.get(url)
    assert (state.failures, state.last_error, state.last_status) == (0, None, 200)


def test_a_failing_feed_entry_does_not_stop_the_others(
    site: Site, app: App, fetcher: SourceFetcher, clock: Clock
) -> None:
    site.routes["/n/2"] = Route(notice("Notice 2", "Measure number 2 takes effect."))
    items = [
        ("Notice 1", "/n/1", "Tue, 21 Jan 2025 10:00:00 +0800"),  # 404
        ("Notice 2", "/n/2", "Mon, 20 Jan 2025 10:00:00 +0800"),
    ]
    site.routes["/rss.xml"] = Route(rss(site, items), content_type="application/rss+xml")
    p = poller(fetcher, WatchSource(url=site.url("/rss.xml"), kind="feed", interval=60))

    [out] = p.poll_once(clock()).outcomes
    assert isinstance(out, FeedOutcome)
    assert [f.url for f in out.failures] == [site.url("/n/1")]
    assert [o.url for o in out.pages] == [site.url("/n/2")]
    assert fetcher.store.get(site.url("/n/1")).failures == 1
    assert p.metrics["failures"] == 1

    # the entry is retried once its own backoff has passed, then ingested
    site.routes["/n/1"] = Route(notice("Notice 1", "Measure number 1 takes effect."))
    clock.now += timedelta(seconds=60)
    [out] = p.poll_once(clock()).outcomes
    assert isinstance(out, FeedOutcome)
    assert (out.skipped, [o.url for o in out.pages]) == (1, [site.url("/n/1")])


def test_ingest_url_fetches_a_page_or_a_feed_once(
    site: Site, app: App, clock: Clock, fetcher: SourceFetcher
) -> None:
    site.routes["/pledge"] = Route(release("41.2", "12.5"), etag='"v1"')
    site.routes["/n/1"] = Route(notice("Notice 1", "Measure number 1 takes effect."))
    site.routes["/rss.xml"] = Route(
        rss(site, [("Notice 1", "/n/1", "Tue, 21 Jan 2025 10:00:00 +0800")]),
        content_type="application/rss+xml",
    )
    with httpx.Client(timeout=5) as client:
        page = ingest_url(app, site.url("/pledge"), published=date(2025, 1, 31), client=client)
        feed = ingest_url(app, site.url("/rss.xml"), client=client)
        with pytest.raises(FetchError, match="HTTP 404"):
            ingest_url(app, site.url("/nothing"), client=client)

    assert isinstance(page, PageOutcome) and page.status == "new"
    assert isinstance(feed, FeedOutcome) and [o.url for o in feed.pages] == [site.url("/n/1")]
    docs = {e.payload.url: e for e in events(app, "DocumentReceived")}
    assert docs[site.url("/pledge")].published_at == date(2025, 1, 31)  # given beats declared
    # the watcher shares the fetch state: its first poll is already conditional
    p = poller(fetcher, WatchSource(url=site.url("/pledge")))
    [out] = p.poll_once(clock()).outcomes
    assert isinstance(out, PageOutcome) and out.status == "not_modified"
    assert fetcher.store.get(site.url("/nothing")).failures == 1


def test_watch_polls_until_stopped_and_projects(site: Site, app: App, tmp_path: Path) -> None:
    site.routes["/pledge"] = Route(release("41.2", "12.5"))
    watchlist = tmp_path / "watchlist.toml"
    watchlist.write_text(
        f'[[source]]\nurl = "{site.url("/pledge")}"\ninterval = "1h"\npublisher = "Jiangsu IPO"\n'
    )
    stop = threading.Event()
    # the page's first request stops the loop, which still finishes that poll
    site.on_request["/pledge"] = stop
    result: list[Poller] = []
    with httpx.Client(timeout=5) as client:
        thread = threading.Thread(
            target=lambda: result.append(watch(app, watchlist, stop, client=client))
        )
        thread.start()
        thread.join(timeout=60)
    assert not thread.is_alive()
    [p] = result
    assert p.metrics["polls"] == 1 and p.metrics["pages_new"] == 1
    assert (tmp_path / "data" / "sources.sqlite").exists()
    assert app.projector.cursor()  # the runner caught up with the new events


def test_poll_watchlist_once_visits_due_sources(site: Site, app: App, tmp_path: Path) -> None:
    site.routes["/pledge"] = Route(release("41.2", "12.5"), etag='"v1"')
    watchlist = tmp_path / "watchlist.toml"
    watchlist.write_text(f'[[source]]\nurl = "{site.url("/pledge")}"\n')
    with httpx.Client(timeout=5) as client:
        report, metrics = poll_watchlist_once(app, watchlist, client=client)
        again, _ = poll_watchlist_once(app, watchlist, client=client)
    assert (report.due, report.failed, metrics["pages_new"]) == (1, {}, 1)
    assert (again.due, again.not_due) == (0, 1)  # its interval has not passed
    watchlist.write_text('[[source]]\nurl = "nowhere"\n')
    with pytest.raises(WatchlistError, match="is not an http"):
        poll_watchlist_once(app, watchlist)


def _half_year_page(declared: str | None, city: str) -> bytes:
    meta = f'<meta property="article:published_time" content="{declared}T09:00:00+08:00">'
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Half-year pledge figures</title>{meta if declared else ''}</head><body>"
        "<main><article><h1>Half-year pledge figures</h1>"
        "<p>In the first half, patent and trademark pledge financing in Jiangsu reached 21.7 "
        f"billion yuan, the provincial office said in {city}.</p></article></main></body></html>"
    ).encode()


def test_only_the_page_s_own_date_places_a_yearless_period(
    site: Site, app: App, fetcher: SourceFetcher
) -> None:
    site.routes["/dated"] = Route(_half_year_page("2024-07-15", "Nanjing"))
    site.routes["/undated"] = Route(_half_year_page(None, "Suzhou"))
    p = poller(fetcher, WatchSource(url=site.url("/dated")), WatchSource(url=site.url("/undated")))

    report = p.poll_once(T0)

    assert report.failed == {}
    stats = {e.source.url: e.payload for e in events(app, "StatisticPublished") if e.source}
    assert stats[site.url("/dated")].period.key == "2024-H1"  # the date the page declares
    # the day of fetching is recorded as the document's date but decides no year
    assert site.url("/undated") not in stats
    assert len(events(app, "DocumentReceived")) == 2
