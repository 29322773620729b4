"""Telling the character encoding of a file or page: a byte-order mark, UTF-8, a declared
charset, then GB18030 (which covers GBK and GB2312, common on Chinese government sites).

Every decoding is strict: a byte that is not valid in the chosen encoding is an error that
names its offset and line, never a replacement character in stored text. GB18030 reads
most byte strings, so two misreadings it would make are refused instead: a UTF-8 file with
a few damaged bytes, and a Western single-byte file (an é or a curly quote before a letter).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from dataclasses import dataclass

from services.ingest.extract.language import CHINESE, detect_language

GB18030 = "gb18030"
# GB18030's byte-order mark is the four-byte form of U+FEFF
# UTF-32's little-endian mark begins with UTF-16's, so it is tried first
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (b"\x84\x31\x95\x33", GB18030),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Pages that declare the older, smaller standards use characters only their supersets have.
SUPERSETS = {"gb2312": GB18030, "gbk": GB18030, "cp936": GB18030, "euc_cn": GB18030}
DECLARATION_BYTES = 4096
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""", re.I)


class UndecodableText(ValueError):
    """Bytes that no candidate encoding reads; `offset` and `line` point at the first bad byte."""

    def __init__(self, problem: str, offset: int, line: int) -> None:
        self.problem, self.offset, self.line = problem, offset, line
        super().__init__(f"line {line}: {problem}")


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text and the encoding it was read in."""

    text: str
    encoding: str


def declared_charsets(data: bytes) -> list[str]:
    """Charsets an HTML `<meta>` or an XML declaration names in the first bytes."""
    head = data[:DECLARATION_BYTES]
    found = [m.group(1) for m in (_XML.search(head), _META.search(head)) if m]
    return [name.decode("ascii") for name in found]


def codec_name(label: str) -> str | None:
    """Python's codec for a charset label (`GBK` -> gb18030), None for unknown labels."""
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return SUPERSETS.get(name, name)


def _line(data: bytes, offset: int) -> int:
    # a newline byte is never part of a multi-byte UTF-8 or GB18030 character
    return data.count(b"\n", 0, offset) + 1


def _bad_byte(data: bytes, exc: UnicodeDecodeError, shift: int, encoding: str) -> UndecodableText:
    at = exc.start + shift
    problem = f"byte 0x{data[at]:02x} at offset {at} is not valid {encoding}"
    return UndecodableText(problem, at, _line(data, at))


def _mostly_utf8(data: bytes) -> bool:
    """Whether the non-ASCII text reads as UTF-8 more often than not: a UTF-8 file with a few
    damaged bytes, which GB18030 would turn into plausible-looking nonsense."""
    read = data.decode("utf-8", errors="replace")
    bad = read.count("\ufffd")
    good = sum(1 for ch in read if not ch.isascii()) - bad
    return good >= bad


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _western_misread(text: str) -> bool:
    """Whether a GB18030 reading is rather a Western single-byte text (Windows-1252, Latin-1):
    not Chinese, and most of its non-ASCII characters are rare ones outside GB2312, as a
    byte like é or a curly quote before an ASCII letter reads in GB18030."""
    if detect_language(text) == CHINESE:
        return False
    wide = [ch for ch in text if not ch.isascii()]
    return 2 * sum(1 for ch in wide if not _in_gb2312(ch)) > len(wide)


def _strict(data: bytes, encoding: str, shift: int = 0) -> str:
    try:
        return data[shift:].decode(encoding)
    except UnicodeDecodeError as exc:
        raise _bad_byte(data, exc, shift, encoding.upper()) from None


def decode_bytes(data: bytes, declared: Iterable[str | None] = (), markup: bool = False) -> Decoded:
    """Text of `data`: by its byte-order mark, else as UTF-8, else in a declared charset (the
    given ones, then, with `markup`, those the document declares), else as GB18030."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return Decoded(_strict(data, encoding, len(bom)), encoding)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = _bad_byte(data, exc, 0, "UTF-8")
    if _mostly_utf8(data):
        raise UndecodableText(f"{utf8_error.problem} (the rest of the text is UTF-8)",
                              utf8_error.offset, utf8_error.line)
    labels = [*(d for d in declared if d), *(declared_charsets(data) if markup else ())]
    for label in labels:
        name = codec_name(label)
        if name is None or name in ("utf-8", GB18030):
            continue  # unknown, or tried before or after the declarations
        try:
            return Decoded(data.decode(name), name)
        except UnicodeDecodeError:
            continue  # a wrong declaration: go on as if it were not there
    return _gb18030(data, utf8_error)


def _gb18030(data: bytes, utf8_error: UndecodableText) -> Decoded:
    """The last guess, refused when it fails or reads like a misread Western text."""
    try:
        text = data.decode(GB18030)
    except UnicodeDecodeError as exc:
        gb_error = _bad_byte(data, exc, 0, "GB18030")
        # the text is not mostly UTF-8, so the GB18030 failure is the one worth pointing at
        raise UndecodableText(f"{gb_error.problem} (nor UTF-8: {utf8_error.problem})",
                              gb_error.offset, gb_error.line) from None
    if _western_misread(text):
        raise UndecodableText(
            f"{utf8_error.problem}; read as GB18030 it is no Chinese text but rare characters, "
            "so it looks like a Western encoding (Windows-1252, Latin-1): save it as UTF-8",
            utf8_error.offset, utf8_error.line,
        )
    return Decoded(text, GB18030)
