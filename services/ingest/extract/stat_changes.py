"""Growth rates and absolute changes told from values ("up 15.5%", "an increase of 39.8%",
"a 2.5% drop", "2 times", "2,200 more than a year ago"), the basis each is measured
against, and ranges ("150 to 200 million yuan") told from rises "from A to B"."""

from __future__ import annotations

import re
from itertools import pairwise

from services.ingest.extract.stat_hedges import DOWN
from services.ingest.extract.stat_model import Sentence, in_parens
from services.ingest.extract.stat_period_grammar import Y
from services.ingest.extract.stat_values import CHANGE_AFTER, CHANGE_BEFORE, Num

BASIS_YOY = re.compile(
    r"year[- ]on[- ]year|yearon-\s?year|\byoy\b|y-o-y|from a year (?:ago|earlier)|"
    r"(?:versus|vs\.?|compared (?:with|to)) a year (?:ago|earlier)|on a yearly basis|"
    r"same period|year[- ]over[- ]year",
    re.I,
)
_BASIS_PREV = re.compile(
    r"(?:over|from|compared (?:with|to)|than|on|versus)\s+(?:that of\s+)?(?:the\s+)?"
    r"(?:previous|prior|preceding|last) year|as compared with last year|a year (?:ago|earlier)",
    re.I,
)
_BASIS_YEAR = re.compile(
    # "than in 2021", "compared with that of 2017", "(2.8 times) that of 2016"
    # "2.2 times as many as in 2022"
    rf"(?:(?:over|from|compared (?:with|to)|than|on|versus|vs\.?|as (?:much|many|high) as)\s+"
    rf"|^\s*(?=that\s)|^\s*the\s+(?:figure|number|level|amount|total|value)\s+(?=of\s|in\s))"
    rf"(?:of\s+)?"
    rf"(?:that of\s+|that in\s+|in\s+)?"
    rf"(?:the same period of\s+)?(?P<y>{Y})",
    re.I,
)
_BASIS_STOP = re.compile(r"[,;.(]|\s--?\s|—|\band\b")
_RATE_LIST_TAIL = re.compile(
    r"^(?:\s*(?:,|and|,\s*and)\s*(?:about\s+|nearly\s+)?\d+(?:\.\d+)?\s*(?:%|percent))*"
    r"\s*,?\s*respectively\s*,?",
    re.I,
)
RATE_LIST = re.compile(r"\s*(?:,|and|,\s*and)\s*")
_SIGNED = re.compile(r"\(\s*[+\-−–]$")
_TO_BEFORE = re.compile(r"\bto\s*$")
_ABSOLUTE_AFTER = re.compile(
    r"^\s*(?P<dir>more|less|fewer|higher|lower)\s+than\s+(?:that\s+(?:of|in)\s+)?"
    r"(?:the same period|the same month|a year|the previous year|last\s|the year before|in\s|"
    + Y + ")",
    re.I,
)
_UP_BY = re.compile(r"\b(?:up|down)\s+(?:by\s+)?$", re.I)
# "an increase of 144,258", "rose by 2,200": a count or amount that is the change itself.
_ABSOLUTE_BEFORE = re.compile(
    r"\b(?:(?:an?\s+)?(?:(?:year[- ]on[- ]year|annual)\s+)?(?P<noun>increase|rise|growth|"
    r"decrease|drop|decline|reduction|gain|fall)\s+of|(?P<verb>increas\w*|decreas\w*|rose|"
    r"risen|grew|grown|fell|fallen|dropped|declined|reduced|gained)\s+by)"
    r"\s+(?:about\s+|nearly\s+|some\s+|more\s+than\s+|over\s+|approximately\s+)?$",
    re.I,
)
_BETWEEN = re.compile(r"\bbetween\s*$", re.I)
_RANGE_TO = re.compile(r"^\s*(?:to|-|–|and)\s*$", re.I)
_FROM_TO = re.compile(r"\bfrom\s*$", re.I)
_CHANGE_VERB = re.compile(
    r"\b(?:increas\w*|grow\w*|grew|rise|rose|risen|rising|climb\w*|jump\w*|surg\w*|"
    r"soar\w*|expand\w*|went|gone|decreas\w*|drop\w*|fell|fall\w*|declin\w*|shr[iu]nk\w*|"
    r"reduc\w*|shortened)\b",
    re.I,
)
_MONEY_OR_COUNT = ("CNY", "USD", "count")


def basis(after: str) -> str | None:
    """The basis named right after a rate, within its clause; `vs_<year>` for a named year
    (turned into `vs_previous_year` once the value's year is known)."""
    # "36% and 24%, respectively, over 2020": the basis after a list of rates is each one's
    after = _RATE_LIST_TAIL.sub("", after, count=1) if after else ""
    window = _BASIS_STOP.split(after, maxsplit=1)[0] if after else ""
    if BASIS_YOY.search(window):
        # "than that of the same period of 2017" is year on year, whatever the year.
        return "year_on_year"
    prev, year = _BASIS_PREV.search(window), _BASIS_YEAR.search(window)
    if prev and (year is None or prev.start() <= year.start()):
        return "vs_previous_year"
    if year:
        return f"vs_{year.group('y')}"
    return None


def classify_changes(ctx: Sentence) -> None:
    """Mark growth rates: "up 15.5%", "an increase of 39.8%", "a 2.5% drop", "2 times"."""
    nums = ctx.nums
    for i, n in enumerate(nums):
        _classify(ctx.s, n, nums[i - 1] if i else None)
    ctx.changes = [n for n in nums if n.is_change and not n.dropped]


def _classify(s: str, n: Num, prev: Num | None) -> None:
    before, after = s[: n.start], s[n.end :]
    if n.unit in ("percent", "pp"):
        if prev is not None and prev.is_change and RATE_LIST.fullmatch(s[prev.end : n.start]):
            # "increasing by 13.8% and 340% respectively": the list goes on.
            n.is_change, n.direction, n.yoy_before = True, prev.direction, prev.yoy_before
            return
        if _SIGNED.search(before[-3:]):
            # "921,000 (+15.3%)": a signed rate in brackets is a change.
            n.is_change = True
            n.direction = "down" if before.rstrip()[-1] in "-−–" else "up"
            return
    if n.unit in ("percent", "pp", "times"):
        _rate(n, before, after)
    elif n.unit in _MONEY_OR_COUNT:
        _absolute(n, before, after)


def _rate(n: Num, before: str, after: str) -> None:
    """A percent, points or multiple is a change after or before a direction word; a
    multiple always is ("2 times", "2.8 times that of 2016")."""
    mb = CHANGE_BEFORE.search(before[-60:])
    ma = CHANGE_AFTER.match(after)
    if mb and _TO_BEFORE.search(before[-10:]):
        mb = None  # "rose to 11.8%" is a value
    if not (mb or ma or n.unit == "times"):
        return
    word = mb.group("dir") if mb else ma.group("dir") if ma else "up"
    n.is_change = True
    # "halved": a multiple below one is a fall
    n.direction = "down" if DOWN.match(word) or (n.multiple and n.value < 1) else "up"
    clause_start = max(before.rfind(","), before.rfind(";"), 0)
    n.yoy_before = bool(BASIS_YOY.search(before[clause_start:]))


def _absolute(n: Num, before: str, after: str) -> None:
    """A count or amount that is the change itself ("2,200 more than a year ago")."""
    if am := _ABSOLUTE_AFTER.match(after):
        # "3.12 billion yuan more than in the first half of 2022".
        n.is_change = True
        n.direction = "down" if am.group("dir").lower() in ("less", "fewer", "lower") else "up"
    elif _UP_BY.search(before[-12:]) and basis(after):
        # "9.4 per 10,000 people, up 1.9 from a year earlier": the change, not a count
        n.is_change = True
        n.direction = "down" if "down" in before[-12:].lower() else "up"
    elif ab := _ABSOLUTE_BEFORE.search(before[-50:]):
        n.is_change = True
        n.direction = "down" if DOWN.match(ab.group("noun") or ab.group("verb")) else "up"


def mark_ranges(ctx: Sentence) -> None:
    """ "150 to 200 million yuan", "RMB30,000 to RMB5 million" are ranges (both ends dropped)
    unless something grew "from A to B" (two values of one series)."""
    s = ctx.s
    for a, b in pairwise(ctx.nums):
        if a.is_change or b.is_change or not _RANGE_TO.match(s[a.end : b.start]):
            continue
        if a.unit != "count" and b.unit != a.unit:
            continue  # "loans of 2 billion yuan to 300 firms": a range's ends share a unit
        opener = s[: a.start].rstrip("$ ")[-8:] + " "
        if "and" in s[a.end : b.start] and not _BETWEEN.search(opener):
            continue  # "471,000 and 229,000 were ...": a list; only "between A and B" spans
        if _FROM_TO.search(opener) and _CHANGE_VERB.search(s[: a.start]):
            a.from_to, b.from_to = 1, 2
        elif not in_parens(s, a.start):
            a.dropped = b.dropped = True


# "19.1 per 10,000 people ..., up from 15.8 a year earlier": the baseline's unit is elided
_BASELINE_GAP = re.compile(
    r"(?:,\s*)?(?:\s+(?:up|down)\s+)?\s*(?:from|compared\s+(?:with|to)|against|versus|vs\.?)\s+$",
    re.I,
)
_RATE_UNITS = ("per_10k_people", "percent", "months")


def share_baseline_units(ctx: Sentence) -> None:
    """A bare number a rate is compared with ("up from 15.8") is in the rate's unit."""
    for a, b in pairwise(ctx.nums):
        bare = b.unit == "count" and not (b.scaled or b.separated)
        if a.unit in _RATE_UNITS and bare and not a.is_change:
            gap = ctx.s[a.end : b.start]
            if _BASELINE_GAP.search(gap) and len(gap) < 80:
                b.unit = a.unit

