"""Policy notices (notices, plans, measures, opinions, reports) named or described in a text.

The stages: titles (notice_titles.py); for each title the words around it, which say
whether it is issued, released, distributed, implemented or cited as a legal basis
("in accordance with the ..."), who issued it (notice_issuers.py), when (notice_dates.py)
and its document number in its printed forms ("Guo Zhi Fa [2021] No. 12", "〔2021〕12号",
"CNIPA Announcement No. 411"); then documents described without a title
(notice_untitled.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from events import Span
from events.types import Issuer, PolicyNoticeIssued
from services.ingest.extract.agencies import find_agencies
from services.ingest.extract.base import Document, Fact
from services.ingest.extract.notice_candidates import candidates
from services.ingest.extract.notice_dates import date_in, date_lines, resolve_date
from services.ingest.extract.notice_issuers import agency_groups, issuers_at, issuers_before
from services.ingest.extract.notice_mentions import Around, around
from services.ingest.extract.notice_mentions import mention as mention_kind
from services.ingest.extract.notice_relations import (
    editions_differ,
    embedded,
    same_notice,
    title_key,
)
from services.ingest.extract.notice_titles import Candidate, head_alt
from services.ingest.extract.notice_untitled import untitled
from services.ingest.extract.notice_verbs import (
    sentence_of,
    verb_alt,
)
from services.ingest.extract.sentences import document_sentences

_EFFECTIVE = re.compile(
    r"\b(?:took|takes|take)\s+effect|\b(?:came|comes|come)\s+into\s+(?:force|effect)"
    r"|\beffective\s+(?:from|on|as\s+of)\b",
    re.IGNORECASE,
)
_OWNER = re.compile(r"['’]s\s+(?:[\"“《]\s*)?$")



@cache
def _fronted() -> re.Pattern[str]:
    """A clause opening with the issuing verb and its agents ("Issued by A and B, the ...")."""
    return re.compile(
        rf"\s*(?:[a-z]+ly\s+)?(?:{verb_alt()})\s+by\s+(?=[^,;.]{{1,200}},\s+(?:the\s+)?\S*$)",
        re.IGNORECASE,
    )


@cache
def _who() -> re.Pattern[str]:
    return re.compile(
        rf"^(?:[\w'’-]+ ){{0,3}}?(?:{head_alt()}) of (?P<who>.+?) on (?:[A-Z\"“]|the )",
        re.IGNORECASE,
    )


def _owner(text: str, start: int) -> list[Issuer]:
    """The agency whose possessive stands right before a title ("CNIPA's Measures ...")."""
    m = _OWNER.search(text, max(0, start - 100), start)
    if m is None:
        return []
    found = find_agencies(text, max(0, start - 100), m.start())
    return [found[-1].issuer] if found and found[-1].end == m.start() else []


def _issuers(text: str, cand: Candidate, a: Around, mention: str) -> list[Issuer]:
    if who := _who().match(cand.title):
        offset = cand.start + who.start("who")
        found = [m.issuer for m in find_agencies(text, offset, offset + len(who["who"]))]
        if found:
            return found
    if mention == "referenced":
        return []
    if owner := _owner(text, cand.start):
        return owner
    if a.verb_after and a.verb_after.group("by"):
        return issuers_at(text, a.verb_after.end(), a.after_end)
    if by := _fronted().match(text, a.before_start, cand.start):
        # "Jointly issued by A and B, the Opinions ...": the agents follow the verb
        return issuers_at(text, by.end(), cand.start)
    if a.verb_before:
        verb_pos = a.before_start + a.verb_before.start()
        return issuers_before(text, a.before_start, verb_pos, strict=False)
    if mention == "distributed":
        groups = agency_groups(find_agencies(text, a.before_start, cand.start), text)
        return [m.issuer for m in groups[-1]] if groups else []
    return []


def _date(doc: Document, cand: Candidate, a: Around, mention: str) -> str | None:
    if mention == "referenced":
        return None
    text = doc.text
    # "... took effect on March 11": the date it came into force, not of its issue
    effective = _EFFECTIVE.search(text, a.after_pos, a.after_end)
    after = None if effective else date_in(text, a.after_pos, a.after_end, doc, cand.title)
    date = after or date_in(text, a.before_start, cand.start, doc, cand.title)
    lines = date_lines(text)
    if date is None and len(lines) == 1 and mention in ("issued", "distributed"):
        date = resolve_date(lines[0], doc, cand.title)
    return date


def _titled(doc: Document, sentences: Sequence[Span], cands: list[Candidate]) -> list[Fact]:
    text = doc.text
    facts: list[Fact] = []
    kept: list[str] = []
    titles: list[str] = []
    previous: str | None = None
    for i, cand in enumerate(cands):
        a = around(text, cands, i)
        touching = i > 0 and cands[i - 1].outer_end > a.before_start - 1
        mention = mention_kind(text, cand, a, previous if touching else None)
        previous = mention
        key = title_key(cand.title)
        if any(
            (k == key and not editions_differ(t, cand.title)) or same_notice(k, key)
            for k, t in zip(kept, titles, strict=True)
        ):
            continue  # "Notice on X" and "Notice from the Office of Y on X" are one notice
        kept.append(key)
        titles.append(cand.title)
        payload = PolicyNoticeIssued(
            title=cand.title,
            issuers=tuple(_issuers(text, cand, a, mention)),
            date=_date(doc, cand, a, mention),
            doc_number=a.docno,
            type=cand.type,
            mention=mention,
        )
        value = Span(start=cand.start, end=cand.end)
        sentence = sentence_of(sentences, cand.start)
        facts.append(Fact(payload=payload, source=doc.source(sentence, value)))
        inner = embedded(cand) if mention in ("issued", "released") else None
        inner_key = title_key(inner.title) if inner else ""
        if inner is not None and inner_key not in kept:
            # the document the notice distributes is a notice of its own, by the same issuers
            kept.append(inner_key)
            titles.append(inner.title)
            carried = payload.model_copy(
                update={"title": inner.title, "type": inner.type, "mention": "distributed",
                        "date": None, "doc_number": None}
            )
            where = Span(start=inner.start, end=inner.end)
            facts.append(Fact(payload=carried, source=doc.source(sentence, where)))
    return facts


def extract_notices(doc: Document) -> list[Fact]:
    """Policy notices, plans, measures, opinions and reports issued or cited in a document."""
    sentences = document_sentences(doc.text)
    cands = candidates(doc.text)
    facts = _titled(doc, sentences, cands) + untitled(doc, sentences, cands)
    facts.sort(key=lambda f: f.source.value_span.start if f.source.value_span else 0)
    return facts
