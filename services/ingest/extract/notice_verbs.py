"""Verbs of release and the clause around a notice, shared by the notice stages."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from events import Span
from services.ingest.extract import lexicon

_SENTENCE_END = re.compile(r"(?<=[.!?;])[\"”’]?\s+(?=[\"“‘(]?[A-Z0-9])|\n\s*\n")
_CLAUSE_START = re.compile(r"[.!?;:][\"”’]?\s+(?=[\"“‘(]?[A-Z])")


@cache
def verbs() -> dict[str, str]:
    """Verb as written (lower case) -> the mention it gives (issued, released, ...)."""
    return {str(k): str(v) for k, v in lexicon.load("notices")["verbs"].items()}


@cache
def verb_alt() -> str:
    """The verbs as a regex alternation, longest first."""
    return "|".join(
        r"\s+".join(map(re.escape, v.split())) for v in sorted(verbs(), key=len, reverse=True)
    )


def mention_of(verb: str) -> str:
    """The mention a verb as written gives ('Jointly  issued' -> issued)."""
    return verbs()[" ".join(verb.lower().split())]


def sentence_of(spans: Sequence[Span], pos: int) -> Span:
    """The sentence that holds `pos`."""
    for span in spans:
        if span.start <= pos < span.end:
            return span
    return spans[-1] if spans else Span(start=0, end=0)


def clause_start(text: str, pos: int, floor: int) -> int:
    """Where the clause that holds `pos` starts (not before `floor`)."""
    start = floor
    for m in _CLAUSE_START.finditer(text, floor, pos):
        start = m.end()
    return start


def clause_end(text: str, pos: int, ceiling: int) -> int:
    """Where the sentence that holds `pos` ends (not after `ceiling`)."""
    m = _SENTENCE_END.search(text, pos, ceiling)
    return m.start() if m else ceiling
