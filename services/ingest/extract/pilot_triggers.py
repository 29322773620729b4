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

from events.types import PilotStatus
from services.ingest.extract import lexicon
from services.ingest.extract.pilot_frames import located, locates_named, members_after, past_frame
from services.ingest.extract.pilot_programmes import Programme, head, is_unit, programmes
from services.ingest.extract.pilot_shapes import alt, shapes
from services.ingest.extract.place_lists import lead_start
from services.ingest.extract.places import place_at

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
    r"\s*,\s+(?:an?|the|one\s+of|together\s+with|along\s+with|as\s+well\s+as)\s+[^,;]{2,80}?,"
    r"(?=\s+(?:was|were|has|have|had|is|are|became|become|as)\b)"
)
_DASH = re.compile(r"\s*[-–—]+(?=\s)")
_ASIDE = re.compile(r"\s*\([^()]{1,40}\)")
# "Huangpu District, a national IP pilot zone, ...", "X, as the first pilot zone, ...",
# "X, which is a national IP model city, ...", "X (a national IP pilot city)"
_APPOSITION = re.compile(
    r"\s*(?:,|\()\s*(?:(?:as|being|which\s+is|which\s+was|itself)\s+)?"
    r"(?:an?|one\s+of\s+the|the|both|all|each\s+a)\s+"
)
# "As a national IP pilot city, Lishui ...": the programme frames the place after it
_AS_FRAME = re.compile(
    r"^\s*(?=(?:As|Being)\s+(?:an?|the|one\s+of\s+the)\s+[^,]{3,120},\s*$)(?:As|Being)\s+"
)
_APPROVAL = re.compile(
    r"(?:the\s+)?(?:approval|permission|go-ahead)(?:\s+(?:of|from)\s+[^,;]{2,60}?)?"
    r"\s+to\s+(?:become|be|build|set\s+up|establish)\s+",
    re.IGNORECASE,
)
_ACT_OF = re.compile(
    r"['’]s\s+(?:designation|selection|approval|recognition|naming|listing|inclusion)"
    r"\s+(?:as|to\s+become)\s+"
)
_MAKING = re.compile(r"\b(?:making|made|makes|make)\s+$")
_OBJECT_ARTICLE = re.compile(r"\s+(?:the|an?|one\s+of\s+the)\s+")
# "the first X in Jiangxi": one place singled out within another
_SUPERLATIVE = re.compile(r"\bthe\s+(?:first|only|second|third|largest|biggest|latest)\b")
_OWNS = re.compile(r"['’]s(?=\s)")
# a centre at work right after its name: "... IP protection center started operation"
_STARTED = re.compile(
    r"\s+(?:was\s+|were\s+|has\s+been\s+|have\s+been\s+)?(?:[a-z]+ly\s+)?(?:opened|inaugurated"
    r"|unveiled|launched|(?:started|began|commenced)\s+operati\w*|(?:was\s+)?put\s+into\s+"
    r"(?:operation|service|use)|went\s+into\s+operation)\b"
)
_EACH_FOR = re.compile(r"\s+(?:each\s+)?for\s+(?:the\s+(?:cities\s+of\s+)?)?$")
_AS = re.compile(r"\s*,?\s+as\s+")
# heads of a programme noun that can stand before a place's name ("model city Xiamen")
_NAMING_HEADS = frozenset({"city", "zone", "park", "district", "county", "area", "province"})
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
_BACK = re.compile(r"\b(?:them|they|these|those|which|list|others)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Hit:
    """What a shape read: the programme (None: the one named before) and the status."""

    programme: Programme | None
    status: PilotStatus
    more: tuple[Programme, ...] = ()  # "became a pilot park in 2007 and was upgraded to ..."


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
        if place_at(text, nxt.start):
            break  # "... pilot city and Lianyungang a ...": a new object, not a designation
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
    m = shapes().again.match(text, hit.programme.end, e)
    prog = _first_after(text, m.end(), e, slack=2) if m else None
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
        awarded = bool(re.fullmatch(alt(lexicon.words("pilots", "awarded")), verb))
        prog = _first_after(text, m.end(), e, slack=4)
        if prog is None and _CLAUSE_END.match(text, m.end(), e):
            # "Tianjin and Chongqing were also included.": the programme named before
            return Hit(None, "awarded" if awarded else "selected")
        return Hit(prog, "awarded" if awarded else "selected") if prog else None
    for rx in (sh.became, sh.among):
        if m := rx.match(text, end, e):
            prog = _first_after(text, m.end(), e, slack=4, generic=True)
            return Hit(prog, "selected") if prog else None
    if sh.on_list.match(text, end, e):
        return Hit(None, "selected")  # "A and B made the list": the list named before
    if sh.launch_after.match(text, end, e):
        return None  # "Suzhou is carrying out a pilot ...": a launch, read by `read`
    if m := sh.copula.match(text, end, e):
        prog = _first_after(text, m.end(), e, slack=0)
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
    if (m := sh.won.match(text, end, e)) and (leave := _APPROVAL.match(text, m.end(), e)):
        prog = _first_after(text, leave.end(), e)  # "got the approval of SIPO to become ..."
        return Hit(prog, "selected") if prog else None
    if (m := sh.won.match(text, end, e)) and (prog := _first_after(text, m.end(), e, slack=4)):
        if re.match(r"(?:approval|permission)\b", text[m.end() : prog.start] + prog.text, re.I):
            return Hit(prog, "selected")  # "obtained approval to build ...": a selection
        return Hit(prog, "awarded")
    if (m := _ACT_OF.match(text, end, e)) and (prog := _first_after(text, m.end(), e)):
        return Hit(prog, "selected")  # "Luoyang's designation as a national IP pilot city"
    if _MAKING.search(left) and (m := _OBJECT_ARTICLE.match(text, end, e)):
        prog = _first_after(text, m.end(), e, slack=1)  # "making Ganzhou the first ..."
        return Hit(prog, "selected") if prog else None
    if (m := _APPOSITION.match(text, end, e)) and (prog := _first_after(text, m.end(), e, 0)):
        return Hit(prog, "selected")  # "Huangpu District, a national IP pilot zone since ..."
    if sh.them.match(text, end, e):
        return Hit(_last_before(text, s, start), "selected")
    m = sh.launch_after.match(text, end, e)
    prog = _first_after(text, m.end(), e) if m else None
    if prog and not prog.text.lower().startswith("construction"):
        return Hit(prog, "implementing")
    if (frame := _AS_FRAME.match(left)) and (prog := _first_after(text, s + frame.end(), e, 3)):
        return Hit(prog, "selected")  # "As a national IP pilot city, Lishui has ..."
    if sh.into_before.search(left) and (m := sh.into_after.match(text, end, e)):
        prog = _first_after(text, m.end(), e)
        return Hit(prog, "implementing") if prog else None
    if sh.build_before.search(left) and (prog := _first_after(text, end, e, slack=0)):
        status: PilotStatus = "selected" if sh.establish.search(left) else "implementing"
        return Hit(prog, status)
    if aside := _BETWEEN.match(text, end, e):
        end = aside.end()  # "selected A and B, together with eight other parks, as ..."
    if sh.active_before.search(left) and (m := sh.as_after.match(text, end, e)):
        prog = _first_after(text, m.end(), e)
        return Hit(prog, "selected") if prog else None
    return (
        _read_left(text, s, e, left, end)
        or _named_centre(text, e, start, end, left)
        or _premodified(text, s, start)
    )


def _premodified(text: str, s: int, start: int) -> Hit | None:
    """'The national IP model city Xiamen has ...': a programme noun right before a name."""
    prog = _last_before(text, s, start)
    if prog is None or text[prog.end : start].strip() or head(prog.text) not in _NAMING_HEADS:
        return None
    return Hit(prog, "selected")


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
    m = sh.run_in.search(left)
    prog = _last_before(text, s, s + m.start() + 1) if m else None
    if m and prog and not text[prog.end : s + m.start()].strip():
        return Hit(prog, "implementing")  # "The pilot program was launched in A and B"
    if m := sh.in_before.search(left):
        if members_after(text, end, e):
            return None  # "the pilot cities in Jiangsu are A and B": the members follow
        prog = _last_before(text, s, s + m.start() + 1, generic=True)
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
    prog = _last_before(text, s, s + m.start() + 1) if m else None
    if m and prog and not text[prog.end : s + m.start()].strip():
        # "agreed to build one IP protection center each for A and B"
        return Hit(prog, "selected") if sh.establish.search(text, s, prog.start) else None
    if sh.intro_before.search(left):
        if (m := _AS.match(text, end, e)) and (prog := _first_after(text, m.end(), e)):
            return Hit(prog, "selected")  # "approved 8 cities including A and B as ..."
        found = programmes(text, s, s + len(left), generic=True)
        # "similar projects in cities including A": the unit noun only says where
        named = [p for p in found if not is_unit(p.text)]
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


def _named_centre(text: str, e: int, start: int, end: int, left: str) -> Hit | None:
    """A place's own centre or zone: 'China (Pudong) IP Protection Center ... is located
    in ...', "Wenzhou's IP protection center started operation" (at work), 'The Yiwu IP
    protection center was approved' (selected)."""
    sh = shapes()
    if sh.establish.search(left):
        return None
    owner = _OWNS.match(text, end, e)
    prog = _first_after(text, owner.end() if owner else end, e, slack=0)
    if prog is None:
        return None
    china = text.startswith("China", start)
    at_work = china and sh.operating_after.search(text, prog.end, e)
    if _STARTED.match(text, prog.end, e) or at_work:
        return Hit(prog, "implementing")
    if m := sh.passive.match(text, prog.end, e):
        awarded = re.fullmatch(alt(lexicon.words("pilots", "awarded")), m.group("verb").lower())
        return Hit(prog, "awarded" if awarded else "selected")
    return None


def awarded_in(text: str, start: int, end: int, *, demonstration: bool = False) -> bool:
    """Whether text[start:end] speaks of an honour (title, plaque, awarded, ...)."""
    sh = shapes()
    if demonstration and sh.demonstration_awarded.search(text, start, end):
        return True
    return bool(sh.awarded.search(text, start, end))
