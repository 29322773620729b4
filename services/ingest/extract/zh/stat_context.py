"""Period and place of a Chinese figure, read from its sentence and what the document
established before it.

Period: a parenthesised phrase right after the value ("1166件(2023年前11个月)"), else the
nearest phrase before it in the sentence (a span of years there makes it a multi-year
figure, which is dropped), else the first one after it, else the period carried from the
sentences before, else (a headline) the first one of the next two sentences.

Place: the last place word before the value in its sentence, else the place carried from
before, else CN. 我省 / 本市 resolve to a province or city the document names; when it
names none the place is unresolved.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from events import AsOfPeriod, Period, YearPeriod
from events.metrics import Metric
from services.ingest.extract import lexicon
from services.ingest.extract.stat_period_grammar import UNDATED_YEAR
from services.ingest.extract.stat_period_parts import period_start
from services.ingest.extract.stat_periods import months_period
from services.ingest.extract.zh.stat_geography import CN, LOCAL, PlaceWord, full_name, province_of
from services.ingest.extract.zh.stat_period_resolve import resolve, year_to_date
from services.ingest.extract.zh.stat_periods import ZhPeriodHit

MULTI_YEAR = "multi-year"
UNRESOLVED = ""  # the place of 我省 / 本市 when the document names none


@dataclass(slots=True)
class DocState:
    """What a document has established so far: year, period and place carried."""

    published: date | None
    named: list[tuple[int, str]]  # the place names the document states, with their offsets
    view: str  # the document's text, width-normalised (same offsets)
    year: int | None = None
    period: Period | None = None
    place: str | None = None
    previous: str = ""  # the sentence before, width-normalised
    at: int = 0  # where the current sentence starts in the document
    basis: str | None = None  # a change's basis stated before in the paragraph
    last: Metric | None = None  # the metric of the figure before in the paragraph
    currency: str | None = None  # the currency of the document's last amount


@dataclass(slots=True)
class SentenceContext:
    """A width-normalised sentence with its period phrases (resolved) and place words."""

    view: str
    hits: Resolved
    places: list[PlaceWord]
    ahead: list[Period] = field(default_factory=list)  # periods of the next sentences
    listed: dict[int, int] = field(default_factory=dict)  # a 分别 value's period, by index
    index: _HitIndex | None = None  # built by the first `period_at`


Resolved = list[tuple[ZhPeriodHit, Period | None]]


def resolve_hits(hits: list[ZhPeriodHit], state: DocState) -> Resolved:
    """The periods of a sentence's phrases, each yearless one taking the year stated last;
    the document's carried year and period move on to the sentence's last ones."""
    out: list[tuple[ZhPeriodHit, Period | None]] = []
    for h in hits:
        if h.event or (h.context and state.period is not None):
            continue  # "当年累计" under a table's title: the title's period goes on
        if h.kind == "to_date":
            period = year_to_date(h, state.published)
        else:
            period = None if h.kind == "span" else resolve(h, state.year, state.published)
        out.append((h, period))
        stated = h.year is not None or h.relative is not None
        if h.kind != "span" and period is not None and stated and period.year != UNDATED_YEAR:
            state.year = period.year
    return out


def for_kind(metric: Metric, period: Period, text: str, before: str = "") -> Period:
    """A level stated for a year (or half, quarter) is the level at its end, unless the text
    says what the period added ("全年批准"); an amount of money stated "截至年底" is what the
    year brought ("产值", "销售额"), unless the text calls it cumulative."""
    d = lexicon.load("zh_stat_periods")
    if isinstance(period, AsOfPeriod):
        if metric.as_of or not metric.is_money or any(w in text for w in d["stock_cues"]):
            return period
        return months_period(period.year, 1, period.as_of_month)
    if not metric.as_of or any(w in text for w in d["period_flow_cues"]):
        return period
    stock = any(w in text + before for w in d["stock_cues"])
    if stock or not (metric.is_money or any(w in text for w in d["flow_cues"])):
        return AsOfPeriod(year=period.year, as_of_month=period.months[1])
    return period


def is_future(period: Period | None, state: DocState) -> bool:
    """A period that begins after the publication date: its figures are targets."""
    if period is None or state.published is None or period.year == UNDATED_YEAR:
        return False
    return period_start(period) > state.published


def carry(ctx: SentenceContext, state: DocState) -> None:
    """After a sentence: its last period is the document's carried one."""
    periods = [p for h, p in ctx.hits if p is not None and h.kind != "span"]
    if periods:
        state.period = periods[-1]


def _in_parens(view: str, h: ZhPeriodHit) -> bool:
    return view[max(0, h.start - 1) : h.start] in ("(", "（")


@dataclass(slots=True)
class _HitIndex:
    """A sentence's period phrases for look-up by position; they never overlap, so in text
    order both their starts and their ends ascend."""

    starts: list[int]
    bare: Resolved  # the phrases not in parentheses
    bare_starts: list[int]
    bare_ends: list[int]
    next_dated: list[int]  # per bare phrase, the index of the first from it with a period
    place_ends: list[int]  # the ends of the place words, ascending as they are in text order


def _index(ctx: SentenceContext) -> _HitIndex:
    if ctx.index is None:
        bare = [(h, p) for h, p in ctx.hits if not _in_parens(ctx.view, h)]
        # past the last dated phrase, the index of the last phrase (whose period is None)
        nxt, following = [0] * len(bare), len(bare) - 1
        for i in range(len(bare) - 1, -1, -1):
            following = i if bare[i][1] is not None else following
            nxt[i] = following
        ctx.index = _HitIndex(
            [h.start for h, _ in ctx.hits], bare,
            [h.start for h, _ in bare], [h.end for h, _ in bare], nxt,
            [w.end for w in ctx.places],
        )  # fmt: skip
    return ctx.index


def period_at(ctx: SentenceContext, state: DocState, start: int, end: int) -> Period | str:
    """The period of the figure at `[start, end)`; MULTI_YEAR for a figure over a span of
    years, a period in UNDATED_YEAR when nothing determines its year."""
    listed = ctx.hits[ctx.listed[start]][1] if start in ctx.listed else None
    if listed is not None:
        return listed  # "2021年和2022年…分别为A和B"
    ix = _index(ctx)
    for h, p in ctx.hits[bisect_left(ix.starts, end) : bisect_right(ix.starts, end + 2)]:
        if p is not None and _in_parens(ctx.view, h):
            return p  # "1166件(2023年前11个月)": the period of this value alone
    last = bisect_right(ix.bare_ends, start) - 1  # the nearest phrase ending before it
    if last >= 0:
        h, p = ix.bare[last]
        return MULTI_YEAR if h.kind == "span" or p is None else p
    first = bisect_left(ix.bare_starts, end)
    after = ix.bare[ix.next_dated[first]][1] if first < len(ix.bare) else None
    if after is not None:
        return after
    if state.period is not None:
        return state.period
    return ctx.ahead[0] if ctx.ahead else YearPeriod(year=UNDATED_YEAR)


def place_at(ctx: SentenceContext, state: DocState, start: int) -> str:
    """The place of the figure at `start`; UNRESOLVED when it is 我省 / 本市 and the
    document names no such place."""
    last = bisect_right(_index(ctx).place_ends, start) - 1
    if last < 0:
        return state.place if state.place is not None else CN
    w = ctx.places[last]
    if w.place != LOCAL:
        return w.place
    word = ctx.view[w.start : w.end]
    return local_place(word, state.named, state.at + w.start) or UNRESOLVED


def local_place(word: str, named: list[tuple[int, str]], at: int) -> str | None:
    """The place 我省 / 本市 / 全区 at offset `at` refers to: the last province (city,
    district) named before it, else the first named after it; a short name ("上海",
    "安徽") is judged by its full name."""
    level = word[-1]
    fits: list[tuple[int, str]] = []
    for pos, name in named:
        full = full_name(name)
        if full.endswith(level) or (level == "省" and full.endswith("自治区")):
            fits.append((pos, name))
        elif level == "省" and (province := province_of(name)) is not None:
            fits.append((pos, province))  # "我省" in a text that names one of its cities
    before = [name for pos, name in fits if pos < at]
    if before:
        return before[-1]
    return fits[0][1] if fits else None


def elided(ctx: SentenceContext, start: int, end: int) -> bool:
    """Whether the clause before a value names only its period or place ("下半年为48.6万件",
    "上海为4.4万件"): the subject is the one of the figure before."""
    keep = [True] * (end - start)
    spans = [(h.start, h.end) for h, _ in ctx.hits] + [(w.start, w.end) for w in ctx.places]
    for a, b in spans:
        for i in range(max(a, start), min(b, end)):
            keep[i - start] = False
    rest = "".join(ch for i, ch in enumerate(ctx.view[start:end]) if keep[i]).strip(" ,，;；")
    return rest != ctx.view[start:end].strip(" ,，;；") and rest in _copulas()


@cache
def _copulas() -> frozenset[str]:
    return frozenset(["", *lexicon.words("zh_stat_lists", "to_value")])
