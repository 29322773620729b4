"""Scale slips seen across periods of one series: a part of a year several times the
year's own total, and a value 10**k off the prior that a later reported growth implies.

Both run on the current rows of a series (after each period chose its vintage) and hold
a slipped value out the way `projections.vintages` does within a period: the value is
withheld and the row names the suspect, the factor and the vintage it was judged against.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from projections.vintages import MAX_FACTOR, Suspect, scale_factor, usable, vintage_key

Row = dict[str, Any]
FLOW_UNITS = ("CNY", "USD", "count")
# changes measured against the year before (not "vs_2012" and the like)
PRIOR_YEAR_BASES = frozenset({None, "year_on_year", "vs_previous_year", "unspecified_prior_year"})


def _held(row: Row, factor: int, basis: str) -> Row:
    """The row with its value withheld; a suspect the period already named stays named
    (it still waits for a decision), and nothing is a revision or dissent of no value."""
    held = {**row, "value": None, "previous_value": None, "previous_event_id": None,
            "dissent_event_id": None, "dissent_value": None}
    if row.get("suspect_event_id") is None:
        held.update(suspect_event_id=row["event_id"], suspect_factor=factor,
                    suspect_basis_event_id=basis)
    return held


# a part of a year above this multiple of the year's own total cannot be a rounding or
# revision difference: the part is a slip if a power of ten brings it within the total
IMPOSSIBLE_PART = 2


def hold_out_impossible_parts(current: list[Row], decisions: Mapping[str, str]) -> list[Row]:
    """Current rows with a sub-year flow figure held out when it is several times its
    year's official total and 10**k smaller it would fit (a 万/亿 or billion slip)."""
    annual = {
        r["year"]: r for r in current
        if r["value"] is not None and (r["month_first"], r["month_last"]) == (1, 12)
    }
    out = []
    for row in current:
        total = annual.get(row["year"])
        value = row["value"]
        if (
            total is None or value is None or row is total or row["unit"] != total["unit"]
            or row["unit"] not in FLOW_UNITS or total["value"] <= 0
            or decisions.get(row["event_id"]) == "accepted"
            or value <= IMPOSSIBLE_PART * total["value"]
        ):
            out.append(row)
            continue
        k = next(
            (k for k in range(1, MAX_FACTOR + 1) if value.scaleb(-k) <= total["value"]), None
        )
        if k is None:
            out.append(row)
            continue
        out.append(_held(row, k, total["event_id"]))
    return out


def _next_key(period_key: str) -> str:
    return f"{int(period_key[:4]) + 1}{period_key[4:]}"


def _implied_priors(
    observations: Iterable[Row],
    decisions: Mapping[str, str],
    slips: Mapping[str, Sequence[Suspect]] | None,
) -> dict[str, Row]:
    """Period key -> the most authoritative vintage a year later that reports a percent
    change beside its value (the latest among equals)."""
    best: dict[str, Row] = {}
    ranked = sorted(usable(observations, decisions, slips),
                    key=lambda o: (int(o.get("authority") or 1), vintage_key(o)))
    for o in ranked:
        if (
            o["change_kind"] == "percent" and o["value"] is not None
            and o["change_amount"] > -100 and o.get("change_basis") in PRIOR_YEAR_BASES
        ):
            best[o["period_key"]] = o
    return best


def hold_out_implied_priors(
    current: list[Row],
    observations: Iterable[Row],
    decisions: Mapping[str, str],
    slips: Mapping[str, Sequence[Suspect]] | None = None,
) -> list[Row]:
    """Current rows with a value held out when the prior implied by the next year's reported
    growth (value / (1 + growth)) is it divided by 10**k, and the next year's source is at
    least as authoritative. `slips` are the observations' `held_slips`, when known."""
    later = _implied_priors(observations, decisions, slips)
    out = []
    for row in current:
        nxt = later.get(_next_key(row["period_key"]))
        value = row["value"]
        if (
            nxt is None or value is None or nxt["unit"] != row["unit"]
            or decisions.get(row["event_id"]) == "accepted"
            or int(nxt.get("authority") or 1) < int(row.get("authority") or 1)
        ):
            out.append(row)
            continue
        implied = nxt["value"] / (1 + nxt["change_amount"] / Decimal(100))
        factor = scale_factor(value, implied)
        out.append(row if factor is None else _held(row, factor, nxt["event_id"]))
    return out
