"""Alert rules about the data itself: scale slips, sources that disagree, unusual growth
judged against the series' own history, and inhibition of alerts a revision caused."""

from __future__ import annotations

import hashlib
import statistics
from collections import defaultdict
from collections.abc import Container, Iterable, Mapping, Sequence
from decimal import Decimal

from events.types import Severity
from projections import queries
from projections.queries.lookup import GrowthPoint
from services.alerts.rules import AlertConfig, Condition, series_key, series_label, signed_pct

# the spread of a short history understates how much growth rates move: never judge a
# growth against less than this share of the typical growth, or this many points
MIN_SPREAD_SHARE = 0.25
MIN_SPREAD_POINTS = 5.0
MAD_TO_SIGMA = 1.4826


def period_kind(period_key: str) -> str:
    """The kind of period a key names, and which one of the year: "", "-Q1", "-H2", ..."""
    return period_key[4:]


def growth_of(g: queries.GrowthRate | GrowthPoint) -> Decimal | None:
    """The growth in percent a row stands for: reported if reported, else computed."""
    if g.change_kind == "percent":
        return g.reported_change
    return g.computed_change if g.change_kind is None else None


def unusual(
    growth: float, history: Sequence[float], limit: float, z: float, min_history: int
) -> str | None:
    """Why `growth` is unusual against earlier growths of its series, or None if it is not.

    With enough history the robust z-score (median and MAD) decides; a shorter history
    falls back to the fixed `limit`.
    """
    if len(history) < min_history:
        return f"beyond ±{limit:g}%" if abs(growth) > limit else None
    centre = statistics.median(history)
    mad = statistics.median(abs(h - centre) for h in history)
    spread = max(MAD_TO_SIGMA * mad, MIN_SPREAD_SHARE * abs(centre), MIN_SPREAD_POINTS)
    score = (growth - centre) / spread
    if abs(score) <= z:
        return None
    return (
        f"{score:+.1f} robust SD from the series' median {centre:+.1f}% "
        f"over {len(history)} earlier periods"
    )


def unusual_conditions(
    rows: Iterable[GrowthPoint], judged: Container[GrowthPoint], cfg: AlertConfig
) -> list[Condition]:
    """Growth rates of the `judged` rows far outside the earlier growths of the same period
    kind of their series, which `rows` must hold."""
    rule = cfg.rule("growth_unusual")
    if not rule.enabled:
        return []
    kinds: dict[tuple[str, str, str], list[GrowthPoint]] = defaultdict(list)
    for g in rows:
        kinds[(g.metric, g.geography, period_kind(g.period_key))].append(g)
    out: list[Condition] = []
    for series in kinds.values():
        earlier: list[float] = []
        # a kind holds one period a year, so the rows before one in year order are the
        # earlier periods its growth is judged against
        for g in sorted(series, key=lambda g: g.year):
            growth = growth_of(g)
            if growth is None:
                continue
            if g in judged:
                limit = rule.thresholds.get(g.metric, rule.threshold or 0.0)
                why = unusual(float(growth), earlier, limit, rule.z, rule.min_history)
                if why is not None:
                    out.append(_unusual_condition(g, growth, why, rule.severity))
            earlier.append(float(growth))
    return sorted(out, key=lambda c: c.key)


def _unusual_condition(g: GrowthPoint, growth: Decimal, why: str, severity: Severity) -> Condition:
    return Condition(
        "growth_unusual",
        series_key(g.metric, g.geography, g.period_key),
        severity,
        f"{series_label(g.metric, g.geography, g.period_key)}: "
        f"growth {signed_pct(growth)}% is {why}",
        tuple(x for x in (g.event_id, g.prior_event_id) if x),
    )


def _figure(value: Decimal | None, unit: str) -> str:
    return f"{value:,f} {unit}" if value is not None else "—"


def _slip(s: queries.SuspectValue) -> str:
    said = f"{series_label(s.metric, s.geography, s.period_key)} {_figure(s.value, s.unit)}"
    source = s.basis_publisher or "another source"
    if s.basis_event_id == s.event_id:
        return f"{said}: its own currency conversion is 10^{abs(s.factor)} off"
    if s.basis_period_key != s.period_key:
        return (
            f"{said} is more than the year's total {_figure(s.basis_value, s.unit)} "
            f"({source}); 10^{s.factor} smaller it fits"
        )
    return f"{said} is 10^{s.factor} × {_figure(s.basis_value, s.unit)} ({source})"


def scale_conditions(
    suspects: Iterable[queries.SuspectValue], titles: Mapping[str, str], cfg: AlertConfig
) -> list[Condition]:
    """One alert per document whose values look off by a power of ten."""
    rule = cfg.rule("suspected_scale_error")
    if not rule.enabled:
        return []
    by_document: dict[str, list[queries.SuspectValue]] = defaultdict(list)
    for s in suspects:
        by_document[s.document_id or s.event_id].append(s)
    out = []
    for document, found in sorted(by_document.items()):
        parts = [_slip(s) for s in found]
        title = titles.get(document) or found[0].publisher or document[:12]
        evidence = [x for s in found for x in (s.event_id, s.basis_event_id)]
        out.append(
            Condition(
                "suspected_scale_error",
                f"document:{document}",
                rule.severity,
                f"{len(found)} value(s) in {title!r} look off by a power of ten, held out until "
                f"reviewed: " + "; ".join(parts),
                tuple(dict.fromkeys(evidence)),
                fingerprint=_slip_fingerprint(found),
            )
        )
    return out


def _slip_fingerprint(found: Sequence[queries.SuspectValue]) -> str:
    # The condition is which values are off and by how much; a further source confirming
    # the right value changes the evidence, not the condition, so it raises nothing new.
    said = sorted(f"{s.event_id}:{s.factor}" for s in found)
    return hashlib.sha256("\x1f".join(said).encode()).hexdigest()[:32]


def disagreement_conditions(
    rows: Iterable[queries.Disagreement], cfg: AlertConfig
) -> list[Condition]:
    """Two sources giving different values for one period, beyond their rounding."""
    rule = cfg.rule("source_disagreement")
    if not rule.enabled:
        return []
    return [
        Condition(
            "source_disagreement",
            series_key(d.metric, d.geography, d.period_key),
            rule.severity,
            f"{series_label(d.metric, d.geography, d.period_key)}: "
            f"{d.publisher or 'the current source'} "
            f"gives {_figure(d.value, d.unit)}, {d.dissent_publisher or 'another source'} "
            f"gives {_figure(d.dissent_value, d.unit)}",
            (d.event_id, d.dissent_event_id),
        )
        for d in rows
    ]


CAUSED = frozenset({"growth_mismatch", "growth_unusual", "ytd_exceeds_official"})


def inhibit(firing: Sequence[Condition], revised: set[str]) -> list[Condition]:
    """Conditions without those caused by a value that is itself a firing revision."""
    return [c for c in firing if c.rule not in CAUSED or not revised.intersection(c.evidence)]
