"""A pattern gated by the first characters of its matches finds the same matches."""

from __future__ import annotations

import re

from services.ingest.extract.pattern_gates import starts_with


def test_a_gated_pattern_finds_what_the_ungated_one_finds() -> None:
    body = r"(?:比上年)?\s*(?:增长|下降)\s*\d+(?:\.\d+)?%"
    gated = re.compile(starts_with(["比上年", "增长", "下降"], r"\s") + body)
    plain = re.compile(body)
    for text in ("专利授权比上年增长12.5%，商标下降3%", "  增长7%", "比上年 下降0.5%", "无变化"):
        assert [m.span() for m in gated.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ]


def test_the_gate_admits_only_first_characters_and_classes() -> None:
    gate = re.compile(starts_with(["今年", "全年", ""], r"\d"))
    assert [m.start() for m in gate.finditer("今年2月全国")] == [0, 2, 4]
    assert gate.match("x") is None
