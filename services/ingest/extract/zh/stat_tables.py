"""Rows of Chinese statistical tables as pages print them: a line holding only a number
under the line with its Chinese label (an English translation of the label may stand
between), as in CNIPA's monthly tables ("地理标志商标注册件数" / "451"), or a line of a label
and its number set apart by spaces or a tab ("发明专利授权量  921000"). The label is the
figure's subject; the period is the one the table's title states."""

from __future__ import annotations

import re
from decimal import Decimal

from events import Span

_BARE = re.compile(r"^\d[\d,]*(?:\.\d+)?$")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# A label of words (no clause punctuation: a sentence is no label) and a number after a gap
_ROW = re.compile(r"^(?P<label>[^\d\s,，。;；:：][^,，。;；:：\t]*?[\u4e00-\u9fff)）])[\t ]+"
                  r"(?P<value>\d[\d,]*(?:\.\d+)?)$")  # fmt: skip


def _line(text: str, span: Span) -> bool:
    """Whether a sentence is a whole line of the text."""
    starts = span.start == 0 or text[span.start - 1] == "\n"
    return starts and (span.end == len(text) or text[span.end] in "\r\n")


def table_row(view: str, spans: tuple[Span, ...], i: int) -> tuple[str, Decimal] | None:
    """(label, value) when sentence `i` of a width-normalised text is a table row's value."""
    span = spans[i]
    value = view[span.start : span.end]
    if not _line(view, span):
        return None
    row = _ROW.match(value)
    if row is not None:
        return row["label"], Decimal(row["value"].replace(",", ""))
    if not _BARE.match(value):
        return None
    for back in reversed(spans[max(0, i - 3) : i]):
        line = view[back.start : back.end]
        if _BARE.match(line) or not _line(view, back):
            return None  # the row above ends here: this number has no label of its own
        if _HAN.search(line):
            return line, Decimal(value.replace(",", ""))
    return None
