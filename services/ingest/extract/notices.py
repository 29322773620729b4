"""Policy notices (notices, plans, measures, opinions, reports) named or described in a text."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from functools import cache

from events import Span
from events.types import Issuer, NoticeType, PolicyNoticeIssued
from services.ingest.extract.agencies import UNKNOWN, AgencyMention, find_agencies
from services.ingest.extract.base import Document, Fact
from services.ingest.extract.notice_titles import Candidate, candidates, head_alt
from services.ingest.extract.sentences import document_sentences


@cache
def _who() -> re.Pattern[str]:
    return re.compile(
        rf"^(?:[\w'’-]+ ){{0,3}}?(?:{head_alt()}) of (?P<who>.+?) on (?:[A-Z\"“]|the )",
        re.IGNORECASE,
    )

_DOCNO = re.compile(
    r"(?:[A-Z][A-Za-z]*\.?[ ]+){1,6}?[\[〔【(（]\s*(?:19|20)\d{2}\s*[\]〕】)）]\s*"
    r"(?:No\.?\s*)?\d+(?:\s*Hao)?"
)
_PAREN = re.compile(r"\s*[(（]([^()（）]{1,120})[)）]")

_SENTENCE_END = re.compile(r"(?<=[.!?;])[\"”’]?\s+(?=[\"“‘(]?[A-Z0-9])|\n\s*\n")
_CLAUSE_START = re.compile(r"[.!?;:][\"”’]?\s+(?=[\"“‘(]?[A-Z])")

_MONTHS = {
    m.lower(): i
    for i, ms in enumerate(
        (
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sept", "Sep"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ),
        start=1,
    )
    for m in ms
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE = re.compile(
    rf"\b(?:{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>(?:19|20)\d{{2}}))?"
    rf"|(?P<day2>\d{{1,2}})\s+{_MONTH.replace('month', 'month2')}\s+(?P<year2>(?:19|20)\d{{2}})"
    rf"|{_MONTH.replace('month', 'month3')},?\s+(?P<year3>(?:19|20)\d{{2}}|last year|this year)"
    r"|(?P<iso>(?:19|20)\d{2}-\d{2}-\d{2}))\b",
    re.IGNORECASE,
)
_DATE_LINE = re.compile(
    rf"^[ \t]*(?:{_DATE.pattern})[ \t]*\.?[ \t]*$", re.IGNORECASE | re.MULTILINE
)
_TITLE_YEAR = re.compile(r"(?<![-–—\d])\b((?:19|20)\d{2})\b(?![-–—]\d)")

_VERBS = {
    "released": "released",
    "co-released": "released",
    "published": "released",
    "unveiled": "released",
    "forwarded": "released",
    "announced": "released",
    "rolled out": "released",
    "made public": "released",
    "issued": "issued",
    "co-issued": "issued",
    "promulgated": "issued",
    "formulated": "issued",
    "introduced": "issued",
    "adopted": "issued",
    "launched": "launched",
    "distributed": "distributed",
    "implementing": "implementing",
}
_VERB_ALT = "|".join(sorted((re.escape(v) for v in _VERBS), key=len, reverse=True))
_VERB_AFTER = re.compile(
    r"^[\s,]*(?:(?:which|that)\s+)?(?:(?:was|were|has been|have been|had been|is|are|being)\s+)?"
    rf"(?:[a-z]+ly\s+)*(?P<verb>{_VERB_ALT})\b(?P<by>(?:\s+[a-z]+ly)?\s+by\s+)?",
    re.IGNORECASE,
)
_VERB_BEFORE = re.compile(
    rf"\b(?P<verb>{_VERB_ALT})\s+(?:[a-z]+ly\s+)?(?:the\s+|a\s+|an\s+|its\s+)?[\"“]?\s*$",
    re.IGNORECASE,
)
_DISTRIBUTED = re.compile(
    r"printed and (?:issued|distributed)|hereby (?:printed and )?(?:issued|distributed)"
    r"|(?:issued|distributed) to you",
    re.IGNORECASE,
)
_REFERENCED_BEFORE = re.compile(
    r"\b(?:implement|carry out|carrying out|pursuant to|in accordance with|according to"
    r"|based on|considering|in line with|following|in the spirit of|as required by"
    r"|requirements of|spirit of)\s+(?:the\s+)?[\"“]?\s*$",
    re.IGNORECASE,
)
_IMPLEMENTING_BEFORE = re.compile(
    r"\b(?:is|are|been|began|started|start)\s+implementing\s+(?:the\s+)?[\"“]?\s*$", re.IGNORECASE
)
_CHAINED = re.compile(r"^\s*(?:,\s*)?(?:and|as well as|or)?\s*(?:the\s+)?[\"“]?\s*$")
_LIST_GAP = re.compile(r"^(?:\s*,\s*|\s+and\s+|\s*,\s*and\s+|\s+as well as\s+)(?:the\s+)?$")
_ACTIVE_GAP = re.compile(
    r"^\s*(?:(?:has|have|had|also|recently|jointly|newly|officially|just|then|subsequently"
    r"|once again|today|yesterday)\s+)*$",
    re.IGNORECASE,
)

_UNTITLED_NOUNS = (
    r"(?P<noun>notice|circular|action plans?|plans?|key points|guiding opinions|opinions"
    r"|measures|guidelines|outline|programme|campaign)"
)
# Lower-case modifiers before the noun ("a major plan"), never a determiner or preposition.
_MODIFIERS = (
    r"(?:(?!(?:a|an|the|this|that|to|of|by|in|on|according|some|its)\b)[a-z][\w-]*\s+){0,3}?"
)
_COMPLEMENT = r"(?P<comp>\s+(?:on|for|of|about|to|regarding)\s+[^,.;:\n]{3,160}?)?"
_UNTITLED_PASSIVE = re.compile(
    rf"(?<![Tt]he )(?<![Tt]his )\b(?:(?P<det>an?|some|new)\s+)?(?P<np>{_MODIFIERS}"
    rf"{_UNTITLED_NOUNS}{_COMPLEMENT})\s+(?:(?:recently|jointly|newly|just|officially)\s+)*"
    rf"(?P<verb>{_VERB_ALT})\s+(?:(?:recently|jointly)\s+)?by\s+",
)
_UNTITLED_ACTIVE = re.compile(
    rf"\b(?P<verb>{_VERB_ALT})\s+(?P<det>an?|some|new|its)\s+"
    rf"(?P<np>{_MODIFIERS}{_UNTITLED_NOUNS}"
    r"(?P<comp>\s+(?:on|for|of|about|to|regarding)\s+[^,.;:\n]{3,160})?)",
)
_UNTITLED_NOUN = re.compile(_UNTITLED_NOUNS)
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
_UNTITLED_TYPE: dict[str, NoticeType] = {
    "notice": "notice",
    "circular": "notice",
    "plan": "plan",
    "plans": "plan",
    "action plan": "plan",
    "action plans": "plan",
    "key points": "plan",
    "outline": "plan",
    "opinions": "opinions",
    "guiding opinions": "opinions",
    "guidelines": "opinions",
    "measures": "measures",
    "programme": "program",
    "campaign": "campaign",
}
_ACTIVE_SUBJECT_TAIL = re.compile(
    r"\s+(?:(?:has|have|had|also|recently|jointly|newly|officially|just)\s+)*$", re.IGNORECASE
)
_ACCORDING = re.compile(r"\baccording to\s+$", re.IGNORECASE)
_LEADING_FILLER = re.compile(r"^[\s,]*(?:(?:recently|lately|today)\b[\s,]*)*")


def _sentence_of(spans: Sequence[Span], pos: int) -> Span:
    for span in spans:
        if span.start <= pos < span.end:
            return span
    return spans[-1] if spans else Span(start=0, end=0)


def _clause_start(text: str, pos: int, floor: int) -> int:
    start = floor
    for m in _CLAUSE_START.finditer(text, floor, pos):
        start = m.end()
    return start


def _clause_end(text: str, pos: int, ceiling: int) -> int:
    m = _SENTENCE_END.search(text, pos, ceiling)
    return m.start() if m else ceiling


def _agency_groups(mentions: list[AgencyMention], text: str) -> list[list[AgencyMention]]:
    groups: list[list[AgencyMention]] = []
    for mention in mentions:
        if groups and _LIST_GAP.match(text[groups[-1][-1].end : mention.start]):
            groups[-1].append(mention)
        else:
            groups.append([mention])
    return groups


def _issuers_at(text: str, pos: int, end: int) -> list[Issuer]:
    """The agency list that starts at `pos` ("by A, B and C")."""
    groups = _agency_groups(find_agencies(text, pos, end), text)
    if groups and not text[pos : groups[0][0].start].strip(" \n").removeprefix("the").strip():
        return [a.issuer for a in groups[0]]
    return []


def _issuers_before(text: str, start: int, verb_pos: int, *, strict: bool = True) -> list[Issuer]:
    """The agency list that is the subject of a verb at `verb_pos` ("A and B jointly issued")."""
    groups = _agency_groups(find_agencies(text, start, verb_pos), text)
    if not groups:
        return []
    if _ACTIVE_GAP.match(text[groups[-1][-1].end : verb_pos]) or not strict:
        # Not strict: "A has adjusted the mechanism and subsequently formulated the X".
        return [a.issuer for a in groups[-1]]
    return []


def _resolve_date(m: re.Match[str], doc: Document, title: str | None) -> str | None:
    if m.group("iso"):
        return m.group("iso")
    if m.group("month2"):
        month, day, year_text = m.group("month2"), m.group("day2"), m.group("year2")
    elif m.group("month3"):
        month, day, year_text = m.group("month3"), None, m.group("year3")
    else:
        month, day, year_text = m.group("month"), m.group("day"), m.group("year")
    mon = _MONTHS[month.lower().rstrip(".")]
    year: int | None = None
    if year_text and year_text[0].isdigit():
        year = int(year_text)
    elif year_text and doc.published:
        # 'last year' and 'this year' are resolved only against a stated publication date.
        year = doc.published.year - (1 if year_text.lower() == "last year" else 0)
    elif not year_text:
        if doc.published and (mon, int(day or 1)) <= (doc.published.month, doc.published.day):
            year = doc.published.year
        elif title:
            years = set(_TITLE_YEAR.findall(title))
            year = int(years.pop()) if len(years) == 1 else None
    if year is None:
        return None
    return f"{year:04d}-{mon:02d}" + (f"-{int(day):02d}" if day else "")


def _date_in(text: str, start: int, end: int, doc: Document, title: str | None) -> str | None:
    for m in _DATE.finditer(text, start, end):
        # A date inside parentheses is a dateline or a posting stamp, not the issue date.
        if text.rfind("(", start, m.start()) > text.rfind(")", start, m.start()):
            continue
        return _resolve_date(m, doc, title)
    return None


def _after_title(text: str, cand: Candidate, limit: int) -> tuple[int, str | None]:
    """Skip parentheses after a title; return the position after them and a document number."""
    pos, number = cand.outer_end, None
    while True:
        m = _PAREN.match(text, pos, limit)
        if not m:
            return pos, number
        docno = _DOCNO.search(m.group(1))
        if docno and number is None:
            number = docno.group(0).strip()
        pos = m.end()


def _header_docno(text: str, cand: Candidate) -> str | None:
    """A document number on one of the lines that follow a title standing on its own line."""
    line_start = text.rfind("\n", 0, cand.start) + 1
    line_end = text.find("\n", cand.outer_end)
    if text[line_start : cand.start].strip() or (
        line_end != -1 and text[cand.outer_end : line_end].strip()
    ):
        return None
    following = text[cand.outer_end :].lstrip("\n").split("\n", 4)[:4]
    for line in following:
        m = _DOCNO.fullmatch(line.strip())
        if m:
            return m.group(0)
    return None


def _titled(doc: Document, sentences: Sequence[Span]) -> tuple[list[Fact], list[Candidate]]:
    text = doc.text
    cands = candidates(text)
    date_lines = list(_DATE_LINE.finditer(text))
    facts: list[Fact] = []
    seen: set[str] = set()
    mentions: list[str] = []
    for i, cand in enumerate(cands):
        prev_end = cands[i - 1].outer_end if i else 0
        next_start = cands[i + 1].start if i + 1 < len(cands) else len(text)
        before_start = _clause_start(text, cand.start, prev_end)
        before = text[before_start : cand.start]
        after_pos, docno = _after_title(text, cand, next_start)
        after_end = _clause_end(text, after_pos, next_start)
        after = text[after_pos:after_end]
        docno = docno or _header_docno(text, cand)

        verb_after = _VERB_AFTER.match(after)
        verb_before = _VERB_BEFORE.search(before)
        if _DISTRIBUTED.search(after):
            mention = "distributed"
        elif verb_after:
            mention = _VERBS[verb_after.group("verb").lower()]
        elif _REFERENCED_BEFORE.search(before):
            mention = "referenced"
        elif _IMPLEMENTING_BEFORE.search(before):
            mention = "implementing"
        elif i and prev_end > before_start - 1 and _CHAINED.match(before) and mentions:
            mention = mentions[-1]  # "implement the Outline ... and the Notice ..."
        elif verb_before:
            mention = _VERBS[verb_before.group("verb").lower()]
        else:
            mention = "released" if cand.type == "report" else "issued"
        mentions.append(mention)

        who = _who().match(cand.title)
        issuers: list[Issuer] = []
        if who:
            offset = cand.start + who.start("who")
            issuers = [a.issuer for a in find_agencies(text, offset, offset + len(who["who"]))]
        if not issuers and mention != "referenced":
            if verb_after and verb_after.group("by"):
                issuers = _issuers_at(text, after_pos + verb_after.end(), after_end)
            elif verb_before:
                verb_pos = before_start + verb_before.start()
                issuers = _issuers_before(text, before_start, verb_pos, strict=False)
            elif mention == "distributed":
                groups = _agency_groups(find_agencies(text, before_start, cand.start), text)
                issuers = [a.issuer for a in groups[-1]] if groups else []

        date: str | None = None
        if mention != "referenced":
            date = _date_in(text, after_pos, after_end, doc, cand.title) or _date_in(
                text, before_start, cand.start, doc, cand.title
            )
            if date is None and len(date_lines) == 1 and mention in ("issued", "distributed"):
                date = _resolve_date(date_lines[0], doc, cand.title)

        key = " ".join(cand.title.lower().split())
        if key in seen:
            continue
        seen.add(key)
        payload = PolicyNoticeIssued(
            title=cand.title,
            issuers=tuple(issuers),
            date=date,
            doc_number=docno,
            type=cand.type,
            mention=mention,
        )
        sentence = _sentence_of(sentences, cand.start)
        value = Span(start=cand.start, end=cand.end)
        facts.append(Fact(payload=payload, source=doc.source(sentence, value)))
    return facts, cands


def _describe(text: str, m: re.Match[str], sentence: Span) -> str:
    np = " ".join(m.group("np").split())
    if m.group("comp"):
        return np
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
    """The matches of `_UNTITLED_PASSIVE.finditer(text)`, tried only near its nouns.

    A match holds one of the nouns, and between its start and that noun stand only words,
    spaces and hyphens (determiner and modifiers). So a match can start only at a word
    start between the last other character before the first noun left and that noun; the
    rest of the text, usually most of it, is never scanned by the long pattern.
    """
    breaks = [m.start() for m in _NOT_PHRASE.finditer(text)]
    pos = 0
    while noun := _UNTITLED_NOUN.search(text, pos):
        q = noun.start()
        i = bisect_left(breaks, q) - 1
        floor = max(pos, breaks[i] + 1 if i >= 0 else 0)
        for w in _WORD_START.finditer(text, floor, q + 1):
            m = _UNTITLED_PASSIVE.match(text, w.start())
            if m:
                yield m
                pos = m.end()
                break
        else:
            pos = q + 1


def _untitled(doc: Document, sentences: Sequence[Span], titled: list[Candidate]) -> list[Fact]:
    text = doc.text
    facts: list[Fact] = []
    for rx in (_UNTITLED_PASSIVE, _UNTITLED_ACTIVE):
        found = _passive_matches(text) if rx is _UNTITLED_PASSIVE else rx.finditer(text)
        for m in found:
            if any(c.start < m.end() and m.start() < c.outer_end for c in titled):
                continue
            noun = m.group("noun").lower()
            if not m.group("det") and not noun.endswith(("s", "points")):
                continue  # a bare singular noun is an anaphor ("notice issued by")
            sentence = _sentence_of(sentences, m.start())
            issuers: list[Issuer] = []
            if rx is _UNTITLED_PASSIVE:
                issuers = _issuers_at(text, m.end(), sentence.end)
                if not issuers:
                    described = _DESCRIBED_ISSUER.match(text, m.end(), sentence.end)
                    if not described:
                        continue
                    name = described.group(0).removeprefix("the ").strip()
                    issuers = [Issuer(id=UNKNOWN, name=name)]
            else:
                issuers = _issuers_before(text, sentence.start, m.start())
                subject = _ACTIVE_SUBJECT_TAIL.sub("", text[sentence.start : m.start()])
                if not issuers and not _NATIONAL_SUBJECT.search(subject):
                    continue  # a company or a person releasing a plan is not policy
            clause_start = _clause_start(text, m.start(), sentence.start)
            date = _date_in(text, clause_start, m.start(), doc, None)
            payload = PolicyNoticeIssued(
                title=None,
                description=_describe(text, m, sentence),
                issuers=tuple(issuers),
                date=date,
                type=_UNTITLED_TYPE.get(noun, "other"),
                mention=_VERBS[m.group("verb").lower()],
            )
            value = Span(start=m.start("np"), end=m.end("np"))
            facts.append(Fact(payload=payload, source=doc.source(sentence, value)))
    return facts


def extract_notices(doc: Document) -> list[Fact]:
    """Policy notices, plans, measures, opinions and reports issued or cited in a document."""
    sentences = document_sentences(doc.text)
    titled, cands = _titled(doc, sentences)
    facts = titled + _untitled(doc, sentences, cands)
    facts.sort(key=lambda f: f.source.value_span.start if f.source.value_span else 0)
    return facts
