"""Chinese agency names and document numbers normalised like English ones."""

from __future__ import annotations

import pytest

from services.ingest.extract.agencies import normalise_issuer
from services.ingest.extract.agencies_zh import find_agencies_zh, normalise_issuer_zh
from services.ingest.extract.zh.notices_parts import normalised_doc_number


@pytest.mark.parametrize(
    ("zh", "english"),
    [
        ("国家知识产权局", "China National Intellectual Property Administration"),
        ("国家知识产权局办公室", "General Office of CNIPA"),
        ("财政部办公厅", "General Office of the Ministry of Finance"),
        ("国务院办公厅", "General Office of the State Council"),
        ("国家发展改革委", "National Development and Reform Commission"),
        ("中国人民银行", "People's Bank of China"),
        ("广州市知识产权局", "Guangzhou Intellectual Property Administration"),
        ("广东省市场监督管理局", "Guangdong Administration for Market Regulation"),
    ],
)
def test_a_chinese_name_gets_the_id_of_its_english_name(zh: str, english: str) -> None:
    assert normalise_issuer_zh(zh).id == normalise_issuer(english).id != "UNKNOWN"


def test_the_one_reader_takes_names_in_either_language() -> None:
    assert normalise_issuer("财政部办公厅").id == normalise_issuer("General Office of the MOF").id


def test_an_unknown_name_is_unknown_and_kept_as_written() -> None:
    issuer = normalise_issuer_zh("某某研究会")
    assert (issuer.id, issuer.name) == ("UNKNOWN", "某某研究会")


def test_agencies_in_running_text_in_order() -> None:
    text = "财政部办公厅、国家知识产权局办公室和厦门市知识产权局联合发文"
    found = [(text[m.start : m.end], m.issuer.id) for m in find_agencies_zh(text)]
    assert found == [
        ("财政部办公厅", "MOF-GO"),
        ("国家知识产权局办公室", "CNIPA-GO"),
        ("厦门市知识产权局", "XM-IPA"),
    ]


@pytest.mark.parametrize(
    "printed", ["国发〔2021〕20号", "国发[2021]20号", "国发【2021】20号", "国发 (2021) 第20号"]
)
def test_document_numbers_have_one_normalised_form(printed: str) -> None:
    assert normalised_doc_number(printed) == "国发〔2021〕20号"
