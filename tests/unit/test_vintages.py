"""Which vintage is current: rounding, scale slips, conversions, authority and decisions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projections.slips import hold_out_implied_priors, hold_out_impossible_parts
from projections.vintages import (
    agree,
    choose,
    conversion_factor,
    rounding,
    scale_factor,
)

D = Decimal


def vintage(
    event: str, value: str | None, *, authority: int = 3, published: date = date(2023, 1, 16),
    publisher: str = "CNIPA", usd: str | None = None, period: str = "2022",
) -> dict[str, Any]:
    return {
        "event_id": event, "value": None if value is None else D(value), "unit": "CNY",
        "authority": authority, "published_at": published, "recorded_at": "2024-01-01T00:00:00Z",
        "publisher": publisher, "equivalent_value": None if usd is None else D(usd),
        "equivalent_unit": None if usd is None else "USD", "period_key": period,
    }


def test_values_agree_within_the_rounding_of_the_coarser_figure() -> None:
    # 486.9 billion and 486.88 billion are one figure printed to two precisions
    assert agree(D("486900000000"), D("486880000000"))
    assert not agree(D("486880000000"), D("491020000000"))
    # a round count is not a coarse one: 100 items and 109 items differ
    assert rounding(D("100")) == D("0.5") and not agree(D("100"), D("109"))


@pytest.mark.parametrize(
    ("value", "basis", "factor"),
    [
        ("4868800000000", "486880000000", 1),  # billion slipped by a digit
        ("33700000000", "3370000", 4),  # 万 taken for 亿: 10**4
        ("48.69", "486.9", -1),
        ("491020000000", "486880000000", None),  # a real revision
        ("486880000000", "486880000000", None),
    ],
)
def test_scale_factor_finds_powers_of_ten_only(value: str, basis: str, factor: int | None) -> None:
    assert scale_factor(D(value), D(basis)) == factor


@given(
    st.decimals(min_value=D("1"), max_value=D("1e12"), places=2, allow_nan=False),
    st.integers(min_value=1, max_value=4),
)
def test_any_value_times_a_power_of_ten_is_found(value: Decimal, k: int) -> None:
    assert scale_factor(value.scaleb(k), value) == k
    assert scale_factor(value, value.scaleb(k)) == -k


def test_a_conversion_that_implies_an_impossible_exchange_rate_is_a_slip() -> None:
    # 33.7 billion yuan is about 4.75 billion dollars; 47.5 billion would be 0.7 yuan a dollar
    assert conversion_factor(vintage("a", "33700000000", usd="4750000000")) is None
    assert conversion_factor(vintage("a", "33700000000", usd="47500000000")) == -1
    assert conversion_factor(vintage("a", "337000000000", usd="4750000000")) == 1


def test_the_most_authoritative_vintage_is_current_and_a_later_reprint_is_dissent() -> None:
    official = vintage("off", "486880000000")
    reprint = vintage("rep", "491000000000", authority=1, published=date(2023, 12, 10),
                      publisher="a newsletter")
    choice = choose([reprint, official], {})
    assert choice.current["event_id"] == "off"
    assert choice.dissent is not None and choice.dissent["event_id"] == "rep"
    assert choice.suspect is None and choice.previous is None


def test_an_agreeing_source_confirms_and_is_not_dissent() -> None:
    official = vintage("off", "486880000000")
    media = vintage("xin", "486900000000", authority=2, published=date(2023, 1, 17),
                    publisher="Xinhua")
    choice = choose([official, media], {})
    assert choice.current["event_id"] == "off"
    assert choice.confirmations == 1 and choice.dissent is None


def test_a_later_official_figure_is_a_revision() -> None:
    first = vintage("first", "486880000000")
    later = vintage("later", "491020000000", published=date(2024, 1, 18))
    choice = choose([later, first], {})
    assert choice.current["event_id"] == "later"
    assert choice.previous is not None and choice.previous["event_id"] == "first"


def test_a_ten_times_reprint_is_held_out_until_a_person_decides() -> None:
    official = vintage("off", "486880000000")
    slip = vintage("slip", "4868800000000", authority=1, published=date(2023, 12, 10),
                   publisher="a newsletter")
    held = choose([official, slip], {})
    assert held.current["event_id"] == "off"
    assert held.suspect is not None and held.suspect.row["event_id"] == "slip"
    assert held.suspect.factor == 1 and held.dissent is None
    accepted = choose([official, slip], {"slip": "accepted"})
    assert accepted.suspect is None
    assert accepted.dissent is not None and accepted.dissent["event_id"] == "slip"
    rejected = choose([official, slip], {"slip": "rejected"})
    assert rejected.suspect is None and rejected.dissent is None


def test_a_period_whose_only_value_is_suspect_has_no_value() -> None:
    slip = vintage("slip", "337000000000", usd="4750000000")
    choice = choose([slip], {})
    assert choice.held_out and choice.suspect is not None


def _row(period: str, value: str, first: int, last: int, event: str) -> dict[str, Any]:
    return {"event_id": event, "period_key": period, "year": 2023, "value": D(value),
            "unit": "CNY", "month_first": first, "month_last": last,
            "suspect_event_id": None, "suspect_factor": None, "suspect_basis_event_id": None}


def test_a_part_several_times_its_year_is_held_out_but_a_plausible_one_stays() -> None:
    year = _row("2023", "853990000000", 1, 12, "year")
    slipped = _row("2023-M01-M09", "4950000000000", 1, 9, "q3")
    close = _row("2023-H1", "900000000000", 1, 6, "h1")  # above the year, but not 2x
    out = {r["event_id"]: r for r in hold_out_impossible_parts([year, slipped, close], {})}
    assert out["q3"]["value"] is None and out["q3"]["suspect_factor"] == 1
    assert out["q3"]["suspect_basis_event_id"] == "year"
    assert out["h1"]["value"] == D("900000000000")
    kept = hold_out_impossible_parts([year, slipped], {"q3": "accepted"})
    assert kept[1]["value"] == D("4950000000000")


def test_a_prior_10x_off_what_next_years_growth_implies_is_held_out() -> None:
    prior = {**_row("2022", "4868800000000", 1, 12, "p22"), "year": 2022, "authority": 1}
    nxt = {**vintage("n23", "853990000000", period="2023"), "change_kind": "percent",
           "change_amount": D("75.4")}
    out = hold_out_implied_priors([prior], [nxt], {})
    assert out[0]["value"] is None and out[0]["suspect_factor"] == 1
    assert out[0]["suspect_basis_event_id"] == "n23"
    # a right prior stays; a less authoritative growth does not overrule an official value
    right = {**prior, "value": D("486880000000")}
    assert hold_out_implied_priors([right], [nxt], {})[0]["value"] == D("486880000000")
    official = {**prior, "authority": 3}
    weak = {**nxt, "authority": 1}
    assert hold_out_implied_priors([official], [weak], {})[0]["value"] is not None
