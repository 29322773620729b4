"""Statistics of tables printed in text (see `stat_table_grid`): the header of a value column
names the metric (with the row's label and the table's caption), a place column the
geography, a change column the reported change of the value beside it; the period is the
one in force where the table starts, as its caption states it.

Header words are in lexicon/stat_tables.toml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache

from events import Period, Span, YearPeriod
from events.metrics import Metric
from services.ingest.extract import lexicon
from services.ingest.extract.base import Document
from services.ingest.extract.metrics_match import match_metric, tokens
from services.ingest.extract.places import place_at
from services.ingest.extract.stat_geography import site_place
from services.ingest.extract.stat_metric_pick import SUBSET, part_series, period_for_kind
from services.ingest.extract.stat_model import Stat, State, describe
from services.ingest.extract.stat_period_grammar import UNDATED_YEAR
from services.ingest.extract.stat_period_phrases import find_periods
from services.ingest.extract.stat_periods import title_year
from services.ingest.extract.stat_table_grid import Cell, Grid
from services.ingest.extract.stat_values import Change, Num

_UNCLASSIFIED = "unclassified"
_YEAR = re.compile(r"(?:19|20)\d\d")


@lru_cache(maxsize=1)
def _headers() -> dict[str, re.Pattern[str]]:
    """Each kind of header (rank, change, place, year on year) as a pattern on lower case."""
    out = {}
    for kind in ("rank", "change", "place", "year_on_year"):
        alts = "|".join(re.escape(w) for w in lexicon.words("stat_tables", kind))
        out[kind] = re.compile(rf"(?<![\w-])(?:{alts})(?![\w-])")
    return out


def _is(kind: str, header: Cell) -> bool:
    return _headers()[kind].search(header.text.lower()) is not None


def _number(cell: Cell) -> Decimal:
    text = cell.text.rstrip("%")
    # "11.826" among whole counts: a thousands point, as some pages print it
    if re.fullmatch(r"[-+]?\d{1,3}\.\d{3}", text) and not cell.text.endswith("%"):
        text = text.replace(".", "")
    return Decimal(text.replace(",", ""))


def _ranks(grid: Grid, j: int) -> bool:
    """A column numbering the rows 1, 2, 3, …"""
    cells = [r[j] for r in grid.rows]
    return all(c.text.isdigit() for c in cells) and [int(c.text) for c in cells] == list(
        range(int(cells[0].text), int(cells[0].text) + len(cells))
    ) and len(cells) > 2


@dataclass(slots=True)
class _Columns:
    """What each column of a table holds."""

    place: int | None = None
    label: int | None = None
    year: int | None = None
    values: list[int] = field(default_factory=list)
    changes: dict[int, int] = field(default_factory=dict)  # change column -> value column


def _years(grid: Grid, j: int) -> bool:
    """A column of years, one row a year."""
    return all(_YEAR.fullmatch(r[j].text) for r in grid.rows)


def _columns(grid: Grid) -> _Columns:
    """The meaning of each column of a table."""
    width = len(grid.header)
    numeric = [all(r[j].numeric for r in grid.rows) for j in range(width)]
    cols = _Columns()
    for j, head in enumerate(grid.header):
        if _years(grid, j) and cols.year is None:
            cols.year = j
        elif not numeric[j]:
            placed = sum(_whole_place(r[j]) for r in grid.rows) * 2 >= len(grid.rows)
            if placed or _is("place", head):
                # the first place column is the most specific: "City" before "Province"
                cols.place = j if cols.place is None else cols.place
            elif cols.label is None:
                cols.label = j
        elif _is("rank", head) or _ranks(grid, j):
            continue
        elif _is("change", head) and cols.values:
            cols.changes[j] = cols.values[-1]
        else:
            cols.values.append(j)
    return cols


def _whole_place(cell: Cell) -> bool:
    found = place_at(cell.text, 0)
    return found is not None and found.end == len(cell.text)


def table_stats(
    doc: Document, grid: Grid, state: State, caption: str, earlier: list[Stat]
) -> list[Stat]:
    """The statistics of one table, read with the state in force where it starts and the
    statistics the text stated before it."""
    cols = _columns(grid)
    in_force = (
        _caption_period(caption, state)
        or state.period
        or YearPeriod(year=state.year or _pub_year(state))
    )
    out: list[Stat] = []
    for row in grid.rows:
        geo = row[cols.place].text if cols.place is not None else site_place(doc.url) or "CN"
        year = int(row[cols.year].text) if cols.year is not None else None
        period = YearPeriod(year=year) if year else in_force
        label = f" {row[cols.label].text}" if cols.label is not None else ""
        for j in cols.values:
            subject = grid.header[j].text + label
            change = next(
                ((row[c], grid.header[c]) for c, v in cols.changes.items() if v == j), None
            )
            st = _stat(grid, row, j, (subject, caption, earlier), period, geo, change)
            if st is not None:
                out.append(_as_part(st, label, caption, out))
    return out


def _as_part(st: Stat, label: str, caption: str, above: list[Stat]) -> Stat:
    """A row "Of which: patents" under a total of patents and trademarks is the part's own
    series (lexicon/stat_parts), as the same words in a sentence are."""
    if not SUBSET.search(label) or not above:
        return st
    total = above[-1]
    whole = tokens(caption + " " + total.description) if total.description else tokens(caption)
    metric = part_series(st.metric, total.metric, tokens(label), whole)
    return st if metric is st.metric else replace(st, metric=metric)


def _caption_period(caption: str, state: State) -> Period | None:
    """The one period a table's title names ("…, 2023", "January-June 2023"), if one."""
    periods = {h.period for h in find_periods(caption, state) if h.period and not h.baseline}
    if len(periods) == 1:
        return periods.pop()
    year = title_year(caption) if not periods else None  # "Pledge financing, 2023"
    return YearPeriod(year=year) if year else None


def _pub_year(state: State) -> int:
    return state.published.year if state.published else UNDATED_YEAR


def _stat(
    grid: Grid, row: tuple[Cell, ...], j: int, named: tuple[str, str, list[Stat]],
    period: Period, geo: str, change: tuple[Cell, Cell] | None,
) -> Stat | None:
    cell, head = row[j], grid.header[j].text.lower()
    subject = named[0]
    scale = next((Decimal(m) for w, m in _money().items() if w in head), None)
    if scale is not None and _counted_row(subject, head):
        scale = None  # "Projects | 38,000" in a money column: a count, not an amount
    unit = "CNY" if scale else "percent" if cell.text.endswith("%") or "%" in head else "count"
    metric = _metric(named, unit)
    if metric is None:
        return None
    start = row[0].start
    value = _number(cell) * (scale or 1)
    num = Num(start=cell.start - start, end=cell.end - start, value=value, unit=unit,
              scaled=scale is not None)  # fmt: skip
    return Stat(
        num=num,
        change=_change(*change) if change is not None else None,
        metric=metric,
        description=describe(subject),
        period=period_for_kind(metric, period, True, subject),
        geography=geo,
        sentence=Span(start=start, end=row[-1].end),
        value_span=Span(start=cell.start, end=cell.end),
        headline=False,
        unit=unit if scale else metric.unit,
    )


def _counted_row(subject: str, head: str) -> bool:
    """Whether the row label (the subject past its column's header) names things counted."""
    label = tokens(subject[len(head) :] if subject.lower().startswith(head) else subject)
    return bool(set(label) & set(lexicon.words("stat_tables", "counted_rows")))


@lru_cache(maxsize=1)
def _money() -> dict[str, str]:
    """Header words of a money column and the yuan each unit of its cells stands for."""
    table = lexicon.load("stat_tables")["money"]
    return dict(sorted(table.items(), key=lambda kv: -len(kv[0])))  # longest first


def _metric(named: tuple[str, str, list[Stat]], unit: str) -> Metric | None:
    """The series of a value column. A bare header ("Number of Invention Patents") lists
    what the text has just been counting: the latest series stated before the table whose
    name holds every word of the header; else the header and row label, with the caption
    (a table's title) as the words before them."""
    subject, caption, earlier = named
    filler = set(lexicon.words("stat_tables", "filler"))
    words = {w for w in tokens(subject) if w.isalpha() and w not in filler}
    for st in reversed(earlier):
        if words and words <= set(st.metric.id.split("_")) and st.unit == unit:
            return st.metric
    metric, _ = match_metric(subject, caption, unit=unit)
    return None if metric.id == _UNCLASSIFIED else metric


def _change(cell: Cell, header: Cell) -> Change | None:
    amount = _number(cell)
    basis = "year_on_year" if _is("year_on_year", header) else "unspecified_prior_year"
    return Change(amount=abs(amount), kind="percent", direction="down" if amount < 0 else "up",
                  basis=basis, qualifier="exact")  # fmt: skip
