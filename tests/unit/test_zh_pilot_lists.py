"""Chinese place lists and counts of designations."""

from __future__ import annotations

import pytest

from services.ingest.extract.zh.pilots_lists import count_after, counts, number, place_list


def test_a_unit_below_a_known_city_that_the_gazetteer_lacks_is_a_district() -> None:
    text = "江苏省苏州市吴中区和浙江省嘉兴市两地"
    places = place_list(text, 0, len(text))
    assert [(p.name, p.level) for p in places] == [
        ("江苏省苏州市吴中区", "district"),
        ("浙江省嘉兴市", "city"),
    ]


def test_a_municipality_and_a_province_keep_their_levels() -> None:
    text = "北京市、浙江省及深圳市"
    places = place_list(text, 0, len(text))
    assert [(p.name, p.level) for p in places] == [
        ("北京市", "municipality"),
        ("浙江省", "province"),
        ("深圳市", "city"),
    ]


@pytest.mark.parametrize(
    ("written", "value"), [("18", 18), ("十八", 18), ("二十", 20), ("两", 2), ("十", 10)]
)
def test_counts_in_digits_or_chinese_numerals(written: str, value: int) -> None:
    assert number(written) == value


def test_batch_words_and_the_size_of_a_batch() -> None:
    assert counts("第三批国家知识产权示范城市") == ("国家知识产权示范城市", 3, None)
    assert counts("国家知识产权十大强市创建市") == ("国家知识产权强市创建市", None, 10)
    assert counts("首批知识产权运营服务体系建设重点城市")[1] == 1
    text = "厦门等十五个城市入选"
    assert count_after(text, 2) == (15, 8)  # "等十五个城市" ends before 入选
