"""Changes reported beside Chinese statistics: 同比增长 / 同比下降 / 增长 / 提高 … 个百分点 /
下降, measured year on year (同比), against the year before (比上年, 较上一年度, 比去年底),
against a named year (较2012年 -> vs_2012; 较“十三五”末 -> vs_2020) or, for a bare 增长,
against an unspecified prior year; 增长3.82倍 is a rise of 382 %. Hedges on the rate
(约, 近, 超过) are kept. Average growth over years (年均), changes on the month before (环比)
and gaps to an average are no change of the value. The words come from
`lexicon/zh_stat_changes.toml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from services.ingest.extract import lexicon
from services.ingest.extract.pattern_gates import starts_with
from services.ingest.extract.stat_values import Change, Direction, Qual
from services.ingest.extract.zh.stat_numbers import ZhNumber

_NAME = "zh_stat_changes"
_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class ChangeCue:
    """The words before a rate that make it a change: where they start and what they say."""

    start: int  # offset of the cue in the sentence
    basis: str
    direction: Direction
    qualifier: Qual
    respectively: bool  # "分别比上年增长57.1%和75.4%"
    not_change: bool  # 年均, 环比: a rate that is no change of the value
    word_direction: Direction  # the direction word's own, before a minus on the rate


def _alt(words: list[str] | dict[str, object]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_MINUS = ("-", "−", "－")


@cache
def _grammar() -> re.Pattern[str]:
    d = lexicon.load(_NAME)
    dirs = [*d["directions"]["up"], *d["directions"]["down"]]
    hedges = [w for ws in d["hedges"].values() for w in ws]
    years = _alt(d["year_basis_openers"])
    basis = (
        rf"(?P<basis>{_alt(d['bases'])})"
        rf"|(?:{years})\s*(?P<year>(?:19|20)\d{{2}})\s*年(?:底|末)?"
        rf"|(?:{years})\s*[“\"]?(?P<plan>{_alt(d['plan_ends'])})[”\"]?\s*(?:末|期末)"
    )
    # every part before the direction word is optional: a match starts with one of these
    gate = starts_with(
        [*d["not_changes"], "分别", *d["bases"], *d["year_basis_openers"], *dirs], r"\s"
    )
    return re.compile(
        rf"{gate}(?P<not>{_alt(d['not_changes'])})?(?P<resp0>分别)?\s*(?:(?:{basis})(?P<gap>[^,，;；。、\d]{{0,12}}?))?"
        rf"(?P<resp>分别)?\s*(?P<dir>{_alt(dirs)})\s*(?:{_alt(d['fillers'])})?"
        rf"\s*(?P<hedge>{_alt(hedges)})?\s*(?P<neg>[{''.join(_MINUS)}])?\s*$"
    )


@cache
def _baseline() -> re.Pattern[str]:
    d = lexicon.load(_NAME)
    years = _alt(d["year_basis_openers"])
    return re.compile(
        rf"(?:(?P<basis>{_alt(d['bases'])})|(?:{years})\s*(?P<year>(?:19|20)\d{{2}})\s*年)"
        rf"\s*(?:{_alt(d['baseline_markers'])})\s*$"
    )


def baseline_basis(view: str, start: int, end: int) -> str | None:
    """The basis a value right after it is the level of ("较上年的4868.8亿元": the value of
    the year before, which the rate after it compares with), None if it is no baseline."""
    markers = tuple(lexicon.load(_NAME)["baseline_markers"])
    if not view[start:end].rstrip().endswith(markers):
        return None  # most values: the search below need not run
    m = _baseline().search(view, start, end)
    if m is None:
        return None
    if m["basis"]:
        return str(lexicon.load(_NAME)["bases"][m["basis"]])
    return f"vs_{m['year']}"


def _qualifier(word: str | None) -> Qual:
    if not word:
        return "exact"
    hedges: dict[str, list[str]] = lexicon.load(_NAME)["hedges"]
    for qual, words in hedges.items():
        if word in words:
            return qual  # type: ignore[return-value]
    return "exact"


@cache
def _endings() -> tuple[str, ...]:
    """What a change cue can end with (its direction word, filler, hedge or minus): the
    text before a number ends with one of these whenever the grammar matches there."""
    d = lexicon.load(_NAME)
    hedges = [w for ws in d["hedges"].values() for w in ws]
    dirs = [*d["directions"]["up"], *d["directions"]["down"]]
    return (*dirs, *d["fillers"], *hedges, *_MINUS)


def change_cue(view: str, start: int, end: int) -> ChangeCue | None:
    """The change words that end right before a number at `end` (searched from `start`)."""
    d = lexicon.load(_NAME)
    if not view[start:end].rstrip().endswith(_endings()):
        return None  # most values: no change word ends the text before them
    m = _grammar().search(view, start, end)
    if m is None:
        return None
    if m["basis"]:
        basis = str(d["bases"][m["basis"]])
    elif m["year"]:
        basis = f"vs_{m['year']}"
    elif m["plan"]:
        basis = f"vs_{d['plan_ends'][m['plan']]}"
    else:
        basis = "unspecified_prior_year"
    word: Direction = "down" if m["dir"] in d["directions"]["down"] else "up"
    direction = word
    if m["neg"]:
        # "同比增长-10.1%" is a fall; "下降-2.2%" is a fall written with a redundant minus,
        # not a rise: a double negative is not how releases report growth
        direction = "down"
    before = view[max(start, m.start() - 4) : m.start()]
    not_change = bool(m["not"]) or any(w in before for w in d["not_changes"])
    return ChangeCue(
        m.start(), basis, direction, _qualifier(m["hedge"]), bool(m["resp"] or m["resp0"]),
        not_change, word,
    )


def to_change(n: ZhNumber, cue: ChangeCue) -> Change | None:
    """The reported change a rate states (an amount of money or items is absolute)."""
    if n.unit == "percent":
        return Change(n.value, "percent", cue.direction, cue.basis, cue.qualifier)
    if n.unit == "pp":
        return Change(n.value, "percentage_points", cue.direction, cue.basis, cue.qualifier)
    if n.unit == "times":
        return Change(n.value * _HUNDRED, "percent", cue.direction, cue.basis, cue.qualifier)
    return Change(n.value, "absolute", cue.direction, cue.basis, cue.qualifier)


_RATE_END = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|％|个百分点)\s*[,，;；]?\s*$")


def is_rate_clause(clause: str) -> bool:
    """A clause holding only a change ("同比增长19.64%，"): it names no subject."""
    m = _RATE_END.search(clause)
    if m is None:
        return False
    cue = change_cue(clause, 0, m.start(1))
    return cue is not None and not clause[: cue.start].strip(" ,，")
