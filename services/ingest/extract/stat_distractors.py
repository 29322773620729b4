"""Cues of numbers that are no statistics: one entity's figures ("a Hebei-based company
secured a loan of 80 million yuan"), worked examples, limits ("the loan limits are usually
5 million yuan") and sums a scheme hopes to leverage.

The words come from `lexicon/stat_distractors.toml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from services.ingest.extract import lexicon
from services.ingest.extract.pattern_gates import starts_with
from services.ingest.extract.stat_text import lc, lower, words

FOREIGN = re.compile(words(*lexicon.words("stat_distractors", "foreign_cues")) + r"\b")

_NAME = "stat_distractors"


def _alt(key: str) -> str:
    found = sorted(lexicon.words(_NAME, key), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in found)


def _word(key: str) -> str:
    """A word of a list at a word start, behind a lookahead for the words' first letters
    (case-blind, as the patterns below are): other positions are spared the word boundary
    test and the alternation."""
    return rf"{starts_with(lexicon.words(_NAME, key))}\b(?:{_alt(key)})"


@cache
def _grammar() -> dict[str, re.Pattern[str]]:
    return {
        # up to four modifiers between the determiner and a singular entity noun
        "entity": re.compile(
            rf"{_word('single_entity_determiners')}\s+(?:[\w-]+\s+){{0,4}}?"
            rf"(?:{_alt('single_entity_nouns')})\b(?!['’]?s\b)(?!-)",
            re.I,
        ),
        "example": re.compile(rf"{_word('example_openers')}\b", re.I),
        "limit": re.compile(
            rf"{_word('limit_nouns')}\b[^.;]{{0,60}}?\b(?:{_alt('limit_verbs')})\s+"
            rf"(?:(?:{_alt('limit_adverbs')})\s+)?(?:about\s+|around\s+)?$",
            re.I,
        ),
        "event": re.compile(rf"^\s+(?:[\w-]+\s+){{0,4}}?(?:{_alt('event_nouns')})\b", re.I),
        "deal": re.compile(rf"{_word('event_deal_cues')}\b[^.;]{{0,60}}$", re.I),
        "milestone": re.compile(
            rf"{_word('milestone_ranks')}\s+(?:[\w-]+\s+){{0,2}}?(?:{_alt('milestone_nouns')})"
            rf"\s+(?:with|to\s+(?:have|exceed|top|surpass|pass))\s+(?:more\s+than\s+|over\s+)?$",
            re.I,
        ),
        "average": re.compile(
            rf"{_word('average_words')}\b(?:\s+[\w-]+){{0,3}}?\s+(?:of|was|is|at|reached)?\s*$",
            re.I,
        ),
        "leverage": re.compile(
            rf"{_word('leverage_verbs')}\b(?:\s+[\w-]+){{0,6}}?\s+(?:of\s+)?$", re.I
        ),
    }


@cache
def _entity_nouns() -> tuple[str, ...]:
    words = lexicon.words(_NAME, "single_entity_nouns") + lexicon.words(_NAME, "example_openers")
    return tuple(w.lower() for w in words)


def single_entity_at(s: str) -> int:
    """Where a sentence starts speaking of one entity or of an example (len(s) if never)."""
    low = s.lower()
    if not any(w in low for w in _entity_nouns()):
        return len(s)  # a cheap test first: most sentences name no single entity
    g = _grammar()
    found = [m.start() for m in (g["entity"].search(s), g["example"].search(s)) if m]
    return min(found, default=len(s))


def is_event_figure(before: str, after: str, money: bool) -> bool:
    """Whether a number counts a campaign's events or audience ("held 22 activities"), is a
    deal announced at an event ("on-site contract financing of 710 million yuan") or an
    average amount ("an average loan of 8.5 million yuan")."""
    g = _grammar()
    if money:
        return bool(g["deal"].search(before[-80:]) or g["average"].search(before[-50:]))
    return bool(g["event"].match(after[:60]))


def is_limit_or_leverage(before: str) -> bool:
    """Whether the words before a number make it a limit, a sum hoped to be leveraged or a
    milestone passed ("the first country with more than 4 million ...")."""
    g = _grammar()
    tail = before[-120:]
    return bool(
        g["limit"].search(tail)
        or g["leverage"].search(tail[-60:])
        or g["milestone"].search(tail[-80:])
    )


@cache
def future_cue() -> re.Pattern[str]:
    """Target, forecast and plan words (on `lower()` text)."""
    return lc(words(*lexicon.words(_NAME, "future_cues")) + r"\b")


@cache
def _soft_future() -> frozenset[str]:
    return frozenset(lexicon.words(_NAME, "soft_future_cues"))


@cache
def funding_cue() -> re.Pattern[str]:
    """Words of sums granted, budgeted, awarded or imposed (on `lower()` text)."""
    return lc(words(*lexicon.words(_NAME, "funding_cues")) + r"\b")


@cache
def company_cue() -> re.Pattern[str]:
    """Single-company words (on `lower()` text)."""
    found = (*lexicon.words(_NAME, "company_cues"), *lexicon.words(_NAME, "company_names"))
    return lc(words(*found) + r"\b")


@dataclass(frozen=True, slots=True)
class Cues:
    """Where the first cue of each kind starts in a sentence (its length if none)."""

    future: int
    hard_future: int
    funding: int
    foreign: int
    company: int

    @classmethod
    def of(cls, s: str) -> Cues:
        """Scan a sentence once for every cue."""
        end = len(s)
        low = lower(s)
        futures = future_cue().finditer(low)
        future = next(futures, None)
        hard = future
        if hard is not None and hard.group(0) in _soft_future():
            hard = next((m for m in futures if m.group(0) not in _soft_future()), None)
        funding, foreign = funding_cue().search(low), FOREIGN.search(s)
        company = company_cue().search(low)
        return cls(
            future=future.start() if future else end,
            hard_future=hard.start() if hard else end,
            funding=funding.start() if funding else end,
            foreign=foreign.start() if foreign else end,
            company=min(company.start() if company else end, single_entity_at(s)),
        )
