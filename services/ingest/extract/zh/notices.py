"""The policy notices of Chinese documents, read by the stages of zh/notices_*.py.

The stages: titles (notices_titles.py); for each title the clause before it, whose last
cue says how it is mentioned (印发 issued, 发布 released, 现将…印发 distributed, 根据 / 按照
/ 依据 referenced); its issuers (the agencies before 关于 in the title, before the verb of
issue, or the header and signature of the document); its date and document number
(notices_parts.py). A title listed right after another ("按照《A》、《B》的要求") is
mentioned as that one is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from events import Span
from events.types import Issuer, PolicyNoticeIssued
from services.ingest.extract import lexicon
from services.ingest.extract.agencies_zh import find_agencies_zh
from services.ingest.extract.base import Document, Fact
from services.ingest.extract.notice_verbs import sentence_of
from services.ingest.extract.sentences import document_sentences
from services.ingest.extract.zh import notices_untitled as untitled
from services.ingest.extract.zh.notices_parts import (
    date_in,
    doc_number_near,
    line_agencies,
    page_date,
    signature_date,
    signature_issuers,
)
from services.ingest.extract.zh.notices_titles import Title, titles
from services.ingest.extract.zh.pilots_lists import number

_CLAUSE_END = re.compile(r"[。；！？;!?\n]")
_PHRASE_END = re.compile(r"[。；！？;!?\n,，:：]")
# "《X》印发给你们", "《X》于近日发布": a verb within a few characters after the title
_AFTER = r"^[^\S\n]*(?:[,，][^\S\n]*|[^。；;，,\n《》]{{0,6}}?)(?:{})"
_DEPARTMENTS = re.compile(r"(?P<n>\d{1,2}|[两二三四五六七八九十]{1,2})\s*个?\s*(?:部门|部委|单位)")
_CLAUSE_REACH = 400  # a cue further back than this is in another clause in any case
_CHAIN = re.compile(r"\s*[、和及与,，]?\s*")
_PAREN_AFTER = re.compile(r"\s*[(（]([^()（）\n]{4,40})[)）]")
_HEADER_LINES = 4  # a header's document number is printed within this many lines of it


@dataclass(frozen=True, slots=True)
class _Read:
    mention: str
    issuers: tuple[Issuer, ...]


@cache
def _cues() -> list[tuple[re.Pattern[str], str]]:
    lex = lexicon.load("zh_notices")
    out = []
    for table, anchor in (("cues", "{}"), ("after", _AFTER)):
        for mention, ws in lex[table].items():
            alt = "|".join(map(re.escape, sorted(ws, key=len, reverse=True)))
            out.append((re.compile(anchor.format(alt) if table == "after" else alt), mention))
    return out


def _clause_start(text: str, pos: int, ends: re.Pattern[str] = _CLAUSE_END) -> int:
    floor = max(0, pos - _CLAUSE_REACH)
    starts = [m.end() for m in ends.finditer(text, floor, pos)]
    return starts[-1] if starts else floor


def _unique(issuers: list[Issuer]) -> tuple[Issuer, ...]:
    return tuple(dict.fromkeys(issuers))


def _mention(text: str, t: Title, before_start: int) -> tuple[str, int | None]:
    """The mention the words around a title give, and where the cue before it starts."""
    after = text[t.outer_end : t.outer_end + 12]
    best: tuple[int, int, str] | None = None
    for rx, mention in _cues():
        if rx.pattern.startswith("^"):
            if rx.match(after):
                return mention, None
            continue
        for m in rx.finditer(text, before_start, t.outer_start):
            # the cue nearest the title wins; of two ending together the longer ("关于印发")
            if best is None or (m.end(), -m.start()) > (best[0], -best[1]):
                best = (m.end(), m.start(), mention)
    if best:
        return best[2], best[1]
    released = lexicon.load("zh_notices")["words"]["released_types"]
    kind = "released" if t.type == "report" or t.title.endswith(tuple(released)) else "issued"
    return kind, None


def _own_line(text: str, t: Title) -> bool:
    line_start = text.rfind("\n", 0, t.outer_start) + 1
    line_end = text.find("\n", t.outer_end)
    rest = text[t.outer_end : line_end if line_end != -1 else len(text)]
    return not text[line_start : t.outer_start].strip() and not rest.strip()


def _header_issuers(text: str, t: Title) -> tuple[Issuer, ...]:
    """The agency line above a header title, else the one that signs the document."""
    line_start = text.rfind("\n", 0, t.outer_start)
    if line_start > 0:
        prev = text.rfind("\n", 0, line_start) + 1
        if issuers := line_agencies(text, prev, line_start):
            return issuers
    return signature_issuers(text)


def _issuers(
    text: str, t: Title, mention: str, cue: int | None, header: bool
) -> tuple[Issuer, ...]:
    if t.prefix_end > t.start:  # "财政部、国家知识产权局关于…"
        return _unique([m.issuer for m in find_agencies_zh(text, t.start, t.prefix_end)])
    if mention == "referenced":
        return ()
    if cue is not None:
        clause = _clause_start(text, cue, _PHRASE_END)
        found = find_agencies_zh(text, clause, cue)
        if found:
            return _unique([m.issuer for m in found])
        if counted := _counted_before(text, clause, cue):
            return counted
    return _header_issuers(text, t) if header else signature_issuers(text)


def _counted_before(text: str, start: int, cue: int) -> tuple[Issuer, ...]:
    """'两部门联合印发': the last agencies named before, when they are as many as counted."""
    m = _DEPARTMENTS.search(text, start, cue)
    n = number(m["n"]) if m else None
    if n is None:
        return ()
    named = _unique(
        [a.issuer for a in find_agencies_zh(text, max(0, start - _CLAUSE_REACH), start)]
    )
    return named[-n:] if len(named) >= n else ()


def _doc_number(text: str, t: Title, header: bool) -> str | None:
    m = _PAREN_AFTER.match(text, t.outer_end)
    if m and (number := doc_number_near(text, m.start(1), m.end(1))):
        return number
    if not header:
        return None
    following = text[t.outer_end :].lstrip("\n").split("\n", _HEADER_LINES)[:_HEADER_LINES]
    for line in following:
        number = doc_number_near(line, 0, len(line))
        if number and number == line.strip():
            return number
    return None


def _read(doc: Document, t: Title, previous: tuple[Title, _Read] | None) -> _Read:
    """How a title is mentioned and by whom; a title listed after another shares its reading."""
    text = doc.text
    chained = previous and previous[0].outer_end <= t.outer_start
    if previous and chained and _CHAIN.fullmatch(text[previous[0].outer_end : t.outer_start]):
        mention = previous[1].mention
        if t.prefix_end > t.start or mention == "referenced":  # the list names no issuer
            return _Read(mention, _issuers(text, t, mention, None, False))
        return previous[1]
    header = _own_line(text, t)
    mention, cue = _mention(text, t, _clause_start(text, t.outer_start))
    return _Read(mention, _issuers(text, t, mention, cue, header))


def _same(a: Title, b: Title) -> bool:
    """Two titles of one type where one holds the other (agencies before 关于 aside)."""
    x, y = a.title[a.prefix_end - a.start :], b.title[b.prefix_end - b.start :]
    return a.type == b.type and (x in b.title or y in a.title)


def _enclosing(
    t: Title, facts: list[tuple[Title, PolicyNoticeIssued]]
) -> PolicyNoticeIssued | None:
    for outer, payload in facts:
        if outer.start <= t.outer_start and t.outer_end <= outer.end and outer is not t:
            return payload
    return None


def _date(doc: Document, t: Title, mention: str, sentence: Span, header: bool) -> str | None:
    if mention == "referenced":
        return None
    if header or mention == "distributed":
        return signature_date(doc.text, doc) or (page_date(doc.text) if header else None)
    return date_in(doc.text, sentence.start, sentence.end, doc)


def _notices(doc: Document, sentences: Sequence[Span]) -> list[tuple[Title, PolicyNoticeIssued]]:
    text = doc.text
    out: list[tuple[Title, PolicyNoticeIssued]] = []
    seen: list[Title] = []
    previous: tuple[Title, _Read] | None = None
    for t in titles(text):
        read = _read(doc, t, previous)
        previous = (t, read)
        if any(_same(t, other) for other in seen):
            continue  # "关于X的通知" and "《国家知识产权局关于X的通知》" are one notice
        seen.append(t)
        header = _own_line(text, t)
        issuers = read.issuers
        if (outer := _enclosing(t, out)) is not None:
            issuers = issuers if t.prefix_end > t.start else outer.issuers
        sentence = sentence_of(sentences, t.start)
        payload = PolicyNoticeIssued(
            title=t.title,
            issuers=issuers,
            date=_date(doc, t, read.mention, sentence, header),
            doc_number=_doc_number(text, t, header),
            type=t.type,
            mention=read.mention,
        )
        out.append((t, payload))
    return out


def extract_notices(doc: Document) -> list[Fact]:
    """The notices, plans, measures, opinions and reports a Chinese document names, titled
    or not."""
    sentences = document_sentences(doc.text)
    titled = _notices(doc, sentences)
    header = any(_own_line(doc.text, t) for t, _ in titled)
    found = [(Span(start=t.start, end=t.end), p) for t, p in titled]
    found += untitled.mentioned(doc) + untitled.printed(doc, header)
    found.sort(key=lambda sp: sp[0].start)
    return [
        Fact(payload=p, source=doc.source(sentence_of(sentences, span.start), span))
        for span, p in found
    ]
