"""Match a Chinese statistic's text against the Chinese aliases of the metric catalogue.

Chinese is written without spaces, so a Chinese alias is matched by substring: its parts
(separated by spaces) must all occur in the statistic's text, `!part` must not occur in the
value's own clause (nor in the clauses before when only they name the alias). The alias
with the most characters in the own clause wins, then the one with the most in the
clauses before, then the one with fewest characters found only further away, then the
longest, then catalogue order.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from events.metrics import UNCLASSIFIED, Metric, catalogue
from services.ingest.extract.metrics_match import unit_fits


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


@lru_cache(maxsize=16)
def _zh_aliases_by_part(unit: str | None) -> dict[str, tuple[tuple[int, _ZhAlias], ...]]:
    """The aliases that fit a unit by their first part, with their catalogue rank: an alias
    can match only when its first part is in the text (an alias without parts never does)."""
    out: dict[str, list[tuple[int, _ZhAlias]]] = {}
    for i, alias in enumerate(_zh_aliases_for(unit)):
        if alias.parts:
            out.setdefault(alias.parts[0], []).append((i, alias))
    return {p: tuple(found) for p, found in out.items()}


def _candidates(unit: str | None, present: frozenset[str]) -> list[_ZhAlias]:
    """The aliases whose parts all occur, in catalogue order."""
    by_part = _zh_aliases_by_part(unit)
    found = [ia for p in present if p in by_part for ia in by_part[p]]
    found.sort(key=lambda ia: ia[0])
    return [a for _, a in found if a.part_set <= present]


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
    for alias in _candidates(unit, present):
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
