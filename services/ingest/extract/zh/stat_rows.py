"""The figure of a Chinese table row: its label names the metric and perhaps the place
("全市专利授权量"), the table's title the period (`stat_tables` finds the rows)."""

from __future__ import annotations

from events import Span
from services.ingest.extract.zh import stat_context as ctxm
from services.ingest.extract.zh.stat_facts import ZhStat
from services.ingest.extract.zh.stat_geography import CN, FOREIGN, LOCAL, place_words
from services.ingest.extract.zh.stat_subjects import Layers, metric_of, unit_of
from services.ingest.extract.zh.stat_tables import Row


def table_value(span: Span, state: ctxm.DocState, row: Row) -> list[ZhStat]:
    """A table row's figure: its label names the metric (a count, or a rate per 10,000
    people), the table's title the period."""
    unit = unit_of("count", row.label)
    metric = metric_of(Layers(row.label, "", ""), unit)
    if metric is None or state.period is None or "元" in row.label:
        return []  # an amount's scale is in a header this row does not repeat
    period = ctxm.for_kind(metric, state.period, row.label)
    place = row_place(row, state)
    value_span = Span(start=span.start + row.start, end=span.start + row.end)
    return [ZhStat(metric, period, place, row.value, unit, "exact", row.change, span,
                   value_span)]  # fmt: skip


def row_place(row: Row, state: ctxm.DocState) -> str:
    """The place a row's label names ("全市专利授权量" on a city's table is that city),
    else the place the text spoke of, else China."""
    words = [w for w in place_words(row.label) if w.place != FOREIGN]
    if not words:
        return state.place if state.place is not None else CN
    if words[0].place != LOCAL:
        return words[0].place
    word = row.label[words[0].start : words[0].end]
    return ctxm.local_place(word, state.named, state.at) or ctxm.UNRESOLVED
