"""What the statistics stages read a number as: a value or change in a sentence (Num), a
change before it becomes an event's ReportedChange, and the words that make a rate a rise
or a fall ("up 15.5%", "an increase of 39.8%", "39.8% higher")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from events.types import Equivalent

Qual = Literal["exact", "at_least", "approx", "approx_below"]
Direction = Literal["up", "down"]


CHANGE_BEFORE = re.compile(
    # "made up 67.6 percent of ..." is a share, not a rise
    r"\b(?P<dir>(?<!made\s)(?<!make\s)(?<!makes\s)(?<!making\s)up|down|increas\w*|decreas\w*|"
    r"rise|rises|rising|rose|risen|grow\w*|grew|"
    r"drop\w*|fell|fall\w*|declin\w*|surg\w*|soar\w*|climb\w*|jump\w*|gain\w*|expand\w*|"
    r"shr[iu]nk\w*|growth|increase|decline|picked up|higher|lower|plunge\w*|slump\w*|"
    r"reduc\w*|dip\w*|edg\w* up|edg\w* down)"
    r"(?:\s+(?:by|of|at|slightly|sharply|about|nearly|almost|approximately|around|some|"
    r"over|more than|a|an|small|significant|significantly|strong|strongly|steady|"
    r"year-on-year|year on year|year-over-year|year over year|yearon- year|yoy|annual|"
    r"on-year|of over|of about|rate|rate of|was|is|were|"
    r"of nearly|of more than|of almost))*\s*$",
    re.I,
)
CHANGE_AFTER = re.compile(
    r"^\s*(?:year[- ](?:on|over)[- ]year\s+|yoy\s+|y-o-y\s+)?(?P<dir>increase|rise|growth|drop|"
    r"decrease|decline|jump|gain|surge|hike|fall|dip|reduction|up|down|increased|decreased|"
    r"rose|grew|fell|dropped|declined|higher|lower|more|less|fewer)\b",
    re.I,
)


@dataclass(slots=True)
class Num:
    """A number read from a sentence, with what the sentence says about it."""

    start: int  # value text span in the sentence
    end: int
    value: Decimal
    unit: str  # CNY USD count percent pp times months per_10k_people
    scaled: bool = False
    separated: bool = False
    flags: list[str] = field(default_factory=list)
    is_change: bool = False
    direction: Direction = "up"
    qualifier: Qual = "exact"
    dropped: bool = False
    change: Change | None = None
    equivalent: Equivalent | None = None
    target: Num | None = None  # for a change: the value it modifies
    from_to: int = 0  # 1 = "from" end, 2 = "to" end of an increase between two years
    yoy_before: bool = False  # "a year-on-year increase of 5%": the basis precedes the rate
    multiple: bool = False  # "2.8 times that of 2016": a multiple of the base, not a rise


@dataclass(slots=True)
class Change:
    """A reported change before it becomes a ReportedChange (the basis may still change)."""

    amount: Decimal
    kind: Literal["percent", "percentage_points", "absolute"]
    direction: Direction
    basis: str
    qualifier: Qual
    carry_basis: bool = False
