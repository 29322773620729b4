"""Where titles stand in a text: in curly, straight or single quotes, in 《》, announced by
their head noun ("a notice titled ..."), named before a noun ("the ... white paper"), or
unquoted runs of capitalised words."""

from __future__ import annotations

import re

from events.types import NoticeType
from services.ingest.extract.agencies import find_agencies
from services.ingest.extract.notice_titles import (
    HEADLINE_VERB,
    TOPIC_WORD,
    Candidate,
    clean_title,
    is_title,
    title_type,
    words,
)
from services.ingest.extract.places import level_of

_AFTER_VERB = re.compile(rf"{HEADLINE_VERB.pattern}(?:\s+(?:out|up))?\s+")

# lower-case words inside titles ("Notice on Carrying out the ...", "Measures against ...")
_SMALL = (
    r"(?:of|on|for|and|the|a|an|to|in|with|under|up|out|by|at|from|into|about|its|their|over"
    r"|against|among|between|through|towards|toward|across|upon|within|via)"
)

_TOKEN = (
    r"(?:[A-Z0-9][\w'’\-]*|\([A-Z][A-Za-z]{1,9}\)"
    r"|\((?:19|20)\d{2}(?:\s*[-–—]\s*(?:19|20)?\d{2})?\))"
)

_RUN = rf"{_TOKEN}(?:[ ]+(?:{_SMALL}[ ]+)*{_TOKEN})*"

# "Circular of the A, the B and the C on ..." is the one title shape with commas inside.
# A title starts with a capital, a digit or "(": the lookahead rejects other positions
# before the alternatives are tried.
_TITLE = re.compile(
    rf"(?=[A-Z0-9(])(?:(?:Notice|Circular|Opinions|Measures)[ ]+of[ ]+(?:the[ ]+)?{_RUN}"
    rf"(?:,(?:[ ]+and)?[ ]+(?:the[ ]+)?{_RUN})+[ ]+on[ ]+{_RUN}|{_RUN})"
)

# One opening mark first, then what it opens: a pattern that starts with a character set
# is scanned for that set at C speed, one that starts with a lookbehind tries every position.
_QUOTED = re.compile(
    r"[“\"《‘'](?:(?<=[“\"《])([^“”\"《》\n]{4,300}?)\s*[”\"’》]"
    # single quotes open after no letter and close only where no letter follows: "People’s"
    # stays inside
    r"|(?<![\w’'].)(?<=[‘'])([^‘\n]{4,300}?)\s*[’'](?![\w’']))"
)

_ALIAS_BEFORE = re.compile(r"(?:\(\s*(?:the\s+)?|referred to as\s+(?:the\s+)?|called\s+)$")

_TITLED = re.compile(
    r"\b(?P<head>[Nn]otice|[Cc]ircular|[Rr]eport|[Pp]lan|[Oo]pinions|[Mm]easures|[Bb]ulletin"
    r"|[Ww]hite\s+[Pp]aper|[Gg]uidelines?|[Oo]utline|[Yy]earbook)"
    r"\s+(?:titled|entitled)\s+(?P<title>[“\"]?[A-Z][^(\n]{5,250}?)(?=\s*[(（]|\.\s|\.?$|\n)",
    re.MULTILINE,
)

_AND_THE = re.compile(r" (?:and|with|or|than) the ")

_POSSESSIVE = re.compile(r"['’]s\s+")
_OWNER_END = re.compile(r"['’]s\s*$")
_OWN_RELEASE = re.compile(
    r"\b(?P<owner>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*)\s+(?:released|published|issued|unveiled)"
    r"\s+(?:its|their)\s+(?:\w+\s+)?$"
)

_REPORT_END = re.compile(r"\b(?:Annual\s+Report|White\s+Paper|Report|Bulletin|Yearbook)$")

_CAMPAIGN_NOUN = re.compile(r"\s+(?:special\s+)?(?:campaign|crackdown)\b|\s+special\s+action\b")

_REPORT_NOUN = re.compile(r"\s+(?:white\s+paper|annual\s+report|report|bulletin)\b")

_THE_SPLIT = re.compile(r"\bthe ")


def _quoted_type(text: str, m: re.Match[str], title: str) -> NoticeType | None:
    """The type of a quoted title: its head noun, else the noun around the quotes
    (the “Blue Sky” campaign, activities of “...”, the “...” report)."""
    kind = title_type(title)
    if kind is not None:
        return kind if len(title.split()) >= 3 else None
    w = words()
    if after := w.after_quote.match(text, m.end()):
        noun = after.group("noun").lower().split()[-1]
        kinds: dict[str, NoticeType] = {"report": "report", "paper": "report", "plan": "plan"}
        return kinds.get(noun, "campaign")
    if w.before_quote.search(text, max(0, m.start() - 40), m.start()):
        return "campaign"
    return None


def _named_by_noun(text: str) -> list[Candidate]:
    """'a Notice titled “Blue Sky” campaign ... has achieved results (...)': the title a
    head noun announces runs to a parenthesis or the end of the sentence."""
    out: list[Candidate] = []
    if "titled" not in text:
        return out  # "titled" and "entitled" both hold it: a cheap test first
    for m in _TITLED.finditer(text):
        head = " ".join(m.group("head").lower().split())
        raw = m.group("title")
        close = re.search(r"[”\"]", raw[1:]) if raw[0] in "“\"" else None
        if close and len(raw[1 : close.start() + 1].split()) >= 3:
            # a quoted title ends at its closing mark; a quoted name of a word or two
            # ("“Blue Sky” special rectification campaign ...") only starts one
            raw = raw[: close.end() + 1]
        title = clean_title(raw).strip("“”\"")
        if len(title.split()) >= 3 and head in words().types:
            start = m.start("title") + m.group("title").find(title[:8])
            out.append(Candidate(start, start + len(title), m.end(), title, words().types[head]))
    return out


def candidates(text: str) -> list[Candidate]:
    """Every title candidate in a text, in text order."""
    found: list[Candidate] = _named_by_noun(text)
    for m in _QUOTED.finditer(text):
        if _ALIAS_BEFORE.search(text, max(0, m.start() - 40), m.start()):
            continue  # (the "Guiding Opinions"): an alias of a title, not a new one
        g = 1 if m.group(1) is not None else 2
        title = clean_title(m.group(g))
        kind = _quoted_type(text, m, title) if title else None
        if kind is None:
            continue
        start = m.start(g) + m.group(g).index(title)
        found.append(Candidate(start, start + len(title), m.end(), title, kind))
    for m in _TITLE.finditer(text):
        if m.group(0).startswith("Operation ") and len(m.group(0).split()) >= 2:
            end = m.start() + len(m.group(0))
            found.append(Candidate(m.start(), end, end, m.group(0), "campaign"))
            continue  # "Operation Blue Sky": a campaign named as an operation
        headed = words().head.search(m.group(0)) is not None
        if not headed and (named := _named_before_noun(text, m)):
            found.append(named)
            continue
        if not headed or _after_label(text, m.start()):
            continue  # no type head noun in the run, so no part of it can be a title
        if any(c.start <= m.start() < c.outer_end for c in found) or _own_release(text, m):
            continue
        for offset, raw in _split_titles(m.group(0)):
            found.extend(_run_candidate(m.start() + offset, raw))
    found.sort(key=lambda c: c.start)
    return found


def _named_before_noun(text: str, m: re.Match[str]) -> Candidate | None:
    """A name the lower-case noun after it types: 'the Judicial Protection of IP in China
    (2022) white paper' (a report: a name with a topic, not 'the Xinhua News Agency
    report'), 'the Jianwang 2022 campaign' (a campaign: two words or more, no 'and')."""
    if not (_REPORT_NOUN.match(text, m.end()) or _CAMPAIGN_NOUN.match(text, m.end())):
        return None  # the commonest case, told before the run is cleaned
    title = clean_title(m.group(0))
    if HEADLINE_VERB.search(title):
        return None
    if _REPORT_NOUN.match(text, m.end()):
        if not TOPIC_WORD.search(title) or not is_title(title):
            return None
        kind: NoticeType = "report"
    elif _CAMPAIGN_NOUN.match(text, m.end()):
        if len(title.split()) < 2 or " and " in title or words().not_start.match(title):
            return None
        kind = "campaign"
    else:
        return None
    start = m.start() + m.group(0).index(title)
    return Candidate(start, start + len(title), start + len(title), title, kind)


def _after_label(text: str, pos: int) -> bool:
    """'Area of Law: General Provisions on ...': a database field, not a title."""
    line = text[text.rfind("\n", 0, pos) + 1 : pos].strip().lower()
    return line.endswith(":") and line[:-1].strip() in words().field_labels


def _split_titles(raw: str) -> list[tuple[int, str]]:
    """Split "the Outline ... (2021-2035) and the Notice of ..." into its two titles."""
    for m in _AND_THE.finditer(raw):
        left, right = raw[: m.start()], raw[m.end() :]
        if title_type(clean_title(left)) and title_type(clean_title(right)):
            return [(0, left), *((m.end() + o, r) for o, r in _split_titles(right))]
    return [(0, raw)]


def _titled_object(rest: str) -> bool:
    """'Measures on GI Protection' and '2022 Annual Report' name documents; 'Plan to
    Boost ...' states an aim."""
    topic = TOPIC_WORD.search(rest)
    if topic is None:
        return bool(_REPORT_END.search(rest))
    return topic.group(0).strip() != "to"


def _own_release(text: str, m: re.Match[str]) -> bool:
    """ "Huawei released its Annual Report 2020": a body that is no agency, place or the
    country releasing its own document, no policy act."""
    own = _OWN_RELEASE.search(text, max(0, m.start() - 80), m.start())
    return own is not None and not _public_owner(own.group("owner"))


def _public_owner(owner: str) -> bool:
    """Whether the owner a possessive names ("CNIPA's", "Shenzhen's") is an agency, a
    place or the country, whose documents are policy acts."""
    name = _OWNER_END.sub("", owner)
    last = name.split()[-1] if name.split() else ""
    return bool(find_agencies(name)) or level_of(last) is not None or last == "China"


def _run_candidate(run_start: int, raw: str) -> list[Candidate]:
    # "According to the Notice of ...": the title starts at the first 'the' with a head.
    # "Hunan Rolls out Measures on ...": a headline's object starts after its verb
    starts = [0] + [t.end() for t in _THE_SPLIT.finditer(raw)]
    starts += [v.end() for v in _AFTER_VERB.finditer(raw) if _titled_object(raw[v.end() :])]
    starts.sort()
    head = words().head.search(raw)
    owners = [o.end() for o in _POSSESSIVE.finditer(raw, 0, head.start() if head else 0)]
    if owners:  # "The Supreme People's Court's Opinions on ...": the owner is no part of it
        if not _public_owner(raw[: owners[-1]]):
            return []  # "Huawei's 2022 Annual Report": a company's document, no policy act
        starts = [owners[-1], *starts]
    for offset in starts:
        title = clean_title(raw[offset:])
        kind = title_type(title)
        if kind is None or words().not_start.match(title):
            continue  # "Under the Measures for ...": the title starts at a later 'the'
        if not is_title(title):
            return []
        start = run_start + offset + raw[offset:].index(title)
        return [Candidate(start, start + len(title), start + len(title), title, kind)]
    return []
