"""growth_unusual judges again exactly what a batch can have changed: the touched periods,
the later periods of their kind, and open alerts of the touched series."""

from __future__ import annotations

from datetime import date

from factories import statistic

from events import Event
from projections import queries
from services.processor.embedded import EmbeddedRunner

# a metric without a built-in growth threshold: the default ±30 % applies to it
METRIC = "pct_applications"
KEY_2021 = ("growth_unusual", f"{METRIC}|CN|2021")


def counted(period: str, value: str, change: str | None, doc: int, published: date) -> Event:
    return statistic(
        METRIC, period=period, value=value, change=change, doc=doc, unit="count",
        published=published,
    )


def states(runner: EmbeddedRunner) -> dict[tuple[str, str], str]:
    with runner.projector.engine.connect() as conn:
        return {(a.rule, a.key): a.state for a in queries.alerts(conn)}


def test_earlier_years_of_a_kind_change_the_verdict_on_a_later_one(
    runner: EmbeddedRunner,
) -> None:
    runner.log.append(
        [
            counted("2020", "100", "+5%", 1, date(2021, 2, 1)),
            counted("2021", "125", "+25%", 2, date(2022, 2, 1)),
        ]
    )
    runner.catch_up()
    # one earlier growth is too short a history: the fixed ±30 % decides
    assert KEY_2021 not in states(runner)
    # years long before arrive: 2021 is not among the periods they touch, but against
    # its history of steady growth +25 % is unusual
    runner.log.append(
        [
            counted("2015", "80", "+5%", 3, date(2016, 2, 1)),
            counted("2016", "84", "+5%", 4, date(2017, 2, 1)),
        ]
    )
    runner.catch_up()
    assert states(runner)[KEY_2021] == "firing"


def test_an_open_alert_raised_before_its_period_changed_clears_later(
    runner: EmbeddedRunner,
) -> None:
    runner.batch_size = 1
    runner.log.append(
        [
            counted("2021", "298", "+35%", 1, date(2022, 2, 1)),
            # a later vintage reports a usual growth; it is applied before the alert
            # the first one raised is read back from the log
            counted("2021", "298", "+5%", 2, date(2022, 6, 1)),
        ]
    )
    runner.catch_up()
    assert states(runner)[KEY_2021] == "firing"
    # a batch that touches another kind and a distant year of the same series
    runner.log.append([counted("2010-Q1", "50", "+3%", 3, date(2010, 4, 20))])
    runner.catch_up()
    assert states(runner)[KEY_2021] == "resolved"
