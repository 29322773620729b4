"""Amount bounds: at most ten digits after the point, trailing zeros not counted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from events.types import bounded_amount, checked_amount


@pytest.mark.parametrize("text", ["5", "309800000000", "1.1234567890", "1.12345678900",
                                  "100E-12", "0E-20", "15.5"])  # fmt: skip
def test_amounts_within_the_bounds_pass_unchanged(text: str) -> None:
    assert bounded_amount(Decimal(text)) == Decimal(text)


@pytest.mark.parametrize("text", ["1.12345678901", "1E-11", "1E+18"])
def test_amounts_past_the_bounds_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        bounded_amount(Decimal(text))


def _verdict(check: object, value: Decimal) -> bool:
    try:
        check(value)  # type: ignore[operator]
    except ValueError:
        return False
    return True


@given(
    st.one_of(
        st.decimals(allow_nan=True, allow_infinity=True),
        st.builds(lambda digits, exponent, sign: Decimal(f"{sign}{digits}E{exponent}"),
                  st.integers(0, 10**30), st.integers(-40, 30), st.sampled_from(["", "-"])),
    )
)
def test_the_quick_check_settles_an_amount_as_the_digit_by_digit_one_does(value: Decimal) -> None:
    assert _verdict(bounded_amount, value) == _verdict(checked_amount, value)
