"""Values that are no statistics of China's: targets and forecasts, funding, multi-year
totals, other countries' and single companies' figures, and milestones followed by the
exact value ("topped 25 billion for the first time, totaling 25.4 billion")."""

from __future__ import annotations

import re

from events import MonthsPeriod, Period
from services.ingest.extract.stat_distractors import FOREIGN, company_cue, funding_cue
from services.ingest.extract.stat_geography import CLAUSE_END
from services.ingest.extract.stat_model import Sentence
from services.ingest.extract.stat_period_parts import period_end, period_start
from services.ingest.extract.stat_text import lower
from services.ingest.extract.stat_values import Num

_FIRST_TIME = re.compile(r"^\s*(?:[\w$.,]+\s+){0,4}?for the first time", re.I)
_CHINA = re.compile(r"\b(?:China|Chinese)\b")
# Searched in every sentence: the lookahead for the words' first letters spares the word
# boundary test and the case-blind alternation at every other position.
FILING = re.compile(
    r"(?=[afro])\b(?:appl(?:y|ied|ies)\s+for|filed|filings?|registered|obtained)\b", re.I
)
IN_CHINA = re.compile(r"\b(?:in|to|into|with)\s+(?:the\s+)?China\b")


def _in_china_after(s: str, end: int) -> bool:
    """ "Applicants from Japan filed 49,000 applications in China": filings made in China,
    which are China's figures, not Japan's."""
    stop = CLAUSE_END.search(s, end)
    return bool(IN_CHINA.search(s, end, stop.start() if stop else len(s)))


def excluded(ctx: Sentence, n: Num, phrase: str, period: Period | None) -> bool:
    """Distractors: targets, forecasts, funding, multi-year figures, other countries and
    companies, milestones followed by the exact value."""
    s = ctx.s
    cues = ctx.cues
    if _future(ctx, n, period) or campaign_window(period):
        return True
    if cues.funding < n.start or funding_cue().match(lower(s[n.end : n.end + 12])):
        return True
    if n.start >= ctx.multi_from and not n.from_to:
        return True
    foreign = FOREIGN.search(s, 0, n.start) if cues.foreign < n.start else None
    if (
        foreign
        and not _CHINA.search(s, foreign.end(), n.start)
        and not _in_china_after(s, n.end)
        and not ctx.filings_in_china
    ):
        return True
    one_company = cues.company < len(s) and company_cue().search(lower(phrase))
    if cues.company < n.start or one_company:
        return True
    # Milestone "topped 25 billion for the first time, totaling 25.4 billion".
    return (
        n.qualifier == "at_least"
        and bool(_FIRST_TIME.match(s[n.end :]))
        and any(v.start > n.end and v.unit == n.unit for v in ctx.values)
    )


def campaign_window(period: Period | None) -> bool:
    """ "From November to December": a run of months that does not start in January is a
    campaign's or an event's window; releases report months cumulated from January."""
    if not isinstance(period, MonthsPeriod):
        return False
    first, last = period.months
    return 1 < first < last


def _future(ctx: Sentence, n: Num, period: Period | None) -> bool:
    """A target or forecast: a future cue before the value, or a period not yet begun."""
    pub, cues = ctx.doc.reference_date, ctx.cues
    if cues.hard_future < n.start:
        return True
    if pub and period and period_start(period) > pub:
        return True
    if cues.future >= n.start:
        return False
    # "Will" with a period that is over is a translation artefact ("in 2022 ... will be").
    past_period = (
        pub
        and period
        and any(h.period == period for h in ctx.periods)
        and period_end(period) < pub
    )
    return not past_period
