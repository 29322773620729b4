"""A province or city stated in Chinese lands on the series an English release gives it."""

from __future__ import annotations

from datetime import date

import pytest

from events import CityPilotDesignated, StatisticPublished
from services.ingest.extract import Document, extract_facts
from services.ingest.extract.stat_geography import places_in, update_places


def _series(text: str) -> set[tuple[str, str, str]]:
    out = set()
    for f in extract_facts(Document(text, date(2018, 3, 1))):
        if isinstance(f.payload, StatisticPublished):
            out.add((f.payload.metric, f.payload.geography, f.payload.period.key))
    return out


@pytest.mark.parametrize(
    "chinese",
    [
        "2017年，安徽省发明专利申请量达到93527件。",
        "2017年，安徽发明专利申请量达到93527件。",
    ],
)
def test_a_chinese_province_is_the_series_of_its_english_name(chinese: str) -> None:
    english = "In 2017, Anhui filed 93,527 invention patent applications."
    assert _series(chinese) == _series(english) == {
        ("invention_patent_applications", "Anhui", "2017")
    }


def test_a_place_the_gazetteer_lacks_keeps_its_chinese_name() -> None:
    found = _series("2017年，合芜蚌示范区发明专利申请量达到12615件。")
    assert {g for _, g, _ in found} == {"合芜蚌示范区"}


def _pilots(text: str) -> set[str]:
    return {
        f.payload.subject()
        for f in extract_facts(Document(text, date(2019, 12, 5)))
        if isinstance(f.payload, CityPilotDesignated)
    }


def test_a_chinese_pilot_is_the_pilot_an_english_release_names() -> None:
    chinese = _pilots("经评审，确定宁波市、厦门市为2019年知识产权运营服务体系建设重点城市。")
    english = _pilots(
        "After review, Ningbo and Xiamen were chosen as 2019 key cities for building "
        "IP operation service systems."
    )
    assert chinese == english == {
        "pilot:ip_operation_service_key_cities:Ningbo",
        "pilot:ip_operation_service_key_cities:Xiamen",
    }


def test_a_district_is_one_pilot_in_both_languages() -> None:
    chinese = _pilots("北京市海淀区被确定为国家知识产权强县工程示范县（区）。")
    english = _pilots(
        "Beijing's Haidian District was named a national IP strong county demonstration district."
    )
    assert chinese == english == {"pilot:ip_strong_county:Haidian, Beijing"}


def test_a_bare_or_owned_district_in_english_text_is_named_with_its_city() -> None:
    assert [p[2] for p in places_in("Haidian and Qianhai led the list.")] == [
        "Haidian, Beijing",
        "Qianhai, Shenzhen",
    ]
    assert [p[2] for p in places_in("Huangpu led the list.")] == ["Huangpu"]  # two cities


class _Places:
    def __init__(self) -> None:
        self.place: str | None = None
        self.places: dict[str, str] = {}


def test_a_district_a_city_owns_is_named_as_the_gazetteer_names_it() -> None:
    state = _Places()
    update_places("Guangzhou's Huangpu district leads the province.", state)
    assert state.place == "Huangpu, Guangzhou"
    update_places("Haimen district in Nantong came second.", state)
    assert state.place == "Haimen District, Nantong"  # a district the gazetteer does not list
