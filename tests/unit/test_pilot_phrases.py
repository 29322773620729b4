"""Programme phrases read one at a time: what a reader that stops early still sees."""

from __future__ import annotations

from services.ingest.extract.pilot_hits import first_after
from services.ingest.extract.pilot_programmes import iter_programmes, programmes

TEXT = (
    "In 2019 the administration named Ningbo a national IP demonstration city, "
    "national IP model city and national IP protection center."
)


def test_reading_one_at_a_time_finds_the_same_phrases() -> None:
    assert list(iter_programmes(TEXT, 0, len(TEXT))) == programmes(TEXT, 0, len(TEXT))


def test_a_bound_on_the_first_phrase_does_not_cut_the_ones_after_it() -> None:
    start = TEXT.index("a national IP demonstration")
    bounded = list(iter_programmes(TEXT, start, len(TEXT), within=1))
    assert bounded == programmes(TEXT, start, len(TEXT))
    assert len(bounded) >= 2


def test_no_phrase_when_the_first_starts_past_the_bound() -> None:
    assert list(iter_programmes(TEXT, 0, len(TEXT), within=2)) == []
    assert first_after(TEXT, 0, len(TEXT), slack=2) is None


def test_a_chained_list_is_one_phrase_after_the_verb() -> None:
    pos = TEXT.index("Ningbo") + len("Ningbo")
    prog = first_after(TEXT, pos, len(TEXT), slack=1)
    assert prog is not None
    assert prog.text.startswith("national IP demonstration city")
    assert "model city" in prog.text
