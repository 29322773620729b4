"""Pieces of the page and feed watcher that need no network: parsing, state, backoff."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from services.ingest.pages import PageError, decode_body, page_text, parse_date
from services.ingest.sources import Backoff, SourceState, StateStore, WatchlistError
from services.ingest.sources.outcomes import figures_diff
from services.ingest.sources.syndication import FeedError, entry_date, parse_feed
from services.ingest.sources.watchlist import load_watchlist, parse_interval

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "watchlist.example.toml"
T0 = datetime(2025, 2, 3, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("15m", 900), ("6h", 21600), ("1d", 86400), ("1h30m", 5400), (600, 600)],
)
def test_intervals(text: str | int, seconds: float) -> None:
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["15 minutes", "m15", "", "1h30", True])
def test_bad_intervals_are_refused(text: object) -> None:
    with pytest.raises(ValueError):
        parse_interval(text)


def test_the_example_watchlist_loads() -> None:
    wl = load_watchlist(EXAMPLE)
    assert [s.kind for s in wl.sources] == ["page", "feed", "feed"]
    assert wl.sources[1].interval == 1800 and wl.sources[2].enabled is False


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ('[[source]]\nurl = "ftp://example.org/x"\n', "is not an http"),
        ('[[source]]\nurl = "https://a.example/x"\nkind = "pdf"\n', "source.0.kind"),
        ('[[source]]\nurl = "https://a.example/x"\ninterval = "soon"\n', "interval"),
        ('[[source]]\nurl = "https://a.example/x"\ninterval = "0s"\n', "interval"),
        (
            '[[source]]\nurl = "https://a.example/x"\n[[source]]\nurl = "https://a.example/x"\n',
            "listed more than once",
        ),
        ('[[source]]\nurl = "https://a.example/x"\nevery = "1h"\n', "every"),
        ("[[source]\n", "not valid TOML"),
    ],
)
def test_bad_watchlists_name_the_problem(tmp_path: Path, toml: str, problem: str) -> None:
    path = tmp_path / "watch.toml"
    path.write_text(toml)
    with pytest.raises(WatchlistError, match=problem) as info:
        load_watchlist(path)
    assert str(path) in str(info.value)


def test_backoff_grows_until_the_cap_within_its_jitter() -> None:
    low, high = Backoff(60, 600, rng=lambda: 0.0), Backoff(60, 600, rng=lambda: 0.999999)
    lows = [low.delay(n).total_seconds() for n in range(1, 7)]
    highs = [high.delay(n).total_seconds() for n in range(1, 7)]
    assert lows == [30, 60, 120, 240, 300, 300]
    assert [round(h) for h in highs] == [60, 120, 240, 480, 600, 600]
    # until the cap bites, whatever the jitter draws, a later delay is never shorter
    assert all(h <= nxt for h, nxt in zip(highs[:3], lows[1:4], strict=True))
    assert Backoff().delay(10_000) <= timedelta(hours=6)


def test_state_store_keeps_state_and_counts_failures(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "s" / "sources.sqlite")
    url = "https://a.example/x"
    assert store.get(url) == SourceState(url) and store.get(url).due(T0)
    store.put(SourceState(url, etag='"e"', last_modified="lm", document_id="d" * 64))
    store.put_text(url, "old text")
    s = store.record_failure(url, "HTTP 500", T0, Backoff(60, 600, rng=lambda: 0.5), 500)
    assert (s.failures, s.last_error, s.last_status, s.etag) == (1, "HTTP 500", 500, '"e"')
    assert s.next_attempt == T0 + timedelta(seconds=45) and not s.due(T0)
    store.close()
    reopened = StateStore(tmp_path / "s" / "sources.sqlite")
    assert reopened.get(url) == s
    assert reopened.last_text(url) == "old text"  # put() leaves the text alone
    assert not reopened.entry_seen("f", "l", "d")
    reopened.mark_entry("f", "l", "d", T0)
    assert reopened.entry_seen("f", "l", "d") and not reopened.entry_seen("f", "l", "d2")


def test_html_page_keeps_main_text_title_and_declared_date() -> None:
    html = (
        "<html><head><title>Annual figures - Office</title>"
        '<meta name="PubDate" content="2025-01-20 09:30"></head><body>'
        '<nav><a href="/">Home</a> <a href="/news">Newsroom</a> <a href="/x">Services</a></nav>'
        "<article><h1>Annual figures</h1><p>Valid invention patents in the province reached "
        "85,000 by the end of 2024, the office reported.</p><p>Pledge financing came to 3.1 "
        "billion yuan, and the number of pledged patents rose for the fifth year.</p></article>"
        "<footer>Copyright notice. Site map.</footer></body></html>"
    )
    page = page_text(html.encode(), "text/html")
    assert "85,000 by the end of 2024" in page.text
    assert "Newsroom" not in page.text and "Site map" not in page.text
    assert page.title == "Annual figures"
    assert page.published == date(2025, 1, 20)


def test_gbk_pages_are_decoded_by_their_meta_charset() -> None:
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">'
        "</head><body><article><p>2024年全省专利商标质押融资金额达到412亿元，"
        "同比增长12.5%。</p><p>质押项目2310项。</p></article></body></html>"
    ).encode("gbk")
    assert "412亿元" in decode_body(html, "text/html")
    assert "412亿元" in page_text(html, "text/html").text


def test_plain_text_is_kept_as_is_and_other_types_are_refused() -> None:
    text = "Line one.\n\n  Indented line two.\n"
    assert page_text(text.encode(), "text/plain").text == text.strip()
    with pytest.raises(PageError, match="neither HTML nor plain text"):
        page_text(b"%PDF-1.7", "application/pdf")
    with pytest.raises(PageError, match="is a feed"):
        page_text(b'<?xml version="1.0"?><rss></rss>', "application/rss+xml")
    with pytest.raises(PageError, match="no text"):
        page_text(b"<html><body></body></html>", "text/html")


def test_dates() -> None:
    assert parse_date("发布时间：2025年1月20日") == date(2025, 1, 20)
    assert parse_date("2025/01/20") == date(2025, 1, 20)
    assert parse_date("2025-13-40") is None and parse_date(None) is None
    # the publisher's calendar day, not UTC's
    assert entry_date("Tue, 21 Jan 2025 07:30:00 +0800") == date(2025, 1, 21)
    assert entry_date("2025-01-22T06:00:00+08:00") == date(2025, 1, 22)
    assert entry_date("2025-01-22T06:00:00Z") == date(2025, 1, 22)
    assert entry_date(None) is None


RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>t</title><link>https://a.example/</link>
<description>d</description>
<item><title>One</title><link>/n/1</link><pubDate>Tue, 21 Jan 2025 07:30:00 +0800</pubDate>
<description>first</description></item>
<item><title>No link</title><description>skipped</description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>tag:a,2025:f</id>
<updated>2025-01-22T10:00:00+08:00</updated>
<entry><title>Two</title><link href="https://b.example/s/2"/><id>tag:a,2025:2</id>
<updated>2025-01-22T06:00:00+08:00</updated></entry></feed>"""


def test_feeds_give_links_titles_dates_and_digests() -> None:
    [one] = parse_feed(RSS, "https://a.example/rss.xml")
    assert (one.link, one.title, one.published) == (
        "https://a.example/n/1",
        "One",
        date(2025, 1, 21),
    )
    [two] = parse_feed(ATOM, "https://a.example/atom.xml")
    assert (two.link, two.published) == ("https://b.example/s/2", date(2025, 1, 22))
    edited = RSS.replace(b"first", b"first, corrected")
    assert parse_feed(edited, "https://a.example/rss.xml")[0].digest != one.digest
    assert parse_feed(RSS, "https://a.example/rss.xml")[0].digest == one.digest


@pytest.mark.parametrize("body", [b"not a feed at all {", b"<html><p>a page</p></html>", b""])
def test_malformed_feeds_are_refused(body: bytes) -> None:
    with pytest.raises(FeedError, match="not an RSS or Atom feed"):
        parse_feed(body, "https://a.example/rss.xml")


def test_figures_diff_names_what_changed() -> None:
    gone, added = figures_diff(
        "Financing reached 41.2 billion yuan, up 12.5%, on 2,310 items.",
        "Financing reached 43.8 billion yuan, up 19.7%, on 2,310 items.",
    )
    assert (gone, added) == (["41.2 billion yuan", "12.5%"], ["43.8 billion yuan", "19.7%"])
