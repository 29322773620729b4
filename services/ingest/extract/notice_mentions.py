"""How a text mentions a notice title: issued, released, distributed, implementing, or
referenced (cited as a legal basis, "in accordance with the ..."), read from the clause
before the title and the clause after it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from services.ingest.extract.notice_numbers import after_title, header_docno
from services.ingest.extract.notice_titles import Candidate
from services.ingest.extract.notice_verbs import clause_end, clause_start, mention_of, verb_alt

_DISTRIBUTED = re.compile(
    r"printed and (?:issued|distributed)|hereby (?:printed and )?(?:issued|distributed)"
    r"|(?:issued|distributed) to you",
    re.IGNORECASE,
)
_REFERENCED_BEFORE = re.compile(
    r"\b(?:implement|carry out|carrying out|pursuant to|in accordance with|according to"
    r"|based on|considering|in line with|following|in the spirit of|as required by"
    r"|requirements of|spirit of|under|provisions of|as stipulated in|as provided in"
    r"|stipulated by|on the basis of)\s+(?:the\s+)?[\"“《‘']?\s*$",
    re.IGNORECASE,
)
# "In accordance with the “Patent Law” and the “Measures ...”": the cue covers the list.
_REFERENCED_LIST = re.compile(
    r"\b(?:pursuant to|in accordance with|according to|based on|in line with|under"
    r"|provisions of|on the basis of)\s+(?:the\s+)?[\"“《][^\"”》]{3,200}[\"”》]"
    r"(?:\s*(?:,|and|as well as)\s*(?:the\s+)?[\"“《][^\"”》]{3,200}[\"”》])*"
    r"\s*(?:,\s*)?(?:and|as well as)?\s*(?:the\s+)?[\"“《‘']?\s*$",
    re.IGNORECASE,
)
# "Under the Patent Law and the Measures ...": the cue covers an unquoted list too.
_REFERENCED_PLAIN = re.compile(
    r"\b(?i:pursuant to|in accordance with|according to|based on|in line with|under"
    r"|provisions of|on the basis of)\s+(?:the\s+)?[A-Z][^,;.\"“”《》]{2,150}?"
    r"\s*(?:,\s*and|,|and|as well as)\s*(?:the\s+)?$"
)
_IMPLEMENTING_BEFORE = re.compile(
    r"\b(?:is|are|been|began|started|start)\s+implementing\s+(?:the\s+)?[\"“]?\s*$", re.IGNORECASE
)
_CHAINED = re.compile(r"^\s*(?:,\s*)?(?:and|as well as|or)?\s*(?:the\s+)?[\"“《‘']?\s*$")


@cache
def _verb_after() -> re.Pattern[str]:
    return re.compile(
        r"[\s,]*(?:(?:which|that)\s+)?(?:(?:was|were|has been|have been|had been|is|are|being)"
        rf"\s+)?(?:[a-z]+ly\s+)*(?P<verb>{verb_alt()})\b(?P<by>(?:\s+[a-z]+ly)?\s+by\s+)?",
        re.IGNORECASE,
    )


@cache
def _verb_before() -> re.Pattern[str]:
    return re.compile(
        rf"\b(?P<verb>{verb_alt()})\s+(?:[a-z]+ly\s+)?(?:the\s+|a\s+|an\s+|its\s+)?"
        # "released a notice titled X", "published its annual report, the X"
        # "issued a notice on the Outline ...": the notice that carries the document
        r"(?:[A-Za-z]+\s+(?:titled|entitled)\s+|(?:[a-z]+\s+){0,2}[a-z]+,\s+(?:the\s+)?"
        r"|(?:notice|circular)\s+on\s+(?:the\s+)?)?"
        r"[\"“《‘']?\s*$",
        re.IGNORECASE,
    )


@dataclass(frozen=True, slots=True)
class Around:
    """The words around a title: the clause before it and the clause after it."""

    before_start: int
    after_pos: int
    after_end: int
    docno: str | None
    verb_after: re.Match[str] | None
    verb_before: re.Match[str] | None


def around(text: str, cands: list[Candidate], i: int) -> Around:
    """The clauses around the i-th title of `cands`, its document number and verbs."""
    cand = cands[i]
    prev_end = cands[i - 1].outer_end if i else 0
    next_start = cands[i + 1].start if i + 1 < len(cands) else len(text)
    before_start = clause_start(text, cand.start, prev_end)
    after_pos, docno = after_title(text, cand, next_start)
    after_end = clause_end(text, after_pos, next_start)
    return Around(
        before_start,
        after_pos,
        after_end,
        docno or header_docno(text, cand),
        _verb_after().match(text, after_pos, after_end),
        _verb_before().search(text[before_start : cand.start]),
    )


def mention(text: str, cand: Candidate, a: Around, chained: str | None) -> str:
    """Issued, released, distributed, implementing, or referenced (cited as a basis)."""
    before = text[a.before_start : cand.start]
    if _DISTRIBUTED.search(text, a.after_pos, a.after_end):
        return "distributed"
    if a.verb_after:
        return mention_of(a.verb_after.group("verb"))
    if any(p.search(before) for p in (_REFERENCED_BEFORE, _REFERENCED_LIST, _REFERENCED_PLAIN)):
        return "referenced"
    if _IMPLEMENTING_BEFORE.search(before):
        return "implementing"
    if chained and _CHAINED.match(before):
        return chained  # "implement the Outline ... and the Notice ..."
    if a.verb_before:
        return mention_of(a.verb_before.group("verb"))
    return "released" if cand.type == "report" else "issued"
