"""Programme phrases of pilot designations: where a programme's name starts and ends.

A programme phrase is a run of words between punctuation and stop words ("... pilot city
and will receive ..." ends at "and will") that holds a designation mark (pilot,
demonstration, model, protection center, ...) and ends on a head noun. The word lists are
in lexicon/pilots.toml.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from services.ingest.extract import lexicon
from services.ingest.extract.pattern_gates import starts_with
from services.ingest.extract.pilot_counts import counts
from services.ingest.extract.places import place_at

_TOKEN = re.compile(
    r"\((?:[A-Z][A-Za-z]{1,9}|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\)"  # (IPR), (Pudong)
    r"|[A-Za-z0-9][\w'’-]*|[“”\"]|\S"
)
_QUOTE = frozenset('“”"')
_LEAD = re.compile(
    r"^(?:(?:an?|the|as|be|into|among|one\s+of|of|its|their|to|(?:to\s+)?(?:be(?:come)?|build|develop)"
    r"|carry\s+out|conduct|undertake|implement|pilot\s+work\s+on"
    r"|(?:establishment|construction|building|setting\s+up|creation)\s+of"
    r"|(?:approval|permission)\s+(?:to\s+(?:build|set\s+up|establish|become)|for)"
    r"|(?:this|last|next)\s+year(?:['’]s)?|list\s+of|added\s+to|for|(?:19|20)\d\d,?"
    # "the title of national IP model city", "the status of demonstration cities"
    r"|(?:title|status|honou?r|rank)\s+of"
    r"|become|China['’]s"
    r"|the\s+country['’]s)\s+)+",
    re.IGNORECASE,
)
# Heads that say what kind of thing was designated; "pilot zone" cannot point back to a city.
_PLACE_HEADS = frozenset(
    {"city", "zone", "park", "area", "district", "county", "center", "centre", "base", "market",
     "project", "program", "programme", "region", "cluster"}
)  # fmt: skip
_UNIT_HEADS = frozenset(
    {"city", "county", "district", "province", "region", "area", "place", "municipality", "zone",
     "park", "unit", "site"}
)  # fmt: skip
# "X, Y and Z", "Top 10 X and Top 8 Y", "an X and a Y": a list of programmes
_SPLIT = re.compile(
    r",\s+(?:and\s+)?|\s+and\s+(?=(?:Top\s+\d+\s+)?[A-Z]|\d)|\s+and\s+(?:an?|the)\s+"
)


@dataclass(frozen=True, slots=True)
class Programme:
    """A programme phrase: its text (tidied) and where it stands."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Words:
    heads: frozenset[str]
    marks: re.Pattern[str]
    generic: frozenset[str]
    stops: re.Pattern[str]
    pairs: tuple[frozenset[str], ...]
    bearers: frozenset[str]


@cache
def _words() -> _Words:
    lex = lexicon.load("pilots")
    marks = "|".join(r"\s+".join(map(re.escape, m.split())) for m in lex["marks"])
    stop_list = [
        *lex["stops"], *lex["selected"], *lex["selecting"], *lex["awarded"], *lex["launched"]
    ]
    stops = "|".join(
        r"\s+".join(map(re.escape, s.split())) for s in sorted(stop_list, key=len, reverse=True)
    )
    return _Words(
        heads=frozenset(lex["heads"]),
        marks=re.compile(rf"{starts_with(lex['marks'])}\b(?:{marks})\b", re.IGNORECASE),
        generic=frozenset(lex["generic"]),
        stops=re.compile(rf"(?:{stops})\b", re.IGNORECASE),
        pairs=tuple(frozenset(p) for p in lex["mark_pairs"]),
        bearers=frozenset(lex["bearers"]),
    )


def _runs(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Word runs between punctuation and stop words, as (start, end) offsets, in order (a
    run is complete when the token after it is read, so callers may stop early)."""
    w = _words()
    run: tuple[int, int] | None = None
    for m in _TOKEN.finditer(text, start, end):
        tok = m.group(0)
        if tok in _QUOTE:
            continue
        breaks = not (tok[0].isalnum() or tok.startswith("(")) or w.stops.match(text, m.start())
        if breaks:
            if run:
                yield run
            run = None
            continue
        run = (run[0], m.end()) if run else (m.start(), m.end())
    if run:
        yield run


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Cut leading determiners and trailing words after the last head noun."""
    w = _words()
    lead = _LEAD.match(text[start:end])
    start += lead.end() if lead else 0
    last = None
    after_head = ""  # the word right after the last head noun
    for m in _TOKEN.finditer(text, start, end):
        word = m.group(0).lower().strip("()")
        if word in w.heads:
            last, after_head = m.end(), ""
        elif last is not None and not after_head:
            after_head = word
    if last is None or after_head in w.bearers:
        return None  # "... demonstration enterprise": companies, not places, are named
    close = text.find(")", last, end)  # keep "(IPR)" right after the head
    if close != -1 and text[last:close].strip().startswith("("):
        last = close + 1
    return start, last


def _marked(phrase: str) -> bool:
    w = _words()
    if w.marks.search(phrase):
        return True
    words = frozenset(t.lower() for t in re.findall(r"[A-Za-z]+", phrase))
    return any(pair <= words for pair in w.pairs)


def programmes(text: str, start: int, end: int, *, generic: bool = False) -> list[Programme]:
    """Every programme phrase in text[start:end], in text order.

    With `generic`, phrases of generic words only ("such centers") count too."""
    return list(iter_programmes(text, start, end, generic=generic))


def iter_programmes(
    text: str, start: int, end: int, *, generic: bool = False, within: int | None = None
) -> Iterator[Programme]:
    """`programmes` one at a time; with `within`, nothing when the first phrase would
    start more than `within` words after `start` (a phrase never starts before the run it
    is cut from, so the runs past that are not read)."""
    for a, b in _runs(text, start, end):
        if within is not None and len(text[start:a].split()) > within:
            return
        cut = _trim(text, a, b)
        if cut is None:
            continue
        phrase = " ".join(text[cut[0] : cut[1]].split())
        if _marked(phrase) or (generic and is_generic(phrase)):
            yield Programme(phrase, cut[0], cut[1])
            within = None


def is_unit(phrase: str) -> bool:
    """'cities', '12 counties': a noun for places with no word of a programme."""
    return is_generic(phrase) and not _marked(phrase) and head(phrase) in _UNIT_HEADS


def head(phrase: str) -> str:
    """The head noun of a phrase, singular ('centers' -> 'center', 'cities' -> 'city')."""
    words = re.findall(r"[A-Za-z]+", phrase)
    word = words[-1].lower() if words else ""
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def same_kind(generic: str, named: str) -> bool:
    """Whether a named programme can be what a generic phrase points back to."""
    h = head(generic)
    heads = {head(w) for w in re.findall(r"[A-Za-z]+", named)}
    # "pilot city" cannot mean "model cities": a mark word of the phrase must be there too
    marks = {head(m.group(0)) for m in _words().marks.finditer(generic)}
    return (h not in _PLACE_HEADS or h in heads) and marks <= heads


def tidy(phrase: str) -> str:
    """One line, no quotes, at most 20 words."""
    words = phrase.replace("“", "").replace("”", "").replace('"', "").split()
    return " ".join(words[:20]).strip(" ,")


def is_generic(phrase: str) -> bool:
    """'pilot cities', 'such centers': words that do not say which programme."""
    words = [t.lower() for t in re.findall(r"[A-Za-z][\w-]*", phrase)]
    return all(t in _words().generic for t in words)


def designations(phrase: str) -> list[tuple[str, int | None, int | None]]:
    """'Top 10 X City, Top 8 Y City and Z' as (programme, batch_total, batch) each."""
    out: list[tuple[str, int | None, int | None]] = []
    for piece in _SPLIT.split(phrase):
        piece = piece.strip()
        if piece and _words().marks.search(piece) and not place_at(piece, 0):
            # a piece that starts with a place is a new object: "... city and Lianyungang a ..."
            # "12 national IP model cities": 12 is the batch size, not the programme's
            bare, total, batch = counts(piece)
            out.append((tidy(bare), total, batch))
    return out
