"""The outbox with an Alertmanager channel: the v2 body, end times, re-sends, refusals.

The client posts through an in-process transport and the clock is set by the test, so end
times are checked exactly; tests/integration/test_alertmanager.py uses a real Alertmanager.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from api_support import NOW
from factories import statistic

from services.alerts.alertmanager import AlertmanagerChannel
from services.alerts.config import AlertmanagerConfig, NotifyConfig
from services.alerts.delivery import DeliveryStore
from services.alerts.outbox import Outbox
from services.bootstrap import App, bootstrap, delivery_engine
from services.settings import Settings


class Alertmanager:
    """Answers POSTs to /api/v2/alerts with scripted codes (then 200), keeping the bodies."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.answers: list[int] = []
        self.bodies: list[list[dict[str, Any]]] = []
        self.paths: list[str] = []
        self.clock = clock
        self.taken_at: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        status = self.answers.pop(0) if self.answers else 200
        if status == 200:
            self.bodies.append(orjson.loads(request.content))
            self.taken_at.append(self.clock.now if self.clock else 0.0)
        return httpx.Response(status)


class Clock:
    def __init__(self) -> None:
        self.now = NOW.timestamp()

    def __call__(self) -> float:
        return self.now


def at(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    application = bootstrap(Settings(data_dir=tmp_path / "d"), sinks=[])
    yield application
    application.close()


def outbox(app: App, am: Alertmanager, clock: Clock, **config: Any) -> Outbox:
    cfg = AlertmanagerConfig(name="am", url="http://127.0.0.1:9", resend_s=60, **config)
    store = DeliveryStore(delivery_engine(app.settings.resolved_database_url()))
    store.create()
    channel = AlertmanagerChannel(cfg, app.engine, clock=clock)
    box = Outbox(cfg, NotifyConfig(), app.log, store, app.engine, exclusive=True,
                 clock=clock, channel=channel)
    box.client = httpx.Client(transport=httpx.MockTransport(am))
    box.register({})
    return box


def drain(box: Outbox) -> None:
    stop = threading.Event()
    while box.step(stop):
        pass


def project(app: App, events: list[Any], when: datetime) -> None:
    app.runner.clock = lambda: when
    app.log.append(events)
    app.runner.catch_up()


MISMATCH = [
    statistic(period="2019-Q1", value="100", doc=1, published=date(2019, 4, 20)),
    statistic(period="2020-Q1", value="120", change="+10%", doc=2),
]


def test_a_firing_alert_ends_four_re_sends_after_each_send(app: App) -> None:
    am, clock = Alertmanager(), Clock()
    box = outbox(app, am, clock)
    project(app, MISMATCH, NOW)
    drain(box)
    assert am.paths == ["/api/v2/alerts"]
    (alert,) = am.bodies[0]
    assert alert["labels"]["alertname"] == "growth_mismatch"
    assert alert["startsAt"] == at(NOW.timestamp())
    assert alert["endsAt"] == at(clock.now + 240)
    assert box.resend_due() is True  # a process re-asserts at its start what was told
    assert box.resend() == 1
    clock.now += 59
    assert box.resend_due() is False
    clock.now += 1
    assert box.resend_due() is True
    assert box.resend() == 1
    assert am.bodies[2][0]["endsAt"] == at(clock.now + 240)
    assert am.bodies[2][0]["startsAt"] == alert["startsAt"]
    assert box.store.stats()[("am", "resent")] == 2


def test_a_retried_notification_ends_from_the_moment_it_is_sent(app: App) -> None:
    clock = Clock()
    am = Alertmanager(clock)
    box = outbox(app, am, clock, backoff_s=0)
    project(app, MISMATCH, NOW)
    am.answers = [503, 503]
    real = box.clock

    def later() -> float:  # each failed attempt is noticed ten minutes on
        clock.now += 600
        return real()

    box.clock = later
    drain(box)
    assert len(am.bodies) == 1 and am.taken_at[0] >= NOW.timestamp() + 1200
    # planned before the outage, sent 20 min later: it must not arrive already over
    assert am.bodies[0][0]["endsAt"] == at(am.taken_at[0] + 240)
    assert box.store.stats()[("am", "failed")] == 2


def test_the_same_alerts_planned_twice_are_the_same_notification(app: App) -> None:
    clock = Clock()
    box = outbox(app, Alertmanager(), clock)
    project(app, MISMATCH, NOW)
    rows = box._plan(app.log.read("alerts", None, 100))
    clock.now += 3600
    again = box._plan(app.log.read("alerts", None, 100))
    assert [n.key for n in rows] == [n.key for n in again]
    assert rows[0].payload == again[0].payload


def test_a_resolution_ends_when_ipmon_resolved_it(app: App) -> None:
    am, clock = Alertmanager(), Clock()
    box = outbox(app, am, clock)
    project(app, MISMATCH, NOW)
    drain(box)
    resolved_at = NOW + timedelta(hours=3)
    project(app, [statistic(period="2019-Q1", value="109.1", doc=3,
                            published=date(2020, 5, 1))], resolved_at)
    clock.now = resolved_at.timestamp() + 5
    drain(box)
    ended = {a["labels"]["alertname"]: a for a in am.bodies[1]}
    assert ended["growth_mismatch"]["endsAt"] == at(resolved_at.timestamp())
    assert ended["growth_mismatch"]["startsAt"] == at(NOW.timestamp())
    assert ended["value_revised"]["endsAt"] == at(clock.now + 240)  # raised by the fix
    assert box.store.firing("am") == [
        ("value_revised", "ip_pledge_financing_amount|CN|2019-Q1")]


def test_below_the_severity_floor_nothing_is_posted(app: App) -> None:
    am = Alertmanager()
    box = outbox(app, am, Clock(), min_severity="critical")
    project(app, MISMATCH, NOW)
    drain(box)
    assert am.bodies == [] and box.store.firing("am") == []


def test_an_alertmanager_that_refuses_the_alerts_leaves_a_dead_letter(app: App) -> None:
    am = Alertmanager()
    am.answers = [400]
    box = outbox(app, am, Clock())
    project(app, MISMATCH, NOW)
    drain(box)
    (dead,) = box.store.dead()
    assert dead["reason"] == "refused: HTTP 400"
    assert dead["payload"]["alerts"][0]["labels"]["alertname"] == "growth_mismatch"
    assert "endsAt" not in dead["payload"]["alerts"][0]  # a firing alert's end is set per send
