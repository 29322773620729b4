"""Rows of Chinese statistical tables as pages print them: a line holding only a number
under the line with its Chinese label (an English translation of the label may stand
between), as in CNIPA's monthly tables ("地理标志商标注册件数" / "451"). The label is
the figure's subject; the period is the one the table's title states."""

from __future__ import annotations

import re
from decimal import Decimal

from events import Span
from services.ingest.extract.language import normalise_width

_BARE = re.compile(r"^\d[\d,]*(?:\.\d+)?$")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _line(text: str, span: Span) -> bool:
    """Whether a sentence is a whole line of the text."""
    starts = span.start == 0 or text[span.start - 1] == "\n"
    return starts and (span.end == len(text) or text[span.end] in "\r\n")


def table_row(text: str, spans: tuple[Span, ...], i: int) -> tuple[str, Decimal] | None:
    """(label, value) when sentence `i` is a table row's value, else None."""
    span = spans[i]
    value = normalise_width(text[span.start : span.end])
    if not _BARE.match(value) or not _line(text, span):
        return None
    for back in reversed(spans[max(0, i - 3) : i]):
        line = normalise_width(text[back.start : back.end])
        if _BARE.match(line) or not _line(text, back):
            return None  # the row above ends here: this number has no label of its own
        if _HAN.search(line):
            return line, Decimal(value.replace(",", ""))
    return None
