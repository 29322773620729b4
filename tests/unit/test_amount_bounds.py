"""Amount bounds: at most ten digits after the point, trailing zeros not counted."""

from __future__ import annotations

from decimal import Decimal

import pytest

from events.types import bounded_amount


@pytest.mark.parametrize("text", ["5", "309800000000", "1.1234567890", "1.12345678900",
                                  "100E-12", "0E-20", "15.5"])  # fmt: skip
def test_amounts_within_the_bounds_pass_unchanged(text: str) -> None:
    assert bounded_amount(Decimal(text)) == Decimal(text)


@pytest.mark.parametrize("text", ["1.12345678901", "1E-11", "1E+18"])
def test_amounts_past_the_bounds_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        bounded_amount(Decimal(text))
