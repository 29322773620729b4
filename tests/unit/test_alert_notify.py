"""Notification policy and the webhook outbox: dedup by key, silences, acknowledgements,
grouping, payload format, idempotency keys, positions, leases, dead letters.

The outbox posts through a real httpx client whose transport answers in-process, so each
step is deterministic; tests/integration/test_webhook*.py use a real HTTP receiver.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from api_support import NOW
from factories import statistic

from events import AlertAcknowledged, AlertSilenced, make_event
from services.alerts.config import AlertConfigError, NotifyConfig, WebhookConfig, parse_alerting
from services.alerts.delivery import DeliveryStore
from services.alerts.outbox import Outbox
from services.alerts.webhook import alertmanager_payload, notifications
from services.bootstrap import App, bootstrap, delivery_engine
from services.settings import Settings

SECRET_URL = "http://robot:hunter2@127.0.0.1:9/hook?token=s3cret"


class Transport:
    """Answers POSTs with scripted status codes (then 200) and keeps what was accepted."""

    def __init__(self) -> None:
        self.answers: list[int] = []
        self.bodies: list[dict[str, Any]] = []
        self.keys: list[str] = []
        self.attempts = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        status = self.answers.pop(0) if self.answers else 200
        if status == 200:
            self.bodies.append(orjson.loads(request.content))
            self.keys.append(request.headers["Idempotency-Key"])
        return httpx.Response(status)

    def told(self) -> list[tuple[str, str, str]]:
        return [(a["status"], a["labels"]["alertname"], a["labels"]["key"])
                for b in self.bodies for a in b["alerts"]]


class Clock:
    def __init__(self) -> None:
        self.now = NOW.timestamp()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    application = bootstrap(Settings(data_dir=tmp_path / "d"), sinks=[])
    yield application
    application.close()


def outbox(app: App, transport: Transport, clock: Clock | None = None, *,
           hook: WebhookConfig | None = None, exclusive: bool = True,
           notify: NotifyConfig | None = None) -> Outbox:
    store = DeliveryStore(delivery_engine(app.settings.resolved_database_url()))
    store.create()
    box = Outbox(hook or WebhookConfig(name="ops", url="http://127.0.0.1:9/hook"),
                 notify or NotifyConfig(), app.log, store, app.engine,
                 exclusive=exclusive, clock=clock or Clock())
    box.client = httpx.Client(transport=httpx.MockTransport(transport))
    box.register({})
    return box


def drain(box: Outbox) -> None:
    stop = threading.Event()
    while box.step(stop):
        pass


def mismatch_events(doc: int = 2, value: str = "120") -> list:  # type: ignore[type-arg]
    return [
        statistic(period="2019-Q1", value="100", doc=1, published=date(2019, 4, 20)),
        statistic(period="2020-Q1", value=value, change="+10%", doc=doc),
    ]


def project(app: App, events: list) -> None:  # type: ignore[type-arg]
    # each batch raises at its own time, as it would: same condition later, new event
    app.runner.clock = lambda at=NOW + timedelta(minutes=len(app.log.read(None, None, 10**6))): at
    app.log.append(events)
    app.runner.catch_up()


def test_alerts_raised_together_are_one_notification(app: App) -> None:
    t = Transport()
    box = outbox(app, t)
    project(app, mismatch_events())
    drain(box)
    assert len(t.bodies) == 1
    assert {rule for _, rule, _ in t.told()} == {"growth_mismatch"}
    assert t.bodies[0]["alerts"][0]["startsAt"] != "0001-01-01T00:00:00Z"


def test_a_firing_key_is_notified_once_even_after_a_restart(app: App) -> None:
    t = Transport()
    project(app, mismatch_events())
    drain(outbox(app, t))
    # a new vintage: same key, new fingerprint, still mismatching; a new process delivers
    project(app, [statistic(period="2020-Q1", value="125", change="+10%", doc=3,
                            published=date(2020, 5, 1))])
    drain(outbox(app, t))
    raised = [n for n in t.told() if n[:2] == ("firing", "growth_mismatch")]
    assert len(raised) == 1


def test_resolution_is_notified_and_rearms(app: App) -> None:
    t = Transport()
    box = outbox(app, t)
    project(app, mismatch_events())
    project(app, [statistic(period="2020-Q1", value="110", change="+10%", doc=4,
                            published=date(2020, 6, 1))])
    drain(box)
    # one batch held the raise and the resolution: the latest (resolved) is all there is,
    # and the receiver never heard it fire, so it hears nothing of it
    assert ("resolved", "growth_mismatch") not in {n[:2] for n in t.told()}
    # the same value restated with another growth: no revision, so nothing inhibits the
    # mismatch, which fires and then clears when the growth is restated correctly
    project(app, [statistic(period="2020-Q1", value="110", change="+25%", doc=5,
                            published=date(2020, 7, 1))])
    drain(box)
    project(app, [statistic(period="2020-Q1", value="110", change="+10%", doc=6,
                            published=date(2020, 8, 1))])
    drain(box)
    statuses = [n[0] for n in t.told() if n[1] == "growth_mismatch"]
    assert statuses == ["firing", "resolved"]


def test_silenced_and_acknowledged_keys_are_not_notified(app: App) -> None:
    t = Transport()
    project(app, mismatch_events())
    key = next(k for _, rule, k in _alerts(app) if rule == "growth_mismatch")
    project(app, [make_event(
        AlertSilenced(rule="growth_mismatch", key=key, by="ops",
                      until="2026-01-02T00:00:00+00:00"),
        published_at=NOW.date(), recorded_at=NOW)])
    box = outbox(app, t)
    # the receiver is new: it starts at the projections, so replay what is there
    box.store.advance("ops", {"": -1})
    drain(box)
    assert ("firing", "growth_mismatch", key) not in t.told()
    assert ("firing", "value_revised", key) not in t.told()
    # the same value with another wrong growth: a new condition, still silenced
    project(app, [statistic(period="2020-Q1", value="120", change="+15%", doc=5,
                            published=date(2020, 8, 1))])
    drain(box)
    assert ("firing", "growth_mismatch", key) not in t.told()
    project(app, [statistic(period="2020-Q1", value="140", change="+10%", doc=9,
                            published=date(2020, 8, 15))])
    drain(box)
    assert ("firing", "value_revised", key) in t.told()  # another rule: not silenced
    # once the silence expired, a new raise notifies; an acknowledgement stops it again
    clock = Clock()
    clock.now = NOW.replace(year=2027).timestamp()
    box.clock = clock
    # restated without a revision, so nothing inhibits the mismatch
    project(app, [statistic(period="2020-Q1", value="140", change="+25%", doc=6,
                            published=date(2020, 9, 1))])
    drain(box)
    assert ("firing", "growth_mismatch", key) in t.told()


def _alerts(app: App) -> list[tuple[str, str, str]]:
    from projections import queries

    with app.engine.connect() as conn:
        return [(a.state, a.rule, a.key) for a in queries.alerts(conn)]


def test_an_acknowledged_key_is_not_notified(app: App) -> None:
    t = Transport()
    project(app, mismatch_events())
    key = next(k for _, rule, k in _alerts(app) if rule == "growth_mismatch")
    project(app, [make_event(
        AlertAcknowledged(rule="growth_mismatch", key=key, by="ops", at=NOW.isoformat()),
        published_at=NOW.date(), recorded_at=NOW)])
    box = outbox(app, t)
    box.store.advance("ops", {"": -1})
    drain(box)
    assert ("firing", "growth_mismatch", key) not in t.told()


def test_a_new_receiver_starts_where_the_projections_are(app: App) -> None:
    project(app, mismatch_events())
    t = Transport()
    store = DeliveryStore(delivery_engine(app.settings.resolved_database_url()))
    store.create()
    box = Outbox(WebhookConfig(name="late", url="http://127.0.0.1:9/h"), NotifyConfig(),
                 app.log, store, app.engine, exclusive=True)
    box.client = httpx.Client(transport=httpx.MockTransport(t))
    box.register(app.projector.cursor())
    drain(box)
    assert t.bodies == []  # history before it was added is not sent
    project(app, [statistic(period="2021-Q1", value="200", change="+99%", doc=7,
                            published=date(2021, 4, 20))])
    drain(box)
    assert t.bodies


def test_a_resent_notification_carries_the_same_idempotency_keys(app: App) -> None:
    first, second = Transport(), Transport()
    project(app, mismatch_events())
    a = outbox(app, first)
    drain(a)
    # forget the delivery, as if the process died before storing it: same notification
    b = outbox(app, second, hook=WebhookConfig(name="other", url="http://127.0.0.1:9/h"))
    b.store.advance("other", {"": -1})
    drain(b)
    assert first.keys == second.keys
    ids = [a["annotations"]["idempotency_key"] for a in first.bodies[0]["alerts"]]
    assert ids == [a["annotations"]["idempotency_key"] for a in second.bodies[0]["alerts"]]
    alert = first.bodies[0]["alerts"][0]
    assert alert["annotations"]["idempotency_key"] == (
        f"{alert['fingerprint']}:firing:{alert['startsAt']}")


def test_a_refused_notification_is_a_dead_letter(app: App) -> None:
    t = Transport()
    t.answers = [400]
    box = outbox(app, t)
    project(app, mismatch_events())
    drain(box)
    assert t.bodies == []
    dead = box.store.dead()
    assert len(dead) == 1 and dead[0]["reason"] == "refused: HTTP 400"
    assert box.store.stats()[("ops", "dead_lettered")] == 1


def test_retries_go_on_until_the_age_limit_then_dead_letter(app: App) -> None:
    t = Transport()
    t.answers = [503] * 1000
    clock = Clock()
    hook = WebhookConfig(name="ops", url="http://127.0.0.1:9/h", backoff_s=0,
                         dead_letter_after_s=3600)
    box = outbox(app, t, clock, hook=hook)
    project(app, mismatch_events())
    stop = threading.Event()
    ticks = iter(range(10_000))

    def wait(_: float) -> bool:
        clock.now += 600 if next(ticks) >= 20 else 1  # 20 quick retries, then time passes
        return False

    stop.wait = wait  # type: ignore[method-assign]
    box.step(stop)
    assert t.attempts > 20  # many tries: a down receiver is not given up after five
    assert box.store.dead()[0]["reason"] == "expired: HTTP 503"
    assert box.store.stats()[("ops", "failed")] == t.attempts


def test_the_lease_keeps_a_second_deliverer_out(app: App) -> None:
    one, two = Transport(), Transport()
    clock = Clock()
    a = outbox(app, one, clock, exclusive=False)
    b = outbox(app, two, clock, exclusive=False)
    project(app, mismatch_events())
    assert a._holds() and not b._holds()
    clock.now += a.notify.lease_s + 1  # the holder died: its lease runs out
    assert b._holds() and not a._holds()


def test_delivery_state_survives_a_rebuild(app: App, tmp_path: Path) -> None:
    from services.rebuild import rebuild_projections

    t = Transport()
    box = outbox(app, t)
    project(app, mismatch_events())
    drain(box)
    sent = len(t.bodies)
    app.engine.dispose()
    rebuild_projections(app.settings)
    drain(outbox(app, t))
    assert len(t.bodies) == sent
    assert box.store.position("ops")


def test_receiver_names_not_urls_in_metrics_and_logs(
    app: App, caplog: pytest.LogCaptureFixture,
) -> None:
    from dataclasses import replace

    from fastapi.testclient import TestClient

    from services.api import context_for, create_app

    t = Transport()
    t.answers = [500, 200]
    box = outbox(app, t, hook=WebhookConfig(url=SECRET_URL, backoff_s=0))
    project(app, mismatch_events())
    with caplog.at_level(logging.DEBUG):
        drain(box)
    assert t.bodies
    assert "127.0.0.1:9" in caplog.text
    for secret in ("hunter2", "s3cret", "robot"):
        assert secret not in caplog.text
    ctx = replace(context_for(app), delivery=box.store)
    text = TestClient(create_app(ctx)).get("/metrics").text
    assert 'ipmon_webhook_deliveries_total{outcome="sent",receiver="127.0.0.1:9/hook"} 1.0' in text
    for secret in ("hunter2", "s3cret", "robot"):
        assert secret not in text


def test_webhooks_need_distinct_names() -> None:
    with pytest.raises(AlertConfigError, match="share the name"):
        parse_alerting({"webhooks": [{"url": "http://h:1/a?x=1"}, {"url": "http://h:1/a?x=2"}]})
    ok = parse_alerting({"webhooks": [{"url": "http://h:1/a?x=1", "name": "a"},
                                      {"url": "http://h:1/a?x=2"}, {"url": "https://h/b/"}]})
    assert [w.receiver for w in ok.webhooks] == ["a", "h:1/a", "h:443/b"]


def test_alertmanager_payload_shape() -> None:
    rows = [
        {"event_type": "AlertRaised", "rule": "growth_mismatch", "key": "m|CN|2020-Q1",
         "severity": "warning", "message": "reported +10% vs +20%", "evidence": ["a", "b"],
         "recorded_at": "2026-01-01T12:00:00+00:00"},
        {"event_type": "AlertResolved", "rule": "value_revised", "key": "m|CN|2019",
         "severity": "warning", "message": "cleared", "evidence": [],
         "raised_at": "2025-12-01T00:00:00+00:00", "recorded_at": "2026-01-01T12:00:00+00:00"},
    ]
    body = alertmanager_payload(rows, receiver="ops", external_url="http://h:1",
                                group_labels={})
    assert body["version"] == "4"
    assert body["status"] == "firing"
    assert body["receiver"] == "ops"
    assert body["commonLabels"] == {"severity": "warning", "source": "ipmon"}
    first, second = body["alerts"]
    assert first["labels"]["alertname"] == "growth_mismatch"
    assert first["startsAt"] == "2026-01-01T12:00:00Z"
    assert first["endsAt"] == "0001-01-01T00:00:00Z"
    assert first["annotations"]["summary"] == "reported +10% vs +20%"
    assert second["status"] == "resolved"
    assert second["startsAt"] == "2025-12-01T00:00:00Z"
    assert second["endsAt"] == "2026-01-01T12:00:00Z"
    assert first["fingerprint"] != second["fingerprint"]
    assert len(first["fingerprint"]) == 16


def test_grouping_by_rule_and_severity_floor() -> None:
    rows = [
        {"event_type": "AlertRaised", "rule": r, "key": k, "severity": s, "message": "",
         "evidence": [], "recorded_at": "2026-01-01T00:00:00+00:00", "event_id": k}
        for r, k, s in [("a", "1", "warning"), ("a", "2", "critical"), ("b", "1", "info")]
    ]
    hook = WebhookConfig(url="http://127.0.0.1:9/x")
    by_rule = notifications(rows, hook, NotifyConfig(group_by=("rule",)), "http://h")
    assert [(n.payload["groupLabels"], len(n.payload["alerts"])) for n in by_rule] == [
        ({"rule": "a"}, 2), ({"rule": "b"}, 1)]
    floor = WebhookConfig(url="http://127.0.0.1:9/x", min_severity="warning")
    together = notifications(rows, floor, NotifyConfig(), "http://h")
    assert len(together) == 1 and len(together[0].payload["alerts"]) == 2
    assert together[0].states == {("a", "1"): "firing", ("a", "2"): "firing"}
    # the key names the alerts and their states, not the grouping
    assert together[0].key == by_rule[0].key != by_rule[1].key
