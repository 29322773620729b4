"""The statistics of a sentence's values: each value's period, series, change and place,
read left to right so that a value can lean on the one before it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from events import AsOfPeriod, Period, YearPeriod
from events.metrics import UNCLASSIFIED, Metric, get_metric
from services.ingest.extract import lexicon
from services.ingest.extract.metrics_match import match_metric, unit_fits
from services.ingest.extract.stat_attach import is_subordinate_share
from services.ingest.extract.stat_exclude import excluded
from services.ingest.extract.stat_facts import UNITS
from services.ingest.extract.stat_geography import places_in
from services.ingest.extract.stat_hedges import value_qualifier
from services.ingest.extract.stat_lists import (
    LIST_GAP,
    continues_list,
    listed_places,
    listed_subjects,
    listed_years,
    shared_subjects,
)
from services.ingest.extract.stat_metric_pick import (
    Phrase,
    Walk,
    metric_for,
    named_by_head,
    period_for_kind,
    phrase,
)
from services.ingest.extract.stat_model import Sentence, Stat, State, describe, normalise_basis
from services.ingest.extract.stat_period_grammar import UNDATED_YEAR
from services.ingest.extract.stat_period_pick import nearest_period
from services.ingest.extract.stat_places import geography_for, listed_place
from services.ingest.extract.stat_values import Change, Num

# Running totals: present perfect ("has recognized 2,861"), or a count since a start
# ("Since the launch in 1996, ... 2,359 GI products protected").
_PRESENT_PERFECT = re.compile(
    r"\b(?:has|have)\s+(?:\w+ly\s+)?(?:been\s+)?(?:\w+(?:ed|en)|had|held|won|got|made|kept|"
    r"built|brought|become)\b"
    r"|\bsince\s+(?:(?:the|its)\s+)?(?:[\w-]+\s+){0,4}?(?:in\s+)?(?:19|20)\d{2}\b"
    r"|\bsince\s+(?:the|its)\s+(?:launch|establishment|founding|inception|start)",
    re.I,
)
_REPORTED = re.compile(
    r"\b(?:reached|totall?ed|stood at|numbered|hit|amounted to|rose to|increased to|grew to|"
    r"fell to|dropped to)\s+(?:over|more than|about|nearly|some|almost)?\s*$",
    re.I,
)
# "..., and Beijing's reached 218.3": a place's possessive standing for the series just named
_ELIDED_BEFORE = re.compile(
    r"\b(?:and|while|with|whereas)\s+(?:that\s+of\s+)?[A-Z][\w'’-]*(?:'s|’s)?\s+"
    r"(?:\w+\s+){0,2}?(?:reached|was|stood at|hit|totalled|totaled|came to|were)\s+"
    r"(?:about\s+|over\s+|nearly\s+)?$"
)
_NOUN_AFTER = re.compile(r"^\s+(?!per\b|in\b|by\b|at\b|on\b|and\b)[a-z]")
_MONEY = ("CNY", "USD")


@dataclass(frozen=True, slots=True)
class _Frame:
    """What holds for every value of the sentence."""

    attached: dict[int, Change]
    next_period: Callable[[], Period | None]
    own_period: bool  # the sentence names a period of its own
    perfect: bool  # present perfect with a publication date: a level at publication time
    listed: dict[int, str]  # value index -> its item in a subject list
    places: dict[int, str]  # value index -> its place in a list of places
    shared: dict[int, int]  # value index -> last index of the run whose subject it shares
    years: dict[int, int]  # value index -> its year in a list of years ("in 2022 and 2023")


def value_stats(
    ctx: Sentence,
    state: State,
    attached: dict[int, Change],
    next_period: Callable[[], Period | None],
) -> list[Stat]:
    """The statistics of the sentence's values, in text order."""
    s, values = ctx.s, ctx.values
    perfect = bool(_PRESENT_PERFECT.search(s)) and ctx.doc.reference_date is not None
    spans = [(v.start, v.end) for v in values]
    f = _Frame(attached, next_period, any(not h.baseline for h in ctx.periods), perfect,
               listed_subjects(s, spans), listed_places(s, spans, places_in(s)),
               shared_subjects(s, spans), listed_years(s, spans))  # fmt: skip
    w = Walk(prev_metric=state.last_stats[-1].metric if state.last_stats else None)
    stats: list[Stat] = []
    for idx, n in enumerate(values):
        ph = phrase(ctx, idx, w.prev_end)
        if f.shared.get(idx, idx) != idx:  # "30 and 25 patents, respectively": one head
            ph = Phrase(ph.left, phrase(ctx, f.shared[idx], ph.end).head, ph.end)
        w.phrases[id(n)] = ph
        n.qualifier = value_qualifier(s[max(0, n.start - 40) : n.start])
        st = _value_stat(ctx, state, f, w, idx, ph, stats)
        if st is None:
            continue
        stats.append(st)
        if not is_subordinate_share(s, n):
            w.prev_metric = st.metric
        if n.from_to == 1 and idx + 1 < len(values):
            w.from_metrics[id(values[idx + 1])] = st.metric
        w.prev_text, w.prev_end = ph.text, ph.end
    return stats


def _value_stat(
    ctx: Sentence, state: State, f: _Frame, w: Walk, idx: int, ph: Phrase, stats: list[Stat]
) -> Stat | None:
    n = ctx.values[idx]
    period = _value_period(ctx, state, n, f.next_period)
    if period is not None and idx in f.years and period.year in f.years.values():
        period = period.shifted(f.years[idx] - period.year)  # "... in 2022 and 2023, resp."
    if excluded(ctx, n, ph.text, period) or n.unit in ("pp", "times"):
        return None
    if period is None and not (f.perfect and not n.from_to):
        if state.period is not None or state.year is not None or not ctx.ip_cue:
            return None
        # Nothing in the text names a period: the figure is reported as unresolved, not
        # dropped unseen and never given a guessed year.
        period = YearPeriod(year=UNDATED_YEAR)
    metric = _refined_metric(ctx, state, w, idx, metric_for(ctx, w, idx, ph, period),
                             (period, f, stats, ph))  # fmt: skip
    if metric is None:
        return None
    pub = ctx.doc.reference_date
    if metric.as_of and f.perfect and not f.own_period and not n.from_to and pub is not None:
        # "has cumulatively recognized 2,861": the level at publication time.
        y, m = (pub.year, pub.month - 1) if pub.month > 1 else (pub.year - 1, 12)
        period = AsOfPeriod(year=y, as_of_month=m)
    if period is None:
        return None
    period = period_for_kind(metric, period, f.own_period, ph.text)
    change = f.attached.get(id(n))
    if change is not None:
        change.basis = change.basis or state.basis or "unspecified_prior_year"
        normalise_basis(change, period.year)
    unclassified = metric.id == UNCLASSIFIED
    return Stat(
        num=n,
        change=change,
        metric=metric,
        description=describe(ph.left if unclassified else ph.text),
        period=period,
        geography=listed_place(f.places, f.listed, idx, state)
        or geography_for(ctx, n.start, state),
        sentence=ctx.span,
        value_span=ctx.span_of(n.start, n.end),
        headline=ctx.headline,
        unit=n.unit if n.unit in _MONEY or unclassified else metric.unit,
    )


@cache
def _year_earlier() -> re.Pattern[str]:
    """Words after a value that put it a year before its clause's period (lexicon)."""
    found = lexicon.load("stat_periods")["year_earlier"]["words"]
    alts = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in found)
    return re.compile(rf"\s*,?\s*(?:in\s+)?(?:{alts})\b", re.I)


def _value_period(
    ctx: Sentence, state: State, n: Num, next_period: Callable[[], Period | None]
) -> Period | None:
    """The period of a value: its clause's, the next sentence's for a headline, the
    carried one; "from A to B over the past five years" spans those years."""
    period = nearest_period(ctx.periods, n, ctx.s, ctx.values)
    if period is None and ctx.headline:
        period = next_period()
    if period is None:
        period = ctx.carried
    if period is not None and not n.is_change and _year_earlier().match(ctx.s, n.end):
        return period.shifted(-1)  # "... from 107.36 billion yuan a year earlier"
    if n.from_to and state.span_years and not any(h.explicit_year for h in ctx.periods):
        # "increased from A to B over the past five years": B is the last full year.
        pub = ctx.doc.reference_date
        end = YearPeriod(year=pub.year - 1) if pub else period
        if end is not None:
            period = end.shifted(-state.span_years) if n.from_to == 1 else end
    return period


def _refined_metric(
    ctx: Sentence,
    state: State,
    w: Walk,
    idx: int,
    metric: Metric,
    at: tuple[Period | None, _Frame, list[Stat], Phrase],
) -> Metric | None:
    """The metric after lists, elided subjects and rankings; None for a figure outside the
    catalogue that does not read as a reported IP figure."""
    (period, f, stats, ph), s, n = at, ctx.s, ctx.values[idx]
    if idx in f.listed:  # "432,000 and 229,000 for utility models and designs"
        metric = _listed_metric(f.listed[idx], s, n, period) or metric
    elif w.prev_metric is not None and idx and _elided(s, w.prev_end, n):
        metric = w.prev_metric  # "24.1 per 10,000 people, and Beijing's reached 218.3"
    elif (
        _same_list(s, ctx.values, idx, stats)
        and unit_fits(stats[-1].metric, n.unit)
        # "34,000, and 2,500 Madrid applications" (but "30 and 25 patents, respectively")
        and (idx in f.shared or not named_by_head(metric, ph, n))
    ):
        metric = stats[-1].metric  # "with 49,000, 39,000 and 16,000 filings": one series
    if metric.id == UNCLASSIFIED and continues_list(s):
        # "It was followed by ICT services at 4.37 trillion yuan": the ranking goes on
        metric = next((st.metric for st in reversed(state.last_stats)
                       if unit_fits(st.metric, n.unit)), metric)  # fmt: skip
    if n.from_to == 2 and id(n) in w.from_metrics:
        metric = w.from_metrics[id(n)]  # "grew from A to B": one series
    # A subject outside the catalogue is kept as `unclassified` when the sentence is about
    # IP and the number reads as a reported figure (a bare "530" needs "reached 530").
    bare = n.unit == "count" and not (n.scaled or n.separated)
    if metric.id == UNCLASSIFIED and (
        not ctx.ip_cue or (bare and not _REPORTED.search(s, max(0, n.start - 40), n.start))
    ):
        return None
    if metric.id != UNCLASSIFIED and not metric.is_money and n.unit in _MONEY:
        return get_metric(UNCLASSIFIED)
    return metric


def _elided(s: str, prev_end: int, n: Num) -> bool:
    """Whether a value's subject is elided: only a place stands before it and no noun after."""
    return bool(_ELIDED_BEFORE.search(s, prev_end, n.start)) and not _NOUN_AFTER.match(
        s[n.end : n.end + 20]
    )


def _same_list(s: str, values: list[Num], idx: int, stats: list[Stat]) -> bool:
    """Whether a value continues a bare list of values with the statistic just read."""
    return bool(
        idx
        and stats
        and stats[-1].num is values[idx - 1]
        and LIST_GAP.fullmatch(s[values[idx - 1].end : values[idx].start])
    )


def _listed_metric(subject: str, s: str, n: Num, period: Period | None) -> Metric | None:
    """The metric of a value's own item in a subject list, if the catalogue knows it."""
    unit = n.unit if n.unit in UNITS else None
    metric, _ = match_metric(subject, "", s, unit=unit, as_of=isinstance(period, AsOfPeriod))
    return None if metric.id == UNCLASSIFIED else metric
