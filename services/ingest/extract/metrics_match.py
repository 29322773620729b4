"""Match a statistic's subject words against the aliases of the metric catalogue.

A statistic is described by layers of text: its head (the noun phrase right after the
number: "1.3 million *service inventions*"), its own phrase (the words around the value up
to the next clause boundary), the clause before it (lists elide the head noun: "341,000
applications for invention patents, 503,000 for utility patents"), and the rest of the
sentence. Alias words found in the head weigh 1.2, in the own phrase 1.0, in the clause
before 0.7, elsewhere in the sentence 0.4.

Ranking: the number of alias words found in the own phrase, then whether all of them were
found there, then the weighted score, then catalogue order. Only metrics whose unit fits
the value's unit are considered, which does most of the disambiguation (a percent is a
share, months are a duration). See `events/metrics.toml` for the alias syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

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
    word_set: frozenset[str]
    negative_set: frozenset[str]


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
            out.append(
                _Alias(
                    metric,
                    tuple(words),
                    tuple(negatives),
                    as_of,
                    order,
                    frozenset(words),
                    frozenset(negatives),
                )
            )
    return tuple(out)


def tokens(text: str) -> tuple[str, ...]:
    """Lower-case word tokens; hyphenated words also yield their parts."""
    out: list[str] = []
    for tok in _TOKEN.findall(text.lower()):
        out.append(tok)
        if "-" in tok:
            out.extend(tok.split("-"))
    return tuple(out)


# Tokens that start like an alias word but mean something else ("import" / "important",
# "high" / "highlighted").
_FALSE_FRIENDS = frozenset(
    {
        "important", "importance", "importantly", "designated", "designation", "designations",
        "designed", "designing", "validity", "validated", "patently", "granting", "internationally",
        "highlight", "highlights", "highlighted", "highlighting",
    }
)  # fmt: skip


# Tokens starting like this are not what the shorter alias word means: an "applicant" is
# a person, not an application ("applic"), though the word still matches "applicant".
_FALSE_PREFIXES: dict[str, frozenset[str]] = {"applicant": frozenset({"applic"})}


@cache
def _vocabulary() -> frozenset[str]:
    """Every word an alias asks for or forbids: the only prefixes a match ever looks up."""
    return frozenset(w for a in _aliases() for w in (*a.words, *a.negatives))


@lru_cache(maxsize=8192)
def _token_words(token: str) -> frozenset[str]:
    """The alias words that are prefixes of one token (tokens recur, so this is memoised)."""
    if token in _FALSE_FRIENDS:
        return frozenset()
    vocab = _vocabulary()
    found = frozenset(token[:i] for i in range(1, len(token) + 1) if token[:i] in vocab)
    for start, wrong in _FALSE_PREFIXES.items():
        if token.startswith(start):
            found -= wrong
    return found


@lru_cache(maxsize=256)
def _prefixes(text: str) -> frozenset[str]:
    """The alias words that prefix some token of the text, so that an alias word is found
    with one set lookup (prefixes no alias uses are never asked for, so they are left out)."""
    out: set[str] = set()
    for t in tokens(text):
        out |= _token_words(t)
    return frozenset(out)


@lru_cache(maxsize=16)
def _aliases_for(unit: str | None) -> dict[str, tuple[_Alias, ...]]:
    """The aliases whose unit fits, indexed by their first word: only aliases with that word
    somewhere in the sentence can match, so the others are never looked at."""
    index: dict[str, list[_Alias]] = {}
    for a in _aliases():
        if unit_fits(a.metric, unit) and a.words:
            index.setdefault(a.words[0], []).append(a)
    return {w: tuple(v) for w, v in index.items()}


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
    hd, loc = _prefixes(head), _prefixes(local)
    prev = _prefixes(previous)
    # Every layer is part of the sentence in practice; the union keeps that an assumption.
    sent = _prefixes(sentence) | hd | loc | prev
    # Own-phrase words rank first: a list item "503,000 for utility patents" is about utility
    # patents even if the sentence began with invention patents.
    best: tuple[tuple[float, float, int, float, int], Metric] | None = None
    index = _aliases_for(unit)
    candidates = [a for w in sent if w in index for a in index[w]]
    for alias in candidates:
        # Set tests first (they run in C): all words somewhere, no negative nearby.
        if not alias.word_set <= sent:
            continue
        if alias.as_of is not None and alias.as_of != as_of:
            continue
        if not (alias.negative_set.isdisjoint(loc) and alias.negative_set.isdisjoint(hd)):
            continue
        key = _rank(alias, hd, loc, prev)
        if key is not None and (best is None or key > best[0]):
            best = (key, alias.metric)
    if best is None:
        return catalogue()[UNCLASSIFIED], 0.0
    return best[1], best[0][3]


def _rank(
    alias: _Alias, hd: frozenset[str], loc: frozenset[str], prev: frozenset[str]
) -> tuple[float, float, int, float, int] | None:
    """How well an alias whose words are all in the sentence fits: words in the value's head,
    own words, all words own, score, catalogue order; None below the minimum score."""
    score = 0.0
    own = heads = 0
    for word in alias.words:
        if word in hd:
            score += HEAD
            own += 1
            heads += 1
        elif word in loc:
            score += LOCAL
            own += 1
        elif word in prev:
            score += PREVIOUS
        else:
            score += SENTENCE
    if alias.as_of and score > 0:
        score += 0.5  # "by the end of June" is evidence for a stock
    if score < MIN_SCORE:
        return None
    return (float(heads > 0), float(own), int(own == len(alias.words)), score, -alias.order)
