"""Webhook delivery from the outbox threads to a real local HTTP receiver the test starts.

Waits here are bounded waits for something to happen, never assertions about how long
something took.
"""

from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path
from typing import Any

from factories import statistic
from webhook_receiver import WAIT_S, Receiver

from services.alerts.outbox import Outbox
from services.bootstrap import App, bootstrap
from services.settings import Settings


def mismatch() -> list[Any]:
    return [
        statistic(period="2019-Q1", value="100", doc=1, published=date(2019, 4, 20)),
        statistic(period="2020-Q1", value="120", change="+10%", doc=2),
    ]


def delivering(tmp_path: Path, **hook: Any) -> tuple[App, Outbox]:
    """An embedded app whose outbox delivers to one webhook, as `ipmon run` starts it."""
    cfg = tmp_path / "alerts.toml"
    lines = "\n".join(f"{k} = {json.dumps(v)}" for k, v in {"name": "ops", **hook}.items())
    cfg.write_text(f"[[webhooks]]\n{lines}\n")
    app = bootstrap(Settings(data_dir=tmp_path / "d", alerts_config=cfg), exclusive=True)
    assert app.deliveries is not None
    app.start_delivery()
    return app, app.deliveries.outboxes[0]


def wait_until(check: Any, timeout: float = WAIT_S) -> bool:
    deadline = threading.Event()
    for _ in range(int(timeout / 0.05)):
        if check():
            return True
        deadline.wait(0.05)
    return bool(check())


def test_alerts_reach_the_receiver_in_alertmanager_format(
    tmp_path: Path, receiver: Receiver,
) -> None:
    app, box = delivering(tmp_path, url=receiver.url)
    try:
        app.log.append(mismatch())
        app.runner.catch_up()
        assert app.deliveries is not None and app.deliveries.drain(WAIT_S) == []
        assert len(receiver.bodies) == 1  # raised together: one notification
        body = receiver.bodies[0]
        assert body["version"] == "4"
        assert body["status"] == "firing"
        names = {a["labels"]["alertname"] for a in body["alerts"]}
        assert "growth_mismatch" in names
        assert all(a["status"] == "firing" for a in body["alerts"])
        assert len(receiver.keys[0]) == 32
        assert box.store.stats()[("ops", "sent")] == 1
    finally:
        app.close()


def test_a_receiver_that_fails_hangs_and_recovers_gets_each_notification_once(
    tmp_path: Path, receiver: Receiver,
) -> None:
    receiver.answers = [500, 503, 502]
    app, box = delivering(tmp_path, url=receiver.url, timeout_s=0.3, backoff_s=0.05,
                          max_backoff_s=0.2)
    try:
        app.log.append(mismatch())
        app.runner.catch_up()
        assert wait_until(lambda: receiver.attempts >= 3)
        receiver.gate.clear()  # now it hangs: the client times out and tries again
        assert wait_until(lambda: box.store.stats().get(("ops", "failed"), 0) >= 5)
        assert receiver.bodies == [] and box.store.dead() == []  # down is not given up
        receiver.gate.set()  # it recovers
        assert wait_until(lambda: box.store.stats().get(("ops", "sent"), 0) == 1)
        # a hung attempt the receiver answered late may have landed too: same key
        assert len(set(receiver.keys)) == 1
        app.log.append([statistic(period="2021-Q1", value="1", change="+50%", doc=3,
                                  published=date(2021, 4, 1))])
        app.runner.catch_up()
        assert wait_until(lambda: box.store.stats().get(("ops", "sent"), 0) == 2)
        assert len(set(receiver.keys)) == 2
        assert box.store.dead() == []
    finally:
        app.close()


def test_a_dead_receiver_never_blocks_event_processing(tmp_path: Path) -> None:
    dead = Receiver()
    dead.gate.clear()  # accepts connections and never answers while the test runs
    app, _ = delivering(tmp_path, url=dead.url, timeout_s=60)
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
        app.close()


def test_an_unreachable_receiver_is_retried_until_the_age_limit(tmp_path: Path) -> None:
    gone = Receiver()
    url = gone.url
    gone.close()  # nothing listens on that port any more
    app, box = delivering(tmp_path, url=url, backoff_s=0.05, max_backoff_s=0.1,
                          dead_letter_after_s=1.5)
    try:
        app.log.append(mismatch())
        app.runner.catch_up()
        assert wait_until(lambda: box.store.dead() != [])
        dead = box.store.dead()
        assert dead[0]["reason"].startswith("expired: ConnectError")
        assert dead[0]["attempts"] >= 3
        assert dead[0]["payload"]["alerts"]
        assert box.store.stats()[("ops", "dead_lettered")] == 1
    finally:
        app.close()
