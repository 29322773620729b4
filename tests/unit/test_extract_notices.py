"""Policy notice extraction on hand-written examples."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from events.types import PolicyNoticeIssued
from services.ingest.extract import zh
from services.ingest.extract.base import Document
from services.ingest.extract.language import CHINESE
from services.ingest.extract.notices import extract_notices

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SEED = SHARED / "examples" / "cnipa-2020q1-pledge-financing.txt"


def notices(text: str, published: date | None = None) -> list[PolicyNoticeIssued]:
    out = []
    for fact in extract_notices(Document(text=text, published=published)):
        assert isinstance(fact.payload, PolicyNoticeIssued)
        out.append(fact.payload)
    return out


def test_title_with_joint_issuers_after_by() -> None:
    text = (
        "The Action Plan for Patent Navigation in Strategic Industries was jointly released by "
        "the Ministry of Industry and Information Technology, the NDRC and CNIPA on 3 March 2021."
    )
    [n] = notices(text)
    assert n.title == "Action Plan for Patent Navigation in Strategic Industries"
    assert [i.id for i in n.issuers] == ["MIIT", "NDRC", "CNIPA"]
    assert n.issuers[1].name == "NDRC"
    assert (n.type, n.mention, n.date) == ("plan", "released", "2021-03-03")


@pytest.mark.parametrize(
    "text",
    [
        "The Opinions on Improving IP Pledge Financing Services were jointly issued by nine "
        "departments including the CNIPA and the China Banking and Insurance Regulatory "
        "Commission.",
        "Jointly issued by nine departments including the CNIPA and the China Banking and "
        "Insurance Regulatory Commission, the Opinions on Improving IP Pledge Financing "
        "Services took effect at once.",
    ],
)
def test_counted_issuers_past_eight_and_a_fronted_by_phrase(text: str) -> None:
    [n] = notices(text)
    assert n.title == "Opinions on Improving IP Pledge Financing Services"
    assert [i.id for i in n.issuers] == ["CNIPA", "CBIRC"]


def test_a_single_issuer_in_a_fronted_by_phrase() -> None:
    [n] = notices("Issued by the CNIPA, the Notice on Patent Pledge Registration took effect.")
    assert [i.id for i in n.issuers] == ["CNIPA"]


def test_active_issuer_and_date_in_sentence() -> None:
    text = (
        "On June 2, 2022, the Ministry of Science and Technology issued the Measures for the "
        "Evaluation of Technology Transfer Institutions."
    )
    [n] = notices(text)
    assert n.title == "Measures for the Evaluation of Technology Transfer Institutions"
    assert [i.id for i in n.issuers] == ["MOST"]
    assert (n.type, n.mention, n.date) == ("measures", "issued", "2022-06-02")


def test_quoted_title_and_general_offices_in_title() -> None:
    text = (
        "To carry out the “Notice of the General Office of the State Council on Printing and "
        "Distributing the Key Points of Work on Fighting Counterfeits in 2020” (Guo Ban Fa "
        "[2020] No. 9), the city issued guidance."
    )
    [n] = notices(text)
    assert n.title is not None
    assert n.title.startswith("Notice of the General Office of the State Council on Printing")
    assert [i.id for i in n.issuers] == ["SC-GO"]
    assert n.doc_number == "Guo Ban Fa [2020] No. 9"
    assert (n.type, n.mention, n.date) == ("notice", "referenced", None)


def test_header_with_document_number_and_date_line() -> None:
    text = (
        "Circular of the Ministry of Finance and the General Office of CNIPA on Supporting "
        "Patent Insurance Pilots\n\nCai Jin [2021] No. 88\n\nMarch 5, 2021\n\n"
        "All provincial finance departments:\nThe relevant matters are hereby notified."
    )
    [n] = notices(text)
    assert [i.id for i in n.issuers] == ["MOF", "CNIPA-GO"]
    assert n.doc_number == "Cai Jin [2021] No. 88"
    assert (n.type, n.mention, n.date) == ("notice", "issued", "2021-03-05")


def test_two_referenced_titles_and_distributed_measures() -> None:
    text = (
        "In order to implement the Outline for Innovation-driven Development (2016-2030) and the "
        "Opinions of the State Council on Deepening Reform of Science and Technology, the "
        "Hangzhou Intellectual Property Office formulated the Measures for Patent Subsidies in "
        "Hangzhou, which are hereby printed and issued to you."
    )
    found = {n.title: n for n in notices(text)}
    assert set(found) == {
        "Outline for Innovation-driven Development (2016-2030)",
        "Opinions of the State Council on Deepening Reform of Science and Technology",
        "Measures for Patent Subsidies in Hangzhou",
    }
    outline = found["Outline for Innovation-driven Development (2016-2030)"]
    assert (outline.mention, outline.type, outline.issuers) == ("referenced", "plan", ())
    opinions = found["Opinions of the State Council on Deepening Reform of Science and Technology"]
    assert [i.id for i in opinions.issuers] == ["STATE_COUNCIL"]
    measures = found["Measures for Patent Subsidies in Hangzhou"]
    assert measures.mention == "distributed"
    assert [i.id for i in measures.issuers] == ["HZ-IPA"]


def test_report_released_and_relative_date() -> None:
    text = "The “Annual Report on Trademark Protection” released in May last year listed cases."
    [n] = notices(text, published=date(2024, 2, 1))
    assert (n.type, n.mention, n.date) == ("report", "released", "2023-05")
    # Without a publication date 'last year' is not resolved.
    [undated] = notices(text)
    assert undated.date is None


def test_untitled_notice_described_by_issuers() -> None:
    text = (
        "According to a circular jointly issued by the People's Bank of China and the CSRC "
        "last week, banks will expand patent-backed lending to smaller firms."
    )
    [n] = notices(text)
    assert n.title is None
    assert n.description is not None and "patent-backed lending" in n.description
    assert [i.id for i in n.issuers] == ["PBOC", "CSRC"]
    assert (n.type, n.mention) == ("notice", "issued")


def test_untitled_plan_with_national_subject() -> None:
    text = "China has unveiled a new plan on trademark brand building, officials said."
    [n] = notices(text)
    assert n.title is None
    assert n.description == "new plan on trademark brand building"
    assert (n.issuers, n.type, n.mention) == ((), "plan", "released")


def test_company_plans_and_anaphors_are_not_notices() -> None:
    text = (
        "The firm released a plan on licensing its patents. The Notice took effect at once, "
        "and the 15th Five-Year Plan period will follow."
    )
    assert notices(text) == []


def test_legislation_is_not_a_notice() -> None:
    text = (
        "The NPC Standing Committee adopted the Decision on Amending the Trademark Law on "
        "April 23, 2019, and passed the Amendments to the Copyright Law in 2020."
    )
    assert notices(text) == []


def test_campaign_launched() -> None:
    text = "CNIPA launched the Blue Sky Enforcement Campaign against abnormal patent filings."
    [n] = notices(text)
    assert (n.title, n.type, n.mention) == ("Blue Sky Enforcement Campaign", "campaign", "launched")
    assert [i.id for i in n.issuers] == ["CNIPA"]


@pytest.mark.skipif(not SEED.exists(), reason="shared examples folder is not available")
def test_seed_document_yields_two_notices() -> None:
    found = notices(SEED.read_text(encoding="utf-8"))
    assert len(found) == 2
    measures, untitled = found
    assert measures.title == "Ten Measures to Support the Resumption of Work and Production"
    assert [i.id for i in measures.issuers] == ["SAMR", "NMPA", "CNIPA"]
    assert (measures.type, measures.mention) == ("measures", "issued")
    assert untitled.title is None
    assert [i.id for i in untitled.issuers] == ["CNIPA-GO", "MOF-GO"]
    assert untitled.description is not None
    assert "main cities" in untitled.description
    assert "IP operation service systems" in untitled.description
    assert untitled.type == "notice"


def test_title_case_headline_is_not_a_title() -> None:
    assert notices("Beijing Issues Plan to Boost Patent Commercialization\n\nText follows.") == []


def test_trailing_date_is_not_part_of_the_title() -> None:
    text = "CNIPA issued the Notice on Launching the Patent Open Licensing Pilot on May 4."
    [n] = notices(text, published=date(2023, 6, 1))
    assert n.title == "Notice on Launching the Patent Open Licensing Pilot"
    assert n.date == "2023-05-04"


CASES = [
    Path(__file__).resolve().parents[1] / "cases" / f for f in ("notices.toml", "zh_notices.toml")
] + sorted((Path(__file__).with_name("extraction_cases") / "notices").glob("*.toml"))


def _cases() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path in CASES:
        with path.open("rb") as f:
            out += tomllib.load(f)["case"]
    return out


def _seen(p: PolicyNoticeIssued) -> dict[str, Any]:
    return {
        "title": p.title or (p.description or "").split(":")[0],
        "type": p.type,
        "mention": p.mention,
        "issuers": [i.id for i in p.issuers],
        "date": p.date,
        "doc_number": p.doc_number,
    }


@pytest.mark.parametrize("case", _cases(), ids=lambda c: str(c["name"]))
def test_case(case: dict[str, Any]) -> None:
    doc = Document(text=case["text"], published=date.fromisoformat(case["published"]))
    facts = zh.extract_notices(doc) if doc.language == CHINESE else extract_notices(doc)
    found = [_seen(f.payload) for f in facts if isinstance(f.payload, PolicyNoticeIssued)]
    expected = [{"date": None, "doc_number": None, **n} for n in case.get("notice", [])]
    assert found == expected


@pytest.mark.parametrize(
    ("text", "number"),
    [
        (
            "The Notice on Strengthening Patent Agency Supervision (CNIPA Office Letter No. 15 "
            "[2021]) was released on July 5, 2021.",
            "CNIPA Office Letter No. 15 [2021]",
        ),
        (
            "The CNIPA issued the Notice on Strengthening Patent Agency Supervision, "
            "Guozhibanfa [2021] No. 15, on July 5, 2021.",
            "Guozhibanfa [2021] No. 15",
        ),
    ],
)
def test_document_numbers_as_pages_print_them(text: str, number: str) -> None:
    [n] = notices(text)
    assert (n.title, n.doc_number, n.date) == (
        "Notice on Strengthening Patent Agency Supervision", number, "2021-07-05"
    )


def test_an_unquoted_title_cited_after_under_is_referenced() -> None:
    found = notices(
        "Under the Patent Law and the Measures for Patent Pledge Registration, the CNIPA "
        "issued the Notice on Strengthening Patent Agency Supervision."
    )
    assert [(n.title, n.mention) for n in found] == [
        ("Measures for Patent Pledge Registration", "referenced"),
        ("Notice on Strengthening Patent Agency Supervision", "issued"),
    ]
