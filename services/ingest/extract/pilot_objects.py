"""Shapes that say what a place got or is, right after or before its name: "Quzhou won
approval to set up ...", "Luoyang's designation as ...", "making Ganzhou the first ...",
"Huangpu District, a national IP pilot zone", "The Yiwu IP protection center was
approved", "the national IP model city Xiamen"."""

from __future__ import annotations

import re

from services.ingest.extract.pilot_hits import Hit, first_after, last_before
from services.ingest.extract.pilot_programmes import head
from services.ingest.extract.pilot_shapes import awarded_verb, shapes

# "Huangpu District, a national IP pilot zone, ...", "X, as the first pilot zone, ...",
# "X, which is a national IP model city, ...", "X (a national IP pilot city)"
_APPOSITION = re.compile(
    r"\s*(?:,|\()\s*(?:(?:as|being|which\s+is|which\s+was|itself)\s+)?"
    r"(?:an?|one\s+of\s+the|the|both|all|each\s+a)\s+"
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
_OWNS = re.compile(r"['’]s(?=\s)")
# a centre at work right after its name: "... IP protection center started operation"
_STARTED = re.compile(
    r"\s+(?:was\s+|were\s+|has\s+been\s+|have\s+been\s+)?(?:[a-z]+ly\s+)?(?:opened|inaugurated"
    r"|unveiled|launched|(?:started|began|commenced)\s+operati\w*|(?:was\s+)?put\s+into\s+"
    r"(?:operation|service|use)|went\s+into\s+operation)\b"
)
# heads of a programme noun that can stand before a place's name ("model city Xiamen")
_NAMING_HEADS = frozenset({"city", "zone", "park", "district", "county", "area", "province"})


def read_object(text: str, e: int, left: str, end: int) -> Hit | None:
    """What the words right after a list say the places got or are."""
    sh = shapes()
    if (m := sh.won.match(text, end, e)) and (leave := _APPROVAL.match(text, m.end(), e)):
        prog = first_after(text, leave.end(), e)  # "got the approval of SIPO to become ..."
        return Hit(prog, "selected") if prog else None
    if (m := sh.won.match(text, end, e)) and (prog := first_after(text, m.end(), e, slack=4)):
        if re.match(r"(?:approval|permission)\b", text[m.end() : prog.start] + prog.text, re.I):
            return Hit(prog, "selected")  # "obtained approval to build ...": a selection
        return Hit(prog, "awarded")
    if (m := _ACT_OF.match(text, end, e)) and (prog := first_after(text, m.end(), e)):
        return Hit(prog, "selected")  # "Luoyang's designation as a national IP pilot city"
    if _MAKING.search(left) and (m := _OBJECT_ARTICLE.match(text, end, e)):
        prog = first_after(text, m.end(), e, slack=1)  # "making Ganzhou the first ..."
        return Hit(prog, "selected") if prog else None
    if (m := _APPOSITION.match(text, end, e)) and (prog := first_after(text, m.end(), e, 0)):
        return Hit(prog, "selected")  # "Huangpu District, a national IP pilot zone since ..."
    return None


def own_programme(text: str, e: int, start: int, end: int, left: str) -> Hit | None:
    """A place's own centre or zone: 'China (Pudong) IP Protection Center ... is located
    in ...', "Wenzhou's IP protection center started operation" (at work), 'The Yiwu IP
    protection center was approved' (selected)."""
    sh = shapes()
    if sh.establish.search(left):
        return None
    owner = _OWNS.match(text, end, e)
    prog = first_after(text, owner.end() if owner else end, e, slack=0)
    if prog is None:
        return None
    china = text.startswith("China", start)
    at_work = china and sh.operating_after.search(text, prog.end, e)
    if _STARTED.match(text, prog.end, e) or at_work:
        return Hit(prog, "implementing")
    if m := sh.passive.match(text, prog.end, e):
        awarded = awarded_verb().fullmatch(m.group("verb").lower())
        return Hit(prog, "awarded" if awarded else "selected")
    return None


def premodified(text: str, s: int, start: int) -> Hit | None:
    """'The national IP model city Xiamen has ...': a programme noun right before a name."""
    prog = last_before(text, s, start)
    if prog is None or text[prog.end : start].strip() or head(prog.text) not in _NAMING_HEADS:
        return None
    return Hit(prog, "selected")
