"""Which period governs a value: the nearest period phrase of its clause, else the
sentence's frame, else the one carried from the sentences before; baselines' years
("up from 6.3 in 2020") govern only the baseline."""

from __future__ import annotations

import re

from events import AsOfPeriod, Period
from services.ingest.extract.stat_model import Sentence, State
from services.ingest.extract.stat_period_grammar import WORD_NUMBERS
from services.ingest.extract.stat_period_parts import PeriodHit
from services.ingest.extract.stat_text import lc, lower
from services.ingest.extract.stat_values import Num

_BASELINE_BEFORE = re.compile(
    r"\bfrom\s+(?:about\s+|nearly\s+)?(?:US\$|\$|RMB|CNY)?\s?\d[\d,.]*(?:\s+[^\s(]+){0,5}?"
    r"\s*(?:\([^)]*\))?\s*$",
    re.I,
)
_PAST_YEARS = lc(
    r"(?:over|in|during) the (?:past|last) (two|three|four|five|six|seven|eight|nine|ten|\d+) "
    r"years",
)


def mark_baselines(s: str, periods: list[PeriodHit]) -> None:
    """ "up from 6.3 in 2020": that year belongs to the baseline value only."""
    low = lower(s)
    for hit in periods:
        at = max(0, hit.start - 60)
        if "from" in low[at : hit.start] and _BASELINE_BEFORE.search(s, at, hit.start):
            hit.baseline = True


def carry_period(ctx: Sentence, state: State) -> None:
    """The period carried to the next sentences: the last flow period named here (a stock's
    "by the end of September" does not turn the next flows into stocks), else the last."""
    own = [h for h in ctx.periods if not h.baseline]
    flows = [h for h in own if not isinstance(h.period, AsOfPeriod)]
    if flows or own:
        state.period = max(flows or own, key=lambda h: h.end).period
    low = lower(ctx.s)
    if ("the past" in low or "the last" in low) and (span_m := _PAST_YEARS.search(low)):
        word = span_m.group(1).lower()
        state.span_years = int(word) if word.isdigit() else WORD_NUMBERS.get(word)
    elif any(h.explicit_year for h in ctx.periods):
        state.span_years = None


def nearest_period(
    periods: list[PeriodHit], n: Num, s: str, values: list[Num]
) -> Period | None:
    """The period phrase that governs a number: in its own clause (not across ";"), the
    nearest one (a comma in between counts as 60 characters); else the sentence's frame
    (a period named before the first value). A baseline's year only governs the baseline."""
    usable = [h for h in periods if _usable(h, n, values)]
    if not usable:
        return None
    same_clause = [h for h in usable if ";" not in _between(h, n, s)]
    if same_clause:
        return min(same_clause, key=lambda h: _cost(h, n, s)).period
    first_value = min((v.start for v in values), default=n.start)
    frame = [h for h in usable if h.end <= first_value]
    if frame:
        return frame[-1].period
    return min(usable, key=lambda h: _distance(h, n)).period


def _usable(h: PeriodHit, n: Num, values: list[Num]) -> bool:
    if not h.baseline:
        return True
    return h.start >= n.end and not any(n.end <= v.start < h.start for v in values)


def _distance(h: PeriodHit, n: Num) -> int:
    """Distance from the value's span; a period phrase inside a parenthesis counts too."""
    if h.end <= n.start:
        return n.start - h.end
    if h.start >= n.end:
        return h.start - n.end
    return 0


def _between(h: PeriodHit, n: Num, s: str) -> str:
    return s[h.end : n.start] if h.end <= n.start else s[n.end : h.start]


def _cost(h: PeriodHit, n: Num, s: str) -> int:
    # A period named after the value but beyond a comma mostly opens the next clause
    # ("X in 2022, and Y in the first three quarters").
    per_comma = 200 if h.start >= n.end else 60
    return _distance(h, n) + per_comma * _between(h, n, s).count(",")
