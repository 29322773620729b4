"""Titles of Chinese policy documents: in 《》, in “” and unquoted (关于…的通知).

A title is a notice's when it ends in a type word of lexicon/zh_notices.toml, perhaps
followed by parentheses ("…工作指引(2023)", "…行动计划(2017-2019年)", "…(试行)"); the
word gives the type. An unquoted title runs from 关于 (with the agencies written right
before it, "国家知识产权局关于…") or from a verb of issue ("印发…的通知") to its type word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from services.ingest.extract import lexicon
from services.ingest.extract.agencies_zh import find_agencies_zh

_PARENS = r"(?:\s*[(（][^()（）\n]{1,20}[)）])*"
_QUOTED = re.compile(r"《(?P<t>[^《》\n]{2,120})》|“(?P<q>[^“”\n]{2,80})”")
_JOIN = re.compile(r"[、和与及,，]")
# parentheses closing a title that hold its document number, which is no part of the title
_NUMBERED = re.compile(
    r"\s*[(（][^()（）\n]*[〔【\[]\s*(?:19|20)\d{2}\s*[〕】\]][^()（）\n]*[)）]$"
)
_MIN_TITLE = 3  # "《意见》", "《纲要》": a type word alone points back to a title named before


@dataclass(frozen=True, slots=True)
class Title:
    """A title found in a text: where it is written, its text and type."""

    title: str
    type: str
    start: int  # the title's first character (inside the quotes)
    end: int
    outer_start: int  # with its quotes
    outer_end: int
    prefix_end: int  # where the agencies written before 关于 end (== start without them)


@cache
def _type_words() -> list[tuple[str, str]]:
    types = lexicon.load("zh_notices")["types"]
    pairs = [(str(w), str(kind)) for kind, ws in types.items() for w in ws]
    return sorted(pairs, key=lambda p: len(p[0]), reverse=True)


@cache
def _type_at_end() -> re.Pattern[str]:
    alt = "|".join(re.escape(w) for w, _ in _type_words())
    return re.compile(rf"(?P<w>{alt}){_PARENS}$")


@cache
def _types_after() -> dict[str, str]:
    return {
        str(w): str(kind)
        for kind, ws in lexicon.load("zh_notices")["types_after"].items()
        for w in ws
    }


def _type_after(text: str, pos: int) -> str | None:
    """The type a word right after a closing 》 gives ("《…》白皮书" is a report)."""
    for word, kind in sorted(_types_after().items(), key=lambda p: -len(p[0])):
        if text.startswith(word, pos):
            return kind
    return None


def type_of(title: str) -> str | None:
    """The notice type a title's last word gives ("…的指导意见" -> opinions), else None."""
    m = _type_at_end().search(title)
    return dict(_type_words())[m["w"]] if m else None


@cache
def _unquoted() -> re.Pattern[str]:
    alt = "|".join(re.escape(w) for w, _ in _type_words())
    verbs = "|".join(map(re.escape, lexicon.load("zh_notices")["words"]["unquoted_verbs"]))
    # a quoted name inside a title: "关于印发“十四五”国家知识产权保护和运用规划的通知"
    named = r"《[^《》\n]{1,80}》|“[^“”\n]{1,20}”"
    body = rf"(?:[^。；！？\n《》“”,，:：]|{named})"
    return re.compile(
        rf"(?P<about>关于{body}{{2,80}}?的(?:{alt}){_PARENS})"
        rf"|(?:{verbs})了?(?P<bare>(?:[^。；！？\n《》“”,，:：关]|“[^“”\n]{{1,20}}”){{4,50}}?的(?:{alt}))"
    )


def _short_name(text: str, start: int, title: str) -> bool:
    """'(以下简称《纲要》)', '《意见》': a short name pointing back, not a title of its own."""
    shorts = lexicon.load("zh_notices")["words"]["short_name_cues"]
    return len(title) < _MIN_TITLE or text[max(0, start - 4) : start].endswith(tuple(shorts))


def _asked_for(text: str, start: int) -> bool:
    """'征求…关于X的意见': opinions asked for or given, not a document's title."""
    verbs = lexicon.load("zh_notices")["words"]["asked_for"]
    clause = re.split(r"[。；！？\n,，]", text[max(0, start - 20) : start])[-1]
    return any(v in clause for v in verbs)


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < pos < e for s, e in spans)


def _prefix_start(text: str, pos: int) -> int:
    """Where agencies written right before 关于 start ("财政部、国家知识产权局关于")."""
    line = max(text.rfind("\n", 0, pos), text.rfind("《", 0, pos)) + 1
    start = pos
    for m in reversed(find_agencies_zh(text, line, pos)):
        if m.end == start or (m.end < start and _JOIN.fullmatch(text[m.end : start])):
            start = m.start
    return start


def titles(text: str) -> list[Title]:
    """Every notice title in a text, in text order."""
    out: list[Title] = []
    quoted: list[tuple[int, int]] = []
    for m in _QUOTED.finditer(text):
        group = "t" if m["t"] else "q"
        quoted.append((m.start(), m.end()))
        kind = type_of(m[group].strip()) or (_type_after(text, m.end()) if m["t"] else None)
        if kind and not _short_name(text, m.start(), m[group].strip()):
            s, e = m.start(group), m.end(group)
            about = text.find("关于", s, e)  # "《国务院关于…的意见》" names its issuer
            prefix = about if about > s and _prefix_start(text, about) == s else s
            out.append(Title(m[group].strip(), kind, s, e, m.start(), m.end(), prefix))
    for m in _unquoted().finditer(text):
        group = "about" if m["about"] else "bare"
        s, e = m.start(group), m.end(group)
        if _inside(s, quoted):
            continue
        start = _prefix_start(text, s) if group == "about" else s
        if number := _NUMBERED.search(text, s, e):  # "…的通知（国知办发运字〔2021〕15号）"
            e = number.start()
        kind = type_of(text[s:e])
        if kind and not _asked_for(text, start):
            out.append(Title(text[start:e], kind, start, e, start, e, s))
    return sorted(out, key=lambda t: t.start)
