"""Issuers of notices: agency lists before or after the verb ("A and B jointly issued",
"issued by A, B and C"), counted lists ("jointly issued by four departments including A,
B and C") and coreference ("the two departments": the last two agencies named before).
"""

from __future__ import annotations

import re
from functools import cache

from events.types import Issuer
from services.ingest.extract import lexicon
from services.ingest.extract.agencies import AgencyMention, find_agencies

_LIST_GAP = re.compile(r"^(?:\s*,\s*|\s+and\s+|\s*,\s*and\s+|\s+as well as\s+)(?:the\s+)?$")
_WHEN = (
    r"on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"|(?:on|in)\s+(?:January|February|March|April|May|June|July|August|September|October"
    r"|November|December)(?:\s+\d{1,2})?(?:,?\s+(?:19|20)\d{2})?,?"
    r"|(?:last|this|earlier\s+this)\s+(?:week|month|year)"
)
# words between an agency and its verb: "The CNIPA on Tuesday released ..."
_ACTIVE_GAP = re.compile(
    r"^\s*(?:(?:has|have|had|also|recently|jointly|newly|officially|just|then|subsequently"
    rf"|once again|today|yesterday|{_WHEN})\s+)*$",
    re.IGNORECASE,
)


@cache
def _counted() -> re.Pattern[str]:
    nouns = "|".join(_nouns())
    num = "|".join([*_numbers(), r"\d{1,2}"])
    return re.compile(
        rf"(?:the\s+|these\s+)?(?P<n>{num})\s+(?:[a-z-]+\s+)?(?:{nouns})\b"
        r"(?P<incl>\s*,?\s*(?:including|namely|among\s+them|:)\s*)?",
        re.IGNORECASE,
    )


@cache
def _numbers() -> dict[str, int]:
    return {str(k): int(v) for k, v in lexicon.load("notices")["issuers"]["numbers"].items()}


def _nouns() -> list[str]:
    value = lexicon.load("notices")["issuers"]["counted"]
    return [str(v) for v in value]


def agency_groups(mentions: list[AgencyMention], text: str) -> list[list[AgencyMention]]:
    """Agency mentions grouped into lists ("A, B and C" is one group)."""
    groups: list[list[AgencyMention]] = []
    for mention in mentions:
        if groups and _LIST_GAP.match(text[groups[-1][-1].end : mention.start]):
            groups[-1].append(mention)
        else:
            groups.append([mention])
    return groups


def _named_before(text: str, pos: int, n: int) -> list[Issuer]:
    """The last `n` different agencies named before `pos` ("the two departments")."""
    out: list[Issuer] = []
    for mention in reversed(find_agencies(text, 0, pos)):
        if all(i.id != mention.issuer.id or i.id == "UNKNOWN" for i in out):
            out.insert(0, mention.issuer)
        if len(out) == n:
            return out
    return []


def _count(raw: str) -> int:
    return int(raw) if raw.isdigit() else _numbers()[raw.lower()]


def issuers_at(text: str, pos: int, end: int) -> list[Issuer]:
    """The agency list that starts at `pos` ("by A, B and C", "by four departments
    including A and B", "by the two departments")."""
    at = pos + len(text[pos:end]) - len(text[pos:end].lstrip(" \n"))
    if m := _counted().match(text, at, end):
        if not m.group("incl"):
            return _named_before(text, m.start(), _count(m.group("n")))
        at = m.end()
    groups = agency_groups(find_agencies(text, at, end), text)
    if groups and not text[at : groups[0][0].start].strip(" \n").removeprefix("the").strip():
        return [a.issuer for a in groups[0]]
    return []


def issuers_before(text: str, start: int, verb_pos: int, *, strict: bool = True) -> list[Issuer]:
    """The agency list that is the subject of a verb at `verb_pos` ("A and B jointly issued",
    "The two departments issued")."""
    for m in _counted().finditer(text, start, verb_pos):
        if _ACTIVE_GAP.match(text[m.end() : verb_pos]) and not m.group("incl"):
            return _named_before(text, m.start(), _count(m.group("n")))
    groups = agency_groups(find_agencies(text, start, verb_pos), text)
    if not groups:
        return []
    if _ACTIVE_GAP.match(text[groups[-1][-1].end : verb_pos]) or not strict:
        # Not strict: "A has adjusted the mechanism and subsequently formulated the X".
        return [a.issuer for a in groups[-1]]
    return []
