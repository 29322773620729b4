"""City, district and province pilot or demonstration designations named in a text.

The stages: sentences; place lists in each sentence (places.py, with the shared
gazetteer); the sentence shape around each list (pilot_triggers.py), which names the
programme (pilot_programmes.py) and the status; "it" and "the city" resolved to the place
named before; status changes (pilot_changes.py). A programme phrase that says nothing of
which programme ("pilot cities", "such centers") is the programme named before it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from events import Span
from events.types import PilotStatus
from services.ingest.extract.base import Document, Fact
from services.ingest.extract.pilot_changes import changes
from services.ingest.extract.pilot_counts import count_before
from services.ingest.extract.pilot_cues import (
    aliases,
    anaphor,
    back_opener,
    cue,
    ip_context,
    other_domain,
)
from services.ingest.extract.pilot_facts import Found, facts_of
from services.ingest.extract.pilot_hits import Hit
from services.ingest.extract.pilot_lines import body_start, number_only, opens_list
from services.ingest.extract.pilot_places import place_lists
from services.ingest.extract.pilot_programmes import (
    Programme,
    designations,
    is_generic,
    same_kind,
)
from services.ingest.extract.pilot_programmes import programmes as phrases
from services.ingest.extract.pilot_triggers import awarded_in, read, read_subject
from services.ingest.extract.places import Place
from services.ingest.extract.sentences import document_sentences

_YEAR = re.compile(r"(?<![-–—\d])\b((?:19|20)\d{2})\b(?![-–—]\d)")
_PART = re.compile(r"\s+(?:[A-Z][\w-]*|high-tech|hi-tech)(?:\s+(?:[A-Z][\w-]*|zone|park|city))*")
_PARAGRAPH = re.compile(r"\n\s*\n|\n")
_RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)
_DEMONSTRATION = re.compile(r"\b(?:demonstration|model|exemplary|showcase)\b", re.IGNORECASE)


def _named_before(text: str, pos: int, sentences: Sequence[Span], like: str) -> Programme | None:
    """The last programme phrase before `pos` that says which programme it is."""
    for sentence in reversed([x for x in sentences if x.start < pos]):
        for p in reversed(phrases(text, sentence.start, min(sentence.end, pos))):
            if not is_generic(p.text):
                return p if same_kind(like, p.text) else None
    return None


def _paragraph(text: str, sentence: Span) -> tuple[int, int]:
    start = max((m.end() for m in _PARAGRAPH.finditer(text, 0, sentence.start)), default=0)
    end = _PARAGRAPH.search(text, sentence.end)
    return start, end.start() if end else len(text)


def _status(text: str, sentence: Span, hit: Hit, program: str) -> PilotStatus:
    if hit.status != "selected":
        return hit.status
    demonstration = bool(_DEMONSTRATION.search(program))
    if awarded_in(text, sentence.start, sentence.end, demonstration=demonstration):
        return "awarded"
    return "awarded" if awarded_in(text, *_paragraph(text, sentence)) else "selected"


def _year(text: str, sentence: Span, doc: Document) -> int | None:
    years = _YEAR.findall(text, sentence.start, sentence.end)
    if years:
        return int(years[0])
    return doc.published.year if doc.published else None


def _designate(
    found: list[Found],
    doc: Document,
    sentences: Sequence[Span],
    sentence: Span,
    places: list[Place],
    hit: Hit,
    at: int,
) -> None:
    text = doc.text
    counted = count_before(text[sentence.start : at])
    for prog in (hit.programme, *hit.more):
        if prog is None or is_generic(prog.text):
            prog = _specific(text, sentences, sentence, prog, at)
        near = min(sentence.end, prog.end + 60) if prog else 0
        if prog is None or other_domain().search(text, prog.start, near):
            continue  # "Pilot Free Trade Zone": a programme of another field
        named = designations(prog.text) or [(prog.text, None, None)]
        respectively = len(named) == len(places) > 1 and bool(
            _RESPECTIVELY.search(text, sentence.start, sentence.end)
        )
        for i, (program, total, batch) in enumerate(named):
            status = _status(text, sentence, hit, program)
            year = _year(text, sentence, doc)
            # "A and B were named X and Y, respectively": A is X and B is Y
            for place in [places[i]] if respectively else places:
                found.append(Found(place, program, status, sentence, batch, total or counted, year))


def _specific(
    text: str, sentences: Sequence[Span], sentence: Span, prog: Programme | None, at: int
) -> Programme | None:
    """What a generic phrase means: the programme it is 'chosen as' later in the sentence,
    else the programme named before it; the phrase itself when neither is known."""
    if prog is not None:
        later = [p for p in phrases(text, prog.end, sentence.end) if not is_generic(p.text)]
        if later and len(text[prog.end : later[0].start].split()) <= 12:
            return later[0]
    like = prog.text if prog else ""
    named = _named_before(text, prog.start if prog else at, sentences, like)
    return named or prog or _generic_before(text, at, sentences)


def _generic_before(text: str, pos: int, sentences: Sequence[Span]) -> Programme | None:
    """ "The office has chosen new pilot counties. They include A and B.": with no programme
    named, the generic phrase of the sentence before is what the list belongs to."""
    before = [x for x in sentences if x.end <= pos]
    found = phrases(text, before[-1].start, before[-1].end) if before else []
    return found[-1] if found else None


def _resolve(
    text: str, found: list[Found], previous: Span | None, here: list[Place]
) -> Place | None:
    """The place 'it' means: the last one designated, else the first of the sentence
    before; 'its' a place named earlier in the same sentence, if any."""
    if here:
        return here[-1]
    if found:
        return found[-1].place
    first = next(place_lists(text, previous.start, previous.end), None) if previous else None
    return first[0] if first else None


def _anaphors(
    doc: Document,
    sentences: Sequence[Span],
    sentence: Span,
    found: list[Found],
    previous: Span | None,
    here: list[Place],
) -> None:
    """'It was approved as ...', 'the district became ...', 'its Knowledge City was ...'."""
    text, s, e = doc.text, sentence.start, sentence.end
    for m in anaphor().finditer(text, s, e):
        subject_end = m.end()
        if m.group(0).lower() in ("its", "their"):
            part = _PART.match(text, m.end(), e)
            if not part:
                continue
            subject_end = part.end()
        hit = read_subject(text, e, subject_end)
        owner = [p for p in here if p.end <= m.start()] if subject_end != m.end() else []
        place = _resolve(text, found, previous, owner) if hit else None
        if hit and place:
            _designate(found, doc, sentences, sentence, [place], hit, m.start())


@dataclass(slots=True)
class _Reading:
    """One document being read: its sentences, place abbreviations and what was found."""

    doc: Document
    sentences: Sequence[Span]
    aliases: dict[str, Place]
    found: list[Found] = field(default_factory=list)


def _read(r: _Reading, sentence: Span, previous: Span | None) -> None:
    """Every designation and status change stated in one sentence."""
    text, s, e = r.doc.text, sentence.start, sentence.end
    here: list[Place] = []
    for places in place_lists(text, s, e, r.aliases):
        here += places
        hit = read(text, s, e, places[0].start, places[-1].end)
        if hit:
            _designate(r.found, r.doc, r.sentences, sentence, places, hit, places[0].start)
    _anaphors(r.doc, r.sentences, sentence, r.found, previous, here)
    for c in changes(text, s, e):
        named = _named_before(text, e, r.sentences, "")
        program = c.program or (named.text if named else "pilot")
        r.found.append(Found(c.place, program, c.status, sentence, change=True))


def _listed_line(r: _Reading, sentence: Span, listing: bool) -> bool:
    """A line that holds nothing but places ("1. Quanzhou, Fujian") under a line that
    ends in a colon or under another such line: members of the programme named before."""
    text = r.doc.text
    if not (listing or opens_list(text, sentence.start)):
        return False  # checked first: it is cheap, and most lines follow no colon
    start = body_start(text, sentence.start, sentence.end)
    places = next(place_lists(text, start, sentence.end, r.aliases), None)
    if not places or places[0].start != start:
        return False
    if text[places[-1].end : sentence.end].strip(" .;,、"):
        return False
    _designate(r.found, r.doc, r.sentences, sentence, places, Hit(None, "selected"), start)
    return True


def _find(doc: Document) -> list[Found]:
    if not ip_context().search(doc.text):
        return []  # designations matter only in documents about IP
    r = _Reading(doc, document_sentences(doc.text), aliases(doc.text))
    previous: Span | None = None
    listing = cued = False
    lower = doc.text.lower()
    for sentence in r.sentences:
        if not number_only(doc.text, sentence.start, sentence.end):
            listing = _listed_line(r, sentence, listing)  # "2." alone keeps a list going
        # most sentences name no programme and point back to none: no shape can fit them,
        # but the one after a cued sentence may list its members ("The nine parks are ...")
        was_cued, cued = cued, bool(cue().search(lower, sentence.start, sentence.end))
        back = was_cued and not cued and back_opener().match(doc.text, sentence.start)
        if not listing and (cued or back):
            _read(r, sentence, previous)
        previous = sentence
    return r.found


def extract_pilots(doc: Document) -> list[Fact]:
    """Cities, districts and provinces designated as pilots or demonstrations, and changes."""
    return facts_of(doc, _find(doc))
