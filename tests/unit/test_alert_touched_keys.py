"""Alert rules judge again exactly what a batch can have changed: for growth_unusual the
touched periods, the later periods of their kind and open alerts of the touched series;
for every rule the keys of the alerts the batch read back from the log."""

from __future__ import annotations

from datetime import date

from factories import notice, statistic
from projection_histories import retraction_of

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


def test_an_alert_raised_before_its_period_changed_is_judged_when_it_is_read_back(
    runner: EmbeddedRunner,
) -> None:
    runner.batch_size = 1
    runner.log.append(
        [
            counted("2020", "220", None, 1, date(2021, 2, 1)),
            counted("2021", "298", "+35%", 2, date(2022, 2, 1)),
            # a later vintage reports a usual growth; it is applied before the alert the
            # first one raised is read back from the log, so that batch saw no alert open
            counted("2021", "231", "+5%", 3, date(2022, 6, 1)),
        ]
    )
    runner.catch_up()
    assert states(runner)[KEY_2021] == "resolved"


def test_a_notice_alert_clears_when_its_notice_is_retracted(runner: EmbeddedRunner) -> None:
    runner.batch_size = 1
    issued = notice("Measures on Patent Pledges", doc=7)
    # the retraction is applied before the alert the notice raised is read back
    runner.log.append([issued, retraction_of(issued)])
    runner.catch_up()
    assert states(runner) == {("notice_issued", "measures on patent pledges"): "resolved"}


def test_a_condition_told_again_after_another_is_a_new_event(runner: EmbeddedRunner) -> None:
    runner.batch_size = 1
    later = notice("Measures on Patent Pledges", doc=8, published=date(2020, 3, 2))
    earlier = notice("Measures on Patent Pledges", doc=7, published=date(2020, 3, 1))
    # the alert cites the later notice, then the earlier one, then the later one again: the
    # third telling is the first one's words, yet it must not pass for a repeat of it
    runner.log.append([later, earlier, retraction_of(earlier)])
    runner.catch_up()
    with runner.projector.engine.connect() as conn:
        (alert,) = queries.alerts(conn)
    assert alert.state == "firing" and alert.evidence == [str(later.event_id)]
