"""The span look-ups answer exactly what scanning every span would."""

from __future__ import annotations

import random

from services.ingest.extract.span_index import Covered, Taken


def _spans(rnd: random.Random, n: int) -> list[tuple[int, int]]:
    starts = [rnd.randrange(0, 200) for _ in range(n)]
    return [(a, a + rnd.randrange(0, 12)) for a in starts]


def test_covered_positions_are_those_inside_some_span() -> None:
    rnd = random.Random(7)
    for _ in range(200):
        spans = _spans(rnd, rnd.randrange(0, 15))
        covered = Covered(spans)
        for at in range(-2, 215):
            assert (at in covered) == any(a <= at < b for a, b in spans), (spans, at)


def test_taken_spans_overlap_as_a_scan_of_them_says() -> None:
    rnd = random.Random(11)
    for _ in range(200):
        claimed: list[tuple[int, int]] = _spans(rnd, rnd.randrange(0, 6))
        taken = Taken(claimed)
        for start, end in _spans(rnd, 30):
            scan = any(a < end and start < b for a, b in claimed)
            assert taken.overlaps(start, end) == scan, (claimed, start, end)
            if not scan or rnd.random() < 0.3:
                claimed.append((start, end))
                taken.add(start, end)


def test_matches_before_answers_as_a_search_up_to_that_end() -> None:
    import re

    from services.ingest.extract.span_index import matches_before

    patterns = [re.compile(p) for p in (r"ab|b", r"a+b", r"(?<!x)ab", r"c", r"\d{2,}")]
    rnd = random.Random(11)
    for _ in range(300):
        text = "".join(rnd.choice("abxc1 2") for _ in range(rnd.randrange(0, 30)))
        for pattern in patterns:
            for end in range(len(text) + 2):
                assert matches_before(pattern, text, end) == bool(pattern.search(text, 0, end))
