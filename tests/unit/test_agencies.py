"""Agency normalisation: names as written -> stable ids."""

from __future__ import annotations

import pytest

from services.ingest.extract.agencies import find_agencies, normalise_issuer
from services.ingest.extract.places import level_of, place_codes


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CNIPA", "CNIPA"),
        ("SIPO", "CNIPA"),
        ("the State Intellectual Property Office", "CNIPA"),
        ("National Intellectual Property Administration, PRC", "CNIPA"),
        ("China National Intellectual Property Administration (CNIPA)", "CNIPA"),
        ("State Administration for Market Regulation", "SAMR"),
        ("China Food and Drug Administration", "NMPA"),
        ("Ministry of Finance", "MOF"),
        ("China Banking and Insurance Regulatory Commission", "CBIRC"),
        ("National Financial Regulatory Administration", "NFRA"),
        ("People’s Bank of China", "PBOC"),
        ("Ministry of Industry and Information Technology", "MIIT"),
        ("the State Council", "STATE_COUNCIL"),
        ("Ministry of Science and Technology (MOST)", "MOST"),
    ],
)
def test_national_agencies(name: str, expected: str) -> None:
    assert normalise_issuer(name).id == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("General Office of CNIPA", "CNIPA-GO"),
        ("SIPO's General Affairs Office", "CNIPA-GO"),
        ("the General Office of the Ministry of Finance", "MOF-GO"),
        ("General Office of the State Council", "SC-GO"),
        ("General Office of the Zhejiang Provincial Government", "ZJ-GO"),
    ],
)
def test_general_offices(name: str, expected: str) -> None:
    assert normalise_issuer(name).id == expected


def test_local_bureaus_get_place_codes() -> None:
    assert normalise_issuer("Shenzhen Municipal Administration for Market Regulation").id == (
        "SZ-AMR"
    )
    assert normalise_issuer("Hangzhou Intellectual Property Office").id == "HZ-IPA"
    # An unlisted city still gets a readable id rather than UNKNOWN.
    assert normalise_issuer("Foshan Intellectual Property Administration").id == "FOSHAN-IPA"


def test_unknown_keeps_name_as_written() -> None:
    issuer = normalise_issuer("the Provincial Task Force on Innovation")
    assert issuer.id == "UNKNOWN"
    assert issuer.name == "Provincial Task Force on Innovation"


def test_find_agencies_in_text_order() -> None:
    text = (
        "The Ministry of Commerce, the General Office of the State Council and NDRC met; "
        "CNIPA's General Affairs Office took notes."
    )
    ids = [m.issuer.id for m in find_agencies(text)]
    assert ids == ["MOFCOM", "SC-GO", "NDRC", "CNIPA-GO"]


def test_place_levels_and_codes_come_from_the_one_gazetteer() -> None:
    assert (level_of("Shanghai"), place_codes()["shanghai"]) == ("municipality", "SH")
    assert (level_of("sichuan"), place_codes()["sichuan"]) == ("province", "SC")
    assert level_of("Atlantis") is None and "atlantis" not in place_codes()
    assert normalise_issuer("Xiamen Intellectual Property Office").id == "XM-IPA"
