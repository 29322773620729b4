"""Reporting periods: year, quarter, half, Jan-to-month cumulative, and end-of-month stocks."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _PeriodBase(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    year: int = Field(ge=1900, le=2200)

    @property
    def key(self) -> str:
        """A compact, sortable text key such as `2020-Q1`."""
        raise NotImplementedError

    @property
    def months(self) -> tuple[int, int]:
        """First and last month the period covers (a stock covers only its as-of month)."""
        raise NotImplementedError

    def shifted(self, years: int) -> Period:
        """The same period `years` later (negative: earlier)."""
        return self.model_copy(update={"year": self.year + years})  # type: ignore[return-value]


class YearPeriod(_PeriodBase):
    """A whole calendar year."""

    kind: Literal["year"] = "year"

    @property
    def key(self) -> str:
        return f"{self.year}"

    @property
    def months(self) -> tuple[int, int]:
        return (1, 12)


class QuarterPeriod(_PeriodBase):
    """One calendar quarter."""

    kind: Literal["quarter"] = "quarter"
    quarter: int = Field(ge=1, le=4)

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.quarter}"

    @property
    def months(self) -> tuple[int, int]:
        return (3 * self.quarter - 2, 3 * self.quarter)


class HalfPeriod(_PeriodBase):
    """One half year."""

    kind: Literal["half"] = "half"
    half: int = Field(ge=1, le=2)

    @property
    def key(self) -> str:
        return f"{self.year}-H{self.half}"

    @property
    def months(self) -> tuple[int, int]:
        return (6 * self.half - 5, 6 * self.half)


class MonthsPeriod(_PeriodBase):
    """A run of months in one year: `[1, 4]` is January to April cumulative, `[4, 4]` April."""

    kind: Literal["months"] = "months"
    months_: tuple[int, int] = Field(alias="months")

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _check(self) -> MonthsPeriod:
        first, last = self.months_
        if not (1 <= first <= 12 and 1 <= last <= 12):
            raise ValueError(f"months must lie in 1..12, got {list(self.months_)}")
        if first > last:
            raise ValueError(f"first month {first} is after last month {last}")
        return self

    @property
    def key(self) -> str:
        first, last = self.months_
        return f"{self.year}-M{first:02d}-M{last:02d}"

    @property
    def months(self) -> tuple[int, int]:
        return self.months_


class AsOfPeriod(_PeriodBase):
    """A stock level at the end of a month."""

    kind: Literal["as_of"] = "as_of"
    as_of_month: int = Field(ge=1, le=12)

    @property
    def key(self) -> str:
        return f"{self.year}-E{self.as_of_month:02d}"

    @property
    def months(self) -> tuple[int, int]:
        return (self.as_of_month, self.as_of_month)


Period = Annotated[
    YearPeriod | QuarterPeriod | HalfPeriod | MonthsPeriod | AsOfPeriod,
    Field(discriminator="kind"),
]

_KEY = re.compile(
    r"^(?P<y>\d{4})(?:-Q(?P<q>\d)|-H(?P<h>\d)|-M(?P<m1>\d\d)-M(?P<m2>\d\d)|-E(?P<e>\d\d))?$"
)


def parse_period_key(key: str) -> Period:
    """Parse a key such as `2020`, `2020-Q1`, `2020-H1`, `2020-M01-M04` or `2020-E06`."""
    m = _KEY.match(key.strip())
    if not m:
        raise ValueError(
            f"unknown period {key!r}: expected 2020, 2020-Q1, 2020-H1, 2020-M01-M04 or 2020-E06"
        )
    year = int(m["y"])
    if m["q"]:
        return QuarterPeriod(year=year, quarter=int(m["q"]))
    if m["h"]:
        return HalfPeriod(year=year, half=int(m["h"]))
    if m["m1"]:
        return MonthsPeriod.model_validate({"year": year, "months": (int(m["m1"]), int(m["m2"]))})
    if m["e"]:
        return AsOfPeriod(year=year, as_of_month=int(m["e"]))
    return YearPeriod(year=year)
