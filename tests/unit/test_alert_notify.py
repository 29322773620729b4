"""Notification policy: dedup by key, silences, acknowledgements, grouping, payload format."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from api_support import NOW
from factories import statistic

from events import AlertAcknowledged, AlertSilenced, make_event
from services.alerts.config import NotifyConfig, WebhookConfig
from services.alerts.notify import Notifier
from services.alerts.sinks import MemorySink
from services.alerts.webhook import WebhookSink, alertmanager_payload
from services.bootstrap import App, bootstrap
from services.settings import Settings


@pytest.fixture
def wired(tmp_path: Path) -> Iterator[tuple[App, MemorySink]]:
    inner = MemorySink()
    app = bootstrap(Settings(data_dir=tmp_path / "d"), sinks=[])
    notifier = Notifier(app.engine, [inner], clock=lambda: NOW)
    app.runner.sinks = [notifier]
    app.runner.clock = lambda: NOW
    yield app, inner
    app.close()


def mismatch_events(doc: int = 2, value: str = "120") -> list:  # type: ignore[type-arg]
    return [
        statistic(period="2019-Q1", value="100", doc=1, published=date(2019, 4, 20)),
        statistic(period="2020-Q1", value=value, change="+10%", doc=doc),
    ]


def notified(sink: MemorySink) -> list[tuple[str, str, str]]:
    return [(a["event_type"], a["rule"], a["key"]) for g in sink.groups for a in g]


def test_alerts_raised_together_are_one_notification(wired: tuple[App, MemorySink]) -> None:
    app, sink = wired
    app.log.append(mismatch_events())
    app.runner.catch_up()
    assert len(sink.groups) == 1
    rules = {rule for _, rule, _ in notified(sink)}
    assert rules == {"growth_mismatch"}
    assert sink.groups[0][0]["raised_at"]  # enriched with the alert's state


def test_a_firing_key_is_notified_once(wired: tuple[App, MemorySink]) -> None:
    app, sink = wired
    app.log.append(mismatch_events())
    app.runner.catch_up()
    # a new vintage: same key, new fingerprint, still mismatching
    app.log.append([statistic(period="2020-Q1", value="125", change="+10%", doc=3,
                              published=date(2020, 5, 1))])
    app.runner.catch_up()
    raised = [n for n in notified(sink) if n[:2] == ("AlertRaised", "growth_mismatch")]
    assert len(raised) == 1


def test_resolution_is_notified_and_rearms(wired: tuple[App, MemorySink]) -> None:
    app, sink = wired
    app.log.append(mismatch_events())
    app.runner.catch_up()
    app.log.append([statistic(period="2020-Q1", value="110", change="+10%", doc=4,
                              published=date(2020, 6, 1))])
    app.runner.catch_up()
    assert ("AlertResolved", "growth_mismatch") in {n[:2] for n in notified(sink)}


def test_silenced_and_acknowledged_keys_are_not_notified(
    wired: tuple[App, MemorySink],
) -> None:
    app, sink = wired
    app.log.append(mismatch_events())
    app.runner.catch_up()
    key = next(k for _, rule, k in notified(sink) if rule == "growth_mismatch")
    sink.groups.clear()
    notifier = app.runner.sinks[0]
    assert isinstance(notifier, Notifier)
    app.log.append([make_event(
        AlertSilenced(rule="growth_mismatch", key=key, by="ops",
                      until="2026-01-02T00:00:00+00:00"),
        published_at=NOW.date(), recorded_at=NOW)])
    app.runner.catch_up()
    notifier._firing.clear()  # forget the earlier notification: only the silence may stop it
    app.log.append([statistic(period="2020-Q1", value="140", change="+10%", doc=5,
                              published=date(2020, 8, 1))])
    app.runner.catch_up()
    assert ("AlertRaised", "growth_mismatch", key) not in notified(sink)
    assert ("AlertRaised", "value_revised", key) in notified(sink)  # another key: not silenced
    # once the silence expired, the same condition notifies again
    notifier.clock = lambda: NOW.replace(year=2027)
    assert notifier.select([{"event_type": "AlertRaised", "rule": "growth_mismatch",
                             "key": key, "recorded_at": "x", "event_id": "e"}])
    notifier._firing.clear()
    notifier.clock = lambda: NOW.replace(year=2027)
    app.log.append([make_event(
        AlertAcknowledged(rule="growth_mismatch", key=key, by="ops", at=NOW.isoformat()),
        published_at=NOW.date(), recorded_at=NOW)])
    app.runner.catch_up()
    assert notifier.select([{"event_type": "AlertRaised", "rule": "growth_mismatch",
                             "key": key, "recorded_at": "x", "event_id": "e"}]) == []


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


class _Capture(WebhookSink):
    """A webhook sink that records payloads instead of posting them."""

    def __init__(self, notify: NotifyConfig, min_severity: str = "info") -> None:
        super().__init__(WebhookConfig(url="http://127.0.0.1:9/x",
                                       min_severity=min_severity),  # type: ignore[arg-type]
                         notify=notify)
        self.payloads: list[dict[str, object]] = []

    def _put(self, payload: dict[str, object]) -> None:
        self.payloads.append(payload)


def test_grouping_by_rule_and_severity_floor() -> None:
    rows = [
        {"event_type": "AlertRaised", "rule": r, "key": k, "severity": s, "message": "",
         "evidence": [], "recorded_at": "2026-01-01T00:00:00+00:00"}
        for r, k, s in [("a", "1", "warning"), ("a", "2", "critical"), ("b", "1", "info")]
    ]
    by_rule = _Capture(NotifyConfig(group_by=("rule",)))
    by_rule.deliver(rows)
    assert [(p["groupLabels"], len(p["alerts"])) for p in by_rule.payloads] == [  # type: ignore[arg-type]
        ({"rule": "a"}, 2), ({"rule": "b"}, 1)]
    together = _Capture(NotifyConfig(), min_severity="warning")
    together.deliver(rows)
    assert len(together.payloads) == 1
    assert len(together.payloads[0]["alerts"]) == 2  # type: ignore[arg-type]
    by_rule.close()
    together.close()
