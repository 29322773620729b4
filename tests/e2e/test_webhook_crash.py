"""`ipmon run` delivering to a real webhook receiver, killed with SIGKILL at each step.

At-least-once with idempotency keys: a notification in flight when the process dies is
sent again by the next process with the same `Idempotency-Key`; one the receiver
acknowledged is never sent again; one that was backing off is sent once the receiver is
back. Waits are bounded waits for something to happen, never timing assertions.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from run_support import Running, run_job
from webhook_receiver import Receiver

HEADER = "record,metric,geography,period,value,unit,change,published\n"
WAIT_S = 60.0


def mismatch_feed(folder: Path, name: str, year: int) -> None:
    """A feed whose reported growth disagrees with the history: one growth_mismatch."""
    (folder / name).write_text(
        HEADER
        + f"statistic,ip_pledge_financing_amount,CN,{year - 1}-Q1,100,CNY,,{year - 1}-04-20\n"
        + f"statistic,ip_pledge_financing_amount,CN,{year}-Q1,150,CNY,+10%,{year}-04-20\n",
        encoding="utf-8",
    )


def setup(tmp_path: Path, receiver: Receiver, **hook: object) -> None:
    (tmp_path / "inbox").mkdir()
    mismatch_feed(tmp_path / "inbox", "first.csv", 2020)
    values = {"name": "ops", "url": receiver.url, "timeout_s": 30, "backoff_s": 0.2,
              "max_backoff_s": 0.5, **hook}
    lines = "".join(f"{k} = {v!r}\n".replace("'", '"') for k, v in values.items())
    (tmp_path / "alerts.toml").write_text("[[webhooks]]\n" + lines, encoding="utf-8")


def start(tmp_path: Path) -> Running:
    return run_job(tmp_path, "--alerts-config", "alerts.toml")


def counts(tmp_path: Path) -> dict[str, int]:
    db = tmp_path / "data" / "projections.delivery.sqlite"
    if not db.exists():
        return {}
    with sqlite3.connect(db) as conn:
        try:
            return dict(conn.execute("SELECT outcome, n FROM delivery_counts"))
        except sqlite3.OperationalError:
            return {}


def wait_until(check: Callable[[], bool], job: Running | None = None) -> bool:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if check():
            return True
        if job is not None and job.proc.poll() is not None:
            return check()
        time.sleep(0.05)
    return check()


def kill(job: Running) -> None:
    job.proc.kill()
    job.proc.wait(30)


def test_killed_while_the_receiver_holds_the_request(tmp_path: Path, receiver: Receiver) -> None:
    setup(tmp_path, receiver)
    receiver.gate.clear()  # the receiver takes the request and does not answer yet
    job = start(tmp_path)
    try:
        assert wait_until(lambda: receiver.attempts >= 1, job), job.output
        kill(job)
    finally:
        job.stop()
    receiver.gate.set()  # it answers, but nobody hears the acknowledgement
    assert wait_until(lambda: len(receiver.keys) == 1)
    again = start(tmp_path)
    try:
        assert wait_until(lambda: counts(tmp_path).get("sent") == 1, again), again.output
        # sent again after the crash, with the same key: the receiver can drop it
        assert len(receiver.keys) == 2
        assert len(set(receiver.keys)) == 1
    finally:
        again.stop()


def test_killed_after_the_acknowledgement(tmp_path: Path, receiver: Receiver) -> None:
    setup(tmp_path, receiver)
    job = start(tmp_path)
    try:
        assert wait_until(lambda: counts(tmp_path).get("sent") == 1, job), job.output
        kill(job)
    finally:
        job.stop()
    first = receiver.keys[0]
    again = start(tmp_path)
    try:
        assert again.wait_for("watching inbox"), again.output
        # the same value restated with another growth re-raises the still-firing key (no
        # revision, so nothing inhibits it), and a new year raises a new one
        (tmp_path / "inbox" / "second.csv").write_text(
            HEADER
            + "statistic,ip_pledge_financing_amount,CN,2020-Q1,150,CNY,+12%,2020-07-20\n"
            + "statistic,ip_pledge_financing_amount,CN,2022-Q1,100,CNY,,2022-04-20\n"
            + "statistic,ip_pledge_financing_amount,CN,2023-Q1,150,CNY,+10%,2023-04-20\n",
            encoding="utf-8",
        )
        assert wait_until(lambda: len(set(receiver.keys)) == 2, again), again.output
        assert receiver.keys.count(first) == 1  # the acknowledged one was not re-sent
        told = [a["labels"]["key"] for b in receiver.bodies for a in b["alerts"]
                if a["labels"]["alertname"] == "growth_mismatch"]
        assert sorted(told) == sorted(set(told))  # each firing key told once
    finally:
        again.stop()


def test_killed_while_backing_off(tmp_path: Path, receiver: Receiver) -> None:
    setup(tmp_path, receiver)
    receiver.answers = [503] * 10_000  # down
    job = start(tmp_path)
    try:
        assert wait_until(lambda: counts(tmp_path).get("failed", 0) >= 2, job), job.output
        kill(job)
    finally:
        job.stop()
    assert receiver.keys == []
    receiver.answers = []  # back up
    again = start(tmp_path)
    try:
        assert wait_until(lambda: counts(tmp_path).get("sent") == 1, again), again.output
        assert len(receiver.keys) == 1
        assert counts(tmp_path).get("dead_lettered") is None
    finally:
        again.stop()
