"""The statistics of Chinese documents, read sentence by sentence into the same events as
the English stages: same metric ids, periods, units and changes.

Stages: numbers and units (`stat_numbers`), periods (`stat_periods`), changes
(`stat_changes`, `stat_reading`), 分别 lists (`stat_lists`), table rows (`stat_tables`,
`stat_rows`), distractors (`stat_distractors`), subjects and metrics (`stat_subjects`, the
catalogue's `aliases_zh`), period and place of a figure (`stat_context`, `stat_geography`),
the document's set of figures (`stat_series`) and the events (`stat_facts`); the word
lists are `lexicon/zh_stat_*.toml`. A number whose subject names no catalogued metric is
not reported. A figure whose year (or 我省 / 本市 place) nothing in the document
determines is reported by `extraction_problems` and recorded as unresolved, never stored
with a guess.
"""

from __future__ import annotations

from functools import lru_cache

from events import Period, Span
from events.metrics import Metric
from services.ingest.extract.base import Document, Fact
from services.ingest.extract.language import normalise_width
from services.ingest.extract.sentences import document_sentences
from services.ingest.extract.zh import stat_context as ctxm
from services.ingest.extract.zh.stat_distractors import is_distractor, masks
from services.ingest.extract.zh.stat_facts import (
    ZhStat,
    fact,
    problem,
    resolved,
    unresolved_fact,
)
from services.ingest.extract.zh.stat_geography import (
    CN,
    FOREIGN,
    LOCAL,
    PlaceWord,
    place_words,
    site_place,
)
from services.ingest.extract.zh.stat_lists import listed_periods, respectively
from services.ingest.extract.zh.stat_numbers import read_numbers, value_hedge
from services.ingest.extract.zh.stat_period_marks import dates
from services.ingest.extract.zh.stat_periods import find_periods
from services.ingest.extract.zh.stat_reading import Item, growth_only, read_items
from services.ingest.extract.zh.stat_rows import table_value
from services.ingest.extract.zh.stat_series import (
    baseline_shift,
    carry_basis,
    dedupe,
    drop_thresholds,
    is_headline,
    normalise_basis,
)
from services.ingest.extract.zh.stat_subjects import (
    Layers,
    last_mark,
    layers,
    metric_of,
    unit_of,
)
from services.ingest.extract.zh.stat_tables import table_row


def extract_statistics(doc: Document) -> list[Fact]:
    """The statistics found in a Chinese document, in text order."""
    return [fact(doc, st) for st in _statistics(doc) if resolved(st)]


def extraction_problems(doc: Document) -> list[tuple[Span, str]]:
    """Statistics of a Chinese document whose year or place nothing determines."""
    return [problem(doc, st) for st in _statistics(doc) if not resolved(st)]


def unresolved_facts(doc: Document) -> list[Fact]:
    """One StatisticUnresolved fact per figure of a Chinese document whose year or place
    nothing determines."""
    return [unresolved_fact(doc, st) for st in _statistics(doc) if not resolved(st)]


def _named(view: str) -> list[PlaceWord]:
    return [w for w in place_words(view) if w.place not in (CN, FOREIGN, LOCAL)]


@lru_cache(maxsize=8)
def _statistics(doc: Document) -> tuple[ZhStat, ...]:
    view = normalise_width(doc.text)
    named = [(w.start, w.place) for w in _named(view)]
    # a headline's place is what 我省 / 本市 means when the text itself names none
    named += [(len(view), w.place) for w in _named(normalise_width(doc.title or ""))]
    site = site_place(doc.url)
    if site is not None:  # a city's own site: its 全市 is that city if the text names none
        named.append((len(view), site))
    state = ctxm.DocState(published=doc.reference_date, named=named, view=view)
    spans = document_sentences(doc.text)
    out: list[ZhStat] = []
    for i, span in enumerate(spans):
        if i and "\n" in doc.text[spans[i - 1].end : span.start]:
            state.basis = state.last = None  # a basis stated once carries within its paragraph
        state.at = span.start
        row = table_row(view, spans, i)
        if row is not None:
            out.extend(table_value(span, state, row))
            continue
        out.extend(_sentence(doc, span, state, spans[i + 1 : i + 3]))
    return tuple(dedupe(drop_thresholds(out)))


def _context(view: str, state: ctxm.DocState) -> tuple[ctxm.SentenceContext, list[Item]]:
    dmask = dates(view)
    hits = find_periods(view, dmask)
    ctx = ctxm.SentenceContext(view, ctxm.resolve_hits(hits, state), place_words(view))
    masked = dmask + masks(view) + [(h.start, h.end) for h in hits]
    items = read_items(view, read_numbers(view, masked))
    if len(ctx.hits) > 1:
        values = [i.n for i in items if not i.is_rate and not i.dropped]
        ctx.listed = listed_periods(view, [(h.start, h.end) for h, _ in ctx.hits], values)
    return ctx, items


def _ahead(doc: Document, spans: list[Span], state: ctxm.DocState) -> list[Period]:
    """The first period of the next sentences (read on a copy of the state)."""
    for span in spans:
        view = state.view[span.start : span.end]
        probe = ctxm.DocState(state.published, state.named, state.view, state.year)
        hits = ctxm.resolve_hits(find_periods(view, dates(view)), probe)
        periods = [p for h, p in hits if p is not None and h.kind != "span"]
        if periods:
            return periods[:1]
    return []


def _sentence(
    doc: Document, span: Span, state: ctxm.DocState, nxt: tuple[Span, ...]
) -> list[ZhStat]:
    view = state.view[span.start : span.end]  # the width-normalised sentence
    ctx, items = _context(view, state)
    if not ctx.hits and state.period is None and items:
        ctx.ahead = _ahead(doc, list(nxt), state)
    out: list[ZhStat] = []
    prev_end = 0
    headline = is_headline(doc.text, span)
    listed = respectively(view, [i.n for i in items if not i.is_rate and not i.dropped])
    for item in items:
        own_start = max(last_mark(view, item.n.start), prev_end)
        prev_end = item.n.end
        if item.is_rate or item.dropped:
            continue
        st = _value(ctx, state, span, item, own_start, listed.get(item.n.start))
        if st is not None:
            st.headline = headline
            carry_basis(st, state)
            out.append(st)
            state.place, state.last = st.geography, st.metric
            if st.unit in ("CNY", "USD"):
                state.currency = st.unit
    rates = growth_only(items)
    listed_rates = respectively(view, [r.n for r in rates])  # "A、B分别增长…%和…%"
    for rate in rates:
        growth = _growth(ctx, state, span, rate, listed_rates.get(rate.n.start))
        if growth is not None:
            carry_basis(growth, state)
            out.append(growth)
    ctxm.carry(ctx, state)
    state.previous = view
    return out


def _value(
    ctx: ctxm.SentenceContext,
    state: ctxm.DocState,
    span: Span,
    item: Item,
    own_start: int,
    listed: tuple[str, str] | None,
) -> ZhStat | None:
    n, view = item.n, ctx.view
    if is_distractor(view, n.start, n.end, n.unit in ("CNY", "USD")):
        return None
    lay = layers(view, own_start, n.start, n.end, n.unit_word, state.previous)
    unit = unit_of(n.unit, lay.own)
    if listed is not None:  # a 分别 list names this value's subject (and place)
        lay = Layers(listed[0] + n.unit_word, listed[1], lay.context + lay.before,
                     context_words=lay.context_words)  # fmt: skip
        unit = unit_of(n.unit, listed[1])
    metric = metric_of(lay, unit, n.unit_word)
    if metric is None and state.last is not None and state.last.unit == unit:
        metric = state.last if ctxm.elided(ctx, own_start, n.start) else None
    period = ctxm.period_at(ctx, state, n.start, n.end)
    place = ctxm.place_at(ctx, state, n.start)
    own_places = place_words(listed[0]) if listed else []
    if own_places:
        place = own_places[0].place
    if metric is None or period == ctxm.MULTI_YEAR or place == FOREIGN:
        return None
    assert not isinstance(period, str)
    if ctxm.is_future(period, state):
        return None  # "到2025年，…达到9万件": a target
    qual = n.qualifier if n.qualifier != "exact" else value_hedge(view[own_start : n.start])
    value_span = Span(start=span.start + n.start, end=span.start + n.end)
    if period is not None:
        period = ctxm.for_kind(metric, period, lay.own, lay.before)
        if item.baseline is not None:  # "较上年的4868.8亿元": the level of the basis period
            period = period.shifted(baseline_shift(item.baseline, period.year))
        normalise_basis(item.change, period)
    return ZhStat(
        metric, period, place, n.value, unit, qual, item.change, span,
        value_span, equivalent=item.equivalent,
    )  # fmt: skip


def _growth_unit(metric: Metric, state: ctxm.DocState) -> str:
    """The unit of a growth without its value: for money, the currency the document states
    its amounts in ("进出口总额3872.5亿元，其中进口下降0.8%"), else the catalogue's."""
    if metric.is_money and state.currency is not None:
        return state.currency
    return metric.unit


def _growth(
    ctx: ctxm.SentenceContext,
    state: ctxm.DocState,
    span: Span,
    rate: Item,
    listed: tuple[str, str] | None,
) -> ZhStat | None:
    """A rate with no value before it: the change of a figure whose value is not given."""
    assert rate.cue is not None
    view, at = ctx.view, rate.cue.start
    own_start = last_mark(view, at)
    lay = layers(view, own_start, at, at, "", state.previous)
    if listed is not None:  # a 分别 list names this rate's subject
        lay = Layers(listed[0], listed[1], lay.context + lay.before,
                     context_words=lay.context_words)  # fmt: skip
    metric = metric_of(lay, None)
    period = ctxm.period_at(ctx, state, at, rate.n.end)
    place = ctxm.place_at(ctx, state, at)
    own_places = place_words(listed[0]) if listed else []
    if own_places:
        place = own_places[0].place
    if metric is None or period == ctxm.MULTI_YEAR or place == FOREIGN:
        return None
    assert not isinstance(period, str)
    if ctxm.is_future(period, state):
        return None
    from services.ingest.extract.zh.stat_changes import to_change

    change = to_change(rate.n, rate.cue)
    if period is not None:
        period = ctxm.for_kind(metric, period, lay.own, lay.before)
        normalise_basis(change, period)
    return ZhStat(
        metric, period, place, None, _growth_unit(metric, state), "exact", change, span,
        None,
    )  # fmt: skip
