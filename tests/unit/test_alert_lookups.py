"""Open alerts of touched periods: the same found by their keys or by reading the rule's."""

from __future__ import annotations

from datetime import date

from factories import statistic

from projections.queries import lookup
from services.alerts.evaluate import PERIOD_RULES
from services.processor.embedded import EmbeddedRunner

YEARS = range(2015, 2020)


def test_open_alerts_of_few_and_of_many_periods(runner: EmbeddedRunner) -> None:
    # every year of the series revised by a later vintage: one value_revised alert each
    runner.log.append(
        [statistic("pct_applications", str(y), str(v), unit="count", doc=f"d{y}{v}",
                   published=date(y + 1, 3 if v < 200 else 9, 1))
         for y in YEARS for v in (100 + y % 7, 200 + y % 7)]
    )
    runner.catch_up()
    one = ("pct_applications", "CN", "2017")
    others = [("pct_applications", "CN", f"{y}-Q{q}") for y in YEARS for q in (1, 2, 3, 4)]
    with runner.projector.engine.connect() as conn:
        # fewer keys than the rules' alerts: each key is looked up
        few = lookup.open_alerts_of_periods(conn, PERIOD_RULES, [one])
        # more keys than the rules' alerts: those are read and the keys picked out
        many = lookup.open_alerts_of_periods(conn, PERIOD_RULES, [one, *others])
    assert [(a.rule, a.key) for a in few] == [("value_revised", "pct_applications|CN|2017")]
    assert many == few
