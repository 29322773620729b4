"""Evaluate every alert rule over the keys a batch touched: what fires and what cleared."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace

from sqlalchemy.engine import Connection

from projections import queries
from projections.projector import Changes, PeriodKey, shift_key
from projections.queries import lookup
from projections.queries.keys import ALERT, SERIES, YEAR, Keys
from projections.queries.models import mismatch
from services.alerts import quality
from services.alerts.news import Cleared, news
from services.alerts.rules import (
    AlertConfig,
    Condition,
    growth_conditions,
    notice_conditions,
    pilot_conditions,
    revision_conditions,
    series_key,
    ytd_conditions,
)

PERIOD_RULES = ("growth_mismatch", "growth_unusual", "value_revised", "source_disagreement")
UNUSUAL = "growth_unusual"
YTD = "ytd_exceeds_official"
SCALE = "suspected_scale_error"
NOTICE = "notice_issued"
PILOT = "pilot_status_changed"


def _open_periods(keys: Iterable[str]) -> set[tuple[str, str, str]]:
    """The (metric, geography, period key) each period alert key is about."""
    out = set()
    for key in keys:
        metric, _, rest = key.partition("|")
        geography, _, period = rest.rpartition("|")
        out.add((metric, geography, period))
    return out


def judged_keys(changes: Changes) -> Changes:
    """`changes` with the keys of the period, year, notice and pilot alerts it projected.

    An alert's events reach the projections a batch or more after the batch that raised
    it, and a batch between them may have changed its condition without seeing the
    alert open; judging every key whose alert a batch projected closes that gap.
    """
    by_rule: dict[str, set[str]] = defaultdict(set)
    for rule, key in changes.alerts:
        by_rule["period" if rule in PERIOD_RULES else rule].add(key)
    if not by_rule:
        return changes
    years = _open_periods(by_rule[YTD])
    return replace(
        changes,
        periods=changes.periods | _open_periods(by_rule["period"]),
        years=changes.years | {(m, g, int(y)) for m, g, y in years if y.isdigit()},
        notices=changes.notices | by_rule[NOTICE],
        pilots=changes.pilots | {_pilot(k) for k in by_rule[PILOT]},
    )


def _pilot(key: str) -> tuple[str, str]:
    program, _, city = key.rpartition("|")
    return program, city


def _unusual_judged(
    conn: Connection, changes: Changes, rederived: set[PeriodKey]
) -> tuple[list[lookup.GrowthPoint], set[lookup.GrowthPoint], set[tuple[str, str]]]:
    """The growth rows of the series kinds growth_unusual must judge again, those it
    judges, and the series judged.

    A growth is judged against the earlier growths of its period kind, so a batch changes
    the verdict of its `rederived` periods and of the later periods of their kinds, and no
    other; open alerts of a touched series are judged too, so that one raised before a
    change of its period was projected still clears, and so are the other periods of
    `changes` (those of alerts read back), alone. Only series with a touched growth row
    are judged at all.
    """
    first: dict[tuple[str, str, str], int] = {}
    for m, g, pk in rederived:
        kind = (m, g, quality.period_kind(pk))
        first[kind] = min(first.get(kind, int(pk[:4])), int(pk[:4]))
    series = {(m, g) for m, g, _ in changes.periods}
    opened = _open_periods(a.key for a in lookup.open_alerts(conn, UNUSUAL))
    still_open = {p for p in opened if p[:2] in series} | (changes.periods - rederived)
    kinds = set(first) | {(m, g, quality.period_kind(pk)) for m, g, pk in still_open}
    # a series is read once for all its kinds; the kinds it did not touch are left out here
    found = lookup.growth_of_series(
        conn, Keys.of(SERIES, {k[:2] for k in kinds}), {k[2] for k in kinds}
    )
    touched = {(g.metric, g.geography) for g in found if g[:3] in changes.periods}
    rows = [
        g for g in found
        if (g.metric, g.geography) in touched
        and (g.metric, g.geography, quality.period_kind(g.period_key)) in kinds
    ]
    judged = {
        g
        for g in rows
        if g.year >= first.get((g.metric, g.geography, quality.period_kind(g.period_key)), 10**6)
        or g[:3] in still_open
    }
    return rows, judged, touched


def _revised(
    conn: Connection, firing: Sequence[Condition], series: set[tuple[str, str]]
) -> set[str]:
    """Of the events firing conditions cite, those that are the current, revised value of
    a period that a growth row of one of `series` cites (the revisions behind them)."""
    cited = {x for c in firing if c.rule in quality.CAUSED for x in c.evidence}
    if not cited:
        return set()
    found = lookup.revised_events(conn, Keys.of(("event_id",), [(x,) for x in cited]))
    found = [f for f in found if f[1:3] in series]
    periods = {(m, g, pk) for _, m, g, pk in found}
    periods |= {(m, g, shift_key(pk, 1)) for m, g, pk in periods}
    citing = {
        x
        for g in lookup.growth_rows(conn, Keys.of_periods(periods))
        for x in (g.event_id, g.prior_event_id)
    }
    return {e for e, *_ in found if e in citing}


def _period_conditions(
    conn: Connection, flagged: lookup.Flagged, changes: Changes, rederived: set[PeriodKey],
    cfg: AlertConfig,
) -> tuple[list[Condition], list[Condition], list[tuple[str, str]], set[tuple[str, str]]]:
    """Conditions of the touched periods, the revisions among them, the growth_unusual
    keys judged and the series they lie in."""
    rows, judged, series = _unusual_judged(conn, changes, rederived)
    tolerance = cfg.rule("growth_mismatch").threshold or 0.0
    revisions = revision_conditions(flagged.revised, cfg)
    # every touched period's growth row is among `rows`: the few off by more than the
    # tolerance are read whole
    off = [g[:3] for g in rows if mismatch(g.change_kind, g.difference, tolerance)]
    off = [p for p in off if p in changes.periods]
    mismatched = lookup.growth_rows(conn, Keys.of_periods(off)) if off else []
    firing = growth_conditions(mismatched, cfg)
    firing += quality.unusual_conditions(rows, judged, cfg)
    firing += revisions + quality.disagreement_conditions(
        queries.disagreements(conn, flagged.disputed), cfg
    )
    keys = [(UNUSUAL, series_key(g.metric, g.geography, g.period_key)) for g in judged]
    return firing, revisions, keys, series


def _scale_conditions(
    conn: Connection, suspect: Keys, open_slips: Sequence[queries.Alert], cfg: AlertConfig
) -> list[Condition]:
    documents = queries.suspect_documents(conn, suspect) if suspect.count else set()
    documents |= {a.key.removeprefix("document:") for a in open_slips}
    if not documents:
        return []
    titles = queries.documents_of(conn, documents)
    named = {d: (info.title or info.publisher or "") for d, info in titles.items()}
    return quality.scale_conditions(queries.suspects_of_documents(conn, documents), named, cfg)


def evaluate(
    conn: Connection, changes: Changes, cfg: AlertConfig
) -> tuple[list[Condition], list[Cleared]]:
    """Conditions firing among the keys a batch touched that the alerts do not say yet,
    and open alerts that cleared."""
    rederived, changes = changes.periods, judged_keys(changes)
    firing: list[Condition] = []
    revisions: list[Condition] = []
    # only keys this batch touched (and open scale alerts) can have cleared
    candidates = [(YTD, series_key(m, g, y)) for m, g, y in changes.years]
    candidates += [(NOTICE, k) for k in changes.notices]
    candidates += [(PILOT, f"{p}|{c}") for p, c in changes.pilots]
    open_alerts: list[queries.Alert] = []
    series: set[tuple[str, str]] = set()
    suspect = Keys.of_periods(())
    if changes.periods:
        periods = Keys.of_periods(changes.periods)
        flagged = lookup.flagged_values(conn, periods)
        firing, revisions, judged, series = _period_conditions(
            conn, flagged, changes, rederived, cfg
        )
        suspect = flagged.suspect
        open_alerts = lookup.open_alerts_of_periods(conn, PERIOD_RULES, changes.periods)
        candidates += judged
    if changes.periods or any(rule == SCALE for rule, _ in changes.alerts):
        slips = lookup.open_alerts(conn, SCALE)
        firing += _scale_conditions(conn, suspect, slips, cfg)
        open_alerts += slips
    if changes.years:
        firing += ytd_conditions(lookup.exceeded_years(conn, Keys.of(YEAR, changes.years)), cfg)
    if changes.notices:
        firing += notice_conditions(queries.notices(conn, sorted(changes.notices)), cfg)
    if changes.pilots:
        firing += pilot_conditions(queries.pilots(conn, sorted(changes.pilots)), cfg)
    revised = {c.evidence[0] for c in revisions} | _revised(conn, firing, series)
    firing = quality.inhibit(firing, revised)
    if candidates:
        open_alerts += lookup.open_alerts_of(conn, Keys.of(ALERT, candidates))
    live = {(c.rule, c.key) for c in firing}
    found = {(a.rule, a.key): a for a in open_alerts if (a.rule, a.key) not in live}
    return news(conn, firing, [found[k] for k in sorted(found)])
