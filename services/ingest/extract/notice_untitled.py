"""Policy documents named without a title: "a notice issued by CNIPA", "the State Council
released a guideline on ...", "according to a guideline ..., which was released by ...".
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import cast

from events import Span
from events.types import Issuer, NoticeType, PolicyNoticeIssued
from services.ingest.extract import lexicon
from services.ingest.extract.agencies import UNKNOWN
from services.ingest.extract.base import Document, Fact
from services.ingest.extract.notice_dates import date_in
from services.ingest.extract.notice_issuers import issuers_at, issuers_before
from services.ingest.extract.notice_titles import Candidate, clean_title
from services.ingest.extract.notice_verbs import clause_start, mention_of, sentence_of, verb_alt

# Lower-case modifiers before the noun ("a major plan"), never a determiner or preposition.
_MODIFIERS = (
    r"(?:(?!(?:a|an|the|this|that|to|of|by|in|on|according|some|its)\b)[a-z][\w-]*\s+){0,3}?"
)
_LINK = (
    r"(?:on|for|of|about|to|regarding|proposing|requiring|calling\s+(?:for|on)|aimed\s+at"
    r"|asking|urging|ordering|directing)"
)
_ANAPHORIC = re.compile(
    r"\s(?:on|about|of)\s+(?:the|this|that|these|those|such)\s+"
    r"(?:issues?|matters?|subjects?|topics?|questions?|work)$",
    re.IGNORECASE,
)
_TITLED_NEXT = re.compile(r"\s+(?:titled|entitled)\b")
_NOT_PHRASE = re.compile(r"[^\w\s-]")
_WORD_START = re.compile(r"\b\w")
# Subjects that may issue a plan without naming an agency ("China has issued a plan").
_NATIONAL_SUBJECT = re.compile(
    r"\b(?:China|the (?:country|government|State|central government|authorities))\s*$",
)
_DESCRIBED_ISSUER = re.compile(
    r"(?:the\s+)?(?:[\w'’-]+\s+){0,6}?"
    r"(?:authority|authorities|bureau|department|administration|commission|ministry|office)\b",
)
_DESCRIBED_SUBJECT = re.compile(
    r"(?:^|(?<=\s))(?:the\s+)?(?:[\w'’-]+\s+){0,4}?(?:authority|authorities|bureau|department"
    r"|administration|commission|ministry|office|government)\s*(?:on\s+\w+day\s*)?$"
)
_ACTIVE_SUBJECT_TAIL = re.compile(
    r"\s+(?:(?:has|have|had|also|recently|jointly|newly|officially|just)\s+)*$", re.IGNORECASE
)
_ACCORDING = re.compile(r"\baccording to\s+$", re.IGNORECASE)
_VEHICLES = frozenset({"notice", "circular"})
_LEADING_FILLER = re.compile(r"^[\s,]*(?:(?:recently|lately|today)\b[\s,]*)*")


@dataclass(frozen=True, slots=True)
class _Patterns:
    types: dict[str, NoticeType]
    noun: re.Pattern[str]
    passive: re.Pattern[str]
    active: re.Pattern[str]


@cache
def _patterns() -> _Patterns:
    types = {
        str(k): cast(NoticeType, str(v)) for k, v in lexicon.load("notices")["untitled"].items()
    }
    nouns = "|".join(r"\s+".join(n.split()) for n in sorted(types, key=len, reverse=True))
    noun = rf"(?P<noun>{nouns})\b"
    comp = rf"(?P<comp>\s+{_LINK}\s+[^,.;:\n]{{3,160}}?)?"
    verb = verb_alt()
    return _Patterns(
        types=types,
        noun=re.compile(noun),
        passive=re.compile(
            rf"(?<![Tt]he )(?<![Tt]his )\b(?:(?P<det>[Aa]n?|[Ss]ome|[Nn]ew)\s+)?(?P<np>{_MODIFIERS}"
            rf"{noun}{comp})(?:\s*,\s*(?:which|that)\s+(?:was|were|has\s+been|had\s+been)"
            r"|\s+(?:was|were|has\s+been|have\s+been|had\s+been|is|are))?"
            rf"\s+(?:(?:recently|jointly|newly|just|officially)\s+)*"
            rf"(?P<verb>{verb})\s+(?:(?:recently|jointly)\s+)?by\s+",
        ),
        active=re.compile(
            rf"\b(?P<verb>{verb})\s+(?P<det>an?|some|new|its)\s+(?P<np>{_MODIFIERS}{noun}"
            rf"(?P<comp>\s+{_LINK}\s+[^,.;:\n]{{3,160}})?)",
        ),
    )


def _describe(text: str, m: re.Match[str], sentence: Span) -> str:
    np = " ".join(m.group("np").split())
    if m.group("comp"):
        return clean_title(np)  # without a trailing "on Tuesday"
    # A bare 'a notice': describe it by what the sentence says the notice does.
    before = text[sentence.start : m.start()]
    according = _ACCORDING.search(before)
    if according and before[: according.start()].strip():
        clause = before[: according.start()]  # "<what it says>, according to a notice ..."
    else:
        rest = text[m.end() : sentence.end]
        comma = rest.find(",")
        rest = rest[comma + 1 :] if comma != -1 else ""
        clause = _LEADING_FILLER.sub("", rest).split(",")[0]
    clause = " ".join(clause.strip(" ,.;").split())
    return f"{np}: {clause}" if clause else np


def _passive_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of the passive pattern, tried only near its nouns.

    A match holds one of the nouns, and between its start and that noun stand only words,
    spaces and hyphens (determiner and modifiers). So a match can start only at a word
    start between the last other character before the first noun left and that noun; the
    rest of the text, usually most of it, is never scanned by the long pattern.
    """
    p = _patterns()
    breaks = [m.start() for m in _NOT_PHRASE.finditer(text)]
    pos = 0
    while noun := p.noun.search(text, pos):
        q = noun.start()
        i = bisect_left(breaks, q) - 1
        floor = max(pos, breaks[i] + 1 if i >= 0 else 0)
        for w in _WORD_START.finditer(text, floor, q + 1):
            m = p.passive.match(text, w.start())
            if m:
                yield m
                pos = m.end()
                break
        else:
            pos = q + 1


def _issuers(text: str, m: re.Match[str], sentence: Span, passive: bool) -> list[Issuer] | None:
    """Who issued an untitled document; None when it is no policy act (a company's plan)."""
    if passive:
        issuers = issuers_at(text, m.end(), sentence.end)
        if issuers:
            return issuers
        described = _DESCRIBED_ISSUER.match(text, m.end(), sentence.end)
        if not described:
            return None
        return [Issuer(id=UNKNOWN, name=described.group(0).removeprefix("the ").strip())]
    issuers = issuers_before(text, sentence.start, m.start())
    subject = _ACTIVE_SUBJECT_TAIL.sub("", text[sentence.start : m.start()])
    if issuers or _NATIONAL_SUBJECT.search(subject):
        return issuers
    # "China's IP authority announced new rules", "Shanghai unveiled measures": an
    # authority named by what it is, or a province or city acting as its government
    described = _DESCRIBED_SUBJECT.search(subject)
    if described:
        return [Issuer(id=UNKNOWN, name=described.group(0).removeprefix("the ").strip())]
    return None


def untitled(doc: Document, sentences: Sequence[Span], titled: list[Candidate]) -> list[Fact]:
    """Policy documents the text describes without naming them."""
    text, p = doc.text, _patterns()
    facts: list[Fact] = []
    vehicles: list[Fact] = []  # "according to a circular ...": maybe what carries another
    for passive in (True, False):
        for m in _passive_matches(text) if passive else p.active.finditer(text):
            if any(c.start < m.end() + 8 and m.start() < c.outer_end for c in titled):
                continue  # the titled document itself, or its title right after the noun
            if _TITLED_NEXT.match(text, m.end()) or _ANAPHORIC.search(m.group("np")):
                # "released a notice titled X": the titled notice itself; "a report on the
                # issue": the document named before
                continue
            noun = " ".join(m.group("noun").lower().split())
            if not m.group("det") and not noun.endswith(("s", "points")):
                continue  # a bare singular noun is an anaphor ("notice issued by")
            sentence = sentence_of(sentences, m.start())
            issuers = _issuers(text, m, sentence, passive)
            if issuers is None:
                continue
            clause = clause_start(text, m.start(), sentence.start)
            payload = PolicyNoticeIssued(
                title=None,
                description=_describe(text, m, sentence),
                issuers=tuple(issuers),
                date=date_in(text, clause, m.start(), doc, None),
                type=p.types.get(noun, "other"),
                mention=mention_of(m.group("verb")),
            )
            value = Span(start=m.start("np"), end=m.end("np"))
            fact = Fact(payload=payload, source=doc.source(sentence, value))
            if _ACCORDING.search(text, sentence.start, m.start()) and noun in _VEHICLES:
                vehicles.append(fact)
            else:
                facts.append(fact)
    return facts + _unless_carried(vehicles, facts, titled)


def _unless_carried(
    vehicles: list[Fact], facts: list[Fact], titled: list[Candidate]
) -> list[Fact]:
    """'China unveiled a plan ..., according to a circular released by X': the circular
    carries the plan of its sentence, so it is no notice of its own; the plan takes X."""
    out: list[Fact] = []
    for v in vehicles:
        span = v.source.sentence_span
        assert span is not None
        carried = [
            i for i, f in enumerate(facts)
            if f.source.sentence_span == span and f.source.value_span
            and v.source.value_span and f.source.value_span.start < v.source.value_span.start
        ]
        if any(span.start <= c.start < span.end for c in titled):
            continue
        if not carried:
            out.append(v)
            continue
        first = facts[carried[0]]
        assert isinstance(first.payload, PolicyNoticeIssued)
        assert isinstance(v.payload, PolicyNoticeIssued)
        if not first.payload.issuers:
            payload = first.payload.model_copy(update={"issuers": v.payload.issuers})
            facts[carried[0]] = Fact(payload=payload, source=first.source)
    return out
