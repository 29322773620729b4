"""Chinese change words read right before a rate, whatever word ends them."""

from __future__ import annotations

import pytest

from services.ingest.extract.zh.stat_changes import ChangeCue, change_cue


def _cue_before(text: str, number: str) -> ChangeCue | None:
    end = text.index(number)
    return change_cue(text, 0, end)


@pytest.mark.parametrize(
    ("text", "number", "direction", "qualifier"),
    [
        ("2023年专利商标质押融资金额同比增长75.4%", "75.4", "up", "exact"),  # direction word
        ("质押融资项目数同比增长了 93.3%", "93.3", "up", "exact"),  # filler, then a space
        ("质押融资金额同比增长约75%", "75", "up", "approx"),  # hedge
        ("出口额同比增长-10.1%", "10.1", "down", "exact"),  # a minus
    ],
)
def test_a_cue_is_read_whatever_word_ends_it(
    text: str, number: str, direction: str, qualifier: str
) -> None:
    cue = _cue_before(text, number)
    assert cue is not None
    assert (cue.direction, cue.qualifier) == (direction, qualifier)


def test_a_value_after_its_subject_has_no_cue() -> None:
    assert _cue_before("2023年全国专利商标质押融资金额8539.9亿元", "8539.9") is None
