"""Reading document files: size, encoding and metadata checks before anything is stored."""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from services.ingest.encodings import UndecodableText, decode_bytes
from services.ingest.errors import IngestError
from services.ingest.extract.notice_dates import header_date
from services.weburl import is_web_url

MAX_BYTES = 5 * 1024 * 1024
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
FEED_SUFFIXES = frozenset({".csv", ".json"})
MTIME = "file modification time"
STATED = "date stated in the text"
UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


@dataclass(frozen=True, slots=True)
class DocumentFile:
    """A document's text and metadata as read from disk."""

    text: str
    published: date
    title: str | None
    url: str | None
    publisher: str | None
    published_from: str
    body_line: int = 1  # line of the file where the text starts (after front matter)

    @property
    def dated(self) -> bool:
        """Whether `published` is the document's own date, not the file's modification time."""
        return self.published_from != MTIME


def _utf16(data: bytes, origin: str | Path) -> str | None:
    """The text of UTF-16 input with a byte-order mark, None for any other input."""
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    try:
        return data.decode("utf-16")  # the BOM picks the byte order and is dropped
    except UnicodeDecodeError as exc:
        line = data[: exc.start].decode("utf-16", errors="replace").count("\n") + 1
        raise IngestError(origin, f"not valid UTF-16 (at byte offset {exc.start})", line) from None


def _bomless_utf16(data: bytes) -> bool:
    """Whether NUL bytes sit only in one byte of each pair, as in mostly-ASCII UTF-16."""
    if len(data) % 2:
        return False
    even, odd = data[0::2], data[1::2]
    for high, low in ((odd, even), (even, odd)):  # little-endian, then big-endian
        if high.count(0) >= len(high) // 2 and b"\x00" not in low:
            return True
    return False


def file_bytes(path: Path) -> bytes:
    """The bytes of a file; IngestError naming the file when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(path, f"cannot read: {exc.strerror}") from None


def decode_text(data: bytes, origin: str | Path) -> str:
    """Text of a document (UTF-8 with or without a BOM, UTF-16 or UTF-32 with a BOM, GB18030),
    refusing empty, binary, undecodable and oversized."""
    if len(data) > MAX_BYTES:
        raise IngestError(origin, f"document is {len(data)} bytes; the limit is {MAX_BYTES}")
    if data.startswith(UTF32_BOMS):  # before UTF-16: the LE mark begins with UTF-16's
        return _normalised(_decoded(data, origin), origin)
    text = _utf16(data, origin)
    if text is not None:
        return _normalised(text, origin)
    if b"\x00" in data:
        if _bomless_utf16(data):
            raise IngestError(
                origin,
                "UTF-16 without a byte-order mark, not UTF-8: save it as "
                "UTF-8 or as UTF-16 with a BOM",
            )
        raise IngestError(origin, "document is binary (it contains NUL bytes), not text")
    return _normalised(_decoded(data, origin), origin)


def _decoded(data: bytes, origin: str | Path) -> str:
    try:
        return decode_bytes(data).text
    except UndecodableText as exc:
        raise IngestError(origin, f"cannot be read as text: {exc.problem}", exc.line) from None


def _normalised(text: str, origin: str | Path) -> str:
    if "\x00" in text:  # a NUL character decoded from a wide encoding: binary all the same
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise IngestError(origin, "document is binary (it contains NUL characters), not text", line)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise IngestError(origin, "document is empty")
    return text


def parse_meta_date(value: str, origin: str | Path, what: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise IngestError(origin, f"{what} {value!r} is not a date YYYY-MM-DD") from None


def _front_matter(text: str, origin: str | Path) -> tuple[dict[str, str], str]:
    """Split an optional `---` block of `key: value` lines from the top of a document."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 4)
    if end < 0:
        raise IngestError(origin, "front matter starts with '---' but is never closed", 1)
    meta: dict[str, str] = {}
    for n, line in enumerate(text[4:end].splitlines(), start=2):
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise IngestError(origin, f"front matter line is not 'key: value': {line!r}", n)
        meta[key.strip().lower()] = value.strip()
    return meta, text[end + 5 :]


def sidecar_meta(sidecar: Path) -> dict[str, str]:
    """The metadata of a `<name>.meta.json` file, empty when there is none."""
    if not sidecar.exists():
        return {}
    try:
        # read in the encodings a document may use: a GBK title, a BOM from an editor
        loaded = json.loads(decode_text(sidecar.read_bytes(), sidecar))
    except IngestError:
        raise
    except (OSError, ValueError) as exc:
        raise IngestError(sidecar, f"metadata is not readable JSON: {exc}") from None
    if not isinstance(loaded, dict):
        raise IngestError(sidecar, "metadata must be a JSON object")
    return {str(k).lower(): str(v) for k, v in loaded.items() if v is not None}


def publication_date(
    path: Path, published: date | None, meta: dict[str, str], text: str,
    declared: date | None = None,
) -> tuple[date, str]:
    """The date a document was published and where it came from: given, its metadata, the
    date its markup declares, the date its first lines state, else the file's mtime."""
    if published is not None:
        return published, "given"
    if "published" in meta:
        return parse_meta_date(meta["published"], path, "published"), "metadata"
    if declared is not None:
        return declared, "date declared in the page"
    if (stated := header_date(text)) is not None:
        return stated, STATED
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date(), MTIME


def meta_url(path: Path, meta: dict[str, str]) -> str | None:
    """The web address the metadata gives the document, checked."""
    url = meta.get("url") or None
    if url is not None and not is_web_url(url):
        raise IngestError(path, f"url {url!r} is not an http:// or https:// URL")
    return url


def read_document(path: Path, published: date | None = None) -> DocumentFile:
    """Read a text document and its metadata (front matter, or a `<name>.meta.json` beside it).

    The publication date comes from `published` if given, else the metadata, else the date
    the text states in its first lines, else the file's modification date, which is
    recorded as such.
    """
    full = decode_text(file_bytes(path), path)
    meta, text = _front_matter(full, path)
    if not text.strip():
        raise IngestError(path, "document has front matter but no text")
    meta.update(sidecar_meta(path.with_name(path.name + ".meta.json")))
    when, source = publication_date(path, published, meta, text)
    url = meta_url(path, meta)
    return DocumentFile(
        text=text,
        published=when,
        title=meta.get("title"),
        url=url,
        publisher=meta.get("publisher"),
        published_from=source,
        body_line=full.count("\n", 0, len(full) - len(text)) + 1,
    )
