"""Rows become driver tuples with each value written as it is, repeated or not."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from factories import statistic
from projection_histories import records

from projections import tables
from projections.projector import decode_records
from projections.store.sqlite import SqliteStore

# one quarter's figure for pledge financing printed by four sources in different forms
VALUES = ["-0", "0", "113.56E+9", "113560000000.00", "0.0"]


def test_equal_values_of_a_batch_keep_their_own_text() -> None:
    events = [statistic(period="2023-Q1", value="113560000000", doc=i) for i in range(5)]
    rows = decode_records(records(events)).rows["observations"]
    for row, text in zip(rows, VALUES, strict=True):
        row["value"] = Decimal(text)
    rows[0]["published_at"] = date(2023, 4, 21)
    written = SqliteStore.values_of(tables.observations, rows)
    value = [c.name for c in tables.observations.columns].index("value")
    published = [c.name for c in tables.observations.columns].index("published_at")
    # both zeros compare equal, yet each keeps its sign; equal amounts print alike
    assert [w[value] for w in written] == ["-0", "0", "113560000000", "113560000000", "0"]
    assert [w[published] for w in written] == ["2023-04-21"] + ["2020-04-20"] * 4
