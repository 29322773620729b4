"""Text helpers of the statistics stages: ASCII lower-casing that keeps positions, and
word-list patterns compiled for lowered text."""

from __future__ import annotations

import re
from functools import lru_cache

# Word lists are matched case-sensitively on an ASCII-lowered copy of the sentence (same
# length, so positions agree): much faster than re.IGNORECASE on long alternations.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@lru_cache(maxsize=256)
def lower(text: str) -> str:
    """ASCII lower case, same length as `text` (cached: a sentence is lowered many times)."""
    return text.translate(_ASCII_LOWER)


def lc(pattern: str) -> re.Pattern[str]:
    """Compile a word-list pattern for use on `lower()` text."""
    if re.search(r"\\[DSWBAZ]", pattern):
        raise ValueError("upper-case escapes would change meaning when lowered")
    return re.compile(pattern.lower().replace("(?p<", "(?P<"))


def words(*alternatives: str) -> str:
    r"""`\b(?:a|b|...)` written so that every alternative starts with its first letter.

    Python's regex engine rejects an alternative by its leading literal at once, but tests a
    leading `\b` or lookahead at every position of the text; `(?<!\w.)` right after the
    first letter is the same word-start test, made only where that letter stands.
    """
    for alt in alternatives:
        if not alt[:1].isalnum() or alt[1:2] in ("?", "*", "+", "{"):
            raise ValueError(f"{alt!r} must start with a plain letter or digit")
    return "(?:" + "|".join(alt[0] + r"(?<!\w.)" + alt[1:] for alt in alternatives) + ")"
