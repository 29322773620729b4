"""City, district and province pilot or demonstration designations named in a text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from events import Span, programmes
from events.types import CityPilotDesignated, CityPilotStatusChanged, PilotStatus
from services.ingest.extract.agencies import place_info
from services.ingest.extract.base import Document, Fact
from services.ingest.extract.sentences import document_sentences

_CAP = r"[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?"
_DESC = (
    r"new\s+district|district|high-tech\s+zone|hi-tech\s+zone|high-tech\s+industrial\s+zone"
    r"|innovation\s+zone|development\s+zone|pilot\s+zone|new\s+area|industrial\s+park|county"
)
_PLACE_BODY = (
    rf"(?:{_CAP}['’]s\s+)?{_CAP}(?:\s+{_CAP})?(?:\s+(?i:{_DESC}))?(?:\s+of\s+{_CAP}\s+Province)?"
)
_PLACE = re.compile(
    rf"(?:(?P<owner>{_CAP})['’]s\s+)?(?P<name>{_CAP}(?:\s+{_CAP})?)"
    rf"(?:\s+(?P<desc>(?i:{_DESC})))?(?:\s+of\s+(?P<prov>{_CAP})\s+Province)?"
)
_PLACE_ITEM = re.compile(_PLACE_BODY)
_LIST = rf"{_PLACE_BODY}(?:\s*,\s*(?:and\s+)?{_PLACE_BODY}|\s+and\s+{_PLACE_BODY})*"
# Capitalised words that start a sentence or a name but are not places.
_NOT_PLACE = frozenset(
    {
        "China", "Chinese", "The", "This", "That", "These", "National", "State", "Top", "Pilot",
        "Province", "City", "Cities", "In", "At", "On", "By", "For", "Its", "It", "Their",
        "Ministry", "Office", "Council", "Administration", "Nine", "Ten", "Eight", "Seven",
        "Six", "Five", "Four", "Three", "Two", "One", "Some", "Several", "Other",
    }
)  # fmt: skip
_NUMBER_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty",
)  # fmt: skip
_NUMBERS = {w: i for i, w in enumerate(_NUMBER_WORDS)}
_COUNT = r"(?P<count>\d{1,3}|(?i:" + "|".join(_NUMBERS) + r"))"
_UNITS = (
    r"(?:cities|districts|zones|parks|industrial\s+parks|regions|provinces|counties|areas|places)"
)
_STATUS_VERBS = (
    r"approved|named|designated|selected|listed|chosen|recogni[sz]ed|identified|confirmed"
    r"|awarded|granted|included|accredited"
)
_ANAPHOR = (
    r"(?:[Ii]ts|[Tt]heir)\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*"
    r"|[Tt]he\s+(?:district|city|zone|park|county)"
)
_PASSIVE = re.compile(
    rf"(?P<subj>{_ANAPHOR}|{_LIST})\s+(?:was|were|has\s+been|have\s+been|had\s+been|is|are)"
    rf"\s+(?:(?:newly|officially|formally|also|recently|successfully|first)\s+)*"
    rf"(?P<verb>{_STATUS_VERBS})(?:\s+by\s+(?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)?"
    r"\s+(?:as\s+|to\s+be\s+|among\s+|into\s+)?(?P<what>[^.;\n]+)",
)
_ACTIVE = re.compile(
    rf"\b(?P<verb>named|designated|selected|approved|listed|awarded)\s+(?:(?:an?|the)\s+)?"
    rf"(?P<subj>{_LIST})\s+(?:as\s+)?(?P<what>(?:an?|the|one\s+of\s+the)\s+[^.;\n]+)",
)
_BECAME = re.compile(
    rf"(?P<subj>{_LIST})\s+(?:has\s+|have\s+|had\s+)?(?:officially\s+|formally\s+)?"
    r"(?P<verb>became|become)\s+(?P<what>[^.;\n]+)",
)
_COUNTED_LIST = re.compile(
    rf"(?:\b{_COUNT}\s+(?P<other>other\s+)?(?:(?:Chinese|national|more|new)\s+)?(?:[a-z-]+\s+)?"
    rf"|\b)(?P<unit>{_UNITS}),?\s+(?:including|include|includes|such\s+as|like)\s+"
    rf"(?P<list>{_LIST})",
)
_LAUNCH = re.compile(
    rf"\blaunch(?:ing|ed)?\s+ceremony\s+(?:was\s+held\s+)?in\s+(?P<subj>{_PLACE_BODY})"
    rf"|(?P<subj2>{_PLACE_BODY})\s+(?:has\s+)?(?:launched|started|kicked\s+off|began)\s+"
    r"(?:an?|the|its)\s+(?P<prog>[^,.;\n]*?\b(?:pilot|demonstration)\b[^,.;\n]*)",
)
_CHANGE = re.compile(
    rf"(?P<subj>{_PLACE_BODY})(?:['’]s)?\s+(?:[\w-]+\s+){{0,4}}?(?:status|title|qualification"
    r"|designation)\s+(?:was|were|has\s+been|had\s+been|have\s+been)\s+(?:\w+ly\s+)?"
    r"(?P<verb>revoked|suspended|cancelled|canceled|withdrawn|removed|stripped)"
    r"|\b(?P<verb2>revoked|suspended|cancelled|canceled|withdrew|removed)\s+the\s+"
    r"(?P<prog>(?:[\w-]+\s+){0,5}?)(?:status|title|qualification|designation)\s+of\s+"
    rf"(?P<subj2>{_PLACE_BODY})|(?P<subj3>{_PLACE_BODY})\s+(?:has\s+|had\s+)?graduated\s+from"
    r"\s+(?:the\s+)?(?P<prog3>[^,.;\n]+)",
)
_CHANGE_STATUS: dict[str, PilotStatus] = {
    "revoked": "revoked",
    "cancelled": "revoked",
    "canceled": "revoked",
    "withdrawn": "revoked",
    "withdrew": "revoked",
    "removed": "revoked",
    "stripped": "revoked",
    "suspended": "suspended",
}
# Designations are pilot or demonstration programmes, not any list a city appears in.
_DESIGNATION = re.compile(
    r"\b(?:pilot|demonstration|model|key|priority|power|strong|advantage|exemplary"
    r"|experimental|highland|team)\b",
    re.IGNORECASE,
)
_IP_CONTEXT = re.compile(
    r"\b(?:IP|IPR|IPRs|intellectual\s+property|patents?|trademarks?|innovation)\b", re.IGNORECASE
)
# Up to three modifiers before the programme noun; verbs and function words are not part of it.
_PROGRAM = re.compile(
    r"\b(?:(?!(?:they|have|has|had|become|became|launch|launching|a|an|the|to|be|been|as|is"
    r"|are|was|were|its|their|of|in|and|similar|\w+ed)\b)[\w-]+\s+){0,3}?"
    r"(?:key\s+cities|pilot\s+(?:cit(?:y|ies)|zones?"
    r"|projects?|programs?|programmes?)|demonstration\s+(?:cit(?:y|ies)|zones?|parks?)"
    r"|model\s+(?:cit(?:y|ies)|zones?))"
    # the programme's purpose ends where the sentence turns to the notice, issuer or date
    r"(?:\s+(?:to|for|of|on)\s+(?:(?!\s+(?:in|under|by|issued|according|announced|released"
    r"|with|at|through|via)\b)[^,.;\n])+)?",
    re.IGNORECASE,
)
_WHAT_END = re.compile(
    r"\s+(?:in|since|from|on|during)\s+(?:(?:19|20)\d{2}|January|February|March|April|May|June"
    r"|July|August|September|October|November|December)\b|,\s+(?!(?:and\s+)?(?:Top\s+)?[A-Z])"
    r"|\s+(?:which|meaning|making|after)\b|\s+by\s+"
    # "... city in the Notice on ..." names the document, not the programme
    r"|\s+(?:in|under|according\s+to|pursuant\s+to)\s+(?:the\s+|an?\s+)?(?=[A-Z\u201c\"])",
)
_FINITE_VERB = re.compile(r"\b(?:was|were|is|are|has|have|had|became|become|will)\b")
_SPLIT_DESIGNATIONS = re.compile(r",\s+(?:and\s+)?|\s+and\s+(?=(?:Top\s+\d+\s+)?[A-Z])")
_TOP = re.compile(r"^(?:(?:China|the\s+country)['’]s\s+)?(?:Top\s+(?P<top>\d+)\s+)?", re.IGNORECASE)
_LEAD = re.compile(r"^(?:(?:an?|the|one\s+of\s+the|one\s+of)\s+)+", re.IGNORECASE)
_LEADING_COUNT = re.compile(rf"^{_COUNT}\s+(?=[a-zA-Z])")
_SOLE = re.compile(r"^(?:sole|only)\s+", re.IGNORECASE)
_FIRST = re.compile(r"^(?:first)\s+(?:batch\s+of\s+)?", re.IGNORECASE)
_ORDINAL_BATCH = re.compile(
    r"\b(?P<n>first|second|third|fourth|fifth|sixth|\d+(?:st|nd|rd|th))\s+batch\b", re.IGNORECASE
)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}
_YEAR = re.compile(r"\b((?:19|20)\d{2})\b(?![-–—]\d)")
_AWARD = re.compile(
    r"\b(?:honou?r|title)\s+(?:(?:has|have|was|were|is|had)\s+)?(?:also\s+)?(?:been\s+)?"
    r"(?:granted|awarded|conferred)|\b(?:awarded|conferred)\b",
    re.IGNORECASE,
)
# A list of places counts only in a sentence about a designation, a project or an honour.
_LIST_CONTEXT = re.compile(
    rf"{_DESIGNATION.pattern}|\b(?:projects?|honou?r|title)\b", re.IGNORECASE
)
_DEMONSTRATION = re.compile(r"\b(?:demonstration|model|exemplary|showcase)\b", re.IGNORECASE)
_PARAGRAPH = re.compile(r"\n\s*\n|\n")
# Words without which a pattern cannot match (each pattern needs one of its verbs or
# connectives), looked up as plain substrings once per sentence: the patterns themselves
# start with a place list and would otherwise be tried at every capitalised word.
_CUES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (_PASSIVE, ("approved", "named", "designated", "selected", "listed", "chosen", "recognised",
                "recognized", "identified", "confirmed", "awarded", "granted", "included",
                "accredited")),
    (_ACTIVE, ("named", "designated", "selected", "approved", "listed", "awarded")),
    (_BECAME, ("became", "become")),
    (_COUNTED_LIST, ("includ", "such", "like")),
    (_LAUNCH, ("launch", "started", "kicked", "began")),
    (_CHANGE, ("revoked", "suspended", "cancel", "withdr", "removed", "stripped", "graduated")),
)  # fmt: skip
_ANY_CUE = re.compile("|".join(sorted({w for _rx, words in _CUES for w in words})))


@dataclass(slots=True)
class _Found:
    city: str
    admin_level: str
    program: str
    status: PilotStatus
    role: str
    sentence: Span
    value: Span
    batch: int | None = None
    batch_total: int | None = None
    year: int | None = None
    change: bool = False


def _place(raw: str) -> tuple[str, str] | None:
    """A place phrase as (city, admin level), or None when it is not a place name."""
    m = _PLACE.fullmatch(" ".join(raw.split()))
    if not m:
        return None
    name, owner, desc, prov = m.group("name"), m.group("owner"), m.group("desc"), m.group("prov")
    if name.split()[0] in _NOT_PLACE or (owner and owner in _NOT_PLACE):
        return None
    if desc:
        desc = " ".join(desc.split())
        if owner:
            city = f"{name} District, {owner}" if "district" in desc.lower() else f"{name}, {owner}"
        else:
            city = f"{name} " + " ".join(w[:1].upper() + w[1:] for w in desc.split())
        return city, "district"
    if owner:
        return f"{name}, {owner}", "district"
    info = place_info(name)
    level = info[1] if info else "city"
    del prov  # "Quanzhou of Fujian Province" is Quanzhou: the province only disambiguates
    return name, level


def _resolve_anaphor(text: str, pos: int, floor: int) -> tuple[str, str] | None:
    """'its Knowledge City' or 'the district': the nearest earlier district-like place."""
    best: tuple[str, str] | None = None
    for m in _PLACE.finditer(text, floor, pos):
        place = _place(m.group(0))
        if place and place[1] == "district":
            best = place
    return best


def _designations(what: str) -> list[tuple[str, int | None, int | None]]:
    """Split 'Top 10 X City, Top 8 Y City and Z City' into (program, batch_total, batch)."""
    end = _WHAT_END.search(what)
    what = what[: end.start()] if end else what
    out: list[tuple[str, int | None, int | None]] = []
    for piece in _SPLIT_DESIGNATIONS.split(what):
        if _FINITE_VERB.search(piece):
            break  # ", and Weifang was listed ...": a new clause, not another designation
        piece = _LEAD.sub("", piece.strip())
        top = _TOP.match(piece)
        total = int(top.group("top")) if top and top.group("top") else None
        piece = piece[top.end() :] if top else piece
        counted = _LEADING_COUNT.match(piece)
        if counted and total is None:
            total, piece = _count(counted.group("count")), piece[counted.end() :]
        if _SOLE.match(piece):
            total, piece = 1, _SOLE.sub("", piece)
        batch = None
        if _FIRST.match(piece):
            batch, piece = 1, _FIRST.sub("", piece)
        ordinal = _ORDINAL_BATCH.search(piece)
        if ordinal:
            n = ordinal.group("n").lower()
            batch = _ORDINALS.get(n) or int(re.sub(r"\D", "", n))
        piece = piece.strip(" ,")
        if piece and _DESIGNATION.search(piece):
            out.append((piece, total, batch))
    return out


def _year(text: str, sentence: Span, doc: Document) -> int | None:
    years = _YEAR.findall(text, sentence.start, sentence.end)
    if years:
        return int(years[0])
    return doc.published.year if doc.published else None


def _status(text: str, sentence: Span, verb: str) -> PilotStatus:
    para_start = max((m.end() for m in _PARAGRAPH.finditer(text, 0, sentence.start)), default=0)
    para_end_m = _PARAGRAPH.search(text, sentence.end)
    para_end = para_end_m.start() if para_end_m else len(text)
    if verb.lower() in ("awarded", "granted") or _AWARD.search(text, para_start, para_end):
        return "awarded"
    return "selected"


def _count(raw: str | None) -> int | None:
    if not raw:
        return None
    return int(raw) if raw.isdigit() else _NUMBERS.get(raw.lower())


def _programs_before(text: str, pos: int) -> str | None:
    found = [m.group(0) for m in _PROGRAM.finditer(text, 0, pos)]
    return _tidy(found[-1]) if found else None


def _tidy(program: str) -> str:
    words = " ".join(program.split()).strip(" ,").split()
    return " ".join(words[:16])


def _role(program: str) -> str:
    return "demonstration" if _DEMONSTRATION.search(program) else "pilot"


def _designate(
    found: list[_Found],
    text: str,
    doc: Document,
    sentence: Span,
    m: re.Match[str],
    place: tuple[str, str],
    value: Span,
) -> None:
    for designation, total, batch in _designations(m.group("what")):
        found.append(
            _Found(
                city=place[0],
                admin_level=place[1],
                program=_tidy(designation),
                status=_status(text, sentence, m.group("verb")),
                role=_role(designation),
                sentence=sentence,
                value=value,
                batch=batch,
                batch_total=total,
                year=_year(text, sentence, doc),
            )
        )


def _find(doc: Document) -> list[_Found]:
    text = doc.text
    found: list[_Found] = []
    if not _IP_CONTEXT.search(text):
        return found  # designations matter only in documents about IP
    for sentence in document_sentences(text):
        s, e = sentence.start, sentence.end
        sentence_text = text[s:e]
        if not _ANY_CUE.search(sentence_text):
            continue  # most sentences have none of the words every pattern needs
        cues = {rx for rx, words in _CUES if any(w in sentence_text for w in words)}
        for rx in (_PASSIVE, _ACTIVE, _BECAME):
            if rx not in cues:
                continue
            for m in rx.finditer(text, s, e):
                subj = m.group("subj")
                places: list[tuple[tuple[str, str], Span]] = []
                if subj.lower().startswith(("its ", "their ", "the ")):
                    resolved = _resolve_anaphor(text, m.start("subj"), s)
                    if resolved:
                        places.append((resolved, Span(start=m.start("subj"), end=m.end("subj"))))
                else:
                    for item in _PLACE_ITEM.finditer(subj):
                        place = _place(item.group(0))
                        if place:
                            at = m.start("subj") + item.start()
                            places.append((place, Span(start=at, end=at + len(item.group(0)))))
                for place, value in places:
                    _designate(found, text, doc, sentence, m, place, value)
        for m in _COUNTED_LIST.finditer(text, s, e) if _COUNTED_LIST in cues else ():
            if not _LIST_CONTEXT.search(sentence_text):
                continue
            named = _PROGRAM.search(text, m.end(), e)
            program = _tidy(named.group(0)) if named else _programs_before(text, m.start())
            if program is None and found:
                program = found[-1].program  # "the honor has also been granted to ..."
            if program is None:
                continue
            total = _count(m.group("count"))
            if total and m.group("other"):
                total += 1  # "nine other parks": the one named before makes ten
                for prev in found:
                    if prev.program == program and prev.batch_total is None:
                        prev.batch_total = total
            for item in _PLACE_ITEM.finditer(m.group("list")):
                place = _place(item.group(0))
                if place is None:
                    continue
                same = [f for f in found if f.city == place[0] and f.sentence == sentence]
                if same:
                    # Already read from the designation itself; the count is its batch size.
                    for f in same:
                        f.batch_total = f.batch_total or total
                    continue
                start = m.start("list") + item.start()
                found.append(
                    _Found(
                        city=place[0],
                        admin_level=place[1],
                        program=program,
                        status=_status(text, sentence, ""),
                        role=_role(program),
                        sentence=sentence,
                        value=Span(start=start, end=start + len(item.group(0))),
                        batch_total=total,
                        year=_year(text, sentence, doc),
                    )
                )
        for m in _LAUNCH.finditer(text, s, e) if _LAUNCH in cues else ():
            subj = m.group("subj") or m.group("subj2")
            place = _place(subj)
            launched = _tidy(m.group("prog")) if m.group("prog") else _programs_before(text, e)
            if place is None or launched is None:
                continue
            key = "subj" if m.group("subj") else "subj2"
            found.append(
                _Found(
                    city=place[0],
                    admin_level=place[1],
                    program=launched,
                    status="implementing",
                    role=_role(launched),
                    sentence=sentence,
                    value=Span(start=m.start(key), end=m.end(key)),
                    year=_year(text, sentence, doc),
                )
            )
        for m in _CHANGE.finditer(text, s, e) if _CHANGE in cues else ():
            key = next(k for k in ("subj", "subj2", "subj3") if m.group(k))
            place = _place(m.group(key))
            if place is None:
                continue
            if key == "subj3":
                status: PilotStatus = "graduated"
                program = _tidy(m.group("prog3"))
            else:
                status = _CHANGE_STATUS[(m.group("verb") or m.group("verb2")).lower()]
                program = _tidy(m.group("prog") or "") or _programs_before(text, e) or "pilot"
            found.append(
                _Found(
                    city=place[0],
                    admin_level=place[1],
                    program=program,
                    status=status,
                    role=_role(program),
                    sentence=sentence,
                    value=Span(start=m.start(key), end=m.end(key)),
                    change=True,
                )
            )
    return found


def extract_pilots(doc: Document) -> list[Fact]:
    """Cities, districts and provinces designated as pilots or demonstrations, and changes."""
    facts: list[Fact] = []
    seen: set[tuple[str, str, str]] = set()
    for f in sorted(_find(doc), key=lambda f: f.value.start):
        key = (f.city.lower(), f.program.lower(), f.status)
        if key in seen:
            continue
        seen.add(key)
        payload: CityPilotDesignated | CityPilotStatusChanged
        if f.change:
            payload = CityPilotStatusChanged(
                program=f.program,
                program_id=programmes.resolve(f.program),
                city=f.city,
                status=f.status,
            )
        else:
            payload = CityPilotDesignated.model_validate(
                {
                    "program": f.program,
                    "program_id": programmes.resolve(f.program),
                    "city": f.city,
                    "admin_level": f.admin_level,
                    "role": f.role,
                    "status": f.status,
                    "batch": f.batch,
                    "batch_total": f.batch_total,
                    "year": f.year,
                }
            )
        facts.append(Fact(payload=payload, source=doc.source(f.sentence, f.value)))
    return facts
