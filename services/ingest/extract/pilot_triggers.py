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

from events.types import PilotStatus
from services.ingest.extract.pilot_frames import located, locates_named, members_after, past_frame
from services.ingest.extract.pilot_hits import Hit, first_after, last_before
from services.ingest.extract.pilot_objects import own_programme, premodified, read_object
from services.ingest.extract.pilot_programmes import is_unit, programmes
from services.ingest.extract.pilot_shapes import awarded_verb, shapes
from services.ingest.extract.place_lists import lead_start

_UNITS = re.compile(
    r"\b(?:cities|districts|zones|parks|counties|provinces|regions|areas|places)\b[^.;]*$",
    re.IGNORECASE,
)
_CONTEXT = re.compile(
    r"\b(?:pilot|demonstration|model|key|priority|exemplary|experimental|honou?r|title"
    r"|projects?|programmes?|programs?)\b",
    re.IGNORECASE,
)
_BETWEEN = re.compile(
    r"\s*,\s+(?:an?|the|one\s+of|together\s+with|along\s+with|as\s+well\s+as"
    # "X, which hosts a ... center, is ...": a relative clause of another verb
    r"|(?:which|that)\s+(?!(?:was|were|is|are|has|have|had|became|becomes)\b)[a-z]+)"
    r"\s+[^,;]{2,80}?,"
    r"(?=\s+(?:was|were|has|have|had|is|are|became|become|as)\b)"
)
# a sentence that ends in no stop is a headline or a heading
_HEADLINE_END = re.compile(r"[^.!?;:,\s]")
_DASH = re.compile(r"\s*[-–—]+(?=\s)")
_ASIDE = re.compile(r"\s*\([^()]{1,40}\)")
# "the first X in Jiangxi": one place singled out within another
_SUPERLATIVE = re.compile(r"\bthe\s+(?:first|only|second|third|largest|biggest|latest)\b")
_EACH_FOR = re.compile(r"\s+(?:each\s+)?for\s+(?:the\s+(?:cities\s+of\s+)?)?$")
_AS = re.compile(r"\s*,?\s+as\s+")
# nothing after a designating verb but a few words closing its clause ("as well", "too")
_CLAUSE_END = re.compile(
    r"(?:\s+(?:as\s+well|too|also|this\s+year|last\s+year|in\s+(?:19|20)\d\d))?\s*(?:[.;]|$)"
)
# words of a purpose or a wish between a programme and a list: the list is an example
_PURPOSE = re.compile(
    r"\b(?:aims?|aimed|seeks?|sought|helps?|helped|encourages?|supports?|plans?|hopes?"
    r"|wants?|will|would|should|could|can|may)\b",
    re.IGNORECASE,
)
# words of an intro that point back to the programme named before ("Among them are A",
# "The first batch includes A and B", "Others on the list are A")
_BACK = re.compile(
    r"\b(?:them|they|these|those|which|list|others|rest|remaining|batch|batches|group|round)\b"
    # "So was X.", "Also chosen were A and B": the designation of the sentence before
    r"|^\s*(?:so|also|likewise)\b",
    re.IGNORECASE,
)


def _again(text: str, e: int, hit: Hit) -> Hit:
    """A second designation of the same subject: '... in 2007 and was upgraded to ...'."""
    if hit.programme is None:
        return hit
    m = shapes().again.match(text, hit.programme.end, e)
    prog = first_after(text, m.end(), e, slack=2) if m else None
    return Hit(hit.programme, hit.status, (prog,)) if prog else hit


def read_subject(text: str, e: int, end: int) -> Hit | None:
    """The designation stated of a subject ending at `end` (a list or 'it'): the verb after."""
    end = past_frame(text, end, e)
    if aside := _ASIDE.match(text, end, e) or _BETWEEN.match(text, end, e):
        # "The Guangzhou Development District (GDD) was approved as ...", "X, a national-
        # level zone, was approved as ...", "A and B, together with eight other parks, ..."
        end = aside.end()
    elif dash := _DASH.match(text, end, e):
        end = dash.end()  # "Five cities - A, B and C - have been named ..."
    hit = _read_subject(text, e, end)
    return _again(text, e, hit) if hit else None


def _read_subject(text: str, e: int, end: int) -> Hit | None:
    sh = shapes()
    if m := sh.passive.match(text, end, e):
        verb = m.group("verb").lower()
        awarded = bool(awarded_verb().fullmatch(verb))
        prog = first_after(text, m.end(), e, slack=4)
        if prog is None and _CLAUSE_END.match(text, m.end(), e):
            # "Tianjin and Chongqing were also included.": the programme named before
            return Hit(None, "awarded" if awarded else "selected")
        return Hit(prog, "awarded" if awarded else "selected") if prog else None
    if _HEADLINE_END.match(text, e - 1) and (m := sh.headline.match(text, end, e)):
        verb = m.group("verb").lower()
        awarded = bool(awarded_verb().fullmatch(verb))
        prog = first_after(text, m.end(), e, slack=2)
        return Hit(prog, "awarded" if awarded else "selected") if prog else None
    for rx in (sh.became, sh.among):
        if m := rx.match(text, end, e):
            prog = first_after(text, m.end(), e, slack=4, generic=True)
            return Hit(prog, "selected") if prog else None
    if sh.on_list.match(text, end, e):
        return Hit(None, "selected")  # "A and B made the list": the list named before
    if sh.launch_after.match(text, end, e):
        return None  # "Suzhou is carrying out a pilot ...": a launch, read by `read`
    if m := sh.copula.match(text, end, e):
        prog = first_after(text, m.end(), e, slack=0)
        return Hit(prog, "selected") if prog else None
    return None


def read(text: str, s: int, e: int, start: int, end: int) -> Hit | None:
    """The designation a place list at text[start:end] in sentence text[s:e] states."""
    sh = shapes()
    left = text[s : lead_start(text, s, start)]
    if located(left):
        return _read_located(text, s, e, left, end)  # "Taizhou in Zhejiang": no subject
    if hit := read_subject(text, e, end):
        return hit
    if hit := read_object(text, e, left, end):
        return hit
    if sh.them.match(text, end, e):
        return Hit(last_before(text, s, start), "selected")
    m = sh.launch_after.match(text, end, e)
    prog = first_after(text, m.end(), e) if m else None
    if prog and not prog.text.lower().startswith("construction"):
        return Hit(prog, "implementing")
    if (frame := sh.as_frame.match(left)) and (prog := first_after(text, s + frame.end(), e, 3)):
        return Hit(prog, "selected")  # "As a national IP pilot city, Lishui has ..."
    if sh.into_before.search(left) and (m := sh.into_after.match(text, end, e)):
        prog = first_after(text, m.end(), e)
        return Hit(prog, "implementing") if prog else None
    if sh.build_before.search(left) and (prog := first_after(text, end, e, slack=0)):
        status: PilotStatus = "selected" if sh.establish.search(left) else "implementing"
        return Hit(prog, status)
    if aside := _BETWEEN.match(text, end, e):
        end = aside.end()  # "selected A and B, together with eight other parks, as ..."
    if sh.active_before.search(left) and (m := sh.as_after.match(text, end, e)):
        prog = first_after(text, m.end(), e)
        return Hit(prog, "selected") if prog else None
    return (
        _read_left(text, s, e, left, end)
        or own_programme(text, e, start, end, left)
        or premodified(text, s, start)
    )


def _read_located(text: str, s: int, e: int, left: str, end: int) -> Hit | None:
    """A list after 'in': the place where something runs or stands, never the subject
    of the verb after it ("Taizhou in Zhejiang province was named ...")."""
    if not locates_named(left):
        return _read_left(text, s, e, left, end)
    return None


def _read_left(text: str, s: int, e: int, left: str, end: int) -> Hit | None:
    """Shapes that the words before the list decide: list intros, 'in X', launches."""
    sh = shapes()
    if sh.ceremony_before.search(left):
        return Hit(None, "implementing")
    if (m := sh.awarded_to.search(left)) and (prog := last_before(text, s, s + m.start() + 1)):
        return Hit(prog, "awarded")  # "The national IP model city title was awarded to A"
    m = sh.run_in.search(left)
    prog = last_before(text, s, s + m.start() + 1) if m else None
    if m and prog and not text[prog.end : s + m.start()].strip():
        return Hit(prog, "implementing")  # "The pilot program was launched in A and B"
    if m := sh.in_before.search(left):
        if members_after(text, end, e):
            return None  # "the pilot cities in Jiangsu are A and B": the members follow
        prog = last_before(text, s, s + m.start() + 1, generic=True)
        near = prog is not None and len(text[prog.end : s + m.start()].split()) <= 1
        if near and prog and sh.launched_passive.match(text, end, e):
            return Hit(prog, "implementing")
        if near and prog and (m := sh.passive.match(text, end, e)):
            return Hit(prog, "selected")  # "IP protection centers in A and B were approved"
        if near and prog and _SUPERLATIVE.search(text, s, prog.end) and not prog.text.endswith("s"):
            return None  # "the first national IP model city in Jiangxi": a frame
        if near and prog and sh.establish.search(text, s, prog.start):
            return Hit(prog, "selected")
        if re.search(r"\b(?:located|set\s+up)\s+in\s+(?:the\s+)?$", left):
            return Hit(None, "selected")
    m = _EACH_FOR.search(left)
    prog = last_before(text, s, s + m.start() + 1) if m else None
    if m and prog and not text[prog.end : s + m.start()].strip():
        # "agreed to build one IP protection center each for A and B"
        return Hit(prog, "selected") if sh.establish.search(text, s, prog.start) else None
    return _read_intro(text, s, e, left, end) if sh.intro_before.search(left) else None


def _read_intro(text: str, s: int, e: int, left: str, end: int) -> Hit | None:
    """A list after an intro word: 'pilot cities include A', 'namely A', 'such as A'."""
    if (m := _AS.match(text, end, e)) and (prog := first_after(text, m.end(), e)):
        return Hit(prog, "selected")  # "approved 8 cities including A and B as ..."
    found = programmes(text, s, s + len(left), generic=True)
    # "similar projects in cities including A": the unit noun only says where
    named = [p for p in found if not is_unit(p.text)]
    if not named and _BACK.search(left):  # "Four of them are districts: A, B": the one before
        return Hit(None, "selected")
    prog = named[-1] if named else (found[-1] if found else None)
    if prog is not None and _PURPOSE.search(text, prog.end, s + len(left)):
        return None  # "the pilot program aims to help cities such as A": a description
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


def awarded_in(text: str, start: int, end: int, *, demonstration: bool = False) -> bool:
    """Whether text[start:end] speaks of an honour (title, plaque, awarded, ...)."""
    sh = shapes()
    if demonstration and sh.demonstration_awarded.search(text, start, end):
        return True
    return bool(sh.awarded.search(text, start, end))
