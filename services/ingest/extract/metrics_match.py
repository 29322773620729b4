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


# ------------------------------------------------------------------------- Chinese aliases
# Chinese is written without spaces, so a Chinese alias is matched by substring: its parts
# (separated by spaces) must all occur in the statistic's text, `!part` must not occur in the
# value's own clause (nor in the clauses before when only they name the alias). The alias
# with the most characters in the own clause wins, then the one with the most in the
# clauses before, then the one with fewest characters found only further away, then the
# longest, then catalogue order.


@dataclass(frozen=True, slots=True)
class _ZhAlias:
    metric: Metric
    parts: tuple[str, ...]
    negatives: tuple[str, ...]
    order: int
    part_set: frozenset[str]
    length: int


@cache
def _zh_aliases() -> tuple[_ZhAlias, ...]:
    out: list[_ZhAlias] = []
    for order, metric in enumerate(catalogue().values()):
        for alias in metric.aliases_zh:
            words = alias.split()
            parts = tuple(w for w in words if not w.startswith("!"))
            negatives = tuple(w[1:] for w in words if w.startswith("!"))
            length = sum(len(p) for p in parts)
            out.append(_ZhAlias(metric, parts, negatives, order, frozenset(parts), length))
    return tuple(out)


@cache
def _zh_words() -> frozenset[str]:
    """Every part an alias asks for: the only substrings a match ever looks up."""
    return frozenset(p for a in _zh_aliases() for p in a.parts)


@cache
def _zh_words_by_first() -> dict[str, tuple[str, ...]]:
    """The alias parts by their first character: a text is only checked for the parts
    whose first character it holds."""
    out: dict[str, list[str]] = {}
    for p in sorted(_zh_words()):
        out.setdefault(p[0], []).append(p)
    return {ch: tuple(words) for ch, words in out.items()}


def _zh_words_in(text: str) -> frozenset[str]:
    """The alias parts that occur in `text`."""
    by_first = _zh_words_by_first()
    return frozenset(p for ch in by_first.keys() & set(text) for p in by_first[ch] if p in text)


def zh_alias_words() -> frozenset[str]:
    """Every substring a Chinese alias asks for (the words worth looking up in a text)."""
    return _zh_words()


@lru_cache(maxsize=16)
def _zh_aliases_for(unit: str | None) -> tuple[_ZhAlias, ...]:
    return tuple(a for a in _zh_aliases() if unit_fits(a.metric, unit))


def match_metric_zh(
    own: str,
    before: str = "",
    context: str = "",
    *,
    unit: str | None = None,
    whole: str = "",
    context_words: frozenset[str] = frozenset(),
) -> tuple[Metric, float]:
    """Best metric for a Chinese statistic: `own` is the value's own clause (with the words
    after the number), `before` the clause before it, `context` what precedes that, `whole`
    what a share is a share of ("占GDP的比重"), `context_words` the alias words found in
    text before `context`; the score is the number of alias characters found in `own`,
    `before` and `whole`."""
    before += whole
    text = context + before + own
    present = context_words | _zh_words_in(text)
    best: tuple[tuple[int, int, int, int, int], Metric] | None = None
    for alias in _zh_aliases_for(unit):
        if not alias.part_set <= present:
            continue
        if any(n in own or n in whole for n in alias.negatives):
            continue
        in_own = sum(len(p) for p in alias.parts if p in own)
        in_before = sum(len(p) for p in alias.parts if p not in own and p in before)
        if in_own + in_before == 0:
            continue
        if not in_own and any(n in before for n in alias.negatives):
            continue  # read from the clauses before only, so their words must not forbid it
        length = alias.length
        if 2 * (in_own + in_before) < length:
            continue  # most of the alias is only in the wider context: too far to tell
        key = (in_own, in_before, in_own + in_before - length, length, -alias.order)
        if best is None or key > best[0]:
            best = (key, alias.metric)
    if best is None:
        return catalogue()[UNCLASSIFIED], 0.0
    return best[1], float(best[0][0] + best[0][1])
