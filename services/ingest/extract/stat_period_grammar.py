"""The grammar of period phrases: month and ordinal words, and the one pattern that finds
"the first half of 2021", "by the end of June", "Q3 2022", "January-September" and the rest
in a sentence (on `lower()` text)."""

from __future__ import annotations

import re

from services.ingest.extract import lexicon
from services.ingest.extract.pattern_gates import starts_with
from services.ingest.extract.stat_periods import month_pattern, months
from services.ingest.extract.stat_text import lc


def _table(key: str) -> dict[str, int]:
    return {str(k): int(v) for k, v in lexicon.load("stat_periods")[key].items()}


# The words come from lexicon/stat_periods.toml (read once, when the stage is first used).
MONTHS: dict[str, int] = months()
WORD_NUMBERS: dict[str, int] = _table("number_words")
ORDINALS: dict[str, int] = _table("ordinals")
ORDINAL = "(?:" + "|".join(ORDINALS) + r"|\d{1,3}(?:st|nd|rd|th))"
# How many of each period a year has.
PER_YEAR = {"quarter": (4, "quarters"), "half": (2, "halves"), "month": (12, "months")}
M = month_pattern()
Y = r"(?:19|20)\d{2}"
YREF = rf"(?:{Y}|this year|last year|the (?:same|current|previous) year|the year)"

# The words a period phrase can open with ("as of", "the first half", "Q3", "in 2021"),
# besides ordinals, month names, digits and "(".
_OPENERS = (
    "as", "at", "between", "by", "during", "for", "from", "h[0-9]", "in", "last", "next",
    "of", "over", "q[0-9]", "the", "this", "through", "throughout", "till", "to", "until",
    "up",
)  # fmt: skip
_OPENING = "|".join([*_OPENERS, *map(re.escape, ORDINALS), *map(re.escape, MONTHS)])
# Their first characters: one class test rejects spaces, punctuation and most other
# positions before the word lookahead is tried.
_FIRST = starts_with([*_OPENERS, *ORDINALS, *MONTHS], r"(0-9")

# "first-quarter figures", "first-half results": the adjective names the period too.
# Every alternative starts a word (or follows "("), so positions inside words are skipped
# at once, and the lookahead (the words all alternatives open with) rejects most other
# word starts before the alternatives are tried: this keeps the scan fast.
PERIOD = lc(
    rf"{_FIRST}(?<![A-Za-z0-9])(?={_OPENING}|[(0-9])"
    # "by the end of June", and as headlines shorten it, "by end-June", "as of end-2023"
    rf"(?:(?P<asof>(?:as of|by|at|until|till|to)\s+(?:the\s+)?end(?:\s+of\s+|-)"
    rf"(?:(?P<ao_m>{M})(?:,?\s+(?:of\s+)?(?P<ao_my>{YREF}))?|(?P<ao_y>{YREF})))"
    rf"|(?P<asof2>(?:as of|by|through|up to)\s+(?P<a2_m>{M})"
    rf"(?:\s+(?:of\s+)?(?P<a2_y>{YREF}))?)(?!\s*\d)"
    rf"|(?P<asof3>\bby\s+(?:the\s+end\s+of\s+)?(?P<a3_y>{Y}))"
    # "Q1-Q3 2023", "Q1-3": a run of quarters from the first
    rf"|(?P<q3>(?:(?:the\s+)?first\s+(?:three|3)\s+quarters|\bQ1\s*[-–]\s*Q?3\b)"
    rf"(?:\s+(?:of\s+)?(?P<q3_y>{YREF}))?)"
    rf"|(?P<q2>(?:(?:the\s+)?first\s+(?:two|2)\s+quarters|\bQ1\s*[-–]\s*Q?2\b)"
    rf"(?:\s+(?:of\s+)?(?P<q2_y>{YREF}))?)"
    rf"|(?P<q>(?:the\s+)?(?P<q_n>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+quarter"
    rf"(?:\s+(?:of\s+)?(?P<q_y>{YREF}))?)"
    rf"|(?P<qd>\bQ(?P<qd_n>[0-9])(?:\s+(?P<qd_y>{Y}))?\b)"
    rf"|(?P<h>(?:the\s+)?(?P<h_n>first|second)[\s-]+half(?:\s+(?:of\s+)?(?:the\s+)?"
    rf"(?P<h_y>{YREF}))?)"
    rf"|(?P<hd>\bH(?P<hd_n>[0-9])(?:\s+(?P<hd_y>{Y}))?\b)"
    rf"|(?P<op>(?:the\s+)?(?P<op_n>{ORDINAL})\s+(?P<op_u>quarter|half|month)(?![a-z-])"
    r"(?!\s+(?:in\s+a\s+row|running|straight))"
    rf"(?:\s+(?:of\s+)?(?:the\s+)?(?P<op_y>{YREF}))?)"
    rf"|(?P<fm>(?:the\s+)?first\s+(?P<fm_n>two|three|four|five|six|seven|eight|nine|ten|"
    rf"eleven|\d{{1,2}})\s+months(?:\s+(?:of\s+)?(?P<fm_y>{YREF}))?)"
    rf"|(?P<past>(?:over\s+|in\s+|during\s+)?the\s+past\s+(?:six|6)\s+months)"
    rf"|(?P<mr>(?:(?:from|between)\s+)?(?P<mr_a>{M})\s*(?:to|-|–|and|through|till|until)\s*"
    rf"(?P<mr_b>{M})(?:,?\s+(?:of\s+|in\s+)?(?P<mr_y>{YREF}))?)"
    rf"|(?P<mo>\bin\s+(?P<mo_m>{M})\s+(?P<mo_y>{Y}))"
    # "in September alone", "granted in January": one month of the year the text speaks of
    rf"|(?P<mn>\b(?:in|during|for)\s+(?P<mn_m>{M})(?:\s+alone)?)(?![\w.]|,?\s*\d)"
    rf"(?!\s*(?:-|–|to|through|till|until|and)\s*{M})"
    rf"|(?P<yr>(?:\b(?:in|during|for|throughout|of)\s+(?:the\s+(?:whole\s+|full\s+)?year\s+"
    rf"(?:of\s+)?)?|\(\s*in\s+|^)(?P<yr_y>{Y})(?![\d\-–]|\s*[-–]\s*\d))"
    rf"|(?P<rel>\b(?P<rel_w>last year|this year|next year|the previous year)\b))",
)
# The stand-in year of a period whose year nothing in the document determines (no year in
# the text, no publication date): its statistics are reported as unresolved, never stored.
UNDATED_YEAR = 2190
DIGIT = re.compile(r"\d")
YEAR_BEFORE = re.compile(r"\b(?:19|20)\d{2}[\s-]?$")
# Without digits a period needs one of these words ("the first half", "this year").
PERIOD_HINT = lc(
    r"quarter|half|month|year|end of|end-|January|February|March|April|June|July|August|"
    r"September|October|November|December|\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|"
    r"Dec)\.",
)
# Whole words only: "million last year" does not end in the word "on".
NOT_PERIOD_BEFORE = re.compile(
    r"\b(?:" + "|".join(lexicon.load("stat_periods")["not_period_before"]["patterns"]) + r")\s*$",
    re.I,
)
