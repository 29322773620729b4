"""The sentence shapes that designate places: what stands before and after a place list.

Each shape looks at the text left of a place list (within its sentence) and right of it
and says which programme the places join and with which status:

* passive: "A, B and C were selected as ...", "X was newly approved by ... to become ..."
* became / among: "X became a ...", "It is among the first group of 23 ... cities"
* one of them: "..., with X being one of them"
* list: "pilot cities include A, B and C", "namely A, B and C", "N cities including ..."
* active: "approved X as ...", "agreed to build China (A), China (B) ... Centers"
* establishment: "approved the construction of a ... center in X", "located in X"
* launch: "X launched a ... pilot", "A ... pilot program in X launched", "build X into ..."
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from events.types import PilotStatus
from services.ingest.extract import lexicon
from services.ingest.extract.pilot_programmes import Programme, is_unit, programmes
from services.ingest.extract.places import lead_start

_UNITS = re.compile(
    r"\b(?:cities|districts|zones|parks|counties|provinces|regions|areas|places)\b[^.;]*$",
    re.IGNORECASE,
)
_CONTEXT = re.compile(
    r"\b(?:pilot|demonstration|model|key|priority|exemplary|experimental|honou?r|title"
    r"|projects?|programmes?|programs?)\b",
    re.IGNORECASE,
)
_DASH = re.compile(r"\s*[-–—]+(?=\s)")
_ASIDE = re.compile(r"\s*\([^()]{1,40}\)")
_APPOSITION = re.compile(r"\s*,\s+(?:an?|one\s+of\s+the|the)\s+")
_BACK = re.compile(r"\b(?:them|they|these|those|which|list|others)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Hit:
    """What a shape read: the programme (None: the one named before) and the status."""

    programme: Programme | None
    status: PilotStatus
    awarded_by_verb: bool = False
    more: tuple[Programme, ...] = ()  # "became a pilot park in 2007 and was upgraded to ..."


def _alt(words: list[str] | tuple[str, ...]) -> str:
    return "|".join(
        r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True)
    )


@dataclass(frozen=True, slots=True)
class _Shapes:
    passive: re.Pattern[str]
    again: re.Pattern[str]
    copula: re.Pattern[str]
    became: re.Pattern[str]
    among: re.Pattern[str]
    them: re.Pattern[str]
    won: re.Pattern[str]
    launch_after: re.Pattern[str]
    launched_passive: re.Pattern[str]
    intro_before: re.Pattern[str]
    active_before: re.Pattern[str]
    build_before: re.Pattern[str]
    into_before: re.Pattern[str]
    into_after: re.Pattern[str]
    as_after: re.Pattern[str]
    in_before: re.Pattern[str]
    run_in: re.Pattern[str]
    establish: re.Pattern[str]
    awarded: re.Pattern[str]
    demonstration_awarded: re.Pattern[str]
    launch_word: re.Pattern[str]
    ceremony_before: re.Pattern[str]
    operating_after: re.Pattern[str]


@cache
def _shapes() -> _Shapes:
    lex = lexicon.load("pilots")
    sel, award = _alt(lex["selected"]), _alt(lex["awarded"])
    tail = _alt(lex["agency_tail"])
    be = r"(?:was|were|has\s+been|have\s+been|had\s+been|is|are|being|got|get|gets)"
    adv = r"(?:[a-z]+ly\s+|also\s+|just\s+|first\s+|newly\s+)*"
    agency = rf"(?:\s*(?i:{tail}))?"
    return _Shapes(
        passive=re.compile(
            rf"{agency}\s*,?\s+{be}\s+{adv}(?P<verb>{sel}|{award})\b"
            r"(?:\s+by\s+[^,;]{3,90}?(?=\s+(?:as|to\s+be|to\s+become|among|into|in|for)\s))?",
            re.I,
        ),
        again=re.compile(
            rf"(?:\s+in\s+(?:19|20)\d{{2}})?,?\s+(?:and|then)\s+"
            rf"(?:(?:{be}|later|then|also|in\s+(?:19|20)\d\d,?)\s+)*"
            rf"(?:{adv}(?:{sel}|{award}|became|become)\b(?:\s+(?:to|as|into))?|as\b)",
            re.I,
        ),
        copula=re.compile(rf"{agency}\s+(?:is|are|was|were)\s+(?:also\s+)?(?:an?\s+|the\s+)?"),
        became=re.compile(
            rf"{agency}\s+(?:has\s+|have\s+|had\s+)?{adv}"
            # "have passed the evaluation and become ..."
            r"(?:passed\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?and\s+)?"
            r"(?:became|become|becomes|joined|joins)\b"
        ),
        among=re.compile(rf"{agency}\s+{be}\s+{adv}(?:among|one\s+of|part\s+of|included\s+in)\b"),
        won=re.compile(
            rf"{agency}\s+(?:has\s+|have\s+|had\s+)?{adv}(?:{_alt(lex['won'])})\s+", re.I
        ),
        them=re.compile(rf"\s+{be}\s+(?:(?:one|part)\s+of|among)\s+them\b"),
        launch_after=re.compile(
            rf"{agency}\s+(?:has\s+|have\s+|had\s+)?{adv}(?:{_alt(lex['launched'])})\s+", re.I
        ),
        launched_passive=re.compile(
            rf"\s*,?\s+(?:{be}\s+)?{adv}(?:{_alt(lex['launched'])})\b", re.I
        ),
        intro_before=re.compile(
            rf"(?:\b(?:{_alt(lex['list_intro'])})|:|\s[-–—]+)\s*(?:the\s+)?$", re.I
        ),
        active_before=re.compile(rf"\b(?:{sel}|{award})\s+(?:the\s+|an?\s+)?$", re.I),
        build_before=re.compile(
            r"\b(?:to\s+)?(?:build|building|develop|turn|make|construct|establish|set\s+up)\s+$",
            re.I,
        ),
        into_before=re.compile(r"\bto\s+(?:build|develop|turn|make)\s+$", re.I),
        into_after=re.compile(r"\s+into\s+"),
        as_after=re.compile(
            rf"{agency}\s+(?:(?:as|to\s+be|to\s+become|to\s+serve\s+as)\s+)?", re.I
        ),
        in_before=re.compile(
            r"(?:\s+(?:located|to\s+be\s+set\s+up|set\s+up|based|established|built|opened))?"
            r"\s+in\s+(?:the\s+)?$",
            re.I,
        ),
        run_in=re.compile(
            r"\s+(?:(?:was|were|has\s+been|have\s+been|had\s+been|is|are|being)\s+)?"
            r"(?:(?:first|officially|formally|already|successfully)\s+)?"
            rf"(?:{_alt(lex['run_in'])})\s+(?:\w+\s+){{0,3}}?in\s+(?:the\s+)?$",
            re.I,
        ),
        establish=re.compile(rf"\b(?:{_alt(lex['establish'])})\b", re.I),
        awarded=re.compile(rf"\b(?:{_alt(lex['award_cues'])})\b", re.I),
        demonstration_awarded=re.compile(
            rf"\b(?:{_alt(lex['demonstration_award_cues'])})\b", re.I
        ),
        launch_word=re.compile(rf"\b(?:{_alt(lex['launched'])})\b", re.I),
        ceremony_before=re.compile(
            r"\blaunch(?:ing)?\s+ceremony\s+(?:was\s+held\s+)?in\s+(?:the\s+)?$", re.I
        ),
        operating_after=re.compile(
            r"\b(?:is|are)\s+(?:located|in\s+operation|operating|running)\b|\bopened\b"
            r"|\b(?:put|went|came)\s+into\s+(?:operation|service)|\b(?:began|started)\s+operati"
            r"|\binaugurated\b|\bunveiled\b",
            re.I,
        ),
    )


def _first_after(
    text: str, pos: int, end: int, slack: int = 1, *, generic: bool = False
) -> Programme | None:
    """The programme phrase that starts within `slack` words after `pos`, with the ones
    chained to it ("Top 10 X, Top 8 Y and Z" is one phrase to split later)."""
    found = programmes(text, pos, end, generic=generic)
    if not found or len(text[pos : found[0].start].split()) > slack:
        return None
    first = last = found[0]
    for nxt in found[1:]:
        if not re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|and\s+)", text[last.end : nxt.start]):
            break
        last = nxt
    if last is first:
        return first
    return Programme(" ".join(text[first.start : last.end].split()), first.start, last.end)


def _last_before(text: str, start: int, pos: int, *, generic: bool = False) -> Programme | None:
    found = programmes(text, start, pos, generic=generic)
    return found[-1] if found else None


def _again(text: str, e: int, hit: Hit) -> Hit:
    """A second designation of the same subject: '... in 2007 and was upgraded to ...'."""
    if hit.programme is None:
        return hit
    m = _shapes().again.match(text, hit.programme.end, e)
    prog = _first_after(text, m.end(), e, slack=2) if m else None
    return Hit(hit.programme, hit.status, hit.awarded_by_verb, (prog,)) if prog else hit


def read_subject(text: str, e: int, end: int) -> Hit | None:
    """The designation stated of a subject ending at `end` (a list or 'it'): the verb after."""
    if aside := _ASIDE.match(text, end, e):
        end = aside.end()  # "The Guangzhou Development District (GDD) was approved as ..."
    elif dash := _DASH.match(text, end, e):
        end = dash.end()  # "Five cities - A, B and C - have been named ..."
    hit = _read_subject(text, e, end)
    return _again(text, e, hit) if hit else None


def _read_subject(text: str, e: int, end: int) -> Hit | None:
    sh = _shapes()
    if m := sh.passive.match(text, end, e):
        verb = m.group("verb").lower()
        awarded = bool(re.fullmatch(_alt(lexicon.words("pilots", "awarded")), verb))
        prog = _first_after(text, m.end(), e, slack=4)
        return Hit(prog, "awarded" if awarded else "selected", awarded) if prog else None
    for rx in (sh.became, sh.among):
        if m := rx.match(text, end, e):
            prog = _first_after(text, m.end(), e, slack=4, generic=True)
            return Hit(prog, "selected") if prog else None
    if sh.launch_after.match(text, end, e):
        return None  # "Suzhou is carrying out a pilot ...": a launch, read by `read`
    if m := sh.copula.match(text, end, e):
        prog = _first_after(text, m.end(), e, slack=0)
        return Hit(prog, "selected") if prog else None
    return None


def read(text: str, s: int, e: int, start: int, end: int) -> Hit | None:
    """The designation a place list at text[start:end] in sentence text[s:e] states."""
    sh = _shapes()
    left = text[s : lead_start(text, s, start)]
    if hit := read_subject(text, e, end):
        return hit
    if (m := sh.won.match(text, end, e)) and (prog := _first_after(text, m.end(), e, slack=3)):
        return Hit(prog, "awarded", True)
    if (m := _APPOSITION.match(text, end, e)) and (prog := _first_after(text, m.end(), e, 0)):
        return Hit(prog, "selected")  # "Huangpu District, a national IP pilot zone since ..."
    if sh.them.match(text, end, e):
        return Hit(_last_before(text, s, start), "selected")
    m = sh.launch_after.match(text, end, e)
    prog = _first_after(text, m.end(), e) if m else None
    if prog and not prog.text.lower().startswith("construction"):
        return Hit(prog, "implementing")
    if sh.into_before.search(left) and (m := sh.into_after.match(text, end, e)):
        prog = _first_after(text, m.end(), e)
        return Hit(prog, "implementing") if prog else None
    if sh.build_before.search(left) and (prog := _first_after(text, end, e, slack=0)):
        status: PilotStatus = "selected" if sh.establish.search(left) else "implementing"
        return Hit(prog, status)
    if sh.active_before.search(left) and (m := sh.as_after.match(text, end, e)):
        prog = _first_after(text, m.end(), e)
        return Hit(prog, "selected") if prog else None
    if left.rstrip().endswith("recognition of") and (m := sh.as_after.match(text, end, e)):
        prog = _first_after(text, m.end(), e)
        return Hit(prog, "selected") if prog else None
    return _read_left(text, s, e, left, end) or _named_centre(text, e, start, end, left)


def _read_left(text: str, s: int, e: int, left: str, end: int) -> Hit | None:
    """Shapes that the words before the list decide: list intros, 'in X', launches."""
    sh = _shapes()
    if sh.ceremony_before.search(left):
        return Hit(None, "implementing")
    m = sh.run_in.search(left)
    prog = _last_before(text, s, s + m.start() + 1) if m else None
    if m and prog and not text[prog.end : s + m.start()].strip():
        return Hit(prog, "implementing")  # "The pilot program was launched in A and B"
    if m := sh.in_before.search(left):
        prog = _last_before(text, s, s + m.start() + 1, generic=True)
        near = prog is not None and len(text[prog.end : s + m.start()].split()) <= 1
        if near and prog and sh.launched_passive.match(text, end, e):
            return Hit(prog, "implementing")
        if near and prog and sh.establish.search(text, s, prog.start):
            return Hit(prog, "selected")
        if re.search(r"\b(?:located|set\s+up)\s+in\s+(?:the\s+)?$", left):
            return Hit(None, "selected")
    if sh.intro_before.search(left):
        found = programmes(text, s, s + len(left), generic=True)
        # "similar projects in cities including A": the unit noun only says where
        named = [p for p in found if not is_unit(p.text)]
        prog = named[-1] if named else (found[-1] if found else None)
        if prog is not None:
            return Hit(prog, "selected")
        if _BACK.search(left):  # "Among them are A and B": the list of the sentence before
            return Hit(None, "selected")
        if _UNITS.search(left) and _CONTEXT.search(text, s, e):
            # "Nine cities, including A and B, ... pilots"; "granted to nine other parks,
            # including A": the programme after the list, else the one named before
            after = programmes(text, end, e)
            return Hit(after[0] if after else None, "selected")
    return None


def _named_centre(text: str, e: int, start: int, end: int, left: str) -> Hit | None:
    """'China (Pudong) IP Protection Center ... is located in ...': a centre at work."""
    sh = _shapes()
    if not text.startswith("China", start) or sh.establish.search(left):
        return None
    prog = _first_after(text, end, e, slack=0)
    if prog and sh.operating_after.search(text, prog.end, e):
        return Hit(prog, "implementing")
    return None


def awarded_in(text: str, start: int, end: int, *, demonstration: bool = False) -> bool:
    """Whether text[start:end] speaks of an honour (title, plaque, awarded, ...)."""
    sh = _shapes()
    if demonstration and sh.demonstration_awarded.search(text, start, end):
        return True
    return bool(sh.awarded.search(text, start, end))
