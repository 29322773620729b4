"""`ipmon run` on the bundled example documents, pushing to a real Alertmanager of its own."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import infra
from run_support import ROOT, Running

from projections import queries
from services.bootstrap import projection_engine

WAIT_S = 60.0


def setup(tmp_path: Path, url: str) -> None:
    shutil.copytree(ROOT / "examples" / "inbox", tmp_path / "inbox")
    (tmp_path / "alerts.toml").write_text(
        f'[notify]\npoll_s = 0.1\n\n[[alertmanager]]\nname = "am"\nurl = "{url}"\n'
        "resend_s = 600\n", encoding="utf-8")


def run(tmp_path: Path, *extra: str) -> Running:
    return Running(tmp_path, "run", "--inbox", "inbox", "--data", "data", "--no-serve",
                   "--alerts-config", "alerts.toml", *extra)


def firing(tmp_path: Path) -> set[tuple[str, str]]:
    engine = projection_engine(f"sqlite:///{tmp_path / 'data' / 'projections.sqlite'}")
    try:
        with engine.connect() as conn:
            return {(a.rule, a.key) for a in queries.alerts(conn) if a.state != "resolved"}
    finally:
        engine.dispose()


def resent(tmp_path: Path) -> int:
    """How many re-sends the delivery store counted."""
    db = tmp_path / "data" / "projections.delivery.sqlite"
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT n FROM delivery_counts WHERE outcome = 'resent'").fetchone()
    return int(row[0]) if row else 0


def wait_until(check: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


def told(am: infra.Alertmanager) -> list[tuple[str, str]]:
    """(alertname, ipmon key) of each active ipmon alert in the Alertmanager."""
    out = []
    for a in am.query("source=ipmon"):
        labels = a["labels"]
        key = labels.get("subject") or "|".join(
            labels[k] for k in ("metric", "geography", "period"))
        out.append((labels["alertname"], key))
    return out


def test_run_once_on_the_examples_pushes_every_firing_alert_with_its_document(
    tmp_path: Path, later_alertmanager: infra.Alertmanager,
) -> None:
    later_alertmanager.start()
    setup(tmp_path, later_alertmanager.url)
    job = run(tmp_path, "--once")
    assert job.exit_code(120) == 0, job.output
    arrived = told(later_alertmanager)
    assert sorted(arrived) == sorted(firing(tmp_path))
    assert len(arrived) > 5
    # the December 2023 newsletter reprint restates figures ten times too large: one alert
    slips = later_alertmanager.query("source=ipmon", "alertname=suspected_scale_error")
    assert len(slips) == 1, slips
    slip = slips[0]["annotations"]
    assert slip["document"] == "IP finance round-up, December 2023"
    assert "billion yuan" in slip["sentence"]
    assert "10^1" in slip["summary"]


def test_a_killed_run_restarts_without_a_second_copy_of_any_alert(
    tmp_path: Path, later_alertmanager: infra.Alertmanager,
) -> None:
    later_alertmanager.start()
    setup(tmp_path, later_alertmanager.url)
    job = run(tmp_path)
    try:
        assert job.wait_for("watching inbox", WAIT_S), job.output
        assert wait_until(lambda: len(told(later_alertmanager)) == len(firing(tmp_path)))
        before = {a["fingerprint"]: a["startsAt"] for a in
                  later_alertmanager.query("source=ipmon")}
        job.proc.send_signal(signal.SIGKILL)
        job.proc.wait(30)
        resends = resent(tmp_path)
    finally:
        job.stop()
    again = run(tmp_path)
    try:
        # the restarted process re-asserts what it told at once: the same alerts, none twice
        assert wait_until(lambda: resent(tmp_path) > resends), again.output
        after = {a["fingerprint"]: a["startsAt"] for a in
                 later_alertmanager.query("source=ipmon")}
        assert after == before
        assert len(before) == len(firing(tmp_path))
    finally:
        again.stop()
