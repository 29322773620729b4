"""Numbers and units of Chinese statistics: digits (ASCII or full-width, read on a
width-normalised view so that spans stay offsets into the original sentence), Chinese
numerals, the scale words 万/亿/万亿, money (元, 美元), counting words (件, 项, 个, 家, 笔 ...),
percent, tenths (四成 = 40 %), 个百分点 and 倍.

A Chinese figure always carries a unit word: a bare number (a phone number, a postcode, a
page count) is never read as a value. The words come from `lexicon/zh_stat_numbers.toml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from services.ingest.extract import lexicon
from services.ingest.extract.pattern_gates import starts_with
from services.ingest.extract.span_index import Covered
from services.ingest.extract.stat_values import Qual

_NAME = "zh_stat_numbers"


@dataclass(frozen=True, slots=True)
class ZhNumber:
    """A number with its unit read from a (width-normalised) sentence."""

    start: int
    end: int  # end of the unit words (and of "余"/"左右")
    value: Decimal
    unit: str  # CNY USD count percent pp times months
    qualifier: Qual  # from words after the number only ("余", "左右")
    unit_word: str  # the counting word as printed ("件", "家", "笔"), "" for money and rates


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _grammar() -> re.Pattern[str]:
    data = lexicon.load(_NAME)
    units = data["units"]
    numeral = _alternation([*data["numerals"], *data["numeral_units"]])
    section = _alternation(list(data["numeral_sections"]))
    # "一万二千": a section word inside a numeral only where more numerals follow it
    words = rf"(?:{numeral})+(?:(?:{section})(?:{numeral})+)*"
    gate = starts_with([*data["numerals"], *data["numeral_units"]], r"\d")
    return re.compile(
        gate + r"(?<![\d.,])(?:(?P<d>\d+(?:,\d{3})*(?:\.\d+)?)|(?P<w>" + words + r"))"
        r"(?P<more0>" + _alternation(units["more_after"]) + r")?"  # 1000多亿元
        r"\s*(?P<scale>" + _alternation(list(data["scales"])) + r")?"
        r"(?P<more>" + _alternation(units["more_after"]) + r")?"
        r"\s*(?:(?P<pp>" + _alternation(units["points"]) + r")"
        r"|(?P<pct>" + _alternation(units["percent"]) + r")"
        r"|(?P<times>" + _alternation(units["times"]) + r")"
        r"|(?P<ten>" + _alternation(units["tenths"]) + r")"
        r"(?!" + _alternation(units["tenths_not_before"]) + r")"
        r"|(?P<mon>" + _alternation(units["months"]) + r")"
        r"|(?P<cur>(?:人民币)?(?:" + _alternation(list(data["currencies"])) + r"))"
        r"|(?P<cnt>" + _alternation(units["counts"]) + r"))"
        r"(?:(?P<about>" + _alternation(units["about_after"]) + r")"
        r"|(?P<above>" + _alternation(units["above_after"]) + r")(?!的))?"
    )


def words_value(text: str) -> Decimal | None:
    """The value of a Chinese numeral ("十三" = 13, "两千" = 2000), None if it is not one."""
    data = lexicon.load(_NAME)
    digits, units, sections = data["numerals"], data["numeral_units"], data["numeral_sections"]
    big, total, current = 0, 0, None
    for ch in text:
        if ch in digits:
            current = int(digits[ch]) if current is None else current * 10 + int(digits[ch])
        elif ch in units:
            total += (1 if current is None else current) * int(units[ch])
            current = None
        elif ch in sections:  # "一万二千" = 1 × 10^4 + 2000
            big += (total + (current or 0)) * int(sections[ch])
            total, current = 0, None
        else:
            return None
    return Decimal(big + total + (current or 0))


def _currency(word: str) -> str:
    currencies: dict[str, str] = lexicon.load(_NAME)["currencies"]
    return next(code for name, code in currencies.items() if word.endswith(name))


def _unit(m: re.Match[str]) -> tuple[str, str]:
    if m["pp"]:
        return "pp", ""
    if m["pct"] or m["ten"]:
        return "percent", ""
    if m["times"]:
        return "times", ""
    if m["mon"]:
        return "months", ""
    if m["cur"]:
        return _currency(m["cur"]), ""
    return "count", m["cnt"]


def read_numbers(view: str, masked: list[tuple[int, int]]) -> list[ZhNumber]:
    """Every number with a unit in a width-normalised sentence, outside the masked spans
    (periods, dates, document numbers), in text order."""
    scales: dict[str, str] = lexicon.load(_NAME)["scales"]
    sections: dict[str, int] = lexicon.load(_NAME)["numeral_sections"]
    out: list[ZhNumber] = []
    covered = Covered(masked)
    for m in _grammar().finditer(view):
        if m.start() in covered:
            continue
        if m["d"] is not None:
            value = Decimal(m["d"].replace(",", ""))
        else:
            parsed = words_value(m["w"])
            if parsed is None:
                continue
            if parsed <= 1:
                continue  # "一项重要指标", "一件": "one" is an article here, no figure
            value = parsed
        if m["scale"] and m["w"] is not None and any(c in sections for c in m["w"]):
            value = words_value(m["w"] + m["scale"]) or value  # "一亿二千万": one numeral
        elif m["scale"]:
            value *= Decimal(scales[m["scale"]])
        if m["ten"]:
            value *= 10  # "四成": four tenths
        unit, word = _unit(m)
        if word and m["w"] is not None and m["cnt"] in ("个", "次") and not m["scale"]:
            continue  # "四个方面", "三次会议": counts in words of a text's own parts
        more = m["more"] or m["more0"] or m["above"]
        qual: Qual = "at_least" if more else "approx" if m["about"] else "exact"
        out.append(ZhNumber(m.start(), m.end(), value, unit, qual, word))
    return out


@cache
def _hedge_words() -> tuple[str, ...]:
    hedges: dict[str, list[str]] = lexicon.load(_NAME)["value_hedges"]
    return tuple(w for words in hedges.values() for w in words)


def value_hedge(before: str) -> Qual:
    """The hedge that ends the text before a value ("超过", "逾", "约", "近"), else exact."""
    hedges: dict[str, list[str]] = lexicon.load(_NAME)["value_hedges"]
    tail = before.rstrip()
    if not tail.endswith(_hedge_words()):
        return "exact"  # one test for the commonest case: no hedge at all
    best: tuple[int, Qual] = (0, "exact")
    for qual, words in hedges.items():
        for w in words:
            if tail.endswith(w) and len(w) > best[0]:
                best = (len(w), qual)  # type: ignore[assignment]
    return best[1]


@cache
def _equivalent_gap() -> re.Pattern[str]:
    d = lexicon.load(_NAME)
    words, names = _alternation(d["equivalent_openers"]), _alternation(d["currency_names"])
    # "（约合720亿美元）", and without parentheses "，约合人民币970亿元"
    return re.compile(
        rf"^\s*(?:[(（]\s*(?:{words})?|[,，]?\s*(?:{words}))\s*(?:{names})?\s*$"
    )


def is_equivalent(view: str, first: ZhNumber, second: ZhNumber) -> bool:
    """Whether `second` converts the amount `first` into another currency in parentheses."""
    money = ("CNY", "USD")
    if first.unit not in money or second.unit not in money or first.unit == second.unit:
        return False
    return bool(_equivalent_gap().match(view[first.end : second.start]))


def value_hedges() -> str:
    """A regex alternation of every hedge word before a value ("约", "近", "超过" …)."""
    hedges: dict[str, list[str]] = lexicon.load(_NAME)["value_hedges"]
    return _alternation([w for words in hedges.values() for w in words])
