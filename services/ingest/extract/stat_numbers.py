"""Numbers and their units in a sentence: digits with thousands separators and scale words
("33.7 billion", "18 mill."), currencies before or after, percents, months, "2.8 times",
rates per 10,000 people, shares written as fractions; spans that never hold a value (dates,
document numbers, article numbers) are masked first."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import lru_cache

from services.ingest.extract import lexicon
from services.ingest.extract.pattern_gates import starts_with
from services.ingest.extract.stat_period_grammar import MONTHS, WORD_NUMBERS, M, Y
from services.ingest.extract.stat_period_parts import PeriodHit
from services.ingest.extract.stat_text import lc, lower
from services.ingest.extract.stat_units import MONTHS_AFTER, multiple_words, read_unit
from services.ingest.extract.stat_values import Num

SCALES: dict[str, Decimal] = {
    "trillion": Decimal(10) ** 12, "billion": Decimal(10) ** 9, "bln": Decimal(10) ** 9,
    "bn": Decimal(10) ** 9, "million": Decimal(10) ** 6, "mln": Decimal(10) ** 6,
    "mn": Decimal(10) ** 6, "thousand": Decimal(1000),
}  # fmt: skip

# The lookahead names every character a match can start with: positions that cannot start
# one are rejected before the optional currency prefix is tried (same matches, fewer tries).
_NUMBER = lc(
    r"(?=[u$rc¥€\s\d])(?P<pre>US ?\$|\$|RMB|CNY|USD|¥|€)?\s?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3},\d{1,2}(?![\d,])|\d+(?:\.\d+)?)"
    r"(?:(?P<yi>\s+(?:100|one hundred|a hundred|hundred)\s+million)(?=\s*(?:yuan|rmb|cny))"
    r"|(?P<wan>\s+(?:10,000|ten thousand))(?=\s*(?:yuan|rmb|cny))"
    r"|\s?(?P<scale>trillion|billion|million|thousand|bln|mln|bn|mn)\b"
    r"|\s(?P<abbr>mill|bill|thous)\.(?=[\s,;)]|$)"
    r"|(?![\w]))",
)
# The lookaheads name the first letters of the number words: the word boundary test and
# the alternatives are tried only where one of them stands.
_WORD_NUMBER = re.compile(
    r"(?=[efnost])\b(?P<num>one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
    r"(?P<half>\s+and\s+a\s+half)?(?=\s+months?\b)",
    re.I,
)
# "three national IP advantage enterprises": a number word before the units a release counts
_WORD_COUNT = re.compile(
    r"(?=[efnost])\b(?P<num>one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
    r"(?=(?:[\w-]+\s+){0,4}?(?:" + "|".join(lexicon.words("stat_changes", "counted_nouns"))
    + r")\b)",
    re.I,
)
_MALFORMED_GROUP = re.compile(r"\d{1,3},\d{1,2}")
_FROM_WORD_TO = re.compile(
    r"(?=f)\bfrom\s+(one|two|three|four|five|six|seven|eight|nine|ten)\s+to\s+\d", re.I
)
_PER10K_BEFORE = re.compile(
    # "for every 10,000 Beijing residents": a place may name whose population it is
    r"(?:per|for every|every)\s+(?P<base>10,000|ten thousand|100,000|100 thousand)"
    r"\s+(?:(?-i:[A-Z][\w'’-]+)\s+)?"
    r"(?:people|persons?|population|residents|inhabitants|Chinese)\b[^,.;]{0,40}$",
    re.I,
)
_PER_BASE = re.compile(
    r"(?:per|every|for every|out of every)\s+(?:10,000|100,000|100 thousand|10 000)", re.I
)

# The words a masked span can open with: month names and these.
_MASK_OPENERS = ("no", "art", "chapter", "clause", "section", "item", "top", "first", "second",
                 "third", "last")  # fmt: skip
_MASK_WORDS = "|".join([*_MASK_OPENERS, *map(re.escape, MONTHS)])
_MASK_FIRST = starts_with([*_MASK_OPENERS, *MONTHS], r"\d\[")
# Spans that never hold a value. Every alternative starts with a digit, "[" or one of those
# words; the lookaheads check that once (first its first character) before the
# alternatives are tried.
_MASKS = lc(
    rf"{_MASK_FIRST}(?<![A-Za-z0-9])(?=\d|\[|{_MASK_WORDS})(?:\b{M}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+{Y})?(?!\d)"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{M}(?:,?\s+{Y})?"
    r"|\b\d{1,2}:\d{2}\b"
    r"|\[\s*\d{4}\s*\]|\bNo\.\s*\d+|\bNos?\.\s*\d+"
    r"|\b(?:articles?|art\.|chapters?|clauses?|sections?|items?)\s+\d+(?:\s*(?:,|、|and|to)\s*\d+)*"
    r"|\d+(?:\s*、\s*\d+)+"
    r"|\btop\s+\d+|\b\d+\s*(?:st|nd|rd|th)\b"
    r"|\b(?:first|second|third|last)\s+\d+\b"
    r"|\d+-(?:year|month|day|member|point|article)\b)",
)

# ------------------------------------------------------------------------- numbers


def dec(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def read_numbers(
    s: str, masked: list[tuple[int, int]], periods: Sequence[PeriodHit] = ()
) -> list[Num]:
    """Every number in the sentence with its scale and unit, masked spans left out. Numbers
    that start inside a period phrase are never values, so they are not read at all."""

    def in_period(pos: int) -> bool:
        return any(h.start <= pos < h.end for h in periods)

    def is_masked(a: int, b: int) -> bool:
        return any(a < me and b > ms for ms, me in masked)

    out: list[Num] = []
    low = lower(s)
    per_base = _may_have_per_base(low)
    for m in _NUMBER.finditer(low):
        if masked and is_masked(*m.span("num")):
            continue
        start = m.start("pre") if m.group("pre") else m.start("num")
        if not (periods and in_period(start)):
            out.append(_digits(s, m, start, per_base))
    out += _word_numbers(s, low, is_masked, in_period)
    out += _fraction_shares(s, low)
    out += [
        n for n in multiple_words(s, low) if not (is_masked(n.start, n.end) or in_period(n.start))
    ]
    out.sort(key=lambda n: n.start)
    return out


def _digits(s: str, m: re.Match[str], start: int, per_base: bool) -> Num:
    """A number written in digits, with its scale, currency and unit."""
    raw = m.group("num")
    flags: list[str] = []
    if "," in raw and _MALFORMED_GROUP.fullmatch(raw):
        flags.append("suspected_typo")  # a malformed thousands group ("8,70")
    value, scaled = _scaled_value(m, flags)
    num = Num(start=start, end=m.end(), value=value, unit="count", scaled=scaled,
              separated="," in raw, flags=flags)  # fmt: skip
    pre = (m.group("pre") or "").upper()
    if pre.replace(" ", "") in ("US$", "$", "USD"):
        num.unit = "USD"
    elif pre in ("RMB", "CNY", "¥"):
        num.unit = "CNY"
    read_unit(s, num)
    if (
        num.unit == "count"
        and per_base
        and (pb := _PER10K_BEFORE.search(s, max(0, start - 100), start))
    ):
        # "for every 10,000 people there were 11.8 high-value patents".
        num.unit = "per_10k_people"
        if "100" in pb.group("base"):
            num.value = num.value / 10
            num.flags.append("suspected_unit_error")
    return num


def _word_numbers(
    s: str, low: str, is_masked: Callable[[int, int], bool], in_period: Callable[[int], bool]
) -> list[Num]:
    """Numbers in words: before "months" ("four months"), and in "from nine to 74"."""
    out: list[Num] = []
    for m in _WORD_NUMBER.finditer(s) if "month" in low else ():
        if is_masked(m.start(), m.end()) or in_period(m.start()):
            continue
        value = Decimal(WORD_NUMBERS[m.group("num").lower()])
        if m.group("half"):
            value += Decimal("0.5")
        mm = MONTHS_AFTER.match(s, m.end())
        end = mm.end() if mm else m.end()
        out.append(Num(start=m.start(), end=end, value=value, unit="months"))
    for m in _WORD_COUNT.finditer(s):
        if not (is_masked(m.start(), m.end()) or in_period(m.start())):
            value = Decimal(WORD_NUMBERS[m.group("num").lower()])
            out.append(Num(start=m.start(), end=m.end("num"), value=value, unit="count"))
    for m in _FROM_WORD_TO.finditer(s) if "from" in low else ():
        if in_period(m.start(1)):
            continue
        value = Decimal(WORD_NUMBERS[m.group(1).lower()])
        out.append(Num(start=m.start(1), end=m.end(1), value=value, unit="count"))
    return out


@lru_cache(maxsize=1)
def _fraction_pattern() -> tuple[re.Pattern[str], dict[str, Decimal]]:
    table = {
        str(k): Decimal(str(v)) for k, v in lexicon.load("stat_changes")["fraction_shares"].items()
    }
    words = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(table, key=len)[::-1])
    verbs = r"account(?:ing|ed|s)?\s+for|ma(?:de|king|kes?)\s+up|represent(?:ing|ed|s)?"
    hedge = r"(?:(?:more than|over|nearly|almost|about|roughly)\s+)?"
    return re.compile(rf"\b(?:{verbs})\s+{hedge}(?P<f>{words})(?=\s+of\b)"), table


def _fraction_shares(s: str, low: str) -> list[Num]:
    """ "accounting for half of the total": a share written as a fraction, in percent."""
    if " of" not in low or not any(w in low for w in ("half", "third", "quarter", "fifth")):
        return []
    pattern, table = _fraction_pattern()
    out = []
    for m in pattern.finditer(low):
        value = table[" ".join(m.group("f").split())]
        out.append(Num(start=m.start("f"), end=m.end("f"), value=value, unit="percent"))
    return out


def _scaled_value(m: re.Match[str], flags: list[str]) -> tuple[Decimal, bool]:
    """The number in base units and whether a scale word was applied."""
    raw = m.group("num")
    value = dec(raw)
    if m.group("yi"):
        return value * Decimal(10) ** 8, True
    if m.group("wan"):
        return value * Decimal(10) ** 4, True
    if m.group("abbr"):  # "18 mill.", "2.3 bill.": abbreviated scale words
        return value * SCALES[
            {"mill": "million", "bill": "billion"}.get(m.group("abbr").lower(), "thousand")
        ], True
    if m.group("scale"):
        word = m.group("scale").lower()
        if word in ("billion", "bln", "bn") and value >= 1000:
            # "4868.8 billion": a writer of trillions would say trillion; likely a
            # mistranslated yi (100 million).
            flags.append("suspected_scale_error")
        return value * SCALES[word], True
    return value, False


def masks(s: str) -> list[tuple[int, int]]:
    low = lower(s)
    spans = [(m.start(), m.end()) for m in _MASKS.finditer(low)]
    if _may_have_per_base(low):
        spans += [(m.start(), m.end()) for m in _PER_BASE.finditer(s)]
    return spans


def _may_have_per_base(low: str) -> bool:
    """Whether a lowered sentence can hold a "per 10,000" base at all: a cheap substring
    test that spares most sentences the windowed per-10k searches."""
    return "0,000" in low or "0 000" in low or "thou" in low
