"""Language by script, width folding that keeps offsets, and Chinese sentence ends."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from services.ingest.extract import Document, extract_facts
from services.ingest.extract.language import detect_language, normalise_width
from services.ingest.extract.sentences import split_sentences


def test_a_chinese_release_is_chinese_and_an_english_one_quoting_a_title_is_english() -> None:
    assert detect_language("2023年，全国专利商标质押融资金额达8539.9亿元。") == "zh"
    assert detect_language("CNIPA issued the 《知识产权强国建设纲要》 in September 2021.") == "en"
    assert detect_language("") == "en"
    assert Document("国家知识产权局发布通知。").language == "zh"


def test_full_width_digits_and_punctuation_fold_to_ascii() -> None:
    assert normalise_width("１２３４．５亿元（约）：５０％") == "1234.5亿元(约):50%"
    # a character whose folding is longer than itself is kept, so offsets stay valid
    assert normalise_width("面积１０㎡") == "面积10㎡"


@given(st.text())
def test_width_folding_never_changes_the_length(text: str) -> None:
    assert len(normalise_width(text)) == len(text)


def test_chinese_sentences_end_at_full_stops_and_semicolons_without_spaces() -> None:
    text = (
        "2022年，专利质押融资金额达3,760亿元；商标质押融资金额达1,108亿元。“数据”显示增长！另起一句"
    )
    got = [text[s.start : s.end] for s in split_sentences(text)]
    assert got == [
        "2022年，专利质押融资金额达3,760亿元；",
        "商标质押融资金额达1,108亿元。",
        "“数据”显示增长！",
        "另起一句",
    ]


def test_an_ascii_semicolon_before_han_text_ends_a_chinese_sentence() -> None:
    text = "发明专利授权79.8万件;实用新型专利授权280.4万件"
    assert [text[s.start : s.end] for s in split_sentences(text)] == [
        "发明专利授权79.8万件;",
        "实用新型专利授权280.4万件",
    ]


def test_every_fact_of_a_chinese_document_is_read_from_it() -> None:
    doc = Document("2022年全国专利商标质押融资金额达4868.8亿元。")
    assert doc.language == "zh"
    assert all(f.source.document_id == doc.id for f in extract_facts(doc))
