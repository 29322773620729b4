"""Lookaheads that gate a pattern by the characters its matches can start with.

A pattern that opens with optional parts ("(比上年)?增长") has no fixed first character,
so the regex engine tries it in full at every position of a text. A leading lookahead for
the possible first characters turns most positions into one character test; it must admit
every character a match can start with, so the gated pattern finds exactly the same
matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def starts_with(words: Iterable[str], classes: str = "") -> str:
    r"""A lookahead admitting only positions where one of `words` starts or a character of
    `classes` stands (the body of a character class, such as r"\d\s")."""
    firsts = "".join(re.escape(c) for c in sorted({w[0] for w in words if w}))
    return rf"(?=[{classes}{firsts}])"
