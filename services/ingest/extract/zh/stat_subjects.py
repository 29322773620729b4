"""What a Chinese figure is a figure of: the text layers its metric is read from and the
unit its subject implies.

Chinese puts the subject before the number ("2023年授予发明专利权92.1万件"), so a value's own
clause runs from the clause mark (or the number) before it to the number, plus the counting
word and the words right after it ("4.0个经营主体拥有1件有效商标"). Lists elide the verb
("授权发明专利45.3万件，实用新型158.2万件"), so the clause before is a second layer, and
the rest of the sentence and the sentence before (for 其中 …) a third. Per-person rates
(每万人口 …) are told by their subject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from events.metrics import UNCLASSIFIED, Metric
from services.ingest.extract import lexicon
from services.ingest.extract.metrics_match_zh import match_metric_zh, zh_alias_words
from services.ingest.extract.zh.stat_changes import is_rate_clause

_NUMBERS = "zh_stat_numbers"
_MARKS = ",，;；:：。!！?？"
# the words after a value run to the next mark or number, but "…个市场主体拥有1件有效商标"
# names what the ratio counts after its second term
_HEAD_STOP = re.compile(r"[,，;；:：。!！?？(（]|(?<!拥有)\d")


@dataclass(frozen=True, slots=True)
class Layers:
    """The texts a figure's metric is read from."""

    own: str
    before: str
    context: str
    whole: str = ""  # what a share is a share of: "占GDP的比重" -> "GDP的比重"
    # Alias words wholly inside the text before `context`: a long sentence is searched for
    # them once, not once per figure, so `context` itself stays short.
    context_words: frozenset[str] = frozenset()
    # A sentence that opens after a semicolon may elide the subject of the clause before it:
    # that clause, read as the clause before when the own clause names no metric by itself.
    parallel: str = ""


def last_mark(view: str, end: int) -> int:
    """The position after the last clause mark before `end` (0 if none)."""
    for i in range(end - 1, -1, -1):
        if view[i] in _MARKS:  # a membership test, not a pattern call per character
            return i + 1
    return 0


def layers(view: str, own_start: int, at: int, end: int, word: str, previous: str) -> Layers:
    """The layers of the figure at `[at, end)` whose own clause starts at `own_start`;
    `word` is its counting word and `previous` the sentence before."""
    stop = _HEAD_STOP.search(view, end)
    head = view[end : stop.start() if stop else len(view)]
    own = view[own_start:at] + word + head
    share = own.find("占")
    whole = ""
    if share >= 0:  # "占国内有效量的72.5%": what follows 占 is the whole, not the subject
        own, whole = own[: share + 1], own[share + 1 :]
    left = last_mark(view, own_start)
    if share >= 0:  # a share's subject is the figure before it ("职务发明为34.4万件，占95.4%")
        while left and is_rate_clause(view[last_mark(view, left - 1) : left]):
            left = last_mark(view, left - 1)  # skip "同比增长19.64%，"
        if left:
            left = last_mark(view, left - 1)
    else:
        for _ in range(2):  # the two clauses before: "国内发明专利授权中，职务发明为…"
            if left:
                left = last_mark(view, left - 1)
    # The sentence before speaks of the same subject when this one opens with 其中 … or
    # continues it after a semicolon.
    joined = previous.rstrip().endswith(("；", ";"))
    opens_subset = view.lstrip().startswith(lexicon.words("zh_stat_lists", "subset_openers"))
    before_text = previous if joined or opens_subset else ""
    context, words = _context(before_text, view, left)
    # "出口860.8亿元，同比增长17.4%；进口…": the parallel clause before the semicolon
    parallel = _subject_clause(previous) if joined and not own_start else ""
    return Layers(own, view[left:own_start], context, whole, words, parallel)


def _subject_clause(sentence: str) -> str:
    """The last clause of a sentence that is more than a change: the parallel clause a
    clause after its semicolon elides the subject of."""
    end = len(sentence.rstrip().rstrip(";；"))
    while end > 0:
        start = last_mark(sentence, end)
        clause = sentence[start:end]
        if not is_rate_clause(clause + "，"):
            return clause
        end = max(0, start - 1)
    return ""


# Longer than any alias word: a word ending in the context's tail is found there.
_TAIL = 16
# A context up to this long is searched as it is; a longer one through `_first_ends`.
_SHORT = 400


@lru_cache(maxsize=8)
def _first_ends(before_text: str, view: str) -> tuple[tuple[str, int], ...]:
    """Where each alias word first ends in `before_text + view` (read once per sentence)."""
    text = before_text + view
    found = ((w, text.find(w)) for w in zh_alias_words())
    return tuple((w, at + len(w)) for w, at in found if at >= 0)


def _context(before_text: str, view: str, left: int) -> tuple[str, frozenset[str]]:
    """The context `before_text + view[:left]` as its short tail and the alias words wholly
    before that tail."""
    end = len(before_text) + left
    if end <= _SHORT:
        return before_text + view[:left], frozenset()  # searching it whole costs less
    cut = end - _TAIL
    words = frozenset(w for w, e in _first_ends(before_text, view) if e <= cut)
    if cut < len(before_text):
        return before_text[cut:] + view[:left], words
    return view[cut - len(before_text) : left], words


def unit_of(unit: str, own: str) -> str:
    """The unit of a value: a count whose subject is per 10,000 people is a per-10k rate."""
    if unit == "count" and any(w in own for w in lexicon.words(_NUMBERS, "per_10k_subjects")):
        return "per_10k_people"
    return unit


@lru_cache(maxsize=1)
def _filers() -> re.Pattern[str]:
    words = lexicon.words(_NUMBERS, "filer_words")
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))


def _blind(lay: Layers) -> Layers:
    """The layers with the words for who files ("申请人") blanked to their length: they name
    no application, so neither an alias's 申请 nor its !申请 may read them."""
    filers = _filers()
    texts = (lay.own, lay.before, lay.context, lay.whole)
    if not any(filers.search(t) for t in texts):
        return lay
    own, before, context, whole = (filers.sub(lambda m: "\u3000" * len(m[0]), t) for t in texts)
    return replace(lay, own=own, before=before, context=context, whole=whole)


def metric_of(lay: Layers, unit: str | None, word: str = "") -> Metric | None:
    """The catalogued metric of a figure, None when its subject names none or its counting
    word (`word`: 家, 人, 笔) counts something else than the metric does."""
    lay = _blind(lay)
    metric, _ = match_metric_zh(
        lay.own, lay.before, lay.context, unit=unit, whole=lay.whole,
        context_words=lay.context_words,
    )  # fmt: skip
    if metric.id == UNCLASSIFIED and lay.parallel and not lay.before:
        metric, _ = match_metric_zh(
            lay.own, lay.parallel, lay.context, unit=unit, whole=lay.whole,
            context_words=lay.context_words,
        )  # fmt: skip
    if metric.id == UNCLASSIFIED:
        return None
    counted: list[str] | None = lexicon.load(_NUMBERS)["counters"].get(word)
    if counted and not any(w in a for a in metric.aliases_zh for w in counted):
        return None
    return metric
