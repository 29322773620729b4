"""The city pilots of Chinese documents, read by the stages of zh/pilots_lists.py.

In each sentence about intellectual property, a list of places and the words around it:
a verb after the list and the programme after the verb ("确定A、B和C为第二批…示范城市",
"A入选…", "A被授予…称号"), a verb before the list ("授予A…称号", "批复同意A开展…"), or a
programme before it ("…示范城市包括A、B"). The count after a list ("等18个城市") and the
batch words of a programme (第二批, 十大) are batch attributes, never statistics. Numbered
lines of places under a designation ("1 福建省厦门市", a list in an annex) join it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cache

from events import Span, programmes
from events.types import PilotStatus
from services.ingest.extract.base import Document, Fact
from services.ingest.extract.pilot_facts import Found, fact_of
from services.ingest.extract.places import Place, next_name, zh_place
from services.ingest.extract.sentences import document_sentences
from services.ingest.extract.zh import pilots_programmes as programmes_zh
from services.ingest.extract.zh.pilots_lists import (
    count_after,
    lex,
    place_at,
    place_list,
)

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_QUOTES = str.maketrans("", "", '“”"《》「」')
_NUMBERED = re.compile(r"[^\S\n]*(?:[\u4e00-\u9fff]{1,4}[^\S\n]+){0,3}\d{1,3}[.、．]?[^\S\n]*")


def _alt(words: list[str]) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


@cache
def _verbs(table: str) -> list[tuple[re.Pattern[str], PilotStatus]]:
    adverbs = _alt(lex()["words"]["adverbs"])
    agent = rf"(?:(?:被|经)[^，。；,;\n]{{{{1,{lex()['words']['agent_reach']}}}}}?)??"
    anchor = (
        rf"^\s*(?:(?:{adverbs})\s*)*{agent}(?P<v>{{}})" if table == "after_list" else r"(?:{})\s*$"
    )
    return [
        (re.compile(anchor.format(_alt(words))), status) for status, words in lex()[table].items()
    ]


def _after(
    text: str, end: int, limit: int, before: PilotStatus | None
) -> tuple[PilotStatus, int] | None:
    """The status a verb right after a list gives, and where the programme starts."""
    for rx, status in _verbs("after_list"):
        if m := rx.match(text[end:limit]):
            if m["v"] == "为" and before is None:
                return None  # a bare 为 designates only after 确定, 认定, 授予 …
            return (before if before == "awarded" else status), end + m.end()
    if before == "awarded":
        return before, end  # "授予A“国家知识产权示范城市”称号"
    return None


def _before(text: str, start: int, floor: int) -> PilotStatus | None:
    for rx, status in _verbs("before_list"):
        if rx.search(text[max(floor, start - 8) : start]):
            return status
    return None


def _designation(doc: Document, sentence: Span, places: list[Place]) -> list[Found]:
    text = doc.text
    total, end = count_after(text, places[-1].end)
    before = _before(text, places[0].start, sentence.start)
    after = _after(text, end, sentence.end, before)
    status: PilotStatus = "selected"
    read = programmes_zh.before_list(text, places[0].start, sentence.start)
    if after is not None:
        status, start = after
        read = programmes_zh.phrase(text, start, sentence.end)
        if read is None and not text[start : sentence.end].strip(" 。;；"):
            read = programmes_zh.earlier(text, places[0].start, sentence.start)
    if read is None:
        return []
    program, batch, batch_total = read
    running = any(w in program for w in lex()["words"]["running"])
    if status == "implementing" and not running and before != "implementing":
        return []  # "杭州建设知识产权强市…": building toward a goal is no pilot
    year = _YEAR.search(text, sentence.start, sentence.end)
    role = (
        "demonstration" if any(w in program for w in lex()["words"]["demonstration"]) else "pilot"
    )
    return [
        Found(
            p,
            program,
            status,
            sentence,
            batch,
            total or batch_total,
            int(year[1]) if year else None,
            role=role,
        )
        for p in places
    ]


def _about_ip(text: str, sentence: Span) -> bool:
    return any(w in text[sentence.start : sentence.end] for w in lex()["words"]["context"])


def _sentence(doc: Document, sentence: Span) -> list[Found]:
    """The designations of one sentence."""
    text = doc.text
    found: list[Found] = []
    pos = sentence.start
    while (start := next_name(text, pos, sentence.end)) is not None:
        places = place_list(text, start, sentence.end)
        if not places:
            pos = start + 1
            continue
        found += _designation(doc, sentence, places)
        pos = places[-1].end
    return found


def _members(doc: Document, found: list[Found], sentences: Sequence[Span]) -> list[Found]:
    """Places on numbered lines after a designation, one per line, join the designation."""
    text = doc.text
    out: list[Found] = []
    for m in re.finditer(r"[^\n]+", text):
        head = [f for f in found if f.place.end <= m.start()]
        number = _NUMBERED.match(text, m.start(), m.end())
        if not head or not number:
            continue
        place = place_at(text, number.end())
        if place and not text[place.end : m.end()].strip():
            last = head[-1]
            span = next((s for s in sentences if s.start <= m.start() < s.end), last.sentence)
            out.append(
                Found(
                    place,
                    last.program,
                    last.status,
                    span,
                    last.batch,
                    last.batch_total,
                    last.year,
                    role=last.role,
                )
            )
    return out


def _kept(found: list[Found]) -> list[Found]:
    """One designation per place, programme and status; "宁波" and "浙江省宁波市" are one place,
    named by its fuller form."""
    kept: dict[tuple[str, str, str], Found] = {}
    for f in found:
        place = zh_place(f.place.name)
        key = (
            f"{place.english}|{place.province}" if place else f.place.name,
            programmes.resolve(f.program) or f.program,
            f.status,
        )
        if key not in kept or len(f.place.name) > len(kept[key].place.name):
            kept[key] = f if key not in kept else replace(kept[key], place=f.place)
    return list(kept.values())


def extract_pilots(doc: Document) -> list[Fact]:
    """The places a Chinese document designates as pilots or demonstrations."""
    sentences = document_sentences(doc.text)
    found: list[Found] = []
    for sentence in sentences:
        if _about_ip(doc.text, sentence):
            found += _sentence(doc, sentence)
    found += _members(doc, found, sentences)
    return [fact_of(doc, _in_english(f), programmes.resolve(f.program)) for f in _kept(found)]


def _in_english(f: Found) -> Found:
    """The designation under the gazetteer's English name of its place ("宁波市" -> "Ningbo"),
    as English releases name it, so both languages tell of one pilot."""
    place = zh_place(f.place.name)
    return replace(f, place=replace(f.place, name=place.english)) if place else f
