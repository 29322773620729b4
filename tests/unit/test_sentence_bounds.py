"""Run-on sentences are cut into pieces of bounded length; real sentences are kept whole."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from services.ingest.extract import sentences
from services.ingest.extract.sentences import MAX_SENTENCE, split_sentences


def test_a_run_on_sentence_is_cut_at_clause_marks() -> None:
    clauses = [f"Suzhou had {1000 + i} invention patents granted" for i in range(400)]
    text = "In 2021, " + ", ".join(clauses) + "."
    spans = split_sentences(text)
    assert len(spans) > 1
    assert all(sp.end - sp.start <= MAX_SENTENCE for sp in spans)
    assert all(text[sp.end - 1] in ",." for sp in spans)  # cut after a comma
    assert "".join(text[sp.start : sp.end] for sp in spans).replace(" ", "") == text.replace(
        " ", ""
    )


def test_a_chinese_run_on_sentence_is_cut_at_its_commas() -> None:
    text = "2021年，" + "，".join(f"第{i}项专利质押融资{i}亿元" for i in range(600)) + "。"
    spans = split_sentences(text)
    assert len(spans) > 1 and all(sp.end - sp.start <= MAX_SENTENCE for sp in spans)
    assert all(text[sp.end - 1] in "，。" for sp in spans)


def test_a_long_real_sentence_is_one_sentence() -> None:
    text = (
        "In 2023, China's patent and trademark pledge financing reached 853.99 billion yuan, "
        "up 75.4 percent year on year, benefiting 37,000 enterprises, of which small and "
        "medium-sized enterprises accounted for 70 percent."
    )
    assert [(sp.start, sp.end) for sp in split_sentences(text)] == [(0, len(text))]


_OLD_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


@given(st.text(alphabet="ab.Z 1é,", max_size=14), st.data())
def test_the_word_before_a_point_is_what_a_regex_finds(text: str, data: st.DataObject) -> None:
    dot = data.draw(st.integers(0, len(text)))
    start = data.draw(st.integers(0, dot))
    m = _OLD_WORD_BEFORE.search(text, start, dot)
    assert sentences._word_before(text, dot, start) == (m.group(1) if m else "")
