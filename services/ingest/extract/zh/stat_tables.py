"""Rows of Chinese statistical tables as pages print them: a line holding only a number
under the line with its Chinese label (an English translation of the label may stand
between), as in CNIPA's monthly tables ("地理标志商标注册件数" / "451"), or a line of a label
and its number set apart by spaces or a tab ("发明专利授权量  921000"). The label is the
figure's subject; the period is the one the table's title states."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from events import Span
from services.ingest.extract.stat_values import Change

_BARE = re.compile(r"^\d[\d,]*(?:\.\d+)?$")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# A label of words (no clause punctuation: a sentence is no label), a number after a gap and
# perhaps a column of its growth rate ("发明专利授权量  921000  15.3%")
_ROW = re.compile(
    r"^(?P<label>[^\d\s,，。;；:：][^,，。;；:：\t]*?[\u4e00-\u9fff)）])[\t ]+"
    r"(?P<value>\d[\d,]*(?:\.\d+)?)"
    r"(?:[\t ]+(?P<rate>[-−]?\d+(?:\.\d+)?)\s*%)?$"
)
# A table's header or title names the basis of its rate column ("同比增长")
_YEAR_ON_YEAR = "同比"


@dataclass(frozen=True, slots=True)
class Row:
    """A table row's figure: its label, value and the change its rate column states."""

    label: str
    value: Decimal
    start: int  # the number's offsets in its line
    end: int
    change: Change | None = None


def _line(text: str, span: Span) -> bool:
    """Whether a sentence is a whole line of the text."""
    starts = span.start == 0 or text[span.start - 1] == "\n"
    return starts and (span.end == len(text) or text[span.end] in "\r\n")


def _change(view: str, at: int, rate: str | None) -> Change | None:
    """The change a row's rate column states, measured as the table's header says."""
    if rate is None:
        return None
    table = view[view.rfind("\n\n", 0, at) + 1 : at]  # the table: lines since a blank one
    basis = "year_on_year" if _YEAR_ON_YEAR in table else "unspecified_prior_year"
    amount = Decimal(rate.replace("−", "-"))
    return Change(abs(amount), "percent", "down" if amount < 0 else "up", basis, "exact")


def table_row(view: str, spans: tuple[Span, ...], i: int) -> Row | None:
    """The row whose value sentence `i` of a width-normalised text holds, if it is one."""
    span = spans[i]
    value = view[span.start : span.end]
    if not _line(view, span):
        return None
    row = _ROW.match(value)
    if row is not None:
        change = _change(view, span.start, row["rate"])
        number = Decimal(row["value"].replace(",", ""))
        return Row(row["label"], number, row.start("value"), row.end("value"), change)
    if not _BARE.match(value):
        return None
    for back in reversed(spans[max(0, i - 3) : i]):
        line = view[back.start : back.end]
        if _BARE.match(line) or not _line(view, back):
            return None  # the row above ends here: this number has no label of its own
        if _HAN.search(line):
            return Row(line, Decimal(value.replace(",", "")), 0, len(value))
    return None
