"""Which vintage of a period is current: authority first, scale slips held out, dissent kept.

Pure functions of the set of vintages of one period (and the decisions people recorded on
them), like the rest of the derivations. Values agree when they differ by no more than the
rounding of the less precise one as printed; a value that is another's times 10**k
(k = 1..4, within rounding) or whose currency conversion implies an impossible exchange
rate is a suspected scale error and is held out until a person accepts or rejects it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from typing import Any

from projections.tables import recorded_order

Row = dict[str, Any]
MAX_FACTOR = 4
MAX_ROUNDING = Decimal("0.005")
SCALE_TOLERANCE = Decimal("0.01")  # a slip keeps the digits: the ratio is 10**k within 1 %
# CNY per USD that a published conversion can plausibly imply (it has stayed within
# 6.0-8.3 since 1994; the margin admits rounded or dated conversions)
CNY_PER_USD = (Decimal("5"), Decimal("9.5"))


# Order of vintages: publication date, then recording time, then event id. A getter in C,
# not a function: every sort of every period's vintages calls it once per row.
vintage_key: Callable[[Row], tuple[date, str, str]] = itemgetter(
    "published_at", "recorded_at", "event_id"
)


def _authority(row: Row) -> int:
    return int(row.get("authority") or 1)


@lru_cache(maxsize=1 << 16)
def rounding(value: Decimal) -> Decimal:
    """Half a unit of the last significant digit of `value`, at most 0.5 % of it.

    Values are kept in base units, so "486.88 billion" has its last digit at 10**7; the
    cap keeps a round figure ("100 items") from passing for a coarse one.
    """
    exponent = value.normalize().as_tuple().exponent
    if not isinstance(exponent, int):
        return Decimal(0)
    return min(Decimal(5).scaleb(exponent - 1), abs(value) * MAX_ROUNDING)


def agree(a: Decimal | None, b: Decimal | None) -> bool:
    """Whether two values are the same figure, up to the rounding of the coarser one."""
    if a is None or b is None:
        return a is b
    return abs(a - b) <= max(rounding(a), rounding(b))


def scale_factor(value: Decimal, basis: Decimal) -> int | None:
    """k when `value` is `basis` times 10**k (1 <= |k| <= 4, within rounding), else None."""
    if value == 0 or basis == 0 or (value < 0) != (basis < 0):
        return None
    # the only power of ten a ratio can be near is its rounded logarithm: one check, not
    # eight (this runs for every pair of vintages of a period)
    k = round(math.log10(float(value / basis)))
    if not 1 <= abs(k) <= MAX_FACTOR:
        return None
    scaled = basis.scaleb(k)
    return k if agree(value, scaled) or abs(value / scaled - 1) <= SCALE_TOLERANCE else None


def conversion_factor(row: Row) -> int | None:
    """k when the vintage's currency conversion is only plausible after a 10**k slip."""
    value, equivalent = row.get("value"), row.get("equivalent_value")
    pair = (row.get("unit"), row.get("equivalent_unit"))
    if value is None or equivalent is None or pair not in (("CNY", "USD"), ("USD", "CNY")):
        return None
    if value <= 0 or equivalent <= 0:
        return None
    rate = value / equivalent if pair == ("CNY", "USD") else equivalent / value
    low, high = CNY_PER_USD
    if low <= rate <= high:
        return None
    for k in range(1, MAX_FACTOR + 1):
        for signed in (k, -k):
            if low <= rate.scaleb(-signed) <= high:
                return signed if pair == ("CNY", "USD") else -signed
    return None


@dataclass(frozen=True, slots=True)
class Suspect:
    """A vintage held out: off by 10**factor against `basis` (itself, for a conversion)."""

    row: Row
    factor: int
    basis: Row


def suspects(valued: Sequence[Row]) -> list[Suspect]:
    """Vintages that look like scale slips of a more authoritative (or earlier) vintage."""
    out: list[Suspect] = []
    # vintages not suspected, most authoritative and earliest first: only the first of
    # each value is kept, as a slip is judged by values alone and the first of equals is
    # the basis it names (most periods print one figure many times)
    trusted: dict[Decimal, Row] = {}
    for row in sorted(valued, key=lambda r: (-_authority(r), vintage_key(r))):
        slip = conversion_factor(row)
        basis = row
        if slip is None:
            for other in trusted.values():
                slip = scale_factor(row["value"], other["value"])
                if slip is not None:
                    basis = other
                    break
        if slip is None:
            trusted.setdefault(row["value"], row)
        else:
            out.append(Suspect(row, slip, basis))
    return out


@dataclass(frozen=True, slots=True)
class Choice:
    """The current vintage of a period and what the other vintages say about it."""

    current: Row
    previous: Row | None
    dissent: Row | None
    confirmations: int
    suspect: Suspect | None
    held_out: bool  # every valued vintage is held out: the period has no value


def _publisher(row: Row) -> str:
    return str(row.get("source") or row.get("publisher") or "").casefold()


def _held_out(valued: Sequence[Row], decisions: Mapping[str, str]) -> list[Suspect]:
    return [s for s in suspects(valued) if decisions.get(s.row["event_id"]) != "accepted"]


def held_slips(
    observations: Iterable[Row], decisions: Mapping[str, str]
) -> dict[str, list[Suspect]]:
    """Period key -> the vintages held out as scale slips (none rejected, none accepted).

    `choose` and `usable` both need them; a series computes them once and hands them to both.
    """
    valued: dict[str, list[Row]] = {}
    for o in observations:
        if o["value"] is not None and (
            not decisions or decisions.get(o["event_id"]) != "rejected"
        ):
            valued.setdefault(o["period_key"], []).append(o)
    return {key: _held_out(rows, decisions) for key, rows in valued.items()}


def choose(
    vintages: Iterable[Row],
    decisions: Mapping[str, str],
    slips: Sequence[Suspect] | None = None,
) -> Choice:
    """The current vintage among a period's vintages, given the recorded decisions.

    `slips` are the period's slips when the caller computed them already (`held_slips`).
    """
    ordered = sorted(vintages, key=vintage_key)
    live = (
        [v for v in ordered if decisions.get(v["event_id"]) != "rejected"]
        if decisions else ordered
    )
    valued = [v for v in live if v["value"] is not None]
    found = list(slips) if slips is not None else _held_out(valued, decisions)
    held = {s.row["event_id"] for s in found}
    eligible = [v for v in valued if v["event_id"] not in held]
    suspect = max(found, key=lambda s: vintage_key(s.row)) if found else None
    if not eligible:
        pool = valued or live or ordered
        current = pool[-1] if not valued else suspect.row if suspect else pool[-1]
        return Choice(current, None, None, 0, suspect, held_out=bool(valued))
    current = max(eligible, key=lambda r: (_authority(r), vintage_key(r)))
    key = vintage_key(current)
    earlier = [v for v in eligible if vintage_key(v) < key]
    others = [v for v in eligible if _publisher(v) != _publisher(current)]
    dissent = [
        v for v in others if vintage_key(v) > key and not agree(v["value"], current["value"])
    ]
    confirmations = sum(1 for v in others if agree(v["value"], current["value"]))
    return Choice(
        current, earlier[-1] if earlier else None, dissent[-1] if dissent else None,
        confirmations, suspect, held_out=False,
    )


def usable(
    observations: Iterable[Row],
    decisions: Mapping[str, str],
    slips: Mapping[str, Sequence[Suspect]] | None = None,
) -> list[Row]:
    """The vintages that may feed growth and totals: not rejected, not held out as slips.

    `slips` are those of `held_slips` over the same observations, when already computed.
    """
    live = (
        [o for o in observations if decisions.get(o["event_id"]) != "rejected"]
        if decisions else list(observations)
    )
    found = slips if slips is not None else held_slips(live, decisions)
    held = {s.row["event_id"] for period in found.values() for s in period}
    return [o for o in live if o["event_id"] not in held]


def latest_decisions(reviews: Iterable[Row]) -> dict[str, str]:
    """Reviewed event id -> the decision recorded last on it."""
    ordered = sorted(reviews, key=recorded_order)
    return {r["reviewed_event_id"]: r["decision"] for r in ordered}
