"""Rule-based extraction of published statistics (values, growth rates) from English text.

The extractor reads one sentence at a time and keeps a little state across sentences (the
last period, year, currency, place and growth basis) because press releases state them
once. Within a sentence it:

1. masks numbers that are never values: dates, document and article numbers, ordinals,
   "Top 10", the "10,000" of "per 10,000 people", years;
2. reads every remaining number with its scale ("billion", "trillion", "million",
   "100 million" and "10,000" before a currency), currency, percent, months or per-10k unit;
3. tells growth rates ("up 15.5%", "an increase of 39.8%", "a 2.5% drop", "2 times") from
   values, and attaches each rate to the value it modifies: the value before it, or the
   value after it in "rose 21.7% to 709,000"; "respectively" maps rates in order; a rate
   with no free value is a growth-only statistic (value None);
4. drops targets and forecasts (a future cue such as "will", "expected", "goal", or a
   period that starts after the publication date), thresholds and milestones,
   funding allocations and fund sizes, counts of selected units, legal ranges,
   multi-year totals and averages, other countries' and single companies' figures;
5. resolves the period (nearest period phrase in the sentence, else the carried one),
   the geography (a named Chinese city/district, else CN), the metric (catalogue aliases,
   see `metrics_match`), hedges and parenthetical currency equivalents.

Each step is a stage module: numbers and units (stat_numbers), periods (stat_period_*),
changes (stat_changes, stat_attach), values and distractors (stat_select, stat_exclude),
series (stat_metric_pick), the statistics of values and of bare rates (stat_value_stats,
stat_growth) and the facts they become (stat_facts); this module runs them in order.
All patterns are precompiled and linear (no nested unbounded repeats).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from events import Period, Span
from services.ingest.extract import lexicon
from services.ingest.extract.base import Document, Fact
from services.ingest.extract.sentences import document_sentences
from services.ingest.extract.stat_attach import attach_changes
from services.ingest.extract.stat_changes import (
    classify_changes,
    mark_ranges,
    share_baseline_units,
)
from services.ingest.extract.stat_distractors import Cues
from services.ingest.extract.stat_exclude import FILING, IN_CHINA
from services.ingest.extract.stat_facts import dedupe, fact, flag_transpositions, unresolved_problem
from services.ingest.extract.stat_geography import update_places
from services.ingest.extract.stat_growth import growth_only_stats
from services.ingest.extract.stat_model import Sentence, Stat, State
from services.ingest.extract.stat_numbers import masks, read_numbers
from services.ingest.extract.stat_period_grammar import DIGIT, UNDATED_YEAR
from services.ingest.extract.stat_period_parts import PeriodHit
from services.ingest.extract.stat_period_phrases import find_periods
from services.ingest.extract.stat_period_pick import carry_period, mark_baselines
from services.ingest.extract.stat_periods import title_year
from services.ingest.extract.stat_select import (
    MULTI_YEAR,
    assign_currency,
    attach_equivalents,
    is_year,
    multi_year_start,
    select_values,
)
from services.ingest.extract.stat_table_grid import grids
from services.ingest.extract.stat_tables import table_stats
from services.ingest.extract.stat_text import lc, lower, words
from services.ingest.extract.stat_value_stats import value_stats

_HEADLINE_END = re.compile(r"[.!?\"”’:]$")


@lru_cache(maxsize=1)
def _ip_cue() -> re.Pattern[str]:
    """A cue of the IP domain (lexicon/stat_domain.toml), matched on `lower()` text."""
    prefixes = [re.escape(w.lower()) for w in lexicon.words("stat_domain", "prefixes")]
    whole = [re.escape(w.lower()) + r"\b" for w in lexicon.words("stat_domain", "words")]
    phrases = [re.escape(w.lower()).replace(r"\ ", r"\w* ", 1) for w in
               lexicon.words("stat_domain", "phrases")]  # fmt: skip
    return lc(words(*prefixes, *whole, *phrases))


def period_problems(doc: Document) -> list[tuple[Span, str]]:
    """Impossible periods in a document's text (sentence span, problem); their facts are refused."""
    state = State(published=doc.reference_date, year=title_year(doc.title))
    out = []
    for span in document_sentences(doc.text):
        for hit in find_periods(doc.text[span.start : span.end], state):
            if hit.problem is not None:
                at = Span(start=span.start + hit.start, end=span.start + hit.end)
                out.append((at, hit.problem))
    return out


def extract_statistics(doc: Document) -> list[Fact]:
    """Every statistic published in a document, in text order, one Fact each."""
    return [fact(doc, st) for st in _statistics(doc) if st.period.year != UNDATED_YEAR]


def unresolved_statistics(doc: Document) -> list[tuple[Span, str]]:
    """Statistics whose year nothing in the document determines: (value span, problem)."""
    return [
        (st.value_span or st.sentence, unresolved_problem(doc, st))
        for st in _statistics(doc)
        if st.period.year == UNDATED_YEAR
    ]


@lru_cache(maxsize=8)
def _statistics(doc: Document) -> tuple[Stat, ...]:
    """The statistics of a document, the unresolved ones included (read once per document)."""
    text = doc.text
    spans = document_sentences(text)
    state = State(published=doc.reference_date, year=title_year(doc.title))
    stats: list[Stat] = []
    tables = list(grids(text))
    for i, span in enumerate(spans):
        while tables and span.start > tables[0].end:
            tables.pop(0)
        if tables and span.start >= tables[0].start:  # a table's lines are cells, not sentences
            if i == 0 or spans[i - 1].start < tables[0].start:
                stats.extend(table_stats(doc, tables[0], state, _caption(text, spans, i), stats))
            continue
        headline = _is_headline(text, span)
        if i and "\n" in text[spans[i - 1].end : span.start]:
            state.basis = None  # a carried basis stays within its paragraph

        def next_period(i: int = i) -> Period | None:
            # A headline without a period takes the one the body opens with.
            for nxt in spans[i + 1 : i + 3]:
                s2 = text[nxt.start : nxt.end]
                if MULTI_YEAR.search(lower(s2)):
                    return None
                hits = find_periods(s2, state)
                if hits:
                    return hits[0].period
            return None

        stats.extend(_process(doc, span, state, headline, next_period))
    stats = dedupe(stats)
    flag_transpositions(stats)
    return tuple(stats)


def _caption(text: str, spans: tuple[Span, ...], i: int) -> str:
    """The two sentences before a table: what it lists."""
    return " ".join(text[sp.start : sp.end] for sp in spans[max(0, i - 2) : i])


def _is_headline(text: str, span: Span) -> bool:
    """A short line standing alone without final punctuation."""
    before = text[max(0, span.start - 2) : span.start]
    after = text[span.end : span.end + 2]
    alone = (span.start == 0 or "\n" in before) and (span.end == len(text) or "\n" in after)
    return alone and span.end - span.start < 200 and not _HEADLINE_END.search(
        text, span.start, span.end
    )


def _process(
    doc: Document,
    span: Span,
    state: State,
    headline: bool,
    next_period: Callable[[], Period | None],
) -> list[Stat]:
    """The statistics of one sentence; updates the carried state."""
    s = doc.text[span.start : span.end]
    periods = find_periods(s, state)
    if any(hit.problem for hit in periods):
        return []  # its figures would land in a wrong period; period_problems reports it
    _read_context(s, periods, state, headline)
    ctx = Sentence(doc, span, s, headline, periods, carried=state.period)
    # "Market entities from 186 countries applied for patents in China": the countries named
    # next ("Japan ... applied for the most") are filers in China, not abroad
    filing = bool(FILING.search(s))
    ctx.filings_in_china = filing and state.filings_in_china
    state.filings_in_china = state.filings_in_china or (filing and bool(IN_CHINA.search(s)))
    carry_period(ctx, state)
    if not DIGIT.search(s) and "month" not in s:
        return []  # no number, no statistic: only the carried state mattered
    ctx.ip_cue = bool(_ip_cue().search(lower(s)))
    if not ctx.ip_cue and not state.last_stats:
        return []
    # Numbers inside period phrases ("first five months", "Q1") and years are not values.
    ctx.nums = [n for n in read_numbers(s, masks(s), periods) if not is_year(s, n)]
    if not ctx.nums:
        return []
    stats = _read_values(ctx, state, next_period)
    # A basis stated once after a value ("... versus a year ago") carries to the next
    # sentences of the same release.
    carry = [c.change for c in ctx.changes if c.change is not None and c.change.carry_basis]
    if carry:
        state.basis = carry[-1].basis
    state.last_stats = stats or state.last_stats
    return stats


def _read_context(s: str, periods: list[PeriodHit], state: State, headline: bool) -> None:
    """The year, baselines and places a sentence establishes for itself and the next."""
    if headline and state.year is None:
        state.year = title_year(s)  # a report titled "... (2023)" speaks of that year
    for hit in periods:
        # A year after the publication date is a target's, not the one the text reports in.
        # "last year" does not carry: a later yearless "first half" is read against the
        # publication date as well, and is this year's
        stated = hit.explicit_year
        if stated and not (state.published and stated > state.published.year):
            state.year = stated
    mark_baselines(s, periods)
    update_places(s, state)


def _read_values(
    ctx: Sentence, state: State, next_period: Callable[[], Period | None]
) -> list[Stat]:
    """The stages that turn a sentence's numbers into statistics, in order."""
    ctx.multi_from = multi_year_start(ctx.s)
    ctx.cues = Cues.of(ctx.s)
    classify_changes(ctx)
    share_baseline_units(ctx)
    mark_ranges(ctx)
    select_values(ctx)
    attach_equivalents(ctx)
    assign_currency(ctx, state)
    attached = attach_changes(ctx)
    return value_stats(ctx, state, attached, next_period) + growth_only_stats(ctx, state)
