"""Growth rates with no value of their own ("exports up 17%": value None), or continuing
the previous sentence's value ("This represents an increase of 80% over 2012")."""

from __future__ import annotations

import re

from events import AsOfPeriod, Period, YearPeriod
from events.metrics import UNCLASSIFIED, Metric
from services.ingest.extract import lexicon
from services.ingest.extract.metrics_match import match_metric
from services.ingest.extract.stat_exclude import campaign_window
from services.ingest.extract.stat_model import (
    Sentence,
    Stat,
    State,
    as_stock,
    describe,
    normalise_basis,
    year_basis,
)
from services.ingest.extract.stat_period_pick import nearest_period
from services.ingest.extract.stat_periods import months_period
from services.ingest.extract.stat_places import geography_for
from services.ingest.extract.stat_select import THRESHOLD_BEFORE
from services.ingest.extract.stat_units import MULTIPLE_WORD
from services.ingest.extract.stat_values import Num

_CONTINUATION = re.compile(
    r"^\s*(?:" + "|".join(lexicon.words("stat_changes", "continuation_subjects")) + r")\s+"
    r"(?:" + "|".join(lexicon.words("stat_changes", "continuation_verbs")) + r")\b",
    re.I,
)


def growth_only_stats(ctx: Sentence, state: State) -> list[Stat]:
    """Growth rates with no value of their own (value None), or continuing the previous
    sentence's value ("This represents an increase of 80% over 2012")."""
    stats: list[Stat] = []
    continuation = bool(_CONTINUATION.match(ctx.s))
    for c in ctx.changes:
        if c.target is None and c.change is not None and _free(ctx, c, continuation):
            st = _growth_stat(ctx, state, c, continuation)
            if st is not None:
                stats.append(st)
    return stats


def _free(ctx: Sentence, c: Num, continuation: bool) -> bool:
    """Whether a rate can stand alone: not a multi-year, future, foreign or company figure,
    not a threshold, and an absolute change only when it continues a value."""
    cues, s = ctx.cues, ctx.s
    if ctx.multi_from <= len(s) or min(cues.future, cues.foreign, cues.company) < c.start:
        return False
    if THRESHOLD_BEFORE.search(s[max(0, c.start - 80) : c.start]):
        return False
    # "2,200 more than a year ago" alone restates two values, no series
    return c.change is not None and (c.change.kind != "absolute" or continuation)


def _growth_stat(ctx: Sentence, state: State, c: Num, continuation: bool) -> Stat | None:
    s, ch = ctx.s, c.change
    assert ch is not None
    ch.basis = ch.basis or state.basis or "unspecified_prior_year"
    if continuation and state.last_stats and state.last_stats[-1].change is None:
        last = state.last_stats[-1]
        normalise_basis(ch, last.period.year)
        last.change = ch
        return None
    # a rate is never the baseline's ("up 12% from the same period last year")
    own = [h for h in ctx.periods if not h.baseline]
    period = nearest_period(own, c, s, ctx.values) or ctx.carried
    if period is None or campaign_window(period):
        return None
    # Its subject: the words since the previous number ("with exports up 17%").
    last_end = max((o.end for o in ctx.nums if o.end <= c.start), default=0)
    phrase = s[last_end : c.start]
    metric, _ = match_metric(
        phrase, s[:last_end], s, unit=None, as_of=isinstance(period, AsOfPeriod)
    )
    if metric.id == UNCLASSIFIED and not ctx.ip_cue:
        return None
    if MULTIPLE_WORD in c.flags and match_metric(phrase)[0].id == UNCLASSIFIED:
        return None  # "the office doubled its efforts": its own subject names no series
    normalise_basis(ch, period.year)
    base_year = year_basis(ch.basis)
    if base_year is not None and period.year - base_year > 6:
        return None  # "14 folds from 2001": a comparison across many years
    unit: str = metric.unit if metric.id != UNCLASSIFIED else "percent"
    return Stat(
        num=None,
        change=ch,
        metric=metric,
        description=describe(phrase[-120:]),
        period=_for_kind(metric, period),
        geography=geography_for(ctx, c.start, state),
        sentence=ctx.span,
        value_span=ctx.span_of(c.start, c.end),
        headline=ctx.headline,
        unit=ctx.currency if metric.is_money and ctx.currency else unit,
    )


def _for_kind(metric: Metric, period: Period) -> Period:
    """A level's growth is read at the period's end; a flow's "through January" is the
    total from January on."""
    if metric.as_of and isinstance(period, YearPeriod):
        return as_stock(period)
    if metric.kind == "flow" and isinstance(period, AsOfPeriod):
        return months_period(period.year, 1, period.as_of_month)
    return period
