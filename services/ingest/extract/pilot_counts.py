"""Batch sizes and batch numbers of designations ("Top 10", "Nine cities", "second batch")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from services.ingest.extract import lexicon


@dataclass(frozen=True, slots=True)
class _Counts:
    numbers: dict[str, int]
    ordinals: dict[str, int]
    count: re.Pattern[str]
    leading: re.Pattern[str]
    batch: re.Pattern[str]
    unit_count: re.Pattern[str]


@cache
def _counts() -> _Counts:
    lex = lexicon.load("pilots")
    numbers = {str(k): int(v) for k, v in lex["numbers"].items()}
    ordinals = {str(k): int(v) for k, v in lex["ordinals"].items()}
    num = r"(\d{1,3}|" + "|".join(numbers) + r")"
    ordinal = r"(" + "|".join(ordinals) + r"|\d+(?:st|nd|rd|th))"
    units = "|".join(lex["counted"]["units"])
    return _Counts(
        numbers=numbers,
        ordinals=ordinals,
        count=re.compile(rf"\b(?:top\s+)?{num}\b(?!\s*(?:st|nd|rd|th)\b)", re.I),
        leading=re.compile(rf"^(?:top\s+)?{num}\s+(?=[A-Za-z])", re.I),
        batch=re.compile(rf"\b{ordinal}\s+(?:batch|group)", re.I),
        # the last counted unit before a list, with no other number after it
        unit_count=re.compile(
            rf"\b{num}\s+(?:[a-z-]+\s+){{0,3}}?(?:{units})\b(?!.*\d)[^.;]*$", re.I
        ),
    )


def _number(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else _counts().numbers.get(raw.lower())


def counts(piece: str) -> tuple[str, int | None, int | None]:
    """A designation without its leading count, its batch size and its batch number."""
    c = _counts()
    total = batch = None
    if m := c.batch.search(piece):
        raw = m.group(1).lower()
        batch = c.ordinals.get(raw) or int(re.sub(r"\D", "", raw) or 0) or None
    if m := c.count.search(piece):
        total = _number(m.group(1))
    return c.leading.sub("", piece), total or None, batch


def count_before(left: str) -> int | None:
    """The size of a batch stated before its list ("Twelve cities including ...")."""
    m = _counts().unit_count.search(left[-160:])
    return _number(m.group(1)) if m else None
