"""Source authority, scale slips and decisions through the projector and the alert rules."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from factories import statistic
from projection_histories import retraction_of

from events import sources
from events.log.sqlite import SqliteEventLog
from projections import queries
from projections.projector import Projector
from projections.rebuild import replay
from services.alerts.rules import AlertConfig
from services.alerts.sinks import MemorySink
from services.processor.embedded import EmbeddedRunner
from services.reviews import ReviewRefused, review_event

METRIC = "ip_pledge_financing_amount"
OFFICIAL = {"publisher": "CNIPA"}
REPRINT = {"publisher": "a regional newsletter"}




def feed(runner: EmbeddedRunner, *events: object) -> None:
    runner.log.append(list(events))  # type: ignore[arg-type]
    runner.catch_up()


def current(runner: EmbeddedRunner, period: str) -> queries.CurrentValue:
    with runner.projector.engine.connect() as conn:
        return next(c for c in queries.current(conn) if c.period_key == period)


def firing(runner: EmbeddedRunner) -> dict[str, queries.Alert]:
    with runner.projector.engine.connect() as conn:
        return {a.rule: a for a in queries.alerts(conn) if a.state != "resolved"}


def slipped_history() -> list[object]:
    return [
        statistic(period="2021", value="309800000000", doc=1, published=date(2022, 1, 20),
                  **OFFICIAL),
        statistic(period="2022", value="486880000000", change="+57.1%", doc=2,
                  published=date(2023, 1, 16), **OFFICIAL),
        statistic(period="2023", value="853990000000", change="+75.4%", doc=3,
                  published=date(2024, 1, 18), **OFFICIAL),
        # a later reprint states 2022 ten times too large
        statistic(period="2022", value="4868800000000", doc=4, published=date(2024, 2, 1),
                  **REPRINT),
    ]


def test_a_ten_times_reprint_raises_one_alert_and_nothing_it_would_have_caused(
    runner: EmbeddedRunner,
) -> None:
    feed(runner, *slipped_history())
    row = current(runner, "2022")
    assert row.value == 486880000000 and row.suspect_factor == 1
    alerts = firing(runner)
    assert "suspected_scale_error" in alerts
    assert alerts["suspected_scale_error"].key.startswith("document:")
    for caused in ("value_revised", "growth_mismatch", "source_disagreement"):
        assert caused not in alerts, alerts[caused].message


def test_a_rejection_resolves_the_alert_and_survives_a_rebuild(
    runner: EmbeddedRunner, tmp_path: Path
) -> None:
    feed(runner, *slipped_history())
    suspect = current(runner, "2022").suspect_event_id
    assert suspect is not None
    with runner.projector.engine.connect() as conn:
        decision = review_event(conn, suspect, "rejected", "analyst", "ten times",
                                datetime.now(UTC))
    feed(runner, decision)
    assert current(runner, "2022").suspect_event_id is None
    with runner.projector.engine.connect() as conn:
        states = {a.rule: a.state for a in queries.alerts(conn)}
    assert states["suspected_scale_error"] == "resolved"
    rebuilt = sa.create_engine(f"sqlite:///{tmp_path / 'rebuilt.sqlite'}")
    replay(rebuilt, [runner.log.read(None, None, 10**6)])
    with rebuilt.connect() as conn:
        again = next(c for c in queries.current(conn) if c.period_key == "2022")
    assert again.suspect_event_id is None and again.value == 486880000000
    rebuilt.dispose()


def test_an_accepted_reprint_becomes_a_disagreeing_source(runner: EmbeddedRunner) -> None:
    feed(runner, *slipped_history())
    suspect = current(runner, "2022").suspect_event_id
    with runner.projector.engine.connect() as conn:
        feed(runner, review_event(conn, str(suspect), "accepted", "analyst", None,
                                  datetime.now(UTC)))
    row = current(runner, "2022")
    assert row.value == 486880000000 and row.dissent_event_id == suspect
    assert "source_disagreement" in firing(runner)


def test_a_less_authoritative_later_value_never_becomes_current(runner: EmbeddedRunner) -> None:
    feed(
        runner,
        statistic(period="2022", value="486880000000", doc=1, published=date(2023, 1, 16),
                  url="https://www.cnipa.gov.cn/art/2023/1/16/a.html"),
        statistic(period="2022", value="486900000000", doc=2, published=date(2023, 1, 17),
                  url="https://www.news.cn/2023-01/17/c.htm"),
    )
    row = current(runner, "2022")
    assert row.value == 486880000000 and row.authority == 3
    assert row.confirmations == 1 and row.dissent_event_id is None
    assert "value_revised" not in firing(runner)  # 486.9 bn is the same figure, rounded


def test_a_decision_on_something_that_is_no_statistic_is_refused(runner: EmbeddedRunner) -> None:
    feed(runner, *slipped_history())
    with runner.projector.engine.connect() as conn, pytest.raises(ReviewRefused):
        review_event(conn, "0" * 8 + "-0000-0000-0000-" + "0" * 12, "accepted", "a", None,
                     datetime.now(UTC))


def test_the_catalogue_matches_hosts_subdomains_names_and_government_suffixes() -> None:
    catalogue = sources.default()
    assert catalogue.match(None, "https://english.cnipa.gov.cn/x").source == "cnipa"
    assert catalogue.match("Xinhua News Agency", None).level == "state_media"
    assert catalogue.match(None, "https://www.zj.gov.cn/a").level == "official"
    assert catalogue.match("a newsletter", "https://example.com/").level == "unknown"


def test_an_operator_file_overrides_the_catalogue_and_bad_files_name_themselves(
    tmp_path: Path,
) -> None:
    mine = tmp_path / "sources.toml"
    mine.write_text('[[source]]\nid = "bulletin"\nauthority = "state_media"\n'
                    'names = ["IP Finance Bulletin"]\n', encoding="utf-8")
    catalogue = sources.load(mine, sources.default())
    assert catalogue.authority("IP finance bulletin", None) == 2
    assert catalogue.authority("CNIPA", None) == 3  # the shipped entries stay
    mine.write_text('[[source]]\nid = "x"\nauthority = "gold"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=str(mine)):
        sources.load(mine, sources.default())


def test_one_programme_written_two_ways_is_one_pilot(runner: EmbeddedRunner) -> None:
    from factories import doc_id

    from events import CityPilotDesignated, Source, make_event, programmes

    written = ("main cities to build IP operation service systems",
               "IP operation service system key cities")
    feed(runner, *(
        make_event(
            CityPilotDesignated(program=text, program_id=programmes.resolve(text), city="Ningbo"),
            published_at=date(2019 + i, 8, 14), source=Source(document_id=doc_id(10 + i)),
        )
        for i, text in enumerate(written)
    ))
    with runner.projector.engine.connect() as conn:
        pilots = queries.pilots(conn)
    assert [(p.city, len(p.event_ids)) for p in pilots] == [("Ningbo", 2)]
    assert pilots[0].program == programmes.catalogue()["ip_operation_service_key_cities"].name


def test_deciding_again_later_is_a_new_decision_in_both_paths(
    runner: EmbeddedRunner, tmp_path: Path
) -> None:
    feed(runner, *slipped_history())
    suspect = str(current(runner, "2022").suspect_event_id)
    decisions = []
    with runner.projector.engine.connect() as conn:
        for hour, decision in enumerate(("accepted", "rejected", "accepted")):
            at = datetime(2024, 3, 1, 9 + hour, tzinfo=UTC)
            decisions.append(review_event(conn, suspect, decision, "dashboard", None, at))  # type: ignore[arg-type]
    assert len({d.event_id for d in decisions}) == 3
    for d in decisions:
        feed(runner, d)
    assert current(runner, "2022").dissent_event_id == suspect  # accepted, last of three
    rebuilt = sa.create_engine(f"sqlite:///{tmp_path / 'again.sqlite'}")
    replay(rebuilt, [runner.log.read(None, None, 10**6)])
    with rebuilt.connect() as conn:
        again = next(c for c in queries.current(conn) if c.period_key == "2022")
    assert again.dissent_event_id == suspect
    rebuilt.dispose()


def test_next_years_growth_clears_the_year_to_date_alert_of_the_year_before(
    runner: EmbeddedRunner,
) -> None:
    feed(
        runner,
        statistic(period="2020", value="100", doc=1, published=date(2021, 1, 20), **OFFICIAL),
        statistic(period="2020-Q1", value="30", doc=2, published=date(2020, 4, 20), **OFFICIAL),
        # ten times too large, yet under twice the year: only next year's growth tells
        statistic(period="2020-Q2", value="150", doc=3, published=date(2020, 7, 20), **REPRINT),
    )
    assert "ytd_exceeds_official" in firing(runner)
    feed(runner, statistic(period="2021-Q2", value="16.5", change="+10%", doc=4,
                           published=date(2021, 7, 20), **OFFICIAL))
    alerts = firing(runner)
    assert current(runner, "2020-Q2").value is None
    assert "ytd_exceeds_official" not in alerts and "suspected_scale_error" in alerts
    assert "value_revised" not in alerts  # a value held out is no revision "to None"


@pytest.mark.parametrize("batch_size", [1, 2, 3])
def test_the_alerts_firing_at_the_end_do_not_depend_on_batching(
    tmp_path: Path, batch_size: int
) -> None:
    history = [
        *slipped_history(),
        statistic(period="2020", value="218000000000", change="+43.9%", doc=8,
                  published=date(2021, 1, 28), **OFFICIAL),
        statistic(period="2021", value="319800000000", doc=9, published=date(2022, 1, 24),
                  publisher="Xinhua"),
        statistic(period="2022", value="491020000000", doc=10, published=date(2024, 3, 1),
                  **OFFICIAL),
    ]
    ends = []
    for size in (10_000, batch_size):
        log = SqliteEventLog(tmp_path / f"e{size}.sqlite")
        engine = sa.create_engine(f"sqlite:///{tmp_path / f'p{size}.sqlite'}")
        projector = Projector(engine)
        projector.create()
        run = EmbeddedRunner(log, projector, AlertConfig(), [MemorySink()], batch_size=size)
        for event in history:
            log.append([event])  # type: ignore[list-item]
        run.catch_up()
        run.catch_up()
        with engine.connect() as conn:
            ends.append(sorted((a.rule, a.key) for a in queries.alerts(conn)
                               if a.state != "resolved"))
        log.close()
        engine.dispose()
    assert ends[0] == ends[1]
    assert {rule for rule, _ in ends[0]} >= {"value_revised", "source_disagreement"}


def test_a_scale_alert_read_back_after_its_slip_was_retracted_resolves(
    runner: EmbeddedRunner,
) -> None:
    history = slipped_history()
    others = [statistic("pct_applications", str(y), "70000", unit="count", doc=10 + y)
              for y in (2019, 2020, 2021)]
    # the first batch ends on the reprint; the second, its retraction and other series, is
    # applied before the alert the reprint raised is read back from the log
    runner.batch_size = len(history)
    feed(runner, *history, retraction_of(history[-1]), *others)
    with runner.projector.engine.connect() as conn:
        states = {a.rule: a.state for a in queries.alerts(conn)}
    assert states["suspected_scale_error"] == "resolved"
