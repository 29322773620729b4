"""Turning a fetched page into document text: HTML reduced to its main text, plain text kept.

HTML goes through trafilatura, which drops navigation, footers and sidebars. On pages it
cannot make sense of it returns nothing; then the whole visible text is kept instead,
because a noisy document still carries its figures while an empty one loses them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from services.ingest.documents import MAX_BYTES
from services.ingest.encodings import UndecodableText, decode_bytes

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain", "text/markdown"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+xml",
        "application/xml",
        "text/xml",
    }
)

_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")


class PageError(ValueError):
    """A fetched body that cannot become a document (wrong type, empty, too big)."""


@dataclass(frozen=True, slots=True)
class PageText:
    """The text of a page and the metadata found in it."""

    text: str
    title: str | None
    published: date | None
    media_type: str
    extractor: str


def media_type(content_type: str | None) -> str:
    """The bare media type of a Content-Type header (`text/html; charset=gbk` -> text/html)."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def _header_charset(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def decode_body(data: bytes, content_type: str | None) -> str:
    """Body bytes as text: a BOM, else UTF-8, else the header's charset or the page's own
    declaration, else GB18030; PageError naming the offset of a byte none of them reads."""
    try:
        return decode_bytes(data, [_header_charset(content_type)], markup=True).text
    except UndecodableText as exc:
        raise PageError(f"body cannot be read as text: {exc.problem} (line {exc.line})") from None


def sniff(data: bytes) -> str:
    """Guess a media type from the first bytes, for servers that send none or a generic one."""
    head = data[:1024].lstrip().lower()
    if head.startswith(b"<?xml") or head.startswith(b"<rss") or head.startswith(b"<feed"):
        return "application/xml" if b"<html" not in head else "text/html"
    if head.startswith(b"<!doctype html") or b"<html" in head or b"<body" in head:
        return "text/html"
    return "text/plain"


def parse_date(text: str | None) -> date | None:
    """The first date written as YYYY-MM-DD, YYYY/MM/DD or YYYY年M月D日 in `text`."""
    if not text:
        return None
    m = _DATE.search(text)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _normalise(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
    return "\n".join(line for line in lines if line).strip()


def html_text(html: str, url: str | None = None) -> PageText:
    """Main text, title and publication date of an HTML page."""
    import trafilatura  # heavy (lxml, dateparser): imported only when a page is fetched

    text = trafilatura.extract(
        html, url=url, include_comments=False, include_tables=True, output_format="txt"
    )
    extractor = "trafilatura"
    if not text or not text.strip():
        text, extractor = trafilatura.html2txt(html), "html2txt"
    # extensive=False: only dates the page declares in its markup (meta tags, <time>,
    # JSON-LD), never a guess from any date that happens to appear in the text
    meta = trafilatura.extract_metadata(html, default_url=url, extensive=False)
    published = parse_date(meta.date) if meta is not None else None
    title = meta.title if meta is not None and meta.title else None
    return PageText(_normalise(text or ""), title, published, "text/html", extractor)


def page_text(data: bytes, content_type: str | None, url: str | None = None) -> PageText:
    """The document text of a fetched body; raises PageError if there is none."""
    if len(data) > MAX_BYTES:
        raise PageError(f"body is {len(data)} bytes; the limit is {MAX_BYTES}")
    kind = media_type(content_type)
    if kind not in HTML_TYPES | TEXT_TYPES:
        sniffed = sniff(data)
        if kind and kind not in ("application/octet-stream", *FEED_TYPES):
            raise PageError(f"content type {kind!r} is neither HTML nor plain text")
        kind = sniffed
    if kind in FEED_TYPES:
        raise PageError('this is a feed, not a page: list it with kind = "feed"')
    if b"\x00" in data:
        raise PageError("body is binary (it contains NUL bytes), not text")
    body = decode_body(data, content_type)
    if kind in HTML_TYPES:
        page = html_text(body, url)
    else:
        plain = body.replace("\r\n", "\n").replace("\r", "\n").strip()
        page = PageText(plain, None, None, kind, "plain")
    if not page.text:
        raise PageError("page has no text")
    return page
