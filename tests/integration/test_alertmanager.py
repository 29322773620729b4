"""ipmon's alerts pushed to a real Alertmanager (Debian's) and read back with amtool.

Each test uses its own geography, so alerts of one test never match another's queries on
the session's Alertmanager. Waits are bounded waits for something to happen.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import infra
import pytest
from factories import statistic

from services.alerts.outbox import Outbox
from services.bootstrap import App, bootstrap
from services.settings import Settings

WAIT_S = 30.0
SERIES = "ip_pledge_financing_amount"


def wait_until(check: Callable[[], Any], timeout: float = WAIT_S) -> Any:
    """The first truthy value of `check()` within `timeout` s (else its last value)."""
    pause = threading.Event()
    for _ in range(int(timeout / 0.1)):
        found = check()
        if found:
            return found
        pause.wait(0.1)
    return check()


def pushing(tmp_path: Path, url: str, **receiver: Any) -> tuple[App, Outbox]:
    """An embedded app whose outbox pushes to one Alertmanager, as `ipmon run` starts it."""
    values = {"name": "am", "url": url, "backoff_s": 0.1, "max_backoff_s": 0.5, **receiver}
    lines = "".join(f"{k} = {v!r}\n".replace("'", '"') for k, v in values.items())
    cfg = tmp_path / "alerts.toml"
    cfg.write_text("[notify]\npoll_s = 0.1\n\n[[alertmanager]]\n" + lines, encoding="utf-8")
    app = bootstrap(Settings(data_dir=tmp_path / "d", alerts_config=cfg), exclusive=True)
    assert app.deliveries is not None
    app.start_delivery()
    return app, app.deliveries.outboxes[0]


def mismatch(geo: str) -> list[Any]:
    """2020-Q1 reported +10 % on a quarter that grew 20 %: one growth_mismatch."""
    return [
        statistic(period="2019-Q1", value="100", geography=geo, doc=1,
                  published=date(2019, 4, 20)),
        statistic(period="2020-Q1", value="120", change="+10%", geography=geo, doc=2),
    ]


def project(app: App, events: list[Any]) -> None:
    app.log.append(events)
    app.runner.catch_up()


@pytest.fixture
def geo() -> str:
    return f"T{uuid.uuid4().hex[:8]}"


def test_alerts_arrive_with_their_labels_and_annotations(
    tmp_path: Path, alertmanager: infra.Alertmanager, geo: str,
) -> None:
    app, box = pushing(tmp_path, alertmanager.url, resend_s=600)
    try:
        project(app, mismatch(geo))
        found = wait_until(lambda: alertmanager.query(f"geography={geo}"))
        assert len(found) == 1, found
        alert = found[0]
        assert alert["labels"] == {
            "alertname": "growth_mismatch", "severity": "warning", "source": "ipmon",
            "metric": SERIES, "geography": geo, "period": "2020-Q1",
        }
        assert alert["status"]["state"] == "active"
        assert "+10.00%" in alert["annotations"]["summary"]
        assert len(alert["annotations"]["evidence"].split(",")) == 2
        assert alert["generatorURL"].endswith("/alerts")
        # a firing alert ends four re-sends ahead, not at Alertmanager's resolve_timeout
        ends = datetime.fromisoformat(alert["endsAt"].replace("Z", "+00:00"))
        assert (ends - datetime.now(UTC)).total_seconds() > 1800
        # Alertmanager holds the alert as soon as it answers; the outbox counts it just after
        assert wait_until(lambda: box.store.stats().get(("am", "sent"))) == 1
        # amtool's own table shows it too, by alert name
        assert "growth_mismatch" in alertmanager.amtool("alert", "query", f"geography={geo}")
    finally:
        app.close()


def test_a_firing_alert_is_re_sent_and_stays(
    tmp_path: Path, alertmanager: infra.Alertmanager, geo: str,
) -> None:
    app, box = pushing(tmp_path, alertmanager.url, resend_s=0.5)  # each send lasts 2 s
    try:
        project(app, mismatch(geo))
        first = wait_until(lambda: alertmanager.query(f"geography={geo}"))
        assert first, "the alert never arrived"
        # well past the end of the first send: only re-sends keep it active
        assert wait_until(lambda: box.store.stats().get(("am", "resent"), 0) >= 10)
        later = alertmanager.query(f"geography={geo}")
        assert len(later) == 1 and later[0]["status"]["state"] == "active"
        assert later[0]["endsAt"] > first[0]["endsAt"]
        assert later[0]["startsAt"] == first[0]["startsAt"]  # the same alert, still going
    finally:
        app.close()


def test_an_alert_ipmon_resolves_ends_in_alertmanager(
    tmp_path: Path, alertmanager: infra.Alertmanager, geo: str,
) -> None:
    app, box = pushing(tmp_path, alertmanager.url, resend_s=600)  # no lapse in this test
    try:
        project(app, mismatch(geo))
        assert wait_until(lambda: alertmanager.query(f"geography={geo}"))
        # a later 2019-Q1 vintage makes the reported +10 % right: ipmon resolves the mismatch
        project(app, [statistic(period="2019-Q1", value="109.1", geography=geo, doc=3,
                                published=date(2020, 5, 1))])
        gone = wait_until(lambda: not alertmanager.query(
            "alertname=growth_mismatch", f"geography={geo}"))
        assert gone
        names = {a["labels"]["alertname"] for a in alertmanager.query(f"geography={geo}")}
        assert names == {"value_revised"}
        assert box.store.firing("am") == [("value_revised", f"{SERIES}|{geo}|2019-Q1")]
    finally:
        app.close()


def test_an_alertmanager_down_at_first_gets_the_alert_once_it_is_up(
    tmp_path: Path, later_alertmanager: infra.Alertmanager, geo: str,
) -> None:
    app, box = pushing(tmp_path, later_alertmanager.url, resend_s=600)
    try:
        project(app, mismatch(geo))
        assert wait_until(lambda: box.store.stats().get(("am", "failed"), 0) >= 3)
        assert box.store.dead() == []  # down is not given up
        later_alertmanager.start()
        found = wait_until(lambda: later_alertmanager.query(f"geography={geo}"))
        assert [a["labels"]["alertname"] for a in found] == ["growth_mismatch"]
        assert wait_until(lambda: box.store.stats().get(("am", "sent"), 0) == 1)
        assert box.store.oldest_pending() == {}
    finally:
        app.close()


def test_a_restarted_alertmanager_gets_the_firing_alerts_back(
    tmp_path: Path, later_alertmanager: infra.Alertmanager, geo: str,
) -> None:
    later_alertmanager.start()
    app, box = pushing(tmp_path, later_alertmanager.url, resend_s=1)
    try:
        project(app, mismatch(geo))
        assert wait_until(lambda: later_alertmanager.query(f"geography={geo}"))
        # Alertmanager keeps silences and its notification log on disk, alerts only in memory
        later_alertmanager.stop()
        resends = box.store.stats().get(("am", "resent"), 0)
        later_alertmanager.start()
        back = wait_until(lambda: box.store.stats().get(("am", "resent"), 0) > resends
                          and later_alertmanager.query(f"geography={geo}"))
        assert [a["labels"]["alertname"] for a in back] == ["growth_mismatch"]
        assert box.store.stats()[("am", "sent")] == 1  # back by a re-send, not a new one
    finally:
        app.close()
