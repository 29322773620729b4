"""Which numbers of a sentence can be values: not years, rates, ranges, counts of selected
units, thresholds, limits or one event's figures; currency conversions in brackets become
equivalents, and big currency-less amounts take the context's currency."""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

from events.types import Equivalent
from services.ingest.extract import lexicon
from services.ingest.extract.stat_distractors import is_event_figure, is_limit_or_leverage
from services.ingest.extract.stat_facts import carried
from services.ingest.extract.stat_model import Sentence, State
from services.ingest.extract.stat_period_grammar import M, Y
from services.ingest.extract.stat_text import lc, lower, words
from services.ingest.extract.stat_values import Num, Qual

# A following noun that makes a number a count of selected or covered units, a duration,
# a legal structure or an event: never a statistic.
# "49 million people were employed in patent-intensive industries": people, but a statistic
_EMPLOYED = re.compile(r"\s+(?:people|persons)\s+(?:were\s+|are\s+|was\s+)?employed\b", re.I)
_BAD_NOUN = re.compile(
    # "last year" and "this year" after a number name its period, not a duration noun, and
    # "a year earlier" a period a year back
    r"(?!\s+(?:a|the)\s+year\s+(?:earlier|ago|before|prior)\b)"
    r"\s+(?:(?!(?:in|of|the|for|at|by|from|on|to|and|or|with|were|was|are|is|have|has|had|"
    r"last|this|next)\b)"
    r"[\w-]+\s+){0,4}?(?:cit(?:y|ies)|provinces?|regions?|areas?|locations?|"
    r"municipalit(?:y|ies)|parks?|zones?|districts?|counties|county|lenders?|banks?|"
    r"funds?|years?|days?|weeks?|decades?|sessions?|articles?|chapters?|measures|"
    r"hotlines?|folds?|members?|persons?|people|centers|centres|incubators|"
    r"institutions|universities|platforms|bases|hubs|stations|points|rounds|batch(?:es)?|"
    r"pilots?|projects in (?:the|\d)|departments|ministries|agreements?)\b",
    re.I,
)
THRESHOLD_BEFORE = re.compile(
    r"(?:\b(?:with|having|had|has|have)\s+an?\s+(?:[\w-]+\s+){0,4}of|\bincome of|"
    r"\brevenue of|\bthreshold of|\bcap of|\bceiling of)\s*(?:more|less|fewer)\s+than\s*$|"
    # "reached up to 4 million" reports a value; "loans of up to" states a cap
    r"\b(?:below|under|(?<!reached )up to|within)\s*$",
    re.I,
)
_RATIO_NEAR = re.compile(r"\b(?:per|every|for every|each)\s+\d", re.I)
_FOLLOWING_NOUN = re.compile(r"\s+[A-Za-z(][\w()-]*")
_SMALL_NUMBER_VERB = re.compile(
    r"\b(?:reached|was|were|is|are|totall?ed|hit|to|at|of|stood at|exceeded|numbered|with|by|"
    r"had|has|have|recorded|filed|granted|issued|approved|registered|over|more than|about|"
    r"some|nearly|almost)\s*$",
    re.I,
)
_APPROX_WORD = re.compile(r"\b(?:about|approximately|around|roughly|some|nearly|almost)\b", re.I)
# A word after an amount that may be what it counts ("11 billion items"), not a phrase
# going on after it ("11 billion in 2022", "11 billion, up 5%").
_NOUN_AFTER = re.compile(
    r"\s+(?!(?:in|by|during|for|over|as|at|with|from|up|down|and|or|last|this|year)\b)[a-z]"
)
MULTI_YEAR = lc(
    r"average annual|annual average|average (?:growth )?rate|annual growth rate|"
    r"cumulative (?:value|amount|total)|compound annual|"
    + words(
        rf"from\s+(?:{M}\s+)?{Y}\s+(?:to|through|until)\s+(?:{M}\s+)?{Y}",
        rf"between\s+{Y}\s+and\s+{Y}",
        rf"19\d{{2}}\s*[-–]\s*{Y}\s+period",
        rf"20\d{{2}}\s*[-–]\s*{Y}\s+period",
    )
    + r"|over the (?:past|last) (?:two|three|four|five|six|seven|eight|nine|ten|\d+) years"
    r"(?! to)",
)
_ATTACHED = re.compile(r"(?:with|and|while|which|representing|marking|an?\b|the\b)", re.I)


def is_year(s: str, n: Num) -> bool:
    """Whether a number is a calendar year ("2021"), not a count."""
    return (
        n.unit == "count"
        and not n.scaled
        and not n.separated
        and n.value == n.value.to_integral_value()
        and 1900 <= n.value <= 2100
        and s[n.start : n.end].strip().isdigit()
    )


def multi_year_start(s: str) -> int:
    """Where multi-year totals and averages begin: their own clause, and the clause before
    when attached to it ("stood at 4.99 million, with average annual growth of ...")."""
    multi = MULTI_YEAR.search(lower(s))
    if not multi:
        return len(s) + 1
    cut = max(s.rfind(",", 0, multi.start()), s.rfind(";", 0, multi.start()))
    lead = s[cut + 1 : multi.start()].strip()
    return 0 if cut < 0 or _ATTACHED.match(lead) else cut


def select_values(ctx: Sentence) -> None:
    """Numbers that can be values: not rates, ranges, counts of units, or thresholds."""
    ctx.values.extend(n for n in ctx.nums if not (n.is_change or n.dropped) and _value(ctx.s, n))


def _value(s: str, n: Num) -> bool:
    before, after = s[: n.start], s[n.end :]
    bare = n.unit == "count" and not n.scaled and not n.separated and n.value < 1000
    # A bare small number is a value only with a noun or a reporting verb.
    if bare and not (_FOLLOWING_NOUN.match(after) or _SMALL_NUMBER_VERB.search(before[-40:])):
        return False
    if n.unit == "count" and _BAD_NOUN.match(after) and not _EMPLOYED.match(after):
        return False
    if THRESHOLD_BEFORE.search(before[-80:]) or is_limit_or_leverage(before):
        return False
    if is_event_figure(before, after, n.unit in ("CNY", "USD")):
        return False
    # "1 valid trademark for every 4.0 business entities": one side of a ratio
    return not (
        n.value == 1
        and n.unit == "count"
        and _RATIO_NEAR.search(s, max(0, n.start - 60), n.end + 60)
    )


def attach_equivalents(ctx: Sentence) -> None:
    """Parenthetical currency conversions become equivalents of the value before them;
    paired conversions "($23 million to $404 million)" map in order onto a from-to pair."""
    s = ctx.s
    main: list[Num] = []
    seen_equivalent = False
    for n in ctx.values:
        open_paren = s.rfind("(", 0, n.start)
        inside = open_paren > s.rfind(")", 0, n.start)
        follows_amount = (
            bool(main)
            and main[-1].unit in ("CNY", "USD")
            and open_paren >= main[-1].end - 1
            and s[main[-1].end : open_paren].strip() in ("", ",")
        )
        if n.unit in ("CNY", "USD") and inside and (follows_amount or seen_equivalent):
            _equivalent_of(ctx, n, open_paren, main)
            seen_equivalent = True
            continue
        main.append(n)
    ctx.values = main


def _equivalent_of(ctx: Sentence, n: Num, open_paren: int, main: list[Num]) -> None:
    s = ctx.s
    qual: Qual = "approx" if _APPROX_WORD.search(s[open_paren : n.start]) else "exact"
    value = carried(n.value, ctx.span.start + n.start, s[n.start : n.end])
    eq = Equivalent(value=value, unit=_money(n.unit), qualifier=qual)
    targets = [v for v in main if v.unit in ("CNY", "USD") and v.equivalent is None]
    if targets:
        pair = [v for v in targets if v.from_to]
        (pair[0] if pair else targets[-1]).equivalent = eq


def _money(unit: str) -> Literal["CNY", "USD"]:
    return "USD" if unit == "USD" else "CNY"


@cache
def _money_cue() -> re.Pattern[str]:
    """A word of a money figure (lexicon/stat_domain.toml, money_cues) on `lower()` text."""
    return lc(words(*(re.escape(w) for w in lexicon.words("stat_domain", "money_cues"))))


def assign_currency(ctx: Sentence, state: State) -> None:
    """Currency-less big amounts ("exports stood at 11 billion") take the context's currency."""
    ctx.currency = next((n.unit for n in ctx.values if n.unit in ("CNY", "USD")), None)
    for n in ctx.values:
        if n.unit in ("CNY", "USD"):
            state.currency = n.unit
    fallback = "CNY" if _money_cue().search(lower(ctx.s)) else None
    for n in ctx.values:
        no_noun = not _NOUN_AFTER.match(ctx.s[n.end : n.end + 20])
        cur = ctx.currency or state.currency or fallback
        if n.unit == "count" and n.scaled and n.value >= 10**9 and no_noun and cur:
            n.unit = cur
