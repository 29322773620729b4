"""Each rate's change, attached to the value it modifies: the value after it in "rose 21.7%
to 709,000", values in order for "respectively" lists, else the nearest value before it
that is not a subordinate share ("accounting for 12% of GDP")."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from functools import cache
from itertools import pairwise
from typing import Literal

from services.ingest.extract import lexicon
from services.ingest.extract.stat_changes import RATE_LIST, basis
from services.ingest.extract.stat_hedges import change_qualifier
from services.ingest.extract.stat_model import Sentence
from services.ingest.extract.stat_period_grammar import Y
from services.ingest.extract.stat_values import CHANGE_AFTER, Change, Num

_TO_VALUE = re.compile(r"^\s*,?\s*to\s+(?:reach\s+)?$", re.I)
# Basis words between a rate and its value: "grew 67% from the same period last year to".
_BASIS_WORDS = re.compile(
    r"\b(?:(?:from|over|compared (?:with|to)|versus|vs\.?|than|on)\s+)?(?:the\s+)?"
    rf"(?:same period(?:\s+(?:of\s+)?(?:last year|the previous year|{Y}))?|previous year|"
    rf"last year|a year (?:ago|earlier)|year[- ]on[- ]year|yoy|{Y})",
    re.I,
)
_FROM = re.compile(r"\s*from\s*", re.I)
_THE = re.compile(r"\s*(?:that\s+of\s+|those\s+of\s+)?the\s*", re.I)
_BASE_YEAR = re.compile(rf"\s*(?:,\s*)?(?:in|of|for)\s+(?:the\s+year\s+)?(?P<y>{Y})\b", re.I)
# "down 0.6 percent at 69,610": "at" names the level the change reached, as "to" does
_TO_ONLY = re.compile(r"\s*(?:year[- ]on[- ]year\s*)?(?:to|at)\s*", re.I)
_RESPECTIVELY = re.compile(r"\brespectively\b", re.I)
_BOTH = re.compile(
    r"\b(?:both|each|all)\s+[a-z]+(?:\s+by)?(?:\s+(?:about|nearly|some|around|over))?\s*$", re.I
)
_NEW_SUBJECT_CHANGE = re.compile(
    r"\b(?:with|while|whereas)\s+(?!a\b|an\b)[\w-]+(?:\s+[\w-]+)*\s+"
    r"(?:up|down|increas|grew|rose|fell)\w*\b",
    re.I,
)
_SUBORDINATE_SHARE = re.compile(
    r"(?:accounting for|representing|making up|, or|, about|,)\s*"
    r"(?:about|nearly|over|more than|some|approximately)?\s*$",
    re.I,
)
_SHARE_OF = re.compile(
    r"^\s*(?:of\s+(?:the\s+)?(?:total|GDP|all|China's|that year's|its|national|the country's|"
    r"which|them|these|those))",
    re.I,
)


def is_subordinate_share(s: str, n: Num) -> bool:
    """A percent that is a share of the value before it ("accounting for 12% of GDP")."""
    if n.unit != "percent":
        return False
    before = s[max(0, n.start - 30) : n.start]
    return bool(_SUBORDINATE_SHARE.search(before)) and (
        bool(_SHARE_OF.match(s[n.end :])) or "accounting" in before
    )


def attach_changes(ctx: Sentence) -> dict[int, Change]:
    """Build each rate's change and attach it to the value it modifies (by id of the value)."""
    for c in ctx.changes:
        _build_change(ctx, c)
    _attach_respectively(ctx)
    for c in ctx.changes:
        if c.target is None:
            _attach_before(ctx, c)
    attached: dict[int, Change] = {}
    for c in ctx.changes:
        if c.target is not None and c.change is not None:
            known = attached.setdefault(id(c.target), c.change)
            if known.kind == "absolute" and c.change.kind != "absolute":
                # "7.6 million, an increase of 144,258, up 23.3%": the rate is the change
                attached[id(c.target)] = c.change
    _share_rate(ctx, attached)
    return attached


def _share_rate(ctx: Sentence, attached: dict[int, Change]) -> None:
    """ "A and B both rose by about 44% to V and W, respectively": one rate moves every value
    of the run it is attached to."""
    s, values = ctx.s, ctx.values
    for c in ctx.changes:
        if c.target is None or c.change is None or not _BOTH.search(s, 0, c.start):
            continue
        at = next(i for i, v in enumerate(values) if v is c.target)
        for a, b in pairwise(values[at:]):
            if id(b) in attached or not RATE_LIST.fullmatch(s[a.end : b.start]):
                break
            attached[id(b)] = replace(c.change)


def _amount(c: Num) -> tuple[Literal["percent", "percentage_points", "absolute"], Decimal]:
    if c.unit == "times":
        # "2.8 times that of 2016" is 180% more; "an increase of 2 times", +200%
        return "percent", abs(c.value - 1 if c.multiple else c.value) * 100
    if c.unit == "pp":
        return "percentage_points", c.value
    if c.unit == "percent":
        return "percent", c.value
    return "absolute", c.value


def _build_change(ctx: Sentence, c: Num) -> None:
    """A rate's change, attached forward when a value follows it ("rose 21.7% to 709,000")."""
    s = ctx.s
    found = basis(s[c.end :])
    if found is None and c.yoy_before:
        found = "year_on_year"  # "a year-on-year increase of 5%"
    kind, amount = _amount(c)
    ch = Change(amount=amount, kind=kind, direction=c.direction, basis=found or "",
                qualifier=change_qualifier(s[: c.start][-40:]))  # fmt: skip
    # "... a rise of 75.4% over the previous year; within that, bank loans grew 40.3%": a basis
    # stated once goes on for the rates that follow in the paragraph
    ch.carry_basis = found == "year_on_year"
    c.change = ch
    nxt = next((v for v in ctx.values if v.start >= c.end), None)
    if nxt is None:
        return
    gap = _without_periods(ctx, c.end, nxt.start)
    if noun := CHANGE_AFTER.match(gap):
        gap = gap[noun.end() :]  # "a 75.4 percent increase to 853.99 billion yuan"
    if _FROM.fullmatch(gap) or (c.multiple and _THE.fullmatch(gap)):
        _from_base(ctx, c, nxt)
        return
    if _TO_VALUE.match(_BASIS_WORDS.sub("", gap)) or _TO_ONLY.fullmatch(gap):
        c.target = nxt
        if not found:
            late = basis(s[nxt.end :])
            if late:  # "... to 600,206 in Q1 versus a year ago": carried on
                ch.basis, ch.carry_basis = late, True


def _from_base(ctx: Sentence, c: Num, base: Num) -> None:
    """ "doubled from 151.5 billion yuan in 2019 to 309.8 billion yuan in 2021": the change is
    the later value's, measured against the base's year; "double the 151.5 billion yuan of
    2019" names the base alone, after a value the change is attached to as usual."""
    assert c.change is not None
    later = next((v for v in ctx.values if v.start >= base.end), None)
    year = _BASE_YEAR.match(ctx.s, base.end)
    if year and not c.change.basis:
        c.change.basis = f"vs_{year.group('y')}"
    gap = ctx.s[year.end() if year else base.end : later.start] if later else ""
    if later is not None and _TO_ONLY.fullmatch(gap):
        c.target = later


def _without_periods(ctx: Sentence, start: int, end: int) -> str:
    """The text between two positions without its period phrases ("grew by 10.4% in 2019
    to 59,000": the rate and its value are joined by "to")."""
    out, at = [], start
    for h in ctx.periods:
        if start <= h.start and h.end <= end and not h.baseline:
            out.append(ctx.s[at : h.start])
            at = h.end
    out.append(ctx.s[at:end])
    return " ".join(out)


def _attach_respectively(ctx: Sentence) -> None:
    """ "respectively": k rates map in order onto the last k values before them."""
    s = ctx.s
    resp = _RESPECTIVELY.search(s)
    if resp:
        _rates_to_values(ctx)
    free = [c for c in ctx.changes if c.target is None]
    if not resp or len(free) < 2:
        return
    group = _listed_before([c for c in free if c.end <= resp.start()], s)
    if len(group) >= 2:
        before_vals = [v for v in ctx.values if v.end <= group[0].start]
        for c, v in zip(group, before_vals[-len(group) :], strict=False):
            c.target = v


def _rates_to_values(ctx: Sentence) -> None:
    """ "rose 15.3% and 22.2% to 921,000 and 4.38 million, respectively": k rates before
    "to" map in order onto the k values listed after it."""
    s = ctx.s
    for last in ctx.changes:
        after = [v for v in ctx.values if v.start >= last.end]
        if not after or not _TO_ONLY.fullmatch(s[last.end : after[0].start]):
            continue
        rates = _listed_before([c for c in ctx.changes if c.end <= last.end], s)
        run = after[: len(rates)]
        listed = all(RATE_LIST.fullmatch(s[a.end : b.start]) for a, b in pairwise(run))
        if len(rates) > 1 and len(run) == len(rates) and listed:
            for c, v in zip(rates, run, strict=True):
                c.target = v


def _attach_before(ctx: Sentence, c: Num) -> None:
    """The nearest preceding value that is not a subordinate share, unless a new subject
    sits between them ("..., with export volume up 17%")."""
    s = ctx.s
    prev = [v for v in ctx.values if v.end <= c.start]
    prev_main = [v for v in prev if not is_subordinate_share(s, v)]
    cand = prev_main[-1] if prev_main else (prev[-1] if prev else None)
    if c.unit == "pp":
        # "12.44 percent of GDP, up 0.47 percentage points": points move a percent
        cand = next((v for v in reversed(prev) if v.unit == "percent"), cand)
    taken = any(o.target is cand for o in ctx.changes if o is not c)
    if cand is not None and not taken and not _NEW_SUBJECT_CHANGE.search(s[cand.end : c.start]):
        c.target = cand


@cache
def _directed_gap() -> re.Pattern[str]:
    """ "... and down ": a list gap that opens the next rate with its own direction."""
    alts = "|".join(lexicon.words("stat_lists", "rate_list_directions"))
    return re.compile(rf"\s*(?:,|and|,\s*and)\s*(?:{alts})\s+(?:by\s+)?", re.I)


def _listed_before(nums: list[Num], s: str) -> list[Num]:
    """The last run of numbers written as one list ("28.5% and 6.4%", "3%, 5% and 9%",
    "up 14.7% and down 20.2%")."""
    run = nums[-1:]
    for a in reversed(nums[:-1]):
        gap = s[a.end : run[0].start]
        if not (RATE_LIST.fullmatch(gap) or _directed_gap().fullmatch(gap)):
            break
        run.insert(0, a)
    return run
