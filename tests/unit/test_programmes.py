"""The programme catalogue: one id for one programme however the text words it."""

from __future__ import annotations

import pytest

from events import programmes

OPS = "ip_operation_service_key_cities"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("main cities to build IP operation service systems", OPS),
        ("IP operation service system key cities", OPS),
        ("Priority City for Building the IPR Operation Service System", OPS),
        ("national intellectual property model city", "ip_model_city"),
        ("National IPR Work Demonstration City", "ip_model_city"),
        ("national IPR pilot city", "ip_pilot_city"),
        ("Pilot Reform City for IPR Overall Management", "ip_comprehensive_management_reform"),
        ("national IP protection center", "ip_protection_center"),
        ("national-level IP fast handling center", "ip_fast_handling_center"),
        ("patent pledge financing pilot", "ip_pledge_financing_pilot"),
        ("pilot city for new energy vehicles", None),
    ],
)  # fmt: skip
def test_a_programme_text_resolves_to_its_catalogue_id(text: str, expected: str | None) -> None:
    assert programmes.resolve(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("知识产权运营服务体系建设重点城市", OPS),
        ("国家知识产权示范城市", "ip_model_city"),
        ("国家知识产权试点城市", "ip_pilot_city"),
        ("国家知识产权强市建设试点城市", "ip_strong_city"),
        ("国家知识产权保护示范区建设城市（地区）", "ip_protection_demonstration_zone"),
        ("国家知识产权示范园区", "ip_demonstration_park"),
        ("专利保险试点", "patent_insurance_pilot"),
        ("知识产权强省建设试点省", "ip_strong_province"),
        ("新能源汽车推广应用试点", None),
    ],
)  # fmt: skip
def test_a_chinese_programme_text_resolves_to_the_same_id(text: str, expected: str | None) -> None:
    assert programmes.resolve(text) == expected


def test_every_programme_has_a_name_and_aliases() -> None:
    cat = programmes.catalogue()
    assert len(cat) >= 10
    for p in cat.values():
        assert p.name and p.aliases and p.aliases_zh and p.role in ("pilot", "demonstration")


def test_a_bad_entry_names_the_programme() -> None:
    with pytest.raises(ValueError, match="ip_x: unknown role 'leader'"):
        programmes.parse({"programmes": {"ip_x": {"role": "leader", "aliases": ["x"]}}})
    with pytest.raises(ValueError, match="ip_y: aliases must be a list"):
        programmes.parse({"programmes": {"ip_y": {"aliases": "y"}}})
