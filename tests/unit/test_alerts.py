"""Alert rules fire on the conditions they name, once per condition, and resolve when cleared."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa
from factories import notice, pilot, statistic

from events.log.sqlite import SqliteEventLog
from projections import queries
from projections.projector import Projector
from services.alerts.rules import AlertConfig
from services.alerts.sinks import MemorySink
from services.processor.embedded import EmbeddedRunner

# a metric without a built-in growth threshold: the default ±30 % applies to it
UNUSUAL = "pct_applications"


def firing(runner: EmbeddedRunner) -> dict[tuple[str, str], queries.Alert]:
    with runner.projector.engine.connect() as conn:
        return {(a.rule, a.key): a for a in queries.alerts(conn) if a.state != "resolved"}


def alert_events(runner: EmbeddedRunner) -> int:
    return len(runner.log.read("alerts", limit=100_000))


def test_growth_mismatch_fires_beyond_tolerance_and_resolves_after_revision(
    runner: EmbeddedRunner,
) -> None:
    runner.log.append(
        [
            statistic(period="2019-Q1", value="100", doc=1, published=date(2019, 4, 20)),
            statistic(period="2020-Q1", value="120", change="+10%", doc=2),
        ]
    )
    runner.catch_up()
    alerts = firing(runner)
    key = ("growth_mismatch", "ip_pledge_financing_amount|CN|2020-Q1")
    assert key in alerts
    assert "+10.00%" in alerts[key].message and "+20.00%" in alerts[key].message
    # people read the catalogue's name of the metric; the id stays in the key
    assert alerts[key].message.startswith("IP pledge financing CN 2020-Q1:")
    assert len(alerts[key].evidence) == 2
    # a later vintage of 2019-Q1 makes the reported growth right: the alert resolves
    runner.log.append(
        [statistic(period="2019-Q1", value="109.1", doc=3, published=date(2020, 5, 1))]
    )
    runner.catch_up()
    assert key not in firing(runner)
    with runner.projector.engine.connect() as conn:
        states = {(a.rule, a.key): a.state for a in queries.alerts(conn)}
    assert states[key] == "resolved"
    assert ("value_revised", "ip_pledge_financing_amount|CN|2019-Q1") in firing(runner)


def test_difference_within_tolerance_does_not_fire(runner: EmbeddedRunner) -> None:
    runner.log.append(
        [
            statistic(period="2019", value="1000", doc=1, published=date(2020, 1, 20)),
            statistic(
                period="2020", value="1104", change="+10%", doc=2, published=date(2021, 1, 20)
            ),
        ]
    )
    runner.catch_up()
    assert not any(rule == "growth_mismatch" for rule, _ in firing(runner))  # 10.4 vs 10: 0.4 pp


def test_tolerance_and_threshold_are_configurable(tmp_path: Path) -> None:
    log = SqliteEventLog(tmp_path / "e.sqlite")
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'p.sqlite'}")
    projector = Projector(engine)
    projector.create()
    strict = EmbeddedRunner(log, projector, AlertConfig.with_thresholds(0.1, 5.0))
    log.append(
        [
            statistic(
                UNUSUAL,
                period="2019",
                value="1000",
                doc=1,
                unit="count",
                published=date(2020, 1, 20),
            ),
            statistic(
                UNUSUAL,
                period="2020",
                value="1104",
                change="+10%",
                doc=2,
                unit="count",
                published=date(2021, 1, 20),
            ),
        ]
    )
    strict.catch_up()
    rules = {rule for rule, _ in firing(strict)}
    assert {"growth_mismatch", "growth_unusual"} <= rules
    log.close()
    engine.dispose()


def test_unusual_growth_fires_above_30_percent(runner: EmbeddedRunner) -> None:
    runner.log.append(
        [
            statistic(UNUSUAL, period="2021", value="500", change="+43.9%", doc=1, unit="count"),
            statistic(UNUSUAL, period="2022", value="510", change="+2%", doc=2, unit="count"),
        ]
    )
    runner.catch_up()
    rules = {(r, k) for r, k in firing(runner)}
    assert ("growth_unusual", "pct_applications|CN|2021") in rules
    assert ("growth_unusual", "pct_applications|CN|2022") not in rules


def test_same_condition_twice_is_one_alert(runner: EmbeddedRunner) -> None:
    events = [statistic(UNUSUAL, period="2021", value="500", change="+43.9%", doc=1, unit="count")]
    runner.log.append(events)
    runner.catch_up()
    count = alert_events(runner)
    assert count == 1
    # the same document again, and a fresh projection pass over it
    runner.log.append(events)
    runner.catch_up()
    assert alert_events(runner) == count
    sink = runner.sinks[0]
    assert isinstance(sink, MemorySink)
    assert sum(len(g) for g in sink.groups) == 1


def test_revision_notice_pilot_and_ytd_rules(runner: EmbeddedRunner) -> None:
    runner.log.append(
        [
            statistic(
                UNUSUAL, period="2022", value="486880000000", doc=1, published=date(2023, 1, 16)
            ),
            # a genuine revision (a 10x slip would be held out as a suspected scale error)
            statistic(
                UNUSUAL, period="2022", value="491020000000", doc=2, published=date(2023, 12, 10)
            ),
            statistic(
                UNUSUAL, period="2023-M01-M09", value="900", doc=3, published=date(2023, 10, 1)
            ),
            statistic(UNUSUAL, period="2023", value="800", doc=4, published=date(2024, 1, 18)),
            notice("Measures on Pledge Financing", doc=5),
            pilot("Ningbo", "selected", doc=6, published=date(2018, 1, 1)),
            pilot("Ningbo", "graduated", doc=7, published=date(2021, 1, 1), changed=True),
        ]
    )
    runner.catch_up()
    alerts = firing(runner)
    revised = alerts[("value_revised", "pct_applications|CN|2022")]
    assert "486880000000" in revised.message and "491020000000" in revised.message
    assert ("ytd_exceeds_official", "pct_applications|CN|2023") in alerts
    assert ("notice_issued", "measures on pledge financing") in alerts
    changed = alerts[("pilot_status_changed", "IP operation service system|Ningbo")]
    assert "selected -> graduated" in changed.message


def test_alerts_missed_by_a_crash_are_recovered_at_start(runner: EmbeddedRunner) -> None:
    runner.log.append(
        [statistic(UNUSUAL, period="2021", value="500", change="+43.9%", doc=1, unit="count")]
    )
    # projected, but the process died before evaluating the rules
    records = runner.log.read(None, runner.projector.cursor())
    runner.projector.apply(records)
    assert alert_events(runner) == 0
    assert runner.reconcile_alerts() == 1
    runner.catch_up()
    assert ("growth_unusual", "pct_applications|CN|2021") in firing(runner)
    assert runner.reconcile_alerts() == 0


def test_unreadable_records_are_dead_lettered_and_processing_goes_on(
    runner: EmbeddedRunner,
) -> None:
    assert isinstance(runner.log, SqliteEventLog)
    runner.log.append_encoded(
        [
            ("bad-1", "statistics", "StatisticPublished", "statistic:x:CN", b"{not json"),
            (
                "bad-2",
                "statistics",
                "StatisticPublished",
                "statistic:x:CN",
                b'{"event_type": "StatisticPublished", "schema_version": 2, "payload": {}}',
            ),
        ]
    )
    runner.log.append([statistic(period="2021", value="500", change="+43.9%", doc=1)])
    changes = runner.catch_up()
    assert len(changes.rejected) == 2
    dead = [r.event() for r in runner.log.read("deadletter")]
    assert [d.event_type for d in dead] == ["EventRejected", "EventRejected"]
    raws = {d.payload.raw for d in dead}  # type: ignore[attr-defined]
    assert "{not json" in raws
    errors = " ".join(d.payload.error for d in dead)  # type: ignore[attr-defined]
    # both runners name the problem the way the event validation does
    assert "not JSON" in errors and "metric: Field required" in errors
    with runner.projector.engine.connect() as conn:
        assert {v.period_key for v in queries.current(conn)} == {"2021"}
        assert queries.counts(conn)["deadletters"] == 2
    # the bad records are behind the cursor: a second pass neither retries nor re-rejects them
    assert runner.catch_up().rejected == []
