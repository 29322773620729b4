"""How two titles relate: a notice that prints and distributes another document, and
one notice written under a short and a full title."""

from __future__ import annotations

import re

from services.ingest.extract.notice_titles import Candidate, clean_title, is_title, title_type

_PARENTHESES = re.compile(r"\s*[(（][^()（）]*[)）]")
_YEARS = re.compile(r"[(（][^()（）]*\d[^()（）]*[)）]")
_CARRIES = re.compile(
    r"\son\s+(?:Issuing|Printing\s+and\s+(?:Issuing|Distributing)|Distributing|Publishing)"
    r"\s+(?:the\s+)?(?P<inner>[A-Z].+)$"
)


def embedded(cand: Candidate) -> Candidate | None:
    """The document a notice prints and distributes: 'Notice of X on Issuing the Measures
    for Y' carries 'Measures for Y'."""
    m = _CARRIES.search(cand.title)
    if m is None:
        return None
    inner = clean_title(m.group("inner"))
    kind = title_type(inner)
    if kind is None or not is_title(inner):
        return None
    start = cand.start + m.start("inner") + m.group("inner").index(inner)
    return Candidate(start, start + len(inner), start + len(inner), inner, kind)


def title_key(title: str) -> str:
    """What one notice's titles in one text share: no case, no parentheses ("(Trial)",
    "(2021-2035)" are often left out when it is named again), one apostrophe, no 'the'."""
    key = _PARENTHESES.sub(" ", title.lower().replace("’", "'"))
    return " ".join(w for w in key.split() if w != "the")


def editions_differ(a: str, b: str) -> bool:
    """'Report (2021)' and 'Report (2022)' are two editions; 'Outline' and 'Outline
    (2021-2035)' one document named twice."""
    years_a, years_b = _YEARS.findall(a), _YEARS.findall(b)
    return bool(years_a and years_b and years_a != years_b)


def same_notice(a: str, b: str) -> bool:
    """Two titles of one notice: 'Notice on X' and 'Notice from the Office of Y on X'."""
    ta, tb = a.lower().rsplit(" on ", 1), b.lower().rsplit(" on ", 1)
    if len(ta) < 2 or len(tb) < 2 or ta[1] != tb[1]:
        return False
    return title_type(a) == title_type(b)
