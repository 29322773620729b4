"""Lines that list the members of a programme: numbered or bulleted lines under a line
ending in a colon ("... are as follows:" / "1. Quanzhou, Fujian Province"), or bulleted
or numbered lines under a heading that names a programme."""

from __future__ import annotations

import re

from services.ingest.extract.pilot_programmes import is_generic, programmes

_NUMBERING = re.compile(r"\s*(?:\(?\d{1,3}[.)、]|[•·\-–*])\s*")
_TRAILING_NUMBER = re.compile(r"(?:^|(?<=\n))\s*\(?\d{1,3}[.)、]$")
_NUMBER_ONLY = re.compile(r"\s*\(?\d{1,3}[.)、]\s*")
_BULLET = re.compile(r"\s*[•·\-–*]\s+")


def opens_list(text: str, start: int) -> bool:
    """Whether a line at `start` follows a colon or a programme heading: a first member."""
    before = _TRAILING_NUMBER.sub("", text[max(0, start - 12) : start].rstrip())
    return before.rstrip().endswith(":") or _under_heading(text, start)


def _under_heading(text: str, start: int) -> bool:
    """A bulleted line right under a heading that names a programme ("National IP model
    cities announced in 2016" / "- Wuxi"): the first member of a list without a colon."""
    line = text.rfind("\n", 0, start) + 1
    numbered = line < start and bool(_NUMBER_ONLY.fullmatch(text, line, start))
    if not (numbered or _BULLET.match(text, start)):
        return False  # "- Wuxi", or "1. Wuxi" with its number read as a sentence of its own
    above = text[max(0, line - 300) : line].rstrip()
    heading = above[above.rfind("\n") + 1 :].strip() if line > 0 else ""
    if not heading or heading[-1] in ".;:!?" or _NUMBERING.match(heading):
        return False
    return any(not is_generic(p.text) for p in programmes(heading, 0, len(heading)))


def body_start(text: str, start: int, end: int) -> int:
    """Where a line's text starts after its number or bullet."""
    m = _NUMBERING.match(text, start, end)
    return m.end() if m else start


def number_only(text: str, start: int, end: int) -> bool:
    """A line that holds only a number ("2."): it keeps a numbered list going."""
    return bool(_NUMBER_ONLY.fullmatch(text, start, end))
