"""City pilot and demonstration designations on hand-written examples."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from events.types import CityPilotDesignated, CityPilotStatusChanged
from services.ingest.extract import zh
from services.ingest.extract.base import Document
from services.ingest.extract.language import CHINESE
from services.ingest.extract.pilots import extract_pilots

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SEED = SHARED / "examples" / "cnipa-2020q1-pledge-financing.txt"


def designated(text: str, published: date | None = None) -> list[CityPilotDesignated]:
    out = []
    for fact in extract_pilots(Document(text=text, published=published)):
        assert isinstance(fact.payload, CityPilotDesignated)
        out.append(fact.payload)
    return out


def test_city_list_in_one_designation() -> None:
    text = "In 2022, Wuhan, Hefei and Nanchang were selected as national IP demonstration cities."
    found = designated(text)
    assert [p.city for p in found] == ["Wuhan", "Hefei", "Nanchang"]
    assert {(p.status, p.role, p.admin_level, p.year) for p in found} == {
        ("selected", "demonstration", "city", 2022)
    }


@pytest.mark.parametrize("verb", ["comprises", "covers", "contains"])
def test_a_verb_of_the_list_ends_the_programme_name(verb: str) -> None:
    text = (
        f"The list of national IP strong county pilots {verb} 20 counties, including Anji "
        "county and Deqing county."
    )
    found = designated(text)
    assert [p.city for p in found] == ["Anji County", "Deqing County"]
    assert {p.program for p in found} == {"national IP strong county pilots"}


def test_counted_list_gives_batch_total_not_names() -> None:
    text = (
        "Twelve cities including Ningbo of Zhejiang Province and Yantai of Shandong Province "
        "became key cities for building the IP operation service system."
    )
    found = designated(text, published=date(2021, 5, 4))
    assert [p.city for p in found] == ["Ningbo", "Yantai"]
    assert all(p.batch_total == 12 and p.year == 2021 for p in found)
    assert found[0].program.startswith("key cities for building")
    assert {p.program_id for p in found} == {"ip_operation_service_key_cities"}


def test_one_programme_worded_two_ways_is_one_subject() -> None:
    a = designated("Ningbo was selected among key cities to build IP operation service systems.")
    b = designated("Ningbo was named an IP operation service system key city in 2018.")
    assert a[0].program != b[0].program
    assert a[0].subject() == b[0].subject() == "pilot:ip_operation_service_key_cities:Ningbo"


def test_count_without_names_yields_nothing() -> None:
    text = (
        "So far the first six pilot cities have shared their experience, and about 15 more "
        "cities will be selected as national IP demonstration cities next year."
    )
    assert designated(text) == []


def test_district_of_city() -> None:
    text = (
        "Chengdu's Pidu district was named a national IP pilot zone in 2019, the only one "
        "in the province."
    )
    [p] = designated(text)
    assert (p.city, p.admin_level, p.role, p.year) == (
        "Pidu, Chengdu",
        "district",
        "pilot",
        2019,
    )


def test_municipality_and_top_n_batch() -> None:
    text = "In 2018, Tianjin was approved as one of the Top 8 Model Cities for IP Protection."
    [p] = designated(text)
    assert (p.city, p.admin_level, p.batch_total, p.role) == (
        "Tianjin",
        "municipality",
        8,
        "demonstration",
    )


def test_award_with_first_batch() -> None:
    text = (
        "The provincial IP office named a Changzhou high-tech zone the first batch of IP "
        "demonstration parks. The title was conferred for three years."
    )
    [p] = designated(text)
    assert (p.city, p.admin_level, p.status, p.batch) == (
        "Changzhou High-tech Zone",
        "district",
        "awarded",
        1,
    )


def test_launch_in_city_is_implementing() -> None:
    text = (
        "China has launched a national pilot program for patent insurance. At the launching "
        "ceremony in Hangzhou, insurers signed agreements."
    )
    [p] = designated(text)
    assert (p.city, p.status) == ("Hangzhou", "implementing")


def test_non_designation_lists_are_ignored() -> None:
    text = "Complaint hotlines opened in 8 provinces including Hebei, Hunan and Yunnan last week."
    assert designated(text) == []


def test_status_changes() -> None:
    text = (
        "Dongguan's pilot city status was revoked after an audit. Suzhou has graduated from the "
        "national IP pilot city program."
    )
    facts = [f.payload for f in extract_pilots(Document(text=text))]
    assert all(isinstance(p, CityPilotStatusChanged) for p in facts)
    assert [(p.city, p.status) for p in facts if isinstance(p, CityPilotStatusChanged)] == [
        ("Dongguan", "revoked"),
        ("Suzhou", "graduated"),
    ]


@pytest.mark.skipif(not SEED.exists(), reason="shared examples folder is not available")
def test_seed_document_has_no_pilots() -> None:
    assert extract_pilots(Document(text=SEED.read_text(encoding="utf-8"))) == []


def test_one_of_n_is_a_batch_total() -> None:
    [p] = designated("Zhuhai was named one of the 12 national IP model cities in 2016.")
    assert (p.city, p.batch_total, p.year, p.program) == (
        "Zhuhai",
        12,
        2016,
        "national IP model cities",
    )


def test_became_and_a_second_clause() -> None:
    text = (
        "In 2019 Jinan and Yantai have become national IP model cities, and Weifang was "
        "listed among IP pilot cities by the provincial office."
    )
    found = {(p.city, p.role, p.program) for p in designated(text)}
    assert found == {
        ("Jinan", "demonstration", "national IP model cities"),
        ("Yantai", "demonstration", "national IP model cities"),
        ("Weifang", "pilot", "IP pilot cities"),
    }


def test_programme_stops_where_the_naming_document_begins() -> None:
    text = (
        "Lanzhou was selected as a national pilot city for building a strong intellectual "
        "property city in the Notice on Selecting Pilot Cities, released by CNIPA in 2023."
    )
    found = designated(text)
    assert [(p.city, p.program) for p in found] == [
        ("Lanzhou", "national pilot city for building a strong intellectual property city")
    ]


CASES = [
    Path(__file__).resolve().parents[1] / "cases" / f for f in ("pilots.toml", "zh_pilots.toml")
] + sorted((Path(__file__).with_name("extraction_cases") / "pilots").glob("*.toml"))


def _cases() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path in CASES:
        with path.open("rb") as f:
            out += tomllib.load(f)["case"]
    return out


@pytest.mark.parametrize("case", _cases(), ids=lambda c: str(c["name"]))
def test_case(case: dict[str, Any]) -> None:
    doc = Document(text=case["text"], published=date.fromisoformat(case["published"]))
    facts = zh.extract_pilots(doc) if doc.language == CHINESE else extract_pilots(doc)
    pilots = [f.payload for f in facts if isinstance(f.payload, CityPilotDesignated)]
    found = [(p.city, p.status, p.program_id or "") for p in pilots]
    assert found == [tuple(e) for e in case.get("expect", [])]
    if "batches" in case:  # batch number and size of each designation, 0 for none
        assert [[p.batch or 0, p.batch_total or 0] for p in pilots] == case["batches"]
