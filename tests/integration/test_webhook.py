"""Webhook delivery against a real local HTTP receiver the test starts.

Waits here are bounded waits for something to happen, never assertions about how long
something took.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from factories import statistic

from services.alerts.config import WebhookConfig, parse_alerting
from services.alerts.notify import Notifier, build_sinks
from services.alerts.webhook import WebhookSink
from services.bootstrap import App, bootstrap
from services.settings import Settings

WAIT_S = 30.0


class Receiver:
    """An Alertmanager-style webhook receiver with scriptable answers."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.attempts = 0
        self.answers: list[int] = []  # status codes to answer with, then 200
        self.gate = threading.Event()
        self.gate.set()
        self.received = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                outer.attempts += 1
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.gate.wait(WAIT_S)
                status = outer.answers.pop(0) if outer.answers else 200
                if status == 200:
                    outer.bodies.append(json.loads(body))
                    outer.received.set()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def mismatch() -> list[Any]:
    return [
        statistic(period="2019-Q1", value="100", doc=1, published=date(2019, 4, 20)),
        statistic(period="2020-Q1", value="120", change="+10%", doc=2),
    ]


def app_with_webhook(tmp_path: Path, hook: WebhookConfig) -> tuple[App, WebhookSink]:
    app = bootstrap(Settings(data_dir=tmp_path / "d"), sinks=[])
    sinks = build_sinks(app.engine, parse_alerting({"webhooks": [hook.model_dump()]}))
    app.runner.sinks = sinks
    notifier = sinks[-1]
    assert isinstance(notifier, Notifier)
    sink = notifier.sinks[0]
    assert isinstance(sink, WebhookSink)
    return app, sink


def test_alerts_reach_the_receiver_in_alertmanager_format(
    tmp_path: Path, receiver: Receiver,
) -> None:
    app, sink = app_with_webhook(tmp_path, WebhookConfig(url=receiver.url))
    try:
        app.log.append(mismatch())
        app.runner.catch_up()
        assert sink.flush(WAIT_S)
        assert len(receiver.bodies) == 1  # raised together: one notification
        body = receiver.bodies[0]
        assert body["version"] == "4"
        assert body["status"] == "firing"
        names = {a["labels"]["alertname"] for a in body["alerts"]}
        assert "growth_mismatch" in names
        assert all(a["status"] == "firing" for a in body["alerts"])
        assert sink.stats()[(receiver.url, "sent")] == 1
    finally:
        sink.close()
        app.close()


def test_failed_deliveries_are_retried_with_backoff(tmp_path: Path, receiver: Receiver) -> None:
    receiver.answers = [500, 503]
    hook = WebhookConfig(url=receiver.url, backoff_s=0.01, max_attempts=4)
    app, sink = app_with_webhook(tmp_path, hook)
    try:
        app.log.append(mismatch())
        app.runner.catch_up()
        assert sink.flush(WAIT_S)
        assert receiver.attempts == 3
        assert len(receiver.bodies) == 1
        assert sink.stats()[(receiver.url, "retried")] == 2
    finally:
        sink.close()
        app.close()


def test_a_slow_receiver_times_out_and_is_retried(tmp_path: Path, receiver: Receiver) -> None:
    receiver.gate.clear()  # the receiver hangs until the gate opens
    hook = WebhookConfig(url=receiver.url, timeout_s=0.2, backoff_s=0.01, max_attempts=50)
    app, sink = app_with_webhook(tmp_path, hook)
    try:
        app.log.append(mismatch())
        app.runner.catch_up()
        # keep the receiver hanging until the client has timed out at least once
        for _ in range(int(WAIT_S / 0.05)):
            if sink.stats().get((receiver.url, "retried"), 0) >= 1:
                break
            threading.Event().wait(0.05)
        assert sink.stats().get((receiver.url, "retried"), 0) >= 1
        receiver.gate.set()
        assert sink.flush(WAIT_S)
        assert receiver.received.is_set()
    finally:
        sink.close()
        app.close()


def test_a_dead_receiver_never_blocks_event_processing(tmp_path: Path) -> None:
    dead = Receiver()
    dead.gate.clear()  # accepts connections and never answers while the test runs
    hook = WebhookConfig(url=dead.url, timeout_s=60, max_attempts=1)
    app, sink = app_with_webhook(tmp_path, hook)
    try:
        app.log.append(mismatch())
        changes = app.runner.catch_up()
        # catch_up returned and the projections are complete while the receiver still
        # holds the first request unanswered
        assert changes.applied > 0
        assert not dead.received.is_set()
        with app.engine.connect() as conn:
            from projections import queries

            assert any(a.rule == "growth_mismatch" for a in queries.alerts(conn))
        app.log.append([statistic(period="2021-Q1", value="1", doc=3,
                                  published=date(2021, 4, 1))])
        assert app.runner.catch_up().applied >= 1
        assert not dead.received.is_set()
    finally:
        dead.close()
        sink.close()
        app.close()


def test_an_unreachable_receiver_gives_up_after_its_attempts(tmp_path: Path) -> None:
    gone = Receiver()
    url = gone.url
    gone.close()  # nothing listens on that port any more
    app, sink = app_with_webhook(tmp_path, WebhookConfig(url=url, backoff_s=0.01,
                                                         max_attempts=3))
    try:
        app.log.append(mismatch())
        app.runner.catch_up()
        assert sink.flush(WAIT_S)
        assert sink.stats()[(url, "failed")] == 1
        assert sink.stats()[(url, "retried")] == 2
    finally:
        sink.close()
        app.close()
