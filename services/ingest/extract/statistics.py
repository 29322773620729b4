"""Rule-based extraction of published statistics (values, growth rates) from English text.

The extractor reads one sentence at a time and keeps a little state across sentences (the
last period, year, currency, place and growth basis) because press releases state them
once. Within a sentence it:

1. masks numbers that are never values: dates, document and article numbers, ordinals,
   "Top 10", the "10,000" of "per 10,000 people", years;
2. reads every remaining number with its scale ("billion", "trillion", "million",
   "100 million" and "10,000" before a currency), currency, percent, months or per-10k unit;
3. tells growth rates ("up 15.5%", "an increase of 39.8%", "a 2.5% drop", "2 times") from
   values, and attaches each rate to the value it modifies: the value before it, or the
   value after it in "rose 21.7% to 709,000"; "respectively" maps rates in order; a rate
   with no free value is a growth-only statistic (value None);
4. drops targets and forecasts (a future cue such as "will", "expected", "goal", or a
   period that starts after the publication date), thresholds and milestones,
   funding allocations and fund sizes, counts of selected units, legal ranges,
   multi-year totals and averages, other countries' and single companies' figures;
5. resolves the period (nearest period phrase in the sentence, else the carried one),
   the geography (a named Chinese city/district, else CN), the metric (catalogue aliases,
   see `metrics_match`), hedges and parenthetical currency equivalents.

All patterns are precompiled and linear (no nested unbounded repeats), so a 10 KB document
takes a few milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise
from typing import Literal

from events import (
    AsOfPeriod,
    Period,
    ReportedChange,
    Span,
    StatisticPublished,
    YearPeriod,
)
from events.metrics import UNCLASSIFIED, Metric, catalogue, get_metric
from events.types import (
    MAX_FRACTION_DIGITS,
    MAX_INTEGER_DIGITS,
    Equivalent,
    Unit,
    bounded_amount,
)
from services.ingest.extract import lexicon
from services.ingest.extract.base import Document, ExtractionError, Fact
from services.ingest.extract.metrics_match import match_metric, unit_fits
from services.ingest.extract.sentences import document_sentences
from services.ingest.extract.stat_distractors import FOREIGN as _FOREIGN
from services.ingest.extract.stat_distractors import Cues as _Cues
from services.ingest.extract.stat_distractors import company_cue as _company_cue
from services.ingest.extract.stat_distractors import funding_cue as _funding_cue
from services.ingest.extract.stat_distractors import (
    is_event_figure,
    is_limit_or_leverage,
)
from services.ingest.extract.stat_geography import CLAUSE_END as _CLAUSE_END
from services.ingest.extract.stat_geography import geography as _geography
from services.ingest.extract.stat_geography import site_place as _site_place
from services.ingest.extract.stat_geography import update_places as _update_places
from services.ingest.extract.stat_lists import LIST_GAP, continues_list, listed_subjects
from services.ingest.extract.stat_numbers import masks as _masks
from services.ingest.extract.stat_numbers import read_numbers as _read_numbers
from services.ingest.extract.stat_period_grammar import DIGIT as _DIGIT
from services.ingest.extract.stat_period_grammar import UNDATED_YEAR
from services.ingest.extract.stat_period_grammar import WORD_NUMBERS as _WORD_NUMBERS
from services.ingest.extract.stat_period_grammar import M as _M
from services.ingest.extract.stat_period_grammar import Y as _Y
from services.ingest.extract.stat_period_parts import PeriodHit as _PeriodHit
from services.ingest.extract.stat_period_parts import period_end as _period_end
from services.ingest.extract.stat_period_parts import period_start as _period_start
from services.ingest.extract.stat_period_phrases import find_periods as _find_periods
from services.ingest.extract.stat_periods import months_period, title_year
from services.ingest.extract.stat_text import lc as _lc
from services.ingest.extract.stat_text import lower as _lower
from services.ingest.extract.stat_text import words as _words
from services.ingest.extract.stat_values import CHANGE_AFTER as _CHANGE_AFTER
from services.ingest.extract.stat_values import CHANGE_BEFORE as _CHANGE_BEFORE
from services.ingest.extract.stat_values import Change as _Change
from services.ingest.extract.stat_values import Num as _Num
from services.ingest.extract.stat_values import Qual

# ------------------------------------------------------------------------- vocabulary

@lru_cache(maxsize=1)
def _ip_cue() -> re.Pattern[str]:
    """A cue of the IP domain (lexicon/stat_domain.toml), matched on `_lower()` text."""
    prefixes = [re.escape(w.lower()) for w in lexicon.words("stat_domain", "prefixes")]
    whole = [re.escape(w.lower()) + r"\b" for w in lexicon.words("stat_domain", "words")]
    phrases = [re.escape(w.lower()).replace(r"\ ", r"\w* ", 1) for w in
               lexicon.words("stat_domain", "phrases")]  # fmt: skip
    return _lc(_words(*prefixes, *whole, *phrases))

# ------------------------------------------------------------------------- patterns

# A following noun that makes a number a count of selected or covered units, a duration,
# a legal structure or an event: never a statistic.
# "49 million people were employed in patent-intensive industries": people, but a statistic
_EMPLOYED = re.compile(r"\s+(?:people|persons)\s+(?:were\s+|are\s+|was\s+)?employed\b", re.I)
_BAD_NOUN = re.compile(
    # "last year" and "this year" after a number name its period, not a duration noun
    r"\s+(?:(?!(?:in|of|the|for|at|by|from|on|to|and|or|with|were|was|are|is|have|has|had|"
    r"last|this|next)\b)"
    r"[\w-]+\s+){0,3}?(?:cit(?:y|ies)|provinces?|regions?|areas?|locations?|"
    r"municipalit(?:y|ies)|parks?|zones?|districts?|counties|county|lenders?|banks?|"
    r"funds?|years?|days?|weeks?|decades?|sessions?|articles?|chapters?|measures|"
    r"hotlines?|folds?|members?|persons?|people|centers|centres|incubators|"
    r"institutions|universities|platforms|bases|hubs|stations|points|rounds|batch(?:es)?|"
    r"pilots?|projects in (?:the|\d)|departments|ministries|agreements?)\b",
    re.I,
)

_CHANGE_HEDGE = re.compile(
    r"\b(?P<h>about|nearly|almost|approximately|around|some|over|more than)\s*$", re.I
)
_VALUE_HEDGE = re.compile(
    r"\b(?P<h>more than|over|exceed\w*|surpass\w*|topp\w*|above|at least|no less than|"
    r"about|some|approximately|around|roughly|nearly|almost|close to|less than|under|"
    r"nearing)\s*(?:a total of\s*|the\s+)?$",
    re.I,
)
_HEDGE_MAP: dict[str, Qual] = {
    "more than": "at_least", "over": "at_least", "exceed": "at_least",
    "surpass": "at_least", "topp": "at_least", "above": "at_least", "at least": "at_least",
    "no less than": "at_least", "about": "approx", "some": "approx",
    "approximately": "approx", "around": "approx", "roughly": "approx",
    "nearly": "approx_below", "almost": "approx_below", "close to": "approx_below",
    "less than": "approx_below", "under": "approx_below", "nearing": "approx_below",
}  # fmt: skip
_DOWN = re.compile(
    r"^(?:down|decreas|drop|fell|fall|declin|shr|lower|plunge|slump|reduc|dip|edg\w* down|"
    r"less|fewer)",
    re.I,
)

_BASIS_YOY = re.compile(
    r"year[- ]on[- ]year|yearon-\s?year|\byoy\b|y-o-y|from a year (?:ago|earlier)|"
    r"(?:versus|vs\.?|compared (?:with|to)) a year (?:ago|earlier)|on a yearly basis|"
    r"same period|year[- ]over[- ]year",
    re.I,
)
_BASIS_PREV = re.compile(
    r"(?:over|from|compared (?:with|to)|than|on|versus)\s+(?:that of\s+)?(?:the\s+)?"
    r"(?:previous|prior|preceding|last) year|as compared with last year|a year (?:ago|earlier)",
    re.I,
)
_BASIS_YEAR = re.compile(
    # "than in 2021", "compared with that of 2017", "(2.8 times) that of 2016"
    rf"(?:(?:over|from|compared (?:with|to)|than|on|versus|vs\.?)\s+|^\s*(?=that\s))"
    rf"(?:that of\s+|that in\s+|in\s+)?"
    rf"(?:the same period of\s+)?(?P<y>{_Y})",
    re.I,
)

# Sentence-level suppressors.
_MULTI_YEAR = _lc(
    r"average annual|annual average|average (?:growth )?rate|annual growth rate|"
    r"cumulative (?:value|amount|total)|compound annual|"
    + _words(
        rf"from\s+(?:{_M}\s+)?{_Y}\s+(?:to|through|until)\s+(?:{_M}\s+)?{_Y}",
        rf"between\s+{_Y}\s+and\s+{_Y}",
        rf"19\d{{2}}\s*[-–]\s*{_Y}\s+period",
        rf"20\d{{2}}\s*[-–]\s*{_Y}\s+period",
    )
    + r"|over the (?:past|last) (?:two|three|four|five|six|seven|eight|nine|ten|\d+) years"
    r"(?! to)",
)
_THRESHOLD_BEFORE = re.compile(
    r"(?:\b(?:with|having|had|has|have)\s+an?\s+(?:[\w-]+\s+){0,4}of|\bincome of|"
    r"\brevenue of|\bthreshold of|\bcap of|\bceiling of)\s*(?:more|less|fewer)\s+than\s*$|"
    # "reached up to 4 million" reports a value; "loans of up to" states a cap
    r"\b(?:below|under|(?<!reached )up to|within)\s*$",
    re.I,
)
_FIRST_TIME = re.compile(r"^\s*(?:[\w$.,]+\s+){0,4}?for the first time", re.I)
_SUBSET = re.compile(r"\b(?:of which|among them|among which|of them|of these|including)\b", re.I)
_SUBORDINATE_SHARE = re.compile(
    r"(?:accounting for|representing|making up|, or|, about|,)\s*"
    r"(?:about|nearly|over|more than|some|approximately)?\s*$",
    re.I,
)
_SHARE_OF = re.compile(
    r"^\s*(?:of\s+(?:the\s+)?(?:total|GDP|all|China's|that year's|its|national|the country's|"
    r"which|them|these|those))",
    re.I,
)
_RESPECTIVELY = re.compile(r"\brespectively\b", re.I)
_CONTINUATION = re.compile(
    r"^\s*(?:" + "|".join(lexicon.words("stat_changes", "continuation_subjects")) + r")\s+"
    r"(?:" + "|".join(lexicon.words("stat_changes", "continuation_verbs")) + r")\b",
    re.I,
)
_TO_VALUE = re.compile(r"^\s*,?\s*to\s+(?:reach\s+)?$", re.I)
# Basis words between a rate and its value: "grew 67% from the same period last year to".
_BASIS_WORDS = re.compile(
    r"\b(?:(?:from|over|compared (?:with|to)|versus|vs\.?|than|on)\s+)?(?:the\s+)?"
    rf"(?:same period(?:\s+(?:of\s+)?(?:last year|the previous year|{_Y}))?|previous year|"
    rf"last year|a year (?:ago|earlier)|year[- ]on[- ]year|yoy|{_Y})",
    re.I,
)
_FROM_TO = re.compile(r"\bfrom\s*$", re.I)
_CHANGE_VERB = re.compile(
    r"\b(?:increas\w*|grow\w*|grew|rise|rose|risen|rising|climb\w*|jump\w*|surg\w*|"
    r"soar\w*|expand\w*|went|gone|decreas\w*|drop\w*|fell|fall\w*|declin\w*|shr[iu]nk\w*|"
    r"reduc\w*|shortened)\b",
    re.I,
)
_BETWEEN = re.compile(r"\bbetween\s*$", re.I)
_RANGE_TO = re.compile(r"^\s*(?:to|-|–|and)\s*$", re.I)
_ABSOLUTE_AFTER = re.compile(
    r"^\s*(?P<dir>more|less|fewer|higher|lower)\s+than\s+(?:that\s+(?:of|in)\s+)?"
    r"(?:the same period|the same month|a year|the previous year|last\s|the year before|in\s|"
    + _Y + ")",
    re.I,
)
_RATIO_NEAR = re.compile(r"\b(?:per|every|for every|each)\s+\d", re.I)
_UP_BY = re.compile(r"\b(?:up|down)\s+(?:by\s+)?$", re.I)
# "an increase of 144,258", "rose by 2,200": a count or amount that is the change itself.
_ABSOLUTE_BEFORE = re.compile(
    r"\b(?:(?:an?\s+)?(?:(?:year[- ]on[- ]year|annual)\s+)?(?P<noun>increase|rise|growth|"
    r"decrease|drop|decline|reduction|gain|fall)\s+of|(?P<verb>increas\w*|decreas\w*|rose|"
    r"risen|grew|grown|fell|fallen|dropped|declined|reduced|gained)\s+by)"
    r"\s+(?:about\s+|nearly\s+|some\s+|more\s+than\s+|over\s+|approximately\s+)?$",
    re.I,
)
_APPROX_WORD = re.compile(r"\b(?:about|approximately|around|roughly|some|nearly|almost)\b", re.I)
_STOP = re.compile(
    r"[,;:.]|\s(?:while|whereas|with|but)\s|\sand\s(?!\w+(?:ed|en)\s*[,.;])|\s--?\s|—", re.I
)
_BASIS_STOP = re.compile(r"[,;.(]|\s--?\s|—|\band\b")
_HEADLINE_END = re.compile(r"[.!?\"”’:]$")

@dataclass(slots=True)
class _Stat:
    """A statistic found, before it becomes a StatisticPublished payload."""

    num: _Num | None
    change: _Change | None
    metric: Metric
    description: str
    period: Period
    geography: str
    sentence: Span
    value_span: Span | None
    headline: bool
    unit: str


@dataclass(slots=True)
class _State:
    """What a document has established so far: carried period, year, currency, place."""

    published: date | None
    period: Period | None = None
    year: int | None = None
    currency: str | None = None
    place: str | None = None
    basis: str | None = None
    places: dict[str, str] = field(default_factory=dict)
    span_years: int | None = None
    filings_in_china: bool = False  # the text spoke of filings made in China
    last_stats: list[_Stat] = field(default_factory=list)


def period_problems(doc: Document) -> list[tuple[Span, str]]:
    """Impossible periods in a document's text (sentence span, problem); their facts are refused."""
    state = _State(published=doc.reference_date, year=title_year(doc.title))
    out = []
    for span in document_sentences(doc.text):
        for hit in _find_periods(doc.text[span.start : span.end], state):
            if hit.problem is not None:
                at = Span(start=span.start + hit.start, end=span.start + hit.end)
                out.append((at, hit.problem))
    return out


_FILING = re.compile(r"\b(?:appl(?:y|ied|ies)\s+for|filed|filings?|registered|obtained)\b", re.I)
_IN_CHINA = re.compile(r"\b(?:in|to|into|with)\s+(?:the\s+)?China\b")


def _in_china_after(s: str, end: int) -> bool:
    """ "Applicants from Japan filed 49,000 applications in China": filings made in China,
    which are China's figures, not Japan's."""
    stop = _CLAUSE_END.search(s, end)
    return bool(_IN_CHINA.search(s, end, stop.start() if stop else len(s)))


# ------------------------------------------------------------------------- sentences


def _qualifier(before: str) -> Qual:
    m = _VALUE_HEDGE.search(before)
    if not m:
        return "exact"
    word = m.group("h").lower()
    for key, qual in _HEDGE_MAP.items():
        if word.startswith(key):
            return qual
    return "exact"


_RATE_LIST_TAIL = re.compile(
    r"^(?:\s*(?:,|and|,\s*and)\s*(?:about\s+|nearly\s+)?\d+(?:\.\d+)?\s*(?:%|percent))*"
    r"\s*,?\s*respectively\s*,?",
    re.I,
)


def _basis(after: str) -> str | None:
    """The basis named right after a rate, within its clause; `vs_<year>` for a named year
    (turned into `vs_previous_year` once the value's year is known)."""
    # "36% and 24%, respectively, over 2020": the basis after a list of rates is each one's
    after = _RATE_LIST_TAIL.sub("", after, count=1) if after else ""
    window = _BASIS_STOP.split(after, maxsplit=1)[0] if after else ""
    if _BASIS_YOY.search(window):
        # "than that of the same period of 2017" is year on year, whatever the year.
        return "year_on_year"
    prev, year = _BASIS_PREV.search(window), _BASIS_YEAR.search(window)
    if prev and (year is None or prev.start() <= year.start()):
        return "vs_previous_year"
    if year:
        return f"vs_{year.group('y')}"
    return None


_BASELINE_BEFORE = re.compile(
    r"\bfrom\s+(?:about\s+|nearly\s+)?(?:US\$|\$|RMB|CNY)?\s?\d[\d,.]*(?:\s+[^\s(]+){0,5}?"
    r"\s*(?:\([^)]*\))?\s*$",
    re.I,
)
_BASELINE_VALUE = re.compile(r"\b(?:up|down)\s+from\s*$", re.I)
_NATIONAL = _lc(
    _words("China", "Chinese", "national", "nationwide", "the country", "mainland") + r"\b"
)
_CHINA = re.compile(r"\b(?:China|Chinese)\b")
_APPOSITION = re.compile(r",\s*or\s*$", re.I)
_PAST_YEARS = _lc(
    r"(?:over|in|during) the (?:past|last) (two|three|four|five|six|seven|eight|nine|ten|\d+) "
    r"years",
)
_ATTACHED = re.compile(r"(?:with|and|while|which|representing|marking|an?\b|the\b)", re.I)
_PRESENT_PERFECT = re.compile(
    r"\b(?:has|have)\s+(?:\w+ly\s+)?(?:been\s+)?(?:\w+(?:ed|en)|had|held|won|got|made|kept|"
    r"built|brought|become)\b",
    re.I,
)
_STOCK_CUE = re.compile(
    r"\b(?:total|valid|in force|own(?:ed|s)?|held|hold|possess\w*|cumulat\w*|stock|"
    r"effective|bringing)\b",
    re.I,
)
_SMALL_NUMBER_VERB = re.compile(
    r"\b(?:reached|was|were|is|are|totall?ed|hit|to|at|of|stood at|exceeded|numbered|with|by|"
    r"had|has|have|recorded|filed|granted|issued|approved|registered|over|more than|about|"
    r"some|nearly|almost)\s*$",
    re.I,
)
# A passive verb of registration after a stock series' value: the additions of a period.
_FLOW_VERB = re.compile(
    r"\b(?:were|was)\s+(?:newly\s+)?(?:approved|registered|authori[sz]ed|recogni[sz]ed)\b"
    # "we approved 99 GI products": the active past, unless "has approved" (a running total)
    r"|(?<!\bhas\s)(?<!\bhave\s)(?<!\bhad\s)\b(?:approved|registered|authori[sz]ed|"
    r"recogni[sz]ed)\s+(?:another\s+|a\s+further\s+)?\d",
    re.I,
)
_FOLLOWING_NOUN = re.compile(r"\s+[A-Za-z(][\w()-]*")
_RATE_LIST = re.compile(r"\s*(?:,|and|,\s*and)\s*")
_NEW_SUBJECT_CHANGE = re.compile(
    r"\b(?:with|while|whereas)\s+(?!a\b|an\b)[\w-]+(?:\s+[\w-]+)*\s+"
    r"(?:up|down|increas|grew|rose|fell)\w*\b",
    re.I,
)
_TO_ONLY = re.compile(r"\s*(?:year[- ]on[- ]year\s*)?to\s*", re.I)
_TO_BEFORE = re.compile(r"\bto\s*$")
_SIGNED = re.compile(r"\(\s*[+\-−–]$")
_LOWER_WORD = re.compile(r"\s+[a-z]")
_REPORTED = re.compile(
    r"\b(?:reached|totall?ed|stood at|numbered|hit|amounted to|rose to|increased to|grew to|"
    r"fell to|dropped to)\s+(?:over|more than|about|nearly|some|almost)?\s*$",
    re.I,
)


def _in_parens(s: str, pos: int) -> bool:
    """Whether position `pos` sits inside an open parenthesis."""
    return s.rfind("(", 0, pos) > s.rfind(")", 0, pos)


def _derived(metric: Metric, unit: str) -> Metric | None:
    """The catalogue's per-10k or share series of a metric (`x_per_10k_people`, `x_share`)."""
    suffix = {"per_10k_people": "_per_10k_people", "percent": "_share"}.get(unit)
    if suffix is None:
        return None
    return catalogue().get(metric.id + suffix)


def _year_basis(basis: str) -> int | None:
    """The comparison year of a `vs_2019` basis."""
    if basis.startswith("vs_") and basis[3:].isdigit():
        return int(basis[3:])
    return None


def _normalise_basis(change: _Change, year: int) -> None:
    """`vs_<year>` for the year just before the value's year is `vs_previous_year`."""
    if _year_basis(change.basis) == year - 1:
        change.basis = "vs_previous_year"


@dataclass(slots=True)
class _Sentence:
    """One sentence being read, and what has been found in it so far."""

    doc: Document
    span: Span
    s: str
    headline: bool
    periods: list[_PeriodHit]
    carried: Period | None  # the period in force before this sentence
    nums: list[_Num] = field(default_factory=list)
    values: list[_Num] = field(default_factory=list)
    changes: list[_Num] = field(default_factory=list)
    multi_from: int = 0  # values from here on are multi-year totals or averages
    currency: str | None = None
    cues: _Cues = field(default_factory=lambda: _Cues(0, 0, 0, 0, 0))
    ip_cue: bool = False  # the sentence names the IP domain
    national: bool | None = None  # the sentence names China or the nation (read when needed)
    filings_in_china: bool = False  # foreign filers here file in China (said before)


def _process(
    doc: Document,
    span: Span,
    state: _State,
    headline: bool,
    next_period: Callable[[], Period | None],
) -> list[_Stat]:
    """The statistics of one sentence; updates the carried state."""
    s = doc.text[span.start : span.end]
    periods = _find_periods(s, state)
    if any(hit.problem for hit in periods):
        return []  # its figures would land in a wrong period; period_problems reports it
    if headline and state.year is None:
        state.year = title_year(s)  # a report titled "... (2023)" speaks of that year
    for hit in periods:
        # A year after the publication date is a target's, not the one the text reports in.
        # "last year" does not carry: a later yearless "first half" is read against the
        # publication date as well, and is this year's
        stated = hit.explicit_year
        if stated and not (state.published and stated > state.published.year):
            state.year = stated
        # "up from 6.3 in 2020": that year belongs to the baseline value only.
        if "from" in _lower(s)[max(0, hit.start - 60) : hit.start] and _BASELINE_BEFORE.search(
            s, max(0, hit.start - 60), hit.start
        ):
            hit.baseline = True
    _update_places(s, state)
    ctx = _Sentence(doc, span, s, headline, periods, carried=state.period)
    # "Market entities from 186 countries applied for patents in China": the countries named
    # next ("Japan ... applied for the most") are filers in China, not abroad
    filing = bool(_FILING.search(s))
    ctx.filings_in_china = filing and state.filings_in_china
    state.filings_in_china = state.filings_in_china or (filing and bool(_IN_CHINA.search(s)))
    _carry_period(ctx, state)
    if not _DIGIT.search(s) and "month" not in s:
        return []  # no number, no statistic: only the carried state mattered
    ctx.ip_cue = bool(_ip_cue().search(_lower(s)))
    if not ctx.ip_cue and not state.last_stats:
        return []
    # Numbers inside period phrases ("first five months", "Q1") and years are not values.
    ctx.nums = [n for n in _read_numbers(s, _masks(s), periods) if not _is_year(s, n)]
    if not ctx.nums:
        return []
    ctx.multi_from = _multi_year_start(s)
    ctx.cues = _Cues.of(s)
    _classify_changes(ctx)
    _mark_ranges(ctx)
    _select_values(ctx)
    _attach_equivalents(ctx)
    _assign_currency(ctx, state)
    attached = _attach_changes(ctx)
    stats = _value_stats(ctx, state, attached, next_period)
    stats += _growth_only_stats(ctx, state)
    # A basis stated once after a value ("... versus a year ago") carries to the next
    # sentences of the same release.
    carry = [c.change for c in ctx.changes if c.change is not None and c.change.carry_basis]
    if carry:
        state.basis = carry[-1].basis
    state.last_stats = stats or state.last_stats
    return stats


def _carry_period(ctx: _Sentence, state: _State) -> None:
    """The period carried to the next sentences: the last flow period named here (a stock's
    "by the end of September" does not turn the next flows into stocks), else the last."""
    own = [h for h in ctx.periods if not h.baseline]
    flows = [h for h in own if not isinstance(h.period, AsOfPeriod)]
    if flows or own:
        state.period = max(flows or own, key=lambda h: h.end).period
    low = _lower(ctx.s)
    if ("the past" in low or "the last" in low) and (span_m := _PAST_YEARS.search(low)):
        word = span_m.group(1).lower()
        state.span_years = int(word) if word.isdigit() else _WORD_NUMBERS.get(word)
    elif any(h.explicit_year for h in ctx.periods):
        state.span_years = None


def _multi_year_start(s: str) -> int:
    """Where multi-year totals and averages begin: their own clause, and the clause before
    when attached to it ("reached 2.53 million, with an average annual growth ...")."""
    multi = _MULTI_YEAR.search(_lower(s))
    if not multi:
        return len(s) + 1
    cut = max(s.rfind(",", 0, multi.start()), s.rfind(";", 0, multi.start()))
    lead = s[cut + 1 : multi.start()].strip()
    return 0 if cut < 0 or _ATTACHED.match(lead) else cut


def _is_year(s: str, n: _Num) -> bool:
    return (
        n.unit == "count"
        and not n.scaled
        and not n.separated
        and n.value == n.value.to_integral_value()
        and 1900 <= n.value <= 2100
        and s[n.start : n.end].strip().isdigit()
    )


def _classify_changes(ctx: _Sentence) -> None:
    """Mark growth rates: "up 15.5%", "an increase of 39.8%", "a 2.5% drop", "2 times"."""
    s, nums = ctx.s, ctx.nums
    for i, n in enumerate(nums):
        before, after = s[: n.start], s[n.end :]
        prev = nums[i - 1] if i else None
        if (
            n.unit in ("percent", "pp")
            and prev is not None
            and prev.is_change
            and _RATE_LIST.fullmatch(s[prev.end : n.start])
        ):
            # "increasing by 13.8% and 340% respectively": the list goes on.
            n.is_change, n.direction, n.yoy_before = True, prev.direction, prev.yoy_before
            continue
        if n.unit in ("percent", "pp") and _SIGNED.search(before[-3:]):
            # "921,000 (+15.3%)": a signed rate in brackets is a change.
            n.is_change = True
            n.direction = "down" if before.rstrip()[-1] in "-−–" else "up"
            continue
        if n.unit in ("percent", "pp", "times"):
            mb = _CHANGE_BEFORE.search(before[-60:])
            ma = _CHANGE_AFTER.match(after)
            if mb and _TO_BEFORE.search(before[-10:]):
                mb = None  # "rose to 11.8%" is a value
            if mb or ma or n.unit == "times":
                word = mb.group("dir") if mb else ma.group("dir") if ma else "up"
                n.is_change = True
                n.direction = "down" if _DOWN.match(word) else "up"
                clause_start = max(before.rfind(","), before.rfind(";"), 0)
                n.yoy_before = bool(_BASIS_YOY.search(before[clause_start:]))
                continue
        if n.unit in ("CNY", "USD", "count") and (am := _ABSOLUTE_AFTER.match(after)):
            # "5.585 billion US dollars more than that of the same period of 2017".
            n.is_change = True
            n.direction = "down" if am.group("dir").lower() in ("less", "fewer", "lower") else "up"
            continue
        if n.unit in ("CNY", "USD", "count") and _UP_BY.search(before[-12:]) and _basis(after):
            # "9.4 per 10,000 people, up 1.9 from a year earlier": the change, not a count
            n.is_change = True
            n.direction = "down" if "down" in before[-12:].lower() else "up"
            continue
        if n.unit in ("CNY", "USD", "count") and (ab := _ABSOLUTE_BEFORE.search(before[-50:])):
            n.is_change = True
            n.direction = "down" if _DOWN.match(ab.group("noun") or ab.group("verb")) else "up"
            continue
        if n.unit == "times":
            n.dropped = True
    ctx.changes = [n for n in nums if n.is_change and not n.dropped]


def _mark_ranges(ctx: _Sentence) -> None:
    """ "150 to 200 million yuan", "RMB30,000 to RMB5 million" are ranges (both ends dropped)
    unless something grew "from A to B" (two values of one series)."""
    s = ctx.s
    for a, b in pairwise(ctx.nums):
        if a.is_change or b.is_change or not _RANGE_TO.match(s[a.end : b.start]):
            continue
        opener = s[: a.start].rstrip("$ ")[-8:] + " "
        if "and" in s[a.end : b.start] and not _BETWEEN.search(opener):
            continue  # "471,000 and 229,000 were ...": a list; only "between A and B" spans
        if _FROM_TO.search(opener) and _CHANGE_VERB.search(s[: a.start]):
            a.from_to, b.from_to = 1, 2
        elif not _in_parens(s, a.start):
            a.dropped = b.dropped = True


def _select_values(ctx: _Sentence) -> None:
    """Numbers that can be values: not rates, ranges, counts of units, or thresholds."""
    s = ctx.s
    for n in ctx.nums:
        if n.is_change or n.dropped:
            continue
        before, after = s[: n.start], s[n.end :]
        bare = n.unit == "count" and not n.scaled and not n.separated and n.value < 1000
        # A bare small number is a value only with a noun or a reporting verb.
        if bare and not (_FOLLOWING_NOUN.match(after) or _SMALL_NUMBER_VERB.search(before[-40:])):
            continue
        if n.unit == "count" and _BAD_NOUN.match(after) and not _EMPLOYED.match(after):
            continue
        if _THRESHOLD_BEFORE.search(before[-80:]) or is_limit_or_leverage(before):
            continue
        if is_event_figure(before, after, n.unit in ("CNY", "USD")):
            continue
        if n.value == 1 and n.unit == "count" and _RATIO_NEAR.search(s, max(0, n.start - 60),
                                                                      n.end + 60):  # fmt: skip
            continue  # "1 registered trademark per 4.9 market entities": one side of a ratio
        ctx.values.append(n)


def _attach_equivalents(ctx: _Sentence) -> None:
    """Parenthetical currency conversions become equivalents of the value before them;
    paired conversions "($23 million to $404 million)" map in order onto a from-to pair."""
    s = ctx.s
    main: list[_Num] = []
    seen_equivalent = False
    for n in ctx.values:
        open_paren = s.rfind("(", 0, n.start)
        inside = open_paren > s.rfind(")", 0, n.start)
        money = n.unit in ("CNY", "USD")
        follows_amount = (
            bool(main)
            and main[-1].unit in ("CNY", "USD")
            and open_paren >= main[-1].end - 1
            and s[main[-1].end : open_paren].strip() in ("", ",")
        )
        if money and inside and (follows_amount or seen_equivalent):
            qual: Qual = "approx" if _APPROX_WORD.search(s[open_paren : n.start]) else "exact"
            value = _carried(n.value, ctx.span.start + n.start, s[n.start : n.end])
            eq = Equivalent(value=value, unit=_money(n.unit), qualifier=qual)
            targets = [v for v in main if v.unit in ("CNY", "USD") and v.equivalent is None]
            if targets:
                pair = [v for v in targets if v.from_to]
                (pair[0] if pair else targets[-1]).equivalent = eq
            seen_equivalent = True
            continue
        main.append(n)
    ctx.values = main


def _money(unit: str) -> Literal["CNY", "USD"]:
    return "USD" if unit == "USD" else "CNY"


def _assign_currency(ctx: _Sentence, state: _State) -> None:
    """Currency-less big amounts ("exports stood at 11 billion") take the context's currency."""
    ctx.currency = next((n.unit for n in ctx.values if n.unit in ("CNY", "USD")), None)
    for n in ctx.values:
        if n.unit in ("CNY", "USD"):
            state.currency = n.unit
    for n in ctx.values:
        no_noun = not _LOWER_WORD.match(ctx.s[n.end : n.end + 20])
        cur = ctx.currency or state.currency
        if n.unit == "count" and n.scaled and n.value >= 10**9 and no_noun and cur:
            n.unit = cur


def _attach_changes(ctx: _Sentence) -> dict[int, _Change]:
    """Build each rate's change and attach it to the value it modifies (by id of the value)."""
    s, values = ctx.s, ctx.values
    for c in ctx.changes:
        before = s[: c.start]
        basis = _basis(s[c.end :])
        if basis is None and c.yoy_before:
            basis = "year_on_year"  # "a year-on-year increase of 5%"
        amount = c.value
        kind: Literal["percent", "percentage_points", "absolute"]
        if c.unit == "times":
            # "2.8 times that of 2016" is 180% more; "an increase of 2 times", +200%
            kind, amount = "percent", (c.value - 1 if c.multiple else c.value) * 100
        elif c.unit == "pp":
            kind = "percentage_points"
        elif c.unit == "percent":
            kind = "percent"
        else:
            kind = "absolute"
        hm = _CHANGE_HEDGE.search(before[-40:])
        cq: Qual = _HEDGE_MAP.get(hm.group("h").lower(), "exact") if hm else "exact"
        ch = _Change(amount=amount, kind=kind, direction=c.direction, basis=basis or "",
                     qualifier=cq)  # fmt: skip
        c.change = ch
        # Change before value: "rose 21.7% to 709,000".
        nxt = next((v for v in values if v.start >= c.end), None)
        if nxt is not None:
            gap = s[c.end : nxt.start]
            if _TO_VALUE.match(_BASIS_WORDS.sub("", gap)) or _TO_ONLY.fullmatch(gap):
                c.target = nxt
                if not basis:
                    late = _basis(s[nxt.end :])
                    if late:  # "... to 600,206 in Q1 versus a year ago": carried on
                        ch.basis, ch.carry_basis = late, True
    # "respectively": k rates map in order onto the last k values before them.
    resp = _RESPECTIVELY.search(s)
    free = [c for c in ctx.changes if c.target is None]
    if resp and len(free) >= 2:
        group = _listed_before([c for c in free if c.end <= resp.start()], s)
        if len(group) >= 2:
            before_vals = [v for v in values if v.end <= group[0].start]
            for c, v in zip(group, before_vals[-len(group) :], strict=False):
                c.target = v
    for c in ctx.changes:
        if c.target is not None:
            continue
        # The nearest preceding value that is not a subordinate share, unless a new
        # subject sits between them ("..., with export volume up 17%").
        prev = [v for v in values if v.end <= c.start]
        prev_main = [v for v in prev if not _is_subordinate_share(s, v)]
        cand = prev_main[-1] if prev_main else (prev[-1] if prev else None)
        if c.unit == "pp":
            # "12.44 percent of GDP, up 0.47 percentage points": points move a percent
            cand = next((v for v in reversed(prev) if v.unit == "percent"), cand)
        taken = any(o.target is cand for o in ctx.changes if o is not c)
        if cand is not None and not taken and not _NEW_SUBJECT_CHANGE.search(s[cand.end : c.start]):
            c.target = cand
    attached: dict[int, _Change] = {}
    for c in ctx.changes:
        if c.target is not None and c.change is not None:
            known = attached.setdefault(id(c.target), c.change)
            if known.kind == "absolute" and c.change.kind != "absolute":
                # "7.6 million, an increase of 144,258, up 23.3%": the rate is the change
                attached[id(c.target)] = c.change
    return attached


def _listed_before(nums: list[_Num], s: str) -> list[_Num]:
    """The last run of numbers written as one list ("28.5% and 6.4%", "3%, 5% and 9%")."""
    run = nums[-1:]
    for a in reversed(nums[:-1]):
        if not _RATE_LIST.fullmatch(s[a.end : run[0].start]):
            break
        run.insert(0, a)
    return run


@dataclass(slots=True)
class _Phrase:
    left: str  # from the previous value's phrase to this value (value text included)
    head: str  # from the value to the next clause boundary ("1.3 million service inventions")
    end: int

    @property
    def text(self) -> str:
        return self.left + " " + self.head


def _phrase(ctx: _Sentence, idx: int, prev_end: int) -> _Phrase:
    s, n = ctx.s, ctx.values[idx]
    stop = _STOP.search(s, n.end)
    right_end = stop.start() if stop else len(s)
    if idx + 1 < len(ctx.values):
        right_end = min(right_end, ctx.values[idx + 1].start)
    return _Phrase(
        s[prev_end : n.start] + " " + s[n.start : n.end], s[n.end : right_end], right_end
    )


def _excluded(ctx: _Sentence, n: _Num, phrase: _Phrase, period: Period | None) -> bool:
    """Distractors: targets, forecasts, funding, multi-year figures, other countries and
    companies, milestones followed by the exact value."""
    s, pub = ctx.s, ctx.doc.reference_date
    future_period = bool(pub and period and _period_start(period) > pub)
    past_period = bool(
        pub
        and period
        and any(h.period == period for h in ctx.periods)
        and _period_end(period) < pub
    )
    cues = ctx.cues
    # "Will" with a period that is over is a translation artefact ("in 2022 ... will be").
    if cues.hard_future < n.start or future_period or (cues.future < n.start and not past_period):
        return True
    if cues.funding < n.start or _funding_cue().match(_lower(s[n.end : n.end + 12])):
        return True
    if n.start >= ctx.multi_from and not n.from_to:
        return True
    foreign = _FOREIGN.search(s, 0, n.start) if cues.foreign < n.start else None
    if (
        foreign
        and not _CHINA.search(s, foreign.end(), n.start)
        and not _in_china_after(s, n.end)
        and not ctx.filings_in_china
    ):
        return True
    one_company = cues.company < len(s) and _company_cue().search(_lower(phrase.text))
    if cues.company < n.start or one_company:
        return True
    # Milestone "topped 25 billion for the first time, totaling 25.4 billion".
    return (
        n.qualifier == "at_least"
        and bool(_FIRST_TIME.match(s[n.end :]))
        and any(v.start > n.end and v.unit == n.unit for v in ctx.values)
    )


def _value_stats(
    ctx: _Sentence,
    state: _State,
    attached: dict[int, _Change],
    next_period: Callable[[], Period | None],
) -> list[_Stat]:
    s, pub, values = ctx.s, ctx.doc.reference_date, ctx.values
    stats: list[_Stat] = []
    prev_metric: Metric | None = state.last_stats[-1].metric if state.last_stats else None
    prev_text = ""
    prev_end = 0
    phrases: dict[int, _Phrase] = {}
    from_metrics: dict[int, Metric] = {}
    own_period = any(not h.baseline for h in ctx.periods)
    perfect = bool(_PRESENT_PERFECT.search(s)) and pub is not None
    listed = listed_subjects(s, [(v.start, v.end) for v in values])
    for idx, n in enumerate(values):
        ph = _phrase(ctx, idx, prev_end)
        phrases[id(n)] = ph
        n.qualifier = _qualifier(s[max(0, n.start - 40) : n.start])
        subordinate = _is_subordinate_share(s, n)
        period = _nearest_period(ctx.periods, n, s, values)
        if period is None and ctx.headline:
            period = next_period()
        if period is None:
            period = ctx.carried
        if n.from_to and state.span_years and not any(h.explicit_year for h in ctx.periods):
            # "increased from A to B over the past five years": B is the last full year.
            end = YearPeriod(year=pub.year - 1) if pub else period
            if end is not None:
                period = end.shifted(-state.span_years) if n.from_to == 1 else end
        if _excluded(ctx, n, ph, period) or n.unit in ("pp", "times"):
            continue
        if period is None and not (perfect and not n.from_to):
            continue
        metric = _metric_for(ctx, idx, ph, phrases, prev_metric, prev_text, prev_end, period)
        if idx in listed:  # "432,000 and 229,000 for utility models and designs"
            metric = _listed_metric(listed[idx], s, n, period) or metric
        elif prev_metric is not None and idx and _elided(s, prev_end, n):
            metric = prev_metric  # "24.1 per 10,000 people, and Beijing's reached 218.3"
        elif _same_list(s, values, idx, stats) and unit_fits(stats[-1].metric, n.unit):
            metric = stats[-1].metric  # "with 49,000, 39,000 and 16,000 filings": one series
        if metric.id == UNCLASSIFIED and continues_list(s):
            # "It was followed by ICT services at 4.37 trillion yuan": the ranking goes on
            metric = next((st.metric for st in reversed(state.last_stats)
                           if unit_fits(st.metric, n.unit)), metric)  # fmt: skip
        if n.from_to == 2 and id(n) in from_metrics:
            metric = from_metrics[id(n)]  # "grew from A to B": one series
        # A subject outside the catalogue is kept as `unclassified` when the sentence is about
        # IP and the number reads as a reported figure (a bare "530" needs "reached 530").
        bare = n.unit == "count" and not (n.scaled or n.separated)
        if metric.id == UNCLASSIFIED and (
            not ctx.ip_cue or (bare and not _REPORTED.search(s, max(0, n.start - 40), n.start))
        ):
            continue
        if metric.id != UNCLASSIFIED and not metric.is_money and n.unit in ("CNY", "USD"):
            metric = get_metric(UNCLASSIFIED)
        if metric.as_of and perfect and not own_period and not n.from_to and pub is not None:
            # "has cumulatively recognized 2,861": the level at publication time.
            y, m = (pub.year, pub.month - 1) if pub.month > 1 else (pub.year - 1, 12)
            period = AsOfPeriod(year=y, as_of_month=m)
        if period is None:
            continue
        period = _period_for_kind(metric, period, own_period, ph.text)
        change = attached.get(id(n))
        if change is not None:
            change.basis = change.basis or state.basis or "unspecified_prior_year"
            _normalise_basis(change, period.year)
        stats.append(
            _Stat(
                num=n,
                change=change,
                metric=metric,
                description=_describe(ph.left if metric.id == UNCLASSIFIED else ph.text),
                period=period,
                geography=_geography_for(ctx, n.start, state),
                sentence=ctx.span,
                value_span=Span(start=ctx.span.start + n.start, end=ctx.span.start + n.end),
                headline=ctx.headline,
                unit=n.unit if n.unit in ("CNY", "USD") or metric.id == UNCLASSIFIED
                else metric.unit,
            )
        )  # fmt: skip
        if not subordinate:
            prev_metric = metric
        if n.from_to == 1 and idx + 1 < len(values):
            from_metrics[id(values[idx + 1])] = metric
        prev_text, prev_end = ph.text, ph.end
    return stats


# "..., and Beijing's reached 218.3": a place's possessive standing for the series just named
_ELIDED_BEFORE = re.compile(
    r"\b(?:and|while|with|whereas)\s+(?:that\s+of\s+)?[A-Z][\w'’-]*(?:'s|’s)?\s+"
    r"(?:\w+\s+){0,2}?(?:reached|was|stood at|hit|totalled|totaled|came to|were)\s+"
    r"(?:about\s+|over\s+|nearly\s+)?$"
)
_NOUN_AFTER = re.compile(r"^\s+(?!per\b|in\b|by\b|at\b|on\b|and\b)[a-z]")


def _elided(s: str, prev_end: int, n: _Num) -> bool:
    """Whether a value's subject is elided: only a place stands before it and no noun after."""
    return bool(_ELIDED_BEFORE.search(s, prev_end, n.start)) and not _NOUN_AFTER.match(
        s[n.end : n.end + 20]
    )


def _same_list(s: str, values: list[_Num], idx: int, stats: list[_Stat]) -> bool:
    """Whether a value continues a bare list of values with the statistic just read."""
    return bool(
        idx
        and stats
        and stats[-1].num is values[idx - 1]
        and LIST_GAP.fullmatch(s[values[idx - 1].end : values[idx].start])
    )


def _listed_metric(subject: str, s: str, n: _Num, period: Period | None) -> Metric | None:
    """The metric of a value's own item in a subject list, if the catalogue knows it."""
    unit = n.unit if n.unit in _UNITS else None
    metric, _ = match_metric(subject, "", s, unit=unit, as_of=isinstance(period, AsOfPeriod))
    return None if metric.id == UNCLASSIFIED else metric


def _metric_for(
    ctx: _Sentence,
    idx: int,
    ph: _Phrase,
    phrases: dict[int, _Phrase],
    prev_metric: Metric | None,
    prev_text: str,
    prev_end: int,
    period: Period | None,
) -> Metric:
    """The catalogue metric of a value, from its phrase and its neighbours."""
    s, n = ctx.s, ctx.values[idx]
    local, head = ph.left, ph.head
    subordinate = _is_subordinate_share(s, n)
    if subordinate:
        # "accounting for 70 percent of the total": a share of the value before it.
        main = next((v for v in reversed(ctx.values[:idx]) if not _is_subordinate_share(s, v)),
                    None)  # fmt: skip
        if main is not None and id(main) in phrases:
            local = phrases[id(main)].text
    clause_start = s.rfind(";", 0, n.start) + 1
    context = s[clause_start : max(clause_start, prev_end)] if idx else ""
    metric, score = match_metric(
        local,
        context or prev_text,
        s,
        head=head,
        unit=n.unit,
        as_of=isinstance(period, AsOfPeriod),
    )
    if prev_metric is None or not metric:
        return metric
    fits = unit_fits(prev_metric, n.unit)
    weak = metric.id == UNCLASSIFIED or score < 2.0
    if (
        fits
        and weak
        and metric.id != prev_metric.id
        and (_SUBSET.search(ph.text) or _SUBSET.match(s))
    ):
        return prev_metric  # "of which 10,000 were filed by domestic applicants"
    if (
        fits
        and metric.as_of
        and not prev_metric.as_of
        and not isinstance(period, AsOfPeriod)
        and (_SUBSET.search(ph.text) or _SUBSET.match(s))
    ):
        # "453,000 were granted, including 361,000 domestic invention patents": a part of a
        # flow is a flow of the same activity, not the stock its bare noun would suggest;
        # "279,200 patent grants, of which 45,200 were invention patents" names which flow.
        part, _ = match_metric(local + " " + prev_text, "", s, head=head, unit=n.unit)
        return part if part.id != UNCLASSIFIED and not part.as_of else prev_metric
    before_n = s[max(0, n.start - 25) : n.start]
    if fits and (metric.id == UNCLASSIFIED or _BASELINE_VALUE.search(before_n)):
        # An elided subject ("8 months ..., and to 7 months") or a baseline value ("up
        # from 6.3 per 10,000") is the same series as the value before it.
        return prev_metric
    if subordinate or _APPOSITION.search(before_n):
        # "1.32 million, or 9.4 per 10,000 people"; "accounting for 70%": derived series.
        derived = _derived(prev_metric, n.unit)
        if derived is not None and weak:
            return derived
    return metric


def _period_for_kind(metric: Metric, period: Period, own_period: bool, phrase: str) -> Period:
    """Levels are read at the end of the stated period ("in 2024" = end of 2024); a flow
    "by the end of September" is the January-to-September total, unless the phrase makes
    it a running total ("a total of 52,000 had been registered by the end of 2021")."""
    if metric.as_of:
        stock_cue = _STOCK_CUE.search(phrase)
        if isinstance(period, YearPeriod) and not stock_cue and _FLOW_VERB.search(phrase):
            # "in 2018, 67 GI products were approved": the year's additions, not the level.
            return period
        if isinstance(period, YearPeriod) or stock_cue:
            return _as_stock(period)
        return period
    if (
        metric.kind == "flow"
        and isinstance(period, AsOfPeriod)
        and not (own_period and _STOCK_CUE.search(phrase))
    ):
        return months_period(period.year, 1, period.as_of_month)
    return period


def _geography_for(ctx: _Sentence, pos: int, state: _State) -> str:
    geo = _geography(ctx.s, pos, state)
    site = _site_place(ctx.doc.url) if geo == "CN" else None
    if site is not None and not _NATIONAL.search(_lower(ctx.s)):
        return site  # a city's own site reports the city's figures
    if geo == "CN" and state.last_stats and ctx.national is None:
        ctx.national = bool(_NATIONAL.search(_lower(ctx.s)))
    if geo == "CN" and not ctx.national and state.last_stats:
        # A local release goes on about the same place until a national cue appears.
        last_geo = state.last_stats[-1].geography
        if last_geo != "CN":
            return last_geo
    return geo


def _growth_only_stats(ctx: _Sentence, state: _State) -> list[_Stat]:
    """Growth rates with no value of their own (value None), or continuing the previous
    sentence's value ("This represents an increase of 80% over 2012")."""
    s = ctx.s
    stats: list[_Stat] = []
    for c in ctx.changes:
        if c.target is not None or c.change is None:
            continue
        cues = ctx.cues
        if ctx.multi_from <= len(s) or min(cues.future, cues.foreign, cues.company) < c.start:
            continue
        if _THRESHOLD_BEFORE.search(s[max(0, c.start - 80) : c.start]):
            continue
        ch = c.change
        if ch.kind == "absolute" and not _CONTINUATION.match(s):
            continue  # "2,200 more than a year ago" alone restates two values, no series
        ch.basis = ch.basis or state.basis or "unspecified_prior_year"
        if _CONTINUATION.match(s) and state.last_stats and state.last_stats[-1].change is None:
            last = state.last_stats[-1]
            _normalise_basis(ch, last.period.year)
            last.change = ch
            continue
        period = _nearest_period(ctx.periods, c, s, ctx.values) or ctx.carried
        if period is None:
            continue
        # Its subject: the words since the previous number ("with exports up 17%").
        last_end = max((o.end for o in ctx.nums if o.end <= c.start), default=0)
        phrase = s[last_end : c.start]
        metric, _ = match_metric(
            phrase, s[:last_end], s, unit=None, as_of=isinstance(period, AsOfPeriod)
        )
        if metric.id == UNCLASSIFIED and not ctx.ip_cue:
            continue
        _normalise_basis(ch, period.year)
        base_year = _year_basis(ch.basis)
        if base_year is not None and period.year - base_year > 6:
            continue  # "14 folds from 2001": a comparison across many years
        unit: str = metric.unit if metric.id != UNCLASSIFIED else "percent"
        if metric.is_money and ctx.currency:
            unit = ctx.currency
        if metric.as_of and isinstance(period, YearPeriod):
            period = _as_stock(period)
        elif metric.kind == "flow" and isinstance(period, AsOfPeriod):
            # "filed through January": the flow's total from January on, not a level
            period = months_period(period.year, 1, period.as_of_month)
        stats.append(
            _Stat(
                num=None,
                change=ch,
                metric=metric,
                description=_describe(phrase[-120:]),
                period=period,
                geography=_geography_for(ctx, c.start, state),
                sentence=ctx.span,
                value_span=Span(start=ctx.span.start + c.start, end=ctx.span.start + c.end),
                headline=ctx.headline,
                unit=unit,
            )
        )
    return stats


def _is_subordinate_share(s: str, n: _Num) -> bool:
    """A percent that is a share of the value before it ("accounting for 12% of GDP")."""
    if n.unit != "percent":
        return False
    before = s[max(0, n.start - 30) : n.start]
    return bool(_SUBORDINATE_SHARE.search(before)) and (
        bool(_SHARE_OF.match(s[n.end :])) or "accounting" in before
    )


def _nearest_period(
    periods: list[_PeriodHit], n: _Num, s: str, values: list[_Num]
) -> Period | None:
    """The period phrase that governs a number: in its own clause (not across ";"), the
    nearest one (a comma in between counts as 60 characters); else the sentence's frame
    (a period named before the first value). A baseline's year only governs the baseline."""

    def usable(h: _PeriodHit) -> bool:
        if not h.baseline:
            return True
        return h.start >= n.end and not any(n.end <= v.start < h.start for v in values)

    periods = [h for h in periods if usable(h)]
    if not periods:
        return None

    # Distance from the value's span; a period phrase inside a parenthesis counts too.
    def dist(h: _PeriodHit) -> int:
        if h.end <= n.start:
            return n.start - h.end
        if h.start >= n.end:
            return h.start - n.end
        return 0

    def between(h: _PeriodHit) -> str:
        return s[h.end : n.start] if h.end <= n.start else s[n.end : h.start]

    def cost(h: _PeriodHit) -> int:
        # A period named after the value but beyond a comma mostly opens the next clause
        # ("X in 2022, and Y in the first three quarters").
        per_comma = 200 if h.start >= n.end else 60
        return dist(h) + per_comma * between(h).count(",")

    same_clause = [h for h in periods if ";" not in between(h)]
    if same_clause:
        return min(same_clause, key=cost).period
    first_value = min((v.start for v in values), default=n.start)
    frame = [h for h in periods if h.end <= first_value]
    if frame:
        return frame[-1].period
    return min(periods, key=dist).period


def _as_stock(period: Period) -> Period:
    """A level's period: the end of the stated period ("in 2024" = end of 2024)."""
    if isinstance(period, AsOfPeriod):
        return period
    return AsOfPeriod(year=period.year, as_of_month=period.months[1])


_WS = re.compile(r"\s+")


def _describe(phrase: str) -> str:
    text = _WS.sub(" ", phrase).strip(" ,;:")
    return text[-160:]


# ------------------------------------------------------------------------- entry point


def extract_statistics(doc: Document) -> list[Fact]:
    """Every statistic published in a document, in text order, one Fact each."""
    return [_fact(doc, st) for st in _statistics(doc) if st.period.year != UNDATED_YEAR]


def unresolved_statistics(doc: Document) -> list[tuple[Span, str]]:
    """Statistics whose year nothing in the document determines: (value span, problem)."""
    return [
        (st.value_span or st.sentence, _unresolved_problem(doc, st))
        for st in _statistics(doc)
        if st.period.year == UNDATED_YEAR
    ]


def _unresolved_problem(doc: Document, st: _Stat) -> str:
    value = doc.text[st.value_span.start : st.value_span.end] if st.value_span else "a change"
    sentence = _describe(doc.text[st.sentence.start : st.sentence.end])
    return (
        f"unresolved year: {st.metric.id} {value!r} ({st.period.kind}) in {sentence!r}; "
        "neither the text nor a publication date says which year it is; not stored"
    )


@lru_cache(maxsize=8)
def _statistics(doc: Document) -> tuple[_Stat, ...]:
    """The statistics of a document, the unresolved ones included (read once per document)."""
    text = doc.text
    spans = document_sentences(text)
    state = _State(published=doc.reference_date, year=title_year(doc.title))
    stats: list[_Stat] = []
    for i, span in enumerate(spans):
        sentence = text[span.start : span.end]
        headline = _is_headline(text, span, sentence)
        if i and "\n" in text[spans[i - 1].end : span.start]:
            state.basis = None  # a carried basis stays within its paragraph

        def next_period(i: int = i) -> Period | None:
            # A headline without a period takes the one the body opens with.
            for nxt in spans[i + 1 : i + 3]:
                s2 = text[nxt.start : nxt.end]
                if _MULTI_YEAR.search(_lower(s2)):
                    return None
                hits = _find_periods(s2, state)
                if hits:
                    return hits[0].period
            return None

        stats.extend(_process(doc, span, state, headline, next_period))
    stats = _dedupe(stats)
    _flag_transpositions(stats)
    return tuple(stats)


def _is_headline(text: str, span: Span, sentence: str) -> bool:
    """A short line standing alone without final punctuation."""
    before = text[max(0, span.start - 2) : span.start]
    after = text[span.end : span.end + 2]
    alone = (span.start == 0 or "\n" in before) and (span.end == len(text) or "\n" in after)
    return alone and len(sentence) < 200 and not _HEADLINE_END.search(sentence)


def _dedupe(stats: list[_Stat]) -> list[_Stat]:
    """One statistic per (metric, geography, period, value, unit): a headline repeated in
    the body is one fact; the mention with a reported change wins."""
    out: list[_Stat] = []
    index: dict[tuple[str, str, str, str, str], int] = {}
    for st in stats:
        value = st.num.value if st.num else None
        key = (st.metric.id, st.geography, st.period.key, str(value), st.unit)
        if value is None:
            out.append(st)
            continue
        if key in index:
            j = index[key]
            if out[j].change is None and st.change is not None:
                out[j] = st
            continue
        index[key] = len(out)
        out.append(st)
    # A headline's rounded growth rate ("Grants Up 15%") restates the body's value and rate.
    with_change = {
        (st.metric.id, st.geography, st.period.key) for st in out if st.num and st.change
    }
    return [
        st
        for st in out
        if st.num is not None
        or not st.headline
        or (st.metric.id, st.geography, st.period.key) not in with_change
    ]


def _flag_transpositions(stats: list[_Stat]) -> None:
    """Two values of one series that are digit permutations: the headline one is a typo."""
    by_metric: dict[str, list[_Stat]] = {}
    for st in stats:
        if st.num is not None:
            by_metric.setdefault(st.metric.id, []).append(st)
    # Only values of one metric are compared, so the pairs are looked up per metric.
    for a in stats:
        for b in by_metric.get(a.metric.id, []) if a.num is not None else []:
            if a is b or a.num is None or b.num is None:
                continue
            if a.period != b.period or a.num.value == b.num.value:
                continue
            da, db = str(a.num.value), str(b.num.value)
            typo = sorted(da) == sorted(db) and a.headline and not b.headline
            if typo and "suspected_typo" not in a.num.flags:
                a.num.flags.append("suspected_typo")


_UNITS: dict[str, Unit] = {
    "CNY": "CNY", "USD": "USD", "count": "count", "percent": "percent",
    "per_10k_people": "per_10k_people", "months": "months",
}  # fmt: skip


def _plain(value: Decimal) -> Decimal:
    """Integral values without a fractional part or exponent (33700000000, not 3.37E+10)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _carried(amount: Decimal, at: int, text: str) -> Decimal:
    """The amount if the event contract can carry it; else the document is refused."""
    try:
        return _plain(bounded_amount(amount))
    except ValueError:
        problem = (
            f"value {text!r} cannot be stored: at most {MAX_INTEGER_DIGITS} digits before "
            f"the decimal point and {MAX_FRACTION_DIGITS} after"
        )
        raise ExtractionError(Span(start=at, end=at + len(text)), problem) from None


def _value_at(doc: Document, st: _Stat) -> tuple[int, str]:
    span = st.value_span or st.sentence
    return span.start, doc.text[span.start : span.end]


def _fact(doc: Document, st: _Stat) -> Fact:
    n = st.num
    change = None
    if st.change is not None:
        c = st.change
        amount = _carried(c.amount, *_value_at(doc, st))
        change = ReportedChange(
            percent=amount if c.kind == "percent" else None,
            percentage_points=amount if c.kind == "percentage_points" else None,
            absolute=amount if c.kind == "absolute" else None,
            direction=c.direction,
            basis=c.basis or "unspecified_prior_year",
            qualifier=c.qualifier,
        )
    payload = StatisticPublished(
        metric=st.metric.id,
        description=st.description or None,
        geography=st.geography,
        period=st.period,
        value=_carried(n.value, *_value_at(doc, st)) if n else None,
        unit=_UNITS[st.unit],
        qualifier=n.qualifier if n else "exact",
        reported_change=change,
        equivalent=n.equivalent if n else None,
        flags=tuple(n.flags) if n else (),
    )
    return Fact(payload=payload, source=doc.source(st.sentence, st.value_span))
