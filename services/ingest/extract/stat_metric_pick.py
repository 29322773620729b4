"""The series a value belongs to: its own phrase matched against the catalogue, weighed
against the series just read (subsets "of which ...", elided subjects, baselines, shares
and per-10,000 rates derived from it), and the period kind the series takes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from events import AsOfPeriod, Period, YearPeriod
from events.metrics import UNCLASSIFIED, Metric, catalogue
from services.ingest.extract import lexicon
from services.ingest.extract.metrics_match import match_metric, tokens, unit_fits
from services.ingest.extract.stat_attach import is_subordinate_share
from services.ingest.extract.stat_model import Sentence, as_stock
from services.ingest.extract.stat_periods import months_period
from services.ingest.extract.stat_values import Num

_STOP = re.compile(
    r"[,;:.]|\s(?:while|whereas|with|but)\s|\sand\s(?!\w+(?:ed|en)\s*[,.;])|\s--?\s|—", re.I
)
SUBSET = re.compile(r"\b(?:of which|among them|among which|of them|of these|including)\b", re.I)
_BASELINE_VALUE = re.compile(r"\b(?:up|down)\s+from\s*$", re.I)
_APPOSITION = re.compile(r",\s*or\s*$", re.I)
STOCK_CUE = re.compile(
    r"\b(?:total|valid|in force|own(?:ed|s)?|held|hold|possess\w*|cumulat\w*|stock|"
    r"effective|bringing)\b",
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


@dataclass(slots=True)
class Phrase:
    """The words that describe one value."""

    left: str  # from the previous value's phrase to this value (value text included)
    head: str  # from the value to the next clause boundary ("1.3 million service inventions")
    end: int

    @property
    def text(self) -> str:
        """The whole phrase, left and head."""
        return self.left + " " + self.head


@dataclass(slots=True)
class Walk:
    """Where the reading of a sentence's values stands: the series and phrase just read."""

    prev_metric: Metric | None
    prev_text: str = ""
    prev_end: int = 0
    phrases: dict[int, Phrase] = field(default_factory=dict)
    from_metrics: dict[int, Metric] = field(default_factory=dict)


CONTEXT_REACH = 600  # characters


def phrase(ctx: Sentence, idx: int, prev_end: int) -> Phrase:
    """The phrase of the idx-th value: since the previous phrase, to its clause's end."""
    s, n = ctx.s, ctx.values[idx]
    stop = _STOP.search(s, n.end)
    right_end = stop.start() if stop else len(s)
    if idx + 1 < len(ctx.values):
        right_end = min(right_end, ctx.values[idx + 1].start)
    return Phrase(
        s[prev_end : n.start] + " " + s[n.start : n.end], s[n.end : right_end], right_end
    )


def derived(metric: Metric, unit: str) -> Metric | None:
    """The catalogue's per-10k or share series of a metric (`x_per_10k_people`, `x_share`)."""
    suffix = {"per_10k_people": "_per_10k_people", "percent": "_share"}.get(unit)
    if suffix is None:
        return None
    return catalogue().get(metric.id + suffix)


def metric_for(ctx: Sentence, w: Walk, idx: int, ph: Phrase, period: Period | None) -> Metric:
    """The catalogue metric of a value, from its phrase and its neighbours."""
    s, n = ctx.s, ctx.values[idx]
    local = ph.left
    if is_subordinate_share(s, n):
        # "accounting for 70 percent of the total": a share of the value before it.
        main = next((v for v in reversed(ctx.values[:idx]) if not is_subordinate_share(s, v)),
                    None)  # fmt: skip
        if main is not None and id(main) in w.phrases:
            local = w.phrases[id(main)].text
    clause_start = s.rfind(";", 0, n.start) + 1
    # the clause before the value, within reach: a subject further back is no subject of
    # this value (and a run-on clause of thousands of figures stays linear)
    clause_start = max(clause_start, w.prev_end - CONTEXT_REACH)
    context = s[clause_start : max(clause_start, w.prev_end)] if idx else ""
    as_of = isinstance(period, AsOfPeriod)
    metric, score = match_metric(
        local, context or w.prev_text, s, head=ph.head, unit=n.unit, as_of=as_of
    )
    if w.prev_metric is None or not metric:
        return metric
    found = _against_previous(ctx, n, ph, (metric, score, local), w, as_of)
    cue = SUBSET.search(s, 0, n.start)
    return _part_series(found, ph, w, s[: cue.start()]) if cue else found


def _part_series(metric: Metric, ph: Phrase, w: Walk, whole: str) -> Metric:
    """ "patent and trademark pledge financing ..., of which patent pledges accounted for":
    a part that names one kind of a total of two is its own series (lexicon/stat_parts);
    `whole` is the text before the words that open the parts."""
    parts = lexicon.load("stat_parts")["part_series"]
    own, total = tokens(ph.text), tokens(whole)
    for part in parts:
        family = {part["total"]} | {p["series"] for p in parts if p["total"] == part["total"]}
        if metric.id not in family or w.prev_metric is None or w.prev_metric.id not in family:
            continue  # a part of the total, or the next part of the same total
        whole_names_both = all(_named(total, x) for x in part["total_names"])
        if whole_names_both and _named(own, *part["named"]) and not _named(
            own, *part["not_named"]
        ):
            return catalogue()[part["series"]]
    return metric


def _named(words: tuple[str, ...], *prefixes: str) -> bool:
    """Whether a word of `words` starts with one of the prefixes."""
    return any(t.startswith(p) for t in words for p in prefixes)


def _against_previous(
    ctx: Sentence, n: Num, ph: Phrase, found: tuple[Metric, float, str], w: Walk, as_of: bool
) -> Metric:
    """A weak match gives way to the series just read: subsets, elided subjects and
    baselines are that series; shares and per-10,000 rates are derived from it."""
    s, (metric, score, local), prev_metric = ctx.s, found, w.prev_metric
    assert prev_metric is not None
    fits = unit_fits(prev_metric, n.unit)
    weak = metric.id == UNCLASSIFIED or score < 2.0
    subset = fits and bool(SUBSET.search(ph.text) or SUBSET.match(s))
    if subset and weak and metric.id != prev_metric.id and not named_by_head(metric, ph, n):
        return prev_metric  # "of which 6,800 came from domestic applicants"
    if subset and metric.as_of and not prev_metric.as_of and not as_of:
        # "453,000 were granted, including 361,000 domestic invention patents": a part of a
        # flow is a flow of the same activity, not the stock its bare noun would suggest;
        # "279,200 patent grants, of which 45,200 were invention patents" names which flow.
        part, _ = match_metric(local + " " + w.prev_text, "", s, head=ph.head, unit=n.unit)
        return part if part.id != UNCLASSIFIED and not part.as_of else prev_metric
    before_n = s[max(0, n.start - 25) : n.start]
    if fits and (metric.id == UNCLASSIFIED or _BASELINE_VALUE.search(before_n)):
        # An elided subject ("8 months ..., and to 7 months") or a baseline value ("up
        # from 6.3 per 10,000") is the same series as the value before it.
        return prev_metric
    if is_subordinate_share(s, n) or _APPOSITION.search(before_n):
        # "1.32 million, or 9.4 per 10,000 people"; "accounting for 70%": derived series.
        series = derived(prev_metric, n.unit)
        if series is not None and weak:
            return series
    return metric


def named_by_head(metric: Metric, ph: Phrase, n: Num) -> bool:
    """Whether the words right after a value name its series on their own ("of which
    US$6.01 billion was exported": the exports, not a part of the total before)."""
    if metric.id == UNCLASSIFIED:
        return False
    alone, _ = match_metric("", head=ph.head, unit=n.unit)
    return alone.id == metric.id


def period_for_kind(metric: Metric, period: Period, own_period: bool, text: str) -> Period:
    """Levels are read at the end of the stated period ("in 2024" = end of 2024); a flow
    "by the end of September" is the January-to-September total, unless the phrase makes
    it a running total ("a total of 52,000 had been registered by the end of 2021")."""
    if metric.as_of:
        stock_cue = STOCK_CUE.search(text)
        if isinstance(period, YearPeriod) and not stock_cue and _FLOW_VERB.search(text):
            # "in 2018, 67 GI products were approved": the year's additions, not the level.
            return period
        if isinstance(period, YearPeriod) or stock_cue:
            return as_stock(period)
        return period
    if (
        metric.kind == "flow"
        and isinstance(period, AsOfPeriod)
        and not (own_period and STOCK_CUE.search(text))
    ):
        return months_period(period.year, 1, period.as_of_month)
    return period
