"""The unit words after a number: currencies, percents and points, months, multiples
("2.8 times that of 2016"), rates per 10,000 people (a rate printed per 100,000 is
converted and flagged)."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from services.ingest.extract import lexicon
from services.ingest.extract.stat_values import CHANGE_AFTER, CHANGE_BEFORE, Num

_CURRENCY_AFTER = re.compile(
    r"\s*(?P<cny>yuan|RMB|CNY|renminbi)\b|\s*(?P<usd>U\.\s?S\.\s?dollars|US dollars|"
    r"dollars|USD|US\$)",
    re.I,
)
_PERCENT_AFTER = re.compile(
    r"\s?(?P<pp>percentage points?|(?-i:pct) points?)\b|\s?(?P<pc>%|percent\b|per cent\b|"
    r"-percent\b|(?-i:pct)\b)",
    re.I,
)
MONTHS_AFTER = re.compile(r"\s+months?(?:\s+and\s+(?P<days>\d+)\s+days?)?\b", re.I)
_TIMES_BASE = re.compile(
    r"^\s*(?:that\s+of|the\s+(?:level|number|figure)\s+(?:of|in)|from|over|compared\s+"
    r"(?:with|to)|as\s+(?:much|many|high)\s+as)\s+(?:the\s+|that\s+(?:of|in)\s+|in\s+)?"
    r"(?:(?:19|20)\d{2}|previous|last|a\s+year|the\s+year)",
    re.I,
)
_TIMES_AFTER = re.compile(r"(?:\s+times|\s*-fold|\s+fold)\b", re.I)
_PER10K_AFTER = re.compile(
    r"(?:\s+(?:[\w-]+\s+){0,4}?)?(?:\s*(?:per|for every|every|out of every)\s+"
    r"(?P<base>10,000|10 000|ten thousand|100,000|100 thousand|hundred thousand))"
    r"(?:\s+(?:people|persons?|population|residents|inhabitants|Chinese))?",
    re.I,
)
_HALF = re.compile(r"\s+and\s+a\s+half(?=\s+months?\b)", re.I)


def read_unit(s: str, num: Num) -> None:
    """The unit words after a number: currency, percent, months, multiples, per 10,000."""
    rest = s[num.end :]
    if num.unit == "count" and (cm := _CURRENCY_AFTER.match(rest)):
        num.unit = "CNY" if cm.group("cny") else "USD"
        num.end += cm.end()
    elif num.unit != "count" or num.scaled:
        return
    elif pm := _PERCENT_AFTER.match(rest):
        num.unit = "pp" if pm.group("pp") else "percent"
        num.end += pm.end()
    elif mm := MONTHS_AFTER.match(rest):
        num.unit = "months"
        if mm.group("days"):  # "7 months and 2 days"
            num.value = (num.value + Decimal(mm.group("days")) / 30).quantize(Decimal("0.01"))
        num.end += mm.end()
    elif (tm := _TIMES_AFTER.match(rest)) and (
        CHANGE_BEFORE.search(s[max(0, num.start - 60) : num.start])
        or CHANGE_AFTER.match(rest[tm.end() :])
    ):
        # "an increase of 2 times", "a 2.1-fold increase"; "done 307,000 times" is a count.
        num.unit = "times"
        num.end += tm.end()
    elif (tm := _TIMES_AFTER.match(rest)) and _TIMES_BASE.match(rest[tm.end() :]):
        # "977,000, 2.8 times that of 2016": the level is a multiple of the base year's
        num.unit, num.multiple = "times", True
        num.end += tm.end()
    elif km := _PER10K_AFTER.match(rest):
        num.unit = "per_10k_people"
        if km.group("base").replace(" ", "").lower() in ("100,000", "100thousand",
                                                         "hundredthousand"):  # fmt: skip
            num.value = num.value / 10  # printed per 100,000: converted, flagged
            num.flags.append("suspected_unit_error")
        num.end += km.end()
    elif (hm := _HALF.match(rest)) and (mm2 := MONTHS_AFTER.match(rest[hm.end() :])):
        num.value += Decimal("0.5")  # "15 and a half months"
        num.unit = "months"
        num.end += hm.end() + mm2.end()


MULTIPLE_WORD = "multiple_word"  # a flag: the change is a word ("doubled"), not a number


@cache
def _multiple_words() -> tuple[tuple[re.Pattern[str], Decimal], ...]:
    """The words that state a change as a multiple (lexicon/stat_changes.toml)."""
    table = lexicon.load("stat_changes")["multiple_words"]
    return tuple((re.compile(rf"\b(?:{k})\b", re.I), Decimal(v)) for k, v in table.items())


def multiple_words(s: str, low: str) -> list[Num]:
    """ "doubled", "twice that of 2019", "halved": changes written as a multiple."""
    if not any(w in low for w in ("doubl", "twice", "tripl", "trebl", "three times", "quadrupl",
                                  "halv")):  # fmt: skip
        return []
    return [
        Num(start=m.start(), end=m.end(), value=value, unit="times", multiple=True,
            flags=[MULTIPLE_WORD])
        for pattern, value in _multiple_words()
        for m in pattern.finditer(s)
    ]
