"""Alert evaluation benchmark: the share of each batch that the alert rules take.

Usage: python bench/alerts.py [--events N] [--batch N] [--database URL] [--profile FILE]
                              [--dump FILE]

Runs the embedded runner over N synthetic events (bench/synthetic.py) in batches of the
worker's size, on the SQLite projections of a fresh data folder or on the PostgreSQL
database `--database` names (it must be empty), and prints per batch the CPU time of the
whole batch and of `evaluate` inside it, their ratio (and the wall clock's, which
includes the database server's work), and the alert events raised.
`--profile FILE` writes a cProfile of the alert evaluation alone; `--dump FILE` the alert
events and final alert states, sorted, so that two runs compare with `cmp`.
"""

from __future__ import annotations

import argparse
import cProfile
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sqlalchemy as sa
from replay import write_log

from events.log import Record
from projections import tables
from services import bootstrap as boot
from services.processor import core
from services.settings import Settings


class Timed:
    """Wraps a function and adds up the CPU seconds spent in it (profiled, if asked)."""

    def __init__(self, fn: Callable[..., Any], profile: cProfile.Profile | None) -> None:
        self.fn, self.profile, self.cpu, self.wall, self.calls = fn, profile, 0.0, 0.0, 0

    def __call__(self, *args: Any) -> Any:
        start, wall = time.process_time(), time.perf_counter()
        try:
            if self.profile is None:
                return self.fn(*args)
            return self.profile.runcall(self.fn, *args)
        finally:
            self.cpu += time.process_time() - start
            self.wall += time.perf_counter() - wall
            self.calls += 1


def _dump(app: boot.App, alerts: list[Record], path: str) -> None:
    """The alert events and the final alert states, sorted, to compare two runs with cmp."""
    t = tables.alerts
    with app.engine.connect() as conn:
        states = conn.execute(sa.select(t.c.rule, t.c.key, t.c.state, t.c.fingerprint)).all()
    lines = sorted(f"{r.event_id} {r.event_type}" for r in alerts)
    lines += sorted("|".join(map(str, s)) for s in states)
    Path(path).write_text("\n".join(lines) + "\n")


def run(data: Path, n: int, batch: int, database: str | None, options: argparse.Namespace) -> None:
    """Write the log, run every batch, print the figures."""
    write_log(data / "events.sqlite", n)
    settings = Settings(data_dir=data, batch_size=batch, database_url=database)
    app = boot.bootstrap(settings, sinks=[])
    profile, dump = options.profile, options.dump
    prof = cProfile.Profile() if profile else None
    evaluate = Timed(core.evaluate, prof)
    core.evaluate = evaluate  # type: ignore[assignment]
    start, wall = time.process_time(), time.perf_counter()
    total = app.runner.catch_up()
    cpu, wall = time.process_time() - start, time.perf_counter() - wall
    alerts = app.log.read("alerts", None, 10**9)
    if dump:
        _dump(app, alerts, dump)
    app.close()
    batches = max(evaluate.calls, 1)
    print(f"{n:,} events, {evaluate.calls} batches of up to {batch:,}, "
          f"{'PostgreSQL' if database else 'SQLite'} projections")
    print(f"batches         {cpu:8.2f} CPU s in all, {1000 * cpu / batches:8.1f} ms per batch "
          f"({total.applied:,} rows applied, {wall:.2f} s wall)")
    print(f"alert evaluation {evaluate.cpu:7.2f} CPU s in all, "
          f"{1000 * evaluate.cpu / batches:8.1f} ms per batch, "
          f"{100 * evaluate.cpu / max(cpu, 1e-9):.1f} % of the batches; "
          f"{evaluate.wall:.2f} s wall, {100 * evaluate.wall / max(wall, 1e-9):.1f} % of it")
    print(f"alert events    {len(alerts):8,} in the log")
    if prof is not None and profile:
        prof.dump_stats(profile)
        print(f"profile of the alert evaluation written to {profile}")


def main() -> None:
    """Parse the options and run the benchmark in a temporary data folder."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=5000)
    ap.add_argument("--database", default=None, help="an empty PostgreSQL database URL")
    ap.add_argument("--profile", default=None)
    ap.add_argument("--dump", default=None, help="write the alert events and states here")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ipmon-bench-alerts-"))
    try:
        run(work, args.events, args.batch, args.database, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
