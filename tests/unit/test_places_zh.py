"""Chinese place names in the one gazetteer: each maps to its English entry."""

from __future__ import annotations

import pytest

from services.ingest.extract import lexicon
from services.ingest.extract.places import level_of, provinces_of, zh_place, zh_place_at


@pytest.mark.parametrize(
    ("written", "english", "level", "province"),
    [
        ("厦门", "Xiamen", "city", "Fujian"),
        ("厦门市", "Xiamen", "city", "Fujian"),
        ("福建省厦门市", "Xiamen", "city", "Fujian"),
        ("福建厦门", "Xiamen", "city", "Fujian"),
        ("江苏省苏州市", "Suzhou", "city", "Jiangsu"),
        ("安徽省宿州市", "Suzhou", "city", "Anhui"),
        ("浙江省台州市", "Taizhou", "city", "Zhejiang"),
        ("江苏省昆山市", "Kunshan", "city", "Jiangsu"),
        ("吉林市", "Jilin", "city", "Jilin"),
        ("吉林省", "Jilin", "province", "Jilin"),
        ("吉林省长春市", "Changchun", "city", "Jilin"),
        ("新疆自治区昌吉州", "Changji", "city", "Xinjiang"),
        ("恩施土家族苗族自治州", "Enshi", "city", "Hubei"),
        ("广西壮族自治区", "Guangxi", "province", "Guangxi"),
        ("内蒙古自治区锡林郭勒盟", "Xilingol", "city", "Inner Mongolia"),
        ("北京市", "Beijing", "municipality", "Beijing"),
        ("北京市海淀区", "Haidian, Beijing", "district", "Beijing"),
        ("上海市浦东新区", "Pudong, Shanghai", "district", "Shanghai"),
        ("广州市黄埔区", "Huangpu, Guangzhou", "district", "Guangdong"),
        ("黄浦区", "Huangpu, Shanghai", "district", "Shanghai"),
        ("香港特别行政区", "Hong Kong", "province", "Hong Kong"),
        ("天津滨海高新区", "Binhai, Tianjin", "district", "Tianjin"),
    ],
)
def test_a_chinese_name_is_read_as_its_english_entry(
    written: str, english: str, level: str, province: str
) -> None:
    place = zh_place(written)
    assert place is not None, written
    assert (place.english, place.level, place.province) == (english, level, province)
    assert place.written == written


@pytest.mark.parametrize("name", ["知识产权局", "福建省宁波市", "北京市徐汇区", "厦门大学路"])
def test_a_name_the_gazetteer_does_not_hold_is_no_place(name: str) -> None:
    assert zh_place(name) is None


def test_a_place_in_running_text_is_the_longest_chain() -> None:
    text = "确定浙江省宁波市、江苏省无锡市为示范城市"
    first = zh_place_at(text, 2)
    assert first is not None
    assert (first.written, first.english, first.end) == ("浙江省宁波市", "Ningbo", 8)
    assert zh_place_at(text, 1) is None


def test_every_chinese_name_has_an_english_entry_in_its_province() -> None:
    zh = lexicon.load("places")["zh"]
    english = lexicon.load("places")
    for zh_province, cities in zh["cities"].items():
        province = zh["provinces"][zh_province]
        assert province in english["provinces"] or province in english["municipalities"]
        for zh_city, city in cities.items():
            assert level_of(city) is not None, zh_city
            assert province.lower() in provinces_of(city), zh_city
    assert len(zh["provinces"]) == 34
    for city in zh["districts"]:
        assert city in zh["provinces"] or any(city in c for c in zh["cities"].values()), city
