"""Lists of Chinese places and the counts of designations (lexicon/zh_pilots.toml).

A list is places joined by 、, 和, 及 ("福建省厦门市、浙江省宁波市和吉林省长春市"), each
read with the Chinese gazetteer; a name below a known place that the gazetteer does not
hold is still a place when it ends in 区, 县 or 市 ("苏州市吴中区"). Counts are batch
numbers (第二批) and batch sizes (等18个城市, 十大), written in digits or Chinese numerals.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from services.ingest.extract import lexicon
from services.ingest.extract.places import Place, zh_place_at

_OPEN_REACH = 4  # characters of an unlisted district or county name ("吴中", "嘉善")


@cache
def lex() -> dict[str, Any]:
    """The pilot words of lexicon/zh_pilots.toml."""
    return lexicon.load("zh_pilots")


def _alt(words: list[str]) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


@cache
def _numeral() -> str:
    return rf"(?:\d{{1,3}}|[{''.join(lex()['words']['numerals'])}]{{1,3}})"


def number(text: str) -> int | None:
    """A count in digits or Chinese numerals up to 99 ("18", "十八", "二十", "两")."""
    if text.isdigit():
        return int(text)
    values = lex()["words"]["numerals"]
    if not text or any(ch not in values for ch in text):
        return None
    if "十" not in text:
        return int(values[text]) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    return (int(values[tens]) if tens else 1) * 10 + (int(values[ones]) if ones else 0)


@cache
def _open() -> re.Pattern[str]:
    stop = (
        _alt(lex()["separators"])
        + "|[等为入获被成和的个"
        + "".join(lex()["words"]["numerals"])
        + "]"
    )
    return re.compile(
        rf"(?:(?!{stop})[\u4e00-\u9fff]){{1,{_OPEN_REACH}}}?(?:{_alt(lex()['open_suffixes'])})"
    )


def place_at(text: str, pos: int) -> Place | None:
    """The place written at `pos`: a gazetteer chain, perhaps with an unlisted unit below."""
    known = zh_place_at(text, pos)
    if known is None:
        return None
    end, level = known.end, known.level
    if level != "district" and (m := _open().match(text, end)) and not zh_place_at(text, end):
        end, level = m.end(), "district"
    if level == "province" and known.written.endswith("市"):
        level = "municipality"
    return Place(text[pos:end], level, pos, end)


@cache
def _separator() -> re.Pattern[str]:
    return re.compile(rf"\s*(?:{_alt(lex()['separators'])})\s*")


def place_list(text: str, pos: int, end: int) -> list[Place]:
    """The places listed from `pos` on (one or more), or [] when none starts there."""
    first = place_at(text, pos)
    if first is None or first.end > end:
        return []
    places = [first]
    while m := _separator().match(text, places[-1].end, end):
        nxt = place_at(text, m.end())
        if nxt is None or nxt.end > end:
            break
        places.append(nxt)
    return places


@cache
def _count() -> re.Pattern[str]:
    w = lex()["words"]
    counted, leads = _alt(w["counted"]), _alt(w["count_leads"])
    kinds, verbs = _alt(w["uncounted"]), _alt(w["bare_close_before"])
    return re.compile(
        rf"^\s*(?:(?:{leads})?\s*(?P<n>{_numeral()})\s*(?:{counted})|等\s*(?:{kinds}|(?={verbs})))"
    )


def count_after(text: str, pos: int) -> tuple[int | None, int]:
    """'等18个城市' (or '等城市') after a list: the batch size and where the words end."""
    m = _count().match(text[pos : pos + 20])
    if m is None:
        return None, pos
    return (number(m["n"]) if m["n"] else None), pos + m.end()


_EMPTY_PARENS = re.compile(r"[(（]\s*[)）]")


@cache
def _batch() -> re.Pattern[str]:
    return re.compile(rf"第\s*(?P<b>{_numeral()})\s*批|(?P<t>{_numeral()})\s*大(?=[\u4e00-\u9fff])")


def counts(programme: str) -> tuple[str, int | None, int | None]:
    """A programme without its batch words: ('第二批国家…城市' -> '国家…城市', batch 2)."""
    batch = total = None
    for m in _batch().finditer(programme):
        if m["b"]:
            batch = number(m["b"])
        elif m["t"]:
            total = number(m["t"])
    for word, value in lex()["words"]["batch_words"].items():
        if word in programme:
            batch, programme = int(value), programme.replace(word, "")
    bare = _EMPTY_PARENS.sub("", _batch().sub("", programme)).strip()  # "…城市（第二批）"
    return bare, batch, total
