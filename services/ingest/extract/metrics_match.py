"""Match a statistic's subject words against the aliases of the metric catalogue.

A statistic is described by layers of text: its head (the noun phrase right after the
number, "1.3 million *service inventions*"), its own phrase (the words around the
value up to the next clause boundary), the phrase of the value before it in the same
sentence (lists often elide the head noun: "341,000 applications for invention patents,
503,000 for utility patents"), and the rest of the sentence. Alias words found in the own
phrase weigh 1.0 (1.2 in the head), in the previous phrase 0.7, elsewhere in the sentence 0.4; the metric
with the highest total wins (ties: catalogue order). Only metrics whose unit fits the
value's unit are considered, which does most of the disambiguation (a percent is a share,
months are a duration). See `events/metrics.toml` for the alias syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from events.metrics import UNCLASSIFIED, Metric, catalogue

_TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
HEAD, LOCAL, PREVIOUS, SENTENCE = 1.2, 1.0, 0.7, 0.4
MIN_SCORE = 1.0


@dataclass(frozen=True, slots=True)
class _Alias:
    metric: Metric
    words: tuple[str, ...]
    negatives: tuple[str, ...]
    as_of: bool | None
    order: int


@cache
def _aliases() -> tuple[_Alias, ...]:
    out: list[_Alias] = []
    for order, metric in enumerate(catalogue().values()):
        for alias in metric.aliases:
            words: list[str] = []
            negatives: list[str] = []
            as_of: bool | None = None
            for word in alias.lower().split():
                if word == "@asof":
                    as_of = True
                elif word == "@flow":
                    as_of = False
                elif word.startswith("!"):
                    negatives.append(word[1:])
                else:
                    words.append(word)
            out.append(_Alias(metric, tuple(words), tuple(negatives), as_of, order))
    return tuple(out)


def tokens(text: str) -> tuple[str, ...]:
    """Lower-case word tokens; hyphenated words also yield their parts."""
    out: list[str] = []
    for tok in _TOKEN.findall(text.lower()):
        out.append(tok)
        if "-" in tok:
            out.extend(tok.split("-"))
    return tuple(out)


# Tokens that start like an alias word but mean something else ("import" / "important").
_FALSE_FRIENDS = frozenset(
    {
        "important", "importance", "importantly", "designated", "designation", "designations",
        "designed", "designing", "validity", "validated", "patently", "granting", "internationally",
    }
)  # fmt: skip


def _has(word: str, toks: tuple[str, ...]) -> bool:
    return any(t.startswith(word) and t not in _FALSE_FRIENDS for t in toks)


def unit_fits(metric: Metric, unit: str | None) -> bool:
    """Whether a value in `unit` can be a value of `metric` (any unit if None)."""
    if unit is None:
        return True
    if unit in ("CNY", "USD"):
        return metric.is_money
    return metric.unit == unit


def match_metric(
    local: str,
    previous: str = "",
    sentence: str = "",
    *,
    head: str = "",
    unit: str | None = None,
    as_of: bool = False,
) -> tuple[Metric, float]:
    """Best metric for a statistic and its score; `unclassified` with 0.0 when none fits."""
    hd, loc, prev, sent = tokens(head), tokens(local), tokens(previous), tokens(sentence)
    # Ranking: alias words found in the value's own phrase first (a list item "503,000 for
    # utility patents" is about utility patents even if the sentence began with inventions),
    # then aliases fully found there, then the weighted score, then catalogue order.
    best: tuple[tuple[float, int, float, int], Metric] | None = None
    for alias in _aliases():
        metric = alias.metric
        if not unit_fits(metric, unit):
            continue
        if alias.as_of is not None and alias.as_of != as_of:
            continue
        if any(_has(neg, loc) or _has(neg, hd) for neg in alias.negatives):
            continue
        score = 0.0
        own = 0
        for word in alias.words:
            if _has(word, hd):
                score += HEAD
                own += 1
            elif _has(word, loc):
                score += LOCAL
                own += 1
            elif _has(word, prev):
                score += PREVIOUS
            elif _has(word, sent):
                score += SENTENCE
            else:
                score = -1.0
                break
        if alias.as_of is not None and score > 0:
            score += 0.5  # a matching period type is evidence too
        if score < MIN_SCORE:
            continue
        key = (float(own), int(own == len(alias.words)), score, -alias.order)
        if best is None or key > best[0]:
            best = (key, metric)
    if best is None:
        return catalogue()[UNCLASSIFIED], 0.0
    return best[1], best[0][2]


def local_score(local: str, metric: Metric) -> float:
    """How many alias words of `metric` the phrase itself contains (best alias)."""
    loc = tokens(local)
    scores = [sum(1.0 for w in a.words if _has(w, loc)) for a in _aliases() if a.metric is metric]
    return max(scores, default=0.0)
