"""Amounts: exact decimals within fixed bounds, carried as plain strings."""

from __future__ import annotations

from decimal import Context, Decimal
from typing import Annotated

from pydantic import AfterValidator, PlainSerializer, WithJsonSchema


def plain_decimal(value: Decimal) -> str:
    """A decimal in plain notation without exponent or trailing zeros: `33700000000`."""
    return format(value.normalize(), "f")


# Bounds of every amount: 18 digits before the point and 10 after fit the 28 significant
# digits of Python's default decimal context (so sums and growth rates stay exact), a
# PostgreSQL NUMERIC, and any consumer's decimal type; published figures need far less.
MAX_INTEGER_DIGITS = 18
MAX_FRACTION_DIGITS = 10
AMOUNT_PATTERN = rf"^-?[0-9]{{1,{MAX_INTEGER_DIGITS}}}(\.[0-9]{{1,{MAX_FRACTION_DIGITS}}})?$"


_INTEGER_BOUND = Decimal(10) ** MAX_INTEGER_DIGITS
_FRACTION_UNIT = Decimal(1).scaleb(-MAX_FRACTION_DIGITS)
# room for every amount below the bound at ten places, whatever the caller's context
_EXACT = Context(prec=MAX_INTEGER_DIGITS + MAX_FRACTION_DIGITS + 2)


def bounded_amount(value: Decimal) -> Decimal:
    """The value itself if it is finite and within the amount bounds; else ValueError."""
    # every event's amounts pass through here, on every replay: the usual amount is
    # settled by three decimal operations (below 10**18, unchanged when rounded to ten
    # places); any other goes through the full checks, which name the bound it breaks
    if (
        value.is_finite()
        and value.copy_abs() < _INTEGER_BOUND
        and value.quantize(_FRACTION_UNIT, context=_EXACT) == value
    ):
        return value
    return checked_amount(value)


def checked_amount(value: Decimal) -> Decimal:
    """`bounded_amount` by the digits of the value, naming the bound it breaks."""
    if not value.is_finite():
        raise ValueError(f"{value} is not a finite number")
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # pragma: no cover - finite decimals have int exponents
        raise ValueError(f"{value} is not a finite number")
    if any(digits) and value.adjusted() >= MAX_INTEGER_DIGITS:
        raise ValueError(
            f"{value} has more than {MAX_INTEGER_DIGITS} digits before the decimal point"
        )
    if exponent >= -MAX_FRACTION_DIGITS:
        return value  # trailing zeros only raise the exponent: within the fraction bound
    significant = "".join(map(str, digits)).rstrip("0")
    if significant and exponent + (len(digits) - len(significant)) < -MAX_FRACTION_DIGITS:
        raise ValueError(f"{value} has more than {MAX_FRACTION_DIGITS} digits after the point")
    return value


# Decimals travel as plain strings ("33700000000", "15.5") so no consumer loses precision.
Amount = Annotated[
    Decimal,
    AfterValidator(bounded_amount),
    PlainSerializer(plain_decimal, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": AMOUNT_PATTERN,
            "description": f"a decimal in plain notation, at most {MAX_INTEGER_DIGITS} digits "
            f"before the point and {MAX_FRACTION_DIGITS} after",
        },
        mode="serialization",
    ),
]
