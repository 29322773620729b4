"""Chinese notices named without a title.

A sentence may say that agencies issued a notice and what it does without naming it
("国家知识产权局已下发通知，正式批复…", "财政部办公厅、国家知识产权局办公室近日联合印发
通知，部署开展…"): the notice is described by the clause after its noun. A page may also
print a notice's body without its title line: its document number heads it and 特此通知
closes it above the agency and date that sign it. The words come from the [untitled] table
of `lexicon/zh_notices.toml`.
"""

from __future__ import annotations

import re
from functools import cache

from events import Span
from events.types import Issuer, PolicyNoticeIssued
from services.ingest.extract import lexicon
from services.ingest.extract.agencies_zh import find_agencies_zh
from services.ingest.extract.base import Document
from services.ingest.extract.zh.notices_parts import (
    DOC_NUMBER,
    date_in,
    signature_date,
    signature_issuers,
)

_CLAUSE_MARKS = re.compile(r"[。；！？;!?\n,，:：]")
_SENTENCE_END = re.compile(r"[。；！？;!?\n]")
_ADDRESSEES = re.compile(r"[：:][^\S\n]*\n")
_HEAD_LINES = 3  # a printed notice's number stands within its first lines
_DESCRIPTION = 60  # the longest description kept, in characters


def _words() -> dict[str, list[str]]:
    words: dict[str, list[str]] = lexicon.load("zh_notices")["untitled"]
    return words


def _alt(words: list[str]) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


@cache
def _mention_pattern() -> re.Pattern[str]:
    w = _words()
    return re.compile(
        rf"(?P<gap>(?:{_alt(w['between'])})*)(?:{_alt(w['verbs'])})了?"
        rf"(?P<noun>{_alt(w['nouns'])})(?=[,，。；;])"
    )


def _kind(noun: str) -> str:
    released = lexicon.load("zh_notices")["words"]["released_types"]
    return "released" if noun in released else "issued"


def _issuers_before(text: str, at: int) -> tuple[Issuer, ...]:
    """The agencies that end right before `at` in its clause, joined by 、 or 和."""
    marks = list(_CLAUSE_MARKS.finditer(text, max(0, at - 80), at))
    start = marks[-1].end() if marks else max(0, at - 80)
    found = find_agencies_zh(text, start, at)
    if not found or found[-1].end != at:
        return ()
    return tuple(dict.fromkeys(m.issuer for m in found))


def _after(text: str, end: int) -> str:
    """The clause after a notice's noun: what the notice does."""
    stop = _SENTENCE_END.search(text, end)
    clause = text[end : stop.start() if stop else len(text)].lstrip(" ,，")
    return clause[:_DESCRIPTION].strip()


def mentioned(doc: Document) -> list[tuple[Span, PolicyNoticeIssued]]:
    """Notices a sentence says agencies issued without naming them."""
    text, out = doc.text, []
    for m in _mention_pattern().finditer(text):
        issuers = _issuers_before(text, m.start())
        rest = text[m.end() : (_SENTENCE_END.search(text, m.end()) or m).end()]
        if not issuers or "《" in rest:
            continue  # no agency issues it, or the sentence names the document it carries
        clause = _after(text, m.end())
        noun = m["noun"]
        start = max((e.end() for e in _SENTENCE_END.finditer(text, 0, m.start())), default=0)
        payload = PolicyNoticeIssued(
            title=None,
            description=f"{noun}: {clause}" if clause else noun,
            issuers=issuers,
            date=date_in(text, start, m.end() + len(clause), doc),
            type="notice",
            mention=_kind(noun),
        )
        out.append((Span(start=m.start("noun"), end=m.end("noun")), payload))
    return out


def _head_number(text: str) -> str | None:
    """A document number printed on a line of its own at the head of the text."""
    for line in text.lstrip().split("\n")[:_HEAD_LINES]:
        if DOC_NUMBER.fullmatch(line.strip()):
            return line.strip()
    return None


def printed(doc: Document, header_titled: bool) -> list[tuple[Span, PolicyNoticeIssued]]:
    """A notice body printed without its title line: numbered at its head, closed by
    特此通知 and signed."""
    text = doc.text
    closing = next((w for w in _words()["closings"] if w in text), None)
    number = _head_number(text) if closing and not header_titled else None
    if closing is None or number is None:
        return []
    at = text.find(number)
    addressed = _ADDRESSEES.search(text, at)  # the addressees' line; the body follows it
    body = addressed.end() if addressed else at + len(number)
    noun = closing[-2:]
    payload = PolicyNoticeIssued(
        title=None,
        description=f"{noun}: {_after(text, body)}",
        issuers=signature_issuers(text),
        date=signature_date(text, doc),
        doc_number=number,
        type="notice",
        mention="issued",
    )
    return [(Span(start=at, end=at + len(number)), payload)]
