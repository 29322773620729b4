"""Position look-ups over many spans by bisection: a flattened page can put thousands of
figures and periods in one sentence, and scanning every span for every figure grows with
the square of their number."""

from __future__ import annotations

import re
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import lru_cache


class Covered:
    """The positions inside any of a set of half-open spans `[start, end)`."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        starts: list[int] = []
        ends: list[int] = []
        for a, b in sorted(s for s in spans if s[0] < s[1]):
            if ends and a <= ends[-1]:
                ends[-1] = max(ends[-1], b)  # overlapping or touching: one run
            else:
                starts.append(a)
                ends.append(b)
        self._starts, self._ends = starts, ends

    def __contains__(self, at: int) -> bool:
        i = bisect_right(self._starts, at) - 1
        return i >= 0 and at < self._ends[i]


class Taken:
    """Spans claimed so far, growing; tells whether a new span overlaps any of them."""

    __slots__ = ("_ends", "_points", "_starts")

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._points: list[int] = []  # empty spans: they overlap what strictly encloses them
        for a, b in spans:
            self.add(a, b)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether `[start, end)` shares a position with a claimed span."""
        i = bisect_left(self._starts, end) - 1  # runs are disjoint: the last one ends latest
        if i >= 0 and self._ends[i] > start:
            return True
        return any(start < p < end for p in self._points)

    def add(self, start: int, end: int) -> None:
        """Claim `[start, end)`, merging it with the runs it overlaps or touches."""
        if start >= end:
            self._points.append(start)
            return
        lo = bisect_left(self._ends, start)  # first run that ends at or after it starts
        hi = bisect_right(self._starts, end)  # runs from here start after it ends
        if lo < hi:
            start, end = min(start, self._starts[lo]), max(end, self._ends[hi - 1])
        self._starts[lo:hi] = [start]
        self._ends[lo:hi] = [end]


@lru_cache(maxsize=256)
def first_fit(pattern: re.Pattern[str], text: str) -> int:
    """The least `s` for which `pattern` matches within `text[:s]`; sys.maxsize if none.

    `matches_before(pattern, text, s)` asks the same as `pattern.search(text, 0, s)` for
    every figure of a sentence at the cost of a few searches for the whole sentence."""
    m = pattern.search(text)
    if m is None:
        return sys.maxsize
    lo, hi = 0, m.end()
    while lo < hi:
        mid = (lo + hi) // 2
        if pattern.search(text, 0, mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def matches_before(pattern: re.Pattern[str], text: str, end: int) -> bool:
    """Whether `pattern` matches within `text[:end]`."""
    return end >= first_fit(pattern, text)
